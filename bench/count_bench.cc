// Drone-counting benchmark over the simulator's suite (issue 5).
//
// For each scenario: renders it with the simulator into a temporary
// directory, times decoding the video alone (the baseline, same process,
// same run), then runs the whole counting pipeline on it (decode on its own
// thread, detect, track, count, measure) and compares with gt.json. Prints
// one row per scenario and then the pooled figures:
//
//   pooled accuracy   1 - sum|count - true| / sum true
//                     (true: the pool's fish; for footage that does not
//                     cover the whole pool, a sweep, the fish it filmed)
//   in interval       share of scenarios with count_low <= true <= count_high,
//                     and without count_high's allowance for the loose
//                     clumps and pieces the detector dropped
//                     (CountReport::unclaimed_fish, the same run's), with
//                     each scenario's allowance and the median widths
//   mean length error |mean measured length - mean true length| / mean true
//   fps / decode fps  frames per second of the pipeline and of decoding only
//   det rec / prec    the detector's per-frame recall and precision against
//                     gt.txt's boxes (greedy one-to-one matching by centre
//                     distance, closest pairs first; a pair matches when the
//                     centres are under half the true box's longer side
//                     apart): where an error comes from, detection or the
//                     tracking and counting after it. gt.txt lists hidden
//                     fish too (under cover, another fish or deep water),
//                     so recall counts them as misses. The timed frames/s
//                     includes writing the detections and tracks (under 1%).
//   cam               the camera motion followed in the footage against the
//                     SRT's GPS track (CountReport::camera_check): ok, or
//                     BAD when they disagree (the clip's fish were tracked
//                     in a wrong frame of reference; the simulator's
//                     frame-fixed caustics did that to the sweep until
//                     round 10); - when not checked
//   learnt            the detector's learnt typical fish length after the
//                     last frame (CountReport::learnt_fish_length_px) over
//                     the true median length in pixels (gt.json's lengths
//                     and GSD): every size-relative rule of the detector
//                     is set from it; it has been 0.6-0.8 (fragments and
//                     lost ends teach a short fish), and small changes
//                     can tip it (docs/vision-rounds.md round 11)
//   found dup false missed
//                     the count fish by fish (vision/eval BreakDownCount):
//                     fish with a counted track of their own, further
//                     tracks on a fish already found, tracks on no fish,
//                     fish without a track; count - fish in view = dup +
//                     false - missed (the fish in view are the truth when
//                     every fish of the pool shows in gt.txt within the
//                     frames counted, as on the suite). A count near the
//                     truth with many duplicates and false tracks is right
//                     by cancellation; the totals line says how much of
//                     the pooled figure is.
//   outside           the share of gt.txt's fish-frames whose box centre lay
//                     outside the area counted in that frame (the pool the
//                     count found, CountReport::counted_areas): fish the
//                     count could not see however well it detected (round
//                     17: up to 36.6% of sun_glare's fish-frames, the
//                     shallow rim of green_pond, the dark band along a
//                     tank's wall); the totals line sums them over the
//                     scenarios and names the one with the largest share
//   missed fish seen by a tracklet (totals line)
//                     where the missed fish's observations went, from each
//                     run's audit trail (tracklets.csv, vision/eval
//                     TraceMissedFish): another fish's track, a track on
//                     no fish, a tracklet the counter dropped (by rule),
//                     one the tracker never confirmed.
//   missed fish-frames by the blob under them (totals line)
//                     for each fish-frame the detector missed (det rec's
//                     matching), what its own blob audit (count
//                     --blob-fates, detector.h BlobFate) says of the blob
//                     whose pixels hold the fish's centre (Detector::
//                     BlobUnder): no blob at all (under the pixel
//                     threshold or erased by the opening), a speck (a blob
//                     under the area floor, too faint to be measured, or a
//                     thin piece touching a body's rim),
//                     a blob made a fish or a clump
//                     whose detection went to another fish (fish merged in
//                     a neighbour's blob), or the rule that dropped the
//                     blob; then each scenario's four largest shares
//   detection centres on fish (totals line)
//                     of the detections matched to a fish (det rec's
//                     matching), the share that are pieces split off a
//                     clump (no length), and how far a fish's detection
//                     moved against the fish between consecutive frames,
//                     whole bodies and with a piece: the jitter the
//                     tracker must hold apart from the fish's spacing (the
//                     replays of noisy ground truth jitter by 0.05)
//   counter links (totals line)
//                     the counter's links judged against gt.txt (vision/eval
//                     JudgeLinks): joining one fish, two fish, or undecided.
//
// With --noisy-detections, each scenario is also counted from detections
// made from its own ground truth (gt.txt) with the nuisances of a farm's
// own detector, fixed seed: 20% of boxes missed, centres jittered by 5% of
// the box's longer side, one false box per ten boxes kept, anywhere in the
// extent the fish cover over the clip; as boxes, and as 4-px centre points (a detector that
// gives only points). Only the tracker and counter run; the truth is the
// fish in gt.txt. It prints each count, whether its interval holds the
// truth, the pooled accuracy and the worst scenario. And once more from
// the true boxes of exactly the fish-frames our detector found (det rec's
// matching; 5% jitter, no false boxes: GroundTruthAtSightings): the fish
// found from those against the fish found from the video splits the
// video's misses into what the detector's misses cause whatever the
// boxes, and what its boxes cause (pieces, centres off the fish, false
// detections).
//
// Usage: count_bench [--frames N] [--frames-4k N] [--size WxH] [--seed N]
//                    [--scenarios a,b,c] [--keep DIR [--reuse] | --clips DIR]
//                    [--noisy-detections] [--threshold-scales s1,s2]
// With --threshold-scales s1,s2,..., each scenario is also counted with the
// detector's threshold (in noise units) multiplied by each scale, and the
// pooled accuracy at each is printed: how much of the figure rests on the
// threshold's exact value (a 5% change is less than the noise level's own
// uncertainty, a median of 2-10 whole grey levels on the suite).
// --reuse counts clips already rendered under DIR/<scenario> (gt.json and
// video.mp4 present) instead of rendering them again.
// --clips DIR counts footage made elsewhere instead of the simulator's
// suite: every folder under DIR with a video.mp4, a gt.json and a gt.txt
// (and a telemetry.srt when there is one), in name order;
// bench/heldout_footage writes such folders, from a renderer that shares
// nothing with the simulator (docs/benchmarks.md). DIR is only read: the
// count's own files (detections.txt, tracks.txt, tracklets.csv) go under
// --keep OUT when given, else to a temporary folder removed at the end.
// --scenarios, --size, --frames, --frames-4k and --reuse shape the
// simulator's suite and are refused with --clips.
// --size overrides every scenario's frame size (default: each scenario's own;
// the suite's own size is 1920x1080 except the 4K net cage).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <numeric>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <unistd.h>

