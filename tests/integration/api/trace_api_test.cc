// Integration tests of the caviar traceability routes (issue 6): a real
// server on an ephemeral loopback port, a real HTTP client, a fresh database
// with two farms (FA, FB), females and a male, a user per role, and a whole
// chain (harvest .. shipment) seeded on each farm.
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/wechat_qrcode.hpp>

#include "api/api_server.h"
#include "storage/store.h"
#include "storage/trace_store.h"
#include "support/api_fixture.h"
#include "support/db_fingerprint.h"
#include "support/http_client.h"

namespace sturgeon::api {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using json = nlohmann::json;
using testing::DatabaseFingerprint;

using Response = sturgeon::testing::HttpResponse;
using Client = sturgeon::testing::HttpClient;

Timestamp T(const std::string& text) { return *Timestamp::Parse(text); }

constexpr char kFemaleA[] = "900000000000011";
constexpr char kFemaleB[] = "900000000000012";
constexpr char kMaleA[] = "900000000000013";
constexpr char kFemaleA2[] = "900000000000014";
constexpr char kUnsexedA[] = "900000000000015";
constexpr char kBaseUri[] = "https://id.sturgeon.example";

std::string FemaleOf(const std::string& farm) { return farm == "FA" ? kFemaleA : kFemaleB; }

class TraceApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::random_device rd;
    db_ = (std::filesystem::temp_directory_path() / fmt::format("sturgeon_trace_api_{}.db", rd())).string();
    auto opened = OpenStore(db_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = opened.value().release();
    Store& s = *store_;
    auto farms = testing::SeedTwoFarms(s, testing::QuzhouTanks());
    ASSERT_TRUE(farms.ok()) << farms.status().ToString();
    farm_ids_ = farms->farm_ids;
    const std::map<std::string, Id> pools = {{"FA", farms->pool_ids[0]}, {"FB", farms->pool_ids[1]}};
    const Id dau_id = farms->species_id;
    WriteBatch batch;
    auto fish = [&](const char* tag, Sex sex, const char* farm) {
      NewFish nf;
      nf.fish.pit_tag = tag;
      nf.fish.species_id = dau_id;
      nf.fish.sex = sex;
      nf.stock_pool_id = pools.at(farm);
      nf.stocked_at = T("2025-01-01T00:00:00Z");
      batch.fish.push_back(nf);
    };
    fish(kFemaleA, Sex::kFemale, "FA");
    fish(kFemaleB, Sex::kFemale, "FB");
    fish(kMaleA, Sex::kMale, "FA");
    fish(kFemaleA2, Sex::kFemale, "FA");
    fish(kUnsexedA, Sex::kUnknown, "FA");
    ASSERT_TRUE(s.Write(batch).ok());

    auto tokens = testing::AddUsersWithTokens(db_, testing::UserPerRole(farm_ids_[0]));
    ASSERT_TRUE(tokens.ok()) << tokens.status().ToString();
    tokens_ = *tokens;
    // One whole chain per farm: harvest, batch, lot, two tins, a case, a
    // shipment with readings.
    for (const std::string farm : {"FA", "FB"}) {
      Chain c = MakeChain(farm, farm, Stage::kShipped);
      ASSERT_FALSE(c.shipment.empty());
    }
    auto server = ApiServer::Start(testing::TestServerOptions(db_));
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value().release();
  }

  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    delete store_;
    store_ = nullptr;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_ + suffix);
  }

  // How far MakeChain goes.
  enum class Stage { kHarvested, kBatched, kTinned, kGraded, kFilled, kPacked, kShipped };
  struct Chain {
    Id harvest = 0;
    std::string batch, lot, tin, tin2, case_code, shipment;
  };

  // Records a chain directly in the store (not through the API), on `farm`'s
  // female, with codes made from `key`.
  static Chain MakeChain(const std::string& farm, const std::string& key, Stage stage) {
    TraceStore& t = **store_->Trace();
    Chain c;
    const Timestamp x = T("2026-03-01T08:00:00Z");
    auto h = t.AddHarvest(HarvestInput{FemaleOf(farm), x, 2.0, 3.2, "light_grey"});
    EXPECT_TRUE(h.ok()) << h.status().ToString();
    c.harvest = h->id;
    if (stage == Stage::kHarvested) return c;
    c.batch = "B-" + key;
    EXPECT_TRUE(t.AddBatch(c.batch, "malossol", "CN-ZJ-001", {c.harvest}).ok());
    if (stage == Stage::kBatched) return c;
    EXPECT_TRUE(t.AddStep(c.batch, {trace::StepKind::kScreening, x.AddSeconds(120), {}}).ok());
    EXPECT_TRUE(t.AddStep(c.batch, {trace::StepKind::kRinsing, x.AddSeconds(240), {}}).ok());
    EXPECT_TRUE(t.AddStep(c.batch, {trace::StepKind::kSalting, x.AddSeconds(360), 3.5}).ok());
    EXPECT_TRUE(t.AddStep(c.batch, {trace::StepKind::kTinning, x.AddSeconds(600), {}}).ok());
    if (stage == Stage::kTinned) return c;
    c.lot = "L-" + key;
    LotInput lot;
    lot.code = c.lot;
    lot.batch_code = c.batch;
    lot.sample = trace::GradingSample{3.2, "light_grey", 4, 0.97};
    auto l = t.AddLot(lot);
    EXPECT_TRUE(l.ok()) << l.status().ToString();
    if (stage == Stage::kGraded) return c;
    c.tin = "T-" + key + "-1";
    c.tin2 = "T-" + key + "-2";
    EXPECT_TRUE(t.AddTin(TinInput{c.tin, c.lot, 250, {}}).ok());
    EXPECT_TRUE(t.AddTin(TinInput{c.tin2, c.lot, 125, {}}).ok());
    if (stage == Stage::kFilled) return c;
    c.case_code = "C-" + key;
    EXPECT_TRUE(t.AddCase(c.case_code, x.AddSeconds(3600), {c.tin, c.tin2}).ok());
    if (stage == Stage::kPacked) return c;
    c.shipment = "S-" + key;
    trace::Shipment s{0, c.shipment, "FR", "AirCold", T("2026-03-02T06:00:00Z"), T("2026-03-02T18:00:00Z")};
    EXPECT_TRUE(t.AddShipment(s, {c.case_code}).ok());
    std::vector<trace::TemperatureReading> readings;
    for (int i = 0; i < 4; ++i) {
      readings.push_back(trace::TemperatureReading{0, 0, "L1", T("2026-03-02T06:00:00Z").AddSeconds(i * 1800), 0.5});
    }
    EXPECT_TRUE(t.AddReadings(c.shipment, readings).ok());
    return c;
  }

  Response Get(const std::string& target, const std::string& user = "admin") {
    return client_.Send(http::verb::get, target, tokens_[user]);
  }
  Response Post(const std::string& target, const json& body, const std::string& user = "admin") {
    return client_.Send(http::verb::post, target, tokens_[user], body.dump());
  }

  static inline std::string db_;
  static inline Store* store_ = nullptr;  // the test's own connection, for seeding
  static inline std::vector<Id> farm_ids_;
  static inline std::map<std::string, std::string> tokens_;
  static inline ApiServer* server_ = nullptr;
  static inline int serial_ = 0;
  Client client_{server_->port()};
};

