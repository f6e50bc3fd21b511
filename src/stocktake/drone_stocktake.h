// A drone stocktake of one pool: count its footage (vision) and set the count
// against the pool's book count (registry). Shared by `sturgeon stocktake`
// and the API's stocktake jobs, so both store exactly the same record.
//
// Counting and storing are separate steps because the API counts first and
// stores only when a manager accepts the count. Not thread-safe: a Store is
// used by one thread at a time.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "domain/inventory.h"
#include "domain/model.h"
#include "storage/store.h"
#include "vision/pipeline.h"

namespace sturgeon {

struct DroneCount {
  vision::CountReport report;
  Stocktake stocktake;  // the count as a stocktake of the pool at the time asked; not stored
};

// Counts `options.video_path` (RunCount's errors: Corruption for a corrupt
// or truncated video, NotFound for a missing one) and builds the stocktake
// record: method "drone", the 95% interval, the mean weight when measured,
// and `notes`.
Result<DroneCount> CountPoolFootage(Id pool_id, Timestamp at, const vision::CountOptions& options,
                                    std::string notes);

// The counted stocktake set against the pool's book count at its time
// (the book it replaces). NotFound for an unknown pool. Writes nothing.
Result<Reconciliation> ReconcileWithBook(Store& store, const Stocktake& counted);

struct StoredStocktake {
  Stocktake stocktake;  // as stored, with its id
  Reconciliation reconciliation;
};

// Reconciles `counted` with the book and stores it as the pool's inventory
// reset. Inside Store::Transaction it joins that transaction.
Result<StoredStocktake> RecordStocktake(Store& store, const Stocktake& counted);

// A reconciliation as JSON: book_count, variance, variance_pct,
// book_within_interval, book_mean_weight_g and mean_weight_variance_pct
// (null when unknown).
nlohmann::json ReconciliationJson(const Reconciliation& r);

// The count as JSON: vision's report (count, interval, frames, sizes ...)
// with the mean weight when measured (mean_weight_g, the stocktake's),
// pool, time and ReconciliationJson's fields.
nlohmann::json StocktakeJson(const vision::CountReport& report, const std::string& pool_code, Timestamp at,
                             const Reconciliation& r);

}  // namespace sturgeon