#include "core/allocator.h"
#include "core/order_statistics.h"
#include "sim/simulator.h"
#include "vision/eval/metrics.h"
#include "vision/io/mot_io.h"
#include "vision/pipeline.h"
#include "vision/source/video_source.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr int kDefaultFrames = 150;
constexpr int kDefaultFrames4k = 60;
constexpr int kWidth4k = 3840;
constexpr float kMinThresholdScale = 0.1f, kMaxThresholdScale = 10.0f;
// The replays' detector jitters a box's centre by this share of its longer
// side (NoisyDetections, GroundTruthAtSightings).
constexpr float kReplayJitterOfSize = 0.05f;

struct Row {
  std::string scenario;
  int truth = 0, count = 0, low = 0, high = 0, frames = 0, width = 0, height = 0;
  int unclaimed = 0;  // CountReport::unclaimed_fish, part of `high`
  double accuracy = 0, length_error = -1, fps = 0, decode_fps = 0;
  double detection_recall = -1, detection_precision = -1;  // -1: not measured
  std::optional<sturgeon::vision::CountBreakdown> breakdown;  // empty: gt.txt unreadable
  std::optional<sturgeon::vision::MissedFishTrail> missed_trail;  // empty: gt.txt or the audit unreadable
  std::map<std::string, size_t> missed_by_blob;  // missed fish-frames by the blob under them (TallyMissedByBlob)
  sturgeon::vision::LinkJudgement links;                            // the counter's links against gt.txt
  std::optional<bool> camera_agrees;  // empty: no GPS check
  double learnt_size = -1;            // learnt typical length / true median length (-1: not measured)
  int fish_frames = 0, fish_frames_outside = 0;  // gt.txt boxes over the frames counted, and those outside the area
  double OutsideShare() const { return static_cast<double>(fish_frames_outside) / std::max(1, fish_frames); }
  bool in_interval = false;
  std::vector<int> scaled_counts;  // one per --threshold-scales entry
};

double DecodeOnlyFps(const std::string& video) {
  auto source = sturgeon::vision::VideoSource::Open(video);
  if (!source.ok()) return 0;
  cv::Mat frame;
  int n = 0;
  auto start = Clock::now();
  while ((*source)->Next(&frame)) ++n;
  double s = std::chrono::duration<double>(Clock::now() - start).count();
  return s > 0 ? n / s : 0;
}

// The replays' detector's error on a box's centre: kReplayJitterOfSize x
// its longer side, normal, x drawn before y.
cv::Point2f CentreJitter(const cv::Rect2f& box, std::mt19937& rng) {
  std::normal_distribution<float> n(0, 1);
  const float jitter = kReplayJitterOfSize * std::max(box.width, box.height);
  const float dx = jitter * n(rng);
  const float dy = jitter * n(rng);
  return {dx, dy};
}

// Detections a farm's own detector might give for the fish in gt.txt's
// first `frames` frames (see the file comment); `point_px` > 0 replaces
// every box by a centred square of that side.
std::vector<sturgeon::vision::MotRecord> NoisyDetections(const std::vector<sturgeon::vision::MotRecord>& gt,
                                                        int frames, float point_px, unsigned seed) {
  constexpr double kMissRate = 0.2, kFalsePerTrue = 0.1;
  std::vector<sturgeon::vision::MotRecord> out;
  if (gt.empty()) return out;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0, 1);
  float x0 = 1e9f, y0 = 1e9f, x1 = -1e9f, y1 = -1e9f;
  std::vector<float> sides;
  for (const auto& r : gt) {
    x0 = std::min(x0, r.box.x);
    y0 = std::min(y0, r.box.y);
    x1 = std::max(x1, r.box.x + r.box.width);
    y1 = std::max(y1, r.box.y + r.box.height);
    sides.push_back(std::max(r.box.width, r.box.height));
  }
  const float typical_side = sturgeon::UpperMedian(std::move(sides));
  double false_due = 0;
  for (const auto& r : gt) {
    if (r.frame > frames) continue;
    if (u(rng) < kMissRate) continue;
    const cv::Point2f centre = sturgeon::vision::Centre(r.box) + CentreJitter(r.box, rng);
    const float cx = centre.x, cy = centre.y;
    const float w = point_px > 0 ? point_px : r.box.width, h = point_px > 0 ? point_px : r.box.height;
    out.push_back({r.frame, -1, cv::Rect2f(cx - w / 2, cy - h / 2, w, h), 0.5f + 0.5f * u(rng)});
    false_due += kFalsePerTrue;
    while (false_due >= 1) {
      false_due -= 1;
      const float side = point_px > 0 ? point_px : typical_side;
      out.push_back({r.frame, -1, cv::Rect2f(x0 + u(rng) * (x1 - x0), y0 + u(rng) * (y1 - y0), side, side),
                     0.3f + 0.6f * u(rng)});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.frame < b.frame; });
  return out;
}

