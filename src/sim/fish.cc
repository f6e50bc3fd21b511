#include "sim/fish.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace sturgeon::sim {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr float kBodyAlphaThreshold = 0.5f;

double SmoothStep(double e0, double e1, double x) {
  const double t = std::clamp((x - e0) / (e1 - e0), 0.0, 1.0);
  return t * t * (3.0 - 2.0 * t);
}

// Half-width of the body in units of the maximum half-width, t = 0 at the
// snout tip, 1 at the tail tip: long pointed snout, broad shoulders at the
// pectoral fins, slim caudal peduncle.
double Profile(double t) {
  static constexpr std::array<std::array<double, 2>, 13> kKeys = {{{0.0, 0.0}, {0.03, 0.22}, {0.08, 0.44},
    {0.14, 0.62}, {0.20, 0.78}, {0.28, 0.95}, {0.36, 1.0}, {0.50, 0.95}, {0.62, 0.8}, {0.72, 0.55}, {0.80, 0.32},
    {0.86, 0.2}, {0.9, 0.0}}};
  if (t <= 0.0 || t >= 0.9) return 0.0;
  for (size_t i = 1; i < kKeys.size(); ++i) {
    if (t <= kKeys[i][0]) {
      const double f = (t - kKeys[i - 1][0]) / (kKeys[i][0] - kKeys[i - 1][0]);
      const double s = f * f * (3.0 - 2.0 * f);
      return kKeys[i - 1][1] + (kKeys[i][1] - kKeys[i - 1][1]) * (0.5 * f + 0.5 * s);
    }
  }
  return 0.0;
}

bool InTriangle(double px, double py, double ax, double ay, double bx, double by, double cx, double cy) {
  const double d1 = (px - bx) * (ay - by) - (ax - bx) * (py - by);
  const double d2 = (px - cx) * (by - cy) - (bx - cx) * (py - cy);
  const double d3 = (px - ax) * (cy - ay) - (cx - ax) * (py - ay);
  const bool neg = d1 < 0 || d2 < 0 || d3 < 0;
  const bool pos = d1 > 0 || d2 > 0 || d3 > 0;
  return !(neg && pos);
}

cv::Vec3f Mix(const cv::Vec3f& a, const cv::Vec3f& b, double t) {
  return a * static_cast<float>(1.0 - t) + b * static_cast<float>(t);
}

struct Palette {
  cv::Vec3f dorsal, flank, belly, scute, fin, snout;
};

Palette PickPalette(Rng& rng) {
  // Grey-brown, slate, olive, pale (Kaluga hybrids) and the odd albino.
  static const std::array<cv::Vec3f, 5> kDorsal = {cv::Vec3f{0.22f, 0.25f, 0.27f}, cv::Vec3f{0.30f, 0.29f, 0.27f},
    cv::Vec3f{0.18f, 0.26f, 0.26f}, cv::Vec3f{0.38f, 0.40f, 0.40f}, cv::Vec3f{0.62f, 0.72f, 0.80f}};
  const double pick = rng.Uniform();
  const int idx = pick < 0.3 ? 0 : pick < 0.55 ? 1 : pick < 0.78 ? 2 : pick < 0.98 ? 3 : 4;
  Palette p;
  const float shade = static_cast<float>(rng.Normal(1.0, 0.12));
  p.dorsal = kDorsal[idx] * shade;
  for (int k = 0; k < 3; ++k) p.dorsal[k] *= static_cast<float>(rng.Normal(1.0, 0.05));
  p.flank = Mix(p.dorsal, cv::Vec3f(0.60f, 0.62f, 0.62f), rng.Uniform(0.3, 0.55));
  p.belly = Mix(p.dorsal, cv::Vec3f(0.85f, 0.86f, 0.86f), rng.Uniform(0.55, 0.8));
  p.scute = Mix(p.dorsal, cv::Vec3f(0.80f, 0.80f, 0.78f), rng.Uniform(0.35, 0.6));
  p.fin = Mix(p.flank, cv::Vec3f(0.5f, 0.5f, 0.5f), 0.3);
  p.snout = Mix(p.dorsal, cv::Vec3f(0.62f, 0.66f, 0.72f), rng.Uniform(0.2, 0.45));
  return p;
}