// Reads the QR code in a PNG back. Debian's OpenCV 4.6 builds
// cv::QRCodeDetector without its decoder (quirc), so this uses the contrib
// WeChat detector (libopencv-contrib-dev, a dependency of libopencv-dev),
// without its CNN models: a plain, independent decoder of the image.
std::string DecodeQr(const std::string& png) {
  std::vector<uint8_t> bytes(png.begin(), png.end());
  cv::Mat img = cv::imdecode(bytes, cv::IMREAD_GRAYSCALE);
  if (img.empty()) return "(not an image)";
  cv::wechat_qrcode::WeChatQRCode detector;
  const std::vector<std::string> found = detector.detectAndDecode(img);
  if (found.size() != 1) return fmt::format("({} codes found)", found.size());
  return found.front();
}

TEST_F(TraceApiTest, EveryRouteWorksFromHarvestToExport) {
  // Harvest from a female of farm A, by PIT tag.
  Response h = Post("/api/harvests", {{"pit_tag", kFemaleA2}, {"extracted_at", "2026-04-01T08:00:00Z"},
                                      {"roe_kg", 1.5}, {"egg_diameter_mm", 3.3}, {"colour", "amber"}});
  ASSERT_EQ(h.status, 201) << h.body;
  const Id harvest = h.Json()["id"].get<Id>();
  EXPECT_EQ(Get(fmt::format("/api/harvests/{}", harvest)).Json()["roe_kg"], 1.5);
  Response hl = Get("/api/harvests?farm=FA&fish=" + std::string(kFemaleA2));
  ASSERT_EQ(hl.status, 200) << hl.body;
  ASSERT_EQ(hl.Json()["items"].size(), 1u);

  // Batch and its steps: tinned 20 minutes after extraction, a seal breach.
  Response b = Post("/api/batches", {{"code", "B-API"}, {"plant", "CN-ZJ-001"}, {"harvests", {harvest}}});
  ASSERT_EQ(b.status, 201) << b.body;
  const std::vector<std::pair<std::string, json>> steps = {
      {"screening", {{"step", "screening"}, {"at", "2026-04-01T08:03:00Z"}}},
      {"rinsing", {{"step", "rinsing"}, {"at", "2026-04-01T08:06:00Z"}}},
      {"salting", {{"step", "salting"}, {"at", "2026-04-01T08:09:00Z"}, {"salt_percent", 3.8}}},
      {"tinning", {{"step", "tinning"}, {"at", "2026-04-01T08:20:00Z"}}}};
  Response last;
  for (const auto& [name, body] : steps) {
    last = Post("/api/batches/B-API/steps", body);
    ASSERT_EQ(last.status, 201) << name << ": " << last.body;
  }
  EXPECT_EQ(last.Json()["seal_breach"], true);
  EXPECT_DOUBLE_EQ(last.Json()["seal_minutes"].get<double>(), 20.0);
  Response breaches = Get("/api/batches?breaches=true");
  ASSERT_EQ(breaches.status, 200) << breaches.body;
  ASSERT_EQ(breaches.Json()["items"].size(), 1u) << breaches.body;
  EXPECT_EQ(breaches.Json()["items"][0]["code"], "B-API");
  EXPECT_EQ(Get("/api/batches/B-API").Json()["steps"].size(), 4u);

  // Grading by the product's scale, then tins, label, QR.
  Response lot = Post("/api/lots", {{"code", "L-API"}, {"batch", "B-API"}, {"grain_diameter_mm", 3.3},
                                    {"colour", "amber"}, {"firmness", 5}, {"intact_share", 0.98}});
  ASSERT_EQ(lot.status, 201) << lot.body;
  EXPECT_EQ(lot.Json()["grade"], "imperial");
  const std::string label = lot.Json()["label"];
  EXPECT_EQ(label, "DAU/C/CN/2026/CN-ZJ-001/L-API");
  EXPECT_EQ(Get("/api/lots/L-API").Json()["roe_kg"], 1.5);
  for (const char* tin : {"T-API-1", "T-API-2"}) {
    Response t = Post("/api/tins", {{"code", tin}, {"lot", "L-API"}, {"net_g", 500}, {"label", label}});
    ASSERT_EQ(t.status, 201) << t.body;
  }
  EXPECT_EQ(Get("/api/tins/T-API-1").Json()["grade"], "imperial");
  Response text = Get("/api/tins/T-API-1/label");
  ASSERT_EQ(text.status, 200);
  EXPECT_EQ(text.content_type.substr(0, 10), "text/plain");
  EXPECT_NE(text.body.find(label), std::string::npos) << text.body;
  EXPECT_NE(text.body.find(std::string(kBaseUri) + "/tin/T-API-1"), std::string::npos) << text.body;
  Response png = Get("/api/tins/T-API-1/label.png");
  ASSERT_EQ(png.status, 200);
  EXPECT_EQ(png.content_type, "image/png");
  EXPECT_EQ(DecodeQr(png.body), std::string(kBaseUri) + "/tin/T-API-1");

  // Case, shipment, readings (JSON then CSV with a warm spell), cold chain.
  Response kase = Post("/api/cases", {{"code", "C-API"}, {"packed_at", "2026-04-01T10:00:00Z"},
                                      {"tins", {"T-API-1", "T-API-2"}}});
  ASSERT_EQ(kase.status, 201) << kase.body;
  EXPECT_EQ(Get("/api/cases/C-API").Json()["tins"].size(), 2u);
  Response ship = Post("/api/shipments", {{"code", "S-API"}, {"destination_country", "FR"}, {"carrier", "AirCold"},
                                          {"departure", "2026-04-02T06:00:00Z"}, {"arrival", "2026-04-02T20:00:00Z"},
                                          {"cases", {"C-API"}}});
  ASSERT_EQ(ship.status, 201) << ship.body;
  EXPECT_EQ(Get("/api/shipments/S-API").Json()["cases"][0], "C-API");
  bool listed = false;
  const json shipments = Get("/api/shipments").Json();
  for (const json& s : shipments["items"]) listed = listed || s["code"] == "S-API";
  EXPECT_TRUE(listed);
  Response rj = Post("/api/shipments/S-API/readings",
                     {{"readings", {{{"logger", "L9"}, {"at", "2026-04-02T06:00:00Z"}, {"celsius", 0.5}},
                                    {{"logger", "L9"}, {"at", "2026-04-02T06:30:00Z"}, {"celsius", 1.0}}}}});
  ASSERT_EQ(rj.status, 201) << rj.body;
  EXPECT_EQ(rj.Json()["imported"], 2);
  const std::string csv =
      "logger,at,celsius\nL9,2026-04-02T07:00:00Z,4.0\nL9,2026-04-02T08:00:00Z,5.5\nL9,2026-04-02T09:00:00Z,1.0\n";
  Response rc = client_.Send(http::verb::post, "/api/shipments/S-API/readings", tokens_["admin"], csv, "text/csv");
  ASSERT_EQ(rc.status, 201) << rc.body;
  EXPECT_EQ(rc.Json()["cold_chain"]["excursions"].size(), 1u) << rc.body;
  Response cold = Get("/api/shipments/S-API/cold-chain");
  ASSERT_EQ(cold.status, 200) << cold.body;
  EXPECT_EQ(cold.Json()["readings"], 5);
  ASSERT_EQ(cold.Json()["excursions"].size(), 1u);
  EXPECT_EQ(cold.Json()["excursions"][0]["kind"], "warm");
  EXPECT_EQ(cold.Json()["affected_tins"].size(), 2u);
  // A longer warm limit turns the 120-minute spell into no excursion.
  EXPECT_EQ(Get("/api/shipments/S-API/cold-chain?warm_minutes=180").Json()["excursions"].size(), 0u);

  // Backward traces: by tin and by label, to fish, pool, farm.
  Response back = Get("/api/trace?tin=T-API-2");
  ASSERT_EQ(back.status, 200) << back.body;
  const json origin = back.Json()["lot"]["origins"][0];
  EXPECT_EQ(origin["pit_tag"], kFemaleA2);
  EXPECT_EQ(origin["pool"], "FA-P1");
  EXPECT_EQ(origin["farm"], "FA");
  EXPECT_EQ(back.Json()["shipment"]["code"], "S-API");
  Response by_label = Get("/api/trace?label=" + label);
  ASSERT_EQ(by_label.status, 200) << by_label.body;
  EXPECT_EQ(by_label.Json()["lot"]["lot"]["code"], "L-API");

  // Forward: the fish's tins and shipments, paged one tin at a time.
  Response r1 = Get("/api/recall?fish=" + std::string(kFemaleA2) + "&limit=1");
  ASSERT_EQ(r1.status, 200) << r1.body;
  EXPECT_EQ(r1.Json()["tin_count"], 2);
  EXPECT_EQ(r1.Json()["harvest_count"], 1);
  EXPECT_DOUBLE_EQ(r1.Json()["tin_net_g"].get<double>(), 1000.0);
  ASSERT_EQ(r1.Json()["tins"].size(), 1u);
  EXPECT_EQ(r1.Json()["tins"][0]["code"], "T-API-1");
  ASSERT_TRUE(r1.Json()["next_tin_cursor"].is_number());
  EXPECT_EQ(r1.Json()["shipments"][0]["code"], "S-API");
  Response r2 = Get(fmt::format("/api/recall?fish={}&limit=1&cursor={}", kFemaleA2,
                                r1.Json()["next_tin_cursor"].get<Id>()));
  ASSERT_EQ(r2.status, 200);
  ASSERT_EQ(r2.Json()["tins"].size(), 1u);
  EXPECT_EQ(r2.Json()["tins"][0]["code"], "T-API-2");
  EXPECT_TRUE(r2.Json()["next_tin_cursor"].is_null());
  Response pool = Get("/api/recall?pool=FA-P1");
  ASSERT_EQ(pool.status, 200);
  EXPECT_GE(pool.Json()["tin_count"].get<int>(), 4);

  // EPCIS of the lot and of the shipment.
  for (const std::string q : {"lot=L-API", "shipment=S-API"}) {
    Response e = Get("/api/epcis?" + q);
    ASSERT_EQ(e.status, 200) << q << ": " << e.body;
    EXPECT_EQ(e.content_type, "application/ld+json");
    EXPECT_EQ(e.Json()["type"], "EPCISDocument");
    EXPECT_FALSE(e.Json()["epcisBody"]["eventList"].empty());
  }

  // Every write above is in the audit trail.
  Response audit = Get("/api/audit?resource=tin");
  ASSERT_EQ(audit.status, 200);
  EXPECT_EQ(audit.Json()["items"].size(), 2u) << audit.body;
}

