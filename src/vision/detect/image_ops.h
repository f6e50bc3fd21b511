// Whole-image steps of detection that OpenCV does more slowly than needed
// on 1080p drone frames. Each says what OpenCV calls it equals (or, for
// ReduceFrame, how it differs); tests/unit/vision/image_ops_test.cc
// compares them, bench/image_ops_bench times them.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include <opencv2/core.hpp>

namespace sturgeon::vision {

// Whether two images have the same size, type and pixels.
bool SameImage(const cv::Mat& a, const cv::Mat& b);

// Writes into `out` the CV_8UC3 image `bgr` with every pixel outside the
// pool painted the mean colour of the pixels inside. Preconditions:
// `inside` is the pool as a CV_8UC1 image of exactly 0 (outside) and 255
// (inside) (other values give unspecified colours), `inside_count` is its
// number of inside pixels (with none inside the colour is black), and
// `out` shares no memory with `bgr` or `inside`. Equal to cv::mean(bgr,
// mask) followed by a masked setTo outside, which cost 8 of 70 ms a 1080p
// frame; here two passes, with integer sums.
void PaintOutside(const cv::Mat& bgr, const cv::Mat& inside, int64_t inside_count, cv::Mat& out);

// The strongest channel's distance between two CV_8UC3 images of one size:
// out(p) = max over channels of |a(p) - b(p)|, CV_8UC1; `out` shares no
// memory with `a` or `b`. Equal to cv::absdiff, cv::split and two cv::max
// (six passes over the image).
void MaxChannelDistance(const cv::Mat& a, const cv::Mat& b, cv::Mat& out);

// Reduces `frame` to `scale` (0 < scale < 1) of its size (each side
// rounded) into `out`; `halved` is scratch space (neither is `frame`). Area averaging at a non-integer ratio
// cost more than a quarter of detection on a 1080p frame (27 of 90 ms),
// and even at 4x it took 2.2 ms where two halvings take 0.6: so the frame
// is halved by 2x2 boxes (fast, alias-free) while the scale allows, and
// the last step, at most 2x, is bilinear. Within a grey level of
// cv::resize with INTER_AREA where the ratio is a power of two (each
// halving rounds).
void ReduceFrame(const cv::Mat& frame, float scale, cv::Mat& out, cv::Mat& halved);

// The water model's grid: `image` averaged over whole blocks of `block`
// pixels from its top-left corner into `out`, one pixel a block. Area
// averaging is fast only at a whole ratio (1.6 against 4.9 ms at 7 px on
// a 1903 x 1071 frame, image_ops_bench; a fifth of detection on some
// footage), so the pixels
// right of and below the last whole block (fewer than a block) are left
// out: equal to cv::resize with INTER_AREA of the part covered, which is
// returned. A side shorter than a block is one block, covered whole.
cv::Size AverageBlocks(const cv::Mat& image, cv::Size block, cv::Mat& out);

// The inverse of AverageBlocks: `cells` spread bilinearly (cv::resize,
// INTER_LINEAR) over the `covered` part of `out`, of `size` and the type
// of `cells`, and the strips right of and below it continuing its last
// column and row.
void SpreadCells(const cv::Mat& cells, cv::Size covered, cv::Size size, cv::Mat& out);

// A connected component's pixel count, bounding box (inclusive) and
// coordinate sums (its centroid is sum / area).
struct Component {
  int area = 0;
  int left = std::numeric_limits<int>::max(), top = std::numeric_limits<int>::max(), right = -1, bottom = -1;
  int64_t sum_x = 0, sum_y = 0;
};

// Measures the components of `labels` (CV_32S from cv::connectedComponents
// of `set`, `count` labels with the background 0): element l is label l
// (element 0, the background, is left empty). Equal to the statistics of
// cv::connectedComponentsWithStats, which also measures the background
// pixel by pixel (7 of the 9 ms it took on a 2-megapixel set); here the
// sparse `set` (CV_8UC1) is scanned eight bytes at a time and labels are
// read only under it.
std::vector<Component> MeasureComponents(const cv::Mat& labels, const cv::Mat& set, int count);

}  // namespace sturgeon::vision
