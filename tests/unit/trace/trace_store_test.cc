#include "storage/trace_store.h"

#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "storage/sqlite/migrations.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/store.h"
#include "support/db_fingerprint.h"
#include "trace/trace_json.h"
#include "trace/trace_service.h"

namespace sturgeon {
namespace {

using testing::DatabaseFingerprint;
using testing::TempPath;

Timestamp T(const char* text) { return *Timestamp::Parse(text); }

constexpr char kDam[] = "900000000000001";
constexpr char kSire[] = "900000000000002";
constexpr char kFemale[] = "900000000000003";
constexpr char kMale[] = "900000000000004";

// A farm with one pool holding a hybrid female (with tagged parents) and a male.
class TraceStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = TempPath(std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + ".db");
    auto s = OpenStore(path_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    std::unique_ptr<Store> store = std::move(s).value();
    const Farm farm = *store->AddFarm(Farm{0, "ZJ-QZ1", "Quzhou", "Zhejiang", "Quzhou", 28.9, 118.8, "Asia/Shanghai"});
    Pool p;
    p.code = "ZJ-QZ1-P001";
    p.farm_id = farm.id;
    p.volume_m3 = 100;
    p.max_density_kg_m3 = 40;
    const Pool pool = *store->AddPool(p);
    const Species dau = *store->AddSpecies(Species{0, "DAU", "Kaluga", "Huso dauricus", {}, {}});
    const Species sch = *store->AddSpecies(Species{0, "SCH", "Amur", "Acipenser schrenckii", {}, {}});
    const Species hyb = *store->AddSpecies(Species{0, "DAU x SCH", "Kaluga x Amur", "H. dauricus x A. schrenckii",
                                                   dau.id, sch.id});
    WriteBatch b;
    auto fish = [&](const char* tag, Id species, Sex sex, std::optional<std::string> dam,
                    std::optional<std::string> sire) {
      NewFish f;
      f.fish.pit_tag = tag;
      f.fish.species_id = species;
      f.fish.sex = sex;
      f.dam_tag = dam;
      f.sire_tag = sire;
      f.stock_pool_id = pool.id;
      f.stocked_at = T("2020-01-01T00:00:00Z");
      b.fish.push_back(f);
    };
    fish(kDam, sch.id, Sex::kFemale, {}, {});
    fish(kSire, dau.id, Sex::kMale, {}, {});
    fish(kFemale, hyb.id, Sex::kFemale, kDam, kSire);
    fish(kMale, hyb.id, Sex::kMale, {}, {});
    ASSERT_TRUE(store->Write(b).ok());
    auto t = OpenTraceStore(path_);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    trace_ = std::move(t).value();
  }

  // Harvests the female at 08:00 and takes a batch through all four steps,
  // tinned `seal_minutes` after extraction.
  trace::Batch Process(const std::string& code, int seal_minutes = 12, double salt = 3.5) {
    auto h = trace_->AddHarvest(HarvestInput{kFemale, T("2026-03-01T08:00:00Z"), 2.0, 3.2, "light_grey"});
    EXPECT_TRUE(h.ok()) << h.status().ToString();
    auto b = trace_->AddBatch(code, "malossol", "CN-ZJ-001", {h->id});
    EXPECT_TRUE(b.ok()) << b.status().ToString();
    const Timestamp x = T("2026-03-01T08:00:00Z");
    EXPECT_TRUE(trace_->AddStep(code, {trace::StepKind::kScreening, x.AddSeconds(120), {}}).ok());
    EXPECT_TRUE(trace_->AddStep(code, {trace::StepKind::kRinsing, x.AddSeconds(240), {}}).ok());
    EXPECT_TRUE(trace_->AddStep(code, {trace::StepKind::kSalting, x.AddSeconds(360), salt}).ok());
    auto done = trace_->AddStep(code, {trace::StepKind::kTinning, x.AddSeconds(seal_minutes * 60), {}});
    EXPECT_TRUE(done.ok()) << done.status().ToString();
    return *done;
  }

  trace::Lot Grade(const std::string& batch, const std::string& lot) {
    auto l = trace_->AddLot(LotInput{lot, batch, {3.2, "light_grey", 4, 0.97}});
    EXPECT_TRUE(l.ok()) << l.status().ToString();
    return *l;
  }