TEST_F(TraceApiTest, QrCodeOfATinDecodesToItsTraceUriWhichTracesBackToTheTin) {
  Response png = Get("/api/tins/T-FA-1/label.png", "viewer");
  ASSERT_EQ(png.status, 200) << png.body;
  const std::string uri = DecodeQr(png.body);
  ASSERT_EQ(uri, std::string(kBaseUri) + "/tin/T-FA-1");
  const std::string tin = uri.substr(uri.rfind('/') + 1);
  Response back = Get("/api/trace?tin=" + tin, "viewer");
  ASSERT_EQ(back.status, 200) << back.body;
  EXPECT_EQ(back.Json()["tin"]["code"], "T-FA-1");
  EXPECT_EQ(back.Json()["lot"]["origins"][0]["pit_tag"], kFemaleA);
}

// Reads: each role x each trace resource x own farm (FA) or the other (FB).
TEST_F(TraceApiTest, ReadAccessFollowsTheFarmOfTheHarvestedFish) {
  const std::vector<std::pair<std::string, std::function<std::string(const std::string&)>>> reads = {
      {"harvest", [](const std::string& f) { return fmt::format("/api/harvests/{}", f == "FA" ? 1 : 2); }},
      {"batch", [](const std::string& f) { return "/api/batches/B-" + f; }},
      {"lot", [](const std::string& f) { return "/api/lots/L-" + f; }},
      {"tin", [](const std::string& f) { return "/api/tins/T-" + f + "-1"; }},
      {"label", [](const std::string& f) { return "/api/tins/T-" + f + "-1/label"; }},
      {"qr", [](const std::string& f) { return "/api/tins/T-" + f + "-1/label.png"; }},
      {"case", [](const std::string& f) { return "/api/cases/C-" + f; }},
      {"shipment", [](const std::string& f) { return "/api/shipments/S-" + f; }},
      {"cold chain", [](const std::string& f) { return "/api/shipments/S-" + f + "/cold-chain"; }},
      {"trace tin", [](const std::string& f) { return "/api/trace?tin=T-" + f + "-1"; }},
      {"trace label", [](const std::string& f) { return "/api/trace?label=DAU/C/CN/2026/CN-ZJ-001/L-" + f; }},
      {"recall fish", [](const std::string& f) { return "/api/recall?fish=" + FemaleOf(f); }},
      {"recall pool", [](const std::string& f) { return "/api/recall?pool=" + f + "-P1"; }},
      {"epcis lot", [](const std::string& f) { return "/api/epcis?lot=L-" + f; }},
      {"epcis shipment", [](const std::string& f) { return "/api/epcis?shipment=S-" + f; }},
  };
  for (const std::string user : {"admin", "auditor", "manager", "worker", "viewer"}) {
    const bool company_wide = user == "admin" || user == "auditor";
    for (const auto& [name, target] : reads) {
      for (const std::string farm : {"FA", "FB"}) {
        const bool allowed = farm == "FA" || company_wide;
        Response r = Get(target(farm), user);
        const std::string what = fmt::format("{} reads {} of {} -> {} {}", user, name, farm, r.status,
                                             r.body.substr(0, 200));
        EXPECT_EQ(r.status, allowed ? 200 : 403) << what;
      }
    }
    // Lists show only the user's farms.
    for (const std::string list : {"/api/harvests", "/api/batches", "/api/shipments"}) {
      Response r = Get(list + "?limit=1000", user);
      ASSERT_EQ(r.status, 200) << user << " " << list;
      bool other = false;
      const json page = r.Json();
      for (const json& item : page["items"]) {
        const std::string text = item.dump();
        other = other || text.find("-FB") != std::string::npos ||
                (list == "/api/harvests" && item["pool_id"] == store_->FindPool("FB-P1")->id);
      }
      EXPECT_EQ(other, company_wide) << user << " " << list << " " << r.body.substr(0, 300);
    }
  }
  Response filtered = Get("/api/harvests?farm=FB", "viewer");
  EXPECT_EQ(filtered.status, 403);
}

