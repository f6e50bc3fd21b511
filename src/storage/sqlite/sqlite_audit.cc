#include "storage/sqlite/sqlite_audit.h"

#include <algorithm>
#include <functional>

#include <fmt/format.h>

namespace sturgeon::sqlite {
namespace {

constexpr int kMaxAuditPage = 1000;

AuditEntry ReadEntry(const Statement& s) {
  AuditEntry e;
  e.id = s.Int(0);
  auto at = Timestamp::Parse(s.Text(1));
  e.at = at.ok() ? *at : Timestamp{};
  e.user_id = s.OptInt(2);
  e.actor = s.Text(3);
  e.action = s.Text(4);
  e.resource = s.Text(5);
  e.resource_key = s.Text(6);
  e.farm_id = s.OptInt(7);
  e.request = s.Text(8);
  e.before = s.OptText(9);
  e.after = s.OptText(10);
  return e;
}

}  // namespace

Result<Id> AppendAudit(Connection& db, const AuditEntry& e) {
  STURGEON_ASSIGN_OR_RETURN(Statement s, db.Prepare(
      "INSERT INTO audit_log (at, user_id, actor, action, resource, resource_key, farm_id, request, before, after) "
      "VALUES (?,?,?,?,?,?,?,?,?,?)"));
  s.Bind(1, e.at.ToString()).Bind(2, e.user_id).Bind(3, e.actor).Bind(4, e.action).Bind(5, e.resource)
      .Bind(6, e.resource_key).Bind(7, e.farm_id).Bind(8, e.request).Bind(9, e.before).Bind(10, e.after);
  STURGEON_RETURN_IF_ERROR(s.Run("appending audit entry"));
  return db.LastInsertId();
}

Result<std::vector<AuditEntry>> ListAudit(Connection& db, const AuditQuery& q) {
  std::string sql =
      "SELECT id, at, user_id, actor, action, resource, resource_key, farm_id, request, before, after "
      "FROM audit_log WHERE id > ?1";
  if (q.farm_id) sql += " AND farm_id = ?2";
  if (q.actor) sql += " AND actor = ?3";
  if (q.resource) sql += " AND resource = ?4";
  if (q.from) sql += " AND at >= ?5";
  if (q.to) sql += " AND at < ?6";
  const int limit = q.limit <= 0 ? 100 : std::min(q.limit, kMaxAuditPage);
  sql += fmt::format(" ORDER BY id LIMIT {}", limit);
  STURGEON_ASSIGN_OR_RETURN(Statement s, db.Prepare(sql));
  s.Bind(1, q.after_id);
  if (q.farm_id) s.Bind(2, *q.farm_id);
  if (q.actor) s.Bind(3, *q.actor);
  if (q.resource) s.Bind(4, *q.resource);
  if (q.from) s.Bind(5, q.from->ToString());
  if (q.to) s.Bind(6, q.to->AddDays(1).ToString());
  std::vector<AuditEntry> out;
  while (true) {
    STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("listing audit trail"));
    if (!row) break;
    out.push_back(ReadEntry(s));
  }
  return out;
}

Status RunInTransaction(Connection& db, const std::function<Status()>& fn) {
  if (!sqlite3_get_autocommit(db.handle())) {
    return Status::Internal("Transaction: already inside a transaction");
  }
  STURGEON_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  Status st = fn();
  if (st.ok()) st = db.Exec("COMMIT");
  if (!st.ok()) (void)db.Exec("ROLLBACK");
  return st;
}

}  // namespace sturgeon::sqlite
