// Test support for the API integration tests: the two-farm database they
// all start from (farms FA and FB, a pool on each, species DAU) and users
// with grants and bearer tokens, plus the options of a test server. Each
// test adds its own records (cohorts, fish, chains) on top.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/api_server.h"
#include "core/status.h"
#include "domain/model.h"
#include "storage/store.h"

namespace sturgeon::testing {

struct TwoFarmSeed {
  // Both farms are made from `farm` (code "FA" / "FB", name "Farm FA" /
  // "Farm FB"), and one pool on each from `pool` (code "FA-P1" / "FB-P1").
  Farm farm;
  Pool pool;
};

// Farms in Zhejiang, Quzhou, each with a 6 m round tank (1.2 m deep,
// 30 m3, at most 40 kg/m3).
TwoFarmSeed QuzhouTanks();

struct TwoFarms {
  std::vector<Id> farm_ids;  // FA, FB
  std::vector<Id> pool_ids;  // FA-P1, FB-P1
  Id species_id = 0;         // DAU, "Kaluga"
};

// Adds, in this order, farm FA and its pool, farm FB and its pool, and
// species DAU.
Result<TwoFarms> SeedTwoFarms(Store& store, const TwoFarmSeed& seed);

struct SeedUser {
  std::string name;
  std::string role;               // admin, auditor, manager, worker, viewer
  std::optional<Id> farm_id;      // the grant's farm; none: company-wide
};

// admin and auditor company-wide; manager, worker and viewer of `farm_id`.
std::vector<SeedUser> UserPerRole(Id farm_id);

// Adds each user in order, with its grant and a token labelled "test";
// returns the tokens by user name.
Result<std::map<std::string, std::string>> AddUsersWithTokens(const std::string& db,
                                                               const std::vector<SeedUser>& users);

// A test server on `db`: an ephemeral loopback port, two I/O threads, no
// request log, no token cache.
api::ApiOptions TestServerOptions(const std::string& db);

}  // namespace sturgeon::testing