  std::string path_;
  std::unique_ptr<TraceStore> trace_;
};

TEST_F(TraceStoreTest, HarvestFromMaleOrUnknownTagIsRefusedAndChangesNothing) {
  const std::string before = DatabaseFingerprint(path_);
  struct Case {
    const char* tag;
    StatusCode code;
  } cases[] = {{kMale, StatusCode::kFailedPrecondition}, {"999999999999999", StatusCode::kNotFound}};
  for (const Case& c : cases) {
    auto h = trace_->AddHarvest(HarvestInput{c.tag, T("2026-03-01T08:00:00Z"), 2.0, 3.2, "grey"});
    EXPECT_EQ(h.status().code(), c.code) << c.tag;
  }
  EXPECT_EQ(DatabaseFingerprint(path_), before);
}

TEST_F(TraceStoreTest, HarvestRecordsTheFishsPool) {
  auto h = trace_->AddHarvest(HarvestInput{kFemale, T("2026-03-01T08:00:00Z"), 2.0, 3.2, "Light-Grey"});
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_TRUE(h->pool_id.has_value());
  EXPECT_EQ(h->colour, "light_grey");
}

TEST_F(TraceStoreTest, LateTinningIsReportedAsASealBreach) {
  EXPECT_FALSE(Process("B1", 12).seal_breach);
  const trace::Batch late = Process("B2", 20);
  EXPECT_TRUE(late.seal_breach);
  EXPECT_DOUBLE_EQ(*late.seal_minutes, 20.0);
}

TEST_F(TraceStoreTest, SaltOutsideMalossolIsFlaggedOrRefusedPerProduct) {
  EXPECT_TRUE(Process("B1", 12, 6.0).salt_flagged);
  auto h = trace_->AddHarvest(HarvestInput{kFemale, T("2026-03-01T08:00:00Z"), 2.0, 3.2, "grey"});
  ASSERT_TRUE(trace_->AddBatch("B2", "malossol-strict", "CN-ZJ-001", {h->id}).ok());
  const Timestamp x = T("2026-03-01T08:00:00Z");
  ASSERT_TRUE(trace_->AddStep("B2", {trace::StepKind::kScreening, x.AddSeconds(60), {}}).ok());
  ASSERT_TRUE(trace_->AddStep("B2", {trace::StepKind::kRinsing, x.AddSeconds(120), {}}).ok());
  auto refused = trace_->AddStep("B2", {trace::StepKind::kSalting, x.AddSeconds(180), 6.0});
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(trace_->FindBatch("B2")->steps.size(), 2u);
}

TEST_F(TraceStoreTest, LotGetsAHybridCitesLabel) {
  Process("B1");
  const trace::Lot lot = Grade("B1", "L1");
  EXPECT_EQ(lot.label, "DAU x SCH/C/CN/2026/CN-ZJ-001/L1");
  EXPECT_EQ(lot.grade, "imperial");
  EXPECT_DOUBLE_EQ(lot.roe_kg, 2.0);
}

TEST_F(TraceStoreTest, LotOfAnUntinnedBatchIsRefused) {
  auto h = trace_->AddHarvest(HarvestInput{kFemale, T("2026-03-01T08:00:00Z"), 2.0, 3.2, "grey"});
  ASSERT_TRUE(trace_->AddBatch("B1", "malossol", "CN-ZJ-001", {h->id}).ok());
  EXPECT_EQ(trace_->AddLot(LotInput{"L1", "B1", {3.2, "grey", 4, 0.97}}).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(TraceStoreTest, TinHeavierThanTheLotsRemainingRoeIsRefusedAndChangesNothing) {
  Process("B1");
  Grade("B1", "L1");
  ASSERT_TRUE(trace_->AddTin(TinInput{"T1", "L1", 1500, {}}).ok());
  const std::string before = DatabaseFingerprint(path_);
  auto heavy = trace_->AddTin(TinInput{"T2", "L1", 501, {}});
  EXPECT_EQ(heavy.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(heavy.status().message().find("remaining 500.0 g"), std::string::npos) << heavy.status().message();
  EXPECT_EQ(DatabaseFingerprint(path_), before);
  EXPECT_TRUE(trace_->AddTin(TinInput{"T2", "L1", 500, {}}).ok());
}

TEST_F(TraceStoreTest, MalformedOrForeignLabelIsRefusedAndChangesNothing) {
  Process("B1");
  Grade("B1", "L1");
  const std::string before = DatabaseFingerprint(path_);
  EXPECT_EQ(trace_->AddTin(TinInput{"T1", "L1", 50, "DAU/C/CHN/2026/P/L1"}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(trace_->AddTin(TinInput{"T1", "L1", 50, "DAU/C/CN/2026/CN-ZJ-001/L1"}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(trace_->TraceLabel("not a label").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(DatabaseFingerprint(path_), before);
  EXPECT_TRUE(trace_->AddTin(TinInput{"T1", "L1", 50, "DAU x SCH/C/CN/2026/CN-ZJ-001/L1"}).ok());
}

TEST_F(TraceStoreTest, BackwardTraceReachesFishPoolFarmAndParents) {
  Process("B1");
  Grade("B1", "L1");
  ASSERT_TRUE(trace_->AddTin(TinInput{"T1", "L1", 125, {}}).ok());
  ASSERT_TRUE(trace_->AddCase("C1", T("2026-03-02T09:00:00Z"), {"T1"}).ok());
  ASSERT_TRUE(trace_->AddShipment(trace::Shipment{0, "S1", "FR", "AirCold", T("2026-03-03T09:00:00Z"),
                                                  T("2026-03-04T09:00:00Z")}, {"C1"}).ok());
  auto t = trace_->TraceTin("T1");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->lot.lot.code, "L1");
  EXPECT_EQ(t->lot.batch.code, "B1");
  ASSERT_EQ(t->lot.origins.size(), 1u);
  const HarvestOrigin& o = t->lot.origins[0];
  EXPECT_EQ(o.pit_tag, kFemale);
  EXPECT_EQ(o.species_code, "DAU x SCH");
  EXPECT_EQ(o.pool_code, "ZJ-QZ1-P001");
  EXPECT_EQ(o.farm_code, "ZJ-QZ1");
  EXPECT_EQ(o.dam_tag, kDam);
  EXPECT_EQ(o.sire_tag, kSire);
  ASSERT_TRUE(t->shipment.has_value());
  EXPECT_EQ(t->shipment->code, "S1");
  EXPECT_EQ(trace_->TraceLabel(t->tin.label)->lot.code, "L1");
}

TEST_F(TraceStoreTest, ForwardTraceFromFishOrPoolFindsEveryTinAndShipment) {
  Process("B1");
  Grade("B1", "L1");
  ASSERT_TRUE(trace_->AddTin(TinInput{"T1", "L1", 125, {}}).ok());
  ASSERT_TRUE(trace_->AddTin(TinInput{"T2", "L1", 125, {}}).ok());
  ASSERT_TRUE(trace_->AddCase("C1", T("2026-03-02T09:00:00Z"), {"T1"}).ok());
  ASSERT_TRUE(trace_->AddShipment(trace::Shipment{0, "S1", "JP", "AirCold", T("2026-03-03T09:00:00Z"),
                                                  T("2026-03-04T09:00:00Z")}, {"C1"}).ok());
  for (auto r : {trace_->RecallFish(kFemale), trace_->RecallPool("ZJ-QZ1-P001")}) {
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->tins.size(), 2u);
    EXPECT_EQ(r->tins[0].shipment_code, "S1");
    EXPECT_FALSE(r->tins[1].case_code.has_value());
    ASSERT_EQ(r->shipments.size(), 1u);
    EXPECT_EQ(r->lot_codes, std::vector<std::string>{"L1"});
  }
  EXPECT_TRUE(trace_->RecallFish(kMale)->tins.empty());
  EXPECT_EQ(trace_->RecallPool("NOPE").status().code(), StatusCode::kNotFound);
}

TEST_F(TraceStoreTest, ColdChainExcursionListsItsDurationAndTheShipmentsTins) {
  Process("B1");
  Grade("B1", "L1");
  ASSERT_TRUE(trace_->AddTin(TinInput{"T1", "L1", 125, {}}).ok());
  ASSERT_TRUE(trace_->AddCase("C1", T("2026-03-02T09:00:00Z"), {"T1"}).ok());
  ASSERT_TRUE(trace_->AddShipment(trace::Shipment{0, "S1", "FR", "AirCold", T("2026-03-03T09:00:00Z"),
                                                  T("2026-03-04T09:00:00Z")}, {"C1"}).ok());
  auto readings = trace::ParseLoggerCsv(
      "logger,at,celsius\nL1,2026-03-03T10:00:00Z,1\nL1,2026-03-03T11:00:00Z,4\nL1,2026-03-03T12:00:00Z,1\n", "l.csv");
  ASSERT_TRUE(readings.ok());
  ASSERT_EQ(*trace_->AddReadings("S1", *readings), 3);
  auto report = trace::CheckColdChain(*trace_, "S1", *trace::FindProduct("malossol"));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->excursions.size(), 1u);
  EXPECT_EQ(report->excursions[0].duration_s, 3600);
  EXPECT_EQ(report->affected_tins, std::vector<std::string>{"T1"});
}

TEST_F(TraceStoreTest, PackingATinTwiceOrShippingACaseTwiceIsRefused) {
  Process("B1");
  Grade("B1", "L1");
  ASSERT_TRUE(trace_->AddTin(TinInput{"T1", "L1", 125, {}}).ok());
  ASSERT_TRUE(trace_->AddCase("C1", T("2026-03-02T09:00:00Z"), {"T1"}).ok());
  EXPECT_EQ(trace_->AddCase("C2", T("2026-03-02T09:00:00Z"), {"T1"}).status().code(), StatusCode::kFailedPrecondition);
  const trace::Shipment s{0, "S1", "FR", "AirCold", T("2026-03-03T09:00:00Z"), T("2026-03-04T09:00:00Z")};
  ASSERT_TRUE(trace_->AddShipment(s, {"C1"}).ok());
  trace::Shipment again = s;
  again.code = "S2";
  EXPECT_EQ(trace_->AddShipment(again, {"C1"}).status().code(), StatusCode::kFailedPrecondition);
  again.destination_country = "France";
  EXPECT_EQ(trace_->AddShipment(again, {"C1"}).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(TraceStoreTest, SeededProductsAreTheBuiltInDefaults) {
  for (const char* name : {"malossol", "malossol-strict"}) {
    auto stored = trace_->FindProduct(name);
    ASSERT_TRUE(stored.ok()) << stored.status().ToString();
    const trace::ProductSpec built_in = *trace::FindProduct(name);
    EXPECT_EQ(trace::ToJson(*stored), trace::ToJson(built_in)) << name;
  }
  EXPECT_EQ(trace_->ListProducts()->size(), 2u);
  auto missing = trace_->FindProduct("ossetra");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("known: malossol, malossol-strict"), std::string::npos);
}

TEST_F(TraceStoreTest, ChangedProductSettingsDriveGradingSaltAndSeal) {
  trace::ProductSpec p = *trace_->FindProduct("malossol");
  p.scale.grades = {{"first", 2.0, 5, 1, 0.5}};
  p.max_extraction_to_seal_minutes = 5;
  p.max_salt_percent = 3.2;
  ASSERT_TRUE(trace_->PutProduct(p).ok());
  const trace::Batch b = Process("B1", 12, 3.5);
  EXPECT_TRUE(b.seal_breach);    // 12 minutes is now over the 5-minute limit
  EXPECT_TRUE(b.salt_flagged);   // 3.5% is now over 3.2%
  EXPECT_EQ(Grade("B1", "L1").grade, "first");
  p.min_celsius = 3;  // above max: refused, nothing stored
  EXPECT_EQ(trace_->PutProduct(p).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(trace_->FindProduct("malossol")->min_celsius, -3.0);
}

TEST_F(TraceStoreTest, RecallPagesTinsAndCountsThemAll) {
  Process("B1");
  Grade("B1", "L1");
  for (const char* t : {"T1", "T2", "T3"}) ASSERT_TRUE(trace_->AddTin(TinInput{t, "L1", 100, {}}).ok());
  auto first = trace_->RecallPool("ZJ-QZ1-P001", RecallPage{0, 2});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->tin_count, 3);
  EXPECT_DOUBLE_EQ(first->tin_net_g, 300.0);
  ASSERT_EQ(first->tins.size(), 2u);
  ASSERT_TRUE(first->next_tin_cursor.has_value());
  auto second = trace_->RecallPool("ZJ-QZ1-P001", RecallPage{*first->next_tin_cursor, 2});
  ASSERT_EQ(second->tins.size(), 1u);
  EXPECT_EQ(second->tins[0].tin.code, "T3");
  EXPECT_FALSE(second->next_tin_cursor.has_value());
  EXPECT_EQ(trace_->RecallFish(kFemale)->tins.size(), 3u);  // default: every tin
}

// The rows of `sql`, one line each, columns as text.
std::string Rows(sqlite::Connection& db, const std::string& sql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
    return std::string("error: ") + sqlite3_errmsg(db.handle());
  }
  std::string out;
  while (sqlite3_step(st) == SQLITE_ROW) {
    for (int c = 0; c < sqlite3_column_count(st); ++c) {
      const unsigned char* v = sqlite3_column_text(st, c);
      out += (c ? "|" : "") + std::string(v ? reinterpret_cast<const char*>(v) : "NULL");
    }
    out += "\n";
  }
  sqlite3_finalize(st);
  return out;
}

// Migration 6's per-lot summary against a recount from the raw tables.
void ExpectSummaryMatchesRecount(const std::string& path, const std::string& when) {
  auto db = sqlite::Connection::Open(path);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_EQ(Rows(*db, "SELECT lot_id, tin_count, net_g FROM lot_totals ORDER BY lot_id"),
            Rows(*db, "SELECT l.id, COUNT(t.id), IFNULL(SUM(t.net_g), 0.0) FROM lots l "
                      "LEFT JOIN tins t ON t.lot_id = l.id GROUP BY l.id ORDER BY l.id"))
      << when;
  EXPECT_EQ(Rows(*db, "SELECT lot_id, shipment_id, tin_count FROM lot_shipments ORDER BY lot_id, shipment_id"),
            Rows(*db, "SELECT t.lot_id, c.shipment_id, COUNT(*) FROM tins t JOIN cases c ON c.id = t.case_id "
                      "WHERE c.shipment_id IS NOT NULL GROUP BY t.lot_id, c.shipment_id "
                      "ORDER BY t.lot_id, c.shipment_id"))
      << when;
}

// The recall's totals and shipments against its own full list of tins.
void ExpectRecallMatchesItsTins(TraceStore& trace, const std::string& when) {
  auto all = trace.RecallPool("ZJ-QZ1-P001");
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  double net = 0;
  std::set<std::string> shipped;
  for (const RecalledTin& t : all->tins) {
    net += t.tin.net_g;
    if (t.shipment_code) shipped.insert(*t.shipment_code);
  }
  EXPECT_EQ(all->tin_count, static_cast<int64_t>(all->tins.size())) << when;
  EXPECT_DOUBLE_EQ(all->tin_net_g, net) << when;
  std::set<std::string> listed;
  for (const trace::Shipment& s : all->shipments) listed.insert(s.code);
  EXPECT_EQ(listed, shipped) << when;
  EXPECT_EQ(all->shipments.size(), listed.size()) << when;
  auto page = trace.RecallFish(kFemale, RecallPage{0, 1, false});
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->tin_count, all->tin_count) << when;
  EXPECT_DOUBLE_EQ(page->tin_net_g, all->tin_net_g) << when;
  EXPECT_EQ(page->shipments.size(), all->shipments.size()) << when;
}

TEST_F(TraceStoreTest, RecallSummaryStaysInStepWithTinsCasesAndShipments) {
  Process("B1");
  Grade("B1", "L1");
  Process("B2");
  Grade("B2", "L2");
  ExpectSummaryMatchesRecount(path_, "lots only");
  for (const char* t : {"T1", "T2", "T3", "T4"}) ASSERT_TRUE(trace_->AddTin(TinInput{t, "L1", 125, {}}).ok());
  for (const char* t : {"T5", "T6"}) ASSERT_TRUE(trace_->AddTin(TinInput{t, "L2", 250, {}}).ok());
  ExpectSummaryMatchesRecount(path_, "tins added");
  ExpectRecallMatchesItsTins(*trace_, "tins added");
  ASSERT_TRUE(trace_->AddCase("C1", T("2026-03-02T09:00:00Z"), {"T1", "T5"}).ok());
  ASSERT_TRUE(trace_->AddCase("C2", T("2026-03-02T09:00:00Z"), {"T2"}).ok());
  ExpectSummaryMatchesRecount(path_, "cases packed");
  ExpectRecallMatchesItsTins(*trace_, "cases packed");
  const auto ship = [&](const char* code, std::vector<std::string> cases) {
    ASSERT_TRUE(trace_->AddShipment(trace::Shipment{0, code, "FR", "AirCold", T("2026-03-03T09:00:00Z"),
                                                    T("2026-03-04T09:00:00Z")}, cases).ok());
  };
  ship("S1", {"C1"});
  ExpectSummaryMatchesRecount(path_, "S1 shipped");
  ExpectRecallMatchesItsTins(*trace_, "S1 shipped");
  ship("S2", {"C2"});
  ASSERT_TRUE(trace_->AddTin(TinInput{"T7", "L1", 125, {}}).ok());
  ASSERT_TRUE(trace_->AddCase("C3", T("2026-03-02T10:00:00Z"), {"T3", "T7", "T6"}).ok());
  ship("S3", {"C3"});
  ExpectSummaryMatchesRecount(path_, "S2, S3 shipped");
  ExpectRecallMatchesItsTins(*trace_, "S2, S3 shipped");
  auto r = trace_->RecallPool("ZJ-QZ1-P001", RecallPage{0, 2, false});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->tin_count, 7);
  EXPECT_DOUBLE_EQ(r->tin_net_g, 5 * 125.0 + 2 * 250.0);
  EXPECT_EQ(r->shipments.size(), 3u);

  // Corrections no store call makes yet (unshipping, unpacking, moving,
  // re-weighing, removing) keep the summary in step too.
  auto db = sqlite::Connection::Open(path_);
  ASSERT_TRUE(db.ok());
  const char* edits[] = {
      "UPDATE cases SET shipment_id = NULL WHERE code = 'C3'",
      "UPDATE tins SET case_id = NULL WHERE code = 'T1'",
      "UPDATE tins SET case_id = (SELECT id FROM cases WHERE code = 'C2') WHERE code = 'T1'",
      "UPDATE cases SET shipment_id = (SELECT id FROM shipments WHERE code = 'S1') WHERE code = 'C3'",
      "UPDATE tins SET net_g = 100 WHERE code = 'T7'",
      "UPDATE tins SET lot_id = (SELECT id FROM lots WHERE code = 'L2') WHERE code = 'T3'",
      "DELETE FROM tins WHERE code = 'T4'",
      "DELETE FROM tins WHERE code = 'T5'",
  };
  for (const char* e : edits) {
    ASSERT_TRUE(db->Exec(e).ok()) << e;
    ExpectSummaryMatchesRecount(path_, e);
    ExpectRecallMatchesItsTins(*trace_, e);
  }
}

TEST_F(TraceStoreTest, LotOfABatchOfSeveralHarvestsIsRecalledAndCountedOnce) {
  std::vector<Id> harvests;
  for (const char* at : {"2026-03-01T08:00:00Z", "2026-03-01T08:05:00Z"}) {
    auto h = trace_->AddHarvest(HarvestInput{kFemale, T(at), 1.0, 3.2, "light_grey"});
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    harvests.push_back(h->id);
  }
  ASSERT_TRUE(trace_->AddBatch("B1", "malossol", "CN-ZJ-001", harvests).ok());
  const Timestamp x = T("2026-03-01T08:05:00Z");
  ASSERT_TRUE(trace_->AddStep("B1", {trace::StepKind::kScreening, x.AddSeconds(120), {}}).ok());
  ASSERT_TRUE(trace_->AddStep("B1", {trace::StepKind::kRinsing, x.AddSeconds(240), {}}).ok());
  ASSERT_TRUE(trace_->AddStep("B1", {trace::StepKind::kSalting, x.AddSeconds(360), 3.5}).ok());
  ASSERT_TRUE(trace_->AddStep("B1", {trace::StepKind::kTinning, x.AddSeconds(600), {}}).ok());
  Grade("B1", "L1");
  for (const char* t : {"T1", "T2"}) ASSERT_TRUE(trace_->AddTin(TinInput{t, "L1", 125, {}}).ok());
  auto r = trace_->RecallPool("ZJ-QZ1-P001", RecallPage{0, 10, false});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->harvest_count, 2);
  EXPECT_EQ(r->lot_codes, std::vector<std::string>{"L1"});
  EXPECT_EQ(r->tin_count, 2);
  EXPECT_DOUBLE_EQ(r->tin_net_g, 250.0);
  ExpectSummaryMatchesRecount(path_, "two harvests, one lot");
}

TEST_F(TraceStoreTest, MigrationBackfillsTheRecallSummaryOfAnOlderDatabase) {
  Process("B1");
  Grade("B1", "L1");
  Process("B2");
  Grade("B2", "L2");
  for (const char* t : {"T1", "T2", "T3"}) ASSERT_TRUE(trace_->AddTin(TinInput{t, "L1", 125, {}}).ok());
  for (const char* t : {"T4", "T5"}) ASSERT_TRUE(trace_->AddTin(TinInput{t, "L2", 250, {}}).ok());
  ASSERT_TRUE(trace_->AddCase("C1", T("2026-03-02T09:00:00Z"), {"T1", "T4"}).ok());
  ASSERT_TRUE(trace_->AddCase("C2", T("2026-03-02T09:00:00Z"), {"T2"}).ok());
  ASSERT_TRUE(trace_->AddShipment(trace::Shipment{0, "S1", "FR", "AirCold", T("2026-03-03T09:00:00Z"),
                                                  T("2026-03-04T09:00:00Z")}, {"C1"}).ok());
  trace_.reset();
  // Back to a schema-5 database: no summary tables, no triggers (and not
  // migration 7's stocktake job column either).
  {
    auto db = sqlite::Connection::Open(path_);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->Exec("DROP TRIGGER lots_totals_insert; DROP TRIGGER tins_totals_insert; "
                         "DROP TRIGGER tins_totals_delete; DROP TRIGGER tins_totals_update; "
                         "DROP TRIGGER cases_shipments_update; DROP TRIGGER cases_shipments_delete; "
                         "DROP TABLE lot_shipments; DROP TABLE lot_totals; "
                         "ALTER TABLE stocktake_jobs DROP COLUMN attempt; PRAGMA user_version = 5")
                    .ok());
  }
  auto t = OpenTraceStore(path_);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  trace_ = std::move(t).value();
  {
    auto db = sqlite::Connection::Open(path_);
    ASSERT_TRUE(db.ok());
    EXPECT_EQ(Rows(*db, "PRAGMA user_version"), std::to_string(sqlite::SchemaVersion()) + "\n");
  }
  ExpectSummaryMatchesRecount(path_, "backfilled");
  ExpectRecallMatchesItsTins(*trace_, "backfilled");
  auto r = trace_->RecallPool("ZJ-QZ1-P001", RecallPage{0, 1, false});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->tin_count, 5);
  EXPECT_DOUBLE_EQ(r->tin_net_g, 3 * 125.0 + 2 * 250.0);
  ASSERT_EQ(r->shipments.size(), 1u);
  EXPECT_EQ(r->shipments[0].code, "S1");
  // The triggers keep it from there.
  ASSERT_TRUE(trace_->AddShipment(trace::Shipment{0, "S2", "JP", "AirCold", T("2026-03-03T09:00:00Z"),
                                                  T("2026-03-04T09:00:00Z")}, {"C2"}).ok());
  ASSERT_TRUE(trace_->AddTin(TinInput{"T6", "L1", 125, {}}).ok());
  ExpectSummaryMatchesRecount(path_, "after the backfill");
  ExpectRecallMatchesItsTins(*trace_, "after the backfill");
}

TEST_F(TraceStoreTest, ScopeOfARecordIsTheFarmOfItsHarvestedFish) {
  Process("B1");
  Grade("B1", "L1");
  ASSERT_TRUE(trace_->AddTin(TinInput{"T1", "L1", 100, {}}).ok());
  for (auto [kind, key] : {std::pair{TraceKind::kBatch, "B1"}, std::pair{TraceKind::kLot, "L1"},
                           std::pair{TraceKind::kTin, "T1"}, std::pair{TraceKind::kHarvest, "1"}}) {
    auto scope = trace_->ScopeOf(kind, key);
    ASSERT_TRUE(scope.ok()) << key << ": " << scope.status().ToString();
    EXPECT_EQ(scope->farm_ids, std::vector<Id>{1}) << key;
    EXPECT_FALSE(scope->unplaced);
  }
  EXPECT_EQ(trace_->ScopeOf(TraceKind::kTin, "T9").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace sturgeon
