#include "registry/inventory_service.h"

namespace sturgeon {

Result<Inventory> InventoryOfPool(Store& store, Id pool_id, Timestamp at) {
  STURGEON_ASSIGN_OR_RETURN(PoolLedger ledger, store.LoadPoolLedger(pool_id, at));
  return PoolInventory(ledger.pool, ledger.entries, ledger.last_reset, ledger.weights, at);
}

Result<std::vector<PoolInventoryRow>> InventoryOfFarmPools(Store& store, Id farm_id, Timestamp at) {
  STURGEON_RETURN_IF_ERROR(store.GetFarm(farm_id).status());
  STURGEON_ASSIGN_OR_RETURN(std::vector<Pool> pools, store.ListPools(farm_id));
  std::vector<PoolInventoryRow> rows;
  rows.reserve(pools.size());
  for (Pool& pool : pools) {
    STURGEON_ASSIGN_OR_RETURN(Inventory inv, InventoryOfPool(store, pool.id, at));
    rows.push_back({std::move(pool), inv});
  }
  return rows;
}

Result<Inventory> InventoryOfFarm(Store& store, Id farm_id, Timestamp at) {
  STURGEON_ASSIGN_OR_RETURN(auto rows, InventoryOfFarmPools(store, farm_id, at));
  std::vector<Inventory> parts;
  parts.reserve(rows.size());
  for (const auto& r : rows) parts.push_back(r.inventory);
  return SumInventories(parts);
}

Result<std::vector<FarmInventoryRow>> InventoryOfCompany(Store& store, Timestamp at) {
  STURGEON_ASSIGN_OR_RETURN(std::vector<Farm> farms, store.ListFarms());
  std::vector<FarmInventoryRow> rows;
  for (Farm& farm : farms) {
    STURGEON_ASSIGN_OR_RETURN(Inventory inv, InventoryOfFarm(store, farm.id, at));
    rows.push_back({std::move(farm), inv});
  }
  return rows;
}

}  // namespace sturgeon
