// Simulator speed: 300 frames of 1920x1080 must take under 30 s on 2 cores,
// encoding included (issue 4).
//
// Usage: sim_bench [frames] [scenario ...]   (default 300, easy_round_tank,
// dense_clumps_400, sun_glare). For each scenario it runs the same workload
// twice in this process: render only (the baseline) and render + H.264 to
// video.mp4, and prints frames/s, seconds and the ratio of the two.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "sim/simulator.h"

int main(int argc, char** argv) {
  namespace sim = sturgeon::sim;
  const int frames = argc > 1 ? std::atoi(argv[1]) : 300;
  std::vector<std::string> scenarios;
  for (int i = 2; i < argc; ++i) scenarios.emplace_back(argv[i]);
  if (scenarios.empty()) scenarios = {"easy_round_tank", "dense_clumps_400", "sun_glare"};
  const std::filesystem::path out = std::filesystem::temp_directory_path() / "sturgeon_sim_bench";

  fmt::print("{:<18} {:>6} {:>10} {:>12} {:>10} {:>12} {:>7}\n", "scenario", "frames", "render f/s", "render s",
             "full f/s", "full s", "ratio");
  for (const std::string& name : scenarios) {
    sim::SimOptions o;
    o.scenario = name;
    o.out_dir = out.string();
    o.frames = frames;
    o.width = 1920;
    o.height = 1080;
    o.keep_frame_hashes = false;
    o.encoder = sim::EncoderKind::kNone;
    const auto base = sim::RunSimulation(o);
    o.encoder = sim::EncoderKind::kAuto;
    const auto full = sim::RunSimulation(o);
    if (!base.ok() || !full.ok()) {
      fmt::print(stderr, "sim_bench: {}\n", (!base.ok() ? base.status() : full.status()).ToString());
      return 1;
    }
    fmt::print("{:<18} {:>6} {:>10.1f} {:>12.2f} {:>10.1f} {:>12.2f} {:>7.2f}  ({})\n", name, frames,
               frames / base->total_seconds, base->total_seconds, frames / full->total_seconds, full->total_seconds,
               full->total_seconds / base->total_seconds, full->encoder);
  }
  std::filesystem::remove_all(out);
  return 0;
}
