// Handlers for fish and the records kept about them: moves, daily status
// (single and bulk), feedings, water quality, deaths, stocktakes, sexing and
// biopsies.
#include <fmt/format.h>

#include "api/handlers.h"
#include "api/json_input.h"
#include "api/service.h"
#include "registry/json_mapping.h"

namespace sturgeon::api {
namespace {

template <typename T>
using ListFn = std::function<Result<std::vector<T>>(const RecordQuery&)>;

template <typename T>
Result<Reply> ListRecords(RequestContext& c, const ListFn<T>& list,
                          const std::function<bool(const T&)>& keep = nullptr) {
  STURGEON_ASSIGN_OR_RETURN(RecordQuery q, ParseRecordQuery(c));
  std::optional<Id> next;
  STURGEON_ASSIGN_OR_RETURN(std::vector<T> rows, ListVisible<T>(c, q, list, &next));
  nlohmann::json items = nlohmann::json::array();
  for (const T& r : rows) {
    if (!keep || keep(r)) items.push_back(ToJson(r));
  }
  return JsonReply(200, Page(std::move(items), next));
}

Result<std::optional<Id>> OptPool(Store& store, const JsonFields& f, const std::string& code_field,
                                  const std::string& id_field) {
  STURGEON_ASSIGN_OR_RETURN(std::optional<int64_t> id, f.OptInt(id_field));
  if (id) {
    STURGEON_RETURN_IF_ERROR(store.GetPool(*id).status().WithContext(id_field));
    return std::optional<Id>(*id);
  }
  STURGEON_ASSIGN_OR_RETURN(std::string code, f.String(code_field));
  if (code.empty()) return std::optional<Id>();
  auto pool = store.FindPool(code);
  if (!pool.ok()) return Status::InvalidArgument(fmt::format("{}: {}", code_field, pool.status().message()));
  return std::optional<Id>(pool->id);
}

Result<Id> RequiredPool(Store& store, const JsonFields& f) {
  STURGEON_ASSIGN_OR_RETURN(std::optional<Id> pool, OptPool(store, f, "pool", "pool_id"));
  if (!pool) return Status::InvalidArgument("pool: is required");
  return *pool;
}

Result<std::optional<Id>> OptFish(Store& store, const JsonFields& f) {
  STURGEON_ASSIGN_OR_RETURN(std::optional<int64_t> id, f.OptInt("fish_id"));
  if (id) {
    auto fish = store.GetFish(*id);
    if (!fish.ok()) return Status::InvalidArgument(fmt::format("fish_id: {}", fish.status().message()));
    return std::optional<Id>(*id);
  }
  STURGEON_ASSIGN_OR_RETURN(std::string tag, f.String("pit_tag"));
  if (tag.empty()) return std::optional<Id>();
  auto fish = store.FindFishByTag(tag);
  if (!fish.ok()) return Status::InvalidArgument(fmt::format("pit_tag: {}", fish.status().message()));
  return std::optional<Id>(fish->id);
}

Result<Id> RequiredFish(Store& store, const JsonFields& f) {
  STURGEON_ASSIGN_OR_RETURN(std::optional<Id> fish, OptFish(store, f));
  if (!fish) return Status::InvalidArgument("pit_tag: is required (or fish_id)");
  return *fish;
}

Result<std::optional<Id>> OptCohort(Store& store, const JsonFields& f) {
  STURGEON_ASSIGN_OR_RETURN(std::optional<int64_t> id, f.OptInt("cohort_id"));
  if (id) return std::optional<Id>(*id);
  STURGEON_ASSIGN_OR_RETURN(std::string code, f.String("cohort"));
  if (code.empty()) return std::optional<Id>();
  auto co = store.FindCohort(code);
  if (!co.ok()) return Status::InvalidArgument(fmt::format("cohort: {}", co.status().message()));
  return std::optional<Id>(co->id);
}

template <typename E>
Result<E> ParseEnumField(const JsonFields& f, const std::string& name, Result<E> (*parse)(std::string_view)) {
  STURGEON_ASSIGN_OR_RETURN(std::string text, f.String(name));
  auto v = parse(text);
  if (!v.ok()) return Status::InvalidArgument(fmt::format("{}: {}", name, v.status().message()));
  return *v;
}

Result<int32_t> Count(const JsonFields& f, bool individual) {
  STURGEON_ASSIGN_OR_RETURN(std::optional<int64_t> count, f.OptInt("count"));
  if (!count) {
    if (individual) return 1;
    return Status::InvalidArgument("count: is required for a cohort");
  }
  if (*count < 1 || *count > INT32_MAX) return Status::InvalidArgument("count: must be a positive integer");
  return static_cast<int32_t>(*count);
}

// Writes `batch` (one record) with its audit entry, and returns the stored
// record read back with `list`.
template <typename T>
Result<Reply> WriteOne(RequestContext& c, const WriteBatch& batch, AuditEntry entry, const ListFn<T>& list,
                       std::optional<nlohmann::json> before = std::nullopt) {
  if (before) entry.before = before->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  entry.action = "create";
  nlohmann::json stored;
  STURGEON_RETURN_IF_ERROR(AuditedWrite(c, std::move(entry), [&](AuditEntry& e) -> Result<nlohmann::json> {
    STURGEON_RETURN_IF_ERROR(c.store().Write(batch));
    STURGEON_ASSIGN_OR_RETURN(T row, NewestRecord<T>(list));
    e.resource_key = std::to_string(row.id);
    stored = ToJson(row);
    return stored;
  }));
  return JsonReply(201, stored);
}

}  // namespace

// ---- Fish ----

Result<Reply> ListFish(RequestContext& c) {
  Store& s = c.store();
  return ListRecords<Fish>(c, [&](const RecordQuery& q) { return s.ListFish(q); });
}

Result<Reply> CreateFish(RequestContext& c) {
  Store& store = c.store();
  STURGEON_ASSIGN_OR_RETURN(nlohmann::json body, c.JsonBody());
  STURGEON_ASSIGN_OR_RETURN(JsonFields f, JsonFields::From(body, {"pit_tag", "species", "species_id", "sex",
                                                                  "sex_method", "birth_date", "dam_tag", "sire_tag",
                                                                  "cohort", "cohort_id", "pool", "pool_id",
                                                                  "stocked_at"}));
  NewFish nf;
  STURGEON_ASSIGN_OR_RETURN(nf.fish.pit_tag, f.OptString("pit_tag"));
  {
    STURGEON_ASSIGN_OR_RETURN(std::optional<int64_t> sid, f.OptInt("species_id"));
    if (sid) {
      nf.fish.species_id = *sid;
    } else {
      STURGEON_ASSIGN_OR_RETURN(std::string code, f.String("species", true));
      auto sp = store.FindSpecies(code);
      if (!sp.ok()) return Status::InvalidArgument(fmt::format("species: {}", sp.status().message()));
      nf.fish.species_id = sp->id;
    }
  }
  STURGEON_ASSIGN_OR_RETURN(nf.fish.sex, ParseEnumField<Sex>(f, "sex", ParseSex));
  STURGEON_ASSIGN_OR_RETURN(nf.fish.sex_method, ParseEnumField<SexMethod>(f, "sex_method", ParseSexMethod));
  STURGEON_ASSIGN_OR_RETURN(nf.fish.birth_date, f.OptDate("birth_date"));
  STURGEON_ASSIGN_OR_RETURN(nf.dam_tag, f.OptString("dam_tag"));
  STURGEON_ASSIGN_OR_RETURN(nf.sire_tag, f.OptString("sire_tag"));
  STURGEON_ASSIGN_OR_RETURN(nf.fish.cohort_id, OptCohort(store, f));
  STURGEON_ASSIGN_OR_RETURN(nf.stock_pool_id, OptPool(store, f, "pool", "pool_id"));
  STURGEON_ASSIGN_OR_RETURN(nf.stocked_at, f.Time("stocked_at"));
  AuditEntry entry{.resource = "fish"};
  if (nf.stock_pool_id) {
    STURGEON_ASSIGN_OR_RETURN(Pool pool, RequireOnPool(c, Action::kManage, *nf.stock_pool_id));
    entry.farm_id = pool.farm_id;
  } else {
    STURGEON_RETURN_IF_ERROR(c.principal().RequireAdmin().WithContext("a fish stocked into no pool"));
  }
  WriteBatch batch;
  batch.fish.push_back(nf);
  return WriteOne<Fish>(c, batch, std::move(entry), [&](const RecordQuery& q) { return store.ListFish(q); });
}

Result<Reply> GetFish(RequestContext& c) {
  Store& store = c.store();
  STURGEON_ASSIGN_OR_RETURN(Fish fish, FindFishRef(store, c.Param("ref")));
  STURGEON_RETURN_IF_ERROR(RequireOnFish(c, Action::kRead, fish.id));
  STURGEON_ASSIGN_OR_RETURN(std::optional<Id> pool_id, store.CurrentPoolOfFish(fish.id));
  nlohmann::json j = ToJson(fish);
  j["pool"] = nullptr;
  if (pool_id) {
    STURGEON_ASSIGN_OR_RETURN(Pool pool, store.GetPool(*pool_id));
    j["pool"] = pool.code;
  }
  return JsonReply(200, j);
}

// ---- Moves ----

Result<Reply> ListMoves(RequestContext& c) {
  Store& s = c.store();
  return ListRecords<Move>(c, [&](const RecordQuery& q) { return s.ListMoves(q); });
}

Result<Reply> CreateMove(RequestContext& c) {
  Store& store = c.store();
  STURGEON_ASSIGN_OR_RETURN(nlohmann::json body, c.JsonBody());
  STURGEON_ASSIGN_OR_RETURN(JsonFields f, JsonFields::From(body, {"time", "count", "pit_tag", "fish_id", "cohort",
                                                                  "cohort_id", "from_pool", "from_pool_id",
                                                                  "to_pool", "to_pool_id", "reason"}));
  Move m;
  STURGEON_ASSIGN_OR_RETURN(m.at, f.Time("time"));
  STURGEON_ASSIGN_OR_RETURN(m.fish_id, OptFish(store, f));
  STURGEON_ASSIGN_OR_RETURN(m.cohort_id, OptCohort(store, f));
  STURGEON_ASSIGN_OR_RETURN(m.count, Count(f, m.fish_id.has_value()));
  STURGEON_ASSIGN_OR_RETURN(m.from_pool_id, OptPool(store, f, "from_pool", "from_pool_id"));
  STURGEON_ASSIGN_OR_RETURN(m.to_pool_id, OptPool(store, f, "to_pool", "to_pool_id"));
  STURGEON_ASSIGN_OR_RETURN(m.reason, f.String("reason"));
  AuditEntry entry{.resource = "move"};
  for (const auto& pool : {m.from_pool_id, m.to_pool_id}) {
    if (!pool) continue;
    STURGEON_ASSIGN_OR_RETURN(Pool p, RequireOnPool(c, Action::kManage, *pool));
    entry.farm_id = p.farm_id;
  }
  if (!m.from_pool_id && !m.to_pool_id) STURGEON_RETURN_IF_ERROR(c.principal().RequireAdmin());
  WriteBatch batch;
  batch.moves.push_back(m);
  return WriteOne<Move>(c, batch, std::move(entry), [&](const RecordQuery& q) { return store.ListMoves(q); });
}

// ---- Daily status ----

Result<Reply> ListStatus(RequestContext& c) {
  Store& s = c.store();
  return ListRecords<DailyStatus>(c, [&](const RecordQuery& q) { return s.ListDailyStatus(q); });
}

Result<Reply> CreateStatus(RequestContext& c) {
  Store& store = c.store();
  STURGEON_ASSIGN_OR_RETURN(nlohmann::json body, c.JsonBody());
  STURGEON_ASSIGN_OR_RETURN(JsonFields f, JsonFields::From(body, {"date", "pit_tag", "fish_id", "cohort",
                                                                  "cohort_id", "pool", "pool_id", "weight_g",
                                                                  "length_cm", "health", "feeding", "notes"}));
  DailyStatus s;
  STURGEON_ASSIGN_OR_RETURN(s.day, f.RequiredDate("date"));
  STURGEON_ASSIGN_OR_RETURN(s.fish_id, OptFish(store, f));
  STURGEON_ASSIGN_OR_RETURN(s.cohort_id, OptCohort(store, f));
  STURGEON_ASSIGN_OR_RETURN(s.pool_id, OptPool(store, f, "pool", "pool_id"));
  STURGEON_ASSIGN_OR_RETURN(s.weight_g, f.OptNumber("weight_g"));
  STURGEON_ASSIGN_OR_RETURN(s.length_cm, f.OptNumber("length_cm"));
  STURGEON_ASSIGN_OR_RETURN(s.health, ParseEnumField<Health>(f, "health", ParseHealth));
  STURGEON_ASSIGN_OR_RETURN(s.feeding, ParseEnumField<FeedingResponse>(f, "feeding", ParseFeedingResponse));
  STURGEON_ASSIGN_OR_RETURN(s.notes, f.String("notes"));
  if (!s.fish_id && !(s.cohort_id && s.pool_id)) {
    return Status::InvalidArgument("pit_tag: a status names a fish (pit_tag or fish_id), or a cohort and a pool");
  }
  AuditEntry entry{.resource = "daily_status"};
  if (s.pool_id) {
    STURGEON_ASSIGN_OR_RETURN(Pool p, RequireOnPool(c, Action::kWriteDaily, *s.pool_id));
    entry.farm_id = p.farm_id;
  } else {
    STURGEON_RETURN_IF_ERROR(RequireOnFish(c, Action::kWriteDaily, *s.fish_id));
  }
  WriteBatch batch;
  batch.statuses.push_back(s);
  return WriteOne<DailyStatus>(c, batch, std::move(entry),
                               [&](const RecordQuery& q) { return store.ListDailyStatus(q); });
}

// ---- Feedings, water, deaths, stocktakes ----

Result<Reply> ListFeedings(RequestContext& c) {
  Store& s = c.store();
  return ListRecords<Feeding>(c, [&](const RecordQuery& q) { return s.ListFeedings(q); });
}

Result<Reply> CreateFeeding(RequestContext& c) {
  Store& store = c.store();
  STURGEON_ASSIGN_OR_RETURN(nlohmann::json body, c.JsonBody());
  STURGEON_ASSIGN_OR_RETURN(JsonFields f, JsonFields::From(body, {"pool", "pool_id", "time", "feed_type", "kg"}));
  Feeding r;
  STURGEON_ASSIGN_OR_RETURN(r.pool_id, RequiredPool(store, f));
  STURGEON_ASSIGN_OR_RETURN(r.at, f.Time("time"));
  STURGEON_ASSIGN_OR_RETURN(r.feed_type, f.String("feed_type", true));
  STURGEON_ASSIGN_OR_RETURN(r.kg, f.Number("kg"));
  STURGEON_ASSIGN_OR_RETURN(Pool p, RequireOnPool(c, Action::kWriteDaily, r.pool_id));
  WriteBatch batch;
  batch.feedings.push_back(r);
  return WriteOne<Feeding>(c, batch, AuditEntry{.resource = "feeding", .farm_id = p.farm_id},
                           [&](const RecordQuery& q) { return store.ListFeedings(q); });
}

Result<Reply> ListWater(RequestContext& c) {
  Store& s = c.store();
  return ListRecords<WaterQuality>(c, [&](const RecordQuery& q) { return s.ListWater(q); });
}

Result<Reply> CreateWater(RequestContext& c) {
  Store& store = c.store();
  STURGEON_ASSIGN_OR_RETURN(nlohmann::json body, c.JsonBody());
  STURGEON_ASSIGN_OR_RETURN(JsonFields f, JsonFields::From(body, {"pool", "pool_id", "time", "temperature_c",
                                                                  "oxygen_mg_l", "ph", "ammonia_mg_l",
                                                                  "nitrite_mg_l"}));
  WaterQuality r;
  STURGEON_ASSIGN_OR_RETURN(r.pool_id, RequiredPool(store, f));
  STURGEON_ASSIGN_OR_RETURN(r.at, f.Time("time"));
  STURGEON_ASSIGN_OR_RETURN(r.temperature_c, f.OptNumber("temperature_c"));
  STURGEON_ASSIGN_OR_RETURN(r.oxygen_mg_l, f.OptNumber("oxygen_mg_l"));
  STURGEON_ASSIGN_OR_RETURN(r.ph, f.OptNumber("ph"));
  STURGEON_ASSIGN_OR_RETURN(r.ammonia_mg_l, f.OptNumber("ammonia_mg_l"));
  STURGEON_ASSIGN_OR_RETURN(r.nitrite_mg_l, f.OptNumber("nitrite_mg_l"));
  STURGEON_ASSIGN_OR_RETURN(Pool p, RequireOnPool(c, Action::kWriteDaily, r.pool_id));
  WriteBatch batch;
  batch.water.push_back(r);
  return WriteOne<WaterQuality>(c, batch, AuditEntry{.resource = "water_quality", .farm_id = p.farm_id},
                                [&](const RecordQuery& q) { return store.ListWater(q); });
}

Result<Reply> ListDeaths(RequestContext& c) {
  Store& s = c.store();
  return ListRecords<Removal>(c, [&](const RecordQuery& q) { return s.ListRemovals(q); },
                              [](const Removal& r) { return r.kind == RemovalKind::kDeath; });
}

Result<Reply> CreateDeath(RequestContext& c) {
  Store& store = c.store();
  STURGEON_ASSIGN_OR_RETURN(nlohmann::json body, c.JsonBody());
  STURGEON_ASSIGN_OR_RETURN(JsonFields f, JsonFields::From(body, {"time", "pool", "pool_id", "count", "pit_tag",
                                                                  "fish_id", "cohort", "cohort_id", "cause"}));
  Removal r;
  r.kind = RemovalKind::kDeath;
  STURGEON_ASSIGN_OR_RETURN(r.at, f.Time("time"));
  STURGEON_ASSIGN_OR_RETURN(r.pool_id, RequiredPool(store, f));
  STURGEON_ASSIGN_OR_RETURN(r.fish_id, OptFish(store, f));
  STURGEON_ASSIGN_OR_RETURN(r.cohort_id, OptCohort(store, f));
  STURGEON_ASSIGN_OR_RETURN(r.count, Count(f, r.fish_id.has_value()));
  STURGEON_ASSIGN_OR_RETURN(r.cause, f.String("cause"));
  STURGEON_ASSIGN_OR_RETURN(Pool p, RequireOnPool(c, Action::kWriteDaily, r.pool_id));
  WriteBatch batch;
  batch.removals.push_back(r);
  return WriteOne<Removal>(c, batch, AuditEntry{.resource = "death", .farm_id = p.farm_id},
                           [&](const RecordQuery& q) { return store.ListRemovals(q); });
}

Result<Reply> ListStocktakes(RequestContext& c) {
  Store& s = c.store();
  return ListRecords<Stocktake>(c, [&](const RecordQuery& q) { return s.ListStocktakes(q); });
}

Result<Reply> CreateStocktake(RequestContext& c) {
  Store& store = c.store();
  STURGEON_ASSIGN_OR_RETURN(nlohmann::json body, c.JsonBody());
  STURGEON_ASSIGN_OR_RETURN(JsonFields f, JsonFields::From(body, {"pool", "pool_id", "time", "count", "count_low",
                                                                  "count_high", "mean_weight_g", "method", "notes"}));
  Stocktake t;
  STURGEON_ASSIGN_OR_RETURN(t.pool_id, RequiredPool(store, f));
  STURGEON_ASSIGN_OR_RETURN(t.at, f.Time("time"));
  STURGEON_ASSIGN_OR_RETURN(std::optional<int64_t> count, f.OptInt("count"));
  if (!count) return Status::InvalidArgument("count: is required");
  t.count = *count;
  STURGEON_ASSIGN_OR_RETURN(t.count_low, f.OptInt("count_low"));
  STURGEON_ASSIGN_OR_RETURN(t.count_high, f.OptInt("count_high"));
  STURGEON_ASSIGN_OR_RETURN(t.mean_weight_g, f.OptNumber("mean_weight_g"));
  if (f.Has("method")) {
    STURGEON_ASSIGN_OR_RETURN(t.method, f.String("method"));
  }
  STURGEON_ASSIGN_OR_RETURN(t.notes, f.String("notes"));
  STURGEON_ASSIGN_OR_RETURN(Pool p, RequireOnPool(c, Action::kManage, t.pool_id));
  WriteBatch batch;
  batch.stocktakes.push_back(t);
  return WriteOne<Stocktake>(c, batch, AuditEntry{.resource = "stocktake", .farm_id = p.farm_id},
                             [&](const RecordQuery& q) { return store.ListStocktakes(q); });
}

// ---- Sexing and biopsies ----

Result<Reply> ListSexings(RequestContext& c) {
  Store& s = c.store();
  return ListRecords<Sexing>(c, [&](const RecordQuery& q) { return s.ListSexings(q); });
}

Result<Reply> CreateSexing(RequestContext& c) {
  Store& store = c.store();
  STURGEON_ASSIGN_OR_RETURN(nlohmann::json body, c.JsonBody());
  STURGEON_ASSIGN_OR_RETURN(JsonFields f,
                            JsonFields::From(body, {"pit_tag", "fish_id", "date", "sex", "gonad_stage", "notes"}));
  Sexing x;
  STURGEON_ASSIGN_OR_RETURN(x.fish_id, RequiredFish(store, f));
  STURGEON_ASSIGN_OR_RETURN(x.day, f.RequiredDate("date"));
  STURGEON_ASSIGN_OR_RETURN(x.sex, ParseEnumField<Sex>(f, "sex", ParseSex));
  if (f.Has("gonad_stage")) {
    const nlohmann::json& stage = body["gonad_stage"];
    auto parsed = ParseGonadStage(stage.is_string() ? stage.get<std::string>() : stage.dump());
    if (!parsed.ok()) return Status::InvalidArgument(fmt::format("gonad_stage: {}", parsed.status().message()));
    x.gonad_stage = *parsed;
  }
  STURGEON_ASSIGN_OR_RETURN(x.notes, f.String("notes"));
  STURGEON_RETURN_IF_ERROR(RequireOnFish(c, Action::kWriteDaily, x.fish_id));
  // A sexing also sets the fish's sex: the fish as it was is the previous value.
  STURGEON_ASSIGN_OR_RETURN(Fish before, store.GetFish(x.fish_id));
  WriteBatch batch;
  batch.sexings.push_back(x);
  return WriteOne<Sexing>(c, batch, AuditEntry{.resource = "sexing"},
                          [&](const RecordQuery& q) { return store.ListSexings(q); },
                          nlohmann::json{{"fish", ToJson(before)}});
}

Result<Reply> ListBiopsies(RequestContext& c) {
  Store& s = c.store();
  return ListRecords<Biopsy>(c, [&](const RecordQuery& q) { return s.ListBiopsies(q); });
}

Result<Reply> CreateBiopsy(RequestContext& c) {
  Store& store = c.store();
  STURGEON_ASSIGN_OR_RETURN(nlohmann::json body, c.JsonBody());
  STURGEON_ASSIGN_OR_RETURN(JsonFields f, JsonFields::From(body, {"pit_tag", "fish_id", "date", "egg_diameter_mm",
                                                                  "polarization_index", "notes"}));
  Biopsy b;
  STURGEON_ASSIGN_OR_RETURN(b.fish_id, RequiredFish(store, f));
  STURGEON_ASSIGN_OR_RETURN(b.day, f.RequiredDate("date"));
  STURGEON_ASSIGN_OR_RETURN(b.egg_diameter_mm, f.Number("egg_diameter_mm"));
  STURGEON_ASSIGN_OR_RETURN(b.polarization_index, f.Number("polarization_index"));
  STURGEON_ASSIGN_OR_RETURN(b.notes, f.String("notes"));
  STURGEON_RETURN_IF_ERROR(RequireOnFish(c, Action::kWriteDaily, b.fish_id));
  WriteBatch batch;
  batch.biopsies.push_back(b);
  return WriteOne<Biopsy>(c, batch, AuditEntry{.resource = "biopsy"},
                          [&](const RecordQuery& q) { return store.ListBiopsies(q); });
}

}  // namespace sturgeon::api
