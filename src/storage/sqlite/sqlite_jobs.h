// The stocktake jobs' SQL, private to the SQLite backend. SqliteStore
// forwards Store's *StocktakeJob* methods here, on its own connection, so
// accepting a job joins the transaction of the stocktake it stores.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/stocktake_job.h"

namespace sturgeon::sqlite {

Result<StocktakeJob> AddStocktakeJob(Connection& db, const StocktakeJob& job);
Result<StocktakeJob> GetStocktakeJob(Connection& db, Id id);
Result<std::vector<StocktakeJob>> ListStocktakeJobs(Connection& db, Id pool_id, int limit);
Result<std::optional<StocktakeJob>> ClaimStocktakeJob(Connection& db, Timestamp stale_before);
Status HeartbeatStocktakeJob(Connection& db, Id id, int attempt);
Status UpdateStocktakeJobProgress(Connection& db, Id id, int attempt, int frames_done, int frames_total);
Status FinishStocktakeJob(Connection& db, Id id, int attempt, const std::string& result_json,
                          const std::string& snapshot_png);
Status FailStocktakeJob(Connection& db, Id id, int attempt, const std::string& error);
Status ReleaseStocktakeJob(Connection& db, Id id, int attempt);
Result<std::vector<StocktakeJob>> ListUnfinishedStocktakeJobs(Connection& db);
Result<std::string> StocktakeJobSnapshot(Connection& db, Id id);
Status MarkStocktakeJobAccepted(Connection& db, Id id, Id stocktake_id, Id user_id, Timestamp at);

}  // namespace sturgeon::sqlite
