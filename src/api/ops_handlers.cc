// Handlers for operations: health, metrics, the OpenAPI document, the
// current user and the audit trail.
#include <fmt/format.h>

#include "api/handlers.h"
#include "api/metrics.h"
#include "api/service.h"

namespace sturgeon::api {

Result<Reply> HealthCheck(RequestContext&) { return Reply{200, "{\"status\":\"ok\"}", "application/json"}; }

Result<Reply> GetMetrics(RequestContext& c) {
  if (!c.metrics()) return Status::Internal("metrics are not enabled");
  return Reply{200, c.metrics()->Render(), "text/plain; version=0.0.4"};
}

Result<Reply> GetOpenApi(RequestContext&) {
  static const std::string kDocument = OpenApiDocument().dump(2);
  return Reply{200, kDocument, "application/json"};
}

Result<Reply> GetMe(RequestContext& c) {
  const Principal& p = c.principal();
  nlohmann::json grants = nlohmann::json::array();
  for (const Grant& g : p.grants()) {
    grants.push_back({{"role", ToString(g.role)},
                      {"farm", g.farm_id ? nlohmann::json(FarmLabel(c.store(), *g.farm_id)) : nlohmann::json(nullptr)}});
  }
  return JsonReply(200, {{"id", p.user_id()}, {"name", p.name()}, {"grants", grants}});
}

Result<Reply> ListAuditTrail(RequestContext& c) {
  STURGEON_RETURN_IF_ERROR(c.principal().RequireAudit());
  AuditQuery q;
  STURGEON_RETURN_IF_ERROR(ParsePaging(c, &q.limit, &q.after_id));
  if (auto farm = c.Query("farm")) {
    STURGEON_ASSIGN_OR_RETURN(Farm f, c.store().FindFarm(*farm));
    q.farm_id = f.id;
  }
  q.actor = c.Query("actor");
  q.resource = c.Query("resource");
  for (auto [name, field] : {std::pair{"from", &q.from}, std::pair{"to", &q.to}}) {
    if (auto text = c.Query(name)) {
      auto d = Date::Parse(*text);
      if (!d.ok()) return Status::InvalidArgument(fmt::format("{}: {}", name, d.status().message()));
      *field = *d;
    }
  }
  STURGEON_ASSIGN_OR_RETURN(std::vector<AuditEntry> entries, c.store().ListAudit(q));
  auto parse = [](const std::optional<std::string>& text) {
    if (!text) return nlohmann::json(nullptr);
    nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
    return j.is_discarded() ? nlohmann::json(*text) : j;
  };
  nlohmann::json items = nlohmann::json::array();
  for (const AuditEntry& e : entries) {
    items.push_back({{"id", e.id},
                     {"time", e.at.ToString()},
                     {"user_id", e.user_id ? nlohmann::json(*e.user_id) : nlohmann::json(nullptr)},
                     {"actor", e.actor},
                     {"action", e.action},
                     {"resource", e.resource},
                     {"resource_key", e.resource_key},
                     {"farm_id", e.farm_id ? nlohmann::json(*e.farm_id) : nlohmann::json(nullptr)},
                     {"request", e.request},
                     {"before", parse(e.before)},
                     {"after", parse(e.after)}});
  }
  std::optional<Id> next;
  if (static_cast<int>(entries.size()) == q.limit) next = entries.back().id;
  return JsonReply(200, Page(std::move(items), next));
}

}  // namespace sturgeon::api
