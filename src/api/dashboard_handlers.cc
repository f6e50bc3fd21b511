// Read-only views for the web dashboard (web/): the company overview with
// its alerts, a farm's pools with their last counts, and a pool's history,
// each in one request with the same access checks as the rest of the API.
// Also serves the dashboard's own files, built into the binary (web_assets.h).
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include <fmt/format.h>

#include "api/handlers.h"
#include "api/service.h"
#include "api/web_assets.h"
#include "registry/inventory_service.h"
#include "registry/json_mapping.h"

namespace sturgeon::api {
namespace {

// Alert rules shown by the dashboard.
constexpr double kLowOxygenMgL = 5.0;        // dissolved oxygen below this is an alert
constexpr int kOxygenAlertDays = 7;          // readings this recent raise alerts
constexpr double kTemperatureLowC = 10.0;    // the chart's comfortable band for sturgeon
constexpr double kTemperatureHighC = 25.0;
constexpr int kPoolHistoryDays = 180;        // a pool view's default span
constexpr int kRecentRecords = 30;           // feedings and deaths listed in a pool view
constexpr int kPageRows = 1000;

nlohmann::json Thresholds() {
  return {{"oxygen_min_mg_l", kLowOxygenMgL},
          {"temperature_low_c", kTemperatureLowC},
          {"temperature_high_c", kTemperatureHighC}};
}

nlohmann::json Round1(double v) { return std::round(v * 10) / 10; }

// Every row of a record list, paging through the store.
template <typename T, typename List>
Result<std::vector<T>> ListAll(RecordQuery q, List list) {
  std::vector<T> out;
  q.limit = kPageRows;
  while (true) {
    STURGEON_ASSIGN_OR_RETURN(std::vector<T> rows, list(q));
    for (auto& r : rows) out.push_back(std::move(r));
    if (static_cast<int>(rows.size()) < q.limit) break;
    q.after_id = out.back().id;
  }
  return out;
}

// Density over the maximum, and low oxygen readings of the last week, for
// the pools of one farm.
Result<nlohmann::json> FarmAlerts(Store& store, const Farm& farm, const std::vector<PoolInventoryRow>& pools,
                                  Timestamp now) {
  nlohmann::json alerts = nlohmann::json::array();
  for (const PoolInventoryRow& r : pools) {
    if (!r.inventory.over_max) continue;
    alerts.push_back({{"kind", "density"},
                      {"farm", farm.code},
                      {"pool", r.pool.code},
                      {"time", now.ToString()},
                      {"value", Round1(r.inventory.density_kg_m3)},
                      {"limit", r.pool.max_density_kg_m3},
                      {"detail", fmt::format("Density {:.1f} kg/m³ is over the pool's maximum of {:.0f} kg/m³",
                                             r.inventory.density_kg_m3, r.pool.max_density_kg_m3)}});
  }
  RecordQuery q;
  q.farm_id = farm.id;
  q.from = now.date().AddDays(-kOxygenAlertDays);
  STURGEON_ASSIGN_OR_RETURN(std::vector<WaterQuality> water,
                            ListAll<WaterQuality>(q, [&](const RecordQuery& rq) { return store.ListWater(rq); }));
  std::map<Id, std::string> codes;
  for (const PoolInventoryRow& r : pools) codes[r.pool.id] = r.pool.code;
  for (const WaterQuality& w : water) {
    if (!w.oxygen_mg_l || *w.oxygen_mg_l >= kLowOxygenMgL) continue;
    alerts.push_back({{"kind", "low_oxygen"},
                      {"farm", farm.code},
                      {"pool", codes.count(w.pool_id) ? codes[w.pool_id] : std::to_string(w.pool_id)},
                      {"time", w.at.ToString()},
                      {"value", *w.oxygen_mg_l},
                      {"limit", kLowOxygenMgL},
                      {"detail", fmt::format("Dissolved oxygen {:.1f} mg/L, below {:.0f} mg/L", *w.oxygen_mg_l,
                                             kLowOxygenMgL)}});
  }
  return alerts;
}

// A pool's latest stocktake, set against the book count it replaced.
Result<nlohmann::json> LastStocktakeJson(Store& store, const Pool& pool, const std::optional<Stocktake>& last) {
  if (!last) return nlohmann::json();
  STURGEON_ASSIGN_OR_RETURN(Inventory before, InventoryOfPool(store, pool.id, last->at.AddSeconds(-1)));
  const Reconciliation r = Reconcile(before, *last);
  nlohmann::json j = ToJson(*last);
  j["book_count"] = r.book_count;
  j["variance"] = r.variance;
  j["variance_pct"] = Round1(r.variance_pct);
  j["book_within_interval"] = r.book_within_interval;
  j["book_mean_weight_g"] = r.book_mean_weight_g ? Round1(*r.book_mean_weight_g) : nlohmann::json();
  j["mean_weight_variance_pct"] = r.mean_weight_variance_pct ? Round1(*r.mean_weight_variance_pct) : nlohmann::json();
  return j;
}

// The latest stocktake of each pool of a farm.
Result<std::map<Id, Stocktake>> LatestStocktakes(Store& store, Id farm_id) {
  RecordQuery q;
  q.farm_id = farm_id;
  STURGEON_ASSIGN_OR_RETURN(std::vector<Stocktake> all,
                            ListAll<Stocktake>(q, [&](const RecordQuery& rq) { return store.ListStocktakes(rq); }));
  std::map<Id, Stocktake> latest;
  for (Stocktake& s : all) {
    auto it = latest.find(s.pool_id);
    if (it == latest.end() || std::tie(it->second.at, it->second.id) < std::tie(s.at, s.id)) latest[s.pool_id] = s;
  }
  return latest;
}

nlohmann::json FarmJson(const Farm& f) {
  return {{"code", f.code},         {"name", f.name},           {"province", f.province},
          {"city", f.city},         {"latitude", f.latitude},   {"longitude", f.longitude}};
}

Reply Asset(const WebAsset& a, const RequestContext& c) {
  const std::string etag = fmt::format("\"{:016x}\"", a.hash);
  const auto inm = c.request()[boost::beast::http::field::if_none_match];
  Reply r{200, std::string(a.data, a.size), std::string(a.content_type)};
  if (std::string_view(inm.data(), inm.size()) == etag) {
    r.status = 304;
    r.body.clear();
  }
  // Revalidated on every load (cheap: 304), so an upgraded binary's files
  // are picked up at once.
  r.headers = {{"Cache-Control", "no-cache"},
               {"ETag", etag},
               {"X-Content-Type-Options", "nosniff"},
               {"Content-Security-Policy",
                "default-src 'self'; img-src 'self' blob: data:; style-src 'self' 'unsafe-inline'; "
                "connect-src 'self'; frame-ancestors 'none'"}};
  return r;
}

}  // namespace

Result<Reply> GetDashboard(RequestContext& c) {
  const WebAsset* index = FindWebAsset("index.html");
  if (!index) return Status::NotFound("the dashboard is not built into this binary");
  return Asset(*index, c);
}

Result<Reply> GetDashboardAsset(RequestContext& c) {
  const WebAsset* a = FindWebAsset("assets/" + c.Param("name"));
  if (!a) return Status::NotFound(fmt::format("no dashboard file named '{}'", c.Param("name")));
  return Asset(*a, c);
}

Result<Reply> GetOverview(RequestContext& c) {
  const Timestamp now = Timestamp::Now();
  Store& store = c.store();
  const Principal& p = c.principal();
  STURGEON_ASSIGN_OR_RETURN(std::vector<Farm> farms, store.ListFarms());
  nlohmann::json farms_json = nlohmann::json::array();
  nlohmann::json alerts = nlohmann::json::array();
  std::vector<Inventory> totals;
  for (const Farm& f : farms) {
    if (!p.Can(Action::kRead, f.id)) continue;
    STURGEON_ASSIGN_OR_RETURN(std::vector<PoolInventoryRow> pools, InventoryOfFarmPools(store, f.id, now));
    std::vector<Inventory> parts;
    for (const auto& r : pools) parts.push_back(r.inventory);
    const Inventory inv = SumInventories(parts);
    totals.push_back(inv);
    STURGEON_ASSIGN_OR_RETURN(nlohmann::json farm_alerts, FarmAlerts(store, f, pools, now));
    nlohmann::json fj = FarmJson(f);
    fj["inventory"] = ToJson(inv);
    fj["alerts"] = farm_alerts.size();
    farms_json.push_back(std::move(fj));
    for (auto& a : farm_alerts) alerts.push_back(std::move(a));
  }
  return JsonReply(200, {{"time", now.ToString()},
                         {"complete", p.SeesAllFarms()},
                         {"inventory", ToJson(SumInventories(totals))},
                         {"farms", std::move(farms_json)},
                         {"alerts", std::move(alerts)},
                         {"thresholds", Thresholds()}});
}

Result<Reply> GetFarmOverview(RequestContext& c) {
  const Timestamp now = Timestamp::Now();
  Store& store = c.store();
  STURGEON_ASSIGN_OR_RETURN(Farm farm, store.FindFarm(c.Param("code")));
  STURGEON_RETURN_IF_ERROR(c.principal().Require(Action::kRead, farm.id, farm.code));
  STURGEON_ASSIGN_OR_RETURN(std::vector<PoolInventoryRow> pools, InventoryOfFarmPools(store, farm.id, now));
  STURGEON_ASSIGN_OR_RETURN(auto latest, LatestStocktakes(store, farm.id));
  std::vector<Inventory> parts;
  nlohmann::json pools_json = nlohmann::json::array();
  for (const PoolInventoryRow& r : pools) {
    parts.push_back(r.inventory);
    auto it = latest.find(r.pool.id);
    STURGEON_ASSIGN_OR_RETURN(
        nlohmann::json last,
        LastStocktakeJson(store, r.pool, it == latest.end() ? std::nullopt : std::optional<Stocktake>(it->second)));
    pools_json.push_back({{"pool", ToJson(r.pool)}, {"inventory", ToJson(r.inventory)}, {"last_stocktake", last}});
  }
  STURGEON_ASSIGN_OR_RETURN(nlohmann::json alerts, FarmAlerts(store, farm, pools, now));
  return JsonReply(200, {{"time", now.ToString()},
                         {"farm", FarmJson(farm)},
                         {"inventory", ToJson(SumInventories(parts))},
                         {"pools", std::move(pools_json)},
                         {"alerts", std::move(alerts)}});
}

Result<Reply> GetPoolOverview(RequestContext& c) {
  const Timestamp now = Timestamp::Now();
  Store& store = c.store();
  STURGEON_ASSIGN_OR_RETURN(Pool pool, store.FindPool(c.Param("code")));
  STURGEON_RETURN_IF_ERROR(RequireOnPool(c, Action::kRead, pool.id).status());
  STURGEON_ASSIGN_OR_RETURN(Farm farm, store.GetFarm(pool.farm_id));
  STURGEON_ASSIGN_OR_RETURN(RecordQuery q, ParseRecordQuery(c));
  q.farm_id.reset();
  q.pool_id = pool.id;
  q.fish_id.reset();
  q.cohort_id.reset();
  q.after_id = 0;
  if (!q.from) q.from = (q.to ? Timestamp::FromDate(*q.to) : now).date().AddDays(-kPoolHistoryDays);
  STURGEON_ASSIGN_OR_RETURN(Inventory inv, InventoryOfPool(store, pool.id, now));

  // Growth: the mean of each day's weighings (cohort means and individuals).
  STURGEON_ASSIGN_OR_RETURN(std::vector<DailyStatus> statuses,
                            ListAll<DailyStatus>(q, [&](const RecordQuery& rq) { return store.ListDailyStatus(rq); }));
  std::map<int64_t, std::pair<double, int>> by_day;
  for (const DailyStatus& s : statuses) {
    if (!s.weight_g) continue;
    auto& [sum, n] = by_day[s.day.days];
    sum += *s.weight_g;
    ++n;
  }
  nlohmann::json growth = nlohmann::json::array();
  for (const auto& [day, v] : by_day) {
    growth.push_back({{"date", Date{static_cast<int32_t>(day)}.ToString()},
                      {"mean_weight_g", Round1(v.first / v.second)},
                      {"weighings", v.second}});
  }
  STURGEON_ASSIGN_OR_RETURN(std::vector<WaterQuality> water_rows,
                            ListAll<WaterQuality>(q, [&](const RecordQuery& rq) { return store.ListWater(rq); }));
  nlohmann::json water = nlohmann::json::array();
  for (const WaterQuality& w : water_rows) water.push_back(ToJson(w));
  auto recent = [](auto rows) {
    nlohmann::json out = nlohmann::json::array();
    constexpr size_t kKeep = kRecentRecords;
    const size_t first = rows.size() > kKeep ? rows.size() - kKeep : 0;
    for (size_t i = rows.size(); i-- > first;) out.push_back(ToJson(rows[i]));
    return out;
  };
  STURGEON_ASSIGN_OR_RETURN(std::vector<Feeding> feedings,
                            ListAll<Feeding>(q, [&](const RecordQuery& rq) { return store.ListFeedings(rq); }));
  RecordQuery all_time = q;
  all_time.from.reset();
  STURGEON_ASSIGN_OR_RETURN(std::vector<Removal> removals,
                            ListAll<Removal>(all_time, [&](const RecordQuery& rq) { return store.ListRemovals(rq); }));
  std::erase_if(removals, [](const Removal& r) { return r.kind != RemovalKind::kDeath; });
  STURGEON_ASSIGN_OR_RETURN(std::vector<Stocktake> stocktakes,
                            ListAll<Stocktake>(all_time, [&](const RecordQuery& rq) { return store.ListStocktakes(rq); }));
  std::optional<Stocktake> last;
  for (const Stocktake& s : stocktakes) {
    if (!last || std::tie(last->at, last->id) < std::tie(s.at, s.id)) last = s;
  }
  STURGEON_ASSIGN_OR_RETURN(nlohmann::json last_json, LastStocktakeJson(store, pool, last));
  // The stocktake job that produced the last stocktake, for its snapshot.
  STURGEON_ASSIGN_OR_RETURN(std::vector<StocktakeJob> jobs, store.ListStocktakeJobs(pool.id, 20));
  nlohmann::json snapshot;
  for (const StocktakeJob& j : jobs) {
    if (last && j.stocktake_id == last->id && j.has_snapshot) {
      snapshot = fmt::format("/api/stocktake-jobs/{}/snapshot.png", j.id);
    }
  }
  if (!last_json.is_null()) last_json["snapshot_url"] = snapshot;
  return JsonReply(200, {{"time", now.ToString()},
                         {"pool", ToJson(pool)},
                         {"farm", FarmJson(farm)},
                         {"inventory", ToJson(inv)},
                         {"growth", std::move(growth)},
                         {"water", std::move(water)},
                         {"thresholds", Thresholds()},
                         {"feedings", recent(feedings)},
                         {"deaths", recent(removals)},
                         {"deaths_total", std::accumulate(removals.begin(), removals.end(), int64_t{0},
                                                          [](int64_t a, const Removal& r) { return a + r.count; })},
                         {"last_stocktake", last_json}});
}

}  // namespace sturgeon::api
