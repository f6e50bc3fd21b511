// Handlers for caviar traceability (docs/trace.md): roe harvests, processing
// batches and their steps, graded lots, tins and their labels, cases,
// shipments and their logger readings, cold-chain reports, backward and
// forward traces, EPCIS export and product settings.
//
// The logic is the trace service's (trace/trace_service.h), the same the
// `sturgeon` commands call; these handlers parse, check access and map
// Status to HTTP. A trace record belongs to the farms its roe came from (the
// pools its harvests' fish were in at extraction, TraceStore::ScopeOf): a
// user needs the action on every one of them. Roe from a fish in no pool
// belongs to no farm, so only company-wide roles reach it. Who writes what:
// workers record harvests, batches and their steps, tins, cases and logger
// readings; managers grade lots and ship; admins set products.
#include <fmt/format.h>

#include "api/handlers.h"
#include "api/json_input.h"
#include "api/service.h"
#include "domain/ids.h"
#include "storage/trace_store.h"
#include "trace/label_qr.h"
#include "trace/trace_json.h"
#include "trace/trace_service.h"

namespace sturgeon::api {
namespace {

using nlohmann::json;

constexpr int kDefaultRecallPage = 100;
constexpr std::string_view kCsvType = "text/csv";

Result<TraceStore*> TraceOf(RequestContext& c) { return c.store().Trace(); }

// Checks `action` on every farm of `scope`, naming `what` when refused.
Status RequireOnScope(RequestContext& c, Action action, const TraceScope& scope, std::string_view what) {
  const Principal& p = c.principal();
  for (Id farm : scope.farm_ids) {
    if (!p.Can(action, farm)) {
      return p.Require(action, farm, FarmLabel(c.store(), farm)).WithContext(what);
    }
  }
  if (scope.unplaced) {
    const bool ok = action == Action::kRead ? p.SeesAllFarms() : p.IsAdmin();
    if (!ok) {
      return Status::PermissionDenied(
          fmt::format("{}: its roe came from a fish in no pool, which belongs to no farm of user '{}'", what, p.name()));
    }
  }
  return Status::Ok();
}

// Finds the record and checks `action` on its farms. NotFound for an
// unknown key; with `field` set (the record is named in a request body),
// InvalidArgument naming that field instead.
Status RequireOn(RequestContext& c, Action action, TraceKind kind, const std::string& key,
                 std::string_view field = "") {
  STURGEON_ASSIGN_OR_RETURN(TraceStore * trace, TraceOf(c));
  auto scope = trace->ScopeOf(kind, key);
  if (!scope.ok()) {
    if (!field.empty() && scope.status().code() == StatusCode::kNotFound) {
      return Status::InvalidArgument(fmt::format("{}: {}", field, scope.status().message()));
    }
    return scope.status();
  }
  static constexpr std::string_view kNames[] = {"harvest", "batch", "lot", "tin", "case", "shipment"};
  return RequireOnScope(c, action, *scope, fmt::format("{} '{}'", kNames[static_cast<size_t>(kind)], key));
}

// The first farm of a record, for its audit entry.
std::optional<Id> AuditFarm(RequestContext& c, TraceKind kind, const std::string& key) {
  auto trace = TraceOf(c);
  if (!trace.ok()) return std::nullopt;
  auto scope = (*trace)->ScopeOf(kind, key);
  if (!scope.ok() || scope->farm_ids.empty()) return std::nullopt;
  return scope->farm_ids.front();
}

// The farms a list may show: the `farm` filter (checked), or every farm
// for company-wide roles (unset), or the user's farms.
Result<std::optional<std::vector<Id>>> VisibleFarms(RequestContext& c) {
  const Principal& p = c.principal();
  if (auto code = c.Query("farm")) {
    STURGEON_ASSIGN_OR_RETURN(Farm farm, c.store().FindFarm(*code));
    STURGEON_RETURN_IF_ERROR(p.Require(Action::kRead, farm.id, farm.code));
    return std::optional<std::vector<Id>>(std::vector<Id>{farm.id});
  }
  if (p.SeesAllFarms()) return std::optional<std::vector<Id>>();
  return std::optional<std::vector<Id>>(p.ReadableFarms());
}

Result<std::vector<std::string>> StringList(const json& body, const std::string& name) {
  auto it = body.find(name);
  if (it == body.end() || !it->is_array() || it->empty()) {
    return Status::InvalidArgument(fmt::format("{}: is required: a non-empty list of codes", name));
  }
  std::vector<std::string> out;
  for (const json& v : *it) {
    if (!v.is_string()) return Status::InvalidArgument(fmt::format("{}: must be a list of strings", name));
    out.push_back(v.get<std::string>());
  }
  return out;
}

// Maps a NotFound about a record named in the body to a 400 on its field.
Status AsField(const Status& st, std::string_view field) {
  if (st.code() != StatusCode::kNotFound) return st;
  return Status::InvalidArgument(fmt::format("{}: {}", field, st.message()));
}

Result<std::optional<int>> QueryInt(const RequestContext& c, const std::string& name) {
  auto text = c.Query(name);
  if (!text) return std::optional<int>();
  try {
    size_t used = 0;
    const int v = std::stoi(*text, &used);
    if (used == text->size()) return std::optional<int>(v);
  } catch (const std::exception&) {
  }
  return Status::InvalidArgument(fmt::format("{}: expected an integer, got '{}'", name, *text));
}

// The product named by the `product` query parameter (default malossol),
// with `warm_minutes` applied.
Result<trace::ProductSpec> QueryProduct(RequestContext& c, TraceStore& trace) {
  STURGEON_ASSIGN_OR_RETURN(std::optional<int> warm, QueryInt(c, "warm_minutes"));
  auto product = trace::ProductFor(trace, c.Query("product").value_or("malossol"), warm);
  if (!product.ok()) return AsField(product.status(), "product");
  return product;
}

}  // namespace

// ---- Harvests ----

Result<Reply> CreateHarvest(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(json body, c.JsonBody());
  STURGEON_ASSIGN_OR_RETURN(JsonFields f, JsonFields::From(body, {"pit_tag", "extracted_at", "roe_kg",
                                                                  "egg_diameter_mm", "colour"}));
  HarvestInput in;
  STURGEON_ASSIGN_OR_RETURN(in.pit_tag, f.String("pit_tag", true));
  STURGEON_ASSIGN_OR_RETURN(in.extracted_at, f.Time("extracted_at"));
  STURGEON_ASSIGN_OR_RETURN(in.roe_kg, f.Number("roe_kg"));
  STURGEON_ASSIGN_OR_RETURN(in.egg_diameter_mm, f.Number("egg_diameter_mm"));
  STURGEON_ASSIGN_OR_RETURN(in.colour, f.String("colour", true));
  STURGEON_ASSIGN_OR_RETURN(TraceStore * trace, TraceOf(c));
  // Access first, on the farm of the pool the fish was in at extraction, so
  // that nothing about another farm's fish (its sex) is revealed.
  auto pool = trace->PoolOfFishAt(in.pit_tag, in.extracted_at);
  if (!pool.ok()) return AsField(pool.status(), "pit_tag");
  if (*pool) {
    STURGEON_RETURN_IF_ERROR(RequireOnPool(c, Action::kWriteDaily, **pool).status());
  } else {
    STURGEON_RETURN_IF_ERROR(RequireOnScope(c, Action::kWriteDaily, TraceScope{{}, true},
                                            fmt::format("fish '{}'", in.pit_tag)));
  }
  std::optional<Id> farm;
  if (*pool) farm = c.store().GetPool(**pool)->farm_id;
  trace::Harvest added;
  STURGEON_RETURN_IF_ERROR(AuditedWrite(c, AuditEntry{.action = "create", .resource = "roe_harvest", .farm_id = farm},
                                        [&](AuditEntry& e) -> Result<json> {
                                          STURGEON_ASSIGN_OR_RETURN(added, trace->AddHarvest(in));
                                          e.resource_key = std::to_string(added.id);
                                          return trace::ToJson(added);
                                        }));
  return JsonReply(201, trace::ToJson(added));
}

Result<Reply> ListHarvests(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(TraceStore * trace, TraceOf(c));
  TraceQuery q;
  STURGEON_RETURN_IF_ERROR(ParsePaging(c, &q.limit, &q.after_id));
  STURGEON_ASSIGN_OR_RETURN(q.farm_ids, VisibleFarms(c));
  if (auto pool = c.Query("pool")) {
    STURGEON_ASSIGN_OR_RETURN(Pool p, c.store().FindPool(*pool));
    STURGEON_RETURN_IF_ERROR(RequireOnPool(c, Action::kRead, p.id).status());
    q.pool_id = p.id;
  }
  if (auto fish = c.Query("fish")) {
    STURGEON_ASSIGN_OR_RETURN(Fish f, FindFishRef(c.store(), *fish));
    q.fish_id = f.id;
  }
  STURGEON_ASSIGN_OR_RETURN(std::vector<trace::Harvest> rows, trace->ListHarvests(q));
  json items = json::array();
  for (const auto& h : rows) items.push_back(trace::ToJson(h));
  const bool more = static_cast<int>(rows.size()) == q.limit;
  return JsonReply(200, Page(std::move(items), more ? std::optional<Id>(rows.back().id) : std::nullopt));
}

Result<Reply> GetHarvest(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(TraceStore * trace, TraceOf(c));
  const std::string& key = c.Param("id");
  const std::optional<Id> id = ParseId(key);
  if (!id) return Status::NotFound(fmt::format("no harvest {}", key));
  // The scope is checked for the very id that is then read.
  STURGEON_RETURN_IF_ERROR(RequireOn(c, Action::kRead, TraceKind::kHarvest, std::to_string(*id)));
  STURGEON_ASSIGN_OR_RETURN(trace::Harvest h, trace->GetHarvest(*id));
  return JsonReply(200, trace::ToJson(h));
}

// ---- Batches ----

Result<Reply> CreateBatch(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(json body, c.JsonBody());
  STURGEON_ASSIGN_OR_RETURN(JsonFields f, JsonFields::From(body, {"code", "product", "plant", "harvests"}));
  STURGEON_ASSIGN_OR_RETURN(std::string code, f.String("code", true));
  STURGEON_ASSIGN_OR_RETURN(std::string product, f.String("product"));
  if (product.empty()) product = "malossol";
  STURGEON_ASSIGN_OR_RETURN(std::string plant, f.String("plant", true));
  std::vector<Id> harvests;
  auto it = body.find("harvests");
  if (it == body.end() || !it->is_array() || it->empty()) {
    return Status::InvalidArgument("harvests: is required: a non-empty list of harvest ids");
  }
  for (const json& v : *it) {
    if (!v.is_number_integer()) return Status::InvalidArgument("harvests: must be a list of harvest ids");
    harvests.push_back(v.get<Id>());
  }
  STURGEON_ASSIGN_OR_RETURN(TraceStore * trace, TraceOf(c));
  STURGEON_RETURN_IF_ERROR(AsField(trace->FindProduct(product).status(), "product"));
  for (Id h : harvests) {
    STURGEON_RETURN_IF_ERROR(RequireOn(c, Action::kWriteDaily, TraceKind::kHarvest, std::to_string(h), "harvests"));
  }
  trace::Batch added;
  STURGEON_RETURN_IF_ERROR(AuditedWrite(
      c, AuditEntry{.action = "create", .resource = "processing_batch", .resource_key = code,
                    .farm_id = AuditFarm(c, TraceKind::kHarvest, std::to_string(harvests.front()))},
      [&](AuditEntry&) -> Result<json> {
        STURGEON_ASSIGN_OR_RETURN(added, trace->AddBatch(code, product, plant, harvests));
        return trace::ToJson(added);
      }));
  return JsonReply(201, trace::ToJson(added));
}

Result<Reply> ListBatches(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(TraceStore * trace, TraceOf(c));
  TraceQuery q;
  STURGEON_RETURN_IF_ERROR(ParsePaging(c, &q.limit, &q.after_id));
  STURGEON_ASSIGN_OR_RETURN(q.farm_ids, VisibleFarms(c));
  const std::optional<std::string> breaches = c.Query("breaches");
  if (breaches && *breaches != "true" && *breaches != "false") {
    return Status::InvalidArgument(fmt::format("breaches: expected true or false, got '{}'", *breaches));
  }
  const bool only_breaches = breaches == "true";
  // With `breaches=true`, pages of batches are read until `limit` of them
  // broke a rule (a late seal or a flagged salt) or none are left.
  json items = json::array();
  std::optional<Id> next;
  const int limit = q.limit;
  while (true) {
    STURGEON_ASSIGN_OR_RETURN(std::vector<trace::Batch> rows, trace->ListBatches(q));
    for (const trace::Batch& b : rows) {
      if (only_breaches && !b.seal_breach && !b.salt_flagged) continue;
      items.push_back(trace::ToJson(b));
      if (static_cast<int>(items.size()) == limit) {
        next = b.id;
        break;
      }
    }
    if (next || static_cast<int>(rows.size()) < q.limit) break;
    q.after_id = rows.back().id;
  }
  return JsonReply(200, Page(std::move(items), next));
}

Result<Reply> GetBatch(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(TraceStore * trace, TraceOf(c));
  STURGEON_RETURN_IF_ERROR(RequireOn(c, Action::kRead, TraceKind::kBatch, c.Param("code")));
  STURGEON_ASSIGN_OR_RETURN(trace::Batch b, trace->FindBatch(c.Param("code")));
  return JsonReply(200, trace::ToJson(b));
}

Result<Reply> CreateBatchStep(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(json body, c.JsonBody());
  STURGEON_ASSIGN_OR_RETURN(JsonFields f, JsonFields::From(body, {"step", "at", "salt_percent"}));
  STURGEON_ASSIGN_OR_RETURN(std::string step_name, f.String("step", true));
  auto kind = trace::ParseStepKind(step_name);
  if (!kind.ok()) return Status::InvalidArgument(fmt::format("step: {}", kind.status().message()));
  trace::ProcessingStep step;
  step.kind = *kind;
  STURGEON_ASSIGN_OR_RETURN(step.at, f.Time("at"));
  STURGEON_ASSIGN_OR_RETURN(step.salt_percent, f.OptNumber("salt_percent"));
  const std::string& code = c.Param("code");
  STURGEON_ASSIGN_OR_RETURN(TraceStore * trace, TraceOf(c));
  STURGEON_RETURN_IF_ERROR(RequireOn(c, Action::kWriteDaily, TraceKind::kBatch, code));
  trace::Batch before;
  STURGEON_ASSIGN_OR_RETURN(before, trace->FindBatch(code));
  trace::Batch after;
  STURGEON_RETURN_IF_ERROR(AuditedWrite(
      c, AuditEntry{.action = "create", .resource = "batch_step",
                    .resource_key = fmt::format("{}/{}", code, trace::ToString(step.kind)),
                    .farm_id = AuditFarm(c, TraceKind::kBatch, code),
                    .before = trace::ToJson(before).dump()},
      [&](AuditEntry&) -> Result<json> {
        STURGEON_ASSIGN_OR_RETURN(after, trace->AddStep(code, step));
        return trace::ToJson(after);
      }));
  return JsonReply(201, trace::ToJson(after));
}

// ---- Lots ----

Result<Reply> CreateLot(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(json body, c.JsonBody());
  STURGEON_ASSIGN_OR_RETURN(JsonFields f,
                            JsonFields::From(body, {"code", "batch", "grain_diameter_mm", "colour", "firmness",
                                                    "intact_share", "country", "source"}));
  LotInput in;
  STURGEON_ASSIGN_OR_RETURN(in.code, f.String("code", true));
  STURGEON_ASSIGN_OR_RETURN(in.batch_code, f.String("batch", true));
  STURGEON_ASSIGN_OR_RETURN(in.sample.grain_diameter_mm, f.Number("grain_diameter_mm"));
  STURGEON_ASSIGN_OR_RETURN(in.sample.colour, f.String("colour", true));
  STURGEON_ASSIGN_OR_RETURN(std::optional<int64_t> firmness, f.OptInt("firmness"));
  if (!firmness) return Status::InvalidArgument("firmness: is required");
  in.sample.firmness = static_cast<int>(*firmness);
  STURGEON_ASSIGN_OR_RETURN(in.sample.intact_share, f.Number("intact_share"));
  STURGEON_ASSIGN_OR_RETURN(std::string country, f.String("country"));
  if (!country.empty()) in.country = country;
  STURGEON_ASSIGN_OR_RETURN(std::string source, f.String("source"));
  if (!source.empty()) {
    if (source.size() != 1) return Status::InvalidArgument("source: expected W (wild) or C (captive-bred)");
    in.source = source[0];
  }
  STURGEON_ASSIGN_OR_RETURN(TraceStore * trace, TraceOf(c));
  STURGEON_RETURN_IF_ERROR(RequireOn(c, Action::kManage, TraceKind::kBatch, in.batch_code, "batch"));
  trace::Lot added;
  STURGEON_RETURN_IF_ERROR(AuditedWrite(
      c, AuditEntry{.action = "create", .resource = "lot", .resource_key = in.code,
                    .farm_id = AuditFarm(c, TraceKind::kBatch, in.batch_code)},
      [&](AuditEntry&) -> Result<json> {
        STURGEON_ASSIGN_OR_RETURN(added, trace->AddLot(in));
        return trace::ToJson(added);
      }));
  return JsonReply(201, trace::ToJson(added));
}

Result<Reply> GetLot(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(TraceStore * trace, TraceOf(c));
  STURGEON_RETURN_IF_ERROR(RequireOn(c, Action::kRead, TraceKind::kLot, c.Param("code")));
  STURGEON_ASSIGN_OR_RETURN(trace::Lot lot, trace->FindLot(c.Param("code")));
  return JsonReply(200, trace::ToJson(lot));
}

// ---- Tins and labels ----

Result<Reply> CreateTin(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(json body, c.JsonBody());
  STURGEON_ASSIGN_OR_RETURN(JsonFields f, JsonFields::From(body, {"code", "lot", "net_g", "label"}));
  TinInput in;
  STURGEON_ASSIGN_OR_RETURN(in.code, f.String("code", true));
  STURGEON_ASSIGN_OR_RETURN(in.lot_code, f.String("lot", true));
  STURGEON_ASSIGN_OR_RETURN(in.net_g, f.Number("net_g"));
  STURGEON_ASSIGN_OR_RETURN(in.label, f.OptString("label"));
  if (in.label) {
    auto parsed = trace::ParseLabel(*in.label);
    if (!parsed.ok()) return Status::InvalidArgument(fmt::format("label: {}", parsed.status().message()));
  }
  STURGEON_ASSIGN_OR_RETURN(TraceStore * trace, TraceOf(c));
  STURGEON_RETURN_IF_ERROR(RequireOn(c, Action::kWriteDaily, TraceKind::kLot, in.lot_code, "lot"));
  trace::Tin added;
  STURGEON_RETURN_IF_ERROR(AuditedWrite(
      c, AuditEntry{.action = "create", .resource = "tin", .resource_key = in.code,
                    .farm_id = AuditFarm(c, TraceKind::kLot, in.lot_code)},
      [&](AuditEntry&) -> Result<json> {
        auto tin = trace->AddTin(in);
        if (!tin.ok() && tin.status().code() == StatusCode::kInvalidArgument &&
            tin.status().message().rfind("label", 0) == 0) {
          return Status::InvalidArgument(fmt::format("label: {}", tin.status().message()));
        }
        STURGEON_ASSIGN_OR_RETURN(added, std::move(tin));
        return trace::ToJson(added);
      }));
  return JsonReply(201, trace::ToJson(added));
}

Result<Reply> GetTin(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(TraceStore * trace, TraceOf(c));
  STURGEON_RETURN_IF_ERROR(RequireOn(c, Action::kRead, TraceKind::kTin, c.Param("code")));
  STURGEON_ASSIGN_OR_RETURN(trace::Tin tin, trace->FindTin(c.Param("code")));
  return JsonReply(200, trace::ToJson(tin));
}

Result<Reply> GetTinLabel(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(TraceStore * trace, TraceOf(c));
  STURGEON_RETURN_IF_ERROR(RequireOn(c, Action::kRead, TraceKind::kTin, c.Param("code")));
  STURGEON_ASSIGN_OR_RETURN(trace::TinLabel label, trace::LabelOfTin(*trace, c.Param("code")));
  return Reply{200, label.Text(), "text/plain; charset=utf-8"};
}

Result<Reply> GetTinLabelQr(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(TraceStore * trace, TraceOf(c));
  STURGEON_RETURN_IF_ERROR(RequireOn(c, Action::kRead, TraceKind::kTin, c.Param("code")));
  STURGEON_ASSIGN_OR_RETURN(trace::TinLabel label, trace::LabelOfTin(*trace, c.Param("code")));
  STURGEON_ASSIGN_OR_RETURN(std::string png, trace::EncodeQrPng(label.trace_uri));
  return Reply{200, std::move(png), "image/png"};
}

// ---- Cases and shipments ----

Result<Reply> CreateCase(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(json body, c.JsonBody());
  STURGEON_ASSIGN_OR_RETURN(JsonFields f, JsonFields::From(body, {"code", "packed_at", "tins"}));
  STURGEON_ASSIGN_OR_RETURN(std::string code, f.String("code", true));
  STURGEON_ASSIGN_OR_RETURN(Timestamp packed_at, f.Time("packed_at"));
  STURGEON_ASSIGN_OR_RETURN(std::vector<std::string> tins, StringList(body, "tins"));
  STURGEON_ASSIGN_OR_RETURN(TraceStore * trace, TraceOf(c));
  for (const std::string& t : tins) STURGEON_RETURN_IF_ERROR(RequireOn(c, Action::kWriteDaily, TraceKind::kTin, t, "tins"));
  trace::Case added;
  STURGEON_RETURN_IF_ERROR(AuditedWrite(
      c, AuditEntry{.action = "create", .resource = "case", .resource_key = code,
                    .farm_id = AuditFarm(c, TraceKind::kTin, tins.front())},
      [&](AuditEntry&) -> Result<json> {
        STURGEON_ASSIGN_OR_RETURN(added, trace->AddCase(code, packed_at, tins));
        json j = trace::ToJson(added);
        j["tins"] = tins;
        return j;
      }));
  json j = trace::ToJson(added);
  j["tins"] = tins;
  return JsonReply(201, j);
}

Result<Reply> GetCase(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(TraceStore * trace, TraceOf(c));
  STURGEON_RETURN_IF_ERROR(RequireOn(c, Action::kRead, TraceKind::kCase, c.Param("code")));
  STURGEON_ASSIGN_OR_RETURN(trace::Case found, trace->FindCase(c.Param("code")));
  STURGEON_ASSIGN_OR_RETURN(std::vector<trace::Tin> tins, trace->ListTinsOfCase(found.id));
  json j = trace::ToJson(found);
  j["tins"] = json::array();
  for (const trace::Tin& t : tins) j["tins"].push_back(t.code);
  return JsonReply(200, j);
}

Result<Reply> CreateShipment(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(json body, c.JsonBody());
  STURGEON_ASSIGN_OR_RETURN(JsonFields f, JsonFields::From(body, {"code", "destination_country", "carrier",
                                                                  "departure", "arrival", "cases"}));
  trace::Shipment s;
  STURGEON_ASSIGN_OR_RETURN(s.code, f.String("code", true));
  STURGEON_ASSIGN_OR_RETURN(s.destination_country, f.String("destination_country", true));
  STURGEON_ASSIGN_OR_RETURN(s.carrier, f.String("carrier", true));
  STURGEON_ASSIGN_OR_RETURN(s.departure, f.Time("departure", true));
  STURGEON_ASSIGN_OR_RETURN(s.arrival, f.Time("arrival", true));
  STURGEON_ASSIGN_OR_RETURN(std::vector<std::string> cases, StringList(body, "cases"));
  STURGEON_ASSIGN_OR_RETURN(TraceStore * trace, TraceOf(c));
  for (const std::string& k : cases) STURGEON_RETURN_IF_ERROR(RequireOn(c, Action::kManage, TraceKind::kCase, k, "cases"));
  trace::Shipment added;
  STURGEON_RETURN_IF_ERROR(AuditedWrite(
      c, AuditEntry{.action = "create", .resource = "shipment", .resource_key = s.code,
                    .farm_id = AuditFarm(c, TraceKind::kCase, cases.front())},
      [&](AuditEntry&) -> Result<json> {
        auto shipped = trace->AddShipment(s, cases);
        if (!shipped.ok() && shipped.status().code() == StatusCode::kInvalidArgument &&
            shipped.status().message().rfind("destination", 0) == 0) {
          return Status::InvalidArgument(fmt::format("destination_country: {}", shipped.status().message()));
        }
        STURGEON_ASSIGN_OR_RETURN(added, std::move(shipped));
        json j = trace::ToJson(added);
        j["cases"] = cases;
        return j;
      }));
  json j = trace::ToJson(added);
  j["cases"] = cases;
  return JsonReply(201, j);
}

Result<Reply> ListShipments(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(TraceStore * trace, TraceOf(c));
  int limit = 0;
  Id after = 0;
  STURGEON_RETURN_IF_ERROR(ParsePaging(c, &limit, &after));
  STURGEON_ASSIGN_OR_RETURN(std::vector<trace::Shipment> all, trace->ListShipments());
  json items = json::array();
  std::optional<Id> next;
  for (const trace::Shipment& s : all) {
    if (s.id <= after) continue;
    STURGEON_ASSIGN_OR_RETURN(TraceScope scope, trace->ScopeOf(TraceKind::kShipment, s.code));
    if (!RequireOnScope(c, Action::kRead, scope, s.code).ok()) continue;
    if (static_cast<int>(items.size()) == limit) {
      next = items.back()["id"].get<Id>();
      break;
    }
    items.push_back(trace::ToJson(s));
  }
  return JsonReply(200, Page(std::move(items), next));
}

Result<Reply> GetShipment(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(TraceStore * trace, TraceOf(c));
  STURGEON_RETURN_IF_ERROR(RequireOn(c, Action::kRead, TraceKind::kShipment, c.Param("code")));
  STURGEON_ASSIGN_OR_RETURN(trace::Shipment s, trace->FindShipment(c.Param("code")));
  STURGEON_ASSIGN_OR_RETURN(std::vector<trace::Case> cases, trace->ListCases(s.id));
  json j = trace::ToJson(s);
  j["cases"] = json::array();
  for (const trace::Case& k : cases) j["cases"].push_back(k.code);
  return JsonReply(200, j);
}

// JSON {"readings": [{"logger", "at", "celsius"}, ...]} or a logger CSV
// (text/csv: logger,at,celsius). All or nothing: the first bad row is a 400
// naming its line (CSV) or index (JSON) and column, and nothing is stored.
Result<Reply> CreateReadings(RequestContext& c) {
  const std::string& code = c.Param("code");
  std::vector<trace::TemperatureReading> readings;
  if (c.ContentType() == kCsvType) {
    STURGEON_ASSIGN_OR_RETURN(readings, trace::ParseLoggerCsv(c.request().body(), "body"));
  } else if (c.ContentType() == "application/json") {
    STURGEON_ASSIGN_OR_RETURN(json body, c.JsonBody());
    STURGEON_RETURN_IF_ERROR(JsonFields::From(body, {"readings"}).status());
    auto it = body.find("readings");
    if (it == body.end() || !it->is_array() || it->empty()) {
      return Status::InvalidArgument("readings: is required: a non-empty list of {logger, at, celsius}");
    }
    for (size_t i = 0; i < it->size(); ++i) {
      const std::string where = fmt::format("readings[{}]", i);
      auto f = JsonFields::From((*it)[i], {"logger", "at", "celsius"});
      if (!f.ok()) return f.status().WithContext(where);
      trace::TemperatureReading r;
      auto logger = f->String("logger", true);
      auto at = f->Time("at", true);
      auto celsius = f->Number("celsius");
      for (const Status& st : {logger.status(), at.status(), celsius.status()}) {
        if (!st.ok()) return st.WithContext(where);
      }
      r.logger = *logger;
      if (r.logger.empty()) return Status::InvalidArgument(fmt::format("{}: logger: must not be empty", where));
      r.at = *at;
      r.celsius = *celsius;
      readings.push_back(std::move(r));
    }
  } else {
    return Status::InvalidArgument(
        fmt::format("body: Content-Type '{}': expected application/json or text/csv", c.ContentType()));
  }
  STURGEON_ASSIGN_OR_RETURN(TraceStore * trace, TraceOf(c));
  STURGEON_RETURN_IF_ERROR(RequireOn(c, Action::kWriteDaily, TraceKind::kShipment, code));
  STURGEON_ASSIGN_OR_RETURN(trace::ProductSpec product, QueryProduct(c, *trace));
  trace::ReadingsImport result;
  STURGEON_RETURN_IF_ERROR(AuditedWrite(
      c, AuditEntry{.action = "bulk_create", .resource = "temperature_readings", .resource_key = code,
                    .farm_id = AuditFarm(c, TraceKind::kShipment, code)},
      [&](AuditEntry&) -> Result<json> {
        STURGEON_ASSIGN_OR_RETURN(result, trace::ImportReadings(*trace, code, readings, product));
        return json{{"shipment", code}, {"readings", result.imported}, {"format", c.ContentType()}};
      }));
  return JsonReply(201, {{"imported", result.imported}, {"cold_chain", trace::ToJson(result.report)}});
}

Result<Reply> GetColdChain(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(TraceStore * trace, TraceOf(c));
  STURGEON_RETURN_IF_ERROR(RequireOn(c, Action::kRead, TraceKind::kShipment, c.Param("code")));
  STURGEON_ASSIGN_OR_RETURN(trace::ProductSpec product, QueryProduct(c, *trace));
  STURGEON_ASSIGN_OR_RETURN(trace::ColdChainReport r, trace::CheckColdChain(*trace, c.Param("code"), product));
  json j = trace::ToJson(r);
  j["product"] = product.name;
  return JsonReply(200, j);
}

// ---- Traces and export ----

Result<Reply> GetBackwardTrace(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(TraceStore * trace, TraceOf(c));
  const std::optional<std::string> tin = c.Query("tin");
  const std::optional<std::string> label = c.Query("label");
  if (tin.has_value() == label.has_value()) return Status::InvalidArgument("tin: give tin=ID or label=CODE");
  if (label) {
    auto parsed = trace::ParseLabel(*label);
    if (!parsed.ok()) return Status::InvalidArgument(fmt::format("label: {}", parsed.status().message()));
    STURGEON_ASSIGN_OR_RETURN(trace::BackwardTrace t, trace::TraceBack(*trace, *label));
    STURGEON_RETURN_IF_ERROR(RequireOn(c, Action::kRead, TraceKind::kLot, t.lot.lot.code));
    return JsonReply(200, trace::ToJson(t));
  }
  if (tin->find('/') != std::string::npos) return Status::InvalidArgument("tin: a tin ID has no '/'; use label=");
  STURGEON_RETURN_IF_ERROR(RequireOn(c, Action::kRead, TraceKind::kTin, *tin));
  STURGEON_ASSIGN_OR_RETURN(trace::BackwardTrace t, trace::TraceBack(*trace, *tin));
  return JsonReply(200, trace::ToJson(t));
}

Result<Reply> GetRecall(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(TraceStore * trace, TraceOf(c));
  const std::optional<std::string> fish = c.Query("fish");
  const std::optional<std::string> pool = c.Query("pool");
  if (fish.has_value() == pool.has_value()) return Status::InvalidArgument("fish: give fish=TAG or pool=CODE");
  // The summary form: harvests counted, not listed (GET /api/harvests lists
  // them), totals, lots and shipments whole, and one page of tins.
  RecallPage page;
  page.limit = kDefaultRecallPage;
  page.with_harvests = false;
  if (c.Query("limit")) {
    STURGEON_RETURN_IF_ERROR(ParsePaging(c, &page.limit, &page.after_tin_id));
  } else {
    int ignored = 0;
    STURGEON_RETURN_IF_ERROR(ParsePaging(c, &ignored, &page.after_tin_id));
  }
  Recall r;
  if (pool) {
    STURGEON_ASSIGN_OR_RETURN(Pool p, c.store().FindPool(*pool));
    STURGEON_RETURN_IF_ERROR(RequireOnPool(c, Action::kRead, p.id).status());
    STURGEON_ASSIGN_OR_RETURN(r, trace->RecallPool(*pool, page));
  } else {
    STURGEON_ASSIGN_OR_RETURN(Fish f, FindFishRef(c.store(), *fish));
    // A fish's recall is the trace of its roe: it needs read access to every
    // farm whose pools the roe was taken in (the fish may have moved since,
    // or left every pool). A fish never harvested is checked by its pool.
    const std::string tag = f.pit_tag.value_or(*fish);
    STURGEON_ASSIGN_OR_RETURN(TraceScope roe, trace->ScopeOf(TraceKind::kFishRoe, tag));
    if (roe.farm_ids.empty() && !roe.unplaced) {
      STURGEON_RETURN_IF_ERROR(RequireOnFish(c, Action::kRead, f.id));
    } else {
      STURGEON_RETURN_IF_ERROR(RequireOnScope(c, Action::kRead, roe, fmt::format("fish {}", tag)));
    }
    STURGEON_ASSIGN_OR_RETURN(r, trace->RecallFish(tag, page));
  }
  return JsonReply(200, trace::ToJson(r));
}

Result<Reply> GetEpcis(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(TraceStore * trace, TraceOf(c));
  const std::string lot = c.Query("lot").value_or("");
  const std::string shipment = c.Query("shipment").value_or("");
  if (lot.empty() == shipment.empty()) return Status::InvalidArgument("lot: give lot=CODE or shipment=CODE");
  if (lot.empty()) {
    STURGEON_RETURN_IF_ERROR(RequireOn(c, Action::kRead, TraceKind::kShipment, shipment));
  } else {
    STURGEON_RETURN_IF_ERROR(RequireOn(c, Action::kRead, TraceKind::kLot, lot));
  }
  STURGEON_ASSIGN_OR_RETURN(trace::ProductSpec product, QueryProduct(c, *trace));
  STURGEON_ASSIGN_OR_RETURN(json doc, trace::ExportEpcis(*trace, lot, shipment, product,
                                                         trace::EpcisOptions{std::string(trace::kDefaultBaseUri),
                                                                             Timestamp::Now()}));
  Reply reply = JsonReply(200, doc);
  reply.content_type = "application/ld+json";
  return reply;
}

// ---- Products ----

Result<Reply> ListProducts(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(TraceStore * trace, TraceOf(c));
  STURGEON_ASSIGN_OR_RETURN(std::vector<trace::ProductSpec> all, trace->ListProducts());
  json items = json::array();
  for (const auto& p : all) items.push_back(trace::ToJson(p));
  return JsonReply(200, {{"items", items}, {"next_cursor", nullptr}});
}

Result<Reply> GetProduct(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(TraceStore * trace, TraceOf(c));
  STURGEON_ASSIGN_OR_RETURN(trace::ProductSpec p, trace->FindProduct(c.Param("name")));
  return JsonReply(200, trace::ToJson(p));
}

Result<Reply> PutProduct(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(json body, c.JsonBody());
  STURGEON_ASSIGN_OR_RETURN(trace::ProductSpec p, trace::ProductFromJson(body, c.Param("name")));
  STURGEON_RETURN_IF_ERROR(c.principal().RequireAdmin());
  STURGEON_ASSIGN_OR_RETURN(TraceStore * trace, TraceOf(c));
  auto before = trace->FindProduct(p.name);
  const bool exists = before.ok();
  STURGEON_RETURN_IF_ERROR(AuditedWrite(
      c, AuditEntry{.action = exists ? "update" : "create", .resource = "product", .resource_key = p.name,
                    .before = exists ? std::optional<std::string>(trace::ToJson(*before).dump()) : std::nullopt},
      [&](AuditEntry&) -> Result<json> {
        STURGEON_RETURN_IF_ERROR(trace->PutProduct(p));
        STURGEON_ASSIGN_OR_RETURN(trace::ProductSpec stored, trace->FindProduct(p.name));
        return trace::ToJson(stored);
      }));
  STURGEON_ASSIGN_OR_RETURN(trace::ProductSpec stored, trace->FindProduct(p.name));
  return JsonReply(200, trace::ToJson(stored));
}

// ---- OpenAPI ----

namespace {

json Input(std::initializer_list<std::pair<const char*, const char*>> fields, std::initializer_list<const char*> required) {
  json props = json::object();
  for (const auto& [name, type] : fields) {
    props[name] = std::string_view(type) == "array" ? json{{"type", "array"}, {"items", json::object()}} : json{{"type", type}};
  }
  json s = {{"type", "object"}, {"properties", props}, {"additionalProperties", false}};
  if (required.size()) s["required"] = required;
  return s;
}

}  // namespace

json TraceSchemas() {
  json s = json::object();
  const trace::Tin tin;
  const trace::Batch batch;
  const trace::Shipment shipment;
  s["Harvest"] = SchemaOf(trace::ToJson(trace::Harvest{}));
  s["Batch"] = SchemaOf(trace::ToJson(batch));
  s["Lot"] = SchemaOf(trace::ToJson(trace::Lot{}));
  s["Tin"] = SchemaOf(trace::ToJson(tin));
  json case_json = trace::ToJson(trace::Case{});
  case_json["tins"] = json::array();
  s["Case"] = SchemaOf(case_json);
  json shipment_json = trace::ToJson(shipment);
  shipment_json["cases"] = json::array();
  s["Shipment"] = SchemaOf(shipment_json);
  for (const char* t : {"Harvest", "Batch", "Shipment"}) s[std::string(t) + "Page"] = PageOf(t);
  trace::ColdChainReport report;
  json cold = trace::ToJson(report);
  cold["product"] = "";
  s["ColdChain"] = SchemaOf(cold);
  s["ReadingsResult"] = SchemaOf(json{{"imported", 1}, {"cold_chain", trace::ToJson(report)}});
  s["Trace"] = SchemaOf(trace::ToJson(TinTrace{}));
  s["Recall"] = SchemaOf(trace::ToJson(Recall{}));
  s["Recall"]["properties"]["next_tin_cursor"] = {{"type", "integer"}, {"nullable", true}};
  s["EpcisDocument"] = {{"type", "object"}, {"description", "A GS1 EPCIS 2.0 EPCISDocument (JSON-LD)"}};
  s["QrPng"] = {{"type", "string"}, {"format", "binary"}};
  s["Product"] = SchemaOf(trace::ToJson(*trace::FindProduct("malossol")));
  s["ProductPage"] = PageOf("Product");
  s["NewHarvest"] = Input({{"pit_tag", "string"}, {"extracted_at", "string"}, {"roe_kg", "number"},
                           {"egg_diameter_mm", "number"}, {"colour", "string"}},
                          {"pit_tag", "roe_kg", "egg_diameter_mm", "colour"});
  s["NewBatch"] = Input({{"code", "string"}, {"product", "string"}, {"plant", "string"}, {"harvests", "array"}},
                        {"code", "plant", "harvests"});
  s["NewBatchStep"] = Input({{"step", "string"}, {"at", "string"}, {"salt_percent", "number"}}, {"step"});
  s["NewLot"] = Input({{"code", "string"}, {"batch", "string"}, {"grain_diameter_mm", "number"}, {"colour", "string"},
                       {"firmness", "integer"}, {"intact_share", "number"}, {"country", "string"}, {"source", "string"}},
                      {"code", "batch", "grain_diameter_mm", "colour", "firmness", "intact_share"});
  s["NewTin"] = Input({{"code", "string"}, {"lot", "string"}, {"net_g", "number"}, {"label", "string"}},
                      {"code", "lot", "net_g"});
  s["NewCase"] = Input({{"code", "string"}, {"packed_at", "string"}, {"tins", "array"}}, {"code", "tins"});
  s["NewShipment"] = Input({{"code", "string"}, {"destination_country", "string"}, {"carrier", "string"},
                            {"departure", "string"}, {"arrival", "string"}, {"cases", "array"}},
                           {"code", "destination_country", "carrier", "departure", "arrival", "cases"});
  s["NewReadings"] = Input({{"readings", "array"}}, {"readings"});
  s["NewReadings"]["description"] =
      "JSON {readings: [{logger, at, celsius}]}, or a logger CSV (text/csv) with the header logger,at,celsius";
  return s;
}

}  // namespace sturgeon::api