FishSprite BuildSprite(double length_px, Rng& rng) {
  FishSprite sp;
  sp.length_px = static_cast<float>(length_px);
  sp.pad = 3.f;
  sp.half_height = std::ceil(static_cast<float>(0.17 * length_px) + sp.pad);
  const int width = static_cast<int>(std::ceil(length_px + 2 * sp.pad));
  const int height = static_cast<int>(2 * sp.half_height + 1);
  const int ss = length_px < 60 ? 4 : 2;
  const Palette pal = PickPalette(rng);
  const double wmax = rng.Uniform(0.074, 0.088);
  const int side = rng.Chance(0.5) ? 1 : -1;
  const int scutes = 11 + rng.Int(4);
  const double fin_span = rng.Uniform(0.15, 0.19);
  cv::Mat mottle = FractalNoise(cv::Size(width * ss, height * ss), 6.0, 3, 0.6, rng);

  cv::Mat hi(height * ss, width * ss, CV_32FC4);
  for (int y = 0; y < hi.rows; ++y) {
    cv::Vec4f* row = hi.ptr<cv::Vec4f>(y);
    const float* mrow = mottle.ptr<float>(y);
    for (int x = 0; x < hi.cols; ++x) {
      const double u = (x + 0.5) / ss - sp.pad;
      const double v = (y + 0.5) / ss - (sp.half_height + 0.5);
      const double t = u / length_px;
      const double n = v / length_px;
      const double an = std::abs(n);
      cv::Vec3f c;
      double a = 0.0;
      const double hw = wmax * Profile(t);
      const double mottle_f = 0.88 + 0.24 * mrow[x];
      if (an < hw) {
        const double nn = n / hw;
        const double nz = std::sqrt(std::max(0.0, 1.0 - nn * nn));
        c = Mix(pal.flank, pal.dorsal * 0.85f, std::exp(-(nn * nn) / 0.25));
        c = Mix(c, pal.belly, SmoothStep(0.75, 1.0, std::abs(nn)) * 0.55);
        if (t < 0.13) c = Mix(c, pal.snout, 0.6 * (1.0 - t / 0.13));
        double light = 0.62 + 0.38 * std::pow(nz, 0.6);
        light += 0.10 * std::exp(-std::pow((nn - 0.28) / 0.16, 2)) * (t > 0.1 && t < 0.75);
        c *= static_cast<float>(light * mottle_f);
        // Dorsal scutes along the midline, lateral scutes along the flanks.
        for (int k = 0; k < scutes; ++k) {
          const double tk = 0.25 + k * (0.47 / (scutes - 1));
          const double r = std::pow((t - tk) / 0.013, 2) + std::pow(n / 0.0105, 2);
          if (r < 1.0) c = Mix(c, pal.scute * 1.1f, 0.9 * (1.0 - r * r));
        }
        const double lat_n = 0.74 * hw;
        for (int k = 0; k < 22; ++k) {
          const double tk = 0.28 + k * 0.024;
          const double r = std::pow((t - tk) / 0.006, 2) + std::pow((an - lat_n) / 0.005, 2);
          if (r < 1.0) c = Mix(c, pal.scute, 0.5 * (1.0 - r));
        }
        // Eyes on the sides of the head.
        if (std::pow((t - 0.165) / 0.007, 2) + std::pow((an - 0.8 * hw) / 0.006, 2) < 1.0) c *= 0.35f;
        // Dorsal fin, a dark ridge behind the scutes.
        if (t > 0.72 && t < 0.82 && an < 0.006) c *= 0.7f;
        a = 1.0;
      } else {
        // Tail: heterocercal, the long upper lobe to one side of the axis.
        if (t >= 0.84 && t <= 1.0) {
          const double f = (t - 0.84) / 0.16;
          const double centre = side * 0.022 * f * f;
          const double lw = 0.016 * (1.0 - f) + 0.002;
          if (std::abs(n - centre) < lw) { c = pal.fin * 0.85f; a = 0.9; }
        }
        if (t >= 0.85 && t <= 0.95) {
          const double f = (t - 0.85) / 0.10;
          const double centre = -side * 0.028 * f;
          const double lw = 0.012 * (1.0 - f) + 0.002;
          if (std::abs(n - centre) < lw) { c = pal.fin * 0.9f; a = 0.75; }
        }
        // Pectoral and pelvic fins.
        if (InTriangle(t, an, 0.21, wmax * 0.7, 0.31, wmax * 0.8, 0.40, fin_span)) {
          c = Mix(pal.fin, pal.belly, 0.2 * an / fin_span) * static_cast<float>(mottle_f);
          a = 0.85;
        } else if (InTriangle(t, an, 0.56, wmax * 0.6, 0.60, wmax * 0.6, 0.645, 0.085)) {
          c = pal.fin * static_cast<float>(mottle_f);
          a = 0.7;
        }
      }
      row[x] = cv::Vec4f(static_cast<float>(c[0] * a * 255), static_cast<float>(c[1] * a * 255),
                         static_cast<float>(c[2] * a * 255), static_cast<float>(a));
    }
  }
  cv::Mat lo;
  cv::resize(hi, lo, cv::Size(width, height), 0, 0, cv::INTER_AREA);
  sp.levels[0] = lo;
  // Level 1: slightly soft with a swimming motion streak; level 2: deep.
  cv::Mat l1;
  cv::GaussianBlur(lo, l1, cv::Size(0, 0), 0.9, 0.6);
  sp.levels[1] = l1;
  cv::Mat l2;
  cv::GaussianBlur(lo, l2, cv::Size(0, 0), 1.8, 1.5);
  sp.levels[2] = l2;
  for (int l = 0; l < 3; ++l) {
    float m = 0.f;
    for (int y = 0; y < sp.levels[l].rows; ++y)
      for (int x = 0; x < sp.levels[l].cols; ++x) m = std::max(m, sp.levels[l].at<cv::Vec4f>(y, x)[3]);
    sp.alpha_max[l] = std::max(m, 1e-3f);
  }
  int area = 0;
  for (int y = 0; y < lo.rows; ++y)
    for (int x = 0; x < lo.cols; ++x) area += lo.at<cv::Vec4f>(y, x)[3] > kBodyAlphaThreshold * sp.alpha_max[0];
  sp.area_px = static_cast<float>(std::max(area, 1));
  return sp;
}

