// A thin RAII layer over the SQLite C API, private to the SQLite backend.
// Connection owns a sqlite3* and a cache of idle prepared statements;
// Statement holds a prepared sqlite3_stmt* while in use and hands it back to
// its connection's cache when destroyed (reset, bindings cleared), so hot
// queries are prepared once per connection. A Statement must not outlive its
// Connection. Neither is thread-safe.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"

namespace sturgeon::sqlite {

class Statement;

class Connection {
 public:
  // Opens (creating if needed) the database file at `path`.
  static Result<Connection> Open(const std::string& path);
  Connection(Connection&& other) noexcept : db_(other.db_), idle_(std::move(other.idle_)) { other.db_ = nullptr; }
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs one or more statements that return no rows. Not cached.
  Status Exec(std::string_view sql);
  // A statement for `sql`: an idle cached one if there is one, else newly
  // prepared.
  Result<Statement> Prepare(std::string_view sql);
  int64_t LastInsertId() const { return sqlite3_last_insert_rowid(db_); }
  int Changes() const { return sqlite3_changes(db_); }
  sqlite3* handle() const { return db_; }

  // Maps the connection's last error to a Status whose message starts with
  // `context`: constraint failures map to AlreadyExists (UNIQUE) or
  // InvalidArgument (FOREIGN KEY, CHECK, NOT NULL), busy to Unavailable.
  Status ErrorStatus(int rc, std::string_view context) const;

 private:
  friend class Statement;
  explicit Connection(sqlite3* db) : db_(db) {}
  // Takes back a statement that is no longer in use.
  void Release(sqlite3_stmt* stmt) const;
  void FinalizeIdle();

  static constexpr size_t kMaxIdlePerQuery = 4;
  static constexpr size_t kMaxCachedQueries = 256;
  sqlite3* db_ = nullptr;
  mutable std::unordered_map<std::string, std::vector<sqlite3_stmt*>> idle_;
};

class Statement {
 public:
  Statement(Statement&& other) noexcept : stmt_(other.stmt_), conn_(other.conn_) { other.stmt_ = nullptr; }
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binds by 1-based index. Returns *this for chaining.
  Statement& Bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); return *this; }
  Statement& Bind(int i, int v) { sqlite3_bind_int64(stmt_, i, v); return *this; }
  Statement& Bind(int i, double v) { sqlite3_bind_double(stmt_, i, v); return *this; }
  Statement& Bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Statement& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Statement& BindNull(int i) { sqlite3_bind_null(stmt_, i); return *this; }
  Statement& BindBlob(int i, std::string_view v) {
    sqlite3_bind_blob(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  template <typename T>
  Statement& Bind(int i, const std::optional<T>& v) {
    if (!v) return BindNull(i);
    return Bind(i, *v);
  }

  // Steps once: true if a row is available, false when done; an error
  // Status (via ErrorStatus with `context`) otherwise.
  Result<bool> Step(std::string_view context = "query");
  // Steps to completion, discarding rows.
  Status Run(std::string_view context = "write");
  void Reset() { sqlite3_reset(stmt_); sqlite3_clear_bindings(stmt_); }

  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  double Double(int col) const { return sqlite3_column_double(stmt_, col); }
  std::string Text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
  }
  std::optional<int64_t> OptInt(int col) const { return IsNull(col) ? std::nullopt : std::optional(Int(col)); }
  std::optional<double> OptDouble(int col) const { return IsNull(col) ? std::nullopt : std::optional(Double(col)); }
  std::optional<std::string> OptText(int col) const { return IsNull(col) ? std::nullopt : std::optional(Text(col)); }

 private:
  friend class Connection;
  Statement(sqlite3_stmt* stmt, const Connection* conn) : stmt_(stmt), conn_(conn) {}
  sqlite3_stmt* stmt_ = nullptr;
  const Connection* conn_ = nullptr;
};

}  // namespace sturgeon::sqlite
