#include <sqlite3.h>

#include <gtest/gtest.h>

#include "registry/inventory_service.h"
#include "storage/store.h"
#include "support/db_fingerprint.h"

namespace sturgeon {
namespace {

using testing::DatabaseFingerprint;
using testing::TempPath;

Timestamp T(const char* text) { return *Timestamp::Parse(text); }

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = TempPath(std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + ".db");
    auto s = OpenStore(path_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    farm_ = *store_->AddFarm(Farm{0, "ZJ-QZ1", "Quzhou", "Zhejiang", "Quzhou", 28.9, 118.8, "Asia/Shanghai"});
    Pool p;
    p.code = "ZJ-QZ1-P001";
    p.farm_id = farm_.id;
    p.volume_m3 = 100;
    p.max_density_kg_m3 = 40;
    pool_a_ = *store_->AddPool(p);
    p.code = "ZJ-QZ1-P002";
    pool_b_ = *store_->AddPool(p);
    species_ = *store_->AddSpecies(Species{0, "DAU", "Kaluga", "Huso dauricus", {}, {}});
    cohort_ = *store_->AddCohort(Cohort{0, "C2024", 2024, species_.id, "hatchery"});
  }

  NewFish Tagged(const std::string& tag) {
    NewFish nf;
    nf.fish.pit_tag = tag;
    nf.fish.species_id = species_.id;
    nf.stock_pool_id = pool_a_.id;
    nf.stocked_at = T("2025-01-01T08:00");
    return nf;
  }

  std::string path_;
  std::unique_ptr<Store> store_;
  Farm farm_;
  Pool pool_a_, pool_b_;
  Species species_;
  Cohort cohort_;
};

TEST_F(SqliteStoreTest, OpensInWalModeWithForeignKeysAndMigrations) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
  auto scalar = [&](const char* sql) {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, sql, -1, &st, nullptr);
    sqlite3_step(st);
    std::string v = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return v;
  };
  EXPECT_EQ(scalar("PRAGMA journal_mode"), "wal");
  EXPECT_GE(std::stoi(scalar("PRAGMA user_version")), 1);
  sqlite3_close(db);
  // Foreign keys are enforced: a move into a pool that does not exist fails.
  WriteBatch b;
  b.moves.push_back(Move{0, T("2025-01-01"), 5, {}, cohort_.id, {}, 9999, "stocked"});
  EXPECT_EQ(store_->Write(b).code(), StatusCode::kInvalidArgument);
}

TEST_F(SqliteStoreTest, ReopeningKeepsDataAndSchema) {
  store_.reset();
  auto again = OpenStore(path_);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ((*again)->FindPool("ZJ-QZ1-P002")->id, pool_b_.id);
}

TEST_F(SqliteStoreTest, UnknownCodesAreNotFoundAndDuplicatesAlreadyExist) {
  EXPECT_EQ(store_->FindPool("NOPE").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->FindFarm("NOPE").status().code(), StatusCode::kNotFound);
  Pool dup = pool_a_;
  EXPECT_EQ(store_->AddPool(dup).status().code(), StatusCode::kAlreadyExists);
  WriteBatch b;
  b.fish.push_back(Tagged("156000000000001"));
  ASSERT_TRUE(store_->Write(b).ok());
  Status again = store_->Write(b);
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(again.message().find("156000000000001"), std::string::npos);
}

TEST_F(SqliteStoreTest, HybridsNeedMatchingParentCodes) {
  Species sch = *store_->AddSpecies(Species{0, "SCH", "Amur", "Acipenser schrenckii", {}, {}});
  EXPECT_TRUE(store_->AddSpecies(Species{0, "DAU x SCH", "Kaluga x Amur", "", species_.id, sch.id}).ok());
  auto wrong = store_->AddSpecies(Species{0, "SCH x DAU", "Wrong order", "", species_.id, sch.id});
  EXPECT_EQ(wrong.status().code(), StatusCode::kInvalidArgument);
}