Behaviour PickBehaviour(const Scenario& s, Rng& rng) {
  const std::array<double, 5> w = {s.share_cruise, s.share_clump, s.share_dive, s.share_rest, s.share_wander};
  double total = 0.0;
  for (double x : w) total += x;
  double r = rng.Uniform() * total;
  for (size_t i = 0; i < w.size(); ++i) {
    if (r < w[i]) return static_cast<Behaviour>(i);
    r -= w[i];
  }
  return Behaviour::kCruise;
}

double WrapAngle(double a) {
  while (a > kPi) a -= 2 * kPi;
  while (a < -kPi) a += 2 * kPi;
  return a;
}

cv::Point2d RandomInside(const PoolGeometry& pool, double margin, Rng& rng) {
  const double reach = std::max({pool.radius * 1.2, pool.half_length, pool.half_width});
  for (int i = 0; i < 1000; ++i) {
    const cv::Point2d p = pool.centre + cv::Point2d(rng.Uniform(-reach, reach), rng.Uniform(-reach, reach));
    if (pool.SignedDistance(p) < -margin) return p;
  }
  return pool.centre;
}

}  // namespace

const char* BehaviourName(Behaviour b) {
  switch (b) {
    case Behaviour::kCruise: return "cruise";
    case Behaviour::kClump: return "clump";
    case Behaviour::kDive: return "dive";
    case Behaviour::kRest: return "rest";
    case Behaviour::kWander: return "wander";
  }
  return "cruise";
}

