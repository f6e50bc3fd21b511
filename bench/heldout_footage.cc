// Held-out drone footage for the counting benchmark (issue 5), made by other
// means than the simulator (src/sim), so that a change to the counter can be
// judged on footage whose look it was not tuned to.
//
// Nothing here is shared with the simulator: another fish model (a spine
// that beats a travelling wave, a sturgeon's width profile with a pointed
// snout and a forked tail fin, three rows of pale scutes, each fish blurred
// and faded by its own depth), another water (no caustic network: smooth
// floors with stains, ripple bands, short-lived sun glints, a hard wall
// shadow, a floodlight's fall-off), another camera (shot noise growing with
// the light, vignetting, a hand-held wobble with a little rotation, and on
// sweep_pond a lower flight panning across a pond larger than the view)
// and another codec (MPEG-4 part 2, fourcc mp4v, instead of H.264).
//
// Usage: heldout_footage OUT_DIR [--seed N] [--frames N] [--only a,b]
// writes OUT_DIR/<clip>/{video.mp4, gt.txt, gt.json, telemetry.srt} for
// each clip below; `count_bench --clips OUT_DIR` counts them.
//
//   gt.txt         MOTChallenge ground truth: `frame,id,left,top,width,
//                  height,visibility,-1,-1,-1`, image pixels, every fish in
//                  view in every frame (a deep fish's visibility is low,
//                  never 0)
//   gt.json        true_count (the pool's fish), frames, fps, frame_size,
//                  coverage (whole_pool, or sweep: the truth is then the
//                  fish gt.txt shows), the camera's altitude_m, hfov_deg,
//                  gsd_m_per_px, and fish [{id, length_cm}], as count_bench
//                  reads the simulator's
//   telemetry.srt  a DJI-style SRT with the altitude, a 24 mm lens and a GPS
//                  fix a frame (moving with a sweep), so a count measures
//                  lengths and biomass and checks the camera's travel
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

namespace fs = std::filesystem;

namespace {

constexpr int kWidth = 1920;
constexpr int kHeight = 1080;
constexpr double kFps = 30.0;
constexpr double kHfovDeg = 73.7398;  // a 24 mm (35 mm equivalent) lens
constexpr double kPi = 3.14159265358979323846;
constexpr double kFullScaleGreyLevels = 220.0;  // a reflectance of 1 in full light
constexpr double kVignetting = 0.25;             // darkening in the corners
constexpr double kCameraSettle = 0.97;           // share of the wobble kept from frame to frame
constexpr double kRollStepRad = 0.0004;
constexpr double kGlintDriftPx = 1.5;            // a glint slides with the wind, pixels a frame

// A seeded generator whose draws are the same on every platform (the
// standard library's distributions are not): splitmix64, uniform doubles
// from its top 53 bits, Box-Muller normals, Knuth's Poisson.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  double Normal(double sigma) {
    const double u1 = 1.0 - Uniform(0, 1), u2 = Uniform(0, 1);  // u1 in (0, 1]
    return sigma * std::sqrt(-2.0 * std::log(u1)) * std::cos(2 * kPi * u2);
  }
  int Poisson(double mean) {
    const double limit = std::exp(-mean);
    int k = 0;
    for (double p = Uniform(0, 1); p > limit; p *= Uniform(0, 1)) ++k;
    return k;
  }

 private:
  uint64_t state_;
};

// FNV-1a: a clip's name mixed into its seed, the same on every platform.
uint64_t NameHash(const std::string& name) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (unsigned char c : name) h = (h ^ c) * 0x100000001B3ull;
  return h;
}

// The water a fish may swim in: inside() tells whether a point (world
// pixels) is at least `margin` pixels from the pool's edge.
struct Pool {
  std::function<bool(cv::Point2d, double margin)> inside;
  cv::Mat mask;  // CV_8U, 255 on water, frame-sized (world pixels)
};

Pool RoundPool(cv::Point2d centre, double radius) {
  Pool p;
  p.inside = [=](cv::Point2d q, double margin) { return std::hypot(q.x - centre.x, q.y - centre.y) < radius - margin; };
  p.mask = cv::Mat::zeros(kHeight, kWidth, CV_8U);
  cv::circle(p.mask, centre, static_cast<int>(radius), 255, cv::FILLED, cv::LINE_AA);
  return p;
}

Pool RectPool(cv::Rect2d r) {
  Pool p;
  p.inside = [=](cv::Point2d q, double margin) {
    return q.x > r.x + margin && q.x < r.x + r.width - margin && q.y > r.y + margin && q.y < r.y + r.height - margin;
  };
  p.mask = cv::Mat::zeros(kHeight, kWidth, CV_8U);
  cv::rectangle(p.mask, r, 255, cv::FILLED);
  return p;
}

