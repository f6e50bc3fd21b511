#include "storage/sqlite/sqlite_jobs.h"

#include <array>

#include <fmt/format.h>

namespace sturgeon {

std::string_view ToString(JobState state) {
  switch (state) {
    case JobState::kQueued: return "queued";
    case JobState::kRunning: return "running";
    case JobState::kDone: return "done";
    case JobState::kFailed: return "failed";
  }
  return "queued";
}

std::optional<JobState> ParseJobState(std::string_view text) {
  for (JobState s : {JobState::kQueued, JobState::kRunning, JobState::kDone, JobState::kFailed}) {
    if (ToString(s) == text) return s;
  }
  return std::nullopt;
}

namespace sqlite {
namespace {

constexpr std::string_view kColumns =
    "id, pool_id, at, state, created_at, created_by, video_path, video_bytes, frames_done, frames_total, "
    "started_at, heartbeat_at, finished_at, error, result, snapshot IS NOT NULL, stocktake_id, accepted_at, "
    "accepted_by, altitude_m, hfov_deg, attempt";

std::optional<Timestamp> OptTime(const Statement& s, int col) {
  if (s.IsNull(col)) return std::nullopt;
  auto t = Timestamp::Parse(s.Text(col));
  return t.ok() ? std::optional<Timestamp>(*t) : std::nullopt;
}

StocktakeJob ReadJob(const Statement& s) {
  StocktakeJob j;
  j.id = s.Int(0);
  j.pool_id = s.Int(1);
  j.at = OptTime(s, 2).value_or(Timestamp{});
  j.state = ParseJobState(s.Text(3)).value_or(JobState::kFailed);
  j.created_at = OptTime(s, 4).value_or(Timestamp{});
  j.created_by = s.OptInt(5);
  j.video_path = s.Text(6);
  j.video_bytes = s.Int(7);
  j.frames_done = static_cast<int>(s.Int(8));
  j.frames_total = static_cast<int>(s.Int(9));
  j.started_at = OptTime(s, 10);
  j.heartbeat_at = OptTime(s, 11);
  j.finished_at = OptTime(s, 12);
  j.error = s.Text(13);
  j.result = s.Text(14);
  j.has_snapshot = s.Int(15) != 0;
  j.stocktake_id = s.OptInt(16);
  j.accepted_at = OptTime(s, 17);
  j.accepted_by = s.OptInt(18);
  j.altitude_m = s.OptDouble(19);
  j.hfov_deg = s.OptDouble(20);
  j.attempt = static_cast<int>(s.Int(21));
  return j;
}

// Runs an UPDATE of one job that must change exactly one row; otherwise
// FailedPrecondition with `not_changed`.
Status UpdateOne(Connection& db, Statement& s, std::string_view what, std::string not_changed) {
  STURGEON_RETURN_IF_ERROR(s.Run(what));
  if (db.Changes() != 1) return Status::FailedPrecondition(std::move(not_changed));
  return Status::Ok();
}

}  // namespace

Result<StocktakeJob> AddStocktakeJob(Connection& db, const StocktakeJob& job) {
  STURGEON_ASSIGN_OR_RETURN(Statement s, db.Prepare(
      "INSERT INTO stocktake_jobs (pool_id, at, state, created_at, created_by, video_path, video_bytes, altitude_m, "
      "hfov_deg) VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?)"));
  s.Bind(1, job.pool_id).Bind(2, job.at.ToString()).Bind(3, job.created_at.ToString()).Bind(4, job.created_by)
      .Bind(5, job.video_path).Bind(6, job.video_bytes).Bind(7, job.altitude_m).Bind(8, job.hfov_deg);
  STURGEON_RETURN_IF_ERROR(s.Run("adding stocktake job"));
  StocktakeJob out = job;
  out.id = db.LastInsertId();
  out.state = JobState::kQueued;
  return out;
}

Result<StocktakeJob> GetStocktakeJob(Connection& db, Id id) {
  STURGEON_ASSIGN_OR_RETURN(Statement s,
                            db.Prepare(fmt::format("SELECT {} FROM stocktake_jobs WHERE id = ?", kColumns)));
  s.Bind(1, id);
  STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("reading stocktake job"));
  if (!row) return Status::NotFound(fmt::format("no stocktake job with id {}", id));
  return ReadJob(s);
}

Result<std::vector<StocktakeJob>> ListStocktakeJobs(Connection& db, Id pool_id, int limit) {
  STURGEON_ASSIGN_OR_RETURN(Statement s, db.Prepare(fmt::format(
      "SELECT {} FROM stocktake_jobs WHERE pool_id = ? ORDER BY id DESC LIMIT ?", kColumns)));
  s.Bind(1, pool_id).Bind(2, limit);
  std::vector<StocktakeJob> out;
  while (true) {
    STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("listing stocktake jobs"));
    if (!row) break;
    out.push_back(ReadJob(s));
  }
  return out;
}

Result<std::optional<StocktakeJob>> ClaimStocktakeJob(Connection& db, Timestamp stale_before) {
  const std::string now = Timestamp::Now().ToString();
  // One statement: SQLite runs it under the database's write lock, so two
  // processes never claim the same attempt of a job. The outer WHERE repeats
  // the condition so that the statement stays safe where the subquery and
  // the update may see different versions of the row (PostgreSQL's READ
  // COMMITTED: the update then touches nothing, and the caller polls again).
  STURGEON_ASSIGN_OR_RETURN(Statement s, db.Prepare(
      "UPDATE stocktake_jobs SET state = 'running', attempt = attempt + 1, started_at = ?1, heartbeat_at = ?1, "
      "frames_done = 0 WHERE id = (SELECT id FROM stocktake_jobs WHERE state = 'queued' OR (state = 'running' "
      "AND heartbeat_at < ?2) ORDER BY id LIMIT 1) AND (state = 'queued' OR (state = 'running' AND heartbeat_at < ?2)) "
      "RETURNING id"));
  s.Bind(1, now).Bind(2, stale_before.ToString());
  STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("claiming a stocktake job"));
  if (!row) return std::optional<StocktakeJob>();
  const Id id = s.Int(0);
  STURGEON_ASSIGN_OR_RETURN(bool more, s.Step("claiming a stocktake job"));
  (void)more;
  STURGEON_ASSIGN_OR_RETURN(StocktakeJob job, GetStocktakeJob(db, id));
  return std::optional<StocktakeJob>(std::move(job));
}