std::vector<Fish> MakeFish(const Scenario& s, const PoolGeometry& pool, double gsd, Rng& rng,
                           SceneState& state) {
  const double inner = std::min({pool.kind == PoolKind::kRaceway || pool.kind == PoolKind::kNetCage
                                     ? std::min(pool.half_length, pool.half_width)
                                     : pool.radius});
  state.clump_centres.clear();
  for (int c = 0; c < std::max(1, s.clump_count); ++c) state.clump_centres.push_back(RandomInside(pool, inner * 0.35, rng));

  std::vector<Fish> fish;
  fish.reserve(s.fish_count);
  for (int i = 0; i < s.fish_count; ++i) {
    Fish f;
    f.id = i + 1;
    f.rng = rng.Fork(static_cast<uint64_t>(i) + 1);
    const double len = std::clamp(f.rng.Normal(s.length_mean_cm, s.length_sd_cm), 0.4 * s.length_mean_cm,
                                  1.6 * s.length_mean_cm);
    f.length_cm = std::round(len * 10.0) / 10.0;
    f.weight_g = std::round(kLengthWeightA * std::pow(f.length_cm, kLengthWeightB) * 10.0) / 10.0;
    f.behaviour = PickBehaviour(s, f.rng);
    f.sprite = BuildSprite(f.length_cm / 100.0 / gsd, f.rng);
    const double len_m = f.length_cm / 100.0;
    f.cruise_speed = len_m * f.rng.Uniform(0.35, 0.8);
    f.clump = f.rng.Int(std::max(1, s.clump_count));
    if (f.behaviour == Behaviour::kClump) {
      const double spread = inner * 0.07 + 0.05 * std::sqrt(static_cast<double>(s.fish_count) / std::max(1, s.clump_count));
      f.pos = state.clump_centres[f.clump] + cv::Point2d(f.rng.Normal(0, spread), f.rng.Normal(0, spread));
      if (pool.SignedDistance(f.pos) > -len_m) f.pos = RandomInside(pool, len_m, f.rng);
    } else if (f.behaviour == Behaviour::kCruise && pool.kind == PoolKind::kRoundTank) {
      f.orbit_radius = pool.radius * f.rng.Uniform(0.5, 0.92);
      const double a = f.rng.Uniform(0, 2 * kPi);
      f.pos = pool.centre + cv::Point2d(std::cos(a), std::sin(a)) * f.orbit_radius;
    } else {
      f.pos = RandomInside(pool, std::max(0.3, len_m * 0.6), f.rng);
    }
    f.heading = f.rng.Uniform(-kPi, kPi);
    if (pool.kind == PoolKind::kRaceway) f.heading = kPi + f.rng.Normal(0, 0.3);
    const double bottom = pool.Depth(f.pos);
    f.target_depth = std::min(bottom, 2.0) * f.rng.Uniform(0.1, 0.6);
    if (f.behaviour == Behaviour::kRest) f.target_depth = bottom - 0.08;
    f.depth = f.target_depth;
    f.dive_period = f.rng.Uniform(6.0, 16.0);
    f.dive_clock = f.rng.Uniform(0.0, f.dive_period);
    f.phase = f.rng.Uniform(0, 2 * kPi);
    f.speed = f.behaviour == Behaviour::kRest ? 0.0 : f.cruise_speed;
    fish.push_back(std::move(f));
  }
  return fish;
}

