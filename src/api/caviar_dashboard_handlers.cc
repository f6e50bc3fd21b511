// Read-only caviar views for the web dashboard: a shipment's logger readings
// (the Trace page's temperature chart) and the caviar alerts of the company
// overview (cold-chain excursions, processing over the seal limit). Access
// follows trace_handlers.cc: a record belongs to every farm its roe came
// from, and a user must be able to read each of them.
#include <algorithm>
#include <cmath>
#include <tuple>

#include <fmt/format.h>

#include "api/handlers.h"
#include "api/service.h"
#include "storage/trace_store.h"
#include "trace/trace_json.h"
#include "trace/trace_service.h"

namespace sturgeon::api {
namespace {

using nlohmann::json;

// The product whose cold-chain range the alerts use, as GET
// /api/shipments/{code}/cold-chain does by default.
constexpr const char* kAlertProduct = "malossol";
constexpr int kPageRows = 1000;

// OK if the user may read every farm of `scope`; otherwise PermissionDenied
// naming the first farm they may not read.
Status RequireReadScope(RequestContext& c, const TraceScope& scope, std::string_view what) {
  const Principal& p = c.principal();
  for (Id farm : scope.farm_ids) {
    if (!p.Can(Action::kRead, farm)) {
      return p.Require(Action::kRead, farm, FarmLabel(c.store(), farm)).WithContext(what);
    }
  }
  if (scope.unplaced && !p.SeesAllFarms()) {
    return Status::PermissionDenied(
        fmt::format("{}: its roe came from a fish in no pool, which belongs to no farm of user '{}'", what, p.name()));
  }
  return Status::Ok();
}

}  // namespace

Result<Reply> GetShipmentReadings(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(TraceStore * trace, c.store().Trace());
  const std::string& code = c.Param("code");
  STURGEON_ASSIGN_OR_RETURN(TraceScope scope, trace->ScopeOf(TraceKind::kShipment, code));
  STURGEON_RETURN_IF_ERROR(RequireReadScope(c, scope, fmt::format("shipment '{}'", code)));
  STURGEON_ASSIGN_OR_RETURN(trace::Shipment shipment, trace->FindShipment(code));
  STURGEON_ASSIGN_OR_RETURN(std::vector<trace::TemperatureReading> readings, trace->ListReadings(shipment.id));
  std::sort(readings.begin(), readings.end(),
            [](const auto& a, const auto& b) { return std::tie(a.at, a.id) < std::tie(b.at, b.id); });
  json items = json::array();
  for (const auto& r : readings) {
    items.push_back({{"logger", r.logger}, {"at", r.at.ToString()}, {"celsius", r.celsius}});
  }
  return JsonReply(200, {{"shipment", code}, {"items", std::move(items)}});
}

Result<Reply> GetCaviarAlerts(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(TraceStore * trace, c.store().Trace());
  const Principal& p = c.principal();
  json alerts = json::array();

  STURGEON_ASSIGN_OR_RETURN(trace::ProductSpec product, trace::ProductFor(*trace, kAlertProduct));
  STURGEON_ASSIGN_OR_RETURN(std::vector<trace::Shipment> shipments, trace->ListShipments());
  for (const trace::Shipment& s : shipments) {
    STURGEON_ASSIGN_OR_RETURN(TraceScope scope, trace->ScopeOf(TraceKind::kShipment, s.code));
    if (!RequireReadScope(c, scope, s.code).ok()) continue;
    STURGEON_ASSIGN_OR_RETURN(trace::ColdChainReport report, trace::CheckColdChain(*trace, s.code, product));
    for (const trace::Excursion& e : report.excursions) {
      const bool warm = e.kind == trace::ExcursionKind::kWarm;
      alerts.push_back(
          {{"kind", "cold_chain"},
           {"shipment", s.code},
           {"time", e.start.ToString()},
           {"value", e.extreme_celsius},
           {"limit", warm ? product.max_celsius : product.freeze_celsius},
           {"detail", fmt::format("{} for {} minutes, reaching {:.1f} °C; {} tins affected",
                                  warm ? "Too warm" : "Freezing", e.duration_s / 60, e.extreme_celsius,
                                  report.affected_tins.size())}});
    }
  }

  TraceQuery q;
  q.limit = kPageRows;
  if (!p.SeesAllFarms()) q.farm_ids = p.ReadableFarms();
  while (true) {
    STURGEON_ASSIGN_OR_RETURN(std::vector<trace::Batch> rows, trace->ListBatches(q));
    for (const trace::Batch& b : rows) {
      if (!b.seal_breach || !b.seal_minutes) continue;
      alerts.push_back({{"kind", "processing"},
                        {"batch", b.code},
                        {"time", b.steps.empty() ? json() : json(b.steps.back().at.ToString())},
                        {"value", std::round(*b.seal_minutes * 10) / 10},
                        {"limit", product.max_extraction_to_seal_minutes},
                        {"detail", fmt::format("Sealed {:.1f} minutes after extraction, over the {}-minute limit",
                                               *b.seal_minutes, product.max_extraction_to_seal_minutes)}});
    }
    if (static_cast<int>(rows.size()) < q.limit) break;
    q.after_id = rows.back().id;
  }
  return JsonReply(200, {{"alerts", std::move(alerts)}});
}

}  // namespace sturgeon::api
