// End-to-end tests of the `sturgeon` program: real process, real database.
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/db_fingerprint.h"
#include "support/run_command.h"

namespace sturgeon {
namespace {

using testing::CommandResult;
using testing::DatabaseFingerprint;
using testing::ShellQuote;
using testing::TempPath;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    name_ = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    db_ = TempPath(name_ + ".db");
  }

  CommandResult Run(const std::string& args) {
    return testing::RunCommand(std::string(STURGEON_BINARY) + " " + args + " --db " + ShellQuote(db_));
  }

  // Runs and expects success, returning stdout.
  std::string Ok(const std::string& args) {
    CommandResult r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << args << "\nstderr: " << r.err;
    return r.out;
  }

  std::string WriteFile(const std::string& name, const std::string& text) {
    const std::string path = TempPath(name_ + "-" + name);
    std::ofstream(path) << text;
    return path;
  }

  void SeedRegistry() {
    Ok("farm add --code ZJ-QZ1 --name 'Quzhou Base' --province Zhejiang --city Quzhou --lat 28.97 --lon 118.87");
    Ok("pool add --code ZJ-QZ1-P001 --farm ZJ-QZ1 --kind round_tank --diameter 8 --depth 1.5 --volume 60 "
       "--max-density 40");
    Ok("pool add --code ZJ-QZ1-P002 --farm ZJ-QZ1 --kind raceway --length 30 --width 4 --volume 120 "
       "--max-density 45");
    Ok("species add --code DAU --name Kaluga --scientific 'Huso dauricus'");
    Ok("species add --code SCH --name Amur --scientific 'Acipenser schrenckii'");
    Ok("species add --code 'DAU x SCH' --name 'Kaluga x Amur' --male DAU --female SCH");
    Ok("cohort add --code C2024 --year 2024 --species 'DAU x SCH' --origin 'Quzhou hatchery'");
  }

  std::string name_;
  std::string db_;
};

TEST_F(CliTest, CreatesAndListsRegistryRecordsAsJson) {
  SeedRegistry();
  auto farms = nlohmann::json::parse(Ok("farm list --json"));
  ASSERT_TRUE(farms.is_array());
  ASSERT_EQ(farms.size(), 1u);
  EXPECT_EQ(farms[0]["code"], "ZJ-QZ1");
  EXPECT_EQ(farms[0]["province"], "Zhejiang");
  auto pools = nlohmann::json::parse(Ok("pool list --farm ZJ-QZ1 --json"));
  ASSERT_EQ(pools.size(), 2u);
  EXPECT_EQ(pools[1]["kind"], "raceway");
  auto species = nlohmann::json::parse(Ok("species list --json"));
  ASSERT_EQ(species.size(), 3u);
  EXPECT_EQ(species[0]["code"], "DAU");
  EXPECT_EQ(species[1]["code"], "DAU x SCH");
  EXPECT_TRUE(species[1]["hybrid"].get<bool>());
  EXPECT_TRUE(nlohmann::json::parse(Ok("cohort list --json"))[0]["year_class"] == 2024);

  Ok("fish add --tag 156000000000001 --species DAU --sex F --born 2014-04-01 --pool ZJ-QZ1-P001 --at 2025-01-01");
  Ok("fish add --tag 156000000000002 --species SCH --sex M --pool ZJ-QZ1-P001 --at 2025-01-01");
  Ok("fish add --tag 156000000000003 --species 'DAU x SCH' --dam 156000000000001 --sire 156000000000002 "
     "--cohort C2024 --pool ZJ-QZ1-P002 --at 2025-01-01");
  Ok("move add --tag 156000000000001 --from ZJ-QZ1-P001 --to ZJ-QZ1-P002 --at 2025-02-01T09:00 --reason transfer");
  Ok("move add --cohort C2024 --count 500 --to ZJ-QZ1-P002 --at 2025-01-02 --reason stocked");
  auto fish = nlohmann::json::parse(Ok("fish list --pool ZJ-QZ1-P002 --json"));
  EXPECT_EQ(fish.size(), 2u);
  auto shown = nlohmann::json::parse(Ok("fish show 156000000000003 --json"));
  EXPECT_EQ(shown["dam_tag"], "156000000000001");
  EXPECT_EQ(shown["pool"], "ZJ-QZ1-P002");
  auto moves = nlohmann::json::parse(Ok("move list --pool ZJ-QZ1-P002 --json"));
  EXPECT_EQ(moves.size(), 3u);
  auto inv = nlohmann::json::parse(Ok("inventory --pool ZJ-QZ1-P002 --date 2025-03-01 --json"));
  EXPECT_EQ(inv["head_count"], 502);
  auto company = nlohmann::json::parse(Ok("inventory --date 2025-03-01 --json"));
  EXPECT_EQ(company["head_count"], 503);
}