// An irregular pond: a circle whose radius wanders with the angle.
Pool BlobPool(cv::Point2d centre, double radius, Rng& rng) {
  std::vector<double> amp(4), phase(4);
  for (int k = 0; k < 4; ++k) {
    amp[k] = rng.Uniform(0.03, 0.08) * radius;
    phase[k] = rng.Uniform(0, 2 * kPi);
  }
  auto edge = [=](double angle) {
    double r = radius;
    for (int k = 0; k < 4; ++k) r += amp[k] * std::sin((k + 2) * angle + phase[k]);
    return r;
  };
  Pool p;
  p.inside = [=](cv::Point2d q, double margin) {
    return std::hypot(q.x - centre.x, q.y - centre.y) < edge(std::atan2(q.y - centre.y, q.x - centre.x)) - margin;
  };
  std::vector<cv::Point> outline;
  for (int i = 0; i < 360; ++i) {
    const double a = i * kPi / 180;
    outline.emplace_back(cvRound(centre.x + edge(a) * std::cos(a)), cvRound(centre.y + edge(a) * std::sin(a)));
  }
  p.mask = cv::Mat::zeros(kHeight, kWidth, CV_8U);
  cv::fillPoly(p.mask, std::vector<std::vector<cv::Point>>{outline}, 255, cv::LINE_AA);
  return p;
}

// Smooth random texture in [0, 1]: a few octaves of upsampled uniform noise.
cv::Mat Stains(Rng& rng, int coarsest_cells, int octaves) {
  cv::Mat sum = cv::Mat::zeros(kHeight, kWidth, CV_32F);
  double weight = 1, total = 0;
  for (int o = 0; o < octaves; ++o) {
    const int cells = coarsest_cells << o;
    cv::Mat small(cells * kHeight / kWidth + 2, cells + 2, CV_32F);
    for (int y = 0; y < small.rows; ++y)
      for (int x = 0; x < small.cols; ++x) small.at<float>(y, x) = static_cast<float>(rng.Uniform(0, 1));
    cv::Mat big;
    cv::resize(small, big, cv::Size(kWidth, kHeight), 0, 0, cv::INTER_CUBIC);
    sum += weight * big;
    total += weight;
    weight *= 0.5;
  }
  sum /= total;
  return sum;
}

struct Fish {
  int id = 0;
  cv::Point2d pos;       // world pixels, the body's middle
  double heading = 0;    // radians, the way the snout points
  double speed = 0;      // pixels a frame
  double length = 0;     // pixels, snout to the tail lobes' tips (total length)
  double depth = 0;      // 0 at the surface, 1 on the bottom
  double depth_rate = 0; // per frame
  double beat_phase = 0;
  cv::Vec3f back;        // BGR in [0, 1]
  bool resting = false;
  bool schooling = false;
};

struct ClipSpec {
  std::string name;
  std::string description;
  int fish = 0;
  double altitude_m = 16;
  double min_length_px = 40, max_length_px = 70;
  double resting_share = 0.1;
  double max_speed = 2.0;        // pixels a frame
  double fade_at_bottom = 0.6;   // share of a fish's contrast the water takes at depth 1
  double light = 1.0;            // overall exposure
  double read_noise = 2.0;       // grey levels
  double shot_noise = 0.25;      // x sqrt(grey level)
  double wobble_px = 0.4;        // camera translation step, pixels a frame
  double glints_per_frame = 0;   // new sun glints a frame
  double ripple = 0.02;          // ripple bands' relative brightness
  double shadow = 0;             // darkening of the fish's own shadow on the floor
  bool school = false;
  double preferred_heading = -1; // radians; < 0: any
  // A sweep: the camera flies lower (the view is the world magnified by
  // `zoom`) and pans `sweep_px` world pixels to the east over the clip, so
  // fish leave the view and others come into it; 0: a still view of all.
  double zoom = 1.0;
  double sweep_px = 0;
};

// The scene: a static image (floor, banks, walls), the water, and the
// per-frame light (a floodlight's fall-off, a wall's shadow), all world pixels.
struct Scene {
  cv::Mat base;   // CV_32FC3 in [0, 1]
  cv::Mat light;  // CV_32F multiplier
  Pool pool;
  cv::Vec3f water;            // the water's own colour (what deep fish fade to)
  cv::Rect2d glint_zone;      // where the sun glints appear
};

cv::Mat Colour(const cv::Mat& tone, cv::Vec3f dark, cv::Vec3f light) {
  cv::Mat out(tone.size(), CV_32FC3);
  for (int y = 0; y < tone.rows; ++y) {
    const float* t = tone.ptr<float>(y);
    cv::Vec3f* o = out.ptr<cv::Vec3f>(y);
    for (int x = 0; x < tone.cols; ++x) o[x] = dark + t[x] * (light - dark);
  }
  return out;
}


