#include "api/stocktake_worker.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/allocator.h"
#include "stocktake/drone_stocktake.h"

namespace sturgeon::api {
namespace {

// Thrown from the per-frame callback to abandon a count when stopping.
struct Interrupted {};
// Thrown from the per-frame callback when another claim holds the job.
struct LostClaim {};

constexpr std::string_view kInternalErrorSentence =
    "The video could not be counted because of an internal error; the server log has details.";

constexpr auto kProgressEvery = std::chrono::milliseconds(250);

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError(fmt::format("cannot read '{}'", path));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A path as the sweep compares them: absolute and normalised, so that a
// job's path and the directory listing agree however the directory was named.
std::string SamePath(const std::string& path) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::weakly_canonical(path, ec);
  if (ec) p = std::filesystem::absolute(path, ec).lexically_normal();
  return p.string();
}

// The job id of a snapshot file name, "job-ID-ATTEMPT.png" (or "job-ID.png"
// from before claims had numbers); nullopt for other names.
std::optional<Id> SnapshotJob(const std::string& name) {
  if (!name.starts_with("job-") || !name.ends_with(".png")) return std::nullopt;
  const std::string middle = name.substr(4, name.size() - 8);
  const size_t dash = middle.find('-');
  const std::string id = middle.substr(0, dash);
  const std::string attempt = dash == std::string::npos ? "0" : middle.substr(dash + 1);
  auto digits = [](const std::string& t) {
    return !t.empty() && t.size() < 19 && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (!digits(id) || !digits(attempt)) return std::nullopt;
  return static_cast<Id>(std::stoll(id));
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

struct StocktakeWorker::Held {
  Id id = 0;
  int attempt = 0;
  std::atomic<bool> lost{false};  // a write under this claim was refused
};

Result<UploadSweep> SweepUploads(Store& store, const std::string& upload_dir, std::chrono::seconds orphan_age) {
  namespace fs = std::filesystem;
  // The jobs first, then the files: an upload stored after the query is
  // young, and so kept.
  STURGEON_ASSIGN_OR_RETURN(std::vector<StocktakeJob> jobs, store.ListUnfinishedStocktakeJobs());
  std::set<std::string> videos;
  std::set<Id> ids;
  for (const StocktakeJob& j : jobs) {
    videos.insert(SamePath(j.video_path));
    ids.insert(j.id);
  }
  const auto cutoff = fs::file_time_type::clock::now() - orphan_age;
  UploadSweep sweep;
  std::error_code list_ec;
  for (fs::directory_iterator it(upload_dir, list_ec), last; !list_ec && it != last; it.increment(list_ec)) {
    const fs::directory_entry& entry = *it;
    std::error_code ec;
    if (!entry.is_regular_file(ec)) continue;
    const std::string name = entry.path().filename().string();
    bool needed = false;
    if (name.starts_with("upload-") && name.ends_with(".video")) {
      needed = videos.contains(SamePath(entry.path().string()));
    } else if (std::optional<Id> id = SnapshotJob(name)) {
      needed = ids.contains(*id);
    } else {
      continue;  // not the worker's
    }
    const auto written = entry.last_write_time(ec);
    if (needed || ec || written > cutoff) {
      ++sweep.kept;
      continue;
    }
    if (fs::remove(entry.path(), ec)) {
      ++sweep.removed;
    } else if (ec) {
      spdlog::warn("stocktake uploads: cannot remove '{}': {}", entry.path().string(), ec.message());
    }
  }
  if (list_ec) return Status::IOError(fmt::format("cannot list '{}': {}", upload_dir, list_ec.message()));
  return sweep;
}

Result<std::unique_ptr<StocktakeWorker>> StocktakeWorker::Start(const StocktakeWorkerOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(options.upload_dir, ec);
  if (ec) {
    return Status::IOError(
        fmt::format("cannot create the stocktake upload directory '{}': {}", options.upload_dir, ec.message()));
  }
  StocktakeWorkerOptions o = options;
  if (o.heartbeat.count() <= 0) o.heartbeat = std::chrono::duration_cast<std::chrono::milliseconds>(o.stale_after) / 4;
  if (o.heartbeat.count() <= 0 || o.heartbeat * 2 > o.stale_after) {
    return Status::InvalidArgument(fmt::format("the stocktake heartbeat ({} ms) must be at most half of the stale "
                                               "threshold ({} s) and above zero",
                                               o.heartbeat.count(), o.stale_after.count()));
  }
  std::unique_ptr<StocktakeWorker> w(new StocktakeWorker(o));
  w->Sweep(nullptr);
  for (int i = 0; i < o.threads; ++i) w->threads_.emplace_back([p = w.get()] { p->Run(); });
  if (o.threads > 0) w->keeper_ = std::thread([p = w.get()] { p->Keep(); });
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
  // The heartbeats go on until the last count has returned.
  {
    std::lock_guard lock(held_mu_);
    keeper_stop_ = true;
  }
  keeper_cv_.notify_all();
  if (keeper_.joinable()) keeper_.join();
}

void StocktakeWorker::Sweep(Store* store) {
  std::unique_ptr<Store> own;
  if (!store) {
    auto opened = OpenStore(options_.db);
    if (!opened.ok()) {
      spdlog::warn("stocktake uploads: not swept: {}", opened.status().ToString());
      return;
    }
    own = std::move(opened).value();
    store = own.get();
  }
  auto swept = SweepUploads(*store, options_.upload_dir, options_.orphan_age);
  if (!swept.ok()) {
    spdlog::warn("stocktake uploads: not swept: {}", swept.status().ToString());
  } else if (swept->removed > 0) {
    spdlog::info("stocktake uploads: removed {} file(s) no job needs from '{}'", swept->removed, options_.upload_dir);
  }
}

std::shared_ptr<StocktakeWorker::Held> StocktakeWorker::Hold(const StocktakeJob& job) {
  auto held = std::make_shared<Held>();
  held->id = job.id;
  held->attempt = job.attempt;
  std::lock_guard lock(held_mu_);
  held_.push_back(held);
  return held;
}

void StocktakeWorker::Release(const std::shared_ptr<Held>& held) {
  std::lock_guard lock(held_mu_);
  std::erase(held_, held);
}

void StocktakeWorker::Keep() {
  std::unique_ptr<Store> store;
  auto next_sweep = std::chrono::steady_clock::now() + options_.sweep_every;
  std::unique_lock lock(held_mu_);
  while (!keeper_stop_) {
    keeper_cv_.wait_for(lock, options_.heartbeat, [&] { return keeper_stop_; });
    if (keeper_stop_) break;
    const std::vector<std::shared_ptr<Held>> held = held_;
    lock.unlock();
    if (!store) {
      auto opened = OpenStore(options_.db);
      if (opened.ok()) {
        store = std::move(opened).value();
      } else {
        spdlog::error("stocktake heartbeat: {}", opened.status().ToString());
      }
    }
    if (store) {
      for (const std::shared_ptr<Held>& h : held) {
        Status st = store->HeartbeatStocktakeJob(h->id, h->attempt);
        if (st.code() == StatusCode::kFailedPrecondition) {
          h->lost = true;  // the counting thread stops and logs it
        } else if (!st.ok()) {
          spdlog::warn("stocktake job {}: heartbeat: {}", h->id, st.ToString());
        }
      }
      if (std::chrono::steady_clock::now() >= next_sweep) {
        Sweep(store.get());
        next_sweep = std::chrono::steady_clock::now() + options_.sweep_every;
      }
    }
    lock.lock();
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
        RunJob(*store, **job);
        ReturnFreeHeap();  // what the count's frames held (core/allocator.h)
      }
    }
    if (claimed) continue;  // there may be more
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, options_.poll, [&] { return pending_ || stop_.load(); });
    pending_ = false;
  }
}

