#include "registry/csv_import.h"

#include <fstream>

#include <gtest/gtest.h>

#include "registry/inventory_service.h"
#include "support/db_fingerprint.h"

namespace sturgeon {
namespace {

using testing::DatabaseFingerprint;
using testing::TempPath;

class CsvImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    name_ = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    path_ = TempPath(name_ + ".db");
    store_ = std::move(OpenStore(path_)).value();
    const Farm farm = *store_->AddFarm(Farm{0, "ZJ-QZ1", "Quzhou", "Zhejiang", "Quzhou", 28.9, 118.8, "Asia/Shanghai"});
    Pool p;
    p.farm_id = farm.id;
    p.volume_m3 = 100;
    p.max_density_kg_m3 = 40;
    for (const char* code : {"ZJ-QZ1-P001", "ZJ-QZ1-P002"}) {
      p.code = code;
      ASSERT_TRUE(store_->AddPool(p).ok());
    }
    const Species dau = *store_->AddSpecies(Species{0, "DAU", "Kaluga", "Huso dauricus", {}, {}});
    ASSERT_TRUE(store_->AddCohort(Cohort{0, "C2024", 2024, dau.id, "hatchery"}).ok());
  }

  // Writes `text` to a CSV file named after the test and imports it.
  Result<size_t> Import(ImportKind kind, const std::string& text) {
    const std::string csv = TempPath(name_ + ".csv");
    std::ofstream(csv) << text;
    return ImportCsvFile(*store_, kind, csv);
  }

  std::string Fingerprint() {
    store_.reset();
    std::string fp = DatabaseFingerprint(path_);
    store_ = std::move(OpenStore(path_)).value();
    return fp;
  }

  std::string name_;
  std::string path_;
  std::unique_ptr<Store> store_;
};

constexpr const char* kFishCsv =
    "pit_tag,species,sex,sex_method,birth_date,dam_tag,sire_tag,cohort,pool,stocked_at\n"
    "156000000000001,DAU,F,ultrasound,2015-04-01,,,C2024,ZJ-QZ1-P001,2025-01-01T08:00\n"
    "156000000000002,DAU,M,ultrasound,2015-04-01,,,C2024,ZJ-QZ1-P001,2025-01-01T08:00\n"
    "156000000000003,DAU,,,2021-04-01,156000000000001,156000000000002,C2024,ZJ-QZ1-P002,2025-01-01T08:00\n";

TEST_F(CsvImportTest, ImportsFishWithParentsAndStocksThem) {
  auto rows = Import(ImportKind::kFish, kFishCsv);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(*rows, 3u);
  Fish child = *store_->FindFishByTag("156000000000003");
  EXPECT_EQ(*child.dam_id, store_->FindFishByTag("156000000000001")->id);
  EXPECT_EQ(InventoryOfPool(*store_, store_->FindPool("ZJ-QZ1-P001")->id, *Timestamp::Parse("2025-02-01"))->head_count,
            2);
}

TEST_F(CsvImportTest, ImportsStatusWaterAndMovesInAnyColumnOrder) {
  ASSERT_TRUE(Import(ImportKind::kFish, kFishCsv).ok());
  auto status = Import(ImportKind::kStatus,
                       "weight_g,date,pit_tag,length_cm,health,feeding,notes,cohort,pool\n"
                       "12000,2025-02-01,156000000000001,160,ok,good,\"fine, calm\",,\n"
                       "350.5,2025-02-01,,31,sick,poor,,C2024,ZJ-QZ1-P001\n");
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  auto water = Import(ImportKind::kWater,
                      "pool,time,temperature_c,oxygen_mg_l,ph,ammonia_mg_l,nitrite_mg_l\n"
                      "ZJ-QZ1-P001,2025-02-01T07:00:00+08:00,16.5,8.1,7.6,0.12,0.03\n"
                      "ZJ-QZ1-P002,2025-02-01T07:00,16.7,,,,\n");
  ASSERT_TRUE(water.ok()) << water.status().ToString();
  auto moves = Import(ImportKind::kMoves,
                      "time,count,pit_tag,cohort,from_pool,to_pool,reason\n"
                      "2025-03-01T09:00,,156000000000001,,ZJ-QZ1-P001,ZJ-QZ1-P002,transfer\n"
                      "2025-03-01T09:00,500,,C2024,,ZJ-QZ1-P002,stocked\n");
  ASSERT_TRUE(moves.ok()) << moves.status().ToString();
  EXPECT_EQ(store_->ListDailyStatus(RecordQuery())->size(), 2u);
  EXPECT_EQ(store_->ListWater(RecordQuery())->front().at.ToString(), "2025-01-31T23:00:00Z");
  EXPECT_EQ(InventoryOfPool(*store_, store_->FindPool("ZJ-QZ1-P002")->id, *Timestamp::Parse("2025-03-02"))->head_count,
            502);
}

