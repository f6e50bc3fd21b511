// The registry's storage interface. Every backend (SQLite now, PostgreSQL
// for multi-process deployments) implements it; callers never see SQL.
//
// Contracts that hold for every backend:
// - Errors are Status values: NotFound for an unknown id or code,
//   AlreadyExists for a duplicate unique key (PIT tag, pool code, ...),
//   InvalidArgument for a record that breaks a domain rule or names a
//   missing parent, Unavailable/IOError/Internal for the backend itself.
// - Write(batch) is atomic: either every record in the batch is stored, or
//   none is and the store is unchanged.
// - List queries return rows in ascending id order, at most `limit` rows
//   after `after_id` (a cursor), so callers can page.
// - A Store object is NOT thread-safe; open one per thread. Several Store
//   objects (and several processes, for PostgreSQL) may share a database.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/dates.h"
#include "core/status.h"
#include "domain/inventory.h"
#include "domain/model.h"
#include "storage/audit.h"
#include "storage/stocktake_job.h"

namespace sturgeon {

// A new individual fish, optionally stocked into a pool when created, with
// parents named by PIT tag (resolved inside the batch, so a file may name a
// parent on an earlier line).
struct NewFish {
  Fish fish;
  std::optional<std::string> dam_tag;
  std::optional<std::string> sire_tag;
  std::optional<Id> stock_pool_id;
  Timestamp stocked_at;
};

// Records written together, atomically, in this order: fish, moves,
// removals, stocktakes, daily statuses, feedings, water, sexings, biopsies.
// A sexing also updates its fish's sex (method: ultrasound).
struct WriteBatch {
  std::vector<NewFish> fish;
  std::vector<Move> moves;
  std::vector<Removal> removals;
  std::vector<Stocktake> stocktakes;
  std::vector<DailyStatus> statuses;
  std::vector<Feeding> feedings;
  std::vector<WaterQuality> water;
  std::vector<Sexing> sexings;
  std::vector<Biopsy> biopsies;

  size_t size() const {
    return fish.size() + moves.size() + removals.size() + stocktakes.size() + statuses.size() + feedings.size() +
           water.size() + sexings.size() + biopsies.size();
  }
};

// Filters shared by the record lists. Unset fields do not filter. A farm
// filter matches records of that farm's pools (for fish: fish now in them).
struct RecordQuery {
  std::optional<Id> farm_id;
  std::optional<Id> pool_id;
  std::optional<Id> fish_id;
  std::optional<Id> cohort_id;
  std::optional<Date> from;  // inclusive
  std::optional<Date> to;    // inclusive
  Id after_id = 0;
  int limit = 1000;
};

// Everything the inventory rules need to know about one pool at one time.
struct PoolLedger {
  Pool pool;
  std::vector<LedgerEntry> entries;      // at or before the time asked
  std::optional<Stocktake> last_reset;   // latest stocktake at or before it
  std::vector<PopulationWeight> weights; // latest weighing per population in the pool
};

class TraceStore;  // storage/trace_store.h

class Store {
 public:
  virtual ~Store() = default;

  // ---- Farms, pools, species, cohorts: created one at a time. ----
  // Each Add* validates the record, assigns its id and returns it stored.
  virtual Result<Farm> AddFarm(const Farm& farm) = 0;
  virtual Result<Farm> GetFarm(Id id) = 0;
  virtual Result<Farm> FindFarm(const std::string& code) = 0;
  virtual Result<std::vector<Farm>> ListFarms() = 0;

  virtual Result<Pool> AddPool(const Pool& pool) = 0;
  virtual Result<Pool> GetPool(Id id) = 0;
  virtual Result<Pool> FindPool(const std::string& code) = 0;
  virtual Result<std::vector<Pool>> ListPools(std::optional<Id> farm_id) = 0;

  virtual Result<Species> AddSpecies(const Species& species) = 0;
  virtual Result<Species> GetSpecies(Id id) = 0;
  virtual Result<Species> FindSpecies(const std::string& code) = 0;
  virtual Result<std::vector<Species>> ListSpecies() = 0;

  virtual Result<Cohort> AddCohort(const Cohort& cohort) = 0;
  virtual Result<Cohort> GetCohort(Id id) = 0;
  virtual Result<Cohort> FindCohort(const std::string& code) = 0;
  virtual Result<std::vector<Cohort>> ListCohorts() = 0;

  // ---- Fish and daily records: written in atomic batches. ----
  virtual Status Write(const WriteBatch& batch) = 0;

  virtual Result<Fish> GetFish(Id id) = 0;
  virtual Result<Fish> FindFishByTag(const std::string& pit_tag) = 0;
  // For each tag in `tags` that is stored, its fish id. Unknown tags are
  // simply absent from the result.
  virtual Result<std::unordered_map<std::string, Id>> ResolveTags(const std::vector<std::string>& tags) = 0;
  // The pool an individual fish is in now (its latest move's destination),
  // or nullopt if it is in none.
  virtual Result<std::optional<Id>> CurrentPoolOfFish(Id fish_id) = 0;

  // RecordQuery's pool/farm filters match fish whose latest move put them there.
  virtual Result<std::vector<Fish>> ListFish(const RecordQuery& q) = 0;
  virtual Result<std::vector<Move>> ListMoves(const RecordQuery& q) = 0;
  virtual Result<std::vector<Removal>> ListRemovals(const RecordQuery& q) = 0;
  virtual Result<std::vector<Stocktake>> ListStocktakes(const RecordQuery& q) = 0;
  virtual Result<std::vector<DailyStatus>> ListDailyStatus(const RecordQuery& q) = 0;
  virtual Result<std::vector<Feeding>> ListFeedings(const RecordQuery& q) = 0;
  virtual Result<std::vector<WaterQuality>> ListWater(const RecordQuery& q) = 0;
  virtual Result<std::vector<Sexing>> ListSexings(const RecordQuery& q) = 0;
  virtual Result<std::vector<Biopsy>> ListBiopsies(const RecordQuery& q) = 0;