void StepFish(const Scenario& s, const PoolGeometry& pool, double dt, SceneState& state, std::vector<Fish>& fish) {
  state.time += dt;
  const double inner = pool.kind == PoolKind::kRoundTank || pool.kind == PoolKind::kPond
                           ? pool.radius
                           : std::min(pool.half_length, pool.half_width);
  for (size_t c = 0; c < state.clump_centres.size(); ++c) {
    cv::Point2d& cc = state.clump_centres[c];
    const cv::Point2d rel = cc - pool.centre;
    const cv::Point2d drift(-rel.y, rel.x);
    const double norm = std::max(1e-6, std::hypot(drift.x, drift.y));
    cc += drift * (0.03 * dt / norm);
    if (pool.SignedDistance(cc) > -inner * 0.35) cc -= rel * (0.05 * dt);
  }
  for (Fish& f : fish) {
    const double len_m = f.length_cm / 100.0;
    const cv::Point2d rel = f.pos - pool.centre;
    const double r = std::max(1e-6, std::hypot(rel.x, rel.y));
    double desired = f.heading;
    double want_speed = f.cruise_speed;
    cv::Point2d current(0, 0);
    if (pool.kind == PoolKind::kRoundTank) current = cv::Point2d(-rel.y, rel.x) * (s.current_mps / pool.radius);
    if (pool.kind == PoolKind::kRaceway) current = cv::Point2d(s.current_mps, 0);

    switch (f.behaviour) {
      case Behaviour::kCruise:
      case Behaviour::kDive:
        if (pool.kind == PoolKind::kRaceway) {
          desired = kPi + 0.3 * std::sin(state.time * 0.3 + f.phase);
          want_speed = s.current_mps + f.rng.Normal(0.0, 0.05);
        } else {
          const double orbit = f.orbit_radius > 0 ? f.orbit_radius : inner * 0.7;
          desired = std::atan2(rel.x, -rel.y) + std::clamp((r - orbit) / inner * 2.5, -1.0, 1.0);
        }
        break;
      case Behaviour::kClump: {
        const cv::Point2d to = state.clump_centres[f.clump] - f.pos;
        const double d = std::hypot(to.x, to.y);
        const double swirl = std::atan2(to.y, to.x) + kPi / 2 * SmoothStep(0.2, 1.2, 1.0 / std::max(d, 0.05));
        desired = d > 0.6 ? std::atan2(to.y, to.x) : swirl;
        want_speed = f.cruise_speed * (d > 0.6 ? 1.0 : 0.4);
        break;
      }
      case Behaviour::kRest:
        want_speed = 0.0;
        current = {0, 0};
        break;
      case Behaviour::kWander:
        desired = f.heading + f.rng.Normal(0.0, 0.6);
        break;
    }
    // Keep away from the walls: steer inwards when the snout gets close.
    const cv::Point2d ahead = f.pos + cv::Point2d(std::cos(f.heading), std::sin(f.heading)) * (len_m * 1.2);
    const double sd = pool.SignedDistance(ahead);
    if (sd > -0.3 && f.behaviour != Behaviour::kRest) {
      const cv::Point2d n = pool.InwardNormal(ahead);
      const double inward = std::atan2(n.y, n.x);
      const double blend = SmoothStep(-0.3, 0.2, sd);
      desired = f.heading + WrapAngle(inward - f.heading) * blend + WrapAngle(desired - f.heading) * (1 - blend);
    }
    const double max_turn = 1.2;
    const double want_turn = std::clamp(WrapAngle(desired - f.heading) * 1.5, -max_turn, max_turn);
    f.turn += (want_turn - f.turn) * std::min(1.0, dt * 3.0) + f.rng.Normal(0.0, 0.05);
    if (f.behaviour == Behaviour::kRest) f.turn = 0.0;
    f.heading = WrapAngle(f.heading + f.turn * dt);
    f.speed += (want_speed - f.speed) * std::min(1.0, dt * 1.5);
    f.pos += cv::Point2d(std::cos(f.heading), std::sin(f.heading)) * (f.speed * dt) + current * (0.6 * dt);
    if (pool.SignedDistance(f.pos) > -len_m * 0.3) f.pos += pool.InwardNormal(f.pos) * (0.5 * dt + 0.02);
    f.phase += dt * (3.0 + 6.0 * f.speed / std::max(0.1, len_m));

    const double bottom = pool.Depth(f.pos);
    if (f.behaviour == Behaviour::kDive) {
      f.dive_clock += dt;
      const double cycle = std::fmod(f.dive_clock, f.dive_period) / f.dive_period;
      f.target_depth = cycle < 0.5 ? 0.15 : std::min(bottom - 0.15, 2.5);
    } else if (f.behaviour == Behaviour::kRest) {
      f.target_depth = bottom - 0.08;
    }
    f.target_depth = std::clamp(f.target_depth, 0.1, std::max(0.12, bottom - 0.05));
    const double vz = std::clamp(f.target_depth - f.depth, -0.35 * dt, 0.35 * dt);
    f.depth = std::clamp(f.depth + vz, 0.08, std::max(0.1, bottom - 0.03));
  }
}

