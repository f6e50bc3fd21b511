// Integration tests of the HTTP API: a real server on an ephemeral loopback
// port, a real HTTP client (Boost.Beast, synchronous), a fresh database.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api/api_server.h"
#include "api/router.h"
#include "storage/store.h"
#include "support/api_fixture.h"
#include "support/http_client.h"

namespace sturgeon::api {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using json = nlohmann::json;

using Response = sturgeon::testing::HttpResponse;
using Client = sturgeon::testing::HttpClient;

std::string TempDb(const std::string& name) {
  std::random_device rd;
  auto path = std::filesystem::temp_directory_path() / fmt::format("sturgeon_api_{}_{}.db", name, rd());
  return path.string();
}

// A server on a fresh database with two farms (A, B), a pool and a tagged
// fish on each, species, a cohort, and a user per role.
class ApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = TempDb("suite");
    auto store = OpenStore(db_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    Store& s = **store;
    auto farms = testing::SeedTwoFarms(s, testing::QuzhouTanks());
    ASSERT_TRUE(farms.ok()) << farms.status().ToString();
    farm_ids_ = farms->farm_ids;
    Cohort co;
    co.code = "C2023";
    co.year_class = 2023;
    co.species_id = s.FindSpecies("DAU")->id;
    ASSERT_TRUE(s.AddCohort(co).ok());
    WriteBatch batch;
    for (auto [tag, pool] : {std::pair{"900000000000001", "FA-P1"}, std::pair{"900000000000002", "FB-P1"}}) {
      NewFish nf;
      nf.fish.pit_tag = tag;
      nf.fish.species_id = co.species_id;
      nf.stock_pool_id = s.FindPool(pool)->id;
      nf.stocked_at = *Timestamp::Parse("2025-01-01");
      batch.fish.push_back(nf);
    }
    Move m;
    m.at = *Timestamp::Parse("2025-01-01");
    m.count = 500;
    m.cohort_id = s.FindCohort("C2023")->id;
    m.to_pool_id = s.FindPool("FA-P1")->id;
    batch.moves.push_back(m);
    ASSERT_TRUE(s.Write(batch).ok());

    auto tokens = testing::AddUsersWithTokens(db_, testing::UserPerRole(farm_ids_[0]));
    ASSERT_TRUE(tokens.ok()) << tokens.status().ToString();
    tokens_ = *tokens;
    auto server = ApiServer::Start(testing::TestServerOptions(db_));
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value().release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    std::filesystem::remove(db_);
    std::filesystem::remove(db_ + "-wal");
    std::filesystem::remove(db_ + "-shm");
  }

  Response Get(const std::string& target, const std::string& user = "admin") {
    return client_.Send(http::verb::get, target, user.empty() ? "" : tokens_[user]);
  }
  Response Post(const std::string& target, const json& body, const std::string& user = "admin") {
    return client_.Send(http::verb::post, target, tokens_[user], body.dump());
  }

  static inline std::string db_;
  static inline std::vector<Id> farm_ids_;
  static inline std::map<std::string, std::string> tokens_;
  static inline ApiServer* server_ = nullptr;
  Client client_{server_->port()};
};

TEST_F(ApiTest, HealthzNeedsNoToken) {
  Response r = Get("/healthz", "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Json()["status"], "ok");
}

TEST_F(ApiTest, MissingOrUnknownTokenIs401Problem) {
  for (const std::string& token : {std::string(), std::string("stg_nope")}) {
    Response r = client_.Send(http::verb::get, "/api/farms", token);
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.content_type, "application/problem+json");
    EXPECT_EQ(r.Json()["status"], 401);
  }
}

TEST_F(ApiTest, UnknownRouteIs404AndWrongMethodIs405WithAllow) {
  Response r = Get("/api/nothing-here");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/problem+json");
  Response m = client_.Send(http::verb::delete_, "/api/farms", tokens_["admin"]);
  EXPECT_EQ(m.status, 405);
  EXPECT_NE(m.allow.find("GET"), std::string::npos);
  EXPECT_NE(m.allow.find("POST"), std::string::npos);
}