void StocktakeWorker::RunJob(Store& store, const StocktakeJob& job) {
  const std::string name = fmt::format("stocktake job {} (claim {})", job.id, job.attempt);
  // Stores the job's end under its claim; the footage goes once it is stored.
  auto end = [&](Status stored) {
    if (stored.code() == StatusCode::kFailedPrecondition) {
      spdlog::info("{}: outcome not stored, another claim holds the job or it has ended; leaving it be", name);
      return;
    }
    if (!stored.ok()) {
      spdlog::error("{}: storing its outcome: {}; it will be claimed again", name, stored.ToString());
      return;
    }
    std::error_code ec;
    std::filesystem::remove(job.video_path, ec);
  };
  if (job.attempt > options_.max_attempts) {
    spdlog::warn("{}: giving up: claimed {} times before, its worker stopped each time", name, job.attempt - 1);
    end(store.FailStocktakeJob(
        job.id, job.attempt, fmt::format("Gave up after {} attempts; the worker stopped each time.", job.attempt - 1)));
    return;
  }

  const std::shared_ptr<Held> held = Hold(job);
  const std::string snapshot =
      (std::filesystem::path(options_.upload_dir) / fmt::format("job-{}-{}.png", job.id, job.attempt)).string();
  std::optional<Counted> counted;
  std::string error;
  bool abandoned = false, interrupted = false;
  try {
    Result<Counted> c = Count(store, job, snapshot, *held);
    if (c.ok()) {
      counted = std::move(c).value();
    } else {
      error = JobFailureSentence(c.status(), job.video_path);
    }
  } catch (const Interrupted&) {
    abandoned = interrupted = true;
  } catch (const LostClaim&) {
    abandoned = true;
  } catch (const std::exception& e) {
    // A bug in the counter must fail the job, not the server.
    spdlog::error("{}: {}", name, e.what());
    error = kInternalErrorSentence;
  } catch (...) {
    spdlog::error("{}: unknown exception", name);
    error = kInternalErrorSentence;
  }
  Release(held);
  std::error_code ec;
  std::filesystem::remove(snapshot, ec);
  if (held->lost) {
    spdlog::info("{}: another claim took the job over (this worker's heartbeat had gone stale); stopping without "
                 "storing anything",
                 name);
    return;
  }
  if (interrupted) {
    // Stopped in order: hand the job back so the next worker (of any
    // process) claims it at once rather than after `stale_after`.
    Status released = store.ReleaseStocktakeJob(job.id, job.attempt);
    if (released.ok()) {
      spdlog::info("{}: interrupted by shutdown; queued again", name);
    } else {
      spdlog::info("{}: interrupted by shutdown; not queued again ({}); it will be claimed once stale", name,
                   released.ToString());
    }
    return;
  }
  if (abandoned) return;
  end(counted ? store.FinishStocktakeJob(job.id, job.attempt, counted->result_json, counted->snapshot_png)
              : store.FailStocktakeJob(job.id, job.attempt, error));
}

