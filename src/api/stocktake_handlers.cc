// Handlers for drone stocktake jobs: upload footage, follow the count, fetch
// its annotated snapshot, and accept it as the pool's new book count. The
// counting itself runs on StocktakeWorker's threads (stocktake_worker.h).
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>

#include <fmt/format.h>

#include "api/handlers.h"
#include "api/service.h"
#include "api/stocktake_worker.h"
#include "domain/ids.h"
#include "registry/json_mapping.h"
#include "stocktake/drone_stocktake.h"

namespace sturgeon::api {
namespace {

constexpr int kMaxJobsListed = 100;

std::optional<std::string> TimeText(const std::optional<Timestamp>& t) {
  return t ? std::optional<std::string>(t->ToString()) : std::nullopt;
}

nlohmann::json OptJson(const std::optional<std::string>& s) { return s ? nlohmann::json(*s) : nlohmann::json(); }
nlohmann::json OptJson(const std::optional<Id>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

nlohmann::json JobJson(const StocktakeJob& job, const Pool& pool, const std::string& farm_code) {
  nlohmann::json j = {
      {"id", job.id},
      {"pool", pool.code},
      {"farm", farm_code},
      {"state", std::string(ToString(job.state))},
      {"time", job.at.ToString()},
      {"created_at", job.created_at.ToString()},
      {"started_at", OptJson(TimeText(job.started_at))},
      {"finished_at", OptJson(TimeText(job.finished_at))},
      {"video_bytes", job.video_bytes},
      {"attempts", job.attempt},
      {"altitude_m", job.altitude_m ? nlohmann::json(*job.altitude_m) : nlohmann::json()},
      {"hfov_deg", job.hfov_deg ? nlohmann::json(*job.hfov_deg) : nlohmann::json()},
      {"progress",
       {{"frames_done", job.frames_done},
        {"frames_total", job.frames_total},
        {"fraction", job.state == JobState::kDone ? 1.0
                     : job.frames_total > 0
                         ? std::min(1.0, static_cast<double>(job.frames_done) / job.frames_total)
                         : 0.0}}},
      {"error", job.state == JobState::kFailed ? nlohmann::json(job.error) : nlohmann::json()},
      {"result", nlohmann::json()},
      {"snapshot_url", job.has_snapshot ? nlohmann::json(fmt::format("/api/stocktake-jobs/{}/snapshot.png", job.id))
                                        : nlohmann::json()},
      {"accepted", nlohmann::json()},
  };
  if (job.state == JobState::kDone && !job.result.empty()) {
    j["result"] = nlohmann::json::parse(job.result, nullptr, false);
  }
  if (job.stocktake_id) {
    j["accepted"] = {{"stocktake_id", *job.stocktake_id},
                     {"at", OptJson(TimeText(job.accepted_at))},
                     {"by", OptJson(job.accepted_by)}};
  }
  return j;
}

Result<Id> JobId(const RequestContext& c) {
  const std::string& text = c.Param("id");
  std::optional<Id> id = ParseId(text);
  if (!id) return Status::NotFound(fmt::format("no stocktake job with id '{}'", text));
  return *id;
}

struct JobOnPool {
  StocktakeJob job;
  Pool pool;
};

// The job named in the path, after checking `action` on its pool's farm.
Result<JobOnPool> RequireOnJob(RequestContext& c, Action action) {
  STURGEON_ASSIGN_OR_RETURN(Id id, JobId(c));
  STURGEON_ASSIGN_OR_RETURN(StocktakeJob job, c.store().GetStocktakeJob(id));
  STURGEON_ASSIGN_OR_RETURN(Pool pool, RequireOnPool(c, action, job.pool_id));
  return JobOnPool{std::move(job), std::move(pool)};
}

// A positive number from the query string, if given.
Result<std::optional<double>> PositiveQuery(const RequestContext& c, const std::string& name) {
  auto text = c.Query(name);
  if (!text || text->empty()) return std::optional<double>();
  char* end = nullptr;
  const double v = std::strtod(text->c_str(), &end);
  if (end != text->c_str() + text->size() || !(v > 0) || !std::isfinite(v)) {
    return Status::InvalidArgument(fmt::format("{}: expected a positive number, got '{}'", name, *text));
  }
  return std::optional<double>(v);
}

Result<std::string> SaveUpload(const std::string& dir, const std::string& body) {
  std::random_device rd;
  const auto path =
      std::filesystem::path(dir) / fmt::format("upload-{}-{:08x}.video", Timestamp::Now().seconds, rd());
  std::ofstream out(path, std::ios::binary);
  out.write(body.data(), static_cast<std::streamsize>(body.size()));
  out.close();
  if (!out) return Status::IOError(fmt::format("cannot store the uploaded video in '{}'", dir));
  return path.string();
}

}  // namespace

Result<Reply> CreateStocktakeJob(RequestContext& c) {
  StocktakeWorker* worker = c.stocktake_worker();
  if (!worker) return Status::Unavailable("this server does not count stocktake footage");
  STURGEON_ASSIGN_OR_RETURN(Pool pool, c.store().FindPool(c.Param("code")));
  STURGEON_RETURN_IF_ERROR(RequireOnPool(c, Action::kManage, pool.id).status());
  const std::string& body = c.request().body();
  if (body.empty()) return Status::InvalidArgument("body: the video is empty; send the footage as the request body");
  Timestamp at = Timestamp::Now();
  if (auto t = c.Query("time")) {
    auto parsed = Timestamp::Parse(*t);
    if (!parsed.ok()) return Status::InvalidArgument(fmt::format("time: {}", parsed.status().message()));
    at = *parsed;
  }
  STURGEON_ASSIGN_OR_RETURN(std::optional<double> altitude, PositiveQuery(c, "altitude_m"));
  STURGEON_ASSIGN_OR_RETURN(std::optional<double> hfov, PositiveQuery(c, "hfov_deg"));
  if (altitude.has_value() != hfov.has_value()) {
    return Status::InvalidArgument("altitude_m: give altitude_m and hfov_deg together, or neither");
  }
  STURGEON_ASSIGN_OR_RETURN(std::string path, SaveUpload(worker->upload_dir(), body));
  StocktakeJob job;
  job.pool_id = pool.id;
  job.at = at;
  job.created_at = Timestamp::Now();
  job.created_by = c.principal().user_id();
  job.video_path = path;
  job.video_bytes = static_cast<int64_t>(body.size());
  job.altitude_m = altitude;
  job.hfov_deg = hfov;
  const std::string farm = FarmLabel(c.store(), pool.farm_id);
  StocktakeJob added;
  Status st = AuditedWrite(c, AuditEntry{.action = "create", .resource = "stocktake_job", .farm_id = pool.farm_id},
                           [&](AuditEntry& e) -> Result<nlohmann::json> {
                             STURGEON_ASSIGN_OR_RETURN(added, c.store().AddStocktakeJob(job));
                             e.resource_key = std::to_string(added.id);
                             return nlohmann::json{{"id", added.id},
                                                   {"pool", pool.code},
                                                   {"time", at.ToString()},
                                                   {"video_bytes", job.video_bytes}};
                           });
  if (!st.ok()) {
    std::error_code ec;
    std::filesystem::remove(path, ec);
    return st;
  }
  worker->Notify();
  Reply reply = JsonReply(202, JobJson(added, pool, farm));
  reply.headers.emplace_back("Location", fmt::format("/api/stocktake-jobs/{}", added.id));
  return reply;
}

Result<Reply> ListPoolStocktakeJobs(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(Pool pool, c.store().FindPool(c.Param("code")));
  STURGEON_RETURN_IF_ERROR(RequireOnPool(c, Action::kRead, pool.id).status());
  STURGEON_ASSIGN_OR_RETURN(std::vector<StocktakeJob> jobs, c.store().ListStocktakeJobs(pool.id, kMaxJobsListed));
  const std::string farm = FarmLabel(c.store(), pool.farm_id);
  nlohmann::json items = nlohmann::json::array();
  for (const StocktakeJob& j : jobs) items.push_back(JobJson(j, pool, farm));
  return JsonReply(200, {{"items", std::move(items)}});
}

Result<Reply> GetStocktakeJob(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(JobOnPool j, RequireOnJob(c, Action::kRead));
  return JsonReply(200, JobJson(j.job, j.pool, FarmLabel(c.store(), j.pool.farm_id)));
}

Result<Reply> GetStocktakeJobSnapshot(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(JobOnPool j, RequireOnJob(c, Action::kRead));
  STURGEON_ASSIGN_OR_RETURN(std::string png, c.store().StocktakeJobSnapshot(j.job.id));
  Reply reply{200, std::move(png), "image/png"};
  reply.headers.emplace_back("Cache-Control", "private, max-age=86400");
  return reply;
}

Result<Reply> AcceptStocktakeJob(RequestContext& c) {
  STURGEON_ASSIGN_OR_RETURN(JobOnPool j, RequireOnJob(c, Action::kManage));
  if (j.job.state != JobState::kDone) {
    return Status::FailedPrecondition(fmt::format("stocktake job {} is {}, so there is no count to accept yet",
                                                  j.job.id, ToString(j.job.state)));
  }
  if (j.job.stocktake_id) {
    return Status::FailedPrecondition(
        fmt::format("stocktake job {} was already accepted as stocktake {}", j.job.id, *j.job.stocktake_id));
  }
  const nlohmann::json result = nlohmann::json::parse(j.job.result, nullptr, false);
  if (!result.is_object() || !result.contains("count")) {
    return Status::Internal(fmt::format("stocktake job {}: its stored result is unreadable", j.job.id));
  }
  Stocktake counted;
  counted.pool_id = j.pool.id;
  counted.at = j.job.at;
  counted.count = result["count"].get<int64_t>();
  counted.count_low = result.value("count_low", counted.count);
  counted.count_high = result.value("count_high", counted.count);
  if (result.contains("mean_weight_g")) counted.mean_weight_g = result["mean_weight_g"].get<double>();
  counted.method = "drone";
  counted.notes = fmt::format("drone stocktake job {}", j.job.id);
  StoredStocktake stored;
  STURGEON_RETURN_IF_ERROR(AuditedWrite(
      c, AuditEntry{.action = "create", .resource = "stocktake", .farm_id = j.pool.farm_id},
      [&](AuditEntry& e) -> Result<nlohmann::json> {
        STURGEON_ASSIGN_OR_RETURN(stored, RecordStocktake(c.store(), counted));
        STURGEON_RETURN_IF_ERROR(c.store().MarkStocktakeJobAccepted(j.job.id, stored.stocktake.id,
                                                                    c.principal().user_id(), Timestamp::Now()));
        e.resource_key = std::to_string(stored.stocktake.id);
        nlohmann::json after = ToJson(stored.stocktake);
        after["stocktake_job"] = j.job.id;
        return after;
      }));
  nlohmann::json reply = ReconciliationJson(stored.reconciliation);
  reply["stocktake"] = ToJson(stored.stocktake);
  reply["job"] = j.job.id;
  reply["counted"] = stored.reconciliation.counted;
  return JsonReply(201, reply);
}

}  // namespace sturgeon::api
