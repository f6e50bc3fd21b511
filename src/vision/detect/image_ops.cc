#include "vision/detect/image_ops.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#include <opencv2/core/hal/intrin.hpp>
#include <opencv2/imgproc.hpp>

namespace sturgeon::vision {

bool SameImage(const cv::Mat& a, const cv::Mat& b) {
  if (a.size() != b.size() || a.type() != b.type()) return false;
  const size_t row_bytes = a.cols * a.elemSize();
  for (int r = 0; r < a.rows; ++r) {
    if (std::memcmp(a.ptr(r), b.ptr(r), row_bytes) != 0) return false;
  }
  return true;
}

void PaintOutside(const cv::Mat& bgr, const cv::Mat& inside, int64_t inside_count, cv::Mat& out) {
  CV_Assert(bgr.type() == CV_8UC3 && inside.type() == CV_8UC1 && bgr.size() == inside.size());
  CV_Assert(&out != &bgr && &out != &inside);
  // Pass 1: the channel sums inside, exact (16-bit lanes are emptied into
  // 64-bit totals before they can overflow).
  uint64_t sum[3] = {0, 0, 0};
  for (int r = 0; r < bgr.rows; ++r) {
    const uint8_t* p = bgr.ptr<uint8_t>(r);
    const uint8_t* m = inside.ptr<uint8_t>(r);
    int x = 0;
#if CV_SIMD128
    constexpr int kBlocksPerFlush = 128;  // 2 x 255 a block per 16-bit lane: 128 blocks < 65536
    while (x + 16 <= bgr.cols) {
      cv::v_uint16x8 acc[3] = {cv::v_setzero_u16(), cv::v_setzero_u16(), cv::v_setzero_u16()};
      for (int block = 0; block < kBlocksPerFlush && x + 16 <= bgr.cols; ++block, x += 16) {
        cv::v_uint8x16 c[3];
        cv::v_load_deinterleave(p + 3 * x, c[0], c[1], c[2]);
        const cv::v_uint8x16 mask = cv::v_load(m + x);
        for (int k = 0; k < 3; ++k) {
          cv::v_uint16x8 lo, hi;
          cv::v_expand(c[k] & mask, lo, hi);
          acc[k] += lo + hi;
        }
      }
      for (int k = 0; k < 3; ++k) {
        cv::v_uint32x4 lo, hi;
        cv::v_expand(acc[k], lo, hi);
        sum[k] += cv::v_reduce_sum(lo + hi);
      }
    }
#endif
    for (; x < bgr.cols; ++x) {
      if (m[x]) {
        for (int k = 0; k < 3; ++k) sum[k] += p[3 * x + k];
      }
    }
  }
  uint8_t water[3] = {0, 0, 0};
  for (int k = 0; k < 3; ++k) {
    // As cv::mean computes it (sum times the reciprocal, not sum / count):
    // the two differ in the last bit, which decides a mean of exactly n.5.
    water[k] = inside_count > 0
                   ? cv::saturate_cast<uint8_t>(static_cast<double>(sum[k]) * (1.0 / static_cast<double>(inside_count)))
                   : 0;
  }
  // Pass 2: inside pixels keep their colour, outside ones get the water's.
  out.create(bgr.size(), CV_8UC3);
#if CV_SIMD128
  const cv::v_uint8x16 w0 = cv::v_setall_u8(water[0]), w1 = cv::v_setall_u8(water[1]), w2 = cv::v_setall_u8(water[2]);
#endif
  for (int r = 0; r < bgr.rows; ++r) {
    const uint8_t* p = bgr.ptr<uint8_t>(r);
    const uint8_t* m = inside.ptr<uint8_t>(r);
    uint8_t* o = out.ptr<uint8_t>(r);
    int x = 0;
#if CV_SIMD128
    for (; x + 16 <= bgr.cols; x += 16) {
      cv::v_uint8x16 c0, c1, c2;
      cv::v_load_deinterleave(p + 3 * x, c0, c1, c2);
      const cv::v_uint8x16 mask = cv::v_load(m + x);
      cv::v_store_interleave(o + 3 * x, cv::v_select(mask, c0, w0), cv::v_select(mask, c1, w1),
                             cv::v_select(mask, c2, w2));
    }
#endif
    for (; x < bgr.cols; ++x) {
      for (int k = 0; k < 3; ++k) o[3 * x + k] = m[x] ? p[3 * x + k] : water[k];
    }
  }
}

void MaxChannelDistance(const cv::Mat& a, const cv::Mat& b, cv::Mat& out) {
  CV_Assert(a.type() == CV_8UC3 && b.type() == CV_8UC3 && a.size() == b.size() && &out != &a && &out != &b);
  out.create(a.size(), CV_8UC1);
  for (int r = 0; r < a.rows; ++r) {
    const uint8_t* pa = a.ptr<uint8_t>(r);
    const uint8_t* pb = b.ptr<uint8_t>(r);
    uint8_t* po = out.ptr<uint8_t>(r);
    int x = 0;
#if CV_SIMD128
    for (; x + 16 <= a.cols; x += 16) {
      cv::v_uint8x16 a0, a1, a2, b0, b1, b2;
      cv::v_load_deinterleave(pa + 3 * x, a0, a1, a2);
      cv::v_load_deinterleave(pb + 3 * x, b0, b1, b2);
      cv::v_store(po + x, cv::v_max(cv::v_max(cv::v_absdiff(a0, b0), cv::v_absdiff(a1, b1)), cv::v_absdiff(a2, b2)));
    }
#endif
    for (; x < a.cols; ++x) {
      int d = 0;
      for (int k = 0; k < 3; ++k) d = std::max(d, std::abs(pa[3 * x + k] - pb[3 * x + k]));
      po[x] = static_cast<uint8_t>(d);
    }
  }
}

void ReduceFrame(const cv::Mat& frame, float scale, cv::Mat& out, cv::Mat& halved) {
  CV_Assert(!frame.empty() && scale > 0 && scale < 1 && &out != &frame && &halved != &frame);
  const cv::Size target(std::max(1, cvRound(frame.cols * scale)), std::max(1, cvRound(frame.rows * scale)));
  cv::Mat src = frame;
  while (src.cols >= 2 * target.width && src.rows >= 2 * target.height) {
    // `halved` gets a new buffer of the smaller size; `src` keeps the old
    // one alive while it is read, so no copy is needed.
    cv::resize(src, halved, cv::Size(src.cols / 2, src.rows / 2), 0, 0, cv::INTER_AREA);
    src = halved;
  }
  if (src.size() == target) {
    out = src.data == frame.data ? frame.clone() : src;
  } else {
    cv::resize(src, out, target, 0, 0, cv::INTER_LINEAR);
  }
}

cv::Size AverageBlocks(const cv::Mat& image, cv::Size block, cv::Mat& out) {
  CV_Assert(block.width > 0 && block.height > 0 && !image.empty());
  const cv::Size cells(std::max(1, image.cols / block.width), std::max(1, image.rows / block.height));
  const cv::Size covered(std::min(image.cols, cells.width * block.width), std::min(image.rows, cells.height * block.height));
  cv::resize(image(cv::Rect(cv::Point(0, 0), covered)), out, cells, 0, 0, cv::INTER_AREA);
  return covered;
}

void SpreadCells(const cv::Mat& cells, cv::Size covered, cv::Size size, cv::Mat& out) {
  CV_Assert(!cells.empty() && &out != &cells && covered.width > 0 && covered.height > 0 &&
            covered.width <= size.width && covered.height <= size.height);
  out.create(size, cells.type());
  cv::Mat covered_part = out(cv::Rect(cv::Point(0, 0), covered));
  cv::resize(cells, covered_part, covered, 0, 0, cv::INTER_LINEAR);
  if (covered.width < size.width) {
    const size_t pixel = out.elemSize();
    for (int y = 0; y < covered.height; ++y) {
      uint8_t* row = out.ptr<uint8_t>(y);
      for (int x = covered.width; x < size.width; ++x) {
        std::memcpy(row + x * pixel, row + (covered.width - 1) * pixel, pixel);
      }
    }
  }
  for (int y = covered.height; y < size.height; ++y) out.row(covered.height - 1).copyTo(out.row(y));
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