Result<StocktakeWorker::Counted> StocktakeWorker::Count(Store& store, const StocktakeJob& job,
                                                        const std::string& snapshot, Held& held) {
  STURGEON_ASSIGN_OR_RETURN(Pool pool, store.GetPool(job.pool_id));
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
    if (held.lost) throw LostClaim{};
    const auto now = std::chrono::steady_clock::now();
    if (now - last_progress < kProgressEvery) return;
    last_progress = now;
    Status st = store.UpdateStocktakeJobProgress(job.id, job.attempt, done, total);
    if (st.code() == StatusCode::kFailedPrecondition) {
      held.lost = true;
      throw LostClaim{};
    }
    if (!st.ok()) spdlog::warn("stocktake job {}: progress: {}", job.id, st.ToString());
  };
  const std::string notes = fmt::format("drone stocktake job {}", job.id);
  STURGEON_ASSIGN_OR_RETURN(DroneCount count, options_.count ? options_.count(pool.id, job.at, options, notes)
                                                             : CountPoolFootage(pool.id, job.at, options, notes));
  STURGEON_ASSIGN_OR_RETURN(Reconciliation reconciled, ReconcileWithBook(store, count.stocktake));
  nlohmann::json result = StocktakeJson(count.report, pool.code, job.at, reconciled);
  auto png = ReadFile(snapshot);
  return Counted{result.dump(), png.ok() ? *png : std::string()};
}

}  // namespace sturgeon::api
