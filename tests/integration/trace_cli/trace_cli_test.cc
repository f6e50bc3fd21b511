// Runs the `sturgeon` caviar commands end to end on a small registry: the
// happy path to an EPCIS export and QR label, and bad input that must change
// nothing.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "storage/store.h"
#include "support/db_fingerprint.h"
#include "support/run_command.h"

namespace sturgeon {
namespace {

using testing::CommandResult;
using testing::DatabaseFingerprint;
using testing::RunCommand;
using testing::ShellQuote;
using testing::TempPath;

constexpr char kFemale[] = "900000000000003";
constexpr char kMale[] = "900000000000004";

class TraceCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = TempPath(std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + ".db");
    auto s = OpenStore(db_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    Store& store = *s.value();
    const Farm farm = *store.AddFarm(Farm{0, "ZJ-QZ1", "Quzhou", "Zhejiang", "Quzhou", 28.9, 118.8, "Asia/Shanghai"});
    Pool p;
    p.code = "ZJ-QZ1-P001";
    p.farm_id = farm.id;
    p.volume_m3 = 100;
    p.max_density_kg_m3 = 40;
    const Pool pool = *store.AddPool(p);
    const Species dau = *store.AddSpecies(Species{0, "DAU", "Kaluga", "Huso dauricus", {}, {}});
    WriteBatch b;
    for (auto [tag, sex] : {std::pair{kFemale, Sex::kFemale}, std::pair{kMale, Sex::kMale}}) {
      NewFish f;
      f.fish.pit_tag = tag;
      f.fish.species_id = dau.id;
      f.fish.sex = sex;
      f.stock_pool_id = pool.id;
      f.stocked_at = *Timestamp::Parse("2020-01-01");
      b.fish.push_back(f);
    }
    ASSERT_TRUE(store.Write(b).ok());
  }

  CommandResult Run(const std::string& args) {
    return RunCommand(ShellQuote(STURGEON_BINARY) + " " + args + " --db " + ShellQuote(db_));
  }

  void RunOk(const std::string& args) {
    const CommandResult r = Run(args);
    ASSERT_EQ(r.exit_code, 0) << args << "\n" << r.err;
  }

  // Harvest, batch, lot L1 (2 kg) and tins T1, T2 in case C1 shipped as S1.
  void Ship() {
    RunOk(std::string("harvest add --tag ") + kFemale +
          " --at 2026-03-01T08:00:00Z --roe-kg 2 --egg-mm 3.2 --colour light_grey");
    RunOk("batch add B1 --harvest 1 --plant CN-ZJ-001");
    RunOk("batch step B1 screening --at 2026-03-01T08:02:00Z");
    RunOk("batch step B1 rinsing --at 2026-03-01T08:04:00Z");
    RunOk("batch step B1 salting --at 2026-03-01T08:06:00Z --salt 3.5");
    RunOk("batch step B1 tinning --at 2026-03-01T08:12:00Z");
    RunOk("lot add L1 --batch B1 --diameter 3.2 --colour light_grey --firmness 4 --intact 0.97");
    RunOk("tin add T1 --lot L1 --net-g 125");
    RunOk("tin add T2 --lot L1 --net-g 250");
    RunOk("case add C1 --tin T1 --tin T2 --at 2026-03-02T09:00:00Z");
    RunOk("shipment add S1 --destination FR --carrier AirCold --departure 2026-03-03T09:00:00Z "
          "--arrival 2026-03-04T09:00:00Z --case C1");
  }

  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = TempPath(name);
    std::ofstream(path) << text;
    return path;
  }

  std::string db_;
};

TEST_F(TraceCliTest, HarvestFromMaleOrUnknownTagFailsClearlyAndChangesNothing) {
  const std::string before = DatabaseFingerprint(db_);
  struct Case {
    std::string tag;
    const char* message;
  } cases[] = {{kMale, "male"}, {"123456789012345", "no fish with PIT tag"}};
  for (const Case& c : cases) {
    const CommandResult r = Run("harvest add --tag " + c.tag + " --roe-kg 2 --egg-mm 3 --colour grey");
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
  }
  EXPECT_EQ(DatabaseFingerprint(db_), before);
}

