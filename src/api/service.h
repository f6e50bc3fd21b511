// Helpers shared by the handlers: access checks that need the store, paging,
// and the audited write (a change and its audit entry in one transaction).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/router.h"
#include "storage/store.h"

namespace sturgeon::api {

inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxPageSize = 1000;

// `limit` (1..1000, default 100) and `cursor` (an id; rows after it).
Status ParsePaging(const RequestContext& c, int* limit, Id* after);
// The RecordQuery filters: farm, pool, fish, cohort (codes, a PIT tag or
// fish id), from, to, plus paging. NotFound for an unknown code.
Result<RecordQuery> ParseRecordQuery(RequestContext& c);
// The time an inventory is asked for: end of `date`, or now.
Result<Timestamp> InventoryTime(const RequestContext& c);

// "farm ZJ-QZ1" for messages (falls back to the id).
std::string FarmLabel(Store& store, Id farm_id);
// Checks `action` on the pool's farm and returns the pool.
Result<Pool> RequireOnPool(RequestContext& c, Action action, Id pool_id);
// Checks `action` on the farm of the fish's current pool; a fish in no pool
// belongs to no farm, so only company-wide roles may touch it.
Status RequireOnFish(RequestContext& c, Action action, Id fish_id);
// A fish named by `ref`: a 15-digit PIT tag or a numeric id.
Result<Fish> FindFishRef(Store& store, const std::string& ref);

// {"items": [...], "next_cursor": id|null}.
nlohmann::json Page(nlohmann::json items, std::optional<Id> next_cursor);

// Runs a paged list for a multi-farm resource: with a farm or pool filter
// (checked against the user's access) or for a user who sees every farm,
// one query; otherwise one query per readable farm, merged by id.
template <typename T>
Result<std::vector<T>> ListVisible(RequestContext& c, RecordQuery q,
                                   const std::function<Result<std::vector<T>>(const RecordQuery&)>& list,
                                   std::optional<Id>* next_cursor);

// Runs `change` and appends `entry` (completed with who, when, the request,
// whatever `change` sets in it,
// and the JSON `change` returns as the new value) in one transaction: both
// are stored, or neither.
Status AuditedWrite(RequestContext& c, AuditEntry entry, const std::function<Result<nlohmann::json>(AuditEntry&)>& change);

// The newest record of a list (the one with the highest id), found with
// O(log n) one-row queries: used inside a transaction to read back the row
// a batch just wrote, since Store::Write returns no ids.
template <typename T>
Result<T> NewestRecord(const std::function<Result<std::vector<T>>(const RecordQuery&)>& list);

// ---- Template definitions. ----

Status CheckListScope(RequestContext& c, const RecordQuery& q);

template <typename T>
Result<std::vector<T>> ListVisible(RequestContext& c, RecordQuery q,
                                   const std::function<Result<std::vector<T>>(const RecordQuery&)>& list,
                                   std::optional<Id>* next_cursor) {
  STURGEON_RETURN_IF_ERROR(CheckListScope(c, q));
  const Principal& p = c.principal();
  std::vector<T> rows;
  bool more = false;
  if (q.farm_id || q.pool_id || p.SeesAllFarms()) {
    STURGEON_ASSIGN_OR_RETURN(rows, list(q));
    more = static_cast<int>(rows.size()) == q.limit;
  } else {
    for (Id farm : p.ReadableFarms()) {
      RecordQuery fq = q;
      fq.farm_id = farm;
      STURGEON_ASSIGN_OR_RETURN(std::vector<T> part, list(fq));
      more = more || static_cast<int>(part.size()) == q.limit;
      for (auto& r : part) rows.push_back(std::move(r));
    }
    std::sort(rows.begin(), rows.end(), [](const T& a, const T& b) { return a.id < b.id; });
    rows.erase(std::unique(rows.begin(), rows.end(), [](const T& a, const T& b) { return a.id == b.id; }),
               rows.end());
    if (static_cast<int>(rows.size()) > q.limit) {
      rows.resize(static_cast<size_t>(q.limit));
      more = true;
    }
  }
  *next_cursor = more && !rows.empty() ? std::optional<Id>(rows.back().id) : std::nullopt;
  return rows;
}

template <typename T>
Result<T> NewestRecord(const std::function<Result<std::vector<T>>(const RecordQuery&)>& list) {
  auto first_after = [&](Id k) -> Result<std::optional<T>> {
    RecordQuery q;
    q.after_id = k;
    q.limit = 1;
    STURGEON_ASSIGN_OR_RETURN(std::vector<T> rows, list(q));
    if (rows.empty()) return std::optional<T>();
    return std::optional<T>(std::move(rows.front()));
  };
  STURGEON_ASSIGN_OR_RETURN(std::optional<T> best, first_after(0));
  if (!best) return Status::Internal("reading back a written record: the table is empty");
  Id lo = best->id;
  Id hi = lo * 2 + 1;
  while (true) {
    STURGEON_ASSIGN_OR_RETURN(std::optional<T> r, first_after(hi));
    if (!r) break;
    lo = r->id;
    best = std::move(r);
    hi = lo * 2 + 1;
  }
  while (lo < hi) {
    const Id mid = lo + (hi - lo) / 2;
    STURGEON_ASSIGN_OR_RETURN(std::optional<T> r, first_after(mid));
    if (!r) {
      hi = mid;
    } else {
      lo = r->id;
      best = std::move(r);
    }
  }
  return *std::move(best);
}

}  // namespace sturgeon::api
