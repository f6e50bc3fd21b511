// `sturgeon count` and `sturgeon eval`: drone stocktake counting (issue 5).
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "vision/eval/metrics.h"
#include "vision/io/mot_io.h"
#include "vision/pipeline.h"

namespace sturgeon::cli {
namespace {

constexpr int kExitError = 1;

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

[[noreturn]] void Fail(const Status& status) {
  std::cerr << "error: " << status.ToString() << "\n";
  throw CLI::RuntimeError(kExitError);
}

struct CountArgs {
  vision::CountOptions options;
  std::string roi;
  bool json = false;
};

void RunCountCommand(CountArgs& args) {
  if (!args.roi.empty()) {
    auto roi = vision::ParseRoi(args.roi);
    if (!roi.ok()) Fail(roi.status());
    args.options.roi = *roi;
  }
  auto report = vision::RunCount(args.options);
  if (!report.ok()) Fail(report.status());
  nlohmann::json j = vision::ReportToJson(*report);
  if (args.json) {
    std::cout << j.dump() << "\n";
    return;
  }
  std::cout << fmt::format("count: {} (95% interval {}..{})\n", report->result.count, report->result.count_low,
                           report->result.count_high);
  std::cout << fmt::format("frames: {} at {:.1f} frames/s\n", report->frames, report->processing_fps);
  if (report->camera_check && !report->camera_check->agrees) {
    const vision::CameraMotionCheck& c = *report->camera_check;
    std::cout << fmt::format(
        "warning: the camera motion followed in the footage ({:.1f} m by frame {}) disagrees with the GPS ({:.1f} m); "
        "fish were tracked in a wrong frame of reference and the count is not to be trusted\n",
        c.image_travel_m, c.frame, c.gps_travel_m);
  }
  for (const std::string& note : vision::IntervalNotes(*report)) std::cout << note << "\n";
  if (report->sizes) {
    std::cout << fmt::format("mean length: {:.1f} cm, biomass: {:.1f} kg\n", report->sizes->mean_length_cm,
                             report->sizes->biomass_kg);
  }
}

struct EvalArgs {
  std::string gt;
  std::string pred;
  float min_visibility = 0.0f;
  int frames = 0;  // the count breakdown's frames 1..frames (0: the tracks' last frame)
  std::string tracklets;  // the count's audit trail (count --tracklets), optional
  bool json = false;
};

Result<int> CountOf(const std::string& path, std::vector<vision::MotRecord>* records) {
  if (EndsWith(path, ".json")) return vision::ReadCountFromJson(path);
  STURGEON_ASSIGN_OR_RETURN(*records, vision::ReadMotFile(path));
  return vision::DistinctIds(*records);
}

nlohmann::json DroppedByFate(const vision::MissedFishTrail& m) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [fate, n] : m.dropped_by_fate) j[vision::TrackletFateName(fate)] = n;
  return j;
}

