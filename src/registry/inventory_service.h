// Inventory for a pool, a farm or the whole company at a moment, computed
// with the domain rules (domain/inventory.h) from what the store holds.
#pragma once

#include <vector>

#include "core/status.h"
#include "domain/inventory.h"
#include "storage/store.h"

namespace sturgeon {

struct PoolInventoryRow {
  Pool pool;
  Inventory inventory;
};

struct FarmInventoryRow {
  Farm farm;
  Inventory inventory;
};

// NotFound for an unknown pool or farm id.
Result<Inventory> InventoryOfPool(Store& store, Id pool_id, Timestamp at);
Result<std::vector<PoolInventoryRow>> InventoryOfFarmPools(Store& store, Id farm_id, Timestamp at);
Result<Inventory> InventoryOfFarm(Store& store, Id farm_id, Timestamp at);
// One row per farm; the company total is SumInventories over them.
Result<std::vector<FarmInventoryRow>> InventoryOfCompany(Store& store, Timestamp at);

}  // namespace sturgeon
