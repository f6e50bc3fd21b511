#include "sim/world.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace sturgeon::sim {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kRimWidthM = 0.3;
constexpr double kWalkwayWidthM = 0.8;

double SmoothStep(double e0, double e1, double x) {
  const double t = std::clamp((x - e0) / (e1 - e0), 0.0, 1.0);
  return t * t * (3.0 - 2.0 * t);
}

cv::Vec3f Mix(const cv::Vec3f& a, const cv::Vec3f& b, double t) {
  return a * static_cast<float>(1.0 - t) + b * static_cast<float>(t);
}

cv::Vec3f Jitter(cv::Vec3f c, double amount, Rng& rng) {
  const double shade = rng.Normal(1.0, amount);
  for (int k = 0; k < 3; ++k) c[k] = static_cast<float>(std::clamp(c[k] * shade * rng.Normal(1.0, amount * 0.2), 0.0, 1.0));
  return c;
}

}  // namespace

double PoolGeometry::SignedDistance(cv::Point2d p) const {
  const cv::Point2d d = p - centre;
  switch (kind) {
    case PoolKind::kRoundTank: return std::hypot(d.x, d.y) - radius;
    case PoolKind::kPond: {
      const double theta = std::atan2(d.y, d.x);
      double r = radius;
      for (size_t k = 0; k < harm_amp.size(); ++k) r += radius * harm_amp[k] * std::cos((k + 2) * theta + harm_phase[k]);
      return (std::hypot(d.x, d.y) - r) * 0.9;
    }
    case PoolKind::kRaceway:
    case PoolKind::kNetCage: {
      const double qx = std::abs(d.x) - half_length + corner;
      const double qy = std::abs(d.y) - half_width + corner;
      const double outside = std::hypot(std::max(qx, 0.0), std::max(qy, 0.0));
      return outside + std::min(std::max(qx, qy), 0.0) - corner;
    }
  }
  return 0.0;
}

cv::Point2d PoolGeometry::InwardNormal(cv::Point2d p) const {
  constexpr double kH = 0.05;
  const double gx = SignedDistance({p.x + kH, p.y}) - SignedDistance({p.x - kH, p.y});
  const double gy = SignedDistance({p.x, p.y + kH}) - SignedDistance({p.x, p.y - kH});
  const double n = std::hypot(gx, gy);
  if (n < 1e-9) return {0.0, 0.0};
  return {-gx / n, -gy / n};
}

double PoolGeometry::Depth(cv::Point2d p) const {
  const double inside = std::max(0.0, -SignedDistance(p));
  switch (kind) {
    case PoolKind::kRoundTank:
      return depth_edge + (depth_centre - depth_edge) * std::clamp(inside / radius, 0.0, 1.0);
    case PoolKind::kRaceway:
      return depth_edge + (depth_centre - depth_edge) * std::clamp(inside / half_width, 0.0, 1.0);
    case PoolKind::kPond:
      return 0.15 + (depth_edge - 0.15) * SmoothStep(0.0, 1.0, inside) +
             (depth_centre - depth_edge) * SmoothStep(0.5, 0.6 * radius, inside);
    case PoolKind::kNetCage: return depth_edge;
  }
  return depth_edge;
}

double PoolGeometry::Area() const {
  switch (kind) {
    case PoolKind::kRoundTank: return kPi * radius * radius;
    case PoolKind::kPond: {
      double sum = 0.0;
      for (double a : harm_amp) sum += a * a;
      return kPi * radius * radius * (1.0 + 0.5 * sum);
    }
    case PoolKind::kRaceway:
    case PoolKind::kNetCage:
      return 4.0 * half_length * half_width - (4.0 - kPi) * corner * corner;
  }
  return 0.0;
}

std::vector<cv::Point2d> PoolGeometry::Outline(int points) const {
  std::vector<cv::Point2d> out;
  const double reach = std::max({radius * 1.6, half_length, half_width}) * 1.5;
  for (int i = 0; i < points; ++i) {
    const double a = 2.0 * kPi * i / points;
    const cv::Point2d dir(std::cos(a), std::sin(a));
    double lo = 0.0, hi = reach;
    for (int it = 0; it < 40; ++it) {
      const double mid = 0.5 * (lo + hi);
      (SignedDistance(centre + dir * mid) < 0.0 ? lo : hi) = mid;
    }
    out.push_back(centre + dir * lo);
  }
  return out;
}