namespace {

std::string Lost(Id id, int attempt) {
  return fmt::format("stocktake job {} is no longer held by claim {} (claimed again, or ended)", id, attempt);
}

}  // namespace

Status HeartbeatStocktakeJob(Connection& db, Id id, int attempt) {
  STURGEON_ASSIGN_OR_RETURN(Statement s, db.Prepare(
      "UPDATE stocktake_jobs SET heartbeat_at = ? WHERE id = ? AND attempt = ? AND state = 'running'"));
  s.Bind(1, Timestamp::Now().ToString()).Bind(2, id).Bind(3, attempt);
  return UpdateOne(db, s, "refreshing stocktake job heartbeat", Lost(id, attempt));
}

Status UpdateStocktakeJobProgress(Connection& db, Id id, int attempt, int frames_done, int frames_total) {
  STURGEON_ASSIGN_OR_RETURN(Statement s, db.Prepare(
      "UPDATE stocktake_jobs SET frames_done = ?, frames_total = ?, heartbeat_at = ? "
      "WHERE id = ? AND attempt = ? AND state = 'running'"));
  s.Bind(1, frames_done).Bind(2, frames_total).Bind(3, Timestamp::Now().ToString()).Bind(4, id).Bind(5, attempt);
  return UpdateOne(db, s, "updating stocktake job progress", Lost(id, attempt));
}

Status FinishStocktakeJob(Connection& db, Id id, int attempt, const std::string& result_json,
                          const std::string& snapshot_png) {
  STURGEON_ASSIGN_OR_RETURN(Statement s, db.Prepare(
      "UPDATE stocktake_jobs SET state = 'done', frames_done = MAX(frames_done, frames_total), finished_at = ?, "
      "result = ?, snapshot = ? WHERE id = ? AND attempt = ? AND state = 'running'"));
  s.Bind(1, Timestamp::Now().ToString()).Bind(2, result_json);
  if (snapshot_png.empty()) {
    s.BindNull(3);
  } else {
    s.BindBlob(3, snapshot_png);
  }
  s.Bind(4, id).Bind(5, attempt);
  return UpdateOne(db, s, "finishing stocktake job", Lost(id, attempt));
}

Status FailStocktakeJob(Connection& db, Id id, int attempt, const std::string& error) {
  STURGEON_ASSIGN_OR_RETURN(Statement s, db.Prepare(
      "UPDATE stocktake_jobs SET state = 'failed', finished_at = ?, error = ? "
      "WHERE id = ? AND attempt = ? AND state = 'running'"));
  s.Bind(1, Timestamp::Now().ToString()).Bind(2, error).Bind(3, id).Bind(4, attempt);
  return UpdateOne(db, s, "failing stocktake job", Lost(id, attempt));
}

Status ReleaseStocktakeJob(Connection& db, Id id, int attempt) {
  STURGEON_ASSIGN_OR_RETURN(Statement s, db.Prepare(
      "UPDATE stocktake_jobs SET state = 'queued', heartbeat_at = NULL, frames_done = 0 "
      "WHERE id = ? AND attempt = ? AND state = 'running'"));
  s.Bind(1, id).Bind(2, attempt);
  return UpdateOne(db, s, "releasing stocktake job", Lost(id, attempt));
}

Result<std::vector<StocktakeJob>> ListUnfinishedStocktakeJobs(Connection& db) {
  STURGEON_ASSIGN_OR_RETURN(Statement s, db.Prepare(fmt::format(
      "SELECT {} FROM stocktake_jobs WHERE state IN ('queued', 'running') ORDER BY id", kColumns)));
  std::vector<StocktakeJob> out;
  while (true) {
    STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("listing unfinished stocktake jobs"));
    if (!row) break;
    out.push_back(ReadJob(s));
  }
  return out;
}

Result<std::string> StocktakeJobSnapshot(Connection& db, Id id) {
  STURGEON_ASSIGN_OR_RETURN(Statement s, db.Prepare("SELECT snapshot FROM stocktake_jobs WHERE id = ?"));
  s.Bind(1, id);
  STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("reading stocktake snapshot"));
  if (!row) return Status::NotFound(fmt::format("no stocktake job with id {}", id));
  if (s.IsNull(0)) return Status::NotFound(fmt::format("stocktake job {} has no snapshot", id));
  return s.Text(0);
}

Status MarkStocktakeJobAccepted(Connection& db, Id id, Id stocktake_id, Id user_id, Timestamp at) {
  STURGEON_ASSIGN_OR_RETURN(Statement s, db.Prepare(
      "UPDATE stocktake_jobs SET stocktake_id = ?, accepted_at = ?, accepted_by = ? "
      "WHERE id = ? AND state = 'done' AND stocktake_id IS NULL"));
  s.Bind(1, stocktake_id).Bind(2, at.ToString()).Bind(3, user_id).Bind(4, id);
  return UpdateOne(db, s, "accepting stocktake job",
                   fmt::format("stocktake job {} is not finished or was already accepted", id));
}

}  // namespace sqlite
}  // namespace sturgeon