TEST_F(SqliteStoreTest, AFailingBatchWritesNothing) {
  WriteBatch good;
  good.fish.push_back(Tagged("156000000000001"));
  ASSERT_TRUE(store_->Write(good).ok());
  store_.reset();
  const std::string before = DatabaseFingerprint(path_);
  store_ = std::move(OpenStore(path_)).value();

  WriteBatch bad;
  bad.fish.push_back(Tagged("156000000000002"));
  bad.moves.push_back(Move{0, T("2025-02-01"), 10, {}, cohort_.id, {}, pool_b_.id, "stocked"});
  bad.fish.push_back(Tagged("156000000000001"));  // duplicate: the whole batch must fail
  EXPECT_FALSE(store_->Write(bad).ok());
  store_.reset();
  EXPECT_EQ(DatabaseFingerprint(path_), before);
}

TEST_F(SqliteStoreTest, FishParentsResolveByTagWithinTheBatch) {
  WriteBatch b;
  b.fish.push_back(Tagged("156000000000001"));
  b.fish.push_back(Tagged("156000000000002"));
  NewFish child = Tagged("156000000000003");
  child.dam_tag = "156000000000001";
  child.sire_tag = "156000000000002";
  b.fish.push_back(child);
  ASSERT_TRUE(store_->Write(b).ok());
  Fish c = *store_->FindFishByTag("156000000000003");
  EXPECT_EQ(*c.dam_id, store_->FindFishByTag("156000000000001")->id);
  EXPECT_EQ(*c.sire_id, store_->FindFishByTag("156000000000002")->id);

  WriteBatch orphan;
  NewFish o = Tagged("156000000000004");
  o.dam_tag = "156999999999999";
  orphan.fish.push_back(o);
  Status st = store_->Write(orphan);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("156999999999999"), std::string::npos);
}

TEST_F(SqliteStoreTest, FishLocationFollowsMovesAndRemovals) {
  WriteBatch b;
  b.fish.push_back(Tagged("156000000000001"));
  ASSERT_TRUE(store_->Write(b).ok());
  const Id fish = store_->FindFishByTag("156000000000001")->id;
  EXPECT_EQ(*store_->CurrentPoolOfFish(fish), pool_a_.id);
  WriteBatch move;
  move.moves.push_back(Move{0, T("2025-03-01"), 1, fish, {}, pool_a_.id, pool_b_.id, "transfer"});
  ASSERT_TRUE(store_->Write(move).ok());
  EXPECT_EQ(*store_->CurrentPoolOfFish(fish), pool_b_.id);
  RecordQuery in_b;
  in_b.pool_id = pool_b_.id;
  ASSERT_EQ(store_->ListFish(in_b)->size(), 1u);
  WriteBatch death;
  death.removals.push_back(Removal{0, RemovalKind::kDeath, T("2025-04-01"), pool_b_.id, 1, fish, {}, "disease"});
  ASSERT_TRUE(store_->Write(death).ok());
  EXPECT_FALSE(store_->CurrentPoolOfFish(fish)->has_value());
  EXPECT_TRUE(store_->ListFish(in_b)->empty());
}

TEST_F(SqliteStoreTest, ListsFilterAndPageWithACursor) {
  WriteBatch b;
  for (int d = 0; d < 10; ++d) {
    WaterQuality w;
    w.pool_id = d % 2 ? pool_a_.id : pool_b_.id;
    w.at = Timestamp::FromDate(Date::FromYmd(2025, 1, 1 + d)).AddSeconds(8 * 3600);
    w.temperature_c = 15 + d;
    b.water.push_back(w);
  }
  ASSERT_TRUE(store_->Write(b).ok());
  RecordQuery q;
  q.pool_id = pool_a_.id;
  EXPECT_EQ(store_->ListWater(q)->size(), 5u);
  q = RecordQuery();
  q.from = Date::FromYmd(2025, 1, 3);
  q.to = Date::FromYmd(2025, 1, 5);
  EXPECT_EQ(store_->ListWater(q)->size(), 3u);
  q = RecordQuery();
  q.limit = 4;
  auto page1 = *store_->ListWater(q);
  ASSERT_EQ(page1.size(), 4u);
  q.after_id = page1.back().id;
  auto page2 = *store_->ListWater(q);
  ASSERT_EQ(page2.size(), 4u);
  EXPECT_GT(page2.front().id, page1.back().id);
  q.farm_id = farm_.id + 1;
  EXPECT_TRUE(store_->ListWater(q)->empty());
}