TEST_F(ApiTest, MalformedJsonIs400NamingTheBody) {
  for (const std::string& body : {std::string("{\"code\": "), std::string("[1,2]"), std::string("not json")}) {
    Response r = client_.Send(http::verb::post, "/api/farms", tokens_["admin"], body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(r.Json()["field"], "body") << body;
  }
}

TEST_F(ApiTest, InvalidFieldIs400NamingTheField) {
  struct Case {
    std::string target;
    json body;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"/api/feedings", {{"pool", "FA-P1"}, {"feed_type", "pellet"}, {"kg", "lots"}}, "kg"},
      {"/api/feedings", {{"pool", "FA-P1"}, {"feed_type", "pellet"}, {"kg", -1}}, "kg"},
      {"/api/status", {{"date", "2025-13-01"}, {"pit_tag", "900000000000001"}}, "date"},
      {"/api/status", {{"date", "2025-03-01"}, {"pit_tag", "900000000000001"}, {"wieght_g", 3}}, "wieght_g"},
      {"/api/farms", {{"code", "bad code!"}, {"name", "x"}, {"latitude", 1}, {"longitude", 2}}, "code"},
      {"/api/pools", {{"code", "FA-P9"}, {"farm", "FA"}, {"kind", "bathtub"}, {"volume_m3", 1},
                      {"max_density_kg_m3", 1}}, "kind"},
  };
  for (const Case& c : cases) {
    Response r = Post(c.target, c.body);
    EXPECT_EQ(r.status, 400) << c.target << " " << c.body.dump() << " -> " << r.body;
    EXPECT_EQ(r.Json()["field"], c.field) << r.body;
  }
}

TEST_F(ApiTest, DuplicatePitTagIs409) {
  Response r = Post("/api/fish", {{"pit_tag", "900000000000001"}, {"species", "DAU"}, {"pool", "FA-P1"}});
  EXPECT_EQ(r.status, 409) << r.body;
}

TEST_F(ApiTest, OversizedBodyIs413) {
  std::string big(2 << 20, ' ');
  Response r = client_.Send(http::verb::post, "/api/farms", tokens_["admin"], big);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.content_type, "application/problem+json");
}