FishFrameStats DrawFish(const FishSprite& sprite, const FishPose& pose, cv::Mat& frame, cv::Mat& ids,
                        uint16_t id_value) {
  FishFrameStats st;
  const cv::Mat& spr = sprite.levels[std::clamp(pose.level, 0, 2)];
  const float L = sprite.length_px;
  const float reach = L * 0.5f + sprite.pad + std::abs(pose.bend_amp_px) + std::abs(pose.turn_bend_px) + 2.f;
  const int x0 = std::max(0, static_cast<int>(std::floor(pose.centre_px.x - reach)));
  const int x1 = std::min(frame.cols - 1, static_cast<int>(std::ceil(pose.centre_px.x + reach)));
  const int y0 = std::max(0, static_cast<int>(std::floor(pose.centre_px.y - reach)));
  const int y1 = std::min(frame.rows - 1, static_cast<int>(std::ceil(pose.centre_px.y + reach)));
  if (x0 > x1 || y0 > y1) return st;
  const float ch = std::cos(pose.heading), sh = std::sin(pose.heading);
  const int table_n = static_cast<int>(std::ceil(L + 2 * sprite.pad)) + 2;
  std::vector<float> bend(table_n);
  for (int i = 0; i < table_n; ++i) {
    const float t = std::clamp((i - sprite.pad) / L, 0.f, 1.f);
    const float env = (0.15f + t) * (0.15f + t) / 1.3225f;
    const float arc = (t - 0.35f) * (t - 0.35f);
    bend[i] = pose.bend_amp_px * env * std::sin(6.2831853f * 1.1f * t - pose.bend_phase) + pose.turn_bend_px * arc;
  }
  const float T = pose.transmit;
  const float op = pose.opacity;
  const float body_threshold = kBodyAlphaThreshold * sprite.alpha_max[std::clamp(pose.level, 0, 2)] * op;
  st.min_x = frame.cols;
  st.min_y = frame.rows;
  for (int y = y0; y <= y1; ++y) {
    cv::Vec3b* out = frame.ptr<cv::Vec3b>(y);
    uint16_t* idr = ids.ptr<uint16_t>(y);
    const float dy = y - pose.centre_px.y;
    for (int x = x0; x <= x1; ++x) {
      const float dx = x - pose.centre_px.x;
      const float along = dx * ch + dy * sh;
      const float lat = -dx * sh + dy * ch;
      const float col = L * 0.5f - along + sprite.pad;
      if (col < 0.f || col >= spr.cols - 1) continue;
      const int ci = static_cast<int>(col);
      const float row = lat - (bend[ci] + (bend[ci + 1] - bend[ci]) * (col - ci)) + sprite.half_height;
      if (row < 0.f || row >= spr.rows - 1) continue;
      const int ri = static_cast<int>(row);
      const float fx = col - ci, fy = row - ri;
      const cv::Vec4f* s0 = spr.ptr<cv::Vec4f>(ri) + ci;
      const cv::Vec4f* s1 = spr.ptr<cv::Vec4f>(ri + 1) + ci;
      const cv::Vec4f v = (s0[0] * (1 - fx) + s0[1] * fx) * (1 - fy) + (s1[0] * (1 - fx) + s1[1] * fx) * fy;
      const float a = v[3] * op;
      if (a <= 0.002f) continue;
      cv::Vec3b& o = out[x];
      for (int k = 0; k < 3; ++k) {
        const float c = (v[k] * T + pose.water_bgr[k] * v[3] * (1.f - T)) * op;
        o[k] = cv::saturate_cast<uchar>(o[k] * (1.f - a) + c);
      }
      if (a > body_threshold) {
        idr[x] = id_value;
        ++st.body_pixels;
        st.min_x = std::min(st.min_x, x);
        st.max_x = std::max(st.max_x, x);
        st.min_y = std::min(st.min_y, y);
        st.max_y = std::max(st.max_y, y);
      }
    }
  }
  return st;
}

void DrawShadow(const FishSprite& sprite, const FishPose& pose, float strength, cv::Mat& frame) {
  const cv::Mat& spr = sprite.levels[2];
  const float L = sprite.length_px;
  const float reach = L * 0.5f + sprite.pad + 2.f;
  const int x0 = std::max(0, static_cast<int>(pose.centre_px.x - reach));
  const int x1 = std::min(frame.cols - 1, static_cast<int>(pose.centre_px.x + reach));
  const int y0 = std::max(0, static_cast<int>(pose.centre_px.y - reach));
  const int y1 = std::min(frame.rows - 1, static_cast<int>(pose.centre_px.y + reach));
  const float ch = std::cos(pose.heading), sh = std::sin(pose.heading);
  for (int y = y0; y <= y1; ++y) {
    cv::Vec3b* out = frame.ptr<cv::Vec3b>(y);
    const float dy = y - pose.centre_px.y;
    for (int x = x0; x <= x1; ++x) {
      const float dx = x - pose.centre_px.x;
      const float col = L * 0.5f - (dx * ch + dy * sh) + sprite.pad;
      const float row = -dx * sh + dy * ch + sprite.half_height;
      if (col < 0.f || row < 0.f || col >= spr.cols - 1 || row >= spr.rows - 1) continue;
      const float a = spr.at<cv::Vec4f>(static_cast<int>(row), static_cast<int>(col))[3] * strength;
      if (a <= 0.002f) continue;
      cv::Vec3b& o = out[x];
      for (int k = 0; k < 3; ++k) o[k] = cv::saturate_cast<uchar>(o[k] * (1.f - a));
    }
  }
}

}  // namespace sturgeon::sim
