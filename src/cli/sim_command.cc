// `sturgeon sim`: synthetic drone footage with ground truth (src/sim).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.h"
#include "sim/simulator.h"

namespace sturgeon::cli {
namespace {

struct SimArgs {
  std::string scenario;
  std::string out_dir;
  uint64_t seed = 1;
  int frames = 0;
  std::string size;
  bool list = false;
  std::vector<int> png_frames;
};

void PrintScenarios() {
  for (const sim::Scenario& s : sim::ScenarioSuite())
    fmt::print("{:<20} {}x{} {:>4} frames  {}\n", s.name, s.width, s.height, s.frames, s.description);
}

[[noreturn]] void Fail(const std::string& message) {
  fmt::print(stderr, "sturgeon sim: {}\n", message);
  throw CLI::RuntimeError(2);
}

void RunSim(const SimArgs& args, const CLI::App& cmd) {
  if (args.list || args.scenario == "list") {
    PrintScenarios();
    return;
  }
  if (args.scenario.empty()) Fail("--scenario is required (use --list to see the suite)");
  if (args.out_dir.empty()) Fail("--out is required");
  sim::SimOptions options;
  options.scenario = args.scenario;
  options.out_dir = args.out_dir;
  options.seed = args.seed;
  options.keep_frame_hashes = false;
  options.png_frames = args.png_frames;
  if (cmd.count("--frames") > 0) options.frames = args.frames;
  if (!args.size.empty()) {
    auto size = sim::ParseFrameSize(args.size);
    if (!size.ok()) Fail(size.status().message());
    options.width = size->first;
    options.height = size->second;
  }
  auto summary = sim::RunSimulation(options);
  if (!summary.ok()) Fail(summary.status().message());
  fmt::print("{}: {} frames {}x{}, {} fish, GSD {:.4f} m/px, {} gt lines, encoder {}, {:.1f} s -> {}\n",
             summary->scenario, summary->frames, summary->width, summary->height, summary->true_count,
             summary->gsd_m_per_px, summary->gt_lines, summary->encoder, summary->total_seconds, args.out_dir);
}

}  // namespace

void AddSimCommand(CLI::App& app) {
  auto args = std::make_shared<SimArgs>();
  CLI::App* cmd = app.add_subcommand(
      "sim", "Write synthetic drone footage with ground truth (video.mp4, gt.txt, gt.json, telemetry.srt)");
  cmd->add_option("--scenario", args->scenario, "Scenario name, or 'list' to list the suite");
  cmd->add_option("--out", args->out_dir, "Output directory (created if missing)");
  cmd->add_option("--seed", args->seed, "Random seed (default 1)");
  cmd->add_option("--frames", args->frames, "Number of frames (default: the scenario's)");
  cmd->add_option("--size", args->size, "Frame size WxH, e.g. 1920x1080 (default: the scenario's)");
  cmd->add_option("--png", args->png_frames, "Also write these 1-based frames as frame_NNNNN.png")->delimiter(',');
  cmd->add_flag("--list", args->list, "List the scenario suite and exit");
  cmd->callback([args, cmd] { RunSim(*args, *cmd); });
}

}  // namespace sturgeon::cli