// Each role x each resource x own farm (FA) or the other farm (FB).
TEST_F(ApiTest, AccessControlMatrix) {
  struct Case {
    std::string name;
    bool write;
    bool daily;  // a daily record (workers may write)
    std::function<std::pair<std::string, json>(const std::string& farm)> request;
  };
  const std::vector<Case> resources = {
      {"farm", false, false, [](const std::string& f) { return std::pair{"/api/farms/" + f, json()}; }},
      {"pools", false, false, [](const std::string& f) { return std::pair{"/api/pools?farm=" + f, json()}; }},
      {"pool", false, false, [](const std::string& f) { return std::pair{"/api/pools/" + f + "-P1", json()}; }},
      {"inventory", false, false,
       [](const std::string& f) { return std::pair{"/api/pools/" + f + "-P1/inventory?date=2025-06-01", json()}; }},
      {"farm inventory", false, false,
       [](const std::string& f) { return std::pair{"/api/farms/" + f + "/inventory", json()}; }},
      {"fish", false, false,
       [](const std::string& f) {
         return std::pair{std::string("/api/fish/") + (f == "FA" ? "900000000000001" : "900000000000002"), json()};
       }},
      {"status list", false, false, [](const std::string& f) { return std::pair{"/api/status?farm=" + f, json()}; }},
      {"moves list", false, false, [](const std::string& f) { return std::pair{"/api/moves?pool=" + f + "-P1", json()}; }},
      {"water list", false, false, [](const std::string& f) { return std::pair{"/api/water?farm=" + f, json()}; }},
      {"feeding", true, true,
       [](const std::string& f) {
         return std::pair{"/api/feedings", json{{"pool", f + "-P1"}, {"feed_type", "pellet"}, {"kg", 1.5}}};
       }},
      {"water", true, true,
       [](const std::string& f) { return std::pair{"/api/water", json{{"pool", f + "-P1"}, {"temperature_c", 18}}}; }},
      {"death", true, true,
       [](const std::string& f) {
         return std::pair{"/api/deaths", json{{"pool", f + "-P1"}, {"cohort", "C2023"}, {"count", 1}, {"cause", "x"}}};
       }},
      {"status", true, true,
       [](const std::string& f) {
         static int day = 0;
         ++day;
         return std::pair{"/api/status", json{{"date", fmt::format("2025-02-{:02d}", 1 + day % 28)},
                                              {"cohort", "C2023"}, {"pool", f + "-P1"}, {"weight_g", 100 + day}}};
       }},
      {"biopsy", true, true,
       [](const std::string& f) {
         return std::pair{"/api/biopsies", json{{"pit_tag", f == "FA" ? "900000000000001" : "900000000000002"},
                                                {"date", "2025-03-01"}, {"egg_diameter_mm", 3.1},
                                                {"polarization_index", 0.08}}};
       }},
      {"pool create", true, false,
       [](const std::string& f) {
         static int n = 10;
         ++n;
         return std::pair{"/api/pools", json{{"code", fmt::format("{}-P{}", f, n)}, {"farm", f}, {"kind", "pond"},
                                             {"volume_m3", 100}, {"max_density_kg_m3", 20}}};
       }},
  };
  struct RoleRule {
    std::string user;
    bool read_own, read_other, daily_own, daily_other, manage_own, manage_other;
  };
  const std::vector<RoleRule> roles = {
      {"admin", true, true, true, true, true, true},
      {"auditor", true, true, false, false, false, false},
      {"manager", true, false, true, false, true, false},
      {"worker", true, false, true, false, false, false},
      {"viewer", true, false, false, false, false, false},
  };
  for (const RoleRule& role : roles) {
    for (const Case& res : resources) {
      for (const std::string farm : {"FA", "FB"}) {
        const bool own = farm == "FA";
        bool allowed;
        if (!res.write) {
          allowed = own ? role.read_own : role.read_other;
        } else if (res.daily) {
          allowed = own ? role.daily_own : role.daily_other;
        } else {
          allowed = own ? role.manage_own : role.manage_other;
        }
        auto [target, body] = res.request(farm);
        Response r = res.write ? Post(target, body, role.user) : Get(target, role.user);
        const std::string what = fmt::format("{} {} at {} -> {} {}", role.user, res.name, farm, r.status, r.body);
        if (allowed) {
          EXPECT_EQ(r.status, res.write ? 201 : 200) << what;
        } else {
          EXPECT_EQ(r.status, 403) << what;
          EXPECT_EQ(r.content_type, "application/problem+json") << what;
        }
      }
    }
  }
}

TEST_F(ApiTest, ListsOfManyFarmsShowOnlyTheUsersFarms) {
  for (const char* target : {"/api/farms", "/api/pools", "/api/fish", "/api/moves"}) {
    Response all = Get(target, "admin");
    Response mine = Get(target, "worker");
    ASSERT_EQ(all.status, 200);
    ASSERT_EQ(mine.status, 200) << mine.body;
    EXPECT_GT(all.Json()["items"].size(), mine.Json()["items"].size()) << target;
    EXPECT_GT(mine.Json()["items"].size(), 0u) << target;
  }
}

TEST_F(ApiTest, ListsPageWithCursor) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(Post("/api/feedings", {{"pool", "FB-P1"}, {"feed_type", "page"}, {"kg", i + 1}}).status, 201);
  }
  std::vector<int64_t> ids;
  std::string cursor;
  for (int pages = 0; pages < 10; ++pages) {
    Response r = Get("/api/feedings?pool=FB-P1&limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor));
    ASSERT_EQ(r.status, 200) << r.body;
    json j = r.Json();
    for (const auto& item : j["items"]) ids.push_back(item["id"]);
    if (j["next_cursor"].is_null()) break;
    cursor = std::to_string(j["next_cursor"].get<int64_t>());
  }
  EXPECT_GE(ids.size(), 5u);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end());
}

