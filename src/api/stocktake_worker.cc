#include "api/stocktake_worker.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "stocktake/drone_stocktake.h"

namespace sturgeon::api {
namespace {

// Thrown from the per-frame callback to abandon a count when stopping.
struct Interrupted {};

constexpr auto kProgressEvery = std::chrono::milliseconds(250);

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError(fmt::format("cannot read '{}'", path));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

std::string JobFailureSentence(const Status& status, const std::string& video_path) {
  std::string msg = status.message();
  for (const std::string& quoted : {fmt::format("video '{}'", video_path), fmt::format("'{}'", video_path)}) {
    for (size_t at = msg.find(quoted); at != std::string::npos; at = msg.find(quoted)) {
      msg.replace(at, quoted.size(), "the uploaded video");
    }
  }
  if (!msg.empty()) msg[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(msg[0])));
  if (!msg.empty() && msg.back() != '.') msg += '.';
  return msg;
}

Result<std::unique_ptr<StocktakeWorker>> StocktakeWorker::Start(const StocktakeWorkerOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(options.upload_dir, ec);
  if (ec) {
    return Status::IOError(
        fmt::format("cannot create the stocktake upload directory '{}': {}", options.upload_dir, ec.message()));
  }
  std::unique_ptr<StocktakeWorker> w(new StocktakeWorker(options));
  for (int i = 0; i < options.threads; ++i) w->threads_.emplace_back([p = w.get()] { p->Run(); });
  return w;
}

StocktakeWorker::~StocktakeWorker() { Stop(); }

void StocktakeWorker::Notify() {
  {
    std::lock_guard lock(mu_);
    pending_ = true;
  }
  cv_.notify_one();
}

void StocktakeWorker::Stop() {
  stop_ = true;
  cv_.notify_all();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void StocktakeWorker::Run() {
  std::unique_ptr<Store> store;
  while (!stop_) {
    if (!store) {
      auto opened = OpenStore(options_.db);
      if (!opened.ok()) {
        spdlog::error("stocktake worker: {}", opened.status().ToString());
      } else {
        store = std::move(opened).value();
      }
    }
    bool claimed = false;
    if (store) {
      auto job = store->ClaimStocktakeJob(Timestamp::Now().AddSeconds(-options_.stale_after.count()));
      if (!job.ok()) {
        spdlog::warn("stocktake worker: claiming a job: {}", job.status().ToString());
      } else if (*job) {
        claimed = true;
        try {
          Status st = RunJob(*store, **job);
          if (!st.ok()) spdlog::error("stocktake job {}: {}", (*job)->id, st.ToString());
        } catch (const Interrupted&) {
          spdlog::info("stocktake job {}: interrupted by shutdown; it will be claimed again", (*job)->id);
        } catch (const std::exception& e) {
          // A bug in the counter must fail the job, not the server.
          spdlog::error("stocktake job {}: {}", (*job)->id, e.what());
          std::error_code ec;
          std::filesystem::remove((*job)->video_path, ec);
          Status st = store->FailStocktakeJob(
              (*job)->id, "The video could not be counted because of an internal error; the server log has details.");
          if (!st.ok()) spdlog::error("stocktake job {}: {}", (*job)->id, st.ToString());
        }
      }
    }
    if (claimed) continue;  // there may be more
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, options_.poll, [&] { return pending_ || stop_.load(); });
    pending_ = false;
  }
}

Status StocktakeWorker::RunJob(Store& store, const StocktakeJob& job) {
  STURGEON_ASSIGN_OR_RETURN(Pool pool, store.GetPool(job.pool_id));
  const std::string snapshot = (std::filesystem::path(options_.upload_dir) / fmt::format("job-{}.png", job.id)).string();
  vision::CountOptions options;
  options.video_path = job.video_path;
  options.snapshot_path = snapshot;
  if (job.altitude_m && job.hfov_deg) {
    options.altitude_m = *job.altitude_m;
    options.hfov_deg = *job.hfov_deg;
  }
  auto last_progress = std::chrono::steady_clock::now() - kProgressEvery;
  options.on_frame = [&](int done, int total) {
    if (stop_) throw Interrupted{};
    const auto now = std::chrono::steady_clock::now();
    if (now - last_progress < kProgressEvery) return;
    last_progress = now;
    Status st = store.UpdateStocktakeJobProgress(job.id, done, total);
    if (!st.ok()) spdlog::warn("stocktake job {}: progress: {}", job.id, st.ToString());
  };
  auto cleanup = [&] {
    std::error_code ec;
    std::filesystem::remove(job.video_path, ec);
    std::filesystem::remove(snapshot, ec);
  };
  auto counted = CountPoolFootage(pool.id, job.at, options, fmt::format("drone stocktake job {}", job.id));
  if (!counted.ok()) {
    cleanup();
    return store.FailStocktakeJob(job.id, JobFailureSentence(counted.status(), job.video_path));
  }
  auto reconciled = ReconcileWithBook(store, counted->stocktake);
  if (!reconciled.ok()) {
    cleanup();
    return store.FailStocktakeJob(job.id, JobFailureSentence(reconciled.status(), job.video_path));
  }
  nlohmann::json result = StocktakeJson(counted->report, pool.code, job.at, *reconciled);
  if (counted->stocktake.mean_weight_g) result["mean_weight_g"] = *counted->stocktake.mean_weight_g;
  auto png = ReadFile(snapshot);
  cleanup();
  return store.FinishStocktakeJob(job.id, result.dump(), png.ok() ? *png : std::string());
}

}  // namespace sturgeon::api
