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
// with no pool edge in view). Not thread-safe.
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

 private:
  cv::Mat prev_;
  cv::Matx33d world_from_image_ = cv::Matx33d::eye();
  bool moved_ = false;
};

// Finds the pool at the centre of the view: region growing from the centre
// over the smoothed frame, stopped by colour edges (walls, walkways, cage
// frames), then its convex hull (so fish and ropes inside do not make holes).
// Returns a CV_8U mask at a reduced size (about 240 pixels wide) covering
// the frame. Falls back to the whole frame when
// the region is implausibly small.
cv::Mat FindPoolMask(const cv::Mat& bgr);

}  // namespace sturgeon::vision