// The detector against gt.txt over the first `frames` frames (see the file
// comment for the matching).
struct DetectionScore {
  double recall = 0, precision = 0;
  // A fish matched in two consecutive frames: how far its detection's
  // centre moved relative to the fish's, in fish lengths (the true box's
  // longer side), when both detections were whole bodies and when either
  // was a piece split off a clump (no length). The tracker keeps fish
  // apart only while this stays well under their spacing.
  std::vector<double> whole_jumps, piece_jumps;
  size_t matched = 0, matched_pieces = 0;
  // gt.txt's rows of the fish-frames the detector found.
  std::vector<sturgeon::vision::MotRecord> sighted;
};
DetectionScore ScoreDetections(const std::vector<sturgeon::vision::MotRecord>& truth,
                               const std::vector<sturgeon::vision::MotRecord>& detections, int frames) {
  DetectionScore score;
  std::map<int, std::vector<sturgeon::vision::MotRecord>> truth_at;  // gt.txt's rows by frame, with the fish ids
  for (const auto& row : truth) truth_at[row.frame].push_back(row);
  const auto detections_at = sturgeon::vision::GroupDetectionsByFrame(detections);
  size_t truths = 0, found = 0, detected = 0;
  for (const auto& [frame, dets] : detections_at) {
    if (frame <= frames) detected += dets.size();
  }
  struct Sighting {
    cv::Point2f offset;  // detection centre - fish centre, in fish lengths
    bool piece = false;
  };
  std::map<int, Sighting> last_sightings, sightings;  // by fish id, in the previous frame and this one
  int last_frame = 0;
  for (const auto& [frame, fish] : truth_at) {
    if (frame > frames) break;  // frames in order
    truths += fish.size();
    std::swap(last_sightings, sightings);
    sightings.clear();
    if (frame != last_frame + 1) last_sightings.clear();
    last_frame = frame;
    const auto it = detections_at.find(frame);
    if (it == detections_at.end()) continue;
    const auto& dets = it->second;
    std::vector<std::tuple<float, size_t, size_t>> pairs;
    for (size_t g = 0; g < fish.size(); ++g) {
      for (size_t d = 0; d < dets.size(); ++d) {
        const float distance = sturgeon::vision::DistanceOnFish(fish[g].box, dets[d].box);
        if (distance >= 0) pairs.emplace_back(distance, g, d);
      }
    }
    std::sort(pairs.begin(), pairs.end());
    std::vector<bool> fish_taken(fish.size()), det_taken(dets.size());
    for (const auto& [distance, g, d] : pairs) {
      if (fish_taken[g] || det_taken[d]) continue;
      fish_taken[g] = det_taken[d] = true;
      ++found;
      const float length = std::max(1.0f, std::max(fish[g].box.width, fish[g].box.height));
      const Sighting now{(sturgeon::vision::Centre(dets[d].box) - sturgeon::vision::Centre(fish[g].box)) / length,
                         dets[d].length_px <= 0};
      score.matched_pieces += now.piece;
      score.sighted.push_back(fish[g]);
      sightings[fish[g].id] = now;
      if (auto before = last_sightings.find(fish[g].id); before != last_sightings.end()) {
        const cv::Point2f moved = now.offset - before->second.offset;
        (now.piece || before->second.piece ? score.piece_jumps : score.whole_jumps).push_back(std::hypot(moved.x, moved.y));
      }
    }
  }
  score.matched = found;
  score.recall = truths > 0 ? static_cast<double>(found) / truths : 0.0;
  score.precision = detected > 0 ? static_cast<double>(found) / detected : 0.0;
  return score;
}

// A detector of whole fish that finds exactly the fish-frames `sighted`
// (ScoreDetections' sighted): their true boxes, centres jittered by 5% of
// the box's longer side as in NoisyDetections, no false boxes. Counted,
// it says how far the fish our detector misses, and when it misses them,
// limit the count whatever the boxes: the rest of the gap to the video's
// count is the boxes (pieces, centres off the fish, false detections).
std::vector<sturgeon::vision::MotRecord> GroundTruthAtSightings(
    const std::vector<sturgeon::vision::MotRecord>& sighted, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<sturgeon::vision::MotRecord> out;
  for (const auto& r : sighted) {
    const cv::Point2f shift = CentreJitter(r.box, rng);
    out.push_back({r.frame, -1, r.box + shift, 1.0f});
  }
  return out;
}

// What the detector's blob audit says under each true fish's centre, by
// (frame, fish id): a BlobFateName, "speck" (a blob too small or faint to
// be measured), or "no blob".
using FateUnderFish = std::map<std::pair<int, int>, std::string>;
void NoteFatesUnderFish(const std::vector<sturgeon::vision::MotRecord>& truth_of_frame,
                        const sturgeon::vision::Detector& detector, FateUnderFish& fates) {
  for (const auto& r : truth_of_frame) {
    const auto under = detector.BlobUnder(sturgeon::vision::Centre(r.box));
    fates[{r.frame, r.id}] = under.record ? sturgeon::vision::BlobFateName(under.record->fate)
                             : under.speck ? "speck"
                                           : "no blob";
  }
}

// The missed fish-frames (those not `sighted`) by the fate under them.
void TallyMissedByBlob(const FateUnderFish& fates, const std::vector<sturgeon::vision::MotRecord>& sighted,
                       std::map<std::string, size_t>& tally) {
  std::set<std::pair<int, int>> found;
  for (const auto& r : sighted) found.emplace(r.frame, r.id);
  for (const auto& [fish_frame, fate] : fates) {
    if (!found.contains(fish_frame)) ++tally[fate];
  }
}

