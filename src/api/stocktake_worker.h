// Runs drone stocktake jobs (storage/stocktake_job.h) off the I/O threads.
//
// Each worker thread opens its own Store, claims the oldest queued job
// (atomically, so several `sturgeon serve` processes sharing a database
// never run one claim of a job twice), counts the uploaded footage with the
// same code as `sturgeon stocktake` (stocktake/drone_stocktake.h), records
// progress as it goes, and stores the count, its reconciliation with the
// book and the annotated snapshot, or a failure in one plain sentence.
// Threads wake when a job is queued here, and poll the database every
// second for jobs queued by other processes.
//
// Heartbeat contract: while a job is being counted, one keeper thread
// refreshes its heartbeat every `heartbeat` (a quarter of `stale_after` by
// default), whatever the count is doing: opening the video, counting frames,
// the snapshot pass, storing the result. So a heartbeat older than
// `stale_after` means the process stopped (crash, kill), never a
// long phase without frames. Progress is written at most 4 times a second.
//
// Every write of a job names its claim (`attempt`). A worker refused a
// write (another claim took the job over after its heartbeat went stale,
// e.g. the database was out of reach) has lost the job: it stops at the
// next frame, or before storing its outcome, logs it, and leaves the job
// and its footage to the claim that holds it. A job claimed more than
// `max_attempts` times is not counted again but failed with a sentence.
//
// Files: the footage is deleted once the job's end (done or failed) is
// stored, and the temporary snapshot (job-ID-ATTEMPT.png in the upload
// directory) once the count is over, whether it succeeded, failed or threw;
// an exception from the counter fails the job with a sentence. Start()
// sweeps the upload directory (SweepUploads), and the keeper sweeps it again
// every `sweep_every`.
//
// Stop() (and the destructor) interrupts a running count at its next frame
// and hands that job back to the queue (Store::ReleaseStocktakeJob), so the
// next worker of any process claims it at once; the interrupted claim counts
// among its attempts. A job whose process died instead is claimed again
// once its heartbeat is older than `stale_after`. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "stocktake/drone_stocktake.h"
#include "storage/store.h"

namespace sturgeon::api {

struct StocktakeWorkerOptions {
  std::string db;          // as for OpenStore
  std::string upload_dir;  // where uploaded footage waits; created if missing
  int threads = 1;         // jobs counted at the same time
  std::chrono::milliseconds poll{1000};
  // A running job whose heartbeat is older than this has lost its worker
  // and is claimed again.
  std::chrono::seconds stale_after{120};
  // How often the heartbeat of a job being counted is refreshed; 0: a
  // quarter of stale_after. Must be at most half of stale_after.
  std::chrono::milliseconds heartbeat{0};
  // A job claimed this many times without ending (its worker stopped each
  // time) fails on its next claim instead of being counted again.
  int max_attempts = 3;
  // Files in the upload directory that no job needs are kept this long: an
  // upload may be between storing its file and queuing its job.
  std::chrono::seconds orphan_age{600};
  std::chrono::seconds sweep_every{3600};
  // Counts the footage; CountPoolFootage when empty (tests replace it).
  std::function<Result<DroneCount>(Id pool_id, Timestamp at, const vision::CountOptions& options, std::string notes)>
      count;
};

class StocktakeWorker {
 public:
  // Creates the upload directory (IOError if it cannot), sweeps it and
  // starts the threads. InvalidArgument for a heartbeat over half of
  // stale_after.
  static Result<std::unique_ptr<StocktakeWorker>> Start(const StocktakeWorkerOptions& options);
  ~StocktakeWorker();

  const std::string& upload_dir() const { return options_.upload_dir; }
  // Wakes a thread: a job was just queued.
  void Notify();
  void Stop();

 private:
  struct Held;  // a job being counted here, with its claim
  struct Counted {
    std::string result_json;
    std::string snapshot_png;
  };

  explicit StocktakeWorker(const StocktakeWorkerOptions& options) : options_(options) {}
  void Run();
  // The keeper thread: heartbeats of the held jobs, and the periodic sweep.
  void Keep();
  // Counts one claimed job and stores its outcome under its claim; logs
  // what went wrong. Never throws.
  void RunJob(Store& store, const StocktakeJob& job);
  // The count, its reconciliation with the book and the snapshot, or why
  // not (a Status for a sentence); throws to abandon the job.
  Result<Counted> Count(Store& store, const StocktakeJob& job, const std::string& snapshot, Held& held);
  // Sweeps the upload directory, on `store` or on one of its own; logs.
  void Sweep(Store* store);
  std::shared_ptr<Held> Hold(const StocktakeJob& job);
  void Release(const std::shared_ptr<Held>& held);

  StocktakeWorkerOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool pending_ = false;  // guarded by mu_
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;

  std::mutex held_mu_;
  std::condition_variable keeper_cv_;
  std::vector<std::shared_ptr<Held>> held_;  // guarded by held_mu_
  bool keeper_stop_ = false;                 // guarded by held_mu_
  std::thread keeper_;
};

struct UploadSweep {
  int removed = 0;
  int kept = 0;
};

// Removes from `upload_dir` the worker's files that no queued or running
// job needs: footage (upload-*.video) of jobs that ended or of no job at all
// (a crash between storing the file and queuing its job), and snapshots
// (job-*.png) of jobs that are not running. Files younger than `orphan_age`
// are kept (an upload may be between its file and its job), and so is every
// file with another name. Counts what it removed and kept.
Result<UploadSweep> SweepUploads(Store& store, const std::string& upload_dir, std::chrono::seconds orphan_age);

// "The uploaded video cannot be opened: ...": a counting failure as a
// sentence for the user, without the server's file paths.
std::string JobFailureSentence(const Status& status, const std::string& video_path);

}  // namespace sturgeon::api
