#include "support/api_fixture.h"

#include "api/auth.h"
#include "storage/auth_store.h"

namespace sturgeon::testing {

TwoFarmSeed QuzhouTanks() {
  TwoFarmSeed seed;
  seed.farm.province = "Zhejiang";
  seed.farm.city = "Quzhou";
  seed.pool.kind = PoolKind::kRoundTank;
  seed.pool.diameter_m = 6;
  seed.pool.depth_m = 1.2;
  seed.pool.volume_m3 = 30;
  seed.pool.max_density_kg_m3 = 40;
  return seed;
}

Result<TwoFarms> SeedTwoFarms(Store& store, const TwoFarmSeed& seed) {
  TwoFarms out;
  for (const char* code : {"FA", "FB"}) {
    Farm f = seed.farm;
    f.code = code;
    f.name = std::string("Farm ") + code;
    STURGEON_ASSIGN_OR_RETURN(Farm farm, store.AddFarm(f));
    out.farm_ids.push_back(farm.id);
    Pool p = seed.pool;
    p.code = std::string(code) + "-P1";
    p.farm_id = farm.id;
    STURGEON_ASSIGN_OR_RETURN(Pool pool, store.AddPool(p));
    out.pool_ids.push_back(pool.id);
  }
  Species dau;
  dau.code = "DAU";
  dau.name = "Kaluga";
  STURGEON_ASSIGN_OR_RETURN(Species species, store.AddSpecies(dau));
  out.species_id = species.id;
  return out;
}

std::vector<SeedUser> UserPerRole(Id farm_id) {
  return {{"admin", "admin", {}},
          {"auditor", "auditor", {}},
          {"manager", "manager", farm_id},
          {"worker", "worker", farm_id},
          {"viewer", "viewer", farm_id}};
}

Result<std::map<std::string, std::string>> AddUsersWithTokens(const std::string& db,
                                                               const std::vector<SeedUser>& users) {
  STURGEON_ASSIGN_OR_RETURN(std::unique_ptr<AuthStore> auth, OpenAuthStore(db));
  std::map<std::string, std::string> tokens;
  for (const SeedUser& u : users) {
    STURGEON_ASSIGN_OR_RETURN(User user, auth->AddUser(u.name));
    STURGEON_RETURN_IF_ERROR(auth->SetGrant(user.id, UserGrant{u.farm_id, u.role}));
    STURGEON_ASSIGN_OR_RETURN(tokens[u.name], api::CreateToken(*auth, u.name, "test"));
  }
  return tokens;
}

api::ApiOptions TestServerOptions(const std::string& db) {
  api::ApiOptions o;
  o.db = db;
  o.server.port = 0;
  o.server.io_threads = 2;
  o.log_requests = false;
  o.token_cache_ttl = std::chrono::seconds(0);
  return o;
}

}  // namespace sturgeon::testing