// A harvest id in the URL is read exactly: forms that SQLite would coerce
// to a number ("01", "1e1", "1.0") used to be checked against one harvest's
// farm and then read another harvest; they name no harvest.
TEST_F(TraceApiTest, HarvestIdIsReadCanonicallyOrNotAtAll) {
  ASSERT_EQ(Get("/api/harvests/1").status, 200);
  for (const std::string key : {"01", "1e0", "1e1", "1.0", "+1", "%201", "-1", "0", "99999999999999999999"}) {
    Response r = Get("/api/harvests/" + key);
    EXPECT_EQ(r.status, 404) << key << " -> " << r.status << " " << r.body.substr(0, 200);
  }
}

// A fish's recall is the trace of its roe, so it follows the farm where the
// roe was taken, not the pool the fish swims in now.
TEST_F(TraceApiTest, RecallOfAFishThatMovedFollowsTheFarmOfItsRoe) {
  constexpr char kMover[] = "900000000000016";
  const Id fa = store_->FindPool("FA-P1")->id;
  const Id fb = store_->FindPool("FB-P1")->id;
  WriteBatch stock;
  NewFish nf;
  nf.fish.pit_tag = kMover;
  nf.fish.species_id = store_->FindFishByTag(kFemaleB)->species_id;
  nf.fish.sex = Sex::kFemale;
  nf.stock_pool_id = fb;
  nf.stocked_at = T("2025-01-01T00:00:00Z");
  stock.fish.push_back(nf);
  ASSERT_TRUE(store_->Write(stock).ok());
  TraceStore& t = **store_->Trace();
  ASSERT_TRUE(t.AddHarvest(HarvestInput{kMover, T("2026-03-05T08:00:00Z"), 1.5, 3.1, "grey"}).ok());
  // Then the fish is moved to farm A, whose viewer must still not see the
  // roe taken on farm B.
  WriteBatch move;
  Move m;
  m.at = T("2026-03-10T08:00:00Z");
  m.count = 1;
  m.fish_id = store_->FindFishByTag(kMover)->id;
  m.from_pool_id = fb;
  m.to_pool_id = fa;
  m.reason = "test";
  move.moves.push_back(m);
  ASSERT_TRUE(store_->Write(move).ok());
  ASSERT_EQ(Get(fmt::format("/api/fish/{}", kMover), "viewer").status, 200);  // the fish is on farm A now
  Response viewer = Get(fmt::format("/api/recall?fish={}", kMover), "viewer");
  EXPECT_EQ(viewer.status, 403) << viewer.body.substr(0, 300);
  Response admin = Get(fmt::format("/api/recall?fish={}", kMover), "admin");
  ASSERT_EQ(admin.status, 200) << admin.body.substr(0, 300);
  EXPECT_EQ(admin.Json()["harvest_count"], 1) << admin.body.substr(0, 300);
}

