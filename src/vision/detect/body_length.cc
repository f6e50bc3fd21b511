#include "vision/detect/body_length.h"

#include <algorithm>
#include <optional>
#include <vector>

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

// One end's contrast profile along the axis, read as far as it is asked
// for: from `body_from` lengths inside the blob's end (read at once, up to
// the end) outwards to `reach` beyond it, or to the images' edge.
class EndProfile {
 public:
  EndProfile(const cv::Mat& frame, const WaterModelView& water, const BodyAxis& axis, float end, float length,
             const EndProfileParams& params)
      : frame_(frame), water_(water), axis_(axis), end_(end), outwards_(end > 0 ? 1.0f : -1.0f),
        next_offset_(-params.body_from * length), last_offset_(params.reach * length) {
    while (next_offset_ <= 0) {
      if (!ReadNext()) {
        body_unreadable_ = true;  // the body itself runs off the images
        return;
      }
    }
  }
  bool BodyUnreadable() const { return body_unreadable_; }
  // Whether sample `i` exists (reading it if need be).
  bool Has(int i) {
    while (static_cast<int>(contrast_.size()) <= i) {
      if (!ReadNext()) return false;
    }
    return true;
  }
  float Offset(int i) const { return offset_[i]; }
  // The running mean over the samples within kSmoothingHalf of `i` (which exists).
  float Smooth(int i) {
    float sum = 0;
    int count = 0;
    for (int j = std::max(0, i - kSmoothingHalf); j <= i + kSmoothingHalf && Has(j); ++j, ++count) sum += contrast_[j];
    return sum / count;
  }

 private:
  bool ReadNext() {
    if (ended_ || next_offset_ > last_offset_) return false;
    const std::optional<float> c =
        ContrastAt(frame_, water_, axis_, axis_.centre + (end_ + outwards_ * next_offset_) * axis_.direction);
    if (!c) {
      ended_ = true;  // the profile stops at the edge
      return false;
    }
    offset_.push_back(next_offset_);
    contrast_.push_back(*c);
    next_offset_ += kStepPx;
    return true;
  }

  const cv::Mat& frame_;
  const WaterModelView& water_;
  const BodyAxis& axis_;
  const float end_, outwards_;
  float next_offset_;
  const float last_offset_;
  bool ended_ = false, body_unreadable_ = false;
  std::vector<float> offset_, contrast_;
};

// How far beyond the blob's end at `end` (signed distance from the centre
// along the axis) the straight taper through the profile's `upper` and
// `lower` points reaches zero; nullopt when the end cannot be read.
std::optional<float> TipBeyondEnd(const cv::Mat& frame, const WaterModelView& water, const BodyAxis& axis,
                                  float end, float length, float min_contrast, const EndProfileParams& params) {
  EndProfile profile(frame, water, axis, end, length, params);
  if (profile.BodyUnreadable()) return std::nullopt;
  std::vector<float> body;
  for (int i = 0; profile.Has(i) && profile.Offset(i) <= -params.body_to * length; ++i) {
    body.push_back(profile.Smooth(i));
  }
  if (body.empty()) return std::nullopt;
  std::nth_element(body.begin(), body.begin() + body.size() / 2, body.end());
  const float body_contrast = body[body.size() / 2];
  if (body_contrast < min_contrast) return std::nullopt;
  // Where the profile first falls below `level` at sample `i` (between
  // samples, linearly).
  auto crossing = [&](int i, float here, float level) {
    const float before = i > 0 ? profile.Smooth(i - 1) : here;
    if (before <= here) return profile.Offset(i);
    return profile.Offset(i - 1) + (profile.Offset(i) - profile.Offset(i - 1)) * (before - level) / (before - here);
  };
  std::optional<float> upper;
  for (int i = 0; profile.Has(i); ++i) {
    if (profile.Offset(i) < -params.body_to * length) continue;
    const float here = profile.Smooth(i);
    if (!upper && here < params.upper * body_contrast) upper = crossing(i, here, params.upper * body_contrast);
    if (upper && here < params.lower * body_contrast) {
      // The taper falls (upper - lower) of the contrast over this span.
      const float lower = crossing(i, here, params.lower * body_contrast);
      return lower + (lower - *upper) * params.lower / (params.upper - params.lower);
    }
  }
  return std::nullopt;
}

}  // namespace

float LengthFromEndProfiles(const cv::Mat& frame, const WaterModelView& water, const BodyAxis& axis,
                            float min_contrast, const EndProfileParams& params) {
  CV_Assert(frame.type() == CV_8UC3 && water.image && water.image->type() == CV_8UC3);
  const float length = axis.hi - axis.lo;
  if (length < kMinLengthPx) return 0;
  const std::optional<float> head = TipBeyondEnd(frame, water, axis, axis.hi, length, min_contrast, params);
  if (!head) return 0;
  const std::optional<float> tail = TipBeyondEnd(frame, water, axis, axis.lo, length, min_contrast, params);
  if (!tail) return 0;
  return std::max(0.0f, length + *head + *tail);
}

}  // namespace sturgeon::vision
