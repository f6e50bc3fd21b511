// Bearer tokens: creation, hashing and request authentication.
//
// A token is "stg_" followed by 64 hex digits: 32 bytes from libsodium's
// CSPRNG. Only its BLAKE2b-256 hash (crypto_generichash) is stored. A slow
// password hash (crypto_pwhash) is not needed: a 256-bit random secret
// cannot be guessed or brute-forced from its hash, and a fast hash keeps
// authentication cheap on every request. Tokens are found by the hash of the
// presented token, so the secret itself is never compared byte by byte; any
// timing in that lookup reveals at most hash prefixes, which do not help
// anyone find a token.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/access.h"
#include "core/status.h"
#include "storage/auth_store.h"

namespace sturgeon::api {

// Initialises libsodium; safe to call more than once. Internal on failure.
Status InitCrypto();
// A new random token. Requires InitCrypto().
std::string NewToken();
// The hex BLAKE2b-256 hash of `token`, as stored.
std::string HashToken(std::string_view token);

// Converts stored grants into a Principal; InvalidArgument for a bad role.
Result<Principal> ToPrincipal(const User& user);

// Creates a token for `user_name` and stores its hash; returns the token,
// which is not kept anywhere. NotFound for an unknown user.
Result<std::string> CreateToken(AuthStore& store, const std::string& user_name, const std::string& label);

// Resolves "Authorization: Bearer <token>" headers to principals, caching
// each token's principal for `cache_ttl` (so a role change takes effect
// within that time). Thread-safe.
class Authenticator {
 public:
  Authenticator(std::unique_ptr<AuthStore> store, std::chrono::seconds cache_ttl);

  // Unauthenticated for a missing or malformed header or an unknown token.
  Result<Principal> Authenticate(std::string_view authorization_header);

 private:
  struct Cached {
    Principal principal;
    std::chrono::steady_clock::time_point expires;
  };
  std::mutex mu_;
  std::unique_ptr<AuthStore> store_;  // guarded by mu_
  std::unordered_map<std::string, Cached> cache_;  // by token hash; guarded by mu_
  std::chrono::seconds ttl_;
};

}  // namespace sturgeon::api