// Writes: which role may write which trace record, on its own farm and on
// the other. Each attempt gets fresh prerequisites, so an allowed write
// succeeds (201); a refused one is a 403 that leaves the database unchanged.
TEST_F(TraceApiTest, WriteAccessPerRoleOwnFarmAndOtherFarm) {
  struct Write {
    std::string name;
    bool manager_only;  // else workers may write it too
    std::function<std::pair<std::string, json>(const std::string& farm)> request;
  };
  auto key = [](const std::string& farm) { return fmt::format("{}-W{}", farm, ++serial_); };
  const std::vector<Write> writes = {
      {"harvest", false,
       [](const std::string& f) {
         return std::pair{std::string("/api/harvests"),
                          json{{"pit_tag", FemaleOf(f)}, {"extracted_at", "2026-05-01T08:00:00Z"}, {"roe_kg", 1.0},
                               {"egg_diameter_mm", 3.0}, {"colour", "grey"}}};
       }},
      {"batch", false,
       [&](const std::string& f) {
         const Chain c = MakeChain(f, key(f), Stage::kHarvested);
         return std::pair{std::string("/api/batches"),
                          json{{"code", "NB-" + key(f)}, {"plant", "CN-ZJ-001"}, {"harvests", {c.harvest}}}};
       }},
      {"step", false,
       [&](const std::string& f) {
         const Chain c = MakeChain(f, key(f), Stage::kBatched);
         return std::pair{"/api/batches/" + c.batch + "/steps",
                          json{{"step", "screening"}, {"at", "2026-03-01T08:02:00Z"}}};
       }},
      {"lot", true,
       [&](const std::string& f) {
         const Chain c = MakeChain(f, key(f), Stage::kTinned);
         return std::pair{std::string("/api/lots"),
                          json{{"code", "NL-" + key(f)}, {"batch", c.batch}, {"grain_diameter_mm", 2.9},
                               {"colour", "grey"}, {"firmness", 3}, {"intact_share", 0.92}}};
       }},
      {"tin", false,
       [&](const std::string& f) {
         const Chain c = MakeChain(f, key(f), Stage::kGraded);
         return std::pair{std::string("/api/tins"), json{{"code", "NT-" + key(f)}, {"lot", c.lot}, {"net_g", 125}}};
       }},
      {"case", false,
       [&](const std::string& f) {
         const Chain c = MakeChain(f, key(f), Stage::kFilled);
         return std::pair{std::string("/api/cases"), json{{"code", "NC-" + key(f)}, {"tins", {c.tin, c.tin2}}}};
       }},
      {"shipment", true,
       [&](const std::string& f) {
         const Chain c = MakeChain(f, key(f), Stage::kPacked);
         return std::pair{std::string("/api/shipments"),
                          json{{"code", "NS-" + key(f)}, {"destination_country", "JP"}, {"carrier", "Sea"},
                               {"departure", "2026-03-03T00:00:00Z"}, {"arrival", "2026-03-09T00:00:00Z"},
                               {"cases", {c.case_code}}}};
       }},
      {"readings", false,
       [&](const std::string& f) {
         const Chain c = MakeChain(f, key(f), Stage::kShipped);
         return std::pair{"/api/shipments/" + c.shipment + "/readings",
                          json{{"readings", {{{"logger", "LX"}, {"at", "2026-03-02T09:00:00Z"}, {"celsius", 1.5}}}}}};
       }},
  };
  struct Role {
    std::string user;
    bool daily_own, daily_other, manage_own, manage_other;
  };
  const std::vector<Role> roles = {{"admin", true, true, true, true},
                                   {"auditor", false, false, false, false},
                                   {"manager", true, false, true, false},
                                   {"worker", true, false, false, false},
                                   {"viewer", false, false, false, false}};
  for (const Role& role : roles) {
    for (const Write& w : writes) {
      for (const std::string farm : {"FA", "FB"}) {
        const bool own = farm == "FA";
        const bool allowed = w.manager_only ? (own ? role.manage_own : role.manage_other)
                                            : (own ? role.daily_own : role.daily_other);
        auto [target, body] = w.request(farm);
        const std::string before = DatabaseFingerprint(db_);
        Response r = Post(target, body, role.user);
        const std::string what = fmt::format("{} writes {} on {} -> {} {}", role.user, w.name, farm, r.status, r.body);
        if (allowed) {
          EXPECT_EQ(r.status, 201) << what;
        } else {
          EXPECT_EQ(r.status, 403) << what;
          EXPECT_EQ(DatabaseFingerprint(db_), before) << what;
        }
      }
    }
  }
}

