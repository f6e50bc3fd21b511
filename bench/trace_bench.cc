// Trace benchmark (issue 6): backward (tin -> fish, label -> lot) and forward
// (fish or pool -> tins and shipments) traces over ten times the demo's
// caviar data (ten harvest rounds), p50/p99 per query, against the 10 ms
// budget. The baseline row is a lookup of one batch by code, the cheapest
// trace there is, for the ratio column.
//
// The forward rows are what the API answers: the recall with its totals,
// lots and shipments and the first page of 100 tins, turned into JSON
// (GET /api/recall). The whole list of every tin (the CLI's `recall` without
// --limit) is measured too, for comparison, and is not held to the budget.
//
// Usage: trace_bench [--scale S] [--rounds N] [--queries Q]
//   --scale scales the registry (SeedDemo; default 0.2), --rounds the caviar
//   data (default 10 = ten times the demo).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "registry/demo.h"
#include "storage/store.h"
#include "storage/trace_store.h"
#include "trace/trace_demo.h"
#include "trace/trace_json.h"

namespace {

using namespace sturgeon;
using Clock = std::chrono::steady_clock;

constexpr double kBudgetMs = 10.0;
constexpr int kApiRecallPage = 100;  // GET /api/recall's default page
constexpr int kEveryTinShare = 10;   // the slow unpaged recall runs a tenth of the queries

struct Figures {
  double p50_ms = 0;
  double p99_ms = 0;
};

Figures Measure(int queries, const std::function<void(int)>& query) {
  std::vector<double> ms;
  ms.reserve(static_cast<size_t>(queries));
  for (int i = 0; i < queries; ++i) {
    const auto t0 = Clock::now();
    query(i);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<size_t>(q * static_cast<double>(ms.size())))]; };
  return Figures{at(0.50), at(0.99)};
}

template <typename T>
void Check(const Result<T>& r) {
  if (!r.ok()) {
    std::fprintf(stderr, "trace_bench: %s\n", r.status().ToString().c_str());
    std::exit(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  double scale = 0.2;
  int rounds = 10;
  int queries = 2000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    if (k == "--scale") scale = std::atof(argv[i + 1]);
    if (k == "--rounds") rounds = std::atoi(argv[i + 1]);
    if (k == "--queries") queries = std::atoi(argv[i + 1]);
  }
  const std::string path = (std::filesystem::temp_directory_path() / "sturgeon_trace_bench.db").string();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);

  auto store_r = OpenStore(path);
  Check(store_r);
  auto& store = *store_r.value();
  DemoOptions demo;
  demo.scale = scale;
  demo.days = 30;
  const auto t_seed = Clock::now();
  Check(SeedDemo(store, demo));
  auto trace_r = OpenTraceStore(path);
  Check(trace_r);
  auto& trace = *trace_r.value();
  trace::TraceDemoOptions o;
  o.rounds = rounds;
  o.last_day = demo.end_date;
  o.season_days = demo.days;
  auto seeded = trace::SeedTraceDemo(store, trace, o);
  Check(seeded);
  const double seed_s = std::chrono::duration<double>(Clock::now() - t_seed).count();
  fmt::print("seeded in {:.1f} s: {} harvests, {} lots, {} tins, {} cases, {} shipments, {} readings\n", seed_s,
             seeded->harvests, seeded->lots, seeded->tins, seeded->cases, seeded->shipments, seeded->readings);

  // Keys: every pool with harvests, every harvested fish, every tin and label.
  std::vector<std::string> pools, tins, labels, tags;
  auto all_pools = store.ListPools(std::nullopt);
  Check(all_pools);
  for (const Pool& p : *all_pools) {
    auto r = trace.RecallPool(p.code);
    Check(r);
    if (r->harvests.empty()) continue;
    pools.push_back(p.code);
    for (const RecalledTin& t : r->tins) {
      tins.push_back(t.tin.code);
      labels.push_back(t.tin.label);
    }
    for (const trace::Harvest& h : r->harvests) {
      auto f = store.GetFish(h.fish_id);
      Check(f);
      tags.push_back(*f->pit_tag);
    }
  }
  if (tins.empty() || tags.empty()) {
    std::fprintf(stderr, "trace_bench: no traced tins\n");
    return 1;
  }
  std::mt19937_64 rng(7);
  auto pick = [&](const std::vector<std::string>& v) { return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)]; };

  const Figures base = Measure(queries, [&](int) { Check(trace.FindBatch("B2026A-0001")); });
  struct Row {
    const char* name;
    Figures f;
  };
  const RecallPage page{0, kApiRecallPage, /*with_harvests=*/false};
  auto api_recall = [&](Result<Recall> r) {
    Check(r);
    volatile size_t bytes = trace::ToJson(*r).dump().size();
    (void)bytes;
  };
  struct Budgeted {
    Row row;
    bool budget;
  };
  const Budgeted rows[] = {
      {{"backward tin -> fish, pool, farm, parents", Measure(queries, [&](int) { Check(trace.TraceTin(pick(tins))); })},
       true},
      {{"backward label -> lot", Measure(queries, [&](int) { Check(trace.TraceLabel(pick(labels))); })}, true},
      {{"forward fish -> page of tins, shipments", Measure(queries, [&](int) { api_recall(trace.RecallFish(pick(tags), page)); })},
       true},
      {{"forward pool -> page of tins, shipments", Measure(queries, [&](int) { api_recall(trace.RecallPool(pick(pools), page)); })},
       true},
      {{"(every tin) pool -> all tins, shipments",
        Measure(std::max(queries / kEveryTinShare, 1), [&](int) { api_recall(trace.RecallPool(pick(pools))); })},
       false},
  };
  fmt::print("{} pools, {} fish, {} tins as keys; {} queries each\n", pools.size(), tags.size(), tins.size(), queries);
  fmt::print("{:<44} {:>9} {:>9} {:>12} {}\n", "query", "p50_ms", "p99_ms", "p99/base", "budget");
  fmt::print("{:<44} {:>9.3f} {:>9.3f} {:>12} {}\n", "baseline: one batch by code", base.p50_ms, base.p99_ms, "1.0", "");
  bool ok = true;
  for (const Budgeted& b : rows) {
    const Row& r = b.row;
    const bool within = r.f.p99_ms < kBudgetMs;
    if (b.budget) ok = ok && within;
    fmt::print("{:<44} {:>9.3f} {:>9.3f} {:>12.1f} {}\n", r.name, r.f.p50_ms, r.f.p99_ms, r.f.p99_ms / base.p99_ms,
               !b.budget ? "(not budgeted)" : within ? "ok (< 10 ms)" : "OVER 10 ms");
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  return ok ? 0 : 2;
}
