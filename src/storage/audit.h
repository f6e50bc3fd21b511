// The audit trail's value types: who changed what, when, and the value before
// and after. Shared by every Store backend (see Store::AppendAudit).
#pragma once

#include <optional>
#include <string>

#include "core/dates.h"
#include "domain/model.h"

namespace sturgeon {

struct AuditEntry {
  Id id = 0;                        // assigned by the store
  Timestamp at;                     // when the change was committed (set by the caller)
  std::optional<Id> user_id;        // the acting user, if known
  std::string actor;                // the acting user's name
  std::string action;               // "create", "bulk_create", ...
  std::string resource;             // "farm", "pool", "daily_status", ...
  std::string resource_key;         // the record's code or id, or a range for bulk writes
  std::optional<Id> farm_id;        // the farm the change belongs to, if any
  std::string request;              // e.g. "POST /api/farms"
  std::optional<std::string> before;  // JSON text of the previous value; unset for creates
  std::optional<std::string> after;   // JSON text of the new value
};

// Filters for the audit trail. Unset fields do not filter.
struct AuditQuery {
  std::optional<Id> farm_id;
  std::optional<std::string> actor;
  std::optional<std::string> resource;
  std::optional<Date> from;  // inclusive
  std::optional<Date> to;    // inclusive
  Id after_id = 0;
  int limit = 100;
};

}  // namespace sturgeon
