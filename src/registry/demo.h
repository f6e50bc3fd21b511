// Seeds a realistic demo company: 8 farms in 6 provinces, about 300 pools,
// about 200,000 fish (cohorts plus PIT-tagged broodstock with parents), and a
// year of daily records: daily status, feedings, water quality, deaths,
// moves, sexing, biopsies and stocktakes. Deterministic for a given seed and
// end date.
#pragma once

#include <cstdint>
#include <functional>

#include "core/dates.h"
#include "core/status.h"
#include "storage/store.h"

namespace sturgeon {

struct DemoOptions {
  uint64_t seed = 20261129;
  Date end_date = Date::FromYmd(2026, 11, 28);  // the last day with records
  int days = 365;
  // Scales fish counts and pools (1.0 = the full company); tests use less.
  double scale = 1.0;
};

struct DemoSummary {
  int farms = 0;
  int pools = 0;
  int64_t fish = 0;  // cohort heads plus individuals
  int64_t individuals = 0;
  int64_t records = 0;
};

// FailedPrecondition if the store already holds farms.
Result<DemoSummary> SeedDemo(Store& store, const DemoOptions& options,
                             const std::function<void(int done, int total)>& progress = nullptr);

}  // namespace sturgeon
