// The named scenario suite of the drone-footage simulator.
//
// A Scenario is the physical scene (pool, water, fish, behaviour mix,
// nuisances, drone flight) with the defaults for frame size and length. The
// seed varies the details (colours, positions, sizes), never the kind of
// scene. All lengths are in metres unless the name says otherwise; colours
// are BGR in [0, 1].
#pragma once

#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/status.h"

namespace sturgeon::sim {

enum class PoolKind { kRoundTank, kRaceway, kPond, kNetCage };
enum class Coverage { kWholePool, kSweep };
enum class Surroundings { kConcrete, kGrass, kGravel, kLake };

// Returns "round_tank", "raceway", "pond" or "net_cage".
std::string PoolKindName(PoolKind kind);

struct Scenario {
  std::string name;
  std::string description;

  // Pool. `pool_size_m` is the diameter (tank, pond) or the length (raceway,
  // cage); `pool_width_m` the width of a raceway or cage.
  PoolKind pool = PoolKind::kRoundTank;
  double pool_size_m = 8.0;
  double pool_width_m = 8.0;
  double depth_edge_m = 1.2;
  double depth_centre_m = 1.6;
  Surroundings surroundings = Surroundings::kConcrete;
  bool neighbours = false;  // other pools and walkways visible at the edges

  // Fish. Lengths are drawn from a normal distribution, clipped to 40-160%.
  int fish_count = 40;
  double length_mean_cm = 90.0;
  double length_sd_cm = 10.0;
  // Behaviour mix (relative weights).
  double share_cruise = 1.0;
  double share_clump = 0.0;
  double share_dive = 0.0;
  double share_rest = 0.0;
  double share_wander = 0.0;
  int clump_count = 0;
  double current_mps = 0.1;

  // Water.
  cv::Vec3f water_colour{0.32f, 0.36f, 0.24f};
  double turbidity_per_m = 0.35;  // light attenuation coefficient

  // Nuisances, each 0 (absent) .. 1 (strong) unless the unit says otherwise.
  double glare = 0.0;
  double ripples = 0.2;
  double caustics = 0.3;
  double clouds = 0.0;
  double noise_sigma = 2.0;  // grey levels
  int feed_pellets = 0;
  double foam = 0.0;
  double drift_m = 0.2;        // drone position wander amplitude
  double rotation_deg = 0.5;   // drone yaw wander amplitude
  double exposure = 1.0;       // 1 = daylight, ~0.2 = night
  bool night = false;          // floodlit at night: tint, lamp, strong noise

  // Flight and defaults.
  Coverage coverage = Coverage::kWholePool;
  double altitude_m = 14.0;
  double focal_len_mm = 24.0;  // 35 mm equivalent
  int width = 1920;
  int height = 1080;
  int frames = 300;
  double fps = 30.0;
  double latitude = 28.9701;
  double longitude = 118.8701;
  double ground_alt_m = 65.0;
};

// The suite, easiest first. Names are unique and lower_snake_case.
const std::vector<Scenario>& ScenarioSuite();

// Returns InvalidArgument naming the valid scenarios if `name` is unknown.
Result<Scenario> FindScenario(const std::string& name);

}  // namespace sturgeon::sim