Scene BuildScene(const ClipSpec& spec, Rng& rng) {
  Scene s;
  s.light = cv::Mat(kHeight, kWidth, CV_32F, cv::Scalar(spec.light));
  const cv::Point2d centre(kWidth / 2.0, kHeight / 2.0);
  cv::Mat ground = Colour(Stains(rng, 6, 4), {0.32f, 0.42f, 0.38f}, {0.45f, 0.58f, 0.55f});  // gravel and grass
  s.base = ground.clone();
  if (spec.name == "concrete_tank_day" || spec.name == "school_tank" || spec.name == "floodlit_tank_night") {
    const double radius = 0.44 * kHeight;
    s.pool = RoundPool(centre, radius);
    cv::Mat rim = cv::Mat::zeros(kHeight, kWidth, CV_8U);
    cv::circle(rim, centre, static_cast<int>(radius + 16), 255, cv::FILLED, cv::LINE_AA);
    s.base.setTo(cv::Scalar(0.78, 0.80, 0.80), rim);
    s.water = {0.55f, 0.60f, 0.56f};
    Colour(Stains(rng, 10, 5), {0.48f, 0.53f, 0.50f}, {0.64f, 0.69f, 0.66f}).copyTo(s.base, s.pool.mask);
    s.glint_zone = {centre.x - radius / 2, centre.y - radius / 2, radius, radius};
    if (spec.name == "floodlit_tank_night") {
      // A floodlight beyond the right edge: bright near it, a tenth of it
      // across the tank.
      for (int y = 0; y < kHeight; ++y) {
        float* l = s.light.ptr<float>(y);
        for (int x = 0; x < kWidth; ++x) {
          const double d = std::hypot(x - 1.08 * kWidth, y - 0.35 * kHeight) / (0.42 * kWidth);
          l[x] = static_cast<float>(spec.light * std::clamp(1.7 / (1 + d * d), 0.1, 1.0));
        }
      }
    }
  } else if (spec.name == "earth_pond_glints" || spec.name == "sweep_pond") {
    s.pool = BlobPool(centre, 0.47 * kHeight, rng);
    s.water = {0.30f, 0.42f, 0.40f};
    Colour(Stains(rng, 5, 4), {0.27f, 0.38f, 0.38f}, {0.36f, 0.49f, 0.47f}).copyTo(s.base, s.pool.mask);
    s.glint_zone = {centre.x - 0.35 * kHeight, centre.y - 0.4 * kHeight, 0.45 * kHeight, 0.35 * kHeight};
  } else if (spec.name == "raceway_shadow") {
    const cv::Rect2d water(40, 0.24 * kHeight, kWidth - 80, 0.52 * kHeight);
    s.pool = RectPool(water);
    cv::Mat walls = cv::Mat::zeros(kHeight, kWidth, CV_8U);
    cv::rectangle(walls, cv::Rect2d(water.x - 24, water.y - 24, water.width + 48, water.height + 48), 255, cv::FILLED);
    s.base.setTo(cv::Scalar(0.70, 0.72, 0.72), walls);
    s.water = {0.58f, 0.60f, 0.52f};
    Colour(Stains(rng, 14, 4), {0.52f, 0.55f, 0.48f}, {0.66f, 0.69f, 0.62f}).copyTo(s.base, s.pool.mask);
    // The wall's shadow over the upper third of the water, a hard edge.
    for (int y = 0; y < kHeight; ++y) {
      if (y < water.y + 0.34 * water.height) s.light.row(y).setTo(spec.light * 0.55);
    }
    s.glint_zone = {0.6 * kWidth, water.y + 0.5 * water.height, 0.3 * kWidth, 0.4 * water.height};
  } else {  // cage_ropes
    const cv::Rect2d water(kWidth / 2.0 - 0.45 * kHeight, 0.05 * kHeight, 0.9 * kHeight, 0.9 * kHeight);
    cv::Mat lake = cv::Mat(kHeight, kWidth, CV_8U, cv::Scalar(255));
    Colour(Stains(rng, 4, 3), {0.30f, 0.40f, 0.36f}, {0.36f, 0.46f, 0.41f}).copyTo(s.base, lake);
    s.pool = RectPool(water);
    s.water = {0.34f, 0.44f, 0.40f};
    Colour(Stains(rng, 6, 3), {0.32f, 0.42f, 0.38f}, {0.40f, 0.50f, 0.45f}).copyTo(s.base, s.pool.mask);
    s.glint_zone = {water.x + water.width / 2, water.y, water.width / 2, water.height / 3};
  }
  return s;
}

// The ropes and walkway of a net cage, drawn over the water and the fish.
void DrawCageFrame(cv::Mat& image, const Pool& pool) {
  cv::Rect r = cv::boundingRect(pool.mask);
  cv::rectangle(image, cv::Rect(r.x - 30, r.y - 30, r.width + 60, r.height + 60), cv::Scalar(0.72, 0.74, 0.75), 26);
  for (int i = 1; i < 4; ++i) {
    const int x = r.x + i * r.width / 4, y = r.y + i * r.height / 4;
    cv::line(image, {x, r.y}, {x, r.y + r.height}, cv::Scalar(0.55, 0.58, 0.60), 3);
    cv::line(image, {r.x, y}, {r.x + r.width, y}, cv::Scalar(0.55, 0.58, 0.60), 3);
  }
}

// A sturgeon seen from above: half-width along the body at s (0 snout, 1
// tail fork), as a share of the length.
double HalfWidth(double s) {
  if (s < 0.22) return 0.075 * std::sqrt(s / 0.22);           // pointed snout to the widest point
  if (s < 0.80) return 0.075 - (0.075 - 0.018) * (s - 0.22) / 0.58;  // tapering to the tail stalk
  return 0.018 + 0.09 * (s - 0.80) / 0.20;                      // the tail fin's lobes
}