TEST_F(CliTest, ImportsEachCsvKind) {
  SeedRegistry();
  const std::string fish = WriteFile("fish.csv",
                                     "pit_tag,species,sex,cohort,pool,stocked_at\n"
                                     "156000000000001,DAU,F,C2024,ZJ-QZ1-P001,2025-01-01\n"
                                     "156000000000002,SCH,M,,ZJ-QZ1-P001,2025-01-01\n");
  EXPECT_NE(Ok("import fish " + ShellQuote(fish)).find("imported 2 fish rows"), std::string::npos);
  const std::string status = WriteFile("status.csv",
                                       "date,pit_tag,weight_g,length_cm,health,feeding\n"
                                       "2025-01-02,156000000000001,15000,170,ok,good\n"
                                       "2025-01-02,156000000000002,9000,140,ok,good\n");
  Ok("import status " + ShellQuote(status));
  const std::string water = WriteFile("water.csv",
                                      "pool,time,temperature_c,oxygen_mg_l\nZJ-QZ1-P001,2025-01-02T08:00,17,7.5\n");
  Ok("import water " + ShellQuote(water));
  const std::string moves = WriteFile("moves.csv",
                                      "time,count,cohort,from_pool,to_pool,reason\n"
                                      "2025-01-03,300,C2024,,ZJ-QZ1-P002,stocked\n");
  Ok("import moves " + ShellQuote(moves));
  auto inv = nlohmann::json::parse(Ok("inventory --pool ZJ-QZ1-P001 --date 2025-01-05 --json"));
  EXPECT_EQ(inv["head_count"], 2);
  EXPECT_DOUBLE_EQ(inv["biomass_kg"].get<double>(), 24.0);
}

TEST_F(CliTest, RejectedImportLeavesTheDatabaseUnchanged) {
  SeedRegistry();
  const std::string fish = WriteFile("fish.csv", "pit_tag,species,pool\n156000000000001,DAU,ZJ-QZ1-P001\n");
  Ok("import fish " + ShellQuote(fish));
  const std::string before = DatabaseFingerprint(db_);
  const std::string bad = WriteFile("bad.csv",
                                    "date,pit_tag,weight_g\n"
                                    "2025-01-02,156000000000001,100\n"
                                    "2025-01-03,156000000000001,-1\n");
  CommandResult r = Run("import status " + ShellQuote(bad));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("bad.csv:3: column 'weight_g': must not be negative"), std::string::npos) << r.err;
  EXPECT_EQ(DatabaseFingerprint(db_), before);
}

TEST_F(CliTest, BadInputGivesAClearErrorAndExitCode) {
  SeedRegistry();
  struct Case {
    std::string args;
    std::string expected;
  };
  for (const Case& c : std::vector<Case>{
           {"inventory --pool ZJ-QZ1-P404", "no pool 'ZJ-QZ1-P404'"},
           {"pool add --code X1 --farm NOPE --kind pond --volume 10 --max-density 5", "no farm with code 'NOPE'"},
           {"pool add --code X2 --farm ZJ-QZ1 --kind bathtub --volume 10 --max-density 5", "unknown pool kind 'bathtub'"},
           {"fish add --tag 12345 --species DAU", "not a 15-digit ISO 11784 code"},
           {"inventory --date 2025-13-01", "bad date '2025-13-01'"},
           {"import fish /nonexistent/file.csv", "cannot open '/nonexistent/file.csv'"},
           {"import shoes /tmp/x.csv", "unknown import kind 'shoes'"},
           {"farm add --code ZJ-QZ1 --name Again --province Zhejiang --city Quzhou --lat 1 --lon 1",
            "a farm with code 'ZJ-QZ1' already exists"},
       }) {
    CommandResult r = Run(c.args);
    EXPECT_NE(r.exit_code, 0) << c.args;
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << c.args << "\nstderr: " << r.err;
  }
}

