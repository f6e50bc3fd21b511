#include "domain/inventory.h"

#include <algorithm>
#include <map>

namespace sturgeon {

std::vector<PopulationCount> CountPopulations(std::span<const LedgerEntry> entries, Timestamp at) {
  std::map<PopulationKey, int64_t> counts;
  for (const LedgerEntry& e : entries) {
    if (e.at > at) continue;
    counts[PopulationKey{e.fish_id ? std::nullopt : e.cohort_id, e.fish_id}] += e.delta;
  }
  std::vector<PopulationCount> out;
  for (const auto& [key, count] : counts) {
    if (count != 0) out.push_back({key, count});
  }
  return out;
}

int64_t BookCount(std::span<const LedgerEntry> entries, const std::optional<Stocktake>& last_reset, Timestamp at) {
  int64_t count = last_reset ? last_reset->count : 0;
  for (const LedgerEntry& e : entries) {
    if (e.at > at) continue;
    if (last_reset && e.at <= last_reset->at) continue;
    count += e.delta;
  }
  return count;
}

Inventory PoolInventory(const Pool& pool, std::span<const LedgerEntry> entries,
                        const std::optional<Stocktake>& last_reset, std::span<const PopulationWeight> weights,
                        Timestamp at) {
  Inventory inv;
  inv.pools = 1;
  inv.head_count = std::max<int64_t>(0, BookCount(entries, last_reset, at));
  inv.volume_m3 = pool.volume_m3;
  inv.max_density_kg_m3 = pool.max_density_kg_m3;
  inv.max_biomass_kg = pool.volume_m3 * pool.max_density_kg_m3;

  double weighted_sum = 0;
  int64_t weighted_count = 0;
  for (const PopulationCount& pc : CountPopulations(entries, at)) {
    if (pc.count <= 0) continue;
    auto it = std::find_if(weights.begin(), weights.end(), [&](const PopulationWeight& w) { return w.key == pc.key; });
    if (it == weights.end()) continue;
    weighted_sum += it->weight_g * static_cast<double>(pc.count);
    weighted_count += pc.count;
  }
  if (weighted_count > 0) {
    inv.mean_weight_g = weighted_sum / static_cast<double>(weighted_count);
    inv.weighed = true;
  } else if (last_reset && last_reset->mean_weight_g) {
    inv.mean_weight_g = last_reset->mean_weight_g;
  }
  if (inv.mean_weight_g) inv.biomass_kg = static_cast<double>(inv.head_count) * *inv.mean_weight_g / 1000.0;
  if (pool.volume_m3 > 0) inv.density_kg_m3 = inv.biomass_kg / pool.volume_m3;
  inv.over_max = pool.max_density_kg_m3 > 0 && inv.density_kg_m3 > pool.max_density_kg_m3;
  inv.pools_over_max = inv.over_max ? 1 : 0;
  return inv;
}

Reconciliation Reconcile(const Inventory& book, const Stocktake& counted) {
  Reconciliation r;
  const int64_t book_count = book.head_count;
  r.book_count = book_count;
  r.counted = counted.count;
  r.variance = counted.count - book_count;
  r.variance_pct = book_count > 0 ? 100.0 * static_cast<double>(r.variance) / static_cast<double>(book_count) : 0;
  const int64_t low = counted.count_low.value_or(counted.count);
  const int64_t high = counted.count_high.value_or(counted.count);
  r.book_within_interval = book_count >= low && book_count <= high;
  if (book.weighed) r.book_mean_weight_g = book.mean_weight_g;
  if (r.book_mean_weight_g && *r.book_mean_weight_g > 0 && counted.mean_weight_g) {
    r.mean_weight_variance_pct = 100.0 * (*counted.mean_weight_g - *book.mean_weight_g) / *book.mean_weight_g;
  }
  return r;
}

Inventory SumInventories(std::span<const Inventory> parts) {
  Inventory total;
  double weighed_biomass_g = 0;
  int64_t weighed_count = 0;
  for (const Inventory& p : parts) {
    total.head_count += p.head_count;
    total.biomass_kg += p.biomass_kg;
    total.volume_m3 += p.volume_m3;
    total.max_biomass_kg += p.max_biomass_kg;
    total.pools += p.pools;
    total.pools_over_max += p.pools_over_max;
    if (p.mean_weight_g) {
      weighed_biomass_g += p.biomass_kg * 1000.0;
      weighed_count += p.head_count;
    }
  }
  if (weighed_count > 0) total.mean_weight_g = weighed_biomass_g / static_cast<double>(weighed_count);
  if (total.volume_m3 > 0) total.density_kg_m3 = total.biomass_kg / total.volume_m3;
  total.over_max = total.pools_over_max > 0;
  return total;
}

}  // namespace sturgeon
