// Handlers for farms, pools, species, cohorts and inventory.
#include <algorithm>

#include <fmt/format.h>

#include "api/handlers.h"
#include "api/json_input.h"
#include "api/response_cache.h"
#include "api/service.h"
#include "domain/validation.h"
#include "registry/inventory_service.h"
#include "registry/json_mapping.h"

namespace sturgeon::api {
namespace {

// Pages a list the store returns whole, in id order.
template <typename T>
Result<Reply> PageInMemory(RequestContext& c, std::vector<T> rows) {
  int limit = 0;
  Id after = 0;
  STURGEON_RETURN_IF_ERROR(ParsePaging(c, &limit, &after));
  std::sort(rows.begin(), rows.end(), [](const T& a, const T& b) { return a.id < b.id; });
  nlohmann::json items = nlohmann::json::array();
  std::optional<Id> next;
  for (const T& r : rows) {
    if (r.id <= after) continue;
    if (static_cast<int>(items.size()) == limit) {
      next = items.back()["id"].template get<Id>();
      break;
    }
    items.push_back(ToJson(r));
  }
  return JsonReply(200, Page(std::move(items), next));
}

Result<Id> FarmIdOf(Store& store, const JsonFields& f) {
  STURGEON_ASSIGN_OR_RETURN(std::optional<int64_t> id, f.OptInt("farm_id"));
  if (id) return *id;
  STURGEON_ASSIGN_OR_RETURN(std::string code, f.String("farm", true));
  auto farm = store.FindFarm(code);
  if (!farm.ok()) return Status::InvalidArgument(fmt::format("farm: {}", farm.status().message()));
  return farm->id;
}

Result<std::optional<Id>> SpeciesIdOf(Store& store, const JsonFields& f, const std::string& code_field,
                                      const std::string& id_field, bool required) {
  STURGEON_ASSIGN_OR_RETURN(std::optional<int64_t> id, f.OptInt(id_field));
  if (id) return std::optional<Id>(*id);
  STURGEON_ASSIGN_OR_RETURN(std::string code, f.String(code_field, required));
  if (code.empty()) return std::optional<Id>();
  auto s = store.FindSpecies(code);
  if (!s.ok()) return Status::InvalidArgument(fmt::format("{}: {}", code_field, s.status().message()));
  return std::optional<Id>(s->id);
}

nlohmann::json InventoryJson(const Inventory& inv, Timestamp at) {
  nlohmann::json j = ToJson(inv);
  j["time"] = at.ToString();
  return j;
}

}  // namespace

// ---- Farms ----

Result<Reply> ListFarms(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(std::vector<Farm> farms, c.store().ListFarms());
  const Principal& p = c.principal();
  if (!p.SeesAllFarms()) {
    std::erase_if(farms, [&](const Farm& f) { return !p.Can(Action::kRead, f.id); });
  }
  return PageInMemory(c, std::move(farms));
}

Result<Reply> CreateFarm(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(nlohmann::json body, c.JsonBody());
  STURGEON_ASSIGN_OR_RETURN(JsonFields f, JsonFields::From(body, {"code", "name", "province", "city", "latitude",
                                                                  "longitude", "time_zone"}));
  Farm farm;
  STURGEON_ASSIGN_OR_RETURN(farm.code, f.String("code", true));
  STURGEON_RETURN_IF_ERROR(ValidateCode("code", farm.code));
  STURGEON_ASSIGN_OR_RETURN(farm.name, f.String("name", true));
  STURGEON_ASSIGN_OR_RETURN(farm.province, f.String("province"));
  STURGEON_ASSIGN_OR_RETURN(farm.city, f.String("city"));
  STURGEON_ASSIGN_OR_RETURN(farm.latitude, f.Number("latitude"));
  STURGEON_ASSIGN_OR_RETURN(farm.longitude, f.Number("longitude"));
  if (f.Has("time_zone")) {
    STURGEON_ASSIGN_OR_RETURN(farm.time_zone, f.String("time_zone"));
  }
  STURGEON_RETURN_IF_ERROR(c.principal().RequireAdmin());
  Farm added;
  STURGEON_RETURN_IF_ERROR(AuditedWrite(c, AuditEntry{.action = "create", .resource = "farm"},
                                        [&](AuditEntry& e) -> Result<nlohmann::json> {
                                          STURGEON_ASSIGN_OR_RETURN(added, c.store().AddFarm(farm));
                                          e.resource_key = added.code;
                                          e.farm_id = added.id;
                                          return ToJson(added);
                                        }));
  return JsonReply(201, ToJson(added));
}

Result<Reply> GetFarm(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(Farm farm, c.store().FindFarm(c.Param("code")));
  STURGEON_RETURN_IF_ERROR(c.principal().Require(Action::kRead, farm.id, farm.code));
  return JsonReply(200, ToJson(farm));
}

Result<Reply> GetFarmInventory(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(Timestamp at, InventoryTime(c));
  STURGEON_ASSIGN_OR_RETURN(Farm farm, c.store().FindFarm(c.Param("code")));
  STURGEON_RETURN_IF_ERROR(c.principal().Require(Action::kRead, farm.id, farm.code));
  STURGEON_ASSIGN_OR_RETURN(auto rows, InventoryOfFarmPools(c.store(), farm.id, at));
  std::vector<Inventory> parts;
  nlohmann::json pools = nlohmann::json::array();
  for (const auto& r : rows) {
    parts.push_back(r.inventory);
    nlohmann::json p = ToJson(r.inventory);
    p["pool"] = r.pool.code;
    pools.push_back(std::move(p));
  }
  nlohmann::json j = InventoryJson(SumInventories(parts), at);
  j["farm"] = farm.code;
  j["pool_inventories"] = std::move(pools);
  return JsonReply(200, j);
}

// ---- Pools ----

Result<Reply> ListPools(RequestContext& c) {
  std::optional<Id> farm_id;
  if (auto code = c.Query("farm")) {
    STURGEON_ASSIGN_OR_RETURN(Farm farm, c.store().FindFarm(*code));
    STURGEON_RETURN_IF_ERROR(c.principal().Require(Action::kRead, farm.id, farm.code));
    farm_id = farm.id;
  }
  STURGEON_ASSIGN_OR_RETURN(std::vector<Pool> pools, c.store().ListPools(farm_id));
  const Principal& p = c.principal();
  if (!p.SeesAllFarms()) {
    std::erase_if(pools, [&](const Pool& pool) { return !p.Can(Action::kRead, pool.farm_id); });
  }
  return PageInMemory(c, std::move(pools));
}

Result<Reply> CreatePool(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(nlohmann::json body, c.JsonBody());
  STURGEON_ASSIGN_OR_RETURN(JsonFields f,
                            JsonFields::From(body, {"code", "farm", "farm_id", "kind", "length_m", "width_m",
                                                    "diameter_m", "depth_m", "volume_m3", "max_density_kg_m3"}));
  Pool pool;
  STURGEON_ASSIGN_OR_RETURN(pool.code, f.String("code", true));
  STURGEON_RETURN_IF_ERROR(ValidateCode("code", pool.code));
  STURGEON_ASSIGN_OR_RETURN(pool.farm_id, FarmIdOf(c.store(), f));
  STURGEON_ASSIGN_OR_RETURN(std::string kind, f.String("kind", true));
  auto parsed_kind = ParsePoolKind(kind);
  if (!parsed_kind.ok()) return Status::InvalidArgument(fmt::format("kind: {}", parsed_kind.status().message()));
  pool.kind = *parsed_kind;
  for (auto [name, field] : {std::pair{"length_m", &pool.length_m}, std::pair{"width_m", &pool.width_m},
                             std::pair{"diameter_m", &pool.diameter_m}, std::pair{"depth_m", &pool.depth_m}}) {
    STURGEON_ASSIGN_OR_RETURN(std::optional<double> v, f.OptNumber(name));
    *field = v.value_or(0);
  }
  STURGEON_ASSIGN_OR_RETURN(pool.volume_m3, f.Number("volume_m3"));
  STURGEON_ASSIGN_OR_RETURN(pool.max_density_kg_m3, f.Number("max_density_kg_m3"));
  STURGEON_RETURN_IF_ERROR(
      c.principal().Require(Action::kManage, pool.farm_id, FarmLabel(c.store(), pool.farm_id)));
  Pool added;
  STURGEON_RETURN_IF_ERROR(AuditedWrite(c, AuditEntry{.action = "create", .resource = "pool", .farm_id = pool.farm_id},
                                        [&](AuditEntry& e) -> Result<nlohmann::json> {
                                          STURGEON_ASSIGN_OR_RETURN(added, c.store().AddPool(pool));
                                          e.resource_key = added.code;
                                          return ToJson(added);
                                        }));
  return JsonReply(201, ToJson(added));
}

Result<Reply> GetPool(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(Pool pool, c.store().FindPool(c.Param("code")));
  STURGEON_RETURN_IF_ERROR(RequireOnPool(c, Action::kRead, pool.id).status());
  return JsonReply(200, ToJson(pool));
}

Result<Reply> GetPoolInventory(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(Timestamp at, InventoryTime(c));
  // Cached as "FARM_ID\nBODY", so a hit needs no database read; the access
  // check still runs on every request.
  const std::string key = fmt::format("pool-inventory:{}:{}", c.Param("code"), at.seconds);
  ResponseCache* cache = c.cache();
  if (cache) {
    if (auto hit = cache->Get(key)) {
      const size_t nl = hit->find('\n');
      const Id farm_id = std::stoll(hit->substr(0, nl));
      if (c.principal().Can(Action::kRead, farm_id)) return Reply{200, hit->substr(nl + 1), "application/json"};
    }
  }
  const uint64_t generation = cache ? cache->generation() : 0;
  STURGEON_ASSIGN_OR_RETURN(Pool pool, c.store().FindPool(c.Param("code")));
  if (!c.principal().Can(Action::kRead, pool.farm_id)) {
    return c.principal().Require(Action::kRead, pool.farm_id, FarmLabel(c.store(), pool.farm_id));
  }
  STURGEON_ASSIGN_OR_RETURN(Inventory inv, InventoryOfPool(c.store(), pool.id, at));
  nlohmann::json j = InventoryJson(inv, at);
  j["pool"] = pool.code;
  Reply reply = JsonReply(200, j);
  if (cache) cache->Put(key, fmt::format("{}\n{}", pool.farm_id, reply.body), generation);
  return reply;
}

Result<Reply> GetCompanyInventory(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(Timestamp at, InventoryTime(c));
  STURGEON_ASSIGN_OR_RETURN(auto rows, InventoryOfCompany(c.store(), at));
  const Principal& p = c.principal();
  std::vector<Inventory> parts;
  nlohmann::json farms = nlohmann::json::array();
  for (const auto& r : rows) {
    if (!p.Can(Action::kRead, r.farm.id)) continue;
    parts.push_back(r.inventory);
    nlohmann::json f = ToJson(r.inventory);
    f["farm"] = r.farm.code;
    farms.push_back(std::move(f));
  }
  nlohmann::json j = InventoryJson(SumInventories(parts), at);
  j["complete"] = p.SeesAllFarms();
  j["farm_inventories"] = std::move(farms);
  return JsonReply(200, j);
}

// ---- Species ----

Result<Reply> ListSpecies(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(std::vector<Species> all, c.store().ListSpecies());
  return PageInMemory(c, std::move(all));
}

Result<Reply> CreateSpecies(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(nlohmann::json body, c.JsonBody());
  STURGEON_ASSIGN_OR_RETURN(JsonFields f,
                            JsonFields::From(body, {"code", "name", "scientific_name", "male_parent",
                                                    "female_parent", "male_parent_id", "female_parent_id"}));
  Species s;
  STURGEON_ASSIGN_OR_RETURN(s.code, f.String("code", true));
  STURGEON_ASSIGN_OR_RETURN(s.name, f.String("name", true));
  STURGEON_ASSIGN_OR_RETURN(s.scientific_name, f.String("scientific_name"));
  STURGEON_ASSIGN_OR_RETURN(s.male_parent_id, SpeciesIdOf(c.store(), f, "male_parent", "male_parent_id", false));
  STURGEON_ASSIGN_OR_RETURN(s.female_parent_id,
                            SpeciesIdOf(c.store(), f, "female_parent", "female_parent_id", false));
  STURGEON_RETURN_IF_ERROR(c.principal().RequireAdmin());
  Species added;
  STURGEON_RETURN_IF_ERROR(AuditedWrite(c, AuditEntry{.action = "create", .resource = "species"},
                                        [&](AuditEntry& e) -> Result<nlohmann::json> {
                                          STURGEON_ASSIGN_OR_RETURN(added, c.store().AddSpecies(s));
                                          e.resource_key = added.code;
                                          return ToJson(added);
                                        }));
  return JsonReply(201, ToJson(added));
}

Result<Reply> GetSpecies(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(Species s, c.store().FindSpecies(c.Param("code")));
  return JsonReply(200, ToJson(s));
}

// ---- Cohorts ----

Result<Reply> ListCohorts(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(std::vector<Cohort> all, c.store().ListCohorts());
  return PageInMemory(c, std::move(all));
}

Result<Reply> CreateCohort(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(nlohmann::json body, c.JsonBody());
  STURGEON_ASSIGN_OR_RETURN(JsonFields f,
                            JsonFields::From(body, {"code", "year_class", "species", "species_id", "origin"}));
  Cohort co;
  STURGEON_ASSIGN_OR_RETURN(co.code, f.String("code", true));
  STURGEON_RETURN_IF_ERROR(ValidateCode("code", co.code));
  STURGEON_ASSIGN_OR_RETURN(std::optional<int64_t> year, f.OptInt("year_class"));
  if (!year) return Status::InvalidArgument("year_class: is required");
  co.year_class = static_cast<int>(*year);
  STURGEON_ASSIGN_OR_RETURN(std::optional<Id> species, SpeciesIdOf(c.store(), f, "species", "species_id", true));
  co.species_id = species.value_or(0);
  STURGEON_ASSIGN_OR_RETURN(co.origin, f.String("origin"));
  STURGEON_RETURN_IF_ERROR(c.principal().RequireAnyManager());
  Cohort added;
  STURGEON_RETURN_IF_ERROR(AuditedWrite(c, AuditEntry{.action = "create", .resource = "cohort"},
                                        [&](AuditEntry& e) -> Result<nlohmann::json> {
                                          STURGEON_ASSIGN_OR_RETURN(added, c.store().AddCohort(co));
                                          e.resource_key = added.code;
                                          return ToJson(added);
                                        }));
  return JsonReply(201, ToJson(added));
}

Result<Reply> GetCohort(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(Cohort co, c.store().FindCohort(c.Param("code")));
  return JsonReply(200, ToJson(co));
}

}  // namespace sturgeon::api
