#include "registry/demo.h"

#include <gtest/gtest.h>

#include "registry/inventory_service.h"
#include "support/db_fingerprint.h"

namespace sturgeon {
namespace {

DemoOptions SmallDemo() {
  DemoOptions o;
  o.scale = 0.05;
  o.days = 40;
  o.end_date = Date::FromYmd(2026, 3, 31);
  return o;
}

TEST(Demo, SeedsEightFarmsInSixProvincesWithRecordsAndBroodstock) {
  auto store = std::move(OpenStore(testing::TempPath("demo.db"))).value();
  auto summary = SeedDemo(*store, SmallDemo());
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->farms, 8);
  auto farms = *store->ListFarms();
  std::set<std::string> provinces;
  for (const auto& f : farms) provinces.insert(f.province);
  EXPECT_EQ(provinces, (std::set<std::string>{"Zhejiang", "Jiangxi", "Hunan", "Hubei", "Sichuan", "Liaoning"}));
  EXPECT_GT(summary->individuals, 0);
  RecordQuery all;
  all.limit = 100000;
  auto fish = *store->ListFish(all);
  EXPECT_EQ(static_cast<int64_t>(fish.size()), summary->individuals);
  EXPECT_TRUE(std::any_of(fish.begin(), fish.end(), [](const Fish& f) { return f.dam_id.has_value(); }))
      << "some broodstock have known parents";
  const auto company = *InventoryOfCompany(*store, Timestamp::EndOfDay(SmallDemo().end_date));
  int64_t heads = 0;
  for (const auto& row : company) heads += row.inventory.head_count;
  EXPECT_GT(heads, 0);
  EXPECT_LE(heads, summary->fish);
  EXPECT_FALSE(store->ListWater(all)->empty());
  EXPECT_FALSE(store->ListStocktakes(all)->empty());
}

TEST(Demo, IsDeterministicForASeedAndRefusesANonEmptyDatabase) {
  const std::string a = testing::TempPath("demo_a.db"), b = testing::TempPath("demo_b.db");
  {
    auto sa = std::move(OpenStore(a)).value();
    auto sb = std::move(OpenStore(b)).value();
    ASSERT_TRUE(SeedDemo(*sa, SmallDemo()).ok());
    ASSERT_TRUE(SeedDemo(*sb, SmallDemo()).ok());
    auto again = SeedDemo(*sa, SmallDemo());
    EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  }
  EXPECT_EQ(testing::DatabaseFingerprint(a), testing::DatabaseFingerprint(b));
}

}  // namespace
}  // namespace sturgeon