TEST_F(TraceCliTest, TinHeavierThanRemainingRoeAndMalformedLabelFailAndChangeNothing) {
  Ship();
  const std::string before = DatabaseFingerprint(db_);
  const CommandResult heavy = Run("tin add T3 --lot L1 --net-g 1700");
  EXPECT_EQ(heavy.exit_code, 1);
  EXPECT_NE(heavy.err.find("remaining 1625.0 g"), std::string::npos) << heavy.err;
  const CommandResult bad_label = Run("tin add T3 --lot L1 --net-g 100 --label " + ShellQuote("DAU/C/CHINA/2026/P/L1"));
  EXPECT_EQ(bad_label.exit_code, 1);
  EXPECT_NE(bad_label.err.find("country"), std::string::npos) << bad_label.err;
  EXPECT_EQ(Run("trace " + ShellQuote("DAU/C/CN/26/P/L1")).exit_code, 1);
  EXPECT_EQ(DatabaseFingerprint(db_), before);
}

TEST_F(TraceCliTest, LoggerFileWithAnUnparseableRowIsRefusedWhole) {
  Ship();
  const std::string before = DatabaseFingerprint(db_);
  const std::string csv = WriteFile("bad_logger.csv",
                                    "logger,at,celsius\nL1,2026-03-03T10:00:00Z,1.0\nL1,2026-03-03T10:30:00Z,hot\n");
  const CommandResult r = Run("temps import " + ShellQuote(csv) + " --shipment S1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("bad_logger.csv:3: column 'celsius'"), std::string::npos) << r.err;
  EXPECT_EQ(DatabaseFingerprint(db_), before);
}

TEST_F(TraceCliTest, ExcursionTraceRecallEpcisAndQrLabel) {
  Ship();
  const std::string csv = WriteFile("logger.csv",
                                    "logger,at,celsius\nL1,2026-03-03T10:00:00Z,1\nL1,2026-03-03T11:00:00Z,3.5\n"
                                    "L1,2026-03-03T12:00:00Z,1\nL1,2026-03-03T13:00:00Z,-4.5\nL1,2026-03-03T13:30:00Z,0\n");
  const CommandResult imported = Run("temps import " + ShellQuote(csv) + " --shipment S1 --json");
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  const auto report = nlohmann::json::parse(imported.out);
  ASSERT_EQ(report["cold_chain"]["excursions"].size(), 2u);
  EXPECT_EQ(report["cold_chain"]["excursions"][0]["kind"], "warm");
  EXPECT_EQ(report["cold_chain"]["excursions"][0]["duration_minutes"], 60.0);
  EXPECT_EQ(report["cold_chain"]["excursions"][1]["kind"], "freezing");
  EXPECT_EQ(report["cold_chain"]["affected_tins"].size(), 2u);

  const CommandResult traced = Run("trace T2 --json");
  ASSERT_EQ(traced.exit_code, 0) << traced.err;
  const auto t = nlohmann::json::parse(traced.out);
  EXPECT_EQ(t["lot"]["origins"][0]["pit_tag"], kFemale);
  EXPECT_EQ(t["lot"]["origins"][0]["pool"], "ZJ-QZ1-P001");
  EXPECT_EQ(t["shipment"]["code"], "S1");

  const CommandResult recall = Run("recall --pool ZJ-QZ1-P001 --json");
  ASSERT_EQ(recall.exit_code, 0) << recall.err;
  EXPECT_EQ(nlohmann::json::parse(recall.out)["tins"].size(), 2u);

  const CommandResult epcis = Run("epcis --shipment S1");
  ASSERT_EQ(epcis.exit_code, 0) << epcis.err;
  const auto doc = nlohmann::json::parse(epcis.out);
  EXPECT_EQ(doc["type"], "EPCISDocument");
  EXPECT_EQ(doc["epcisBody"]["eventList"].size(), 4u);

  const std::string png = TempPath("t1_label.png");
  const CommandResult label = Run("label T1 --qr " + ShellQuote(png));
  ASSERT_EQ(label.exit_code, 0) << label.err;
  EXPECT_NE(label.out.find("DAU/C/CN/2026/CN-ZJ-001/L1"), std::string::npos) << label.out;
  std::ifstream f(png, std::ios::binary);
  char magic[4] = {};
  f.read(magic, 4);
  EXPECT_EQ(std::string(magic + 1, 3), "PNG");
}

}  // namespace
}  // namespace sturgeon