TEST_F(CliTest, DatabasePathComesFromTheEnvironmentWhenNotGiven) {
  const std::string env_db = TempPath(name_ + "-env.db");
  CommandResult r = testing::RunCommand("STURGEON_DB=" + ShellQuote(env_db) + " " + STURGEON_BINARY +
                                        " farm add --code E1 --name E --province P --city C --lat 1 --lon 2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = testing::RunCommand(std::string(STURGEON_BINARY) + " farm list --json --db " + ShellQuote(env_db));
  EXPECT_EQ(nlohmann::json::parse(r.out)[0]["code"], "E1");
}

TEST_F(CliTest, StocktakeStoresTheDroneCountAsTheNewBookCount) {
  SeedRegistry();
  Ok("move add --cohort C2024 --count 40 --to ZJ-QZ1-P001 --at 2025-01-01 --reason stocked");
  Ok("status add --cohort C2024 --pool ZJ-QZ1-P001 --date 2025-05-01 --weight 2500");
  const std::string clip = TempPath(name_ + "-clip");
  CommandResult sim = testing::RunCommand(std::string(STURGEON_BINARY) +
                                          " sim --scenario easy_round_tank --frames 24 --size 640x360 --out " +
                                          ShellQuote(clip));
  ASSERT_EQ(sim.exit_code, 0) << sim.err;
  auto j = nlohmann::json::parse(Ok("stocktake --pool ZJ-QZ1-P001 --at 2025-06-01T10:00 --json " +
                                    ShellQuote(clip + "/video.mp4") + " --srt " +
                                    ShellQuote(clip + "/telemetry.srt")));
  EXPECT_EQ(j["pool"], "ZJ-QZ1-P001");
  EXPECT_EQ(j["book_count"], 40);
  const int64_t counted = j["count"].get<int64_t>();
  EXPECT_GT(counted, 0);
  EXPECT_EQ(j["variance"].get<int64_t>(), counted - 40);
  // The mean weight measured from the footage's lengths, against the book's.
  ASSERT_TRUE(j["mean_weight_g"].is_number()) << j;
  EXPECT_EQ(j["book_mean_weight_g"], 2500);
  EXPECT_NEAR(j["mean_weight_variance_pct"].get<double>(), 100.0 * (j["mean_weight_g"].get<double>() - 2500) / 2500,
              1e-6);
  auto inv = nlohmann::json::parse(Ok("inventory --pool ZJ-QZ1-P001 --date 2025-06-02 --json"));
  EXPECT_EQ(inv["head_count"].get<int64_t>(), counted) << "the count resets the book";
  CommandResult missing = Run("stocktake --pool ZJ-QZ1-P001 /nonexistent/video.mp4");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("/nonexistent/video.mp4"), std::string::npos) << missing.err;
}

TEST_F(CliTest, DemoSeedsACompanyAndInventoryPrintsIt) {
  Ok("demo --scale 0.03 --days 20 --end-date 2026-03-31");
  auto company = nlohmann::json::parse(Ok("inventory --date 2026-03-31 --json"));
  EXPECT_EQ(company["farms"].size(), 8u);
  EXPECT_GT(company["head_count"].get<int64_t>(), 0);
  const std::string text = Ok("inventory --date 2026-03-31");
  EXPECT_NE(text.find("COMPANY"), std::string::npos);
  EXPECT_NE(text.find("ZJ-QZ1"), std::string::npos);
}

}  // namespace
}  // namespace sturgeon