// The smallest box holding `points`, to the sub-pixel (cv::boundingRect
// rounds out to whole pixels).
cv::Rect2f BoundingBox(const std::vector<cv::Point2f>& points) {
  float x0 = points.front().x, y0 = points.front().y, x1 = x0, y1 = y0;
  for (const cv::Point2f& p : points) {
    x0 = std::min(x0, p.x), y0 = std::min(y0, p.y), x1 = std::max(x1, p.x), y1 = std::max(y1, p.y);
  }
  return {x0, y0, x1 - x0, y1 - y0};
}

struct BodyOutline {
  std::vector<cv::Point2f> polygon;  // both flanks
  std::vector<cv::Point2f> spine;
  cv::Rect2f box;
};

BodyOutline Body(const Fish& f) {
  BodyOutline b;
  constexpr int kPoints = 20;
  const cv::Point2d fwd(std::cos(f.heading), std::sin(f.heading)), side(-fwd.y, fwd.x);
  const double amplitude = f.resting ? 0.01 : 0.05;
  std::vector<cv::Point2f> left, right;
  for (int i = 0; i <= kPoints; ++i) {
    const double s = static_cast<double>(i) / kPoints;
    const double lateral = amplitude * f.length * s * s * std::sin(2 * kPi * s - f.beat_phase);
    const cv::Point2d c = f.pos + fwd * (f.length * (0.5 - s)) + side * lateral;
    const double w = HalfWidth(s) * f.length;
    b.spine.emplace_back(c);
    left.emplace_back(c + side * w);
    right.emplace_back(c - side * w);
  }
  // The fork: the outline runs down one lobe, into the notch, out the other.
  b.polygon = left;
  b.polygon.push_back(b.spine.back() + cv::Point2f(fwd) * static_cast<float>(0.06 * f.length));
  b.polygon.insert(b.polygon.end(), right.rbegin(), right.rend());
  b.box = cv::boundingRect(b.polygon);
  return b;
}

// Draws a fish into `image` (world pixels): body, scutes, blur and fade by depth.
void DrawFish(cv::Mat& image, const Fish& f, const cv::Vec3f& water, double fade_at_bottom, double shadow) {
  const BodyOutline body = Body(f);
  const int pad = 20;
  const cv::Rect roi = cv::Rect(body.box) + cv::Size(2 * pad, 2 * pad) - cv::Point(pad, pad);
  const cv::Rect clipped = roi & cv::Rect(0, 0, image.cols, image.rows);
  if (clipped.area() <= 0) return;
  cv::Mat mask = cv::Mat::zeros(roi.size(), CV_32F), scutes = cv::Mat::zeros(roi.size(), CV_32F);
  std::vector<cv::Point> poly;
  for (const cv::Point2f& p : body.polygon) poly.emplace_back(cvRound((p.x - roi.x) * 4), cvRound((p.y - roi.y) * 4));
  cv::fillPoly(mask, std::vector<std::vector<cv::Point>>{poly}, 1.0, cv::LINE_8, 2);  // edges softened by the blur
  for (size_t i = 3; i + 5 < body.spine.size(); i += 2) {
    const cv::Point2f c = body.spine[i] - cv::Point2f(static_cast<float>(roi.x), static_cast<float>(roi.y));
    cv::circle(scutes, c, 1, 1.0, cv::FILLED);
  }
  const double blur = 0.6 + 2.2 * f.depth;
  cv::GaussianBlur(mask, mask, cv::Size(), blur);
  cv::GaussianBlur(scutes, scutes, cv::Size(), blur);
  const float alpha = static_cast<float>(1.0 - fade_at_bottom * f.depth);
  const cv::Vec3f back = f.back * alpha + water * (1 - alpha);
  const cv::Vec3f scute = (f.back * 0.4f + cv::Vec3f(0.85f, 0.85f, 0.8f) * 0.6f) * alpha + water * (1 - alpha);
  // The shadow on the floor, offset away from the sun, larger the higher the fish swims.
  const cv::Point offset(cvRound(6 + 10 * (1 - f.depth)), cvRound(4 + 6 * (1 - f.depth)));
  for (int y = clipped.y; y < clipped.y + clipped.height; ++y) {
    cv::Vec3f* px = image.ptr<cv::Vec3f>(y);
    const float* m = mask.ptr<float>(y - roi.y);
    const float* sc = scutes.ptr<float>(y - roi.y);
    for (int x = clipped.x; x < clipped.x + clipped.width; ++x) {
      const int mx = x - roi.x;
      if (shadow > 0 && f.depth < 0.8) {
        const int sx = mx - offset.x, sy = y - roi.y - offset.y;
        if (sx >= 0 && sy >= 0 && sx < mask.cols && sy < mask.rows) {
          px[x] *= static_cast<float>(1 - shadow * (1 - f.depth) * mask.at<float>(sy, sx));
        }
      }
      const float cover = m[mx];
      if (cover <= 0) continue;
      const float s = std::min(sc[mx], cover);
      px[x] = px[x] * (1 - cover) + back * (cover - s) + scute * s;
    }
  }
}

