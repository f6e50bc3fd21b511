#include "vision/detect/detector.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace sturgeon::vision {
namespace {

constexpr float kSizeMemory = 0.9f;         // running typical size: weight of the past
constexpr float kClumpAreaFactor = 1.7f;    // a blob this x typical area may be several fish
constexpr float kClumpSpanFactor = 1.5f;      // clump length <= (1 + this sqrt(k)) x typical
constexpr float kLowScoreFraction = 0.6f;   // weak blobs down to this x threshold become low-score detections
constexpr int kSaturatedGrey = 215;         // near-white blobs (glare, foam) carry no fish
constexpr float kMadToSigma = 1.4826f;
constexpr float kBackgroundWindowLengths = 2.5f;  // median window, in fish lengths

// Median of an 8-bit image over `mask` (all pixels when empty), sampled.
int MedianOfHistogram(const cv::Mat& img8u, const cv::Mat& mask) {
  int hist[256] = {0};
  for (int r = 0; r < img8u.rows; r += 2) {
    const uint8_t* p = img8u.ptr<uint8_t>(r);
    const uint8_t* m = mask.empty() ? nullptr : mask.ptr<uint8_t>(r);
    for (int c = 0; c < img8u.cols; c += 2) {
      if (!m || m[c]) hist[p[c]]++;
    }
  }
  int total = 0;
  for (int v : hist) total += v;
  int acc = 0;
  for (int i = 0; i < 256; ++i) {
    acc += hist[i];
    if (acc * 2 >= total) return i;
  }
  return 0;
}

struct Blob {
  cv::Point2f centre;
  float length = 0, width = 0, area = 0, fill = 0, max_contrast = 0, mean_grey = 0;
  float theta = 0;              // major axis direction
  double sxx = 0, syy = 0, sxy = 0;  // central second moments / area
  cv::Rect box;
  int label = 0;
  bool merged = false;          // the union of fragments of one body
};

// Principal axis of a 2x2 covariance.
double AxisAngle(double sxx, double syy, double sxy) { return 0.5 * std::atan2(2 * sxy, sxx - syy); }

// The union of two blobs as one body: combined moments give the axis; the
// extent along and across it is that of both blobs' axis end points.
Blob Union(const Blob& a, const Blob& b) {
  Blob u;
  u.area = a.area + b.area;
  u.centre = (a.centre * a.area + b.centre * b.area) / u.area;
  auto add = [&](const Blob& x) {
    double dx = x.centre.x - u.centre.x, dy = x.centre.y - u.centre.y;
    u.sxx += x.area * (x.sxx + dx * dx);
    u.syy += x.area * (x.syy + dy * dy);
    u.sxy += x.area * (x.sxy + dx * dy);
  };
  add(a);
  add(b);
  u.sxx /= u.area; u.syy /= u.area; u.sxy /= u.area;
  u.theta = static_cast<float>(AxisAngle(u.sxx, u.syy, u.sxy));
  const float c = std::cos(u.theta), s = std::sin(u.theta);
  float lo_u = 1e9f, hi_u = -1e9f, lo_v = 1e9f, hi_v = -1e9f;
  for (const Blob* x : {&a, &b}) {
    const float ca = std::cos(x->theta), sa = std::sin(x->theta);
    const cv::Point2f ends[4] = {x->centre + 0.5f * x->length * cv::Point2f(ca, sa),
                                 x->centre - 0.5f * x->length * cv::Point2f(ca, sa),
                                 x->centre + 0.5f * x->width * cv::Point2f(-sa, ca),
                                 x->centre - 0.5f * x->width * cv::Point2f(-sa, ca)};
    for (const cv::Point2f& e : ends) {
      cv::Point2f d = e - u.centre;
      float pu = d.x * c + d.y * s, pv = -d.x * s + d.y * c;
      lo_u = std::min(lo_u, pu); hi_u = std::max(hi_u, pu);
      lo_v = std::min(lo_v, pv); hi_v = std::max(hi_v, pv);
    }
  }
  u.length = hi_u - lo_u;
  u.width = std::max(hi_v - lo_v, std::max(a.width, b.width));
  u.fill = std::min(1.0f, u.area / std::max(1.0f, u.length * u.width));
  u.max_contrast = std::max(a.max_contrast, b.max_contrast);
  u.mean_grey = (a.mean_grey * a.area + b.mean_grey * b.area) / u.area;
  u.box = a.box | b.box;
  u.label = a.label;
  u.merged = true;
  return u;
}

// Gap between two boxes (0 when they touch or overlap).
float BoxGap(const cv::Rect& a, const cv::Rect& b) {
  float gx = std::max({0, a.x - (b.x + b.width), b.x - (a.x + a.width)});
  float gy = std::max({0, a.y - (b.y + b.height), b.y - (a.y + a.height)});
  return std::hypot(gx, gy);
}

float AngleDiff(float a, float b) {  // between two axes (mod pi), in [0, pi/2]
  float d = std::fmod(std::abs(a - b), static_cast<float>(CV_PI));
  return std::min(d, static_cast<float>(CV_PI) - d);
}

constexpr int kStartWindowFrames = 8;        // first water window: 1/8 of the frame width
constexpr int kBootstrapPasses = 5;         // first frame: detect again until the fish size settles
constexpr float kBootstrapTolerance = 0.1f;
constexpr float kSizeQuantile = 0.75f;       // typical fish size: this quantile of fish-like blobs
constexpr float kOneBodyMaxLength = 1.6f;    // a fish-shaped blob up to this x typical length is one fish
constexpr float kMergeGapLengths = 0.3f;     // fragments at most this x typical length apart
constexpr float kMergeMaxLength = 1.25f;     // union no longer than this x typical length
constexpr float kMergeMaxWidth = 0.35f;      // and no wider than this x typical length
constexpr float kMergeMaxAngle = 0.5f;       // rad: an elongated piece lies along the union

// Merges fragments of one body in place (greedy, closest pairs first).
void MergeFragments(std::vector<Blob>& blobs, float typical) {
  const int n = static_cast<int>(blobs.size());
  std::vector<std::tuple<float, int, int>> pairs;
  for (int i = 0; i < n; ++i) {
    if (blobs[i].length >= typical) continue;
    for (int j = i + 1; j < n; ++j) {
      if (blobs[j].length >= typical) continue;
      float gap = BoxGap(blobs[i].box, blobs[j].box);
      if (gap <= kMergeGapLengths * typical) pairs.emplace_back(gap, i, j);
    }
  }
  if (pairs.empty()) return;
  std::sort(pairs.begin(), pairs.end());
  std::vector<int> group(n);
  for (int i = 0; i < n; ++i) group[i] = i;
  std::vector<Blob> body = blobs;
  auto root = [&](int i) {
    while (group[i] != i) i = group[i] = group[group[i]];
    return i;
  };
  auto aligned = [&](const Blob& piece, float axis) {
    return piece.length < 1.7f * piece.width || AngleDiff(piece.theta, axis) <= kMergeMaxAngle;
  };
  for (const auto& [gap, i, j] : pairs) {
    int a = root(i), b = root(j);
    if (a == b) continue;
    Blob u = Union(body[a], body[b]);
    if (u.length > kMergeMaxLength * typical || u.width > kMergeMaxWidth * typical) continue;
    if (!aligned(body[a], u.theta) || !aligned(body[b], u.theta)) continue;
    group[b] = a;
    body[a] = u;
  }
  std::vector<Blob> out;
  for (int i = 0; i < n; ++i) {
    if (root(i) == i) out.push_back(body[i]);
  }
  blobs = std::move(out);
}

}  // namespace

