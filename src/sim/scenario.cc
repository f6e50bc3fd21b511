#include "sim/scenario.h"

#include <fmt/format.h>

namespace sturgeon::sim {

std::string PoolKindName(PoolKind kind) {
  switch (kind) {
    case PoolKind::kRoundTank: return "round_tank";
    case PoolKind::kRaceway: return "raceway";
    case PoolKind::kPond: return "pond";
    case PoolKind::kNetCage: return "net_cage";
  }
  return "unknown";
}

namespace {

std::vector<Scenario> BuildSuite() {
  std::vector<Scenario> suite;

  {
    Scenario s;
    s.name = "easy_round_tank";
    s.description = "40 large fish cruising in a clear round concrete tank, calm, overcast";
    s.fish_count = 40;
    s.length_mean_cm = 95;
    s.length_sd_cm = 10;
    s.pool_size_m = 8.0;
    s.altitude_m = 13.0;
    s.water_colour = {0.36f, 0.40f, 0.30f};
    s.turbidity_per_m = 0.25;
    s.caustics = 0.15;
    s.ripples = 0.1;
    s.drift_m = 0.1;
    s.rotation_deg = 0.3;
    suite.push_back(s);
  }
  {
    Scenario s;
    s.name = "raceway_current";
    s.description = "120 fish holding against the current in a concrete raceway, neighbouring raceways at the edges";
    s.pool = PoolKind::kRaceway;
    s.pool_size_m = 22.0;
    s.pool_width_m = 4.0;
    s.depth_edge_m = 0.9;
    s.depth_centre_m = 1.0;
    s.neighbours = true;
    s.fish_count = 120;
    s.length_mean_cm = 60;
    s.length_sd_cm = 9;
    s.share_cruise = 0.8;
    s.share_rest = 0.2;
    s.current_mps = 0.25;
    s.altitude_m = 17.0;
    s.water_colour = {0.40f, 0.42f, 0.33f};
    s.turbidity_per_m = 0.4;
    s.caustics = 0.45;
    s.ripples = 0.4;
    s.foam = 0.35;
    suite.push_back(s);
  }
  {
    Scenario s;
    s.name = "green_pond";
    s.description = "150 fish wandering in an earthen pond with green algal water and grassy banks";
    s.pool = PoolKind::kPond;
    s.pool_size_m = 15.0;
    s.depth_edge_m = 0.5;
    s.depth_centre_m = 2.0;
    s.surroundings = Surroundings::kGrass;
    s.fish_count = 150;
    s.length_mean_cm = 70;
    s.length_sd_cm = 12;
    s.share_cruise = 0.3;
    s.share_wander = 0.5;
    s.share_dive = 0.2;
    s.altitude_m = 21.0;
    s.water_colour = {0.18f, 0.40f, 0.30f};
    s.turbidity_per_m = 1.2;
    s.caustics = 0.1;
    s.clouds = 0.3;
    suite.push_back(s);
  }
  {
    Scenario s;
    s.name = "dense_clumps_400";
    s.description = "400 fish gathered in dense clumps in a large round tank";
    s.pool_size_m = 10.0;
    s.depth_edge_m = 1.4;
    s.depth_centre_m = 1.8;
    s.neighbours = true;
    s.fish_count = 400;
    s.length_mean_cm = 55;
    s.length_sd_cm = 8;
    s.share_cruise = 0.15;
    s.share_clump = 0.85;
    s.clump_count = 5;
    s.altitude_m = 16.0;
    s.water_colour = {0.30f, 0.34f, 0.26f};
    s.turbidity_per_m = 0.35;
    s.caustics = 0.3;
    suite.push_back(s);
  }
  {
    Scenario s;
    s.name = "sun_glare";
    s.description = "100 fish under a strong sun reflection with glitter and ripples";
    s.pool_size_m = 9.0;
    s.fish_count = 100;
    s.length_mean_cm = 75;
    s.share_cruise = 0.7;
    s.share_dive = 0.3;
    s.altitude_m = 14.0;
    s.glare = 0.9;
    s.ripples = 0.8;
    s.caustics = 0.6;
    s.water_colour = {0.38f, 0.37f, 0.27f};
    s.turbidity_per_m = 0.3;
    s.surroundings = Surroundings::kGravel;
    suite.push_back(s);
  }
  {
    Scenario s;
    s.name = "turbid_water";
    s.description = "120 fish in brown turbid water; deeper fish nearly vanish";
    s.pool_size_m = 9.0;
    s.depth_edge_m = 1.5;
    s.depth_centre_m = 2.0;
    s.fish_count = 120;
    s.length_mean_cm = 70;
    s.share_cruise = 0.5;
    s.share_dive = 0.5;
    s.altitude_m = 14.0;
    s.water_colour = {0.22f, 0.33f, 0.38f};
    s.turbidity_per_m = 1.6;
    s.caustics = 0.05;
    s.foam = 0.2;
    s.surroundings = Surroundings::kGravel;
    suite.push_back(s);
  }
  {
    Scenario s;
    s.name = "resting_bottom";
    s.description = "80 fish mostly resting still on the bottom of a shallow tank";
    s.pool_size_m = 8.0;
    s.depth_edge_m = 0.9;
    s.depth_centre_m = 1.1;
    s.fish_count = 80;
    s.length_mean_cm = 80;
    s.share_cruise = 0.2;
    s.share_rest = 0.8;
    s.altitude_m = 13.0;
    s.water_colour = {0.40f, 0.43f, 0.36f};
    s.turbidity_per_m = 0.2;
    s.caustics = 0.5;
    s.neighbours = true;
    suite.push_back(s);
  }
  {
    Scenario s;
    s.name = "strong_drift";
    s.description = "100 fish filmed in wind: the drone drifts metres and yaws";
    s.pool_size_m = 8.0;
    s.fish_count = 100;
    s.length_mean_cm = 70;
    s.share_cruise = 0.8;
    s.share_wander = 0.2;
    s.altitude_m = 16.0;
    s.drift_m = 1.3;
    s.rotation_deg = 9.0;
    s.ripples = 0.6;
    s.clouds = 0.5;
    s.water_colour = {0.33f, 0.35f, 0.28f};
    s.neighbours = true;
    s.surroundings = Surroundings::kGrass;
    suite.push_back(s);
  }
  {
    Scenario s;
    s.name = "cloud_feeding";
    s.description = "150 active fish at feeding time: floating pellets, foam and moving cloud shadows";
    s.pool_size_m = 9.0;
    s.fish_count = 150;
    s.length_mean_cm = 65;
    s.share_cruise = 0.4;
    s.share_wander = 0.4;
    s.share_dive = 0.2;
    s.altitude_m = 14.5;
    s.clouds = 0.8;
    s.feed_pellets = 600;
    s.foam = 0.6;
    s.ripples = 0.5;
    s.water_colour = {0.30f, 0.38f, 0.30f};
    suite.push_back(s);
  }
  {
    Scenario s;
    s.name = "dive_resurface";
    s.description = "200 fish in a deep tank, many diving out of sight and resurfacing";
    s.pool_size_m = 10.0;
    s.depth_edge_m = 2.2;
    s.depth_centre_m = 3.0;
    s.fish_count = 200;
    s.length_mean_cm = 60;
    s.share_cruise = 0.3;
    s.share_dive = 0.7;
    s.altitude_m = 16.0;
    s.water_colour = {0.34f, 0.31f, 0.22f};
    s.turbidity_per_m = 0.7;
    s.ripples = 0.4;
    s.surroundings = Surroundings::kGravel;
    suite.push_back(s);
  }
  {
    Scenario s;
    s.name = "net_cage_1000_4k";
    s.description = "1,000 small fish in a lake net cage with floating walkways and rope lines, 4K";
    s.pool = PoolKind::kNetCage;
    s.pool_size_m = 12.0;
    s.pool_width_m = 12.0;
    s.depth_edge_m = 4.0;
    s.depth_centre_m = 4.0;
    s.surroundings = Surroundings::kLake;
    s.neighbours = true;
    s.fish_count = 1000;
    s.length_mean_cm = 35;
    s.length_sd_cm = 6;
    s.share_cruise = 0.6;
    s.share_wander = 0.2;
    s.share_dive = 0.2;
    s.altitude_m = 20.0;
    s.width = 3840;
    s.height = 2160;
    s.frames = 150;
    s.water_colour = {0.30f, 0.33f, 0.20f};
    s.turbidity_per_m = 0.6;
    s.caustics = 0.15;
    s.ripples = 0.5;
    s.glare = 0.3;
    s.noise_sigma = 2.5;
    suite.push_back(s);
  }
  {
    Scenario s;
    s.name = "net_cage_mixed";
    s.description = "300 fish of mixed sizes in a net cage on a dark lake, diving and milling";
    s.pool = PoolKind::kNetCage;
    s.pool_size_m = 10.0;
    s.pool_width_m = 10.0;
    s.depth_edge_m = 3.5;
    s.depth_centre_m = 3.5;
    s.surroundings = Surroundings::kLake;
    s.neighbours = true;
    s.fish_count = 300;
    s.length_mean_cm = 55;
    s.length_sd_cm = 18;
    s.share_cruise = 0.5;
    s.share_clump = 0.2;
    s.clump_count = 3;
    s.share_dive = 0.3;
    s.altitude_m = 17.0;
    s.water_colour = {0.26f, 0.29f, 0.18f};
    s.turbidity_per_m = 0.6;
    s.ripples = 0.7;
    s.clouds = 0.4;
    s.foam = 0.2;
    suite.push_back(s);
  }
  {
    Scenario s;
    s.name = "sweep_large_pond";
    s.description = "a sweep over a pond larger than the frame: fish leave and re-enter the view";
    s.pool = PoolKind::kPond;
    s.pool_size_m = 26.0;
    s.depth_edge_m = 0.6;
    s.depth_centre_m = 1.8;
    s.surroundings = Surroundings::kGrass;
    s.coverage = Coverage::kSweep;
    s.fish_count = 250;
    s.length_mean_cm = 75;
    s.share_cruise = 0.4;
    s.share_wander = 0.4;
    s.share_rest = 0.2;
    s.altitude_m = 14.0;
    s.water_colour = {0.26f, 0.36f, 0.32f};
    s.turbidity_per_m = 0.55;
    s.clouds = 0.4;
    s.ripples = 0.4;
    suite.push_back(s);
  }
  {
    Scenario s;
    s.name = "night_floodlit";
    s.description = "80 fish at night under a floodlight: low light, strong sensor noise";
    s.pool_size_m = 8.0;
    s.fish_count = 80;
    s.length_mean_cm = 85;
    s.share_cruise = 0.6;
    s.share_rest = 0.4;
    s.altitude_m = 13.0;
    s.exposure = 0.22;
    s.night = true;
    s.noise_sigma = 7.0;
    s.caustics = 0.0;
    s.ripples = 0.3;
    s.water_colour = {0.34f, 0.36f, 0.28f};
    s.neighbours = true;
    suite.push_back(s);
  }
  return suite;
}

}  // namespace

const std::vector<Scenario>& ScenarioSuite() {
  static const std::vector<Scenario> suite = BuildSuite();
  return suite;
}

Result<Scenario> FindScenario(const std::string& name) {
  std::string names;
  for (const Scenario& s : ScenarioSuite()) {
    if (s.name == name) return s;
    names += names.empty() ? s.name : ", " + s.name;
  }
  return Status::InvalidArgument(fmt::format("unknown scenario '{}'; valid scenarios: {}", name, names));
}

}  // namespace sturgeon::sim
