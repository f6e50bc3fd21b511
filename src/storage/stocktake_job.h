// Drone stocktake jobs: footage uploaded through the API, counted later on a
// worker thread (api/stocktake_worker.h). The job's whole state is in the
// database (Store's *StocktakeJob* methods), so any process sharing the
// database can report on it.
//
// Claims. A worker takes a job with Store::ClaimStocktakeJob, which moves it
// to running, refreshes its heartbeat and increments `attempt`; that number
// is the claim's token. The claim holds the job while its heartbeat is
// fresh: the worker must refresh it (Store::HeartbeatStocktakeJob, or
// progress) more often than the stale threshold in every phase, with or
// without frames to report. A running job whose heartbeat is older than the
// threshold is taken to have lost its worker and may be claimed again, with
// the next attempt number. Every later write of the job (heartbeat,
// progress, finish, fail) names its claim and is refused (FailedPrecondition)
// once another claim holds the job or the job has ended, so at most one
// worker's outcome is ever stored; a worker refused so has lost the job and
// stops without touching it or its footage.
#pragma once

#include <optional>
#include <string>

#include "core/dates.h"
#include "domain/model.h"

namespace sturgeon {

enum class JobState { kQueued, kRunning, kDone, kFailed };

std::string_view ToString(JobState state);
// queued, running, done or failed; nullopt otherwise.
std::optional<JobState> ParseJobState(std::string_view text);

struct StocktakeJob {
  Id id = 0;                       // assigned by the store
  Id pool_id = 0;
  Timestamp at;                    // when the footage was taken: the stocktake's time
  JobState state = JobState::kQueued;
  Timestamp created_at;
  std::optional<Id> created_by;    // user id
  std::string video_path;          // the uploaded footage (removed once the job ends)
  int64_t video_bytes = 0;
  // Camera altitude above the water and horizontal field of view, when
  // known: the count then measures lengths and biomass.
  std::optional<double> altitude_m;
  std::optional<double> hfov_deg;
  int attempt = 0;                 // claims so far; the holding claim's token (0 while queued)
  int frames_done = 0;
  int frames_total = 0;            // declared by the container; 0 until known
  std::optional<Timestamp> started_at;
  std::optional<Timestamp> heartbeat_at;  // last sign of life of a running job's worker
  std::optional<Timestamp> finished_at;
  std::string error;               // why a failed job failed, as a sentence
  std::string result;              // JSON text of the count, when done
  bool has_snapshot = false;
  std::optional<Id> stocktake_id;  // the stocktake stored when accepted
  std::optional<Timestamp> accepted_at;
  std::optional<Id> accepted_by;
};

}  // namespace sturgeon