TEST_F(ApiTest, StringFieldsAreStoredAndReturnedVerbatim) {
  const std::string nasty = "Robert'); DROP TABLE farms;-- \"鲟鱼\" 🐟 \\ % _ ' OR 1=1 --";
  struct Case {
    std::string target;
    json body;
    std::vector<std::string> fields;
  };
  const std::vector<Case> cases = {
      {"/api/farms", {{"code", "FX"}, {"name", nasty}, {"province", nasty}, {"city", nasty}, {"latitude", 1},
                      {"longitude", 2}, {"time_zone", nasty}}, {"name", "province", "city", "time_zone"}},
      {"/api/species", {{"code", "SCH"}, {"name", nasty}, {"scientific_name", nasty}}, {"name", "scientific_name"}},
      {"/api/cohorts", {{"code", "C-NASTY"}, {"year_class", 2024}, {"species", "DAU"}, {"origin", nasty}}, {"origin"}},
      {"/api/moves", {{"cohort", "C2023"}, {"count", 1}, {"from_pool", "FA-P1"}, {"to_pool", "FB-P1"},
                      {"reason", nasty}}, {"reason"}},
      {"/api/deaths", {{"pool", "FA-P1"}, {"cohort", "C2023"}, {"count", 1}, {"cause", nasty}}, {"cause"}},
      {"/api/feedings", {{"pool", "FA-P1"}, {"feed_type", nasty}, {"kg", 2}}, {"feed_type"}},
      {"/api/status", {{"date", "2025-04-01"}, {"pit_tag", "900000000000001"}, {"notes", nasty}}, {"notes"}},
      {"/api/stocktakes", {{"pool", "FA-P1"}, {"count", 400}, {"method", nasty}, {"notes", nasty}},
       {"method", "notes"}},
      {"/api/sexings", {{"pit_tag", "900000000000001"}, {"date", "2025-04-01"}, {"sex", "F"}, {"gonad_stage", "III"},
                        {"notes", nasty}}, {"notes"}},
      {"/api/biopsies", {{"pit_tag", "900000000000001"}, {"date", "2025-04-02"}, {"egg_diameter_mm", 3},
                         {"polarization_index", 0.1}, {"notes", nasty}}, {"notes"}},
  };
  for (const Case& c : cases) {
    Response r = Post(c.target, c.body);
    ASSERT_EQ(r.status, 201) << c.target << " " << r.body;
    json created = r.Json();
    // Read back through the list, not just the POST reply.
    Response list = Get(c.target + "?cursor=" + std::to_string(created["id"].get<int64_t>() - 1) + "&limit=1");
    ASSERT_EQ(list.status, 200) << list.body;
    ASSERT_EQ(list.Json()["items"].size(), 1u) << c.target;
    for (const std::string& field : c.fields) {
      EXPECT_EQ(created[field], nasty) << c.target << " " << field;
      EXPECT_EQ(list.Json()["items"][0][field], nasty) << c.target << " " << field;
    }
  }
  EXPECT_EQ(Get("/api/farms/FA").status, 200);  // farms table still there
}

TEST_F(ApiTest, BulkCsvIsAllOrNothingAndNamesTheBadLine) {
  std::string good = "date,pit_tag,cohort,pool,weight_g,notes\n";
  for (int d = 0; d < 300; ++d) {
    good += fmt::format("{},,C2023,FB-P1,{},bulk\n", Date::FromYmd(2024, 1, 1).AddDays(d).ToString(), 100 + d);
  }
  std::string bad = good + "2025-01-05,,C2023,FB-P1,-5,negative\n";
  const size_t bad_line = 302;
  Response before = Get("/api/status?pool=FB-P1&limit=1000");
  ASSERT_EQ(before.status, 200);
  Response r = client_.Send(http::verb::post, "/api/status/bulk", tokens_["admin"], bad, "text/csv");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.Json()["errors"][0]["line"], bad_line) << r.body;
  EXPECT_EQ(r.Json()["errors"][0]["field"], "weight_g") << r.body;
  Response after_bad = Get("/api/status?pool=FB-P1&limit=1000");
  EXPECT_EQ(after_bad.Json()["items"].size(), before.Json()["items"].size());

  Response ok = client_.Send(http::verb::post, "/api/status/bulk", tokens_["admin"], good, "text/csv");
  EXPECT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(ok.Json()["rows"], 300);
}

