#include "storage/sqlite/sqlite_db.h"

#include <fmt/format.h>

namespace sturgeon::sqlite {

Result<Connection> Connection::Open(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return Status::IOError(fmt::format("cannot open database '{}': {}", path, msg));
  }
  sqlite3_extended_result_codes(db, 1);
  return Connection(db);
}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    FinalizeIdle();
    sqlite3_close(db_);
    db_ = other.db_;
    idle_ = std::move(other.idle_);
    other.db_ = nullptr;
  }
  return *this;
}

Connection::~Connection() {
  FinalizeIdle();
  sqlite3_close(db_);
}

void Connection::FinalizeIdle() {
  for (auto& [sql, stmts] : idle_) {
    for (sqlite3_stmt* s : stmts) sqlite3_finalize(s);
  }
  idle_.clear();
}

void Connection::Release(sqlite3_stmt* stmt) const {
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  if (idle_.size() >= kMaxCachedQueries) const_cast<Connection*>(this)->FinalizeIdle();
  auto& stmts = idle_[sqlite3_sql(stmt)];
  if (stmts.size() >= kMaxIdlePerQuery) {
    sqlite3_finalize(stmt);
    return;
  }
  stmts.push_back(stmt);
}

Status Connection::Exec(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return ErrorStatus(rc, fmt::format("sql failed ({})", msg));
  }
  return Status::Ok();
}

Result<Statement> Connection::Prepare(std::string_view sql) {
  if (auto it = idle_.find(std::string(sql)); it != idle_.end() && !it->second.empty()) {
    sqlite3_stmt* stmt = it->second.back();
    it->second.pop_back();
    return Statement(stmt, this);
  }
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return Status::Internal(fmt::format("prepare failed: {}: {}", sqlite3_errmsg(db_), sql));
  return Statement(stmt, this);
}

Status Connection::ErrorStatus(int rc, std::string_view context) const {
  const std::string msg = fmt::format("{}: {}", context, sqlite3_errmsg(db_));
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return Status::AlreadyExists(msg);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
    case SQLITE_CONSTRAINT_TRIGGER:
      return Status::InvalidArgument(msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable(msg);
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corruption(msg);
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
      return Status::IOError(msg);
    default:
      if ((rc & 0xff) == SQLITE_IOERR) return Status::IOError(msg);
      if ((rc & 0xff) == SQLITE_CONSTRAINT) return Status::InvalidArgument(msg);
      if ((rc & 0xff) == SQLITE_BUSY) return Status::Unavailable(msg);
      return Status::Internal(msg);
  }
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_) conn_->Release(stmt_);
    stmt_ = other.stmt_;
    conn_ = other.conn_;
    other.stmt_ = nullptr;
  }
  return *this;
}

Statement::~Statement() {
  if (stmt_) conn_->Release(stmt_);
}

Result<bool> Statement::Step(std::string_view context) {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Status st = conn_->ErrorStatus(rc, context);
  sqlite3_reset(stmt_);
  return st;
}

Status Statement::Run(std::string_view context) {
  while (true) {
    auto r = Step(context);
    if (!r.ok()) return r.status();
    if (!*r) break;
  }
  sqlite3_reset(stmt_);
  return Status::Ok();
}

}  // namespace sturgeon::sqlite