Detector::Detector(DetectorParams params) : params_(params) {}

std::vector<Detection> Detector::Detect(const cv::Mat& frame, const cv::Mat& mask) {
  if (bootstrapped_ || params_.expected_length_px > 0 || frame.empty()) return DetectOnce(frame, mask);
  // The first frame: the water model's window and the clump splitting
  // depend on the fish size, which is learnt from the detections. Iterate
  // until the size settles (a window too small for the fish cuts every
  // fish into pieces, which then look like the typical fish).
  std::vector<Detection> out;
  for (int pass = 0; pass < kBootstrapPasses; ++pass) {
    const float before = typical_length_work_;
    replace_size_ = true;
    out = DetectOnce(frame, mask);
    if (before > 0 && std::abs(typical_length_work_ - before) <= kBootstrapTolerance * before) break;
  }
  replace_size_ = false;
  bootstrapped_ = true;
  return out;
}

std::vector<Detection> Detector::DetectOnce(const cv::Mat& frame, const cv::Mat& mask) {
  std::vector<Detection> out;
  if (frame.empty()) return out;
  scale_ = std::min(1.0f, static_cast<float>(params_.work_width) / frame.cols);
  if (scale_ < 1.0f) {
    cv::resize(frame, work_, cv::Size(), scale_, scale_, cv::INTER_AREA);
  } else {
    work_ = frame;
  }
  if (typical_length_work_ <= 0 && params_.expected_length_px > 0) {
    typical_length_work_ = params_.expected_length_px * scale_;
    typical_area_work_ = typical_length_work_ * typical_length_work_ * 0.12f;
  }

  // Outside the pool there is no water to model: paint it the pool's mean
  // colour, so walls and walkways leave no edge in the water model.
  cv::Mat source = work_;
  if (!mask.empty()) {
    cv::resize(mask, mask_work_, work_.size(), 0, 0, cv::INTER_NEAREST);
    if (cv::countNonZero(mask_work_) < static_cast<int>(mask_work_.total())) {
      cv::Scalar water = cv::mean(work_, mask_work_);
      source = work_.clone();
      source.setTo(water, 255 - mask_work_);
    }
  }

  // 1. Water model: a median over a window a few fish long.
  // Before the fish size is known, start wide (an eighth of the frame):
  // a window too wide still sees mostly water, one too narrow cuts fish
  // into pieces and can settle on noise as the "typical fish".
  int factor = std::max(params_.background_factor, work_.cols / (kStartWindowFrames * params_.background_median));
  if (typical_length_work_ > 0) {
    factor = std::clamp(static_cast<int>(std::lround(kBackgroundWindowLengths * typical_length_work_ /
                                                     params_.background_median)),
                        2, 32);
  }
  cv::resize(source, small_, cv::Size(std::max(8, work_.cols / factor), std::max(8, work_.rows / factor)), 0, 0,
             cv::INTER_AREA);
  cv::medianBlur(small_, small_, params_.background_median);
  cv::resize(small_, background_, work_.size(), 0, 0, cv::INTER_LINEAR);

  // 2. Contrast in noise units, either polarity, strongest channel.
  cv::Mat absdiff;
  cv::absdiff(source, background_, absdiff);
  cv::Mat ch[3];
  cv::split(absdiff, ch);
  cv::max(ch[0], ch[1], diff_);
  cv::max(diff_, ch[2], diff_);
  const float sigma = kMadToSigma * std::max(1, MedianOfHistogram(diff_, source.data == work_.data ? cv::Mat() : mask_work_));
  const float high = std::max(params_.min_contrast, params_.threshold_sigma * sigma);
  const float low = high * 0.5f;
  cv::Mat binary;
  cv::threshold(diff_, binary, low, 255, cv::THRESH_BINARY);
  // Saturated pixels (sun glare, foam) and their halo carry no fish.
  cv::Mat grey;
  cv::cvtColor(work_, grey, cv::COLOR_BGR2GRAY);
  cv::Mat saturated;
  cv::threshold(grey, saturated, kSaturatedGrey, 255, cv::THRESH_BINARY);
  if (cv::countNonZero(saturated) > 0) {
    cv::dilate(saturated, saturated, cv::getStructuringElement(cv::MORPH_ELLIPSE, {7, 7}));
    binary.setTo(0, saturated);
  }
  cv::morphologyEx(binary, binary, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_RECT, {3, 3}));

  // 3. Blobs and their oriented shape.
  cv::Mat labels, stats, centroids;
  int n = cv::connectedComponentsWithStats(binary, labels, stats, centroids, 8, CV_32S);
  std::vector<Blob> blobs;
  for (int i = 1; i < n; ++i) {
    int area = stats.at<int>(i, cv::CC_STAT_AREA);
    if (area < params_.min_area_work_px) continue;
    cv::Rect box(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                 stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
    Blob b;
    b.label = i;
    b.box = box;
    b.area = static_cast<float>(area);
    b.centre = cv::Point2f(static_cast<float>(centroids.at<double>(i, 0)), static_cast<float>(centroids.at<double>(i, 1)));
    double sxx = 0, syy = 0, sxy = 0, grey_sum = 0;
    int maxc = 0;
    for (int y = box.y; y < box.y + box.height; ++y) {
      const int* lp = labels.ptr<int>(y);
      const uint8_t* dp = diff_.ptr<uint8_t>(y);
      const uint8_t* gp = grey.ptr<uint8_t>(y);
      for (int x = box.x; x < box.x + box.width; ++x) {
        if (lp[x] != i) continue;
        double dx = x - b.centre.x, dy = y - b.centre.y;
        sxx += dx * dx; syy += dy * dy; sxy += dx * dy;
        maxc = std::max<int>(maxc, dp[x]);
        grey_sum += gp[x];
      }
    }
    b.max_contrast = static_cast<float>(maxc);
    b.mean_grey = static_cast<float>(grey_sum / area);
    if (b.max_contrast < kLowScoreFraction * high) continue;
    sxx /= area; syy /= area; sxy /= area;
    double theta = AxisAngle(sxx, syy, sxy);
    b.theta = static_cast<float>(theta);
    b.sxx = sxx; b.syy = syy; b.sxy = sxy;
    double c = std::cos(theta), s = std::sin(theta);
    float lo_major = 1e9f, hi_major = -1e9f, lo_minor = 1e9f, hi_minor = -1e9f;
    for (int y = box.y; y < box.y + box.height; ++y) {
      const int* lp = labels.ptr<int>(y);
      for (int x = box.x; x < box.x + box.width; ++x) {
        if (lp[x] != i) continue;
        float dx = x - b.centre.x, dy = y - b.centre.y;
        float u = static_cast<float>(dx * c + dy * s), v = static_cast<float>(-dx * s + dy * c);
        lo_major = std::min(lo_major, u); hi_major = std::max(hi_major, u);
        lo_minor = std::min(lo_minor, v); hi_minor = std::max(hi_minor, v);
      }
    }
    b.length = hi_major - lo_major + 1;
    b.width = hi_minor - lo_minor + 1;
    b.fill = b.area / (b.length * b.width);
    blobs.push_back(b);
  }

  // 4. Fragments of one body (a fish whose flanks match the water shows
  //    as head, back and tail pieces): merge neighbours whose union is still
  //    one slender body no longer than a typical fish, pieces aligned with
  //    it. Closest pairs first.
  if (typical_length_work_ > 0) MergeFragments(blobs, typical_length_work_);

  // 5. Shape: the typical fish is the median of this frame's fish-like blobs.
  auto fish_like = [&](const Blob& b) {
    return b.length / b.width >= params_.min_elongation && (b.merged || b.fill >= params_.min_solidity) &&
           b.mean_grey < kSaturatedGrey;
  };
  std::vector<float> lengths, areas;
  for (const Blob& b : blobs) {
    if (fish_like(b) && b.max_contrast >= high) {
      lengths.push_back(b.length);
      areas.push_back(b.area);
    }
  }
  if (!lengths.empty() && params_.expected_length_px <= 0) {
    // An upper quantile, not the median: a fish seen in pieces gives
    // several short blobs, a whole fish one.
    auto mid = [](std::vector<float>& v) {
      size_t k = static_cast<size_t>(kSizeQuantile * (v.size() - 1));
      std::nth_element(v.begin(), v.begin() + k, v.end());
      return v[k];
    };
    float l = mid(lengths), a = mid(areas);
    if (typical_length_work_ <= 0 || replace_size_) {
      typical_length_work_ = l;
      typical_area_work_ = a;
    } else {
      typical_length_work_ = kSizeMemory * typical_length_work_ + (1 - kSizeMemory) * l;
      typical_area_work_ = kSizeMemory * typical_area_work_ + (1 - kSizeMemory) * a;
    }
  } else if (!areas.empty() && typical_area_work_ <= 0) {
    std::nth_element(areas.begin(), areas.begin() + areas.size() / 2, areas.end());
    typical_area_work_ = areas[areas.size() / 2];
  }

  const float inv = 1.0f / scale_;
  auto in_mask = [&](cv::Point2f p) {
    if (mask.empty()) return true;
    int mx = std::clamp(static_cast<int>(p.x * mask.cols / work_.cols), 0, mask.cols - 1);
    int my = std::clamp(static_cast<int>(p.y * mask.rows / work_.rows), 0, mask.rows - 1);
    return mask.at<uint8_t>(my, mx) != 0;
  };
  for (const Blob& b : blobs) {
    if (b.mean_grey >= kSaturatedGrey) continue;
    float score = std::clamp(0.5f * b.max_contrast / high, 0.0f, 1.0f);
    float typical = typical_length_work_;
    if (typical > 0) {
      if (b.length < params_.min_length_factor * typical) continue;
      if (b.length > params_.max_length_factor * typical && b.area < 0.5f * typical_area_work_ * b.length / typical)
        continue;  // long and thin: a rope or a wall edge
    }
    // 6. A clump of touching fish: split into as many fish as its area holds.
    //    A blob shaped like one fish (slender, solid, not much longer than
    //    the typical fish) is one fish whatever its area: fish vary in size
    //    and the typical size is learnt from pieces as well as whole bodies.
    int k = 1;
    const bool one_body = fish_like(b) && (typical <= 0 || b.length <= kOneBodyMaxLength * typical);
    if (!one_body && typical_area_work_ > 0 && b.area > kClumpAreaFactor * typical_area_work_) {
      k = static_cast<int>(std::lround(b.area / typical_area_work_));
      // A clump is compact: k fish side by side span at most about sqrt(k)
      // fish lengths. Rings and edges (pool walls, cage frames) are not.
      bool compact = b.fill >= 0.5f * params_.min_solidity &&
                     b.length <= (1.0f + kClumpSpanFactor * std::sqrt(static_cast<float>(k))) * typical;
      if (!compact) continue;
    }
    if (k <= 1) {
      if (!fish_like(b)) continue;
      if (!in_mask(b.centre)) continue;
      cv::Rect2f box(b.box.x * inv, b.box.y * inv, b.box.width * inv, b.box.height * inv);
      out.push_back(Detection{box, score, b.length * inv});
      continue;
    }
    std::vector<cv::Point2f> pts;
    for (int y = b.box.y; y < b.box.y + b.box.height; ++y) {
      const int* lp = labels.ptr<int>(y);
      for (int x = b.box.x; x < b.box.x + b.box.width; ++x) {
        if (lp[x] == b.label) pts.emplace_back(static_cast<float>(x), static_cast<float>(y));
      }
    }
    k = std::min<int>(k, static_cast<int>(pts.size()));
    cv::Mat centres, assignment;
    cv::kmeans(pts, k, assignment, cv::TermCriteria(cv::TermCriteria::COUNT | cv::TermCriteria::EPS, 10, 0.5), 1,
               cv::KMEANS_PP_CENTERS, centres);
    float half = 0.5f * std::sqrt(typical_area_work_);
    for (int j = 0; j < k; ++j) {
      cv::Point2f p(centres.at<float>(j, 0), centres.at<float>(j, 1));
      if (!in_mask(p)) continue;
      cv::Rect2f box((p.x - half) * inv, (p.y - half) * inv, 2 * half * inv, 2 * half * inv);
      out.push_back(Detection{box, score, 0.0f});
    }
  }
  return out;
}

}  // namespace sturgeon::vision