TEST_F(SqliteStoreTest, InventoryDerivesFromMovesDeathsAndStocktakes) {
  WriteBatch b;
  b.moves.push_back(Move{0, T("2025-01-01T08:00"), 1000, {}, cohort_.id, {}, pool_a_.id, "stocked"});
  b.moves.push_back(Move{0, T("2025-02-01T08:00"), 200, {}, cohort_.id, pool_a_.id, pool_b_.id, "grading"});
  b.removals.push_back(Removal{0, RemovalKind::kDeath, T("2025-02-05T08:00"), pool_a_.id, 5, {}, cohort_.id, "x"});
  DailyStatus s;
  s.day = Date::FromYmd(2025, 2, 10);
  s.cohort_id = cohort_.id;
  s.pool_id = pool_a_.id;
  s.weight_g = 2000;
  b.statuses.push_back(s);
  ASSERT_TRUE(store_->Write(b).ok());

  auto inv = InventoryOfPool(*store_, pool_a_.id, T("2025-03-01"));
  ASSERT_TRUE(inv.ok()) << inv.status().ToString();
  EXPECT_EQ(inv->head_count, 795);
  EXPECT_NEAR(inv->biomass_kg, 1590, 1e-6);
  EXPECT_EQ(InventoryOfPool(*store_, pool_b_.id, T("2025-03-01"))->head_count, 200);
  EXPECT_EQ(InventoryOfPool(*store_, pool_a_.id, T("2025-01-15"))->head_count, 1000);

  WriteBatch count;
  count.stocktakes.push_back(Stocktake{0, pool_a_.id, T("2025-04-01T10:00"), 780, 770, 790, {}, "drone", ""});
  count.removals.push_back(Removal{0, RemovalKind::kDeath, T("2025-04-05T08:00"), pool_a_.id, 2, {}, cohort_.id, "x"});
  ASSERT_TRUE(store_->Write(count).ok());
  EXPECT_EQ(InventoryOfPool(*store_, pool_a_.id, T("2025-04-02"))->head_count, 780);
  EXPECT_EQ(InventoryOfPool(*store_, pool_a_.id, T("2025-04-06"))->head_count, 778);
  EXPECT_EQ(InventoryOfFarm(*store_, farm_.id, T("2025-04-06"))->head_count, 978);
  EXPECT_EQ(InventoryOfPool(*store_, 424242, T("2025-04-06")).status().code(), StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, InventoryFindsEveryPopulationsLatestWeighingNearOrFar) {
  WriteBatch b;
  b.fish.push_back(Tagged("156000000000001"));  // weighed recently, in the pool
  b.fish.push_back(Tagged("156000000000002"));  // weighed long ago, without a pool
  b.fish.push_back(Tagged("156000000000003"));  // never weighed
  b.moves.push_back(Move{0, T("2025-01-01T08:00"), 100, {}, cohort_.id, {}, pool_a_.id, "stocked"});
  ASSERT_TRUE(store_->Write(b).ok());
  WriteBatch w;
  auto status = [&](const char* tag, const char* day, double grams, std::optional<Id> pool) {
    DailyStatus s;
    s.day = *Date::Parse(day);
    s.fish_id = store_->FindFishByTag(tag)->id;
    s.pool_id = pool;
    s.weight_g = grams;
    w.statuses.push_back(s);
  };
  status("156000000000001", "2025-05-30", 9000, pool_a_.id);
  status("156000000000001", "2025-06-01", 10000, pool_a_.id);
  status("156000000000001", "2025-06-02", 99999, pool_a_.id);  // after the date asked: ignored
  status("156000000000002", "2025-01-10", 20000, std::nullopt);
  DailyStatus cohort_row;
  cohort_row.day = Date::FromYmd(2025, 2, 1);  // months before: outside the pool scan window
  cohort_row.cohort_id = cohort_.id;
  cohort_row.pool_id = pool_a_.id;
  cohort_row.weight_g = 500;
  w.statuses.push_back(cohort_row);
  ASSERT_TRUE(store_->Write(w).ok());

  auto ledger = store_->LoadPoolLedger(pool_a_.id, Timestamp::EndOfDay(Date::FromYmd(2025, 6, 1)));
  ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
  std::map<std::string, double> by_key;
  for (const auto& pw : ledger->weights) {
    by_key[pw.key.fish_id ? "fish" + std::to_string(*pw.key.fish_id) : "cohort"] = pw.weight_g;
  }
  EXPECT_EQ(ledger->weights.size(), 3u) << "the never-weighed fish has no weight";
  EXPECT_EQ(by_key["fish" + std::to_string(store_->FindFishByTag("156000000000001")->id)], 10000);
  EXPECT_EQ(by_key["fish" + std::to_string(store_->FindFishByTag("156000000000002")->id)], 20000);
  EXPECT_EQ(by_key["cohort"], 500);
}

TEST_F(SqliteStoreTest, StringsWithQuotesAndUnicodeAreStoredVerbatim) {
  const std::string hostile = "Robert'); DROP TABLE farms;-- \xe9\xb2\x9f\xe9\xb1\xbc \"quoted\" \\ %_";
  Farm f{0, "ZJ-X", hostile, hostile, hostile, 1, 2, "Asia/Shanghai"};
  ASSERT_TRUE(store_->AddFarm(f).ok());
  Farm back = *store_->FindFarm("ZJ-X");
  EXPECT_EQ(back.name, hostile);
  EXPECT_EQ(store_->ListFarms()->size(), 2u);
}

// Stocktake jobs: a claim is a token. When a job is claimed again because
// its heartbeat looked stale, the first claim's worker (still alive, say in
// a long pass without progress) can no longer write progress, finish or
// fail it; only the new claim can.
TEST_F(SqliteStoreTest, AStaleReclaimFencesOffTheFirstClaim) {
  StocktakeJob job;
  job.pool_id = pool_a_.id;
  job.at = T("2025-06-01T08:00");
  job.created_at = Timestamp::Now();
  job.video_path = "/uploads/upload-1.video";
  job.video_bytes = 10;
  const StocktakeJob added = *store_->AddStocktakeJob(job);
  auto first = store_->ClaimStocktakeJob(Timestamp::Now().AddSeconds(-120));
  ASSERT_TRUE(first.ok() && first->has_value()) << first.status().ToString();
  EXPECT_EQ((*first)->id, added.id);
  auto none = store_->ClaimStocktakeJob(Timestamp::Now().AddSeconds(-120));
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value()) << "a fresh heartbeat is not stale";
  // The heartbeat is now taken to be stale: a second worker claims the job.
  auto second = store_->ClaimStocktakeJob(Timestamp::Now().AddSeconds(3600));
  ASSERT_TRUE(second.ok() && second->has_value());
  EXPECT_EQ((*second)->id, added.id);

  const int a1 = (*first)->attempt, a2 = (*second)->attempt;
  EXPECT_EQ(a1, 1);
  EXPECT_EQ(a2, 2);

  // The first worker has lost the job: none of its writes lands.
  EXPECT_EQ(store_->HeartbeatStocktakeJob(added.id, a1).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->UpdateStocktakeJobProgress(added.id, a1, 5, 30).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->FinishStocktakeJob(added.id, a1, R"({"count": 1})", "").code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->FailStocktakeJob(added.id, a1, "Lost.").code(), StatusCode::kFailedPrecondition);
  StocktakeJob now = *store_->GetStocktakeJob(added.id);
  EXPECT_EQ(now.state, JobState::kRunning);
  EXPECT_EQ(now.attempt, a2);
  EXPECT_TRUE(now.result.empty());
  EXPECT_EQ(now.frames_done, 0);
  auto unfinished = store_->ListUnfinishedStocktakeJobs();
  ASSERT_TRUE(unfinished.ok());
  ASSERT_EQ(unfinished->size(), 1u);
  EXPECT_EQ((*unfinished)[0].video_path, job.video_path);

  // The claim that holds it writes as usual, once.
  EXPECT_TRUE(store_->HeartbeatStocktakeJob(added.id, a2).ok());
  EXPECT_TRUE(store_->UpdateStocktakeJobProgress(added.id, a2, 10, 30).ok());
  EXPECT_TRUE(store_->FinishStocktakeJob(added.id, a2, R"({"count": 2})", "").ok());
  now = *store_->GetStocktakeJob(added.id);
  EXPECT_EQ(now.state, JobState::kDone);
  EXPECT_EQ(now.result, R"({"count": 2})");
  EXPECT_EQ(store_->FailStocktakeJob(added.id, a2, "Too late.").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->GetStocktakeJob(added.id)->state, JobState::kDone);
  EXPECT_TRUE(store_->ListUnfinishedStocktakeJobs()->empty());
}

}  // namespace
}  // namespace sturgeon