// Each bad request is a clear 4xx naming the problem, and the database
// (audit trail included) is exactly as it was.
TEST_F(TraceApiTest, BadInputIsAClearErrorAndLeavesTheDatabaseUnchanged) {
  const Chain shipped = MakeChain("FA", "BAD", Stage::kShipped);
  struct Case {
    std::string name;
    std::string target;
    std::string body;
    std::string content_type;
    int status;
    std::string field;   // "" when the error names none
    std::string detail;  // a piece of the detail
  };
  auto js = [](const json& j) { return j.dump(); };
  const std::vector<Case> cases = {
      {"harvest from a male", "/api/harvests",
       js({{"pit_tag", kMaleA}, {"roe_kg", 1.0}, {"egg_diameter_mm", 3.0}, {"colour", "grey"}}), "application/json", 422,
       "", "male"},
      {"harvest from an unsexed fish", "/api/harvests",
       js({{"pit_tag", kUnsexedA}, {"roe_kg", 1.0}, {"egg_diameter_mm", 3.0}, {"colour", "grey"}}), "application/json",
       422, "", "unknown sex"},
      {"harvest from an unknown tag", "/api/harvests",
       js({{"pit_tag", "999999999999999"}, {"roe_kg", 1.0}, {"egg_diameter_mm", 3.0}, {"colour", "grey"}}),
       "application/json", 400, "pit_tag", "no fish with PIT tag '999999999999999'"},
      {"harvest of an unknown colour", "/api/harvests",
       js({{"pit_tag", kFemaleA}, {"roe_kg", 1.0}, {"egg_diameter_mm", 3.0}, {"colour", "purple"}}), "application/json",
       400, "", "purple"},
      {"tin heavier than the lot's remaining roe", "/api/tins",
       js({{"code", "T-HEAVY"}, {"lot", shipped.lot}, {"net_g", 1700}}), "application/json", 422, "",
       "more than lot 'L-BAD''s remaining 1625.0 g"},
      {"tin with a malformed label", "/api/tins",
       js({{"code", "T-BADLABEL"}, {"lot", shipped.lot}, {"net_g", 50}, {"label", "DAU/C/CN/26/CN-ZJ-001/L-BAD"}}),
       "application/json", 400, "label", "year '26'"},
      {"tin with another lot's label", "/api/tins",
       js({{"code", "T-OTHER"}, {"lot", shipped.lot}, {"net_g", 50}, {"label", "DAU/C/CN/2026/CN-ZJ-001/L-FA"}}),
       "application/json", 400, "label", "is not lot 'L-BAD''s label"},
      {"tin of an unknown lot", "/api/tins", js({{"code", "T-NOLOT"}, {"lot", "NOPE"}, {"net_g", 50}}),
       "application/json", 400, "lot", "no lot 'NOPE'"},
      {"step out of order", "/api/batches/" + shipped.batch + "/steps", js({{"step", "salting"}, {"salt_percent", 4}}),
       "application/json", 422, "", "already tinned"},
      {"logger CSV with an unparseable row", "/api/shipments/" + shipped.shipment + "/readings",
       "logger,at,celsius\nL1,2026-03-02T08:00:00Z,1.0\nL1,2026-03-02T08:30:00Z,warm\nL1,2026-03-02T09:00:00Z,1.0\n",
       "text/csv", 400, "", "body:3: column 'celsius': 'warm' is not a number"},
      {"logger CSV with a bad time", "/api/shipments/" + shipped.shipment + "/readings",
       "logger,at,celsius\nL1,2026-03-02T08:00:00Z,1.0\nL1,yesterday,1.0\n", "text/csv", 400, "", "body:3: column 'at'"},
      {"logger JSON with a bad reading", "/api/shipments/" + shipped.shipment + "/readings",
       js({{"readings", {{{"logger", "L1"}, {"at", "2026-03-02T08:00:00Z"}, {"celsius", 1}},
                         {{"logger", "L1"}, {"at", "2026-03-02T08:30:00Z"}, {"celsius", "cold"}}}}}),
       "application/json", 400, "celsius", "readings[1]: celsius: must be a number"},
      {"trace of a malformed label", "/api/trace?label=DAU/X/CN/2026/P/L", "", "", 400, "label", "source 'X'"},
      {"shipment of a packed-and-shipped case", "/api/shipments",
       js({{"code", "S-AGAIN"}, {"destination_country", "FR"}, {"carrier", "x"}, {"departure", "2026-03-03T00:00:00Z"},
           {"arrival", "2026-03-04T00:00:00Z"}, {"cases", {shipped.case_code}}}),
       "application/json", 422, "", "already shipped"},
      {"product with min salt above max", "/api/products/bad-salt",
       js({{"min_salt_percent", 6}, {"max_salt_percent", 4}, {"grades", json::array()}}), "application/json", 400,
       "min_salt_percent", "expected 0 <= min <= max <= 100"},
  };
  for (const Case& c : cases) {
    const std::string before = DatabaseFingerprint(db_);
    const http::verb method = c.target.rfind("/api/products/", 0) == 0 ? http::verb::put
                              : c.body.empty()                         ? http::verb::get
                                                                       : http::verb::post;
    Response r = client_.Send(method, c.target, tokens_["admin"], c.body, c.content_type);
    EXPECT_EQ(r.status, c.status) << c.name << ": " << r.body;
    EXPECT_EQ(r.content_type, "application/problem+json") << c.name;
    const json problem = r.Json();
    EXPECT_NE(problem.value("detail", "").find(c.detail), std::string::npos) << c.name << ": " << r.body;
    if (!c.field.empty()) {
      EXPECT_EQ(problem.value("field", ""), c.field) << c.name << ": " << r.body;
    }
    EXPECT_EQ(DatabaseFingerprint(db_), before) << c.name << " changed the database";
  }
}

