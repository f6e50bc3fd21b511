// `sturgeon stocktake --pool ID VIDEO`: counts a pool from drone footage,
// stores the count as the pool's inventory reset, and reports the variance
// against the book count it replaces.
#include <iostream>

#include <fmt/format.h>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "stocktake/drone_stocktake.h"
#include "vision/pipeline.h"

namespace sturgeon::cli {
namespace {

struct StocktakeArgs {
  std::string db, pool, at;
  bool json = false;
  vision::CountOptions options;
};

void RunStocktake(StocktakeArgs& a) {
  auto store = OpenStoreOrFail(a.db);
  const Pool pool = OrFail(store->FindPool(a.pool));
  const Timestamp at = TimeOrNow(a.at);
  DroneCount counted =
      OrFail(CountPoolFootage(pool.id, at, a.options, fmt::format("video {}", a.options.video_path)));
  const StoredStocktake stored = OrFail(RecordStocktake(*store, counted.stocktake));
  const Reconciliation& r = stored.reconciliation;

  if (a.json) return PrintJson(StocktakeJson(counted.report, pool.code, at, r));
  std::cout << fmt::format(
      "pool {} at {}: counted {} (95% interval {}-{}), book {}, variance {:+} ({:+.1f}%){}\n"
      "stored as the pool's new book count\n",
      pool.code, at.ToString(), r.counted, *counted.stocktake.count_low, *counted.stocktake.count_high,
      r.book_count, r.variance, r.variance_pct,
      r.book_within_interval ? "; the book count lies inside the interval" : "");
  if (r.mean_weight_variance_pct) {
    std::cout << fmt::format("mean weight {:.0f} g measured, the book's {:.0f} g ({:+.1f}%)\n",
                             *counted.stocktake.mean_weight_g, *r.book_mean_weight_g, *r.mean_weight_variance_pct);
  } else if (counted.stocktake.mean_weight_g) {
    std::cout << fmt::format("mean weight {:.0f} g measured; no weighing in the book to compare it with\n",
                             *counted.stocktake.mean_weight_g);
  }
  for (const std::string& note : vision::IntervalNotes(counted.report)) std::cout << note << "\n";
}

}  // namespace

void AddStocktakeCommand(CLI::App& app) {
  auto a = std::make_shared<StocktakeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "stocktake", "Count a pool from drone footage and store the count as its inventory reset");
  AddDbOption(cmd, &a->db);
  cmd->add_option("--pool", a->pool, "The pool being stocktaken (id such as ZJ-QZ1-P017)")->required();
  cmd->add_option("VIDEO", a->options.video_path, "Drone footage of the pool")->required();
  cmd->add_option("--srt", a->options.srt_path, "DJI .SRT telemetry (altitude, focal length)");
  cmd->add_option("--altitude", a->options.altitude_m, "Altitude above the water, m (with --hfov)");
  cmd->add_option("--hfov", a->options.hfov_deg, "Horizontal field of view, degrees");
  cmd->add_option("--snapshot", a->options.snapshot_path, "Write an annotated PNG of the counted fish");
  cmd->add_option("--at", a->at, "Time of the count (default now)");
  cmd->add_flag("--json", a->json, "Print JSON");
  cmd->callback([a] { RunStocktake(*a); });
}

}  // namespace sturgeon::cli
