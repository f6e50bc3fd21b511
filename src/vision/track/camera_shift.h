// The camera's motion from detections alone. A `count --detections` replay
// has no images to follow the camera in, so a sweep's fish race across the
// image (30 px a frame on the simulator's sweep) and leave and re-enter the
// view far from where their tracks expect them. Between two frames every
// fish in view moves by the camera's shift plus its own swimming, which
// differs from fish to fish: the shift is the displacement that most pairs
// of detections (one in each frame) agree on.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include <opencv2/core/types.hpp>

#include "vision/types.h"

namespace sturgeon::vision {

// The shift of the image content from `previous` to `current` (current
// minus previous, image pixels); (0, 0) when the detections show none;
// nullopt when they cannot tell.
//
// Every pair of detections no further apart than max(3 box sizes, a tenth
// of the current detections' extent) votes for its displacement in a grid
// of bins max(2 px, 0.15 box sizes, a twentieth of that reach) wide (the
// box size: the median of the current boxes' longer sides). The bin whose
// 3x3 neighbourhood holds most votes wins; the shift is then the mean of
// the displacements round it, moved to until it settles within 1.5 and
// then 0.75 bins.
// - nullopt: fewer than 3 detections in either frame; fewer than max(3,
//   30% of the smaller frame's detections) votes for the winner or pairs
//   round the shift; or a rival bin 3 or more bins away with 80% of the
//   winner's votes (evenly spaced fish: each paired with its neighbour
//   votes as well as each paired with itself).
// - (0, 0): a shift under max(1 px, the RMS spread of the displacements
//   within 1.5 bins of it), or one where no displacement at all holds half
//   as many pairs within that spread. Fish each swimming their own way
//   under a still camera, or a camera moving slower than the fish's own
//   moves and the detector's jitter spread them (CameraFromDetections
//   looks for that over several frames). Fish schooling one way faster
//   than that spread read as a moving camera; tracking is unharmed, since
//   it only needs one frame of reference.
std::optional<cv::Point2f> CommonShift(std::span<const Detection> previous, std::span<const Detection> current);

// The camera over a detections-only replay, frame by frame: the sum of
// the CommonShift of each frame with detections from the last one. Where
// that is (0, 0), the shift from `kSlowBaselineFrames` frames with
// detections back is looked for too: a slow camera (a sweep starting or
// turning) shows over several frames. Where the detections cannot tell
// (nullopt) the camera keeps its last move for up to `kMaxCoastFrames`
// frames in a row (a camera moves smoothly; a sweep's frame with few fish
// in view does not stop it), then is taken as still. Frames without
// detections leave it where it was.
class CameraFromDetections {
 public:
  static constexpr int kMaxCoastFrames = 3;
  static constexpr size_t kSlowBaselineFrames = 4;

  // Feeds one frame's detections (image pixels, frames in order) and
  // returns the camera's offset there: image = world + offset, the world
  // being the first frame's pixels.
  cv::Point2f Update(std::span<const Detection> detections);
  // Whether the offset was ever other than zero.
  bool moved() const { return moved_; }

 private:
  struct Seen {
    std::vector<Detection> detections;
    cv::Point2f offset;
  };
  std::deque<Seen> history_;  // the last frames with detections, oldest first
  cv::Point2f offset_{0, 0}, step_{0, 0};
  int undecided_ = 0;  // frames in a row the detections could not tell
  bool moved_ = false;
};

// The camera over a whole detections-only replay, offline: the offset of
// each of frames 1..`last` (index 0 unused; `detections` by frame, frames
// without an entry have none). CameraFromDetections frame by frame, then
// smoothed. A drone's drift and a sweep's pan change over seconds, but
// the frame-by-frame estimate stalls while the camera moves slower than
// the fish's own moves spread the pairs (each step reads as none) and
// catches up in one jump when the slow baseline shows the shift: a
// staircase whose steps, 5-13 px off, broke tracks (the simulator's
// strong_drift from noisy boxes: 18-38 frames a clip with the step off by
// more than 5 px, a count of 101-104 for 100). Each frame's offset is
// replaced by the value at that frame of a quadratic fitted by least
// squares to the offsets within `kPathSmoothingFrames` frames either side
// (fewer at the ends of the replay): the ramp the staircase stands for. A
// sweep's turns take tens of frames and are kept.
inline constexpr int kPathSmoothingFrames = 7;
std::vector<cv::Point2f> CameraPathFromDetections(const std::map<int, std::vector<Detection>>& detections, int last);

}  // namespace sturgeon::vision
