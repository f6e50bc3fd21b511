// The static scene of a simulation: pool geometry and the pre-rendered world
// image the drone camera looks at. Internal to src/sim.
#pragma once

#include <array>
#include <vector>

#include <opencv2/core.hpp>

#include "sim/rng.h"
#include "sim/scenario.h"

namespace sturgeon::sim {

// Geometry of one pool in world metres (x east, y south), centred at `centre`.
struct PoolGeometry {
  PoolKind kind = PoolKind::kRoundTank;
  cv::Point2d centre;
  double radius = 4.0;      // round tank, pond (mean radius)
  double half_length = 4.0; // raceway, cage (along x)
  double half_width = 4.0;  // raceway, cage (along y)
  double corner = 0.2;
  std::array<double, 5> harm_amp{};    // pond outline harmonics
  std::array<double, 5> harm_phase{};
  double depth_edge = 1.0;
  double depth_centre = 1.5;

  // Negative inside the water, positive outside, roughly in metres.
  double SignedDistance(cv::Point2d p) const;
  // Inward unit normal estimate at p (towards the inside).
  cv::Point2d InwardNormal(cv::Point2d p) const;
  // Water depth at p (p inside).
  double Depth(cv::Point2d p) const;
  double Area() const;
  std::vector<cv::Point2d> Outline(int points) const;
};

PoolGeometry MakePoolGeometry(const Scenario& s, Rng& rng);

struct World {
  PoolGeometry pool;
  cv::Mat bg;       // CV_8UC3, the scene without fish or dynamic effects
  cv::Mat water;    // CV_8UC1, 255 * bottom light visibility where water
  cv::Mat overlay;  // CV_8UC4 above-water objects (walkways, ropes); may be empty
  cv::Point2d origin_m;  // world metres of pixel (0, 0)
  double gsd = 0.01;     // metres per pixel, same as the frames
  double sun_angle = 0.0;
};

// Renders the world covering [min_m, max_m] at `gsd`.
World BuildWorld(const Scenario& s, const PoolGeometry& pool, cv::Point2d min_m, cv::Point2d max_m,
                 double gsd, Rng& rng);

// Sum of `octaves` upsampled random grids: CV_32F, mean ~0.5, range ~[0, 1].
cv::Mat FractalNoise(cv::Size size, double cells_across, int octaves, double persistence, Rng& rng);

}  // namespace sturgeon::sim
