#include "api/auth.h"

#include <sodium.h>

#include <fmt/format.h>

namespace sturgeon::api {
namespace {

constexpr std::string_view kTokenPrefix = "stg_";
constexpr size_t kTokenBytes = 32;
constexpr size_t kHashBytes = 32;
constexpr size_t kMaxCachedTokens = 10000;

std::string Hex(const unsigned char* data, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, n);
  out.resize(n * 2);
  return out;
}

}  // namespace

Status InitCrypto() {
  if (sodium_init() < 0) return Status::Internal("libsodium failed to initialise");
  return Status::Ok();
}

std::string NewToken() {
  unsigned char bytes[kTokenBytes];
  randombytes_buf(bytes, sizeof bytes);
  std::string token = std::string(kTokenPrefix) + Hex(bytes, sizeof bytes);
  sodium_memzero(bytes, sizeof bytes);
  return token;
}

std::string HashToken(std::string_view token) {
  unsigned char hash[kHashBytes];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr,
                     0);
  return Hex(hash, sizeof hash);
}

Result<Principal> ToPrincipal(const User& user) {
  std::vector<Grant> grants;
  for (const UserGrant& g : user.grants) {
    STURGEON_ASSIGN_OR_RETURN(Role role, ParseRole(g.role));
    grants.push_back(Grant{g.farm_id, role});
  }
  return Principal(user.id, user.name, std::move(grants));
}

Result<std::string> CreateToken(AuthStore& store, const std::string& user_name, const std::string& label) {
  STURGEON_RETURN_IF_ERROR(InitCrypto());
  STURGEON_ASSIGN_OR_RETURN(User user, store.FindUser(user_name));
  std::string token = NewToken();
  STURGEON_RETURN_IF_ERROR(store.AddToken(user.id, HashToken(token), label));
  return token;
}

Authenticator::Authenticator(std::unique_ptr<AuthStore> store, std::chrono::seconds cache_ttl)
    : store_(std::move(store)), ttl_(cache_ttl) {}

Result<Principal> Authenticator::Authenticate(std::string_view header) {
  constexpr std::string_view kBearer = "Bearer ";
  if (header.empty()) return Status::Unauthenticated("missing Authorization header (expected 'Bearer <token>')");
  if (header.size() <= kBearer.size() || header.substr(0, kBearer.size()) != kBearer) {
    return Status::Unauthenticated("Authorization header: expected 'Bearer <token>'");
  }
  const std::string_view token = header.substr(kBearer.size());
  const std::string hash = HashToken(token);
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  if (auto it = cache_.find(hash); it != cache_.end()) {
    if (it->second.expires > now) return it->second.principal;
    cache_.erase(it);
  }
  auto user = store_->FindUserByTokenHash(hash);
  if (!user.ok()) {
    if (user.status().code() == StatusCode::kNotFound) return Status::Unauthenticated("unknown or revoked token");
    return user.status();
  }
  STURGEON_ASSIGN_OR_RETURN(Principal principal, ToPrincipal(*user));
  if (cache_.size() >= kMaxCachedTokens) cache_.clear();
  cache_.emplace(hash, Cached{principal, now + ttl_});
  return principal;
}

}  // namespace sturgeon::api