void MoveFish(std::vector<Fish>& fish, const ClipSpec& spec, const Pool& pool, Rng& rng) {
  cv::Point2d school_centre(0, 0), school_heading(0, 0);
  int in_school = 0;
  for (const Fish& f : fish) {
    if (!f.schooling) continue;
    school_centre += f.pos;
    school_heading += cv::Point2d(std::cos(f.heading), std::sin(f.heading));
    ++in_school;
  }
  if (in_school > 0) school_centre *= 1.0 / in_school;
  for (Fish& f : fish) {
    f.depth = std::clamp(f.depth + f.depth_rate, 0.0, 1.0);
    if (f.depth <= 0 || f.depth >= 1) f.depth_rate = -f.depth_rate;
    if (f.resting) continue;
    f.beat_phase += 0.35 + 0.1 * f.speed;
    double turn = rng.Normal(0.04);
    if (f.schooling) {
      // Toward the school and along its heading, loosely.
      const cv::Point2d to_centre = school_centre - f.pos;
      const double want = std::atan2(to_centre.y + 40 * school_heading.y / in_school,
                                     to_centre.x + 40 * school_heading.x / in_school);
      turn += 0.02 * std::sin(want - f.heading);
    } else if (spec.preferred_heading >= 0) {
      turn += 0.03 * std::sin(spec.preferred_heading - f.heading);
    }
    f.heading += turn;
    const cv::Point2d next = f.pos + f.speed * cv::Point2d(std::cos(f.heading), std::sin(f.heading));
    if (pool.inside(next, 0.55 * f.length)) {
      f.pos = next;
    } else {
      f.heading += kPi * rng.Uniform(0.6, 1.0);  // turns away from the wall
    }
  }
}

std::vector<Fish> StockPool(const ClipSpec& spec, const Pool& pool, Rng& rng) {
  std::vector<Fish> fish;
  const cv::Rect bounds = cv::boundingRect(pool.mask);
  const cv::Point2d school_at(bounds.x + bounds.width * rng.Uniform(0.35, 0.65),
                              bounds.y + bounds.height * rng.Uniform(0.35, 0.65));
  const double school_radius = 0.22 * std::min(bounds.width, bounds.height);
  const std::vector<cv::Vec3f> backs = {{0.20f, 0.24f, 0.28f}, {0.16f, 0.20f, 0.22f}, {0.26f, 0.28f, 0.30f},
                                        {0.22f, 0.26f, 0.25f}, {0.70f, 0.74f, 0.76f}};  // last: a pale (leucistic) one
  while (static_cast<int>(fish.size()) < spec.fish) {
    Fish f;
    f.id = static_cast<int>(fish.size()) + 1;
    f.length = rng.Uniform(spec.min_length_px, spec.max_length_px);
    f.schooling = spec.school && fish.size() % 10 != 0;  // a tenth swim on their own
    if (f.schooling) {
      const double a = rng.Uniform(0, 2 * kPi), r = school_radius * std::sqrt(rng.Uniform(0, 1));
      f.pos = school_at + r * cv::Point2d(std::cos(a), std::sin(a));
    } else {
      f.pos = {rng.Uniform(bounds.x, bounds.x + bounds.width), rng.Uniform(bounds.y, bounds.y + bounds.height)};
    }
    if (!pool.inside(f.pos, 0.6 * f.length)) continue;
    f.heading = spec.preferred_heading >= 0 ? spec.preferred_heading + rng.Normal(0.4) : rng.Uniform(0, 2 * kPi);
    f.resting = rng.Uniform(0, 1) < spec.resting_share;
    f.speed = f.resting ? 0 : rng.Uniform(0.3, 1.0) * spec.max_speed;
    f.depth = f.resting ? 1.0 : rng.Uniform(0, 1);
    f.depth_rate = f.resting ? 0 : rng.Normal(0.01);
    f.beat_phase = rng.Uniform(0, 2 * kPi);
    f.back = backs[rng.Uniform(0, 1) < 0.03 ? 4 : static_cast<int>(rng.Uniform(0, 3.999))];
    f.back *= static_cast<float>(rng.Uniform(0.9, 1.1));
    fish.push_back(f);
  }
  return fish;
}

struct Glint {
  cv::Point2d pos;
  double radius = 2;
  int frames_left = 0;
};