void RunEvalCommand(const EvalArgs& args) {
  std::vector<vision::MotRecord> gt_rows, pred_rows;
  auto truth = CountOf(args.gt, &gt_rows);
  if (!truth.ok()) Fail(truth.status());
  auto pred = CountOf(args.pred, &pred_rows);
  if (!pred.ok()) Fail(pred.status());
  const bool pred_is_tracks = !EndsWith(args.pred, ".json");
  // A gt.txt next to a gt.json lets tracks be scored too.
  if (gt_rows.empty() && pred_is_tracks && (!pred_rows.empty() || !args.tracklets.empty())) {
    std::filesystem::path txt = std::filesystem::path(args.gt).replace_extension(".txt");
    if (std::filesystem::exists(txt)) {
      auto rows = vision::ReadMotFile(txt.string());
      if (!rows.ok()) Fail(rows.status());
      gt_rows = *rows;
    }
  }
  nlohmann::json j;
  std::string trail_line, links_line;  // with --tracklets
  j["true_count"] = *truth;
  j["predicted_count"] = *pred;
  j["counting_accuracy"] = vision::CountingAccuracy(*pred, *truth);
  // Over the frames counted (by default up to the tracks' last frame): a
  // count of footage cut short is not judged on fish it never saw. Every
  // fish in gt.txt counts, whatever --min-visibility: a hidden fish is
  // still a fish to count.
  int last_frame = args.frames;
  if (last_frame <= 0) {
    for (const vision::MotRecord& r : pred_rows) last_frame = std::max(last_frame, r.frame);
  }
  if (!gt_rows.empty() && !pred_rows.empty()) {
    vision::TrackMetrics m = vision::EvaluateTracks(gt_rows, pred_rows, 0.5f, args.min_visibility);
    j["mota"] = m.mota;
    j["idf1"] = m.idf1;
    j["false_negatives"] = m.false_negatives;
    j["false_positives"] = m.false_positives;
    j["id_switches"] = m.id_switches;
    const vision::CountBreakdown b = vision::BreakDownCount(gt_rows, pred_rows, last_frame);
    j["breakdown"] = {{"frames", last_frame},
                      {"found", b.found},
                      {"duplicates", b.duplicates},
                      {"false_tracks", b.false_tracks},
                      {"missed", b.missed}};
  }
  if (!args.tracklets.empty()) {
    if (!pred_is_tracks) {
      Fail(Status::InvalidArgument(
          "--tracklets traces the count's tracks: give them as --pred tracks.txt (count --tracks), not a count JSON"));
    }
    if (gt_rows.empty()) {
      Fail(Status::InvalidArgument(
          "--tracklets needs ground-truth boxes: --gt gt.txt, or a gt.json with a gt.txt beside it"));
    }
    auto audit = vision::ReadTrackletAudit(args.tracklets);
    if (!audit.ok()) Fail(audit.status());
    // A count of no fish has no tracks to say which frames it covered: its
    // audit does.
    int trail_frames = last_frame;
    if (trail_frames <= 0) {
      for (const vision::TrackletAuditRow& r : *audit) trail_frames = std::max(trail_frames, r.frame);
    }
    auto trail = vision::TraceMissedFish(gt_rows, pred_rows, *audit, trail_frames);
    if (!trail.ok()) Fail(trail.status());
    const vision::MissedFishTrail& m = *trail;
    trail_line = vision::DescribeMissedFishTrail(m);
    const vision::LinkJudgement links = vision::JudgeLinks(gt_rows, *audit, trail_frames);
    links_line = vision::DescribeLinkJudgement(links);
    j["links"] = {{"one_fish", links.one_fish}, {"two_fish", links.two_fish}, {"undecided", links.undecided}};
    j["missed_fish_trail"] = {{"missed_fish", m.missed_fish},
                              {"observed_missed_fish", m.observed_missed_fish},
                              {"observations", m.observations},
                              {"in_other_fish", m.in_other_fish},
                              {"in_false_track", m.in_false_track},
                              {"dropped", m.Dropped()},
                              {"dropped_by_fate", DroppedByFate(m)},
                              {"unconfirmed", m.unconfirmed}};
  }
  if (args.json) {
    std::cout << j.dump() << "\n";
    return;
  }
  std::cout << fmt::format("true count: {}\npredicted count: {}\ncounting accuracy: {:.4f}\n", *truth, *pred,
                           j["counting_accuracy"].get<double>());
  if (j.contains("mota")) {
    std::cout << fmt::format("MOTA: {:.4f}\nIDF1: {:.4f}\n", j["mota"].get<double>(), j["idf1"].get<double>());
    const nlohmann::json& b = j["breakdown"];
    std::cout << fmt::format(
        "fish by fish, frames 1-{}: fish found {}, duplicate tracks {}, false tracks {}, fish missed {}\n",
        b["frames"].get<int>(), b["found"].get<int>(), b["duplicates"].get<int>(), b["false_tracks"].get<int>(),
        b["missed"].get<int>());
  }
  if (!trail_line.empty()) std::cout << trail_line << "\n";
  if (!links_line.empty()) std::cout << links_line << "\n";
}

}  // namespace

