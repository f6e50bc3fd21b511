// The SQLite backend of AuthStore: users, roles and token hashes in the same
// database file as the registry (tables from migration 2).
#include <fmt/format.h>

#include "storage/auth_store.h"
#include "storage/sqlite/migrations.h"
#include "storage/sqlite/sqlite_db.h"

namespace sturgeon {
namespace {

using sqlite::Connection;
using sqlite::Statement;

class SqliteAuthStore final : public AuthStore {
 public:
  explicit SqliteAuthStore(Connection db) : db_(std::move(db)) {}

  Status Init() { return sqlite::PrepareConnection(db_); }

  Result<User> AddUser(const std::string& name) override {
    if (name.empty()) return Status::InvalidArgument("name: must not be empty");
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_.Prepare("INSERT INTO users (name, created_at) VALUES (?, ?)"));
    const Timestamp now = Timestamp::Now();
    s.Bind(1, name).Bind(2, now.ToString());
    Status st = s.Run("adding user");
    if (st.code() == StatusCode::kAlreadyExists) {
      return Status::AlreadyExists(fmt::format("a user named '{}' already exists", name));
    }
    STURGEON_RETURN_IF_ERROR(st);
    return User{db_.LastInsertId(), name, now, {}};
  }

  Result<User> FindUser(const std::string& name) override {
    return FindOne("SELECT id, name, created_at FROM users WHERE name = ?", name,
                   fmt::format("no user named '{}'", name));
  }

  Result<std::vector<User>> ListUsers() override {
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_.Prepare("SELECT id, name, created_at FROM users ORDER BY name"));
    std::vector<User> out;
    while (true) {
      STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("listing users"));
      if (!row) break;
      out.push_back(ReadUser(s));
    }
    for (User& u : out) STURGEON_RETURN_IF_ERROR(LoadGrants(&u));
    return out;
  }

  Status SetGrant(Id user_id, const UserGrant& grant) override {
    STURGEON_ASSIGN_OR_RETURN(Statement del, db_.Prepare(
        "DELETE FROM user_roles WHERE user_id = ? AND IFNULL(farm_id, 0) = ?"));
    del.Bind(1, user_id).Bind(2, grant.farm_id.value_or(0));
    STURGEON_ASSIGN_OR_RETURN(Statement ins, db_.Prepare(
        "INSERT INTO user_roles (user_id, farm_id, role) VALUES (?, ?, ?)"));
    ins.Bind(1, user_id).Bind(2, grant.farm_id).Bind(3, grant.role);
    STURGEON_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
    Status st = del.Run("replacing role");
    if (st.ok()) st = ins.Run("granting role");
    if (st.ok()) st = db_.Exec("COMMIT");
    if (!st.ok()) (void)db_.Exec("ROLLBACK");
    return st;
  }

  Status AddToken(Id user_id, const std::string& token_hash, const std::string& label) override {
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_.Prepare(
        "INSERT INTO api_tokens (user_id, token_hash, label, created_at) VALUES (?, ?, ?, ?)"));
    s.Bind(1, user_id).Bind(2, token_hash).Bind(3, label).Bind(4, Timestamp::Now().ToString());
    return s.Run("adding token");
  }

  Result<User> FindUserByTokenHash(const std::string& token_hash) override {
    return FindOne(
        "SELECT u.id, u.name, u.created_at FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?",
        token_hash, "unknown token");
  }

 private:
  static User ReadUser(const Statement& s) {
    auto at = Timestamp::Parse(s.Text(2));
    return User{s.Int(0), s.Text(1), at.ok() ? *at : Timestamp{}, {}};
  }

  Result<User> FindOne(std::string_view sql, const std::string& key, std::string not_found) {
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_.Prepare(sql));
    s.Bind(1, key);
    STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("finding user"));
    if (!row) return Status::NotFound(std::move(not_found));
    User u = ReadUser(s);
    STURGEON_RETURN_IF_ERROR(LoadGrants(&u));
    return u;
  }

  Status LoadGrants(User* u) {
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_.Prepare(
        "SELECT farm_id, role FROM user_roles WHERE user_id = ? ORDER BY IFNULL(farm_id, 0)"));
    s.Bind(1, u->id);
    while (true) {
      STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("loading roles"));
      if (!row) break;
      u->grants.push_back(UserGrant{s.OptInt(0), s.Text(1)});
    }
    return Status::Ok();
  }

  Connection db_;
};

}  // namespace

Result<std::unique_ptr<AuthStore>> OpenAuthStore(const std::string& url) {
  constexpr std::string_view kSqliteScheme = "sqlite:";
  std::string path = url.rfind(kSqliteScheme, 0) == 0 ? url.substr(kSqliteScheme.size()) : url;
  if (path.empty()) return Status::InvalidArgument("database: empty path");
  STURGEON_ASSIGN_OR_RETURN(Connection db, Connection::Open(path));
  auto store = std::make_unique<SqliteAuthStore>(std::move(db));
  Status st = store->Init();
  if (!st.ok()) return st.WithContext(fmt::format("opening database '{}'", path));
  return std::unique_ptr<AuthStore>(std::move(store));
}

}  // namespace sturgeon