std::vector<ClipSpec> Clips() {
  std::vector<ClipSpec> clips;
  {
    ClipSpec c{.name = "concrete_tank_day", .description = "60 fish over a stained concrete floor, shadows, 15% resting",
               .fish = 60};
    c.min_length_px = 50, c.max_length_px = 80, c.resting_share = 0.15, c.shadow = 0.25, c.glints_per_frame = 3;
    clips.push_back(c);
  }
  {
    ClipSpec c{.name = "earth_pond_glints", .description = "90 fish in a turbid earth pond under sun glints",
               .fish = 90, .altitude_m = 20};
    c.min_length_px = 36, c.max_length_px = 60, c.fade_at_bottom = 0.8, c.glints_per_frame = 40, c.ripple = 0.04;
    clips.push_back(c);
  }
  {
    ClipSpec c{.name = "raceway_shadow", .description = "80 fish facing the current, a wall's hard shadow",
               .fish = 80, .altitude_m = 14};
    c.min_length_px = 44, c.max_length_px = 72, c.preferred_heading = kPi, c.max_speed = 1.2, c.glints_per_frame = 6;
    clips.push_back(c);
  }
  {
    ClipSpec c{.name = "floodlit_tank_night", .description = "40 fish in a tank lit from one side at night",
               .fish = 40};
    c.min_length_px = 50, c.max_length_px = 80, c.light = 0.8, c.read_noise = 5, c.shot_noise = 0.5;
    clips.push_back(c);
  }
  {
    ClipSpec c{.name = "school_tank", .description = "220 fish, nine in ten in one loose school", .fish = 220,
               .altitude_m = 18};
    c.min_length_px = 36, c.max_length_px = 60, c.school = true, c.glints_per_frame = 3;
    clips.push_back(c);
  }
  {
    ClipSpec c{.name = "sweep_pond", .description = "150 fish in a pond larger than the view, the camera sweeping east",
               .fish = 150, .altitude_m = 20};
    c.min_length_px = 30, c.max_length_px = 48, c.fade_at_bottom = 0.6, c.glints_per_frame = 8, c.ripple = 0.03;
    c.zoom = 1.5, c.sweep_px = 600, c.resting_share = 0.2, c.max_speed = 1.2;
    clips.push_back(c);
  }
  {
    ClipSpec c{.name = "cage_ropes", .description = "120 fish of mixed sizes in a net cage under ropes",
               .fish = 120, .altitude_m = 15};
    c.min_length_px = 28, c.max_length_px = 84, c.fade_at_bottom = 0.7, c.glints_per_frame = 10, c.ripple = 0.03;
    clips.push_back(c);
  }
  return clips;
}

constexpr double kLatitudeDeg = 45.1, kLongitudeDeg = 36.6;
constexpr double kMetresPerDegree = 111320.0;  // of latitude; of longitude x cos(latitude)

std::string SrtEntry(int frame, double altitude_m, double east_m) {
  auto stamp = [](double seconds) {
    const int ms = static_cast<int>(std::lround(seconds * 1000));
    return fmt::format("{:02}:{:02}:{:02},{:03}", ms / 3600000, ms / 60000 % 60, ms / 1000 % 60, ms % 1000);
  };
  return fmt::format(
      "{}\n{} --> {}\n<font size=\"28\">FrameCnt: {}, DiffTime: 33ms\n2025-06-01 09:00:00.000\n[iso: 100] "
      "[shutter: 1/1000.0] [fnum: 2.8] [ev: 0] [focal_len: 24.00] [latitude: {:.6f}] [longitude: {:.7f}] "
      "[rel_alt: {:.3f} abs_alt: {:.3f}] </font>\n\n",
      frame, stamp((frame - 1) / kFps), stamp(frame / kFps), frame, kLatitudeDeg,
      kLongitudeDeg + east_m / (kMetresPerDegree * std::cos(kLatitudeDeg * kPi / 180)), altitude_m, altitude_m + 10);
}

// The world point at the view's top-left corner in frame `t` of `frames`
// (before the wobble): the window kWidth / zoom wide, centred, panning
// east by `sweep_px` over the clip.
cv::Point2d ViewCorner(const ClipSpec& spec, int t, int frames) {
  const double window_w = kWidth / spec.zoom, window_h = kHeight / spec.zoom;
  const double progress = frames > 1 ? static_cast<double>(t - 1) / (frames - 1) : 0.0;
  return {(kWidth - window_w - spec.sweep_px) / 2 + spec.sweep_px * progress, (kHeight - window_h) / 2};
}

