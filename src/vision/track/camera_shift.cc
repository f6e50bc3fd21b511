#include "vision/track/camera_shift.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>

#include "core/order_statistics.h"

namespace sturgeon::vision {
namespace {

constexpr size_t kMinDetections = 3;
constexpr float kReachBoxes = 3.0f;       // pairs at most this many box sizes apart vote
constexpr float kReachExtent = 0.1f;      // or this share of the detections' extent
constexpr float kMinBinPx = 2.0f;
constexpr float kBinBoxes = 0.15f;        // a bin is at least this share of a box size
constexpr float kBinsPerReach = 20.0f;    // and at least the reach over this
constexpr int kRivalBins = 3;             // a rival winner this many bins from the winner
constexpr float kRivalShare = 0.8f;       // with this share of its votes leaves the shift undecided
constexpr float kMinSupportShare = 0.3f;  // of the smaller frame's detections
constexpr int kMinSupport = 3;
constexpr float kMinShiftPx = 1.0f;       // a smaller shift is none
constexpr float kStillShare = 0.5f;       // or no move holding this share of its pairs
constexpr float kSpreadsPerShift = 1.0f;  // nor one within this many RMS spreads of the fish's moves
// Half-widths, in bins, of the narrowing windows the shift is refined in.
constexpr std::array<float, 2> kRefineWindows = {1.5f, 0.75f};
constexpr int kMaxMeanShiftSteps = 8;     // moves to the window's mean, per window
constexpr float kSettledPx = 0.05f;       // a move this small ends them

float MedianBoxSize(std::span<const Detection> dets) {
  std::vector<float> sizes;
  sizes.reserve(dets.size());
  for (const Detection& d : dets) sizes.push_back(std::max(d.box.width, d.box.height));
  return UpperMedian(std::move(sizes));
}

}  // namespace

std::optional<cv::Point2f> CommonShift(std::span<const Detection> previous, std::span<const Detection> current) {
  if (previous.size() < kMinDetections || current.size() < kMinDetections) return std::nullopt;
  cv::Point2f lo = Centre(current.front().box), hi = lo;
  for (const Detection& d : current) {
    const cv::Point2f c = Centre(d.box);
    lo = {std::min(lo.x, c.x), std::min(lo.y, c.y)};
    hi = {std::max(hi.x, c.x), std::max(hi.y, c.y)};
  }
  const float box = MedianBoxSize(current);
  const float reach = std::max(kReachBoxes * box, kReachExtent * std::max(hi.x - lo.x, hi.y - lo.y));
  const float bin = std::max({kMinBinPx, kBinBoxes * box, reach / kBinsPerReach});
  const int half = static_cast<int>(std::ceil(reach / bin)) + 1;  // a margin for the 3x3 sums
  const int side = 2 * half + 1;
  std::vector<int> votes(static_cast<size_t>(side) * side, 0);
  std::vector<cv::Point2f> moves;
  for (const Detection& p : previous) {
    const cv::Point2f a = Centre(p.box);
    for (const Detection& c : current) {
      const cv::Point2f d = Centre(c.box) - a;
      if (std::abs(d.x) > reach || std::abs(d.y) > reach) continue;
      moves.push_back(d);
      const int gx = static_cast<int>(std::lround(d.x / bin)) + half;
      const int gy = static_cast<int>(std::lround(d.y / bin)) + half;
      ++votes[static_cast<size_t>(gy) * side + gx];
    }
  }
  // Each bin's support: the votes in its 3x3 neighbourhood.
  std::vector<int> support(votes.size(), 0);
  int best = 0, best_x = half, best_y = half;
  for (int gy = 0; gy < side; ++gy) {
    for (int gx = 0; gx < side; ++gx) {
      int& n = support[static_cast<size_t>(gy) * side + gx];
      for (int y = std::max(0, gy - 1); y <= std::min(side - 1, gy + 1); ++y) {
        for (int x = std::max(0, gx - 1); x <= std::min(side - 1, gx + 1); ++x) n += votes[static_cast<size_t>(y) * side + x];
      }
      if (n > best) best = n, best_x = gx, best_y = gy;
    }
  }
  const size_t fewer = std::min(previous.size(), current.size());
  const int needed = std::max(kMinSupport, static_cast<int>(std::ceil(kMinSupportShare * fewer)));
  if (best < needed) return std::nullopt;
  // Fish evenly spaced make a second, as well supported displacement (each
  // fish paired with its neighbour): then the detections cannot tell.
  for (int gy = 0; gy < side; ++gy) {
    for (int gx = 0; gx < side; ++gx) {
      if (std::max(std::abs(gx - best_x), std::abs(gy - best_y)) >= kRivalBins &&
          support[static_cast<size_t>(gy) * side + gx] >= kRivalShare * best) {
        return std::nullopt;
      }
    }
  }
  // Pairs of a fish with itself gather round the shift, pairs of
  // neighbours spread over the bins. The mean of the pairs within a window
  // is moved to until it settles (a window off the gathering's centre cuts
  // it unevenly and pulls the mean towards itself), over a window that
  // narrows to leave most neighbours out.
  cv::Point2f shift(static_cast<float>(best_x - half) * bin, static_cast<float>(best_y - half) * bin);
  int n = 0;
  cv::Point2f spread(0, 0);
  for (float window : kRefineWindows) {
    for (int step = 0; step < kMaxMeanShiftSteps; ++step) {
      cv::Point2f sum(0, 0), sum2(0, 0);
      n = 0;
      for (const cv::Point2f& d : moves) {
        if (std::abs(d.x - shift.x) <= window * bin && std::abs(d.y - shift.y) <= window * bin) {
          sum += d;
          sum2 += cv::Point2f(d.x * d.x, d.y * d.y);
          ++n;
        }
      }
      if (n == 0) return std::nullopt;
      const cv::Point2f mean = sum / static_cast<float>(n);
      // The spread of the fish's own moves: in the widest window, which
      // holds the whole gathering.
      if (window == kRefineWindows.front()) spread = sum2 / static_cast<float>(n) - cv::Point2f(mean.x * mean.x, mean.y * mean.y);
      const bool settled = cv::norm(mean - shift) < kSettledPx;
      shift = mean;
      if (settled) break;
    }
  }
  if (n < needed) return std::nullopt;
  // A camera's shift moves every fish alike, by more than their own moves
  // and the detector's jitter spread them; a mean move within that spread
  // is the fish's (a school drifting one way, a few fish swimming
  // together), and the tracker follows it anyway.
  const float rms_spread = std::sqrt(std::max(0.0f, spread.x + spread.y));
  if (cv::norm(shift) < std::max(kMinShiftPx, kSpreadsPerShift * rms_spread)) return cv::Point2f(0, 0);
  // Nor is it where no move at all is as well supported: in a still
  // scene with few detections a bin of neighbours' pairs can win.
  // Both counted within the fish's own spread.
  const float window = std::max(kMinShiftPx, rms_spread);
  int still = 0, at_shift = 0;
  for (const cv::Point2f& d : moves) {
    still += std::abs(d.x) <= window && std::abs(d.y) <= window;
    at_shift += std::abs(d.x - shift.x) <= window && std::abs(d.y - shift.y) <= window;
  }
  if (still >= kStillShare * at_shift) return cv::Point2f(0, 0);
  return shift;
}

cv::Point2f CameraFromDetections::Update(std::span<const Detection> detections) {
  if (detections.empty()) return offset_;
  if (!history_.empty()) {
    if (std::optional<cv::Point2f> shift = CommonShift(history_.back().detections, detections)) {
      undecided_ = 0;
      step_ = *shift;
      offset_ += step_;
      if (step_ == cv::Point2f(0, 0) && history_.size() == kSlowBaselineFrames) {
        if (std::optional<cv::Point2f> slow = CommonShift(history_.front().detections, detections);
            slow && *slow != cv::Point2f(0, 0)) {
          offset_ = history_.front().offset + *slow;
          step_ = *slow / static_cast<float>(kSlowBaselineFrames);
        }
      }
    } else {
      if (++undecided_ > kMaxCoastFrames) step_ = {0, 0};
      offset_ += step_;
    }
    moved_ = moved_ || offset_ != cv::Point2f(0, 0);
  }
  history_.push_back(Seen{std::vector<Detection>(detections.begin(), detections.end()), offset_});
  if (history_.size() > kSlowBaselineFrames) history_.pop_front();
  return offset_;
}

namespace {

// The value at t = 0 of the quadratic fitted by least squares to
// (t, values[centre + t]) for t in [first - centre, end - 1 - centre].
cv::Point2f QuadraticFitAt(const std::vector<cv::Point2f>& values, int first, int end, int centre) {
  double moments[5] = {0, 0, 0, 0, 0};  // sums of t^0..t^4
  cv::Vec3d sum_x(0, 0, 0), sum_y(0, 0, 0);  // sums of t^k x, t^k y
  for (int i = first; i < end; ++i) {
    const double t = i - centre;
    double power = 1;
    for (double& m : moments) {
      m += power;
      power *= t;
    }
    const cv::Vec3d powers(1, t, t * t);
    sum_x += powers * values[i].x;
    sum_y += powers * values[i].y;
  }
  const cv::Matx33d normal(moments[0], moments[1], moments[2], moments[1], moments[2], moments[3], moments[2],
                           moments[3], moments[4]);
  // SVD: at a replay of one or two frames the quadratic is underdetermined
  // and the least-norm solution is the plain mean.
  const cv::Vec3d cx = normal.solve(sum_x, cv::DECOMP_SVD);
  const cv::Vec3d cy = normal.solve(sum_y, cv::DECOMP_SVD);
  return cv::Point2f(static_cast<float>(cx[0]), static_cast<float>(cy[0]));
}

}  // namespace

std::vector<cv::Point2f> CameraPathFromDetections(const std::map<int, std::vector<Detection>>& detections, int last) {
  std::vector<cv::Point2f> raw(static_cast<size_t>(std::max(0, last)) + 1, cv::Point2f(0, 0));
  CameraFromDetections camera;
  for (int f = 1; f <= last; ++f) {
    const auto it = detections.find(f);
    raw[f] = it == detections.end() ? camera.Update({}) : camera.Update(it->second);
  }
  if (!camera.moved()) return raw;
  std::vector<cv::Point2f> path(raw.size(), cv::Point2f(0, 0));
  for (int f = 1; f <= last; ++f) {
    path[f] = QuadraticFitAt(raw, std::max(1, f - kPathSmoothingFrames), std::min(last, f + kPathSmoothingFrames) + 1, f);
  }
  return path;
}

}  // namespace sturgeon::vision
