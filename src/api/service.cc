#include "api/service.h"

#include <charconv>

#include <boost/beast/http/verb.hpp>
#include <fmt/format.h>

#include "api/response_cache.h"
#include "domain/ids.h"

namespace sturgeon::api {
namespace {

Result<int64_t> ParseInt(std::string_view name, const std::string& text) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return Status::InvalidArgument(fmt::format("{}: expected an integer, got '{}'", name, text));
  }
  return v;
}

Result<std::optional<Date>> QueryDate(const RequestContext& c, const std::string& name) {
  auto text = c.Query(name);
  if (!text) return std::optional<Date>();
  auto d = Date::Parse(*text);
  if (!d.ok()) return Status::InvalidArgument(fmt::format("{}: {}", name, d.status().message()));
  return std::optional<Date>(*d);
}

}  // namespace

Status ParsePaging(const RequestContext& c, int* limit, Id* after) {
  *limit = kDefaultPageSize;
  *after = 0;
  if (auto l = c.Query("limit")) {
    STURGEON_ASSIGN_OR_RETURN(int64_t v, ParseInt("limit", *l));
    if (v < 1 || v > kMaxPageSize) {
      return Status::InvalidArgument(fmt::format("limit: must be between 1 and {}, got {}", kMaxPageSize, v));
    }
    *limit = static_cast<int>(v);
  }
  if (auto cur = c.Query("cursor")) {
    STURGEON_ASSIGN_OR_RETURN(int64_t v, ParseInt("cursor", *cur));
    if (v < 0) return Status::InvalidArgument("cursor: must not be negative");
    *after = v;
  }
  return Status::Ok();
}

Result<RecordQuery> ParseRecordQuery(RequestContext& c) {
  RecordQuery q;
  STURGEON_RETURN_IF_ERROR(ParsePaging(c, &q.limit, &q.after_id));
  Store& store = c.store();
  if (auto farm = c.Query("farm")) {
    STURGEON_ASSIGN_OR_RETURN(Farm f, store.FindFarm(*farm));
    q.farm_id = f.id;
  }
  if (auto pool = c.Query("pool")) {
    STURGEON_ASSIGN_OR_RETURN(Pool p, store.FindPool(*pool));
    q.pool_id = p.id;
  }
  if (auto fish = c.Query("fish")) {
    STURGEON_ASSIGN_OR_RETURN(Fish f, FindFishRef(store, *fish));
    q.fish_id = f.id;
  }
  if (auto cohort = c.Query("cohort")) {
    STURGEON_ASSIGN_OR_RETURN(Cohort co, store.FindCohort(*cohort));
    q.cohort_id = co.id;
  }
  STURGEON_ASSIGN_OR_RETURN(q.from, QueryDate(c, "from"));
  STURGEON_ASSIGN_OR_RETURN(q.to, QueryDate(c, "to"));
  if (q.from && q.to && *q.to < *q.from) return Status::InvalidArgument("to: is before from");
  return q;
}

Result<Timestamp> InventoryTime(const RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(std::optional<Date> d, QueryDate(c, "date"));
  return d ? Timestamp::EndOfDay(*d) : Timestamp::Now();
}

std::string FarmLabel(Store& store, Id farm_id) {
  auto f = store.GetFarm(farm_id);
  return f.ok() ? f->code : fmt::format("#{}", farm_id);
}

Result<Pool> RequireOnPool(RequestContext& c, Action action, Id pool_id) {
  STURGEON_ASSIGN_OR_RETURN(Pool pool, c.store().GetPool(pool_id));
  if (!c.principal().Can(action, pool.farm_id)) {
    return c.principal().Require(action, pool.farm_id, FarmLabel(c.store(), pool.farm_id));
  }
  return pool;
}

Status RequireOnFish(RequestContext& c, Action action, Id fish_id) {
  STURGEON_ASSIGN_OR_RETURN(std::optional<Id> pool_id, c.store().CurrentPoolOfFish(fish_id));
  if (pool_id) return RequireOnPool(c, action, *pool_id).status();
  const Principal& p = c.principal();
  const bool ok = action == Action::kRead ? p.SeesAllFarms() : p.IsAdmin();
  if (ok) return Status::Ok();
  return Status::PermissionDenied(
      fmt::format("fish {} is in no pool, so it belongs to no farm of user '{}'", fish_id, p.name()));
}

Result<Fish> FindFishRef(Store& store, const std::string& ref) {
  constexpr size_t kPitTagDigits = 15;
  if (ref.size() == kPitTagDigits) return store.FindFishByTag(ref);
  std::optional<Id> id = ParseId(ref);
  if (!id) return Status::InvalidArgument(fmt::format("fish: '{}' is neither a 15-digit PIT tag nor a fish id", ref));
  return store.GetFish(*id);
}

nlohmann::json Page(nlohmann::json items, std::optional<Id> next_cursor) {
  return {{"items", std::move(items)},
          {"next_cursor", next_cursor ? nlohmann::json(*next_cursor) : nlohmann::json(nullptr)}};
}

Status CheckListScope(RequestContext& c, const RecordQuery& q) {
  const Principal& p = c.principal();
  if (q.farm_id) STURGEON_RETURN_IF_ERROR(p.Require(Action::kRead, *q.farm_id, FarmLabel(c.store(), *q.farm_id)));
  if (q.pool_id) STURGEON_RETURN_IF_ERROR(RequireOnPool(c, Action::kRead, *q.pool_id).status());
  return Status::Ok();
}

Status AuditedWrite(RequestContext& c, AuditEntry entry, const std::function<Result<nlohmann::json>(AuditEntry&)>& change) {
  Store& store = c.store();
  const auto method = c.request().method_string();
  entry.user_id = c.principal().user_id();
  entry.actor = c.principal().name();
  entry.request = fmt::format("{} {}", std::string_view(method.data(), method.size()), c.path());
  Status st = store.Transaction([&]() -> Status {
    STURGEON_ASSIGN_OR_RETURN(nlohmann::json after, change(entry));
    entry.after = after.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    entry.at = Timestamp::Now();
    return store.AppendAudit(entry).status();
  });
  if (st.ok() && c.cache()) c.cache()->Clear();
  return st;
}

}  // namespace sturgeon::api
