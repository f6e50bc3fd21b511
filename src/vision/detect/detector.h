// Finding sturgeon in one frame by appearance, so resting fish are found as
// well as swimming ones (no background subtraction over time).
//
// 1. Water model: the frame is reduced to `work_width`; the water's colour
//    is estimated per pixel by a median over a window several fish long
//    (computed at 1/`background_factor` scale), which ignores the fish
//    themselves and follows depth gradients, cloud shadows and low light.
// 2. Contrast: each pixel's colour distance to the water model, divided by
//    the frame's robust noise level (median absolute deviation), so the
//    threshold is in units of noise, not grey levels. Fish darker or lighter
//    than the water both stand out.
// 3. Blobs: connected components, described by their second moments
//    (oriented major and minor axis), area and solidity.
// 4. Shape: a fish is an elongated, solid blob. Round blobs (glare, foam
//    patches, feed pellets) and ragged ones (foam, caustics) are rejected;
//    so are lines much longer than a fish (net ropes, walls). The expected
//    fish size comes from the GSD when the altitude is known, and otherwise
//    from the median of the frame's own elongated blobs (robust statistics).
// 5. Clumps: a blob of several touching fish (area a multiple of the typical
//    fish) is split by k-means on its pixels into that many detections.
//
// Boxes are returned in full-resolution image pixels with the body length
// along the major axis in `length_px`. Not thread-safe (keeps the running
// fish size between frames).
#pragma once

#include <vector>

#include <opencv2/core.hpp>

#include "vision/types.h"

namespace sturgeon::vision {

struct DetectorParams {
  int work_width = 960;              // frames are reduced to this width first
  int background_factor = 8;         // the water model is computed at 1/8 of work size
  int background_median = 5;         // median window, in background pixels
  float threshold_sigma = 4.0f;      // contrast threshold in noise units
  float min_contrast = 6.0f;         // and in grey levels
  float min_elongation = 1.7f;       // major / minor axis
  float min_solidity = 0.55f;
  float max_length_factor = 2.6f;    // longer than this x typical, and thin: a rope
  float min_length_factor = 0.35f;   // shorter than this x typical: debris
  float expected_length_px = 0;      // full-res pixels; 0 = learn from the footage
  int min_area_work_px = 12;
};

class Detector {
 public:
  explicit Detector(DetectorParams params = {});

  // Detects fish in a BGR frame. `mask`, if not empty, is a CV_8U mask at
  // any size covering the frame; only blobs whose centre is inside count.
  std::vector<Detection> Detect(const cv::Mat& frame_bgr, const cv::Mat& mask = cv::Mat());

  // The current typical fish length in full-resolution pixels (0 before the
  // first fish).
  float TypicalLengthPx() const { return typical_length_work_ / scale_; }

  const DetectorParams& params() const { return params_; }

 private:
  std::vector<Detection> DetectOnce(const cv::Mat& frame_bgr, const cv::Mat& mask);

  DetectorParams params_;
  bool bootstrapped_ = false;  // the first frame was detected until the fish size settled
  bool replace_size_ = false;  // set the typical size from this frame alone
  float scale_ = 1.0f;  // work / full
  float typical_length_work_ = 0;
  float typical_area_work_ = 0;
  cv::Mat work_, mask_work_, background_, small_, diff_;
};

}  // namespace sturgeon::vision
