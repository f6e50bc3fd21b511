// The stocktake worker's bookkeeping, with the counter replaced
// (StocktakeWorkerOptions::count) so that no video is decoded: a job is
// written only by the claim that holds it, its heartbeat goes on while the
// count has no frames to report, a job whose worker keeps stopping is given
// up, a count that throws fails the job and leaves no files, and the upload
// directory is swept of files no queued or running job needs.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "api/stocktake_worker.h"
#include "storage/store.h"

namespace sturgeon::api {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// What the replaced counter returns: 7 fish in [6, 8].
DroneCount FakeCount(Id pool_id, Timestamp at) {
  DroneCount d;
  d.report.result.count = 7;
  d.report.result.count_low = 6;
  d.report.result.count_high = 8;
  d.report.frames = 30;
  d.stocktake.pool_id = pool_id;
  d.stocktake.at = at;
  d.stocktake.count = 7;
  d.stocktake.count_low = 6;
  d.stocktake.count_high = 8;
  d.stocktake.method = "drone";
  return d;
}

void Touch(const fs::path& p, std::chrono::seconds age = 0s) {
  std::ofstream(p, std::ios::binary) << "not really a video";
  fs::last_write_time(p, fs::file_time_type::clock::now() - age);
}

class StocktakeWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / fmt::format("sturgeon_worker_{}", rd());
    fs::create_directories(dir_ / "uploads");
    db_ = (dir_ / "jobs.db").string();
    auto s = OpenStore(db_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    auto farm = store_->AddFarm(Farm{0, "FA", "Farm A", "Zhejiang", "Quzhou", 28.9, 118.8, "Asia/Shanghai"});
    ASSERT_TRUE(farm.ok());
    Pool p;
    p.code = "FA-P1";
    p.farm_id = farm->id;
    p.volume_m3 = 100;
    p.max_density_kg_m3 = 40;
    auto pool = store_->AddPool(p);
    ASSERT_TRUE(pool.ok());
    pool_id_ = pool->id;
  }