TEST_F(ApiTest, BulkNdjsonReportsEveryMalformedRow) {
  std::string body;
  body += R"({"date":"2023-05-01","cohort":"C2023","pool":"FA-P1","weight_g":10})" "\n";
  body += "{not json\n";
  body += R"({"date":"2023-05-02","cohort":"C2023","pool":"FA-P1","colour":"red"})" "\n";
  Response r = client_.Send(http::verb::post, "/api/status/bulk", tokens_["worker"], body, "application/x-ndjson");
  EXPECT_EQ(r.status, 400) << r.body;
  json errors = r.Json()["errors"];
  ASSERT_EQ(errors.size(), 2u) << r.body;
  EXPECT_EQ(errors[0]["line"], 2);
  EXPECT_EQ(errors[1]["line"], 3);
  EXPECT_EQ(errors[1]["field"], "colour");
}

TEST_F(ApiTest, BulkByWorkerIntoOtherFarmIs403AndWritesNothing) {
  std::string body = R"({"date":"2023-06-01","cohort":"C2023","pool":"FB-P1","weight_g":10})" "\n";
  Response r = client_.Send(http::verb::post, "/api/status/bulk", tokens_["worker"], body, "application/x-ndjson");
  EXPECT_EQ(r.status, 403) << r.body;
  Response list = Get("/api/status?pool=FB-P1&from=2023-06-01&to=2023-06-01");
  EXPECT_EQ(list.Json()["items"].size(), 0u);
}

TEST_F(ApiTest, BulkOfOneHundredThousandRowsIsAccepted) {
  std::string body = "date,cohort,pool,weight_g\n";
  body.reserve(4 << 20);
  const char* pools[] = {"FA-P1", "FB-P1"};
  int rows = 0;
  for (int d = 0; d < 50000; ++d) {
    for (const char* pool : pools) {
      body += fmt::format("{},C2023,{},{}\n", Date::FromYmd(1800, 1, 1).AddDays(d).ToString(), pool, 50 + d % 100);
      ++rows;
    }
  }
  Response r = client_.Send(http::verb::post, "/api/status/bulk", tokens_["admin"], body, "text/csv");
  EXPECT_EQ(r.status, 201) << r.body.substr(0, 500);
  EXPECT_EQ(r.Json()["rows"], rows);
}

TEST_F(ApiTest, WritesAreAuditedWithPreviousValueAndTrailIsAppendOnly) {
  Response created = Post("/api/sexings", {{"pit_tag", "900000000000002"}, {"date", "2025-05-01"}, {"sex", "M"}});
  ASSERT_EQ(created.status, 201) << created.body;
  Response audit = Get("/api/audit?resource=sexing&limit=1000", "auditor");
  ASSERT_EQ(audit.status, 200) << audit.body;
  json last = audit.Json()["items"].back();
  EXPECT_EQ(last["actor"], "admin");
  EXPECT_EQ(last["action"], "create");
  EXPECT_EQ(last["after"]["id"], created.Json()["id"]);
  EXPECT_EQ(last["before"]["fish"]["sex"], "unknown");

  Response farm = Post("/api/farms", {{"code", "FAUD"}, {"name", "Audited"}, {"latitude", 1}, {"longitude", 2}});
  ASSERT_EQ(farm.status, 201);
  json entry = Get("/api/audit?resource=farm&limit=1000", "admin").Json()["items"].back();
  EXPECT_TRUE(entry["before"].is_null());
  EXPECT_EQ(entry["after"]["code"], "FAUD");

  // Only auditors and admins read it; no route changes it.
  for (const char* user : {"manager", "worker", "viewer"}) EXPECT_EQ(Get("/api/audit", user).status, 403);
  EXPECT_EQ(client_.Send(http::verb::delete_, "/api/audit", tokens_["admin"]).status, 405);
  EXPECT_EQ(client_.Send(http::verb::put, "/api/audit", tokens_["admin"], "{}").status, 405);

  // The database itself refuses to change or delete entries.
  for (const char* sql : {"DELETE FROM audit_log", "UPDATE audit_log SET actor = 'mallory'"}) {
    const std::string cmd = fmt::format("sqlite3 '{}' \"{}\" 2>&1", db_, sql);
    FILE* p = popen(cmd.c_str(), "r");
    std::string out;
    char buf[256];
    while (fgets(buf, sizeof buf, p)) out += buf;
    EXPECT_NE(pclose(p), 0) << sql;
    EXPECT_NE(out.find("append-only"), std::string::npos) << out;
  }
  EXPECT_EQ(Get("/api/audit?resource=farm&limit=1000", "admin").Json()["items"].back()["actor"], "admin");
}

