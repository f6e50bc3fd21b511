// Drone stocktake jobs: footage uploaded through the API, counted later on a
// worker thread (api/stocktake_worker.h). The job's whole state is in the
// database (Store's *StocktakeJob* methods), so any process sharing the
// database can report on it, and a job is claimed by exactly one worker.
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
  std::string video_path;          // the uploaded footage (removed once counted)
  int64_t video_bytes = 0;
  // Camera altitude above the water and horizontal field of view, when
  // known: the count then measures lengths and biomass.
  std::optional<double> altitude_m;
  std::optional<double> hfov_deg;
  int frames_done = 0;
  int frames_total = 0;            // declared by the container; 0 until known
  std::optional<Timestamp> started_at;
  std::optional<Timestamp> heartbeat_at;  // last progress of a running job
  std::optional<Timestamp> finished_at;
  std::string error;               // why a failed job failed, as a sentence
  std::string result;              // JSON text of the count, when done
  bool has_snapshot = false;
  std::optional<Id> stocktake_id;  // the stocktake stored when accepted
  std::optional<Timestamp> accepted_at;
  std::optional<Id> accepted_by;
};

}  // namespace sturgeon
