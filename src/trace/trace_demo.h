// Seeds caviar traceability demo data over a seeded registry (SeedDemo):
// a season (the 90 days up to the registry's last day) of harvests from PIT-tagged females, one batch and lot
// per harvest, 125 g and 250 g tins, cases of 12 tins, and export shipments
// with a logger reading every 30 minutes. Exactly one shipment (the first)
// has a cold-chain excursion: 90 minutes above +2 °C. Deterministic for a
// given seed.
#pragma once

#include <cstdint>

#include "core/status.h"
#include "storage/store.h"
#include "storage/trace_store.h"

namespace sturgeon::trace {

struct TraceDemoOptions {
  uint64_t seed = 20261129;
  Date last_day = Date::FromYmd(2026, 11, 28);  // the season ends here ...
  int season_days = 90;                         // ... and lasts this long
  int rounds = 1;        // harvests per female; the benchmark uses 10 (ten times the demo data)
  int max_females = 200;  // harvested (0: every tagged female)
};

struct TraceDemoSummary {
  int harvests = 0;
  int lots = 0;
  int tins = 0;
  int cases = 0;
  int shipments = 0;
  int readings = 0;
  std::string excursion_shipment;
};

// FailedPrecondition if the trace tables already hold harvests or the
// registry has no tagged females.
Result<TraceDemoSummary> SeedTraceDemo(Store& store, TraceStore& trace, const TraceDemoOptions& options);

}  // namespace sturgeon::trace
