#include "vision/detect/scene.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>
#include <opencv2/calib3d.hpp>

#include "core/order_statistics.h"

namespace sturgeon::vision {
namespace {

constexpr int kMaxCorners = 200;
constexpr int kMinInliers = 12;
// A corner is kept when its strength is this share of the strongest in the
// frame's background. Glints and bright fish edges are far stronger than
// the corners of a smooth floor or bank, so at 0.01 such footage left 17
// corners a frame (12 must agree) and a third to a half of a sweep's
// frames were taken as still (bench/heldout_footage's sweep_pond: 3.6-5.1
// of 9.4 m). Then weaker corners are taken too; not always: where there
// are many, the weak ones add fish that swim together (a school) to the
// background.
constexpr double kCornerQuality = 0.01;
constexpr double kWeakCornerQuality = 0.001;
constexpr size_t kEnoughCorners = 3 * kMinInliers;
constexpr double kRansacPx = 1.0;
// Sub-pixel estimates this small are noise and ripples, not the drone: they
// would add up to a false drift over a long clip.
constexpr double kStillPx = 0.3;
constexpr double kStillRotation = 1e-3;
constexpr double kFloodTolerance = 5.0;   // neighbour colour step allowed inside the water
constexpr double kMinPoolShare = 0.04;    // of the frame
constexpr double kCentreShare = 0.3;      // the central window, per side, that seeds the pool
constexpr int kSeedGrid = 5;              // seeds per side of the central window
constexpr int kSeedColourTolerance = 12;  // a seed's colour distance to the central median
constexpr int kWaterColourTolerance = 40; // water stays this close to its median colour (per channel)
constexpr float kBarrierFactor = 3.0f;    // an edge this x the water's 90th-percentile gradient stops the flood
constexpr float kMinBarrierGradient = 12.0f;  // Sobel magnitude on the 240-px thumbnail
constexpr int kBarrierClosePx = 3;         // edges are thickened by this to close gaps
constexpr int kChannelCutPx = 9;           // thumbnail px: narrower channels out of the water are cut
constexpr double kMinCentralShare = 0.05;  // a part of the pool holds this much of the central window
constexpr int kWallRidgePx = 9;            // thumbnail px: bright strips up to about this wide are walls
constexpr int kMinWallRidge = 8;           // grey levels above the strip's surroundings
constexpr double kWallMinLengthShare = 0.5; // of the frame's extent along it: a wall runs this far straight
constexpr double kWallMinVotesShare = 0.4; // ridge pixels along the line, of that extent
constexpr int kWallMaxGapPx = 3;           // thumbnail px: longest break along a wall's ridge
constexpr int kWallLineThicknessPx = 3;    // thumbnail px: a wall drawn into the barrier
constexpr double kLeakShare = 0.6;         // a flood over this share of the frame may have leaked
constexpr float kLeakBarrierScale = 0.5f;  // the stricter look's barrier, x the usual one
constexpr int kLeakBorderPx = 3;           // thumbnail px: a pool wholly in view keeps more than this clear of the edge
constexpr double kLeakMinShareOfHeld = 0.9;  // a stricter look this much smaller than the mask in use is refused
// Water in a cast shadow (AddShadowedWater).
constexpr double kShadowMinLight = 0.3;    // the shadow's light, of the water's, at least
constexpr double kShadowMaxLight = 0.85;   // and at most (less dark is the water's own shading)
constexpr double kShadowColourTolerance = 8.0;  // per channel, off the water's colour darkened
constexpr double kShadowLightBand = 0.07;  // one shadow: its light within this of its median
constexpr int kShadowReachKernelPx = 15;   // thumbnail px: the disc (diameter) round the pool found that reaches across the shadow's edge
constexpr int kMinShadowSeeds = 20;        // pixels of it along the pool found
constexpr int kMinShadowTouch = 10;        // a shadowed part lies this many pixels along the pool found
constexpr double kMinShadowShare = 0.02;   // of the pool found: smaller parts are left out
constexpr double kMaxShadowShare = 1.0;    // of the pool found: a larger "shadow" is land

}  // namespace

void CameraMotion::Update(const cv::Mat& grey, float scale, const std::vector<cv::Rect2f>& fish_boxes) {
  if (prev_.empty()) {
    prev_ = grey.clone();
    return;
  }
  cv::Mat mask(prev_.size(), CV_8U, cv::Scalar(255));
  for (const cv::Rect2f& b : fish_boxes) {
    cv::Rect r(static_cast<int>(b.x / scale) - 2, static_cast<int>(b.y / scale) - 2,
               static_cast<int>(b.width / scale) + 4, static_cast<int>(b.height / scale) + 4);
    cv::rectangle(mask, r, cv::Scalar(0), cv::FILLED);
  }
  std::vector<cv::Point2f> p0, p1;
  for (const cv::Point2f& p : followed_) {
    const cv::Point at(cvFloor(p.x), cvFloor(p.y));
    if (at.inside(cv::Rect(0, 0, mask.cols, mask.rows)) && mask.at<uint8_t>(at) != 0) p0.push_back(p);
  }
  followed_.clear();
  if (static_cast<int>(p0.size()) < kFollowedCornersMin || ++frames_since_found_ >= kCornersFoundEveryFrames) {
    cv::goodFeaturesToTrack(prev_, p0, kMaxCorners, kCornerQuality, 6, mask, 5);
    if (p0.size() < kEnoughCorners) cv::goodFeaturesToTrack(prev_, p0, kMaxCorners, kWeakCornerQuality, 6, mask, 5);
    frames_since_found_ = 0;
    ++corner_searches_;
  }
  cv::Matx33d step = cv::Matx33d::eye();
  held_still_ = false;
  if (p0.size() >= static_cast<size_t>(kMinInliers)) {
    std::vector<uchar> ok;
    std::vector<float> err;
    cv::calcOpticalFlowPyrLK(prev_, grey, p0, p1, ok, err, cv::Size(15, 15), 2);
    std::vector<cv::Point2f> a, b;
    for (size_t i = 0; i < ok.size(); ++i) {
      if (ok[i]) { a.push_back(p1[i]); b.push_back(p0[i]); }
    }
    if (a.size() >= static_cast<size_t>(kMinInliers)) {
      std::vector<uchar> inliers;
      cv::Mat m = cv::estimateAffinePartial2D(a, b, inliers, cv::RANSAC, kRansacPx);
      int count = static_cast<int>(std::count(inliers.begin(), inliers.end(), 1));
      bool still = !m.empty() && std::abs(m.at<double>(0, 2)) < kStillPx && std::abs(m.at<double>(1, 2)) < kStillPx &&
                   std::abs(m.at<double>(0, 1)) < kStillRotation;
      const bool agreed = !m.empty() && count >= kMinInliers && count * 3 >= static_cast<int>(a.size());
      held_still_ = agreed && still;
      if (agreed) {  // still or moved: the agreeing corners lie on the background
        for (size_t i = 0; i < a.size(); ++i) {
          if (inliers[i]) followed_.push_back(a[i]);
        }
      }
      if (agreed && !still) {
        // m maps current small pixels to previous small pixels; lift to full res.
        cv::Matx33d s(scale, 0, 0, 0, scale, 0, 0, 0, 1), si(1 / scale, 0, 0, 0, 1 / scale, 0, 0, 0, 1);
        cv::Matx33d mm(m.at<double>(0, 0), m.at<double>(0, 1), m.at<double>(0, 2), m.at<double>(1, 0),
                       m.at<double>(1, 1), m.at<double>(1, 2), 0, 0, 1);
        step = s * mm * si;
        if (std::abs(step(0, 2)) > 0.05 || std::abs(step(1, 2)) > 0.05 || std::abs(step(0, 1)) > 1e-4) moved_ = true;
      }
    }
  }
  world_from_image_ = world_from_image_ * step;
  prev_ = grey.clone();
}

cv::Point2f CameraMotion::ToWorld(cv::Point2f p) const {
  cv::Vec3d v = world_from_image_ * cv::Vec3d(p.x, p.y, 1);
  return {static_cast<float>(v[0]), static_cast<float>(v[1])};
}

cv::Point2f CameraMotion::ToImage(cv::Point2f p) const {
  cv::Vec3d v = world_from_image_.inv() * cv::Vec3d(p.x, p.y, 1);
  return {static_cast<float>(v[0]), static_cast<float>(v[1])};
}

namespace {

// Walls between neighbouring pools of one colour (raceways side by side,
// a walkway between tanks) are bright strips, no steeper at their edges
// than a sunlit caustic network: the edge barrier lets the flood over them
// into the next pool (the simulator's raceway_current: on one seed every
// look took the whole frame). What sets them apart is that they are long
// and straight. Draws into `wall` (CV_8U, the size of the
// CV_8U thumbnail `grey`) every straight bright ridge, a white top-hat over
// `kWallRidgePx` above its own 90th percentile and `kMinWallRidge`,
// running straight for at least `kWallMinLengthShare` of the frame's
// extent along its direction (the width for a horizontal wall, the height
// for a vertical one), with ridge pixels along `kWallMinVotesShare` of
// it; caustic lines bend within a cell (no first frame of the suite's
// other 26 clips, two seeds, has such a line). A
// long straight bright thing inside the pool (a floating pipe, a catwalk)
// is a wall too: drawn out to the frame's edges it cuts off the part of
// the pool beyond it unless that part holds some of the central window.
void DrawLongBrightLines(const cv::Mat& grey, cv::Mat& wall) {
  cv::Mat ridges;
  cv::morphologyEx(grey, ridges, cv::MORPH_TOPHAT,
                   cv::getStructuringElement(cv::MORPH_RECT, {kWallRidgePx, kWallRidgePx}));
  std::vector<uint8_t> values(ridges.begin<uint8_t>(), ridges.end<uint8_t>());
  const std::size_t rank = values.size() * 9 / 10;
  const int level = std::max<int>(kMinWallRidge, ElementAtRank(std::move(values), rank));
  cv::Mat on;
  cv::compare(ridges, level, on, cv::CMP_GT);
  // Candidates as long as the shares of the frame's shorter side; each is
  // then held to the shares of the frame's extent along its own direction.
  const int shorter = std::min(grey.cols, grey.rows);
  std::vector<cv::Vec4i> lines;
  cv::HoughLinesP(on, lines, 1, CV_PI / 180, static_cast<int>(kWallMinVotesShare * shorter),
                  kWallMinLengthShare * shorter, kWallMaxGapPx);
  cv::Mat near_ridge;  // a ridge pixel counts for a line within a pixel of it, as in the Hough votes
  cv::dilate(on, near_ridge, cv::getStructuringElement(cv::MORPH_RECT, {3, 3}));
  // A wall that runs straight across half the view runs across all of it
  // (its ends are lost in the pools' corners, and the flood would go round
  // them): each line is drawn out to the frame's edges.
  const double reach = grey.cols + grey.rows;
  for (const cv::Vec4i& l : lines) {
    const cv::Point2d a(l[0], l[1]), b(l[2], l[3]);
    const double length = cv::norm(b - a);
    const cv::Point2d d = (b - a) / std::max(1.0, length);
    const double extent = std::min(std::abs(d.x) > 1e-6 ? grey.cols / std::abs(d.x) : reach,
                                   std::abs(d.y) > 1e-6 ? grey.rows / std::abs(d.y) : reach);
    if (length < kWallMinLengthShare * extent) continue;
    int ridge_pixels = 0;
    cv::LineIterator it(near_ridge, cv::Point(l[0], l[1]), cv::Point(l[2], l[3]));
    for (int i = 0; i < it.count; ++i, ++it) ridge_pixels += **it != 0;
    if (ridge_pixels < kWallMinVotesShare * extent) continue;
    cv::Point from(cvRound(a.x - reach * d.x), cvRound(a.y - reach * d.y));
    cv::Point to(cvRound(b.x + reach * d.x), cvRound(b.y + reach * d.y));
    if (cv::clipLine(wall.size(), from, to)) cv::line(wall, from, to, cv::Scalar(255), kWallLineThicknessPx);
  }
}

// What every flood of one look shares: the smoothed thumbnail, its central
// window, the water's colour there, the edge strength and the usual
// barrier height, and the long straight bright lines (walls).
struct PoolThumbnail {
  cv::Mat small;      // CV_8UC3, about 240 px wide, median-smoothed
  cv::Rect centre;    // the central window
  cv::Vec3i water;    // the water's colour: the central window's median
  cv::Mat edges;      // CV_32F Sobel magnitude of the thumbnail's grey
  float barrier = 0;  // the usual barrier: an edge above this stops the flood
  cv::Mat walls;      // CV_8U, long straight bright lines drawn in
};

PoolThumbnail MakePoolThumbnail(const cv::Mat& bgr) {
  PoolThumbnail t;
  cv::Mat& small = t.small;
  const double f = std::min(1.0, 240.0 / bgr.cols);
  cv::resize(bgr, small, cv::Size(), f, f, cv::INTER_AREA);
  cv::medianBlur(small, small, 5);
  // The water's colour is the median of the central window: fish, a drain
  // or a float at the exact centre are a minority there, so seeding from one
  // centre pixel (which may be a fish or a drain) is avoided.
  const cv::Rect centre(static_cast<int>(small.cols * (0.5 - kCentreShare / 2)),
                        static_cast<int>(small.rows * (0.5 - kCentreShare / 2)),
                        std::max(1, static_cast<int>(small.cols * kCentreShare)),
                        std::max(1, static_cast<int>(small.rows * kCentreShare)));
  t.centre = centre;
  std::vector<uint8_t> ch[3];
  for (int y = centre.y; y < centre.y + centre.height; ++y) {
    for (int x = centre.x; x < centre.x + centre.width; ++x) {
      const cv::Vec3b& p = small.at<cv::Vec3b>(y, x);
      for (int c = 0; c < 3; ++c) ch[c].push_back(p[c]);
    }
  }
  for (int c = 0; c < 3; ++c) {
    t.water[c] = UpperMedian(std::move(ch[c]));
  }
  // Edges stop the flood: a pond's bank may have the water's colour (grass
  // around green water), but the shore is an edge that the water's own
  // surface does not have. The barrier is relative to the gradients inside
  // the central window, so caustics and ripples on the water are not walls.
  cv::Mat grey, gx, gy;
  cv::cvtColor(small, grey, cv::COLOR_BGR2GRAY);
  cv::Sobel(grey, gx, CV_32F, 1, 0, 3);
  cv::Sobel(grey, gy, CV_32F, 0, 1, 3);
  cv::magnitude(gx, gy, t.edges);
  std::vector<float> inside;
  for (int y = centre.y; y < centre.y + centre.height; ++y) {
    for (int x = centre.x; x < centre.x + centre.width; ++x) inside.push_back(t.edges.at<float>(y, x));
  }
  const std::size_t rank = inside.size() * 9 / 10;
  t.barrier = std::max(kMinBarrierGradient, kBarrierFactor * ElementAtRank(std::move(inside), rank));
  t.walls = cv::Mat::zeros(small.size(), CV_8U);
  DrawLongBrightLines(grey, t.walls);
  return t;
}

// Adds to `pool_parts` (CV_8U, the water found) the water in a cast
// shadow: a wall's, a building's or a tree's shadow across the pool darkens
// the water by one factor and keeps its colour. The flood stops at the
// shadow's hard edge and the colour test cuts the darker water off, so a
// raceway half in a wall's shadow was counted in its sunlit half only
// (bench/heldout_footage's raceway_shadow: 36-45% of the fish-frames
// outside the counted area). The same holds where sun glare veils the central window:
// its median is the glare, and the ordinary water beyond it reads as a
// shadow of it (the simulator's sun_glare). Taken: pixels within
// kShadowColourTolerance of the water's colour scaled to their own light,
// of one shadow's light (the median of such pixels just across the pool's
// edge), not on a barrier, in parts that lie along the pool found, keep
// clear of the frame's edge (a shadow on land runs out of view) and are
// no larger than the pool found.
void AddShadowedWater(const PoolThumbnail& t, const cv::Mat& barrier, cv::Mat& pool_parts) {
  const int pool_area = cv::countNonZero(pool_parts);
  if (pool_area == 0) return;
  const cv::Mat& small = t.small;
  const double water_light = std::max(1, t.water[0] + t.water[1] + t.water[2]);
  cv::Mat light(small.size(), CV_32F);
  cv::Mat shadowed(small.size(), CV_8U, cv::Scalar(0));
  for (int y = 0; y < small.rows; ++y) {
    const cv::Vec3b* p = small.ptr<cv::Vec3b>(y);
    const uint8_t* on_barrier = barrier.ptr<uint8_t>(y);
    float* l = light.ptr<float>(y);
    uint8_t* out = shadowed.ptr<uint8_t>(y);
    for (int x = 0; x < small.cols; ++x) {
      const double k = (p[x][0] + p[x][1] + p[x][2]) / water_light;
      l[x] = static_cast<float>(k);
      if (on_barrier[x] || k < kShadowMinLight || k > kShadowMaxLight) continue;
      double off = 0;
      for (int c = 0; c < 3; ++c) off = std::max(off, std::abs(p[x][c] - k * t.water[c]));
      out[x] = off <= kShadowColourTolerance ? 255 : 0;
    }
  }
  cv::Mat along_pool;
  cv::dilate(pool_parts, along_pool,
             cv::getStructuringElement(cv::MORPH_ELLIPSE, {kShadowReachKernelPx, kShadowReachKernelPx}));
  along_pool.setTo(0, pool_parts);
  std::vector<float> edge_light;
  for (int y = 0; y < small.rows; ++y) {
    for (int x = 0; x < small.cols; ++x) {
      if (shadowed.at<uint8_t>(y, x) && along_pool.at<uint8_t>(y, x)) edge_light.push_back(light.at<float>(y, x));
    }
  }
  if (static_cast<int>(edge_light.size()) < kMinShadowSeeds) return;
  const float shadow_light = UpperMedian(std::move(edge_light));
  cv::Mat off_light;
  cv::absdiff(light, cv::Scalar(shadow_light), off_light);
  shadowed.setTo(0, off_light > kShadowLightBand);

  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(shadowed, labels, stats, centroids, 8, CV_32S);
  std::vector<int> touch(n, 0);
  for (int y = 0; y < labels.rows; ++y) {
    const int* l = labels.ptr<int>(y);
    const uint8_t* a = along_pool.ptr<uint8_t>(y);
    for (int x = 0; x < labels.cols; ++x) touch[l[x]] += l[x] > 0 && a[x];
  }
  std::vector<uint8_t> take(n, 0);
  for (int i = 1; i < n; ++i) {
    const cv::Rect box(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                       stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
    const int area = stats.at<int>(i, cv::CC_STAT_AREA);
    const bool in_view = box.x > 0 && box.y > 0 && box.br().x < small.cols && box.br().y < small.rows;
    take[i] = in_view && touch[i] >= kMinShadowTouch && area >= kMinShadowShare * pool_area &&
              area <= kMaxShadowShare * pool_area;
  }
  for (int y = 0; y < labels.rows; ++y) {
    const int* l = labels.ptr<int>(y);
    uint8_t* out = pool_parts.ptr<uint8_t>(y);
    for (int x = 0; x < labels.cols; ++x) {
      if (take[l[x]]) out[x] = 255;
    }
  }
}

// One flood from the centre of `t` with the edge barrier at
// `barrier_scale` x its usual height: the pool's hull, or empty when no
// plausible pool is found.
cv::Mat FloodPool(const PoolThumbnail& t, float barrier_scale) {
  cv::Mat small = t.small;  // floodFill takes it as read-write; with FLOODFILL_MASK_ONLY it only reads
  const cv::Rect& centre = t.centre;
  const cv::Vec3i& water = t.water;
  // Seeds: a grid over the central window, keeping points of the water's
  // colour; each floods its own region (ropes may split the water).
  cv::Mat flood = cv::Mat::zeros(small.rows + 2, small.cols + 2, CV_8U);
  cv::Mat wall;
  cv::compare(t.edges, barrier_scale * t.barrier, wall, cv::CMP_GT);
  wall |= t.walls;
  // Close the small gaps a soft stretch of shore leaves in the edge.
  cv::dilate(wall, wall, cv::getStructuringElement(cv::MORPH_ELLIPSE, {kBarrierClosePx, kBarrierClosePx}));
  wall.copyTo(flood(cv::Rect(1, 1, small.cols, small.rows)));
  flood.setTo(1, flood);  // floodFill does not cross non-zero mask pixels
  cv::Scalar tol(kFloodTolerance, kFloodTolerance, kFloodTolerance);
  int seeded = 0;
  for (int gy = 0; gy < kSeedGrid; ++gy) {
    for (int gx = 0; gx < kSeedGrid; ++gx) {
      cv::Point seed(centre.x + (2 * gx + 1) * centre.width / (2 * kSeedGrid),
                     centre.y + (2 * gy + 1) * centre.height / (2 * kSeedGrid));
      const cv::Vec3b& p = small.at<cv::Vec3b>(seed);
      int dist = std::max({std::abs(p[0] - water[0]), std::abs(p[1] - water[1]), std::abs(p[2] - water[2])});
      if (dist > kSeedColourTolerance || flood.at<uint8_t>(seed.y + 1, seed.x + 1)) continue;
      cv::floodFill(small, flood, seed, cv::Scalar(), nullptr, tol, tol,
                    8 | cv::FLOODFILL_MASK_ONLY | (255 << 8));
      ++seeded;
    }
  }
  cv::Mat out(small.size(), CV_8U, cv::Scalar(255));
  if (seeded == 0) return cv::Mat();
  cv::Mat region;
  cv::compare(flood(cv::Rect(1, 1, small.cols, small.rows)), 255, region, cv::CMP_EQ);
  // The step-wise flood may creep up a soft wall edge; water stays near the
  // water's own colour, so farther pixels are cut off before the hull.
  cv::Mat near;
  cv::Scalar lo(water[0] - kWaterColourTolerance, water[1] - kWaterColourTolerance, water[2] - kWaterColourTolerance);
  cv::Scalar hi(water[0] + kWaterColourTolerance, water[1] + kWaterColourTolerance, water[2] + kWaterColourTolerance);
  cv::inRange(small, lo, hi, near);
  region &= near;
  // A narrow channel through a gap in the shore's edge joins the water to
  // the land around it: an opening wider than the channel cuts it, and only
  // the parts that hold the central window are the pool.
  cv::morphologyEx(region, region, cv::MORPH_OPEN,
                   cv::getStructuringElement(cv::MORPH_ELLIPSE, {kChannelCutPx, kChannelCutPx}));
  cv::Mat labels;
  const int n_regions = cv::connectedComponents(region, labels, 8, CV_32S);
  std::vector<int> central(n_regions, 0);
  for (int y = centre.y; y < centre.y + centre.height; ++y) {
    for (int x = centre.x; x < centre.x + centre.width; ++x) central[labels.at<int>(y, x)]++;
  }
  const int min_central = std::max(1, static_cast<int>(kMinCentralShare * centre.area()));
  cv::Mat pool_parts(region.size(), CV_8U);
  for (int y = 0; y < labels.rows; ++y) {
    const int* l = labels.ptr<int>(y);
    uint8_t* out_row = pool_parts.ptr<uint8_t>(y);
    for (int x = 0; x < labels.cols; ++x) out_row[x] = l[x] > 0 && central[l[x]] >= min_central ? 255 : 0;
  }
  AddShadowedWater(t, wall, pool_parts);
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(pool_parts, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
  // The pool: the hull of every flooded part that holds part of the
  // central window (parts split by ropes belong together).
  std::vector<cv::Point> points;
  for (const auto& c : contours) points.insert(points.end(), c.begin(), c.end());
  if (points.size() < 3) return cv::Mat();
  std::vector<cv::Point> hull;
  cv::convexHull(points, hull);
  if (cv::contourArea(hull) < kMinPoolShare * small.total()) return cv::Mat();
  out.setTo(0);
  cv::fillConvexPoly(out, hull, cv::Scalar(255));
  // A few pixels in from the wall, so no concrete edge is taken for water.
  cv::erode(out, out, cv::getStructuringElement(cv::MORPH_ELLIPSE, {5, 5}));
  return out;
}

struct PoolLook {
  cv::Mat region;         // empty when no plausible pool is found
  bool stricter = false;  // from the second look, with the lower barrier
};

// FindPoolMask without the fallback. A flood over more than `kLeakShare`
// of the frame has either a pool that fills the view (a sweep over a
// large pond, a cage seen close) or leaked over a stretch of rim whose
// edge is faint (the dim side of a floodlit tank, a bank of the water's
// colour). A second look with the barrier at `kLeakBarrierScale` x its
// height tells them apart: when it finds a pool of at most `kLeakShare`
// of the frame wholly inside the view (the leak's way out closed), that
// is the pool; a pool that fills the view keeps more of the frame than
// that, or runs off its edge. The lower barrier also stops at fainter
// edges inside the pool, so the stricter region may miss some of it.
PoolLook FindPoolRegion(const cv::Mat& bgr) {
  const PoolThumbnail thumbnail = MakePoolThumbnail(bgr);
  cv::Mat region = FloodPool(thumbnail, 1.0f);
  if (region.empty() || cv::countNonZero(region) <= kLeakShare * static_cast<double>(region.total())) {
    return {region, false};
  }
  cv::Mat stricter = FloodPool(thumbnail, kLeakBarrierScale);
  if (stricter.empty() || cv::countNonZero(stricter) > kLeakShare * static_cast<double>(stricter.total())) {
    return {region, false};
  }
  const cv::Rect box = cv::boundingRect(stricter);
  const bool wholly_in_view = box.x > kLeakBorderPx && box.y > kLeakBorderPx &&
                              box.x + box.width < stricter.cols - kLeakBorderPx &&
                              box.y + box.height < stricter.rows - kLeakBorderPx;
  if (!wholly_in_view) return {region, false};
  return {stricter, true};
}

}  // namespace

cv::Mat FindPoolMask(const cv::Mat& bgr) {
  cv::Mat region = FindPoolRegion(bgr).region;
  if (!region.empty()) return region;
  const double f = std::min(1.0, 240.0 / bgr.cols);
  return cv::Mat(cvRound(bgr.rows * f), cvRound(bgr.cols * f), CV_8U, cv::Scalar(255));
}

bool PoolMask::MayHaveLeaked() const { return mask_.empty() || area_ > kLeakShare; }

const cv::Mat& PoolMask::Update(const cv::Mat& bgr) {
  ++looks_since_;
  PoolLook look = FindPoolRegion(bgr);
  cv::Mat& found = look.region;
  if (found.empty()) return mask_;
  const double area = static_cast<double>(cv::countNonZero(found)) / static_cast<double>(found.total());
  if (area_ > 0 && area > area_ * std::pow(max_growth_, looks_since_)) return mask_;
  // The stricter look's lower barrier may stop inside the pool: it does not
  // cut down a mask in use that is a pool (not itself a leak).
  if (look.stricter && area_ > 0 && area_ <= kLeakShare && area < kLeakMinShareOfHeld * area_) return mask_;
  mask_ = found;
  area_ = area;
  looks_since_ = 0;
  return mask_;
}

}  // namespace sturgeon::vision