// Products are settings: a new product's grading scale and cold-chain range
// apply to the batches and shipments that name it.
TEST_F(TraceApiTest, ProductSettingsComeFromTheDatabaseAndOnlyAdminsChangeThem) {
  Response list = Get("/api/products", "viewer");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.Json()["items"].size(), 2u) << list.body;
  json premium = Get("/api/products/malossol").Json();
  premium.erase("name");
  premium["grades"] = {{{"name", "beluga-gold"}, {"min_diameter_mm", 3.5}, {"max_colour", "golden"},
                        {"min_firmness", 5}, {"min_intact_share", 0.99}}};
  premium["max_celsius"] = 0.0;
  premium["warm_excursion_minutes"] = 0;
  for (const std::string user : {"manager", "worker", "viewer", "auditor"}) {
    const std::string before = DatabaseFingerprint(db_);
    Response r = client_.Send(http::verb::put, "/api/products/premium", tokens_[user], premium.dump());
    EXPECT_EQ(r.status, 403) << user;
    EXPECT_EQ(DatabaseFingerprint(db_), before);
  }
  Response put = client_.Send(http::verb::put, "/api/products/premium", tokens_["admin"], premium.dump());
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(Get("/api/products/premium").Json()["grades"][0]["name"], "beluga-gold");

  // A batch of the new product: a sample that is imperial under malossol is
  // only the fallback grade under premium's single, stricter grade.
  const Chain c = MakeChain("FA", "PREMIUM", Stage::kHarvested);
  ASSERT_EQ(Post("/api/batches", {{"code", "B-PREM"}, {"product", "premium"}, {"plant", "CN-ZJ-001"},
                                  {"harvests", {c.harvest}}})
                .status,
            201);
  for (const json& step : {json{{"step", "screening"}, {"at", "2026-03-01T08:02:00Z"}},
                           json{{"step", "rinsing"}, {"at", "2026-03-01T08:04:00Z"}},
                           json{{"step", "salting"}, {"at", "2026-03-01T08:06:00Z"}, {"salt_percent", 3.5}},
                           json{{"step", "tinning"}, {"at", "2026-03-01T08:10:00Z"}}}) {
    ASSERT_EQ(Post("/api/batches/B-PREM/steps", step).status, 201);
  }
  Response lot = Post("/api/lots", {{"code", "L-PREM"}, {"batch", "B-PREM"}, {"grain_diameter_mm", 3.2},
                                    {"colour", "light_grey"}, {"firmness", 4}, {"intact_share", 0.97}});
  ASSERT_EQ(lot.status, 201) << lot.body;
  EXPECT_EQ(lot.Json()["grade"], "select");
  // Its cold-chain range: 0.5 C readings are fine for malossol, warm for premium.
  EXPECT_EQ(Get("/api/shipments/S-FA/cold-chain").Json()["excursions"].size(), 0u);
  Response warm = Get("/api/shipments/S-FA/cold-chain?product=premium");
  ASSERT_EQ(warm.status, 200) << warm.body;
  EXPECT_EQ(warm.Json()["excursions"].size(), 1u) << warm.body;
  EXPECT_EQ(Get("/api/shipments/S-FA/cold-chain?product=nope").status, 400);
}

}  // namespace
}  // namespace sturgeon::api