std::vector<std::string> Split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string tok;
  while (std::getline(ss, tok, ',')) {
    if (!tok.empty()) out.push_back(tok);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  // As the sturgeon binary does: the pipeline and decoding alone both run
  // with the allocator set for video work.
  sturgeon::KeepImageBuffersInHeap();
  int frames = kDefaultFrames, frames_4k = kDefaultFrames4k;
  uint64_t seed = 1;
  std::optional<std::pair<int, int>> size;
  std::vector<std::string> scenarios = sturgeon::sim::ScenarioNames();
  std::string keep;
  bool reuse = false, noisy = false;
  std::string clips;
  std::string suite_option;  // the last option given that shapes the simulator's suite
  std::vector<float> threshold_scales;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "missing value after " << a << "\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--scenarios" || a == "--size" || a == "--frames" || a == "--frames-4k" || a == "--reuse") {
      suite_option = a;
    }
    if (a == "--frames") frames = std::atoi(next().c_str());
    else if (a == "--frames-4k") frames_4k = std::atoi(next().c_str());
    else if (a == "--seed") seed = std::strtoull(next().c_str(), nullptr, 10);
    else if (a == "--scenarios") scenarios = Split(next());
    else if (a == "--keep") keep = next();
    else if (a == "--reuse") reuse = true;
    else if (a == "--clips") clips = next();
    else if (a == "--noisy-detections") noisy = true;
    else if (a == "--threshold-scales") {
      const std::string list = next();
      const std::vector<std::string> items = Split(list);
      if (items.empty() || items.size() != static_cast<size_t>(std::count(list.begin(), list.end(), ',') + 1)) {
        std::cerr << "--threshold-scales: '" << list << "' has an empty item\n";
        return 2;
      }
      for (const std::string& v : items) {
        char* end = nullptr;
        const float scale = std::strtof(v.c_str(), &end);
        if (end == v.c_str() || *end != '\0' || !std::isfinite(scale) || scale < kMinThresholdScale ||
            scale > kMaxThresholdScale) {
          std::cerr << fmt::format("--threshold-scales: '{}' is not a number from {} to {}\n", v, kMinThresholdScale,
                                   kMaxThresholdScale);
          return 2;
        }
        threshold_scales.push_back(scale);
      }
    }
    else if (a == "--size") {
      auto s = sturgeon::sim::ParseFrameSize(next());
      if (!s.ok()) {
        std::cerr << s.status().ToString() << "\n";
        return 2;
      }
      size = *s;
    } else {
      std::cerr << "usage: count_bench [--frames N] [--frames-4k N] [--size WxH] [--seed N] [--scenarios a,b] "
                   "[--keep DIR [--reuse] | --clips DIR] [--noisy-detections] [--threshold-scales s1,s2]\n";
      return 2;
    }
  }
  if (!clips.empty()) {
    if (!suite_option.empty()) {
      std::cerr << suite_option << " shapes the simulator's suite and is not used with --clips\n";
      return 2;
    }
    // Footage made elsewhere: every folder that holds a video and its truth.
    scenarios.clear();
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(clips, ec)) {
      const fs::path& d = entry.path();
      if (fs::exists(d / "video.mp4") && fs::exists(d / "gt.json") && fs::exists(d / "gt.txt")) {
        scenarios.push_back(d.filename().string());
      }
    }
    if (ec || scenarios.empty()) {
      std::cerr << "--clips " << clips << ": no folder with a video.mp4, a gt.json and a gt.txt"
                << (ec ? " (" + ec.message() + ")" : std::string()) << "\n";
      return 2;
    }
    std::sort(scenarios.begin(), scenarios.end());
  }

  // The count's own files go under `root`; the footage and its truth are
  // read from `footage` (the same folder, but for --clips).
  const fs::path root = keep.empty()
                            ? fs::temp_directory_path() / fmt::format("sturgeon_count_bench_{}", ::getpid())
                            : fs::path(keep);
  const fs::path footage = clips.empty() ? root : fs::path(clips);
  std::vector<Row> rows;
  // The detections' centres on fish, over every scenario (ScoreDetections).
  size_t detections_matched = 0, detections_matched_pieces = 0;
  std::vector<double> whole_jumps, piece_jumps;
  struct NoisyCount {
    int count = 0, low = 0, high = 0;
    bool Holds(int truth) const { return low <= truth && truth <= high; }
  };
  struct NoisyRow {
    std::string scenario;
    int truth = 0;
    NoisyCount boxes, points;
    std::optional<NoisyCount> sighted;  // GroundTruthAtSightings
    int sighted_found = -1, video_found = -1;  // fish with a track of their own (BreakDownCount)
  };
  std::vector<NoisyRow> noisy_rows;
  std::cout << fmt::format(
      "{:<20} {:>5} {:>6} {:>5} {:>5} {:>7} {:>4} {:>8} {:>9} {:>6} {:>7} {:>6} {:>7} {:>8} {:>4} {:>7} {:>5} {:>4} "
      "{:>5} {:>6} {:>7}\n",
      "scenario", "true", "count", "low", "high", "acc", "in", "len_err", "size", "fps", "dec_fps", "ratio", "det_rec",
      "det_prec", "cam", "learnt", "found", "dup", "false", "missed", "outside");
  for (const std::string& name : scenarios) {
    sturgeon::sim::SimOptions so;
    so.scenario = name;
    so.out_dir = (root / name).string();
    so.seed = seed;
    so.keep_frame_hashes = false;
    Row r;
    r.scenario = name;
    if (!clips.empty() ||
        (reuse && !keep.empty() && fs::exists(root / name / "gt.json") && fs::exists(root / name / "video.mp4"))) {
      std::ifstream in(footage / name / "gt.json");
      r.truth = nlohmann::json::parse(in, nullptr, false).value("true_count", 0);
    } else {
      auto scen = sturgeon::sim::FindScenario(name);
      if (!scen.ok()) {
        std::cerr << scen.status().ToString() << "\n";
        return 2;
      }
      int width = size ? size->first : scen->width;
      so.frames = width >= kWidth4k ? std::min(frames, frames_4k) : frames;
      if (size) {
        so.width = size->first;
        so.height = size->second;
      }
      auto sim = sturgeon::sim::RunSimulation(so);
      if (!sim.ok()) {
        std::cerr << name << ": " << sim.status().ToString() << "\n";
        return 1;
      }
      r.truth = sim->true_count;
    }
    const std::string video = (footage / name / "video.mp4").string();
    {
      std::error_code ec;
      fs::create_directories(root / name, ec);
      if (ec) {
        std::cerr << "cannot create " << (root / name) << ": " << ec.message() << "\n";
        return 1;
      }
    }
    r.decode_fps = DecodeOnlyFps(video);

    sturgeon::vision::CountOptions co;
    co.video_path = video;
    if (fs::exists(footage / name / "telemetry.srt")) co.srt_path = (footage / name / "telemetry.srt").string();
    co.detections_out_path = (root / name / "detections.txt").string();
    co.tracks_path = (root / name / "tracks.txt").string();
    co.tracklets_path = (root / name / "tracklets.csv").string();
    // gt.txt: the detector's score, the fish a sweep filmed, the noisy detections.
    const auto gt_rows = sturgeon::vision::ReadMotFile((footage / name / "gt.txt").string());
    std::map<int, std::vector<sturgeon::vision::MotRecord>> truth_at;
    if (gt_rows.ok()) {
      for (const auto& g : *gt_rows) truth_at[g.frame].push_back(g);
    }
    FateUnderFish fates_under_fish;
    co.on_detected = [&](int frame, const sturgeon::vision::Detector& detector) {
      if (auto it = truth_at.find(frame); it != truth_at.end()) NoteFatesUnderFish(it->second, detector, fates_under_fish);
    };
    auto rep = sturgeon::vision::RunCount(co);
    if (!rep.ok()) {
      std::cerr << name << ": " << rep.status().ToString() << "\n";
      return 1;
    }
    r.count = rep->result.count;
    r.low = rep->result.count_low;
    r.high = rep->result.count_high;
    r.unclaimed = rep->unclaimed_fish;
    r.frames = rep->frames;
    r.width = rep->width;
    r.height = rep->height;
    r.fps = rep->processing_fps;
    r.accuracy = 1.0 - std::abs(r.count - r.truth) / static_cast<double>(std::max(1, r.truth));
    r.in_interval = r.low <= r.truth && r.truth <= r.high;
    if (rep->camera_check) r.camera_agrees = rep->camera_check->agrees;

    std::vector<sturgeon::vision::MotRecord> sighted_truth;
    {
      auto detection_rows = sturgeon::vision::ReadMotFile(co.detections_out_path);
      if (gt_rows.ok() && detection_rows.ok() && !detection_rows->empty()) {
        DetectionScore score = ScoreDetections(*gt_rows, *detection_rows, rep->frames);
        r.detection_recall = score.recall;
        r.detection_precision = score.precision;
        detections_matched += score.matched;
        detections_matched_pieces += score.matched_pieces;
        whole_jumps.insert(whole_jumps.end(), score.whole_jumps.begin(), score.whole_jumps.end());
        piece_jumps.insert(piece_jumps.end(), score.piece_jumps.begin(), score.piece_jumps.end());
        TallyMissedByBlob(fates_under_fish, score.sighted, r.missed_by_blob);
        sighted_truth = std::move(score.sighted);
      }
      auto track_rows = sturgeon::vision::ReadMotFile(co.tracks_path);
      if (gt_rows.ok() && track_rows.ok()) {
        r.breakdown = sturgeon::vision::BreakDownCount(*gt_rows, *track_rows, rep->frames);
        auto trail = [&]() -> sturgeon::Result<sturgeon::vision::MissedFishTrail> {
          STURGEON_ASSIGN_OR_RETURN(auto audit, sturgeon::vision::ReadTrackletAudit(co.tracklets_path));
          r.links = sturgeon::vision::JudgeLinks(*gt_rows, audit, rep->frames);
          return sturgeon::vision::TraceMissedFish(*gt_rows, *track_rows, audit, rep->frames);
        }();
        if (trail.ok()) {
          r.missed_trail = *trail;
        } else {
          std::cerr << name << ": " << trail.status().ToString() << "\n";
        }
      }
    }
    if (gt_rows.ok()) {
      for (const sturgeon::vision::MotRecord& g : *gt_rows) {
        if (g.frame > rep->frames) continue;
        ++r.fish_frames;
        r.fish_frames_outside +=
            !sturgeon::vision::InCountedArea(rep->counted_areas, g.frame, sturgeon::vision::Centre(g.box));
      }
    }
    std::ifstream gt_in(footage / name / "gt.json");
    nlohmann::json gt = nlohmann::json::parse(gt_in, nullptr, false);
    // The fish in view over the frames counted: the truth of footage that
    // does not cover the whole pool (a sweep), and of the noisy detections.
    const std::set<int> in_view =
        gt_rows.ok() ? sturgeon::vision::FishInView(*gt_rows, rep->frames) : std::set<int>();
    std::set<int> filmed;
    if (!gt.is_discarded() && gt.value("coverage", "whole_pool") != "whole_pool") {
      filmed = in_view;
      if (!filmed.empty()) {
        r.truth = static_cast<int>(filmed.size());
        r.accuracy = 1.0 - std::abs(r.count - r.truth) / static_cast<double>(std::max(1, r.truth));
        r.in_interval = r.low <= r.truth && r.truth <= r.high;
      }
    }
    if (!gt.is_discarded() && gt.contains("fish") && rep->sizes && rep->sizes->mean_length_cm > 0) {
      double sum = 0;
      int n = 0;
      for (const auto& f : gt["fish"]) {
        if (!filmed.empty() && !filmed.contains(f.value("id", 0))) continue;
        sum += f.value("length_cm", 0.0);
        ++n;
      }
      if (n > 0) r.length_error = (rep->sizes->mean_length_cm - sum / n) / (sum / n);
    }
    if (!gt.is_discarded() && gt.contains("fish") && gt.value("gsd_m_per_px", 0.0) > 0 &&
        rep->learnt_fish_length_px > 0) {
      const double gsd_m = gt["gsd_m_per_px"].get<double>();
      std::vector<double> lengths_px;
      for (const auto& f : gt["fish"]) lengths_px.push_back(f.value("length_cm", 0.0) / 100 / gsd_m);
      const double median = sturgeon::UpperMedian(std::move(lengths_px));
      if (median > 0) r.learnt_size = rep->learnt_fish_length_px / median;
    }
    auto breakdown_field = [&](int sturgeon::vision::CountBreakdown::*field) {
      return r.breakdown ? fmt::format("{}", (*r.breakdown).*field) : std::string("-");
    };
    std::cout << fmt::format("{:<20} {:>5} {:>6} {:>5} {:>5} {:>7.4f} {:>4} {:>+8.3f} {:>9} {:>6.1f} {:>7.1f} {:>6.2f} "
                             "{:>7} {:>8} {:>4} {:>7} {:>5} {:>4} {:>5} {:>6} {:>7}\n",
                             r.scenario, r.truth, r.count, r.low, r.high, r.accuracy, r.in_interval ? "yes" : "no",
                             r.length_error, fmt::format("{}x{}", r.width, r.height), r.fps, r.decode_fps,
                             r.decode_fps > 0 ? r.fps / r.decode_fps : 0.0,
                             r.detection_recall < 0 ? std::string("-") : fmt::format("{:.3f}", r.detection_recall),
                             r.detection_precision < 0 ? std::string("-")
                                                       : fmt::format("{:.3f}", r.detection_precision),
                             !r.camera_agrees ? "-" : *r.camera_agrees ? "ok" : "BAD",
                             r.learnt_size < 0 ? std::string("-") : fmt::format("{:.2f}", r.learnt_size),
                             breakdown_field(&sturgeon::vision::CountBreakdown::found),
                             breakdown_field(&sturgeon::vision::CountBreakdown::duplicates),
                             breakdown_field(&sturgeon::vision::CountBreakdown::false_tracks),
                             breakdown_field(&sturgeon::vision::CountBreakdown::missed),
                             r.fish_frames > 0 ? fmt::format("{:.3f}", r.OutsideShare()) : std::string("-"))
              << std::flush;
    for (float scale : threshold_scales) {
      sturgeon::vision::CountOptions sco = co;
      sco.detector.threshold_sigma *= scale;
      sco.detections_out_path.clear();  // the kept detections.txt and tracks.txt stay the x1 run's
      sco.tracks_path.clear();
      sco.on_detected = nullptr;  // the misses by blob are the x1 run's
      auto srep = sturgeon::vision::RunCount(sco);
      if (!srep.ok()) {
        std::cerr << name << ": " << srep.status().ToString() << "\n";
        return 1;
      }
      r.scaled_counts.push_back(srep->result.count);
    }
    rows.push_back(r);
    if (noisy) {
      NoisyRow nr;
      nr.scenario = name;
      if (!gt_rows.ok()) {
        std::cerr << name << ": " << gt_rows.status().ToString() << "\n";
        return 1;
      }
      nr.truth = static_cast<int>(in_view.size());
      // Writes `detections` to `file` under the clip's folder and counts
      // them (tracks to `tracks_file` when given); nullopt after printing
      // the error.
      auto replay = [&](const std::string& file, const std::vector<sturgeon::vision::MotRecord>& detections,
                        const std::string& tracks_file = "") -> std::optional<sturgeon::vision::CountReport> {
        const fs::path det = root / name / file;
        if (auto written = sturgeon::vision::WriteMotFile(det.string(), detections); !written.ok()) {
          std::cerr << name << ": " << written.ToString() << "\n";
          return std::nullopt;
        }
        sturgeon::vision::CountOptions dco;
        dco.detections_path = det.string();
        if (!tracks_file.empty()) dco.tracks_path = (root / name / tracks_file).string();
        auto drep = sturgeon::vision::RunCount(dco);
        if (!drep.ok()) {
          std::cerr << name << ": " << drep.status().ToString() << "\n";
          return std::nullopt;
        }
        return std::move(*drep);
      };
      auto counted = [](const sturgeon::vision::CountReport& report) {
        return NoisyCount{report.result.count, report.result.count_low, report.result.count_high};
      };
      for (float point_px : {0.0f, 4.0f}) {
        auto drep = replay(point_px > 0 ? "noisy_points.txt" : "noisy_boxes.txt",
                           NoisyDetections(*gt_rows, rep->frames, point_px, static_cast<unsigned>(seed)));
        if (!drep) return 1;
        (point_px > 0 ? nr.points : nr.boxes) = counted(*drep);
      }
      if (!sighted_truth.empty()) {
        auto srep = replay("sighted_boxes.txt", GroundTruthAtSightings(sighted_truth, static_cast<unsigned>(seed)),
                           "sighted_tracks.txt");
        if (!srep) return 1;
        nr.sighted = counted(*srep);
        if (auto tracks = sturgeon::vision::ReadMotFile((root / name / "sighted_tracks.txt").string()); tracks.ok()) {
          nr.sighted_found = sturgeon::vision::BreakDownCount(*gt_rows, *tracks, rep->frames).found;
        }
        if (r.breakdown) nr.video_found = r.breakdown->found;
      }
      noisy_rows.push_back(nr);
    }
    if (keep.empty()) fs::remove_all(root / name);
  }
  if (keep.empty()) fs::remove_all(root);

  double err = 0, truth = 0, len_err = 0;
  int in = 0, in_without_unclaimed = 0, len_n = 0, worst_i = 0;
  std::vector<double> widths, widths_without_unclaimed;  // (high - low) / truth
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    err += std::abs(r.count - r.truth);
    truth += r.truth;
    in += r.in_interval;
    in_without_unclaimed += r.low <= r.truth && r.truth <= r.high - r.unclaimed;
    if (r.truth > 0) {
      widths.push_back(static_cast<double>(r.high - r.low) / r.truth);
      widths_without_unclaimed.push_back(static_cast<double>(r.high - r.unclaimed - r.low) / r.truth);
    }
    if (r.length_error > -1) {
      len_err += std::abs(r.length_error);
      ++len_n;
    }
    if (r.accuracy < rows[worst_i].accuracy) worst_i = static_cast<int>(i);
  }
  if (rows.empty()) return 0;
  std::cout << fmt::format("pooled accuracy {:.4f} (target >= 0.99)\n", truth > 0 ? 1 - err / truth : 0);
  std::cout << fmt::format("worst scenario {} {:.4f} (target >= 0.97)\n", rows[worst_i].scenario,
                           rows[worst_i].accuracy);
  std::cout << fmt::format("interval holds the truth in {}/{} scenarios (target >= 90%)\n", in, rows.size());
  if (!widths.empty()) {
    std::cout << fmt::format(
        "  without the allowance for unclaimed loose clumps and pieces {}/{}; median width / truth {:.2f}, without it {:.2f}; "
        "unclaimed fish by scenario:",
        in_without_unclaimed, rows.size(), sturgeon::UpperMedian(std::move(widths)),
        sturgeon::UpperMedian(std::move(widths_without_unclaimed)));
    for (const Row& r : rows) std::cout << fmt::format(" {} {}", r.scenario, r.unclaimed);
    std::cout << "\n";
  }
  if (len_n > 0) std::cout << fmt::format("mean |length error| {:.3f} (target <= 0.05)\n", len_err / len_n);
  double learnt_lo = 1e9, learnt_hi = -1;
  for (const Row& r : rows) {
    if (r.learnt_size < 0) continue;
    learnt_lo = std::min(learnt_lo, r.learnt_size);
    learnt_hi = std::max(learnt_hi, r.learnt_size);
  }
  if (learnt_hi >= 0) {
    std::cout << fmt::format("learnt typical fish length {:.2f}-{:.2f} of the true median\n", learnt_lo, learnt_hi);
  }
  {
    // Fish the count could not see: outside the area it counted.
    int fish_frames = 0, outside = 0;
    const Row* most = nullptr;
    for (const Row& r : rows) {
      fish_frames += r.fish_frames;
      outside += r.fish_frames_outside;
      if (r.fish_frames_outside > 0 && (!most || r.OutsideShare() > most->OutsideShare())) most = &r;
    }
    if (fish_frames > 0) {
      std::cout << fmt::format("fish outside the counted area: {} of {} fish-frames ({:.1f}%){}\n", outside,
                               fish_frames, 100.0 * outside / fish_frames,
                               most ? fmt::format(", most on {} ({:.1f}%)", most->scenario, 100 * most->OutsideShare())
                                    : std::string());
    }
  }
  for (const Row& r : rows) {
    if (r.camera_agrees && !*r.camera_agrees) {
      std::cout << fmt::format("{}: the camera motion disagrees with the GPS; its count was made in a wrong frame of "
                               "reference\n",
                               r.scenario);
    }
  }
  {
    // The pooled count fish by fish: how much of it is right by cancellation.
    sturgeon::vision::CountBreakdown sum;
    int broken_down = 0;
    for (const Row& r : rows) {
      if (!r.breakdown) continue;
      sum.found += r.breakdown->found;
      sum.duplicates += r.breakdown->duplicates;
      sum.false_tracks += r.breakdown->false_tracks;
      sum.missed += r.breakdown->missed;
      ++broken_down;
    }
    const int counted = sum.found + sum.duplicates + sum.false_tracks;
    const int truth_broken_down = sum.found + sum.missed;
    if (broken_down > 0 && counted > 0 && truth_broken_down > 0) {
      std::cout << fmt::format(
          "fish by fish over {} scenarios: {} found, {} duplicate and {} false tracks, {} missed; {:.3f} of the "
          "counted tracks are fish of their own, {:.3f} of the fish in view have one\n",
          broken_down, sum.found, sum.duplicates, sum.false_tracks, sum.missed,
          static_cast<double>(sum.found) / counted, static_cast<double>(sum.found) / truth_broken_down);
    }
    // Where the missed fish were seen (count --tracklets, eval --tracklets).
    sturgeon::vision::MissedFishTrail trail;
    for (const Row& r : rows) {
      if (r.missed_trail) trail += *r.missed_trail;
    }
    if (trail.observations > 0) std::cout << sturgeon::vision::DescribeMissedFishTrail(trail) << "\n";
    sturgeon::vision::LinkJudgement links;
    for (const Row& r : rows) links += r.links;
    std::cout << sturgeon::vision::DescribeLinkJudgement(links) << "\n";
    // The suite's missed fish-frames by the blob under them, then each
    // scenario's (its four largest shares).
    std::map<std::string, size_t> missed_by_blob;
    for (const Row& r : rows) {
      for (const auto& [fate, n] : r.missed_by_blob) missed_by_blob[fate] += n;
    }
    auto describe = [](const std::map<std::string, size_t>& tally, size_t shown) {
      size_t missed = 0;
      std::vector<std::pair<size_t, std::string>> shares;
      for (const auto& [fate, n] : tally) {
        missed += n;
        shares.emplace_back(n, fate);
      }
      std::sort(shares.rbegin(), shares.rend());
      std::string line = fmt::format("{}", missed);
      for (size_t i = 0; i < std::min(shown, shares.size()); ++i) {
        line += fmt::format("{}{:.1f}% {}", i == 0 ? "; " : ", ", 100.0 * shares[i].first / missed, shares[i].second);
      }
      return line;
    };
    if (!missed_by_blob.empty()) {
      std::cout << "missed fish-frames by the blob under them: " << describe(missed_by_blob, missed_by_blob.size())
                << "\n";
      for (const Row& r : rows) {
        if (!r.missed_by_blob.empty()) std::cout << "  " << r.scenario << ": " << describe(r.missed_by_blob, 4) << "\n";
      }
    }
    if (!whole_jumps.empty() && !piece_jumps.empty()) {
      std::cout << fmt::format(
          "detection centres on fish: {:.1f}% clump pieces; moved between frames against the fish, in fish lengths: "
          "whole bodies median {:.3f}, 90th percentile {:.3f}; with a piece median {:.3f}, 90th percentile {:.3f}\n",
          100.0 * detections_matched_pieces / std::max<size_t>(1, detections_matched),
          sturgeon::UpperMedian(whole_jumps), sturgeon::QuantileAtRank(whole_jumps, 0.9),
          sturgeon::UpperMedian(piece_jumps), sturgeon::QuantileAtRank(piece_jumps, 0.9));
    }
  }
  if (!threshold_scales.empty()) {
    std::cout << "\ncounts with the detector's threshold scaled\n" << fmt::format("{:<20} {:>5} {:>6}", "scenario", "true", "x1");
    for (float scale : threshold_scales) std::cout << fmt::format(" {:>6}", fmt::format("x{}", scale));
    std::cout << "\n";
    std::vector<double> scaled_err(threshold_scales.size(), 0.0);
    for (const Row& r : rows) {
      std::cout << fmt::format("{:<20} {:>5} {:>6}", r.scenario, r.truth, r.count);
      for (size_t k = 0; k < r.scaled_counts.size(); ++k) {
        std::cout << fmt::format(" {:>6}", r.scaled_counts[k]);
        scaled_err[k] += std::abs(r.scaled_counts[k] - r.truth);
      }
      std::cout << "\n";
    }
    for (size_t k = 0; k < threshold_scales.size(); ++k) {
      std::cout << fmt::format("pooled accuracy with the threshold x{}: {:.4f} (x1: {:.4f})\n", threshold_scales[k],
                               truth > 0 ? 1 - scaled_err[k] / truth : 0, truth > 0 ? 1 - err / truth : 0);
    }
  }
  if (!noisy_rows.empty()) {
    std::cout << fmt::format("\nnoisy detections from gt.txt (20% missed, 5% jitter, 10% false): tracker + counter\n"
                             "{:<20} {:>5} {:>6} {:>7} {:>3} {:>6} {:>7} {:>3}\n",
                             "scenario", "true", "boxes", "acc", "in", "points", "acc", "in");
    double truth_n = 0, err_boxes = 0, err_points = 0;
    int held_boxes = 0, held_points = 0;
    std::pair<double, std::string> worst_boxes{2, ""}, worst_points{2, ""};
    for (const NoisyRow& r : noisy_rows) {
      const double t = std::max(1, r.truth);
      const double acc_boxes = 1 - std::abs(r.boxes.count - r.truth) / t;
      const double acc_points = 1 - std::abs(r.points.count - r.truth) / t;
      std::cout << fmt::format("{:<20} {:>5} {:>6} {:>7.4f} {:>3} {:>6} {:>7.4f} {:>3}\n", r.scenario, r.truth,
                               r.boxes.count, acc_boxes, r.boxes.Holds(r.truth) ? "yes" : "no", r.points.count,
                               acc_points, r.points.Holds(r.truth) ? "yes" : "no");
      truth_n += r.truth;
      err_boxes += std::abs(r.boxes.count - r.truth);
      err_points += std::abs(r.points.count - r.truth);
      held_boxes += r.boxes.Holds(r.truth);
      held_points += r.points.Holds(r.truth);
      worst_boxes = std::min(worst_boxes, {acc_boxes, r.scenario});
      worst_points = std::min(worst_points, {acc_points, r.scenario});
    }
    std::cout << fmt::format("pooled accuracy from noisy boxes {:.4f}, from noisy centre points {:.4f}\n",
                             truth_n > 0 ? 1 - err_boxes / truth_n : 0, truth_n > 0 ? 1 - err_points / truth_n : 0);
    std::cout << fmt::format("worst scenario from boxes {} {:.4f}, from points {} {:.4f}\n", worst_boxes.second,
                             worst_boxes.first, worst_points.second, worst_points.first);
    std::cout << fmt::format("interval holds the truth from boxes in {}/{}, from points in {}/{}\n", held_boxes,
                             noisy_rows.size(), held_points, noisy_rows.size());
    // The true boxes where our detector found the fish (GroundTruthAtSightings).
    double err_sighted = 0;
    int sighted_found = 0, video_found = 0, fish_n = 0;
    std::string per_scenario;
    for (const NoisyRow& r : noisy_rows) {
      if (!r.sighted || r.sighted_found < 0 || r.video_found < 0) continue;
      err_sighted += std::abs(r.sighted->count - r.truth);
      sighted_found += r.sighted_found;
      video_found += r.video_found;
      fish_n += r.truth;
      per_scenario += fmt::format("{}{} {}/{}", per_scenario.empty() ? "" : ", ", r.scenario, r.sighted_found, r.truth);
    }
    if (fish_n > 0) {
      std::cout << fmt::format(
          "true boxes (5% jitter) where our detector found the fish: pooled accuracy {:.4f}; {} of {} fish found "
          "(from the video {}): {}\n",
          1 - err_sighted / fish_n, sighted_found, fish_n, video_found, per_scenario);
    }
  }
  for (const Row& r : rows) {
    if (r.width == 1920 && r.height == 1080) {
      std::cout << fmt::format("1920x1080 {}: {:.1f} frames/s, decode only {:.1f}, ratio {:.2f} (targets >= 30, >= 0.35)\n",
                               r.scenario, r.fps, r.decode_fps, r.decode_fps > 0 ? r.fps / r.decode_fps : 0.0);
    }
  }
  return 0;
}
