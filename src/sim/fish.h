// Sturgeon seen from above: appearance (a pre-shaded sprite), behaviour
// (a small steering model) and rendering into a frame. Internal to src/sim.
#pragma once

#include <array>
#include <vector>

#include <opencv2/core.hpp>

#include "sim/rng.h"
#include "sim/simulator.h"
#include "sim/world.h"

namespace sturgeon::sim {

enum class Behaviour { kCruise, kClump, kDive, kRest, kWander };
const char* BehaviourName(Behaviour b);

// A straight, shaded fish in body space: column = distance from the snout
// (plus padding), row = lateral offset (centre row = midline). Premultiplied
// BGRA floats. Three blur levels for depth and motion.
struct FishSprite {
  std::array<cv::Mat, 3> levels;
  float length_px = 0.f;
  float pad = 0.f;
  float half_height = 0.f;
  float area_px = 0.f;  // body pixels of level 0
  // Largest alpha of each level; a pixel belongs to the body where alpha is
  // over half of it (so fish of a pixel or two in width still count).
  std::array<float, 3> alpha_max{1.f, 1.f, 1.f};
};

struct Fish {
  int id = 0;
  double length_cm = 0.0;
  double weight_g = 0.0;
  Behaviour behaviour = Behaviour::kCruise;
  FishSprite sprite;

  cv::Point2d pos;    // metres
  double heading = 0; // radians, direction of the snout
  double speed = 0;   // m/s
  double depth = 0.5; // metres below the surface
  double turn = 0;    // rad/s, current turn rate
  double phase = 0;   // tail-beat phase
  double target_depth = 0.5;
  double orbit_radius = 0.0;
  int clump = 0;
  double dive_clock = 0.0;
  double dive_period = 10.0;
  double cruise_speed = 0.3;
  Rng rng{0};
};

struct SceneState {
  std::vector<cv::Point2d> clump_centres;
  double time = 0.0;
};

// Draws fish lengths, colours, behaviours and start positions.
std::vector<Fish> MakeFish(const Scenario& s, const PoolGeometry& pool, double gsd, Rng& rng,
                           SceneState& state);

// Advances every fish by dt seconds.
void StepFish(const Scenario& s, const PoolGeometry& pool, double dt, SceneState& state,
              std::vector<Fish>& fish);

// Per-fish, per-frame rendering outcome.
struct FishFrameStats {
  int min_x = 0, min_y = 0, max_x = -1, max_y = -1;  // body pixels in frame
  int body_pixels = 0;
};

struct FishPose {
  cv::Point2f centre_px;
  float heading = 0.f;     // in frame coordinates
  float bend_amp_px = 0.f;
  float bend_phase = 0.f;
  float turn_bend_px = 0.f;
  int level = 0;
  float transmit = 1.f;    // depth transmittance
  cv::Vec3f water_bgr;     // colour the fish fades into, 0..255
  float opacity = 1.f;
};

// Composites the fish into `frame` (CV_8UC3) and marks its body pixels with
// `id_value` in `ids` (CV_16UC1). Returns where the body landed.
FishFrameStats DrawFish(const FishSprite& sprite, const FishPose& pose, cv::Mat& frame, cv::Mat& ids,
                        uint16_t id_value);

// Darkens `frame` under the fish's shadow (no id marking).
void DrawShadow(const FishSprite& sprite, const FishPose& pose, float strength, cv::Mat& frame);

}  // namespace sturgeon::sim
