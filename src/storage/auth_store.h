// Users, their roles and their API tokens. Tokens are never stored: only a
// hash of each (computed by the caller; see api/auth.h) is kept.
//
// Contracts that hold for every backend:
// - AlreadyExists for a duplicate user name or token hash; NotFound for an
//   unknown user or token.
// - An AuthStore object is NOT thread-safe; open one per thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/dates.h"
#include "core/status.h"
#include "domain/model.h"

namespace sturgeon {

// A role on one farm, or company-wide when farm_id is unset. Role names are
// validated by the API layer ("admin", "manager", "worker", "viewer",
// "auditor"); the store keeps them as text.
struct UserGrant {
  std::optional<Id> farm_id;
  std::string role;
};

struct User {
  Id id = 0;
  std::string name;
  Timestamp created_at;
  std::vector<UserGrant> grants;  // ordered by farm id, company-wide first
};

class AuthStore {
 public:
  virtual ~AuthStore() = default;

  // Creates a user with no grants. AlreadyExists if the name is taken.
  virtual Result<User> AddUser(const std::string& name) = 0;
  // NotFound if no user has `name`. The user's grants are filled in.
  virtual Result<User> FindUser(const std::string& name) = 0;
  virtual Result<std::vector<User>> ListUsers() = 0;
  // Gives `user_id` `grant.role` on `grant.farm_id`, replacing any role the
  // user held there.
  virtual Status SetGrant(Id user_id, const UserGrant& grant) = 0;

  // Stores the hash of a new token for `user_id`. `label` is free text.
  virtual Status AddToken(Id user_id, const std::string& token_hash, const std::string& label) = 0;
  // The user (with grants) whose token has this hash. NotFound otherwise.
  virtual Result<User> FindUserByTokenHash(const std::string& token_hash) = 0;
};

// Opens the auth store in the database named by `url` (as OpenStore does).
Result<std::unique_ptr<AuthStore>> OpenAuthStore(const std::string& url);

}  // namespace sturgeon
