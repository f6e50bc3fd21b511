// The audit trail's SQL, private to the SQLite backend. SqliteStore forwards
// Store::AppendAudit and Store::ListAudit here, on its own connection, so an
// entry joins the transaction of the change it describes.
#pragma once

#include <functional>
#include <vector>

#include "core/status.h"
#include "storage/audit.h"
#include "storage/sqlite/sqlite_db.h"

namespace sturgeon::sqlite {

Result<Id> AppendAudit(Connection& db, const AuditEntry& entry);
Result<std::vector<AuditEntry>> ListAudit(Connection& db, const AuditQuery& q);

// Runs `fn` between BEGIN IMMEDIATE and COMMIT, rolling back if it fails.
Status RunInTransaction(Connection& db, const std::function<Status()>& fn);

}  // namespace sturgeon::sqlite