TEST_F(ApiTest, OpenApiDocumentsEveryRoute) {
  Response r = Get("/api/openapi.json");
  ASSERT_EQ(r.status, 200);
  json doc = r.Json();
  EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
  for (const Route& route : Routes()) {
    auto verb = http::to_string(route.method);
    std::string method(verb.data(), verb.size());
    for (auto& ch : method) ch = static_cast<char>(std::tolower(ch));
    const std::string path(route.path);
    ASSERT_TRUE(doc["paths"].contains(path)) << path;
    ASSERT_TRUE(doc["paths"][path].contains(method)) << method << " " << path;
    EXPECT_FALSE(doc["paths"][path][method]["summary"].get<std::string>().empty()) << path;
    for (const auto& [code, resp] : doc["paths"][path][method]["responses"].items()) {
      const json content = resp.value("content", json::object());
      for (const auto& [type, media] : content.items()) {
        const std::string ref = media["schema"].value("$ref", "");
        if (ref.empty()) continue;
        EXPECT_TRUE(doc["components"]["schemas"].contains(ref.substr(ref.rfind('/') + 1))) << ref;
      }
    }
  }
  // And nothing is documented that the table does not serve.
  size_t operations = 0;
  for (const auto& [path, ops] : doc["paths"].items()) operations += ops.size();
  EXPECT_EQ(operations, Routes().size());
}

TEST_F(ApiTest, MetricsCountRequestsByRouteAndStatus) {
  Get("/healthz", "");
  Response r = Get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("sturgeon_http_requests_total{route=\"GET /healthz\",status=\"200\"}"), std::string::npos);
  EXPECT_NE(r.body.find("sturgeon_http_request_duration_seconds_bucket"), std::string::npos);
}

// The real binary: users and tokens from the command line, then SIGTERM
// while a request is in flight still answers it.
TEST(ServeCommand, TokenFromCliWorksAndSigtermShutsDownGracefully) {
  const std::string db = TempDb("cli");
  auto run = [&](const std::string& args) {
    std::string out;
    FILE* p = popen((std::string(STURGEON_BINARY) + " " + args + " --db " + db + " 2>&1").c_str(), "r");
    char buf[512];
    while (fgets(buf, sizeof buf, p)) out += buf;
    EXPECT_EQ(pclose(p), 0) << args << ": " << out;
    return out;
  };
  run("user add ops --role admin");
  std::string token = run("token create ops");
  token.erase(token.find_last_not_of("\n") + 1);
  ASSERT_EQ(token.rfind("stg_", 0), 0u) << token;

  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(pipe_fds[1], STDOUT_FILENO);
    close(pipe_fds[0]);
    execl(STURGEON_BINARY, STURGEON_BINARY, "serve", "--db", db.c_str(), "--listen", "127.0.0.1:0", "--log-level",
          "warn", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(pipe_fds[1]);
  std::string line;
  char ch;
  while (read(pipe_fds[0], &ch, 1) == 1 && ch != '\n') line += ch;
  const uint16_t port = static_cast<uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));
  {
    Client c(port);
    EXPECT_EQ(c.Send(http::verb::get, "/api/me", token).status, 200);
    EXPECT_EQ(c.Send(http::verb::get, "/api/me", "stg_" + std::string(64, '0')).status, 401);
    kill(pid, SIGTERM);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0);
  close(pipe_fds[0]);
  std::filesystem::remove(db);
}

}  // namespace
}  // namespace sturgeon::api
