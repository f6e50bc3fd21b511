#include "vision/detect/body_length.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "core/order_statistics.h"

namespace sturgeon::vision {
namespace {

constexpr float kStepPx = 0.5f;     // profile samples along the axis
constexpr int kSmoothingHalf = 1;   // running mean over 2 x this + 1 samples
constexpr float kMinLengthPx = 8.0f;

// The body's contrast at full-resolution point `p`: of its polarity, the
// strongest channel, the most over the axis and one pixel either side;
// nullopt where the point or the water under it is outside the images.
std::optional<float> ContrastAt(const cv::Mat& frame, const WaterModelView& water, const BodyAxis& axis,
                                cv::Point2f p) {
  const cv::Point2f across(-axis.direction.y, axis.direction.x);
  float best = 0;
  for (int o = -1; o <= 1; ++o) {
    const cv::Point2f q = p + static_cast<float>(o) * across;
    const int x = cvRound(q.x), y = cvRound(q.y);
    const int wx = cvRound(q.x * water.scale_x) - water.origin.x;
    const int wy = cvRound(q.y * water.scale_y) - water.origin.y;
    if (x < 0 || y < 0 || x >= frame.cols || y >= frame.rows || wx < 0 || wy < 0 || wx >= water.image->cols ||
        wy >= water.image->rows) {
      if (o == 0) return std::nullopt;
      continue;
    }
    const cv::Vec3b pixel = frame.at<cv::Vec3b>(y, x), bg = water.image->at<cv::Vec3b>(wy, wx);
    for (int k = 0; k < 3; ++k) {
      const float d = axis.darker ? static_cast<float>(bg[k]) - pixel[k] : static_cast<float>(pixel[k]) - bg[k];
      best = std::max(best, d);
    }
  }
  return best;
}

// How far beyond the blob's end at `end` (signed distance from the centre
// along the axis; `outwards` +1 along the direction, -1 against it) the
// straight taper through the profile's `upper` and `lower` points reaches
// zero; nullopt when the end cannot be read.
std::optional<float> TipBeyondEnd(const cv::Mat& frame, const WaterModelView& water, const BodyAxis& axis,
                                  float end, float outwards, float length, float min_contrast,
                                  const EndProfileParams& params) {
  std::vector<float> offset, contrast;
  for (float t = -params.body_from * length; t <= params.reach * length; t += kStepPx) {
    const std::optional<float> c = ContrastAt(frame, water, axis, axis.centre + (end + outwards * t) * axis.direction);
    if (!c) {
      if (t <= 0) return std::nullopt;  // the body itself runs off the images
      break;                            // the profile stops at the edge
    }
    offset.push_back(t);
    contrast.push_back(*c);
  }
  const int n = static_cast<int>(contrast.size());
  std::vector<float> smooth(n);
  for (int i = 0; i < n; ++i) {
    float sum = 0;
    int count = 0;
    for (int j = std::max(0, i - kSmoothingHalf); j <= std::min(n - 1, i + kSmoothingHalf); ++j, ++count) {
      sum += contrast[j];
    }
    smooth[i] = sum / count;
  }
  std::vector<float> body;
  for (int i = 0; i < n && offset[i] <= -params.body_to * length; ++i) body.push_back(smooth[i]);
  if (body.empty()) return std::nullopt;
  const float body_contrast = UpperMedian(std::move(body));
  if (body_contrast < min_contrast) return std::nullopt;
  // Where the profile falls below `level` between samples i - 1 and i
  // (linearly; at sample i when the one before is no higher).
  auto crossing = [&](int i, float level) {
    if (i == 0 || smooth[i - 1] <= smooth[i]) return offset[i];
    const float share = std::clamp((smooth[i - 1] - level) / (smooth[i - 1] - smooth[i]), 0.0f, 1.0f);
    return offset[i - 1] + (offset[i] - offset[i - 1]) * share;
  };
  std::optional<float> upper;
  for (int i = 0; i < n; ++i) {
    if (offset[i] < -params.body_to * length) continue;
    if (!upper && smooth[i] < params.upper * body_contrast) upper = crossing(i, params.upper * body_contrast);
    if (upper && smooth[i] < params.lower * body_contrast) {
      // The taper falls (upper - lower) of the contrast over this span.
      const float lower = crossing(i, params.lower * body_contrast);
      return lower + (lower - *upper) * params.lower / (params.upper - params.lower);
    }
  }
  return std::nullopt;
}

}  // namespace

float LengthFromEndProfiles(const cv::Mat& frame, const WaterModelView& water, const BodyAxis& axis,
                            float min_contrast, const EndProfileParams& params) {
  CV_Assert(frame.type() == CV_8UC3 && water.image && water.image->type() == CV_8UC3);
  CV_Assert(0 < params.lower && params.lower < params.upper && params.upper < 1 && params.body_to < params.body_from &&
            params.reach > 0 && axis.lo <= 0 && axis.hi >= 0);
  const float length = axis.hi - axis.lo;
  if (length < kMinLengthPx) return 0;
  const std::optional<float> head = TipBeyondEnd(frame, water, axis, axis.hi, 1, length, min_contrast, params);
  if (!head) return 0;
  const std::optional<float> tail = TipBeyondEnd(frame, water, axis, axis.lo, -1, length, min_contrast, params);
  if (!tail) return 0;
  return std::max(0.0f, length + *head + *tail);
}

}  // namespace sturgeon::vision