struct BadImport {
  const char* what;
  ImportKind kind;
  const char* csv;
  const char* expected;  // a substring of the error
};

void PrintTo(const BadImport& b, std::ostream* os) { *os << b.what; }

class RejectedImportTest : public CsvImportTest, public ::testing::WithParamInterface<BadImport> {};

TEST_P(RejectedImportTest, NamesFileLineAndColumnAndWritesNothing) {
  ASSERT_TRUE(Import(ImportKind::kFish, kFishCsv).ok());
  const std::string before = Fingerprint();
  const BadImport& c = GetParam();
  auto r = Import(c.kind, c.csv);
  ASSERT_FALSE(r.ok()) << c.what;
  EXPECT_NE(r.status().message().find(c.expected), std::string::npos)
      << c.what << ": got '" << r.status().message() << "'";
  EXPECT_NE(r.status().message().find(".csv"), std::string::npos) << "the error names the file";
  EXPECT_EQ(Fingerprint(), before) << c.what;
}

INSTANTIATE_TEST_SUITE_P(
    BadRows, RejectedImportTest,
    ::testing::Values(
        BadImport{"unknown pool", ImportKind::kStatus,
                  "date,cohort,pool,weight_g\n2025-02-01,C2024,ZJ-QZ1-P001,10\n2025-02-01,C2024,ZJ-QZ1-P999,10\n",
                  ":3: column 'pool': unknown pool 'ZJ-QZ1-P999'"},
        BadImport{"bad date", ImportKind::kStatus,
                  "date,cohort,pool,weight_g\n2025-02-01,C2024,ZJ-QZ1-P001,10\n2025-02-30,C2024,ZJ-QZ1-P002,10\n",
                  ":3: column 'date': bad date '2025-02-30'"},
        BadImport{"negative weight", ImportKind::kStatus,
                  "date,pit_tag,weight_g\n2025-02-01,156000000000001,10\n2025-02-02,156000000000001,-4\n",
                  ":3: column 'weight_g': must not be negative"},
        BadImport{"duplicate PIT tag in the file", ImportKind::kFish,
                  "pit_tag,species\n156000000000010,DAU\n156000000000010,DAU\n",
                  ":3: column 'pit_tag': duplicate PIT tag '156000000000010' (also on line 2)"},
        BadImport{"PIT tag already stored", ImportKind::kFish,
                  "pit_tag,species\n156000000000011,DAU\n156000000000001,DAU\n",
                  ":3: column 'pit_tag': PIT tag '156000000000001' is already in use"},
        BadImport{"wrong column count", ImportKind::kWater,
                  "pool,time,temperature_c\nZJ-QZ1-P001,2025-02-01T07:00,16\nZJ-QZ1-P001,2025-02-01T08:00\n",
                  ":3: expected 3 columns as in the header, found 2"},
        BadImport{"malformed quoting", ImportKind::kStatus,
                  "date,pit_tag,notes\n2025-02-01,156000000000001,\"ok\"\n2025-02-02,156000000000001,\"open\n",
                  ":3: column 3: unterminated quoted field"},
        BadImport{"unknown PIT tag", ImportKind::kStatus,
                  "date,pit_tag,weight_g\n2025-02-01,156000000000001,10\n2025-02-01,156000000000099,10\n",
                  ":3: column 'pit_tag': no fish with PIT tag '156000000000099'"},
        BadImport{"unknown column", ImportKind::kMoves, "time,count,colour\n", ":1: column 3: unknown column 'colour'"},
        BadImport{"missing required column", ImportKind::kWater, "pool,temperature_c\nZJ-QZ1-P001,4\n",
                  ":1: missing required column 'time'"},
        BadImport{"same fish twice on one day", ImportKind::kStatus,
                  "date,pit_tag,weight_g\n2025-02-01,156000000000001,10\n2025-02-01,156000000000001,11\n",
                  "two status rows for the same fish or cohort on 2025-02-01"},
        BadImport{"unparseable number", ImportKind::kWater,
                  "pool,time,temperature_c\nZJ-QZ1-P001,2025-02-01T07:00,warm\n",
                  ":2: column 'temperature_c': 'warm' is not a number"},
        BadImport{"move with no pools", ImportKind::kMoves, "time,count,cohort\n2025-02-01,5,C2024\n",
                  ":2: column 'to_pool': a move needs from_pool, to_pool or both"}),
    [](const ::testing::TestParamInfo<BadImport>& info) {
      std::string name = info.param.what;
      for (char& ch : name) {
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      }
      return name;
    });

TEST_F(CsvImportTest, EmptyFileIsAnError) {
  auto r = Import(ImportKind::kFish, "");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("empty"), std::string::npos);
}

}  // namespace
}  // namespace sturgeon