PoolGeometry MakePoolGeometry(const Scenario& s, Rng& rng) {
  PoolGeometry g;
  g.kind = s.pool;
  g.radius = s.pool_size_m / 2.0;
  g.half_length = s.pool_size_m / 2.0;
  g.half_width = s.pool_width_m / 2.0;
  g.depth_edge = s.depth_edge_m;
  g.depth_centre = s.depth_centre_m;
  g.corner = s.pool == PoolKind::kNetCage ? 0.3 : 0.25;
  if (s.pool == PoolKind::kPond) {
    for (size_t k = 0; k < g.harm_amp.size(); ++k) {
      g.harm_amp[k] = rng.Uniform(0.0, 0.07) / (1.0 + 0.6 * k);
      g.harm_phase[k] = rng.Uniform(0.0, 2 * kPi);
    }
  }
  return g;
}

cv::Mat FractalNoise(cv::Size size, double cells_across, int octaves, double persistence, Rng& rng) {
  cv::Mat acc(size, CV_32F, cv::Scalar(0));
  double amp = 1.0, total = 0.0, cells = cells_across;
  for (int o = 0; o < octaves; ++o) {
    const int cw = std::max(2, static_cast<int>(cells) + 3);
    const int ch = std::max(2, static_cast<int>(cells * size.height / std::max(1, size.width)) + 3);
    cv::Mat grid(ch, cw, CV_32F);
    for (int y = 0; y < ch; ++y)
      for (int x = 0; x < cw; ++x) grid.at<float>(y, x) = static_cast<float>(rng.Uniform());
    cv::Mat up;
    cv::resize(grid, up, size, 0, 0, cells > size.width / 4.0 ? cv::INTER_LINEAR : cv::INTER_CUBIC);
    cv::scaleAdd(up, amp, acc, acc);
    total += amp;
    amp *= persistence;
    cells *= 2.0;
  }
  acc *= 1.0 / total;
  return acc;
}

namespace {

struct Looks {
  cv::Vec3f ground, ground2, rim, bottom, algae, water;
  cv::Vec3f wood, floats, rope;
};

Looks PickLooks(const Scenario& s, Rng& rng) {
  Looks l;
  switch (s.surroundings) {
    case Surroundings::kConcrete: l.ground = {0.56f, 0.57f, 0.58f}; l.ground2 = {0.42f, 0.45f, 0.47f}; break;
    case Surroundings::kGrass: l.ground = {0.20f, 0.47f, 0.36f}; l.ground2 = {0.22f, 0.40f, 0.45f}; break;
    case Surroundings::kGravel: l.ground = {0.47f, 0.52f, 0.56f}; l.ground2 = {0.36f, 0.42f, 0.48f}; break;
    case Surroundings::kLake: l.ground = s.water_colour * 0.75f; l.ground2 = s.water_colour * 0.6f; break;
  }
  l.ground = Jitter(l.ground, 0.08, rng);
  l.ground2 = Jitter(l.ground2, 0.08, rng);
  l.rim = Jitter({0.66f, 0.67f, 0.68f}, 0.06, rng);
  l.bottom = s.pool == PoolKind::kPond ? Jitter({0.22f, 0.32f, 0.36f}, 0.1, rng) : Jitter({0.52f, 0.56f, 0.55f}, 0.08, rng);
  l.algae = Jitter({0.20f, 0.38f, 0.33f}, 0.12, rng);
  l.water = Jitter(s.water_colour, 0.06, rng);
  l.wood = Jitter({0.42f, 0.50f, 0.56f}, 0.1, rng);
  l.floats = rng.Chance(0.5) ? cv::Vec3f{0.65f, 0.42f, 0.18f} : cv::Vec3f{0.16f, 0.16f, 0.17f};
  l.rope = Jitter({0.55f, 0.75f, 0.80f}, 0.1, rng);
  return l;
}

std::vector<PoolGeometry> Neighbours(const Scenario& s, const PoolGeometry& main) {
  std::vector<PoolGeometry> out;
  if (!s.neighbours) return out;
  auto add = [&](double dx, double dy) {
    PoolGeometry g = main;
    g.centre = main.centre + cv::Point2d(dx, dy);
    out.push_back(g);
  };
  switch (s.pool) {
    case PoolKind::kRoundTank: {
      const double step = 2.0 * main.radius + 2.4;
      for (int j = -1; j <= 1; ++j)
        for (int i = -1; i <= 1; ++i)
          if (i != 0 || j != 0) add(i * step, j * step);
      break;
    }
    case PoolKind::kRaceway: {
      const double step = 2.0 * main.half_width + 0.5;
      for (int j = -3; j <= 3; ++j)
        if (j != 0) add(0.0, j * step);
      break;
    }
    case PoolKind::kNetCage: {
      const double sx = 2.0 * main.half_length + 2.0 * kWalkwayWidthM + 0.6;
      const double sy = 2.0 * main.half_width + 2.0 * kWalkwayWidthM + 0.6;
      for (int j = -1; j <= 1; ++j)
        for (int i = -1; i <= 1; ++i)
          if (i != 0 || j != 0) add(i * sx, j * sy);
      break;
    }
    case PoolKind::kPond: break;
  }
  return out;
}

}  // namespace

