// Scene geometry: camera motion between frames and the pool being counted.
#pragma once

#include <vector>

#include <opencv2/core.hpp>

namespace sturgeon::vision {

// Estimates the drone's motion (translation, rotation, scale) between
// consecutive frames from sparse optical flow on the background: corners are
// taken away from the fish detected in the previous frame, tracked with
// pyramidal Lucas-Kanade and fitted with a RANSAC similarity, so moving fish
// are outliers. Keeps the accumulated transform from the current frame to
// the world frame (the first frame's pixels). When too few points agree the
// frame is assumed not to have moved (documented limit: featureless water
// with no pool edge in view). When enough corners agreed on a frame's
// estimate (moved or still), their new positions are followed into the
// next frame, those then under a fish's box dropped; the corners are found
// afresh when fewer than kFollowedCornersMin are followed (so after a
// frame with no estimate) and every kCornersFoundEveryFrames frames.
// Finding them was over half the cost of an estimate (docs/benchmarks.md,
// round 33). Not thread-safe.
inline constexpr int kFollowedCornersMin = 150;
inline constexpr int kCornersFoundEveryFrames = 10;

class CameraMotion {
 public:
  // `grey` is a small greyscale frame; `scale` maps its pixels to full-res
  // pixels (full = small * scale). `fish_boxes` are full-res boxes to avoid.
  void Update(const cv::Mat& grey, float scale, const std::vector<cv::Rect2f>& fish_boxes);

  // Full-res image point of the current frame -> world point.
  cv::Point2f ToWorld(cv::Point2f p) const;
  // World point -> full-res image point of the current frame.
  cv::Point2f ToImage(cv::Point2f p) const;
  // 3x3 world-from-image transform of the current frame.
  const cv::Matx33d& WorldFromImage() const { return world_from_image_; }
  bool moved() const { return moved_; }
  // The last Update's corners agreed that the camera held still (under
  // 0.3 small pixels and 1e-3 rad); false where it moved or where there
  // was no estimate.
  bool held_still() const { return held_still_; }
  // How many times corners were found afresh (goodFeaturesToTrack), over
  // all the Updates so far.
  int corner_searches() const { return corner_searches_; }

 private:
  cv::Mat prev_;
  std::vector<cv::Point2f> followed_;  // corners in prev_ that agreed with the last estimate
  int frames_since_found_ = 0;         // frames since the corners were last found afresh
  int corner_searches_ = 0;
  cv::Matx33d world_from_image_ = cv::Matx33d::eye();
  bool moved_ = false;
  bool held_still_ = false;
};

// Finds the pool at the centre of the view: region growing from the centre
// over the smoothed frame, stopped by colour edges (walls, walkways, cage
// frames) and by long straight bright strips (walls between pools of one
// water, drawn out to the frame's edges), with the water in a cast shadow
// across the pool (the water's colour darkened by one factor, within the
// view and no larger than the lit pool) added, then its convex hull (so
// fish and ropes inside do not make holes). A flood over 60% of the frame is
// checked with the barrier at half its height: a pool of at most 60% found
// wholly inside the view then is the pool (the flood had leaked over a
// faint stretch of rim; the lower barrier may cut some of the pool off).
// Returns a CV_8U mask at a reduced size (about 240 pixels wide) covering
// the frame. Falls back to the whole frame when
// the region is implausibly small.
cv::Mat FindPoolMask(const cv::Mat& bgr);

// The pool over a video: FindPoolMask every few frames, kept consistent in
// time. The flood that finds the pool fails in two ways, both from one
// frame's light (caustics, ripples, noise): no seed of the water's colour
// (FindPoolMask then gives the whole frame) or a flood that creeps over a
// wall into the neighbouring pools. Either way the mask jumps from the pool
// to much more of the frame and back, and every jump lets the walls' edges
// and the neighbours' water in as short-lived "fish" (raceway: 600 counted
// of 120). The pool itself cannot do that: between two looks its apparent
// area grows at most by the drone's climb or a sweep bringing more of it
// into view, a few percent. So a new mask is taken when it is not more than
// `max_growth` times the area of the mask in use (per look since that one
// was taken: slow legitimate growth still gets through); otherwise, and
// when nothing was found, the mask in use is kept. A look taken with the
// lower barrier (a leak checked, see FindPoolMask) does not replace a mask
// in use of at most 60% of the frame (a pool, not a leak) unless it keeps
// at least 0.9 of its area. Until a pool is found
// the whole frame is searched. Not thread-safe.
class PoolMask {
 public:
  explicit PoolMask(double max_growth = 1.25) : max_growth_(max_growth) {}
  // Looks at `bgr` and returns the mask to use (same format as
  // FindPoolMask; empty = the whole frame).
  const cv::Mat& Update(const cv::Mat& bgr);
  const cv::Mat& mask() const { return mask_; }
  // No pool found yet (the whole frame is searched), or the mask in use
  // covers over 60% of the frame: a flood that may have crept over a wall
  // (or a pool that fills the view; the look cannot tell).
  bool MayHaveLeaked() const;

 private:
  double max_growth_;
  cv::Mat mask_;
  double area_ = 0;   // share of the frame of mask_, 0 when none found yet
  int looks_since_ = 0;  // looks since mask_ was taken
};

}  // namespace sturgeon::vision