  // ---- Inventory. ----
  // NotFound if no pool has `pool_id`.
  virtual Result<PoolLedger> LoadPoolLedger(Id pool_id, Timestamp at) = 0;

  // Refreshes the query planner's statistics after a bulk load.
  virtual Status Optimize() = 0;

  // ---- Caviar traceability (storage/trace_store.h). ----
  // The trace records of this same database, over this Store's connection:
  // trace writes made inside Transaction() commit or roll back with it (and
  // with the audit entry appended there). Owned by the Store; valid while it
  // lives. The default refuses: the backend keeps no trace records.
  virtual Result<TraceStore*> Trace() {
    return Status::Internal("this storage backend does not keep traceability records");
  }

  // ---- Transactions and the audit trail. ----
  // Runs `fn` inside one transaction. Every write `fn` makes through this
  // same Store object (Add*, Write, AppendAudit) commits together when `fn`
  // returns OK and is rolled back, with nothing stored, otherwise. `fn` must
  // not call Transaction itself. The default refuses: a backend without
  // transactions cannot keep the audit trail.
  virtual Status Transaction(const std::function<Status()>& fn) {
    return Status::Internal("this storage backend does not support transactions");
  }
  // Appends one entry to the audit trail and returns its id. The trail is
  // append-only: no method changes or removes an entry (the SQLite backend
  // also refuses UPDATE and DELETE with triggers). Call it inside
  // Transaction() together with the change it describes.
  virtual Result<Id> AppendAudit(const AuditEntry& entry) {
    return Status::Internal("this storage backend has no audit trail");
  }
  // Entries in ascending id order, at most `q.limit` after `q.after_id`.
  virtual Result<std::vector<AuditEntry>> ListAudit(const AuditQuery& q) {
    return Status::Internal("this storage backend has no audit trail");
  }

  // ---- Drone stocktake jobs (storage/stocktake_job.h). ----
  // The defaults refuse: a backend without them cannot run API stocktakes.
  // Stores a new queued job and returns it with its id.
  virtual Result<StocktakeJob> AddStocktakeJob(const StocktakeJob& job) { return NoJobs(); }
  // NotFound for an unknown id.
  virtual Result<StocktakeJob> GetStocktakeJob(Id id) { return NoJobs(); }
  // A pool's jobs, newest first, at most `limit`.
  virtual Result<std::vector<StocktakeJob>> ListStocktakeJobs(Id pool_id, int limit) { return NoJobs(); }
  // Claims a job (the claim contract is in storage/stocktake_job.h): in one
  // atomic statement, moves the oldest queued job, or running job whose
  // heartbeat is older than `stale_before` (its worker stopped), to running
  // with a fresh heartbeat, frames_done 0 and the next `attempt`, and
  // returns it; nullopt when there is none. Safe across processes: two
  // claims never get the same attempt of a job. Giving up on a job claimed
  // too often is the caller's decision (it fails the job under its claim).
  virtual Result<std::optional<StocktakeJob>> ClaimStocktakeJob(Timestamp stale_before) { return NoJobs(); }
  // The writes of a claimed job name the claim (`attempt`, as the claim
  // returned it) and return FailedPrecondition, writing nothing, when that
  // claim no longer holds the job (claimed again, or ended): the caller has
  // lost the job.
  // Refreshes a running job's heartbeat.
  virtual Status HeartbeatStocktakeJob(Id id, int attempt) { return NoJobs(); }
  // Records progress of a running job and refreshes its heartbeat.
  virtual Status UpdateStocktakeJobProgress(Id id, int attempt, int frames_done, int frames_total) {
    return NoJobs();
  }
  // Running -> done with the count (JSON text) and the annotated PNG.
  virtual Status FinishStocktakeJob(Id id, int attempt, const std::string& result_json,
                                    const std::string& snapshot_png) {
    return NoJobs();
  }
  // Running -> failed with a sentence saying why.
  virtual Status FailStocktakeJob(Id id, int attempt, const std::string& error) { return NoJobs(); }
  // Running -> queued again, without a heartbeat and with no progress: its
  // worker stopped in order (shutdown) and hands the job back, so another
  // worker claims it at once instead of after the stale threshold. The claim
  // still counts among the job's attempts.
  virtual Status ReleaseStocktakeJob(Id id, int attempt) { return NoJobs(); }
  // Every queued and running job, oldest first: what still needs its
  // footage (the upload directory's sweep keeps only their files).
  virtual Result<std::vector<StocktakeJob>> ListUnfinishedStocktakeJobs() { return NoJobs(); }
  // The annotated PNG of a done job; NotFound when it has none.
  virtual Result<std::string> StocktakeJobSnapshot(Id id) { return NoJobs(); }
  // Marks a done job as accepted as stocktake `stocktake_id`. Joins an open
  // Transaction. FailedPrecondition if the job is not done or was already
  // accepted (so a job is accepted at most once, even by two processes).
  virtual Status MarkStocktakeJobAccepted(Id id, Id stocktake_id, Id user_id, Timestamp at) { return NoJobs(); }

 private:
  static Status NoJobs() { return Status::Internal("this storage backend does not keep stocktake jobs"); }
};

// Opens the store named by `url`: a file path (or "sqlite:PATH") opens the
// embedded SQLite backend, creating the file if needed. Migrations are
// applied at open. InvalidArgument for an unknown scheme.
Result<std::unique_ptr<Store>> OpenStore(const std::string& url);

}  // namespace sturgeon