// Writes one clip into `dir`; false (with the problem on stderr) when a
// file cannot be written.
bool Render(const ClipSpec& spec, const fs::path& dir, int frames, uint64_t seed) {
  Rng rng(seed * 7919 + NameHash(spec.name));
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    std::cerr << "cannot create " << dir << ": " << ec.message() << "\n";
    return false;
  }
  const Scene scene = BuildScene(spec, rng);
  std::vector<Fish> fish = StockPool(spec, scene.pool, rng);
  const double gsd_m = 2 * spec.altitude_m * std::tan(kHfovDeg * kPi / 360) / kWidth;

  cv::VideoWriter video((dir / "video.mp4").string(), cv::CAP_FFMPEG, cv::VideoWriter::fourcc('m', 'p', '4', 'v'),
                        kFps, cv::Size(kWidth, kHeight));
  if (!video.isOpened()) {
    std::cerr << "cannot open " << (dir / "video.mp4") << " for writing (mp4v)\n";
    return false;
  }
  std::ofstream gt(dir / "gt.txt"), srt(dir / "telemetry.srt");
  // The light on the scene, and the lens's vignetting, per channel.
  cv::Mat light3, vignette3;
  cv::merge(std::vector<cv::Mat>{scene.light, scene.light, scene.light}, light3);
  {
    cv::Mat vignette(kHeight, kWidth, CV_32F);
    for (int y = 0; y < kHeight; ++y)
      for (int x = 0; x < kWidth; ++x) {
        const double r2 = (std::pow(x - kWidth / 2.0, 2) + std::pow(y - kHeight / 2.0, 2)) /
                          (std::pow(kWidth / 2.0, 2) + std::pow(kHeight / 2.0, 2));
        vignette.at<float>(y, x) = static_cast<float>(1 - kVignetting * r2);
      }
    cv::merge(std::vector<cv::Mat>{vignette, vignette, vignette}, vignette3);
  }
  // The sensor's noise: OpenCV's generator (the same on every platform),
  // seeded from the clip's own, so a clip does not depend on the clips
  // rendered before it.
  cv::RNG sensor_rng(rng.Next());
  std::vector<Glint> glints;
  cv::Point2d camera(0, 0);
  double roll = 0;
  cv::Mat world, lit, frame8, noise(kHeight, kWidth, CV_32FC3);
  for (int t = 1; t <= frames; ++t) {
    MoveFish(fish, spec, scene.pool, rng);
    world = scene.base.clone();
    // Ripple bands over the water: two wave trains.
    if (spec.ripple > 0) {
      cv::Mat small(kHeight / 4, kWidth / 4, CV_32F), ripple;
      for (int y = 0; y < small.rows; ++y)
        for (int x = 0; x < small.cols; ++x) {
          small.at<float>(y, x) = static_cast<float>(
              1 + spec.ripple * (std::sin(0.09 * x + 0.04 * y - 0.25 * t) + 0.6 * std::sin(0.05 * x - 0.11 * y + 0.17 * t)));
        }
      cv::resize(small, ripple, world.size(), 0, 0, cv::INTER_LINEAR);
      cv::Mat ripple3, water_ripple = cv::Mat::ones(world.size(), CV_32F);
      ripple.copyTo(water_ripple, scene.pool.mask);
      cv::merge(std::vector<cv::Mat>{water_ripple, water_ripple, water_ripple}, ripple3);
      cv::multiply(world, ripple3, world);
    }
    for (const Fish& f : fish) {
      if (f.depth >= 0.5) DrawFish(world, f, scene.water, spec.fade_at_bottom, spec.shadow);
    }
    for (const Fish& f : fish) {
      if (f.depth < 0.5) DrawFish(world, f, scene.water, spec.fade_at_bottom, spec.shadow);
    }
    if (spec.name == "cage_ropes") DrawCageFrame(world, scene.pool);
    // Light, then glints on top (the surface's reflection is not shaded).
    cv::multiply(world, light3, lit);
    for (int n = rng.Poisson(spec.glints_per_frame); n > 0; --n) {
      glints.push_back({{rng.Uniform(scene.glint_zone.x, scene.glint_zone.x + scene.glint_zone.width),
                         rng.Uniform(scene.glint_zone.y, scene.glint_zone.y + scene.glint_zone.height)},
                        rng.Uniform(1.5, 5), static_cast<int>(rng.Uniform(1, 5))});
    }
    for (auto it = glints.begin(); it != glints.end();) {
      cv::circle(lit, it->pos, cvRound(it->radius), cv::Scalar(1.3, 1.3, 1.3), cv::FILLED);
      it->pos.x += kGlintDriftPx;
      it = --it->frames_left <= 0 ? glints.erase(it) : it + 1;
    }
    // The camera wobbles: a random walk in position, a little roll.
    camera += cv::Point2d(rng.Normal(spec.wobble_px), rng.Normal(spec.wobble_px));
    camera *= kCameraSettle;
    roll = kCameraSettle * roll + rng.Normal(kRollStepRad);
    cv::Matx23d wobble = cv::getRotationMatrix2D(cv::Point2f(kWidth / 2.0f, kHeight / 2.0f), roll * 180 / kPi, 1.0);
    wobble(0, 2) += camera.x;
    wobble(1, 2) += camera.y;
    // The view: the world magnified by `zoom` from the window's corner,
    // which pans east over the clip, then the wobble.
    const cv::Point2d corner = ViewCorner(spec, t, frames);
    const cv::Matx33d view(spec.zoom, 0, -spec.zoom * corner.x, 0, spec.zoom, -spec.zoom * corner.y, 0, 0, 1);
    const cv::Matx33d wobble3(wobble(0, 0), wobble(0, 1), wobble(0, 2), wobble(1, 0), wobble(1, 1), wobble(1, 2), 0, 0,
                              1);
    const cv::Matx33d composed = wobble3 * view;
    const cv::Matx23d image_from_world = composed.get_minor<2, 3>(0, 0);
    cv::Mat seen;
    cv::warpAffine(lit, seen, image_from_world, lit.size(), cv::INTER_LINEAR, cv::BORDER_REFLECT);
    // Sensor: vignetting, shot noise that grows with the light, read noise.
    cv::Mat grey_levels;
    cv::multiply(seen, vignette3, grey_levels, kFullScaleGreyLevels);
    sensor_rng.fill(noise, cv::RNG::NORMAL, 0, 1);
    cv::Mat shot;
    cv::sqrt(cv::max(grey_levels, 1.0), shot);
    cv::multiply(shot, noise, shot, spec.shot_noise);
    grey_levels += shot;
    sensor_rng.fill(noise, cv::RNG::NORMAL, 0, spec.read_noise);
    grey_levels += noise;
    grey_levels.convertTo(frame8, CV_8UC3);
    video.write(frame8);

    for (const Fish& f : fish) {
      std::vector<cv::Point2f> outline = Body(f).polygon, in_image;
      cv::transform(outline, in_image, image_from_world);
      const cv::Rect2f box = BoundingBox(in_image);
      if ((box & cv::Rect2f(0, 0, kWidth, kHeight)).area() <= 0) continue;  // out of view
      const double visibility = 1.0 - spec.fade_at_bottom * f.depth;
      gt << fmt::format("{},{},{:.1f},{:.1f},{:.1f},{:.1f},{:.3f},-1,-1,-1\n", t, f.id, box.x, box.y, box.width,
                        box.height, visibility);
    }
    srt << SrtEntry(t, spec.altitude_m / spec.zoom, (corner.x - ViewCorner(spec, 1, frames).x) * gsd_m);
  }
  nlohmann::json j;
  j["scenario"] = spec.name;
  j["description"] = spec.description;
  j["generator"] = "bench/heldout_footage";
  j["seed"] = seed;
  j["true_count"] = spec.fish;
  j["frames"] = frames;
  j["fps"] = kFps;
  j["frame_size"] = {{"width", kWidth}, {"height", kHeight}};
  const bool sweep = spec.zoom > 1 || spec.sweep_px > 0;
  j["coverage"] = sweep ? "sweep" : "whole_pool";  // a sweep's truth is the fish gt.txt shows in view
  j["altitude_m"] = spec.altitude_m / spec.zoom;
  j["hfov_deg"] = kHfovDeg;
  j["gsd_m_per_px"] = gsd_m / spec.zoom;
  for (const Fish& f : fish) j["fish"].push_back({{"id", f.id}, {"length_cm", f.length * gsd_m * 100}});
  std::ofstream json(dir / "gt.json");
  json << j.dump(2) << "\n";
  video.release();
  for (const auto& [name, stream] : {std::pair<const char*, std::ofstream*>{"gt.txt", &gt}, {"telemetry.srt", &srt},
                                     {"gt.json", &json}}) {
    stream->flush();
    if (!*stream) {
      std::cerr << "cannot write " << (dir / name) << "\n";
      return false;
    }
  }
  std::cout << fmt::format("{:<20} {:>4} fish, {} frames -> {}\n", spec.name, spec.fish, frames, dir.string());
  return true;
}

}  // namespace

