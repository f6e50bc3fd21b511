// Runs drone stocktake jobs (storage/stocktake_job.h) off the I/O threads.
//
// Each worker thread opens its own Store, claims the oldest queued job
// (atomically, so several `sturgeon serve` processes sharing a database
// never run one job twice), counts the uploaded footage with the same code
// as `sturgeon stocktake` (stocktake/drone_stocktake.h), records progress as
// it goes, and stores the count, its reconciliation with the book and the
// annotated snapshot, or a failure in one plain sentence. The footage is
// deleted once counted. Threads wake when a job is queued here, and poll the
// database every second for jobs queued by other processes.
//
// Stop() (and the destructor) interrupts a running count at its next frame;
// that job keeps state "running" and, once its heartbeat is older than
// `stale_after`, is claimed again (by any process). Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/status.h"
#include "storage/store.h"

namespace sturgeon::api {

struct StocktakeWorkerOptions {
  std::string db;          // as for OpenStore
  std::string upload_dir;  // where uploaded footage waits; created if missing
  int threads = 1;         // jobs counted at the same time
  std::chrono::milliseconds poll{1000};
  std::chrono::seconds stale_after{120};
};

class StocktakeWorker {
 public:
  // Creates the upload directory (IOError if it cannot) and starts the threads.
  static Result<std::unique_ptr<StocktakeWorker>> Start(const StocktakeWorkerOptions& options);
  ~StocktakeWorker();

  const std::string& upload_dir() const { return options_.upload_dir; }
  // Wakes a thread: a job was just queued.
  void Notify();
  void Stop();

 private:
  explicit StocktakeWorker(const StocktakeWorkerOptions& options) : options_(options) {}
  void Run();
  // Counts one claimed job and stores its outcome.
  Status RunJob(Store& store, const StocktakeJob& job);

  StocktakeWorkerOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool pending_ = false;  // guarded by mu_
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

// "The uploaded video cannot be opened: ...": a counting failure as a
// sentence for the user, without the server's file paths.
std::string JobFailureSentence(const Status& status, const std::string& video_path);

}  // namespace sturgeon::api