World BuildWorld(const Scenario& s, const PoolGeometry& pool, cv::Point2d min_m, cv::Point2d max_m,
                 double gsd, Rng& rng) {
  World w;
  w.pool = pool;
  w.gsd = gsd;
  w.origin_m = min_m;
  w.sun_angle = rng.Uniform(0.0, 2 * kPi);
  const int width = static_cast<int>(std::ceil((max_m.x - min_m.x) / gsd));
  const int height = static_cast<int>(std::ceil((max_m.y - min_m.y) / gsd));
  const cv::Size size(width, height);
  const Looks looks = PickLooks(s, rng);

  const double metres_across = width * gsd;
  cv::Mat n_large = FractalNoise(size, metres_across / 6.0, 4, 0.55, rng);
  cv::Mat n_mid = FractalNoise(size, metres_across / 0.8, 3, 0.6, rng);
  cv::Mat n_fine = FractalNoise(size, std::min<double>(width / 3.0, metres_across / 0.06), 2, 0.7, rng);
  cv::Mat n_algae = FractalNoise(size, metres_across / 2.5, 4, 0.6, rng);

  std::vector<PoolGeometry> pools = Neighbours(s, pool);
  pools.push_back(pool);
  const bool is_cage = s.pool == PoolKind::kNetCage;
  const bool is_pond = s.pool == PoolKind::kPond;
  const double k = s.turbidity_per_m;
  const cv::Point2d sun(std::cos(w.sun_angle), std::sin(w.sun_angle));
  const double mesh_m = 0.04;

  w.bg.create(size, CV_8UC3);
  w.water.create(size, CV_8UC1);
  if (is_cage) w.overlay = cv::Mat(size, CV_8UC4, cv::Scalar(0, 0, 0, 0));

  cv::parallel_for_(cv::Range(0, height), [&](const cv::Range& rows) {
    for (int y = rows.start; y < rows.end; ++y) {
      cv::Vec3b* out = w.bg.ptr<cv::Vec3b>(y);
      uchar* wat = w.water.ptr<uchar>(y);
      cv::Vec4b* ov = is_cage ? w.overlay.ptr<cv::Vec4b>(y) : nullptr;
      const float* nl = n_large.ptr<float>(y);
      const float* nm = n_mid.ptr<float>(y);
      const float* nf = n_fine.ptr<float>(y);
      const float* na = n_algae.ptr<float>(y);
      for (int x = 0; x < width; ++x) {
        const cv::Point2d p(min_m.x + x * gsd, min_m.y + y * gsd);
        const double grain = 0.88 + 0.24 * nf[x];
        cv::Vec3f c = Mix(looks.ground, looks.ground2, SmoothStep(0.35, 0.7, nl[x])) *
                      static_cast<float>(grain * (0.9 + 0.2 * nm[x]));
        if (s.surroundings == Surroundings::kLake) {
          c = Mix(looks.ground, looks.ground2, nl[x]) * static_cast<float>(0.95 + 0.1 * nm[x]);
        }
        // Nearest pool.
        double sd = 1e9;
        const PoolGeometry* near = nullptr;
        for (const PoolGeometry& g : pools) {
          const double d = g.SignedDistance(p);
          if (d < sd) { sd = d; near = &g; }
        }
        uchar water_level = 0;
        if (sd < 0.0) {
          const double depth = near->Depth(p);
          cv::Vec3f bottom = Mix(looks.bottom, looks.algae, SmoothStep(0.45, 0.8, na[x]) * 0.55);
          bottom *= static_cast<float>(0.85 + 0.3 * nm[x]) * static_cast<float>(grain);
          const cv::Point2d rel = p - near->centre;
          if (s.pool == PoolKind::kRoundTank && std::hypot(rel.x, rel.y) < 0.18) {
            const bool bar = std::fmod(std::abs(rel.x) + 10.0, 0.05) < 0.02;
            bottom = bottom * (bar ? 0.55f : 0.3f);
          }
          if (is_cage) {
            const double gx = std::fmod(std::abs(p.x) + 100.0, mesh_m), gy = std::fmod(std::abs(p.y) + 100.0, mesh_m);
            const double line = std::min(gx, gy) < 0.006 ? 1.0 : 0.0;
            bottom = Mix(s.water_colour * 0.5f, cv::Vec3f(0.12f, 0.13f, 0.12f), 0.5 * line);
          }
          // Wall shadow on the side away from the sun, and the wall seen slantwise.
          const double wall_band = SmoothStep(-0.6, 0.0, sd);
          const cv::Point2d n = near->InwardNormal(p);
          const double facing = 0.5 + 0.5 * (n.x * sun.x + n.y * sun.y);
          bottom *= static_cast<float>(1.0 - 0.45 * wall_band * facing);
          const double t = std::exp(-k * depth);
          const double scatter = 0.9 + 0.2 * nl[x];
          c = bottom * static_cast<float>(t) + looks.water * static_cast<float>((1.0 - t) * scatter);
          if (is_cage) {
            const double net_wall = SmoothStep(-0.35, 0.0, sd);
            c = Mix(c, cv::Vec3f(0.10f, 0.12f, 0.11f), 0.45 * net_wall);
          }
          c += cv::Vec3f(0.03f, 0.025f, 0.02f);  // sky reflection
          water_level = static_cast<uchar>(255.0 * std::sqrt(t));
        } else if (is_cage) {
          if (sd < kWalkwayWidthM) {
            const cv::Point2d rel = p - near->centre;
            const bool along_x = std::abs(rel.y) > near->half_width;
            const double coord = along_x ? p.x : p.y;
            const double plank = std::fmod(std::abs(coord) + 100.0, 0.18);
            const double seam = plank < 0.015 ? 0.55 : 1.0;
            const double wood = (0.8 + 0.35 * nm[x]) * grain * seam;
            cv::Vec3f wc = looks.wood * static_cast<float>(wood);
            const double frame_edge = sd < 0.08 || sd > kWalkwayWidthM - 0.08 ? 1.0 : 0.0;
            if (frame_edge > 0) wc = looks.floats * static_cast<float>(0.9 + 0.2 * nm[x]);
            ov[x] = cv::Vec4b(cv::saturate_cast<uchar>(wc[0] * 255), cv::saturate_cast<uchar>(wc[1] * 255),
                              cv::saturate_cast<uchar>(wc[2] * 255), 255);
          } else if (sd < kWalkwayWidthM + 0.12) {
            c *= 0.7f;  // shadow of the walkway on the lake
          }
        } else if (sd < kRimWidthM && !is_pond) {
          c = looks.rim * static_cast<float>(grain * (0.92 + 0.16 * nm[x]));
        } else if (sd < kRimWidthM + 0.15 && !is_pond) {
          c *= 0.75f;  // the rim's shadow
        }
        if (is_pond && sd > -0.6 && sd < 1.2) {
          const double bank = SmoothStep(-0.6, 1.2, sd) * (1.0 - SmoothStep(0.6, 1.2, sd));
          c = Mix(c, cv::Vec3f(0.22f, 0.32f, 0.40f) * static_cast<float>(0.8 + 0.4 * nm[x]), 0.7 * bank);
          c = Mix(c, cv::Vec3f(0.12f, 0.36f, 0.24f) * static_cast<float>(0.8 + 0.4 * nf[x]),
                  0.75 * SmoothStep(0.58, 0.72, na[x]) * SmoothStep(-0.4, 0.0, sd));
        }
        out[x] = cv::Vec3b(cv::saturate_cast<uchar>(c[0] * 255), cv::saturate_cast<uchar>(c[1] * 255),
                           cv::saturate_cast<uchar>(c[2] * 255));
        wat[x] = water_level;
      }
    }
  });

  if (is_cage) {
    // Rope lines across the cages, just above the water.
    Rng rope_rng = rng.Fork(17);
    for (const PoolGeometry& g : pools) {
      const int ropes = 1 + rope_rng.Int(3);
      for (int r = 0; r < ropes; ++r) {
        const double f = rope_rng.Uniform(-0.7, 0.7);
        cv::Point2d a, b;
        if (rope_rng.Chance(0.5)) {
          a = g.centre + cv::Point2d(-g.half_length - 0.3, f * g.half_width);
          b = g.centre + cv::Point2d(g.half_length + 0.3, f * g.half_width + rope_rng.Normal(0, 0.3));
        } else {
          a = g.centre + cv::Point2d(f * g.half_length, -g.half_width - 0.3);
          b = g.centre + cv::Point2d(f * g.half_length + rope_rng.Normal(0, 0.3), g.half_width + 0.3);
        }
        auto px = [&](cv::Point2d m) { return cv::Point((m.x - min_m.x) / gsd * 16, (m.y - min_m.y) / gsd * 16); };
        const int thick = std::max(1, static_cast<int>(0.018 / gsd));
        const cv::Scalar col(looks.rope[0] * 255, looks.rope[1] * 255, looks.rope[2] * 255, 255);
        cv::line(w.overlay, px(a), px(b), col, thick, cv::LINE_AA, 4);
      }
    }
  }
  cv::GaussianBlur(w.bg, w.bg, cv::Size(3, 3), 0.6);
  return w;
}

}  // namespace sturgeon::sim