void AddVisionCommands(CLI::App& app) {
  auto count_args = std::make_shared<CountArgs>();
  CLI::App* count = app.add_subcommand("count", "Count the fish in a pool from drone footage");
  vision::CountOptions& o = count_args->options;
  count->add_option("VIDEO", o.video_path, "drone footage (optional with --detections)");
  count->add_option("--srt", o.srt_path, "DJI .SRT telemetry (altitude, focal length)");
  count->add_option("--altitude", o.altitude_m, "altitude above the water in metres (with --hfov)");
  count->add_option("--hfov", o.hfov_deg, "horizontal field of view in degrees (with --altitude, or to override the SRT)");
  count->add_option("--detections", o.detections_path, "MOTChallenge detections made elsewhere; skips detection (a file without the 11th length field is tracked as a detector of whole fish)");
  count->add_option("--roi", count_args->roi, "pool polygon x1,y1,x2,y2,... in first-frame pixels");
  count->add_flag("--json", count_args->json, "print one JSON object");
  count->add_option("--tracks", o.tracks_path, "write MOTChallenge tracks");
  count->add_option("--tracklets", o.tracklets_path,
                    "write every tracklet, counted or not, with what the counter made of it (CSV: frame, tracklet, "
                    "fate, fish, box, score, length)");
  count->add_option("--blob-fates", o.blob_fates_path,
                    "write every blob the detector measured in every frame, with what it made of it (CSV: frame, fate, "
                    "polarity, centre, angle, length, width, contrast); shows why a fish in view gave no detection");
  count->add_option("--write-detections", o.detections_out_path,
                    "write the detector's raw detections (MOTChallenge det format plus the body lengths in pixels as "
                    "11th and 12th fields, shape and full; readable by --detections)");
  auto* annotate = count->add_option("--annotate", o.annotate_path, "write an annotated video (.mp4): every counted fish boxed and numbered, the counted area outlined");
  count->add_option("--snapshot", o.snapshot_path, "write an annotated PNG (the frame with the most counted fish, annotated as --annotate)")->excludes(annotate);
  count->add_option("--frames", o.max_frames, "process at most this many frames (a --detections replay without the VIDEO: this many, empty ones "
                    "after the last detection included)");
  count->add_option("--lw-a", o.length_weight.a, "length-weight coefficient a (W = a L^b, g and cm)");
  count->add_option("--lw-b", o.length_weight.b, "length-weight exponent b");
  count->add_option("--fish-length-px", o.detector.expected_length_px, "expected fish length in pixels (default: learnt)");
  count->add_option("--min-hits", o.tracker.min_hits, "detections needed to confirm a track");
  count->callback([count_args] { RunCountCommand(*count_args); });

  auto eval_args = std::make_shared<EvalArgs>();
  CLI::App* eval = app.add_subcommand("eval", "Score counts and tracks against ground truth");
  eval->add_option("--gt", eval_args->gt, "gt.txt (MOTChallenge) or gt.json")->required();
  eval->add_option("--pred", eval_args->pred, "result.json (from count --json) or tracks.txt")->required();
  eval->add_option("--min-visibility", eval_args->min_visibility,
                   "ignore ground-truth boxes at or below this visibility (MOTA, IDF1)");
  eval->add_option("--frames", eval_args->frames,
                   "break the count down over frames 1..N (default: up to the tracks' last frame)")
      ->check(CLI::NonNegativeNumber);
  eval->add_option("--tracklets", eval_args->tracklets,
                   "the count's audit trail (count --tracklets, same run as --pred): where the missed fish went, and "
                   "whether the counter's links join one fish or two");
  eval->add_flag("--json", eval_args->json, "print one JSON object");
  eval->callback([eval_args] { RunEvalCommand(*eval_args); });
}

}  // namespace sturgeon::cli
