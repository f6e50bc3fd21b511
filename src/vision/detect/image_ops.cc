#include "vision/detect/image_ops.h"

#include <algorithm>
#include <cstring>

namespace sturgeon::vision {

bool SameImage(const cv::Mat& a, const cv::Mat& b) {
  if (a.size() != b.size() || a.type() != b.type()) return false;
  const size_t row_bytes = a.cols * a.elemSize();
  for (int r = 0; r < a.rows; ++r) {
    if (std::memcmp(a.ptr(r), b.ptr(r), row_bytes) != 0) return false;
  }
  return true;
}

void PaintOutside(const cv::Mat& bgr, const cv::Mat& inside3, int64_t inside_count, cv::Mat& out) {
  CV_Assert(bgr.type() == CV_8UC3 && inside3.type() == CV_8UC3 && bgr.size() == inside3.size());
  cv::bitwise_and(bgr, inside3, out);
  const cv::Scalar sum = cv::sum(out);  // exact: integer sums far below 2^53
  uint8_t water[3] = {0, 0, 0};
  for (int k = 0; k < 3; ++k) {
    // As cv::mean computes it (sum times the reciprocal, not sum / count):
    // the two differ in the last bit, which decides a mean of exactly n.5.
    water[k] = inside_count > 0 ? cv::saturate_cast<uint8_t>(sum[k] * (1.0 / static_cast<double>(inside_count))) : 0;
  }
  // One byte-wise pass the compiler vectorises: inside pixels keep their
  // bytes (already in `out`), outside ones get the water colour.
  std::vector<uint8_t> water_row(3 * static_cast<size_t>(bgr.cols));
  for (size_t i = 0; i < water_row.size(); ++i) water_row[i] = water[i % 3];
  const int row_bytes = 3 * bgr.cols;
  for (int r = 0; r < out.rows; ++r) {
    uint8_t* o = out.ptr<uint8_t>(r);
    const uint8_t* m = inside3.ptr<uint8_t>(r);
    for (int i = 0; i < row_bytes; ++i) o[i] |= water_row[i] & static_cast<uint8_t>(~m[i]);
  }
}

std::vector<Component> MeasureComponents(const cv::Mat& labels, const cv::Mat& set, int count) {
  CV_Assert(labels.type() == CV_32S && set.type() == CV_8UC1 && labels.size() == set.size());
  std::vector<Component> components(std::max(1, count));
  for (int y = 0; y < set.rows; ++y) {
    const uint8_t* sp = set.ptr<uint8_t>(y);
    const int* lp = labels.ptr<int>(y);
    for (int x = 0; x < set.cols; ++x) {
      if (x % 8 == 0 && x + 8 <= set.cols) {
        uint64_t chunk;
        std::memcpy(&chunk, sp + x, sizeof chunk);
        if (chunk == 0) {
          x += 7;
          continue;
        }
      }
      if (sp[x] == 0) continue;
      Component& c = components[lp[x]];
      ++c.area;
      c.left = std::min(c.left, x);
      c.right = std::max(c.right, x);
      c.top = std::min(c.top, y);
      c.bottom = std::max(c.bottom, y);
      c.sum_x += x;
      c.sum_y += y;
    }
  }
  return components;
}

}  // namespace sturgeon::vision