// A whole number from `text`, or nullopt (with the problem on stderr).
template <typename T>
std::optional<T> ParseWhole(const std::string& option, const std::string& text) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    std::cerr << option << ": '" << text << "' is not a whole number\n";
    return std::nullopt;
  }
  return value;
}

int main(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]).starts_with("--")) {
    std::cerr << "usage: heldout_footage OUT_DIR [--seed N] [--frames N] [--only a,b]\n";
    return 2;
  }
  const fs::path out = argv[1];
  const std::vector<ClipSpec> clips = Clips();
  uint64_t seed = 1;
  int frames = 90;
  std::set<std::string> only;
  for (int i = 2; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) {
      std::cerr << "missing value after " << a << "\n";
      return 2;
    }
    const std::string v = argv[++i];
    if (a == "--seed") {
      const auto parsed = ParseWhole<uint64_t>(a, v);
      if (!parsed) return 2;
      seed = *parsed;
    } else if (a == "--frames") {
      const auto parsed = ParseWhole<int>(a, v);
      if (!parsed) return 2;
      frames = *parsed;
    } else if (a == "--only") {
      for (size_t start = 0; start <= v.size();) {
        const size_t end = std::min(v.find(',', start), v.size());
        const std::string name = v.substr(start, end - start);
        if (std::none_of(clips.begin(), clips.end(), [&](const ClipSpec& c) { return c.name == name; })) {
          std::string names;
          for (const ClipSpec& c : clips) names += (names.empty() ? "" : ", ") + c.name;
          std::cerr << "--only: no clip named '" << name << "' (clips: " << names << ")\n";
          return 2;
        }
        only.insert(name);
        start = end + 1;
      }
    } else {
      std::cerr << "unknown option " << a << "\n";
      return 2;
    }
  }
  if (frames < 1) {
    std::cerr << "--frames must be 1 or more\n";
    return 2;
  }
  for (const ClipSpec& spec : clips) {
    if (!only.empty() && !only.contains(spec.name)) continue;
    if (!Render(spec, out / spec.name, frames, seed)) return 1;
  }
  return 0;
}