  void TearDown() override {
    worker_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  fs::path uploads() const { return dir_ / "uploads"; }

  // A queued job whose footage is `name` in the upload directory.
  StocktakeJob AddJob(const std::string& name, std::chrono::seconds age = 0s) {
    Touch(uploads() / name, age);
    StocktakeJob job;
    job.pool_id = pool_id_;
    job.at = *Timestamp::Parse("2025-06-01T08:00:00Z");
    job.created_at = Timestamp::Now();
    job.video_path = (uploads() / name).string();
    job.video_bytes = 18;
    auto added = store_->AddStocktakeJob(job);
    EXPECT_TRUE(added.ok()) << added.status().ToString();
    return added.ok() ? *added : job;
  }

  StocktakeWorkerOptions Options() const {
    StocktakeWorkerOptions o;
    o.db = db_;
    o.upload_dir = uploads().string();
    o.poll = 50ms;
    return o;
  }

  void StartWorker(const StocktakeWorkerOptions& o) {
    auto w = StocktakeWorker::Start(o);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    worker_ = std::move(w).value();
  }

  StocktakeJob Job(Id id) {
    auto j = store_->GetStocktakeJob(id);
    EXPECT_TRUE(j.ok()) << j.status().ToString();
    return j.ok() ? *j : StocktakeJob{};
  }

  // Polls until the job is done or failed, or `limit` passes.
  StocktakeJob WaitForEnd(Id id, std::chrono::seconds limit = 20s) {
    const auto until = std::chrono::steady_clock::now() + limit;
    StocktakeJob j = Job(id);
    while ((j.state == JobState::kQueued || j.state == JobState::kRunning) && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(20ms);
      j = Job(id);
    }
    return j;
  }

  fs::path dir_;
  std::string db_;
  std::unique_ptr<Store> store_;
  Id pool_id_ = 0;
  std::unique_ptr<StocktakeWorker> worker_;
};

// A worker whose job was claimed again (its heartbeat had gone stale while
// it was in fact still counting) has lost the job: its finish is refused,
// the job stays with the new claim, and the footage the new claim needs is
// not deleted.
TEST_F(StocktakeWorkerTest, AWorkerThatLostItsClaimCannotFinishTheJobOrRemoveItsVideo) {
  const StocktakeJob job = AddJob("upload-1.video");
  std::atomic<bool> counted{false};
  StocktakeWorkerOptions o = Options();
  o.count = [&](Id pool_id, Timestamp at, const vision::CountOptions&, std::string) -> Result<DroneCount> {
    // Another process takes the job over, as if this worker's heartbeat
    // had gone stale.
    auto other = OpenStore(db_);
    EXPECT_TRUE(other.ok());
    auto taken = (*other)->ClaimStocktakeJob(Timestamp::Now().AddSeconds(3600));
    EXPECT_TRUE(taken.ok() && taken->has_value() && (*taken)->id == job.id);
    counted = true;
    return FakeCount(pool_id, at);
  };
  StartWorker(o);
  for (int i = 0; i < 1000 && !counted; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(counted);
  worker_->Stop();  // its RunJob has returned
  const StocktakeJob after = Job(job.id);
  EXPECT_EQ(after.state, JobState::kRunning);
  EXPECT_EQ(after.attempt, 2);
  EXPECT_TRUE(after.result.empty());
  EXPECT_TRUE(fs::exists(job.video_path));
}

// The same while frames are being counted: the worker stops at its next
// frame instead of counting on for nothing.
TEST_F(StocktakeWorkerTest, AWorkerThatLostItsClaimStopsAtItsNextFrame) {
  const StocktakeJob job = AddJob("upload-5.video");
  std::atomic<int> frames{0};
  std::atomic<bool> ended{false}, aborted{false};
  StocktakeWorkerOptions o = Options();
  o.count = [&](Id pool_id, Timestamp at, const vision::CountOptions& options, std::string) -> Result<DroneCount> {
    try {
      for (int f = 1; f <= 200; ++f) {
        if (f == 20) {
          auto other = OpenStore(db_);
          EXPECT_TRUE(other.ok());
          auto taken = (*other)->ClaimStocktakeJob(Timestamp::Now().AddSeconds(3600));
          EXPECT_TRUE(taken.ok() && taken->has_value());
        }
        options.on_frame(f, 200);
        frames = f;
        std::this_thread::sleep_for(20ms);
      }
    } catch (...) {
      aborted = true;
      ended = true;
      throw;
    }
    ended = true;
    return FakeCount(pool_id, at);
  };
  StartWorker(o);
  for (int i = 0; i < 2000 && !ended; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(ended);
  worker_->Stop();
  EXPECT_TRUE(aborted);
  EXPECT_LT(frames, 200);
  const StocktakeJob after = Job(job.id);
  EXPECT_EQ(after.state, JobState::kRunning);
  EXPECT_EQ(after.attempt, 2);
  EXPECT_EQ(after.frames_done, 0) << "the lost claim's progress was not written";
  EXPECT_TRUE(fs::exists(job.video_path));
}

// A worker stopped in order (shutdown) in the middle of a count hands the
// job back: it is queued again at once, without progress or heartbeat, its
// footage kept, and the next worker counts it without waiting for the stale
// threshold.
TEST_F(StocktakeWorkerTest, AWorkerStoppedInOrderHandsItsJobBack) {
  const StocktakeJob job = AddJob("upload-6.video");
  std::atomic<int> frames{0};
  StocktakeWorkerOptions o = Options();
  o.stale_after = 3600s;  // a stale claim would not be taken over within this test
  o.count = [&](Id pool_id, Timestamp at, const vision::CountOptions& options, std::string) -> Result<DroneCount> {
    for (int f = 1; f <= 100000; ++f) {
      options.on_frame(f, 100000);
      frames = f;
      std::this_thread::sleep_for(5ms);
    }
    return FakeCount(pool_id, at);
  };
  StartWorker(o);
  for (int i = 0; i < 2000 && frames < 10; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_GE(frames, 10);
  worker_->Stop();
  const StocktakeJob released = Job(job.id);
  EXPECT_EQ(released.state, JobState::kQueued);
  EXPECT_EQ(released.attempt, 1);
  EXPECT_EQ(released.frames_done, 0);
  EXPECT_FALSE(released.heartbeat_at.has_value());
  EXPECT_TRUE(fs::exists(job.video_path));

  StocktakeWorkerOptions again = Options();
  again.stale_after = 3600s;
  again.count = [&](Id pool_id, Timestamp at, const vision::CountOptions&, std::string) -> Result<DroneCount> {
    return FakeCount(pool_id, at);
  };
  worker_.reset();
  StartWorker(again);
  const StocktakeJob after = WaitForEnd(job.id, 10s);
  EXPECT_EQ(after.state, JobState::kDone);
  EXPECT_EQ(after.attempt, 2);
}

// Three workers claimed the job and stopped (their heartbeats went stale):
// the fourth claim gives up on it with a sentence instead of counting again.
TEST_F(StocktakeWorkerTest, AJobWhoseWorkerKeepsStoppingFailsAfterThreeAttempts) {
  const StocktakeJob job = AddJob("upload-2.video");
  for (int i = 0; i < 3; ++i) {
    auto claimed = store_->ClaimStocktakeJob(Timestamp::Now().AddSeconds(3600));  // every heartbeat is stale
    ASSERT_TRUE(claimed.ok() && claimed->has_value());
  }
  std::atomic<int> counts{0};
  StocktakeWorkerOptions o = Options();
  o.stale_after = 1s;
  o.count = [&](Id pool_id, Timestamp at, const vision::CountOptions&, std::string) -> Result<DroneCount> {
    ++counts;
    return FakeCount(pool_id, at);
  };
  StartWorker(o);
  const StocktakeJob after = WaitForEnd(job.id);
  EXPECT_EQ(after.state, JobState::kFailed);
  EXPECT_EQ(after.error, "Gave up after 3 attempts; the worker stopped each time.");
  EXPECT_EQ(counts, 0);
  EXPECT_FALSE(fs::exists(job.video_path));
}

// The count reports no frames for longer than the stale threshold (a long
// snapshot pass): the job's heartbeat goes on, so no other worker may claim
// it meanwhile, and it ends done.
TEST_F(StocktakeWorkerTest, HeartbeatGoesOnWhileTheCountHasNoFramesToReport) {
  const StocktakeJob job = AddJob("upload-3.video");
  std::atomic<bool> started{false}, finished{false};
  StocktakeWorkerOptions o = Options();
  o.stale_after = 3s;
  o.heartbeat = 400ms;
  o.count = [&](Id pool_id, Timestamp at, const vision::CountOptions&, std::string) -> Result<DroneCount> {
    started = true;
    std::this_thread::sleep_for(5s);  // no on_frame calls
    finished = true;
    return FakeCount(pool_id, at);
  };
  StartWorker(o);
  for (int i = 0; i < 1000 && !started; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(started);
  auto other = OpenStore(db_);
  ASSERT_TRUE(other.ok());
  while (!finished) {
    auto stolen = (*other)->ClaimStocktakeJob(Timestamp::Now().AddSeconds(-3));
    ASSERT_TRUE(stolen.ok()) << stolen.status().ToString();
    ASSERT_FALSE(stolen->has_value()) << "the job was claimed again while its worker was counting";
    std::this_thread::sleep_for(200ms);
  }
  const StocktakeJob after = WaitForEnd(job.id);
  EXPECT_EQ(after.state, JobState::kDone);
  EXPECT_FALSE(fs::exists(job.video_path));
}

// A bug in the counter (an exception) fails the job with a sentence and
// removes the footage and the snapshot it had written.
TEST_F(StocktakeWorkerTest, ACountThatThrowsFailsTheJobAndRemovesItsFiles) {
  const StocktakeJob job = AddJob("upload-4.video");
  std::string snapshot;
  StocktakeWorkerOptions o = Options();
  o.count = [&](Id, Timestamp, const vision::CountOptions& options, std::string) -> Result<DroneCount> {
    snapshot = options.snapshot_path;
    Touch(snapshot);
    throw std::runtime_error("counter bug");
  };
  StartWorker(o);
  const StocktakeJob after = WaitForEnd(job.id);
  EXPECT_EQ(after.state, JobState::kFailed);
  EXPECT_EQ(after.error, "The video could not be counted because of an internal error; the server log has details.");
  ASSERT_FALSE(snapshot.empty());
  EXPECT_FALSE(fs::exists(snapshot));
  EXPECT_FALSE(fs::exists(job.video_path));
  EXPECT_TRUE(fs::is_empty(uploads()));
}

// At start-up the upload directory loses what no queued or running job
// needs: a finished job's footage, footage no job names (a crash between
// storing the file and queuing its job) and stale snapshots. A queued job's
// footage, an upload younger than the grace age (it may be about to be
// queued) and files the worker does not name are kept.
TEST_F(StocktakeWorkerTest, StartUpSweepRemovesLeftoversAndKeepsWhatJobsStillNeed) {
  const StocktakeJob failed = AddJob("upload-failed.video", 2h);
  auto claimed = store_->ClaimStocktakeJob(Timestamp::Now().AddSeconds(-120));
  ASSERT_TRUE(claimed.ok() && claimed->has_value());
  ASSERT_TRUE(store_->FailStocktakeJob(failed.id, (*claimed)->attempt, "The uploaded video cannot be opened.").ok());
  Touch(uploads() / "upload-failed.video", 2h);  // as if the worker died before removing it
  const StocktakeJob queued = AddJob("upload-queued.video", 2h);
  Touch(uploads() / "upload-orphan.video", 2h);
  Touch(uploads() / "upload-arriving.video");
  Touch(uploads() / "job-99-1.png", 2h);
  Touch(uploads() / "notes.txt", 2h);

  StocktakeWorkerOptions o = Options();
  o.threads = 0;  // nothing is counted: only the sweep runs
  StartWorker(o);
  EXPECT_FALSE(fs::exists(uploads() / "upload-failed.video"));
  EXPECT_FALSE(fs::exists(uploads() / "upload-orphan.video"));
  EXPECT_FALSE(fs::exists(uploads() / "job-99-1.png"));
  EXPECT_TRUE(fs::exists(queued.video_path));
  EXPECT_TRUE(fs::exists(uploads() / "upload-arriving.video"));
  EXPECT_TRUE(fs::exists(uploads() / "notes.txt"));
  EXPECT_EQ(Job(queued.id).state, JobState::kQueued);
}

}  // namespace
}  // namespace sturgeon::api
