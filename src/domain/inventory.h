// Inventory rules: a pool's contents on a date, derived from its ledger.
//
// A pool's ledger holds every change to its head count: moves in (+), moves
// out (-), deaths and harvests (-). The book count at time T is the latest
// stocktake reset at or before T plus the ledger entries after that reset and
// at or before T; with no reset it is the sum of all entries up to T. Entries
// at the very instant of a reset are taken to be inside the counted figure.
//
// Biomass is the head count times the mean weight, where the mean weight is
// the count-weighted mean of each population's latest weighing (an individual
// fish, or a cohort's share of the pool); a population with no weighing is
// left out of the mean. Without any weighing, the reset's own mean weight is
// used if it has one. Pure functions: no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "domain/model.h"

namespace sturgeon {

struct LedgerEntry {
  Timestamp at;
  int64_t delta = 0;  // + in, - out
  std::optional<Id> cohort_id;
  std::optional<Id> fish_id;
};

// A group of fish inside one pool that shares one weight record: an
// individual (fish_id set) or a cohort's share (cohort_id set, fish_id unset).
struct PopulationKey {
  std::optional<Id> cohort_id;
  std::optional<Id> fish_id;
  auto operator<=>(const PopulationKey&) const = default;
};

struct PopulationCount {
  PopulationKey key;
  int64_t count = 0;
};

struct PopulationWeight {
  PopulationKey key;
  double weight_g = 0;
};

struct Inventory {
  int64_t head_count = 0;
  double biomass_kg = 0;
  std::optional<double> mean_weight_g;
  bool weighed = false;               // mean_weight_g is from weighings (not the last stocktake's)
  double volume_m3 = 0;
  double max_biomass_kg = 0;          // volume x maximum density
  double density_kg_m3 = 0;
  std::optional<double> max_density_kg_m3;  // set for a single pool
  bool over_max = false;              // density above the pool's maximum (any pool, for totals)
  int pools = 0;                      // pools summed into this figure
  int pools_over_max = 0;
};

// Per-population counts from the ledger entries at or before `at` (resets
// ignored). Populations whose count is zero are left out. Sorted by key.
std::vector<PopulationCount> CountPopulations(std::span<const LedgerEntry> entries, Timestamp at);

// The book head count at `at`.
int64_t BookCount(std::span<const LedgerEntry> entries, const std::optional<Stocktake>& last_reset, Timestamp at);

// A pool's inventory at `at`. `last_reset` must be the latest stocktake at or
// before `at`, if any; `weights` the latest weighing of each population.
Inventory PoolInventory(const Pool& pool, std::span<const LedgerEntry> entries,
                        const std::optional<Stocktake>& last_reset, std::span<const PopulationWeight> weights,
                        Timestamp at);

// A counted stocktake set against the book count it replaces.
struct Reconciliation {
  int64_t book_count = 0;
  int64_t counted = 0;
  int64_t variance = 0;         // counted - book
  double variance_pct = 0;      // of the book count (0 when the book is 0)
  bool book_within_interval = false;  // the book count lies in the count's interval
  // The sizes: the book's mean weight from its latest weighings (a
  // stocktake's own mean weight, which may be an earlier drone's
  // measurement, is not compared with), and the counted mean weight's
  // difference from it in % of it, when both are known. A drone's weights
  // come from lengths measured on the footage: a large difference says
  // those lengths, the altitude or the length-weight relation are off, or
  // that the fish have grown since they were weighed (the weighings may be
  // of any age; docs/vision.md, Known limits).
  std::optional<double> book_mean_weight_g;
  std::optional<double> mean_weight_variance_pct;
};

// `counted` set against `book`, the pool's inventory it replaces.
Reconciliation Reconcile(const Inventory& book, const Stocktake& counted);

// Adds pool inventories into a farm or company figure.
Inventory SumInventories(std::span<const Inventory> parts);

}  // namespace sturgeon
