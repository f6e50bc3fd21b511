#include "domain/inventory.h"

#include <gtest/gtest.h>

namespace sturgeon {
namespace {

Timestamp T(const char* text) { return *Timestamp::Parse(text); }

Pool TankOf(double volume, double max_density) {
  Pool p;
  p.code = "T-1";
  p.volume_m3 = volume;
  p.max_density_kg_m3 = max_density;
  return p;
}

constexpr Id kCohortA = 1;
constexpr Id kCohortB = 2;

TEST(Inventory, BookCountFollowsMovesInOutAndDeaths) {
  const std::vector<LedgerEntry> ledger = {
      {T("2025-01-01T08:00"), +1000, kCohortA, {}},  // stocked
      {T("2025-02-01T08:00"), -100, kCohortA, {}},   // moved out
      {T("2025-02-10T08:00"), -3, kCohortA, {}},     // deaths
      {T("2025-03-01T08:00"), +50, kCohortB, {}},    // moved in
  };
  EXPECT_EQ(BookCount(ledger, std::nullopt, T("2024-12-31")), 0);
  EXPECT_EQ(BookCount(ledger, std::nullopt, T("2025-01-15")), 1000);
  EXPECT_EQ(BookCount(ledger, std::nullopt, T("2025-02-15")), 897);
  EXPECT_EQ(BookCount(ledger, std::nullopt, T("2025-03-01T08:00")), 947);
}

TEST(Inventory, StocktakeResetsTheBookCountAndLaterChangesApplyOnTop) {
  const std::vector<LedgerEntry> ledger = {
      {T("2025-01-01T08:00"), +1000, kCohortA, {}},
      {T("2025-04-01T10:00"), -10, kCohortA, {}},  // same instant as the count: inside it
      {T("2025-05-01T08:00"), -20, kCohortA, {}},
  };
  Stocktake reset;
  reset.at = T("2025-04-01T10:00");
  reset.count = 962;
  EXPECT_EQ(BookCount(ledger, reset, T("2025-04-15")), 962);
  EXPECT_EQ(BookCount(ledger, reset, T("2025-05-02")), 942);
}

TEST(Inventory, BiomassUsesCountWeightedMeanOfLatestWeighings) {
  const std::vector<LedgerEntry> ledger = {
      {T("2025-01-01"), +300, kCohortA, {}},
      {T("2025-01-01"), +100, kCohortB, {}},
      {T("2025-01-01"), +1, {}, 77},  // an individual broodfish
  };
  const std::vector<PopulationWeight> weights = {
      {{kCohortA, {}}, 1000.0},
      {{kCohortB, {}}, 2000.0},
      {{{}, 77}, 10000.0},
  };
  Inventory inv = PoolInventory(TankOf(100, 40), ledger, std::nullopt, weights, T("2025-06-01"));
  EXPECT_EQ(inv.head_count, 401);
  ASSERT_TRUE(inv.mean_weight_g.has_value());
  EXPECT_NEAR(*inv.mean_weight_g, (300 * 1000.0 + 100 * 2000.0 + 10000.0) / 401, 1e-9);
  EXPECT_NEAR(inv.biomass_kg, 510.0, 1e-9);
  EXPECT_NEAR(inv.density_kg_m3, 5.10, 1e-9);
  EXPECT_FALSE(inv.over_max);
}

TEST(Inventory, DensityOverThePoolMaximumIsFlagged) {
  const std::vector<LedgerEntry> ledger = {{T("2025-01-01"), +500, kCohortA, {}}};
  const std::vector<PopulationWeight> weights = {{{kCohortA, {}}, 4000.0}};
  // 500 x 4 kg = 2000 kg in 40 m3 = 50 kg/m3 against a maximum of 40.
  Inventory inv = PoolInventory(TankOf(40, 40), ledger, std::nullopt, weights, T("2025-02-01"));
  EXPECT_NEAR(inv.density_kg_m3, 50.0, 1e-9);
  EXPECT_TRUE(inv.over_max);
  EXPECT_EQ(inv.pools_over_max, 1);
  // Exactly at the maximum is not over it.
  Inventory at_max = PoolInventory(TankOf(50, 40), ledger, std::nullopt, weights, T("2025-02-01"));
  EXPECT_FALSE(at_max.over_max);
}

TEST(Inventory, WithoutWeighingsFallsBackToTheResetsMeanWeight) {
  const std::vector<LedgerEntry> ledger = {{T("2025-01-01"), +100, kCohortA, {}}};
  Stocktake reset;
  reset.at = T("2025-03-01");
  reset.count = 90;
  reset.mean_weight_g = 1500;
  Inventory inv = PoolInventory(TankOf(10, 40), ledger, reset, {}, T("2025-04-01"));
  EXPECT_EQ(inv.head_count, 90);
  EXPECT_NEAR(inv.biomass_kg, 135.0, 1e-9);
  Inventory unknown = PoolInventory(TankOf(10, 40), ledger, std::nullopt, {}, T("2025-04-01"));
  EXPECT_FALSE(unknown.mean_weight_g.has_value());
  EXPECT_EQ(unknown.biomass_kg, 0);
}

TEST(Inventory, SumsPoolsIntoFarmTotals) {
  Inventory a, b;
  a.head_count = 100; a.biomass_kg = 100; a.mean_weight_g = 1000; a.volume_m3 = 10; a.pools = 1;
  b.head_count = 300; b.biomass_kg = 900; b.mean_weight_g = 3000; b.volume_m3 = 30; b.pools = 1;
  b.over_max = true; b.pools_over_max = 1;
  const std::vector<Inventory> parts = {a, b};
  Inventory total = SumInventories(parts);
  EXPECT_EQ(total.head_count, 400);
  EXPECT_NEAR(total.biomass_kg, 1000, 1e-9);
  EXPECT_NEAR(*total.mean_weight_g, 2500, 1e-9);
  EXPECT_NEAR(total.density_kg_m3, 25, 1e-9);
  EXPECT_EQ(total.pools, 2);
  EXPECT_TRUE(total.over_max);
}

TEST(Inventory, IndividualsAndCohortSharesAreSeparatePopulations) {
  const std::vector<LedgerEntry> ledger = {
      {T("2025-01-01"), +10, kCohortA, {}},
      {T("2025-01-01"), +1, kCohortA, 5},
      {T("2025-01-02"), -1, kCohortA, 5},
  };
  auto pops = CountPopulations(ledger, T("2025-01-01T12:00"));
  ASSERT_EQ(pops.size(), 2u);
  pops = CountPopulations(ledger, T("2025-01-03"));
  ASSERT_EQ(pops.size(), 1u);
  EXPECT_EQ(pops[0].count, 10);
}

TEST(Inventory, ReconcilesADroneCountAgainstTheBook) {
  Stocktake drone;
  drone.count = 950;
  drone.count_low = 930;
  drone.count_high = 970;
  Reconciliation r = Reconcile(Inventory{.head_count = 1000}, drone);
  EXPECT_EQ(r.variance, -50);
  EXPECT_NEAR(r.variance_pct, -5.0, 1e-9);
  EXPECT_FALSE(r.book_within_interval);
  EXPECT_TRUE(Reconcile(Inventory{.head_count = 960}, drone).book_within_interval);
  EXPECT_EQ(Reconcile(Inventory{.head_count = 0}, drone).variance_pct, 0);
}

// The sizes are set against the book's too: a drone's weights come from
// lengths measured on footage, and a large difference says they are off.
TEST(Inventory, ReconcilesADroneCountsMeanWeightAgainstTheBooks) {
  Stocktake drone;
  drone.count = 100;
  drone.mean_weight_g = 2300;
  const Inventory weighed{.head_count = 100, .mean_weight_g = 2000, .weighed = true};
  Reconciliation r = Reconcile(weighed, drone);
  ASSERT_TRUE(r.book_mean_weight_g.has_value());
  EXPECT_EQ(*r.book_mean_weight_g, 2000);
  ASSERT_TRUE(r.mean_weight_variance_pct.has_value());
  EXPECT_NEAR(*r.mean_weight_variance_pct, 15.0, 1e-9);
  // Either side unknown: no difference to report.
  EXPECT_FALSE(Reconcile(Inventory{.head_count = 100}, drone).mean_weight_variance_pct.has_value());
  // A book weight that is only the last stocktake's (perhaps an earlier
  // drone's measurement) is not a weighing to compare with.
  r = Reconcile(Inventory{.head_count = 100, .mean_weight_g = 2000, .weighed = false}, drone);
  EXPECT_FALSE(r.book_mean_weight_g.has_value());
  EXPECT_FALSE(r.mean_weight_variance_pct.has_value());
  drone.mean_weight_g.reset();
  r = Reconcile(weighed, drone);
  EXPECT_EQ(*r.book_mean_weight_g, 2000);
  EXPECT_FALSE(r.mean_weight_variance_pct.has_value());
}

// The pool's inventory says where its mean weight came from.
TEST(Inventory, SaysWhetherTheMeanWeightIsFromWeighings) {
  Pool pool;
  pool.volume_m3 = 100;
  const Timestamp day = *Timestamp::Parse("2025-01-01");
  const std::vector<LedgerEntry> ledger = {LedgerEntry{day, 50, 7, std::nullopt}};
  Stocktake reset;
  reset.at = day;
  reset.count = 50;
  reset.mean_weight_g = 1800;
  const Inventory from_stocktake = PoolInventory(pool, ledger, reset, {}, day.AddSeconds(60));
  EXPECT_EQ(from_stocktake.mean_weight_g, 1800);
  EXPECT_FALSE(from_stocktake.weighed);
  const std::vector<PopulationWeight> weights = {PopulationWeight{PopulationKey{7, std::nullopt}, 2100}};
  const Inventory from_weighings = PoolInventory(pool, ledger, reset, weights, day.AddSeconds(60));
  EXPECT_EQ(from_weighings.mean_weight_g, 2100);
  EXPECT_TRUE(from_weighings.weighed);
}

}  // namespace
}  // namespace sturgeon
