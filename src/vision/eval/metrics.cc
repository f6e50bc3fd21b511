#include "vision/eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "vision/track/assignment.h"

namespace sturgeon::vision {
namespace {

float Iou(const cv::Rect2f& a, const cv::Rect2f& b) {
  float inter = (a & b).area();
  float uni = a.area() + b.area() - inter;
  return uni > 0 ? inter / uni : 0.0f;
}

std::map<int, std::vector<const MotRecord*>> ByFrame(const std::vector<MotRecord>& rs) {
  std::map<int, std::vector<const MotRecord*>> out;
  for (const MotRecord& r : rs) out[r.frame].push_back(&r);
  return out;
}

}  // namespace

double CountingAccuracy(int predicted, int truth) {
  if (truth == 0) return predicted == 0 ? 1.0 : 0.0;
  return 1.0 - std::abs(predicted - truth) / static_cast<double>(truth);
}

float DistanceOnFish(const cv::Rect2f& fish_box, const cv::Rect2f& box) {
  const cv::Point2f d = Centre(fish_box) - Centre(box);
  const float distance = std::hypot(d.x, d.y);
  return distance < 0.5f * std::max(fish_box.width, fish_box.height) ? distance : -1.0f;
}

std::set<int> FishInView(const std::vector<MotRecord>& gt, int frames) {
  std::set<int> ids;
  for (const MotRecord& r : gt) {
    if (frames <= 0 || r.frame <= frames) ids.insert(r.id);
  }
  return ids;
}

namespace {

// The ground-truth fish a box lies on in its frame (the nearest when on
// several), or -1.
int FishUnder(const std::map<int, std::vector<const MotRecord*>>& gt_at, int frame, const cv::Rect2f& box) {
  const auto it = gt_at.find(frame);
  if (it == gt_at.end()) return -1;
  int nearest = -1;
  float nearest_distance = 0;
  for (const MotRecord* g : it->second) {
    const float distance = DistanceOnFish(g->box, box);
    if (distance >= 0 && (nearest < 0 || distance < nearest_distance)) {
      nearest = g->id;
      nearest_distance = distance;
    }
  }
  return nearest;
}

// BreakDownCount's verdicts: each track id given to a fish, or to none (-1).
struct TrackOwners {
  std::map<int, int> fish_of_track;
  std::set<int> found;
};

TrackOwners GiveTracksToFish(const std::vector<MotRecord>& gt, const std::vector<MotRecord>& tracks, int frames) {
  const auto gt_at = ByFrame(gt);
  std::map<int, int> track_frames;               // track id -> frames
  std::map<int, std::map<int, int>> frames_on;  // track id -> fish id -> frames on it
  for (const MotRecord& t : tracks) {
    if (frames > 0 && t.frame > frames) continue;
    ++track_frames[t.id];
    const int fish = FishUnder(gt_at, t.frame, t.box);
    if (fish >= 0) ++frames_on[t.id][fish];
  }
  std::vector<std::pair<int, int>> by_length;  // (frames, track id), longest first
  for (const auto& [id, n] : track_frames) by_length.emplace_back(n, id);
  std::sort(by_length.begin(), by_length.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  TrackOwners out;
  for (const auto& [n, id] : by_length) {
    int best_fish = -1, best_frames = 0;
    for (const auto& [fish_id, on] : frames_on[id]) {
      if (on > best_frames) {
        best_fish = fish_id;
        best_frames = on;
      }
    }
    if (best_fish < 0 || 2 * best_frames < n) best_fish = -1;
    out.fish_of_track[id] = best_fish;
    if (best_fish >= 0) out.found.insert(best_fish);
  }
  return out;
}

}  // namespace

CountBreakdown BreakDownCount(const std::vector<MotRecord>& gt, const std::vector<MotRecord>& tracks, int frames) {
  const TrackOwners owners = GiveTracksToFish(gt, tracks, frames);
  CountBreakdown out;
  for (const auto& [track, fish] : owners.fish_of_track) {
    if (fish < 0) ++out.false_tracks;
  }
  out.found = static_cast<int>(owners.found.size());
  out.duplicates = static_cast<int>(owners.fish_of_track.size()) - out.found - out.false_tracks;
  out.missed = static_cast<int>(FishInView(gt, frames).size()) - out.found;
  return out;
}

Result<MissedFishTrail> TraceMissedFish(const std::vector<MotRecord>& gt, const std::vector<MotRecord>& tracks,
                                        const std::vector<TrackletAuditRow>& audit, int frames) {
  // The counted rows of an audit are the tracks' rows, frame by frame.
  std::set<std::pair<int, int>> track_boxes, counted_rows;  // (frame, fish id)
  for (const MotRecord& t : tracks) track_boxes.emplace(t.frame, t.id);
  for (const TrackletAuditRow& r : audit) {
    if (r.fate != TrackletFate::kCounted) continue;
    counted_rows.emplace(r.frame, r.fish);
    if (!track_boxes.count({r.frame, r.fish})) {
      return Status::InvalidArgument(fmt::format(
          "the tracklet audit counts tracklet {} as fish {} in frame {}, but the tracks have no box of fish {} "
          "there: the audit and the tracks must come from the same count",
          r.tracklet, r.fish, r.frame, r.fish));
    }
  }
  for (const auto& [frame, fish] : track_boxes) {
    if (!counted_rows.count({frame, fish})) {
      return Status::InvalidArgument(fmt::format(
          "the tracks have a box of fish {} in frame {}, but the tracklet audit counts no tracklet as fish {} "
          "there: the audit and the tracks must come from the same count",
          fish, frame, fish));
    }
  }
  const TrackOwners owners = GiveTracksToFish(gt, tracks, frames);
  const std::set<int> in_view = FishInView(gt, frames);
  const auto gt_at = ByFrame(gt);
  MissedFishTrail out;
  out.missed_fish = static_cast<int>(in_view.size() - owners.found.size());
  std::set<int> seen;
  for (const TrackletAuditRow& r : audit) {
    if (frames > 0 && r.frame > frames) continue;
    const int fish = FishUnder(gt_at, r.frame, r.box);
    if (fish < 0 || owners.found.count(fish)) continue;
    seen.insert(fish);
    ++out.observations;
    switch (r.fate) {
      case TrackletFate::kCounted: {
        const auto owner = owners.fish_of_track.find(r.fish);
        ++(owner != owners.fish_of_track.end() && owner->second >= 0 ? out.in_other_fish : out.in_false_track);
        break;
      }
      case TrackletFate::kUnconfirmed:
        ++out.unconfirmed;
        break;
      default:
        ++out.dropped_by_fate[r.fate];
    }
  }
  out.observed_missed_fish = static_cast<int>(seen.size());
  return out;
}

namespace {

// The fish at least 60% of `fish_under` lie on, or -1.
int MostlyOn(const std::vector<int>& fish_under) {
  std::map<int, int> votes;
  for (int fish : fish_under) ++votes[fish];
  for (const auto& [fish, n] : votes) {
    if (fish >= 0 && n >= 0.6 * static_cast<double>(fish_under.size())) return fish;
  }
  return -1;
}

}  // namespace

LinkJudgement JudgeLinks(const std::vector<MotRecord>& gt, const std::vector<TrackletAuditRow>& audit, int frames) {
  const auto gt_at = ByFrame(gt);
  // Each counted fish's tracklets, each with the fish under its rows in frame order.
  std::map<int, std::map<int, std::vector<std::pair<int, int>>>> tracklets_of_fish;  // fish -> tracklet -> (frame, gt fish)
  for (const TrackletAuditRow& r : audit) {
    if (r.fate != TrackletFate::kCounted || (frames > 0 && r.frame > frames)) continue;
    tracklets_of_fish[r.fish][r.tracklet].emplace_back(r.frame, FishUnder(gt_at, r.frame, r.box));
  }
  LinkJudgement out;
  for (auto& [fish, tracklets] : tracklets_of_fish) {
    std::vector<std::vector<std::pair<int, int>>*> chain;
    for (auto& [id, rows] : tracklets) {
      std::sort(rows.begin(), rows.end());
      chain.push_back(&rows);
    }
    std::sort(chain.begin(), chain.end(), [](const auto* a, const auto* b) { return a->front() < b->front(); });
    for (size_t k = 0; k + 1 < chain.size(); ++k) {
      const auto& from = *chain[k];
      const auto& to = *chain[k + 1];
      std::vector<int> end, start;
      for (size_t i = from.size() - std::min<size_t>(from.size(), kLinkEndRows); i < from.size(); ++i) {
        end.push_back(from[i].second);
      }
      for (size_t i = 0; i < std::min<size_t>(to.size(), kLinkEndRows); ++i) start.push_back(to[i].second);
      const int a = MostlyOn(end), b = MostlyOn(start);
      ++(a < 0 || b < 0 ? out.undecided : a == b ? out.one_fish : out.two_fish);
    }
  }
  return out;
}

LinkJudgement& LinkJudgement::operator+=(const LinkJudgement& other) {
  one_fish += other.one_fish;
  two_fish += other.two_fish;
  undecided += other.undecided;
  return *this;
}

std::string DescribeLinkJudgement(const LinkJudgement& links) {
  return fmt::format("counter links: {} join one fish, {} join two fish, {} undecided", links.one_fish,
                     links.two_fish, links.undecided);
}

int MissedFishTrail::Dropped() const {
  int n = 0;
  for (const auto& [fate, k] : dropped_by_fate) n += k;
  return n;
}

MissedFishTrail& MissedFishTrail::operator+=(const MissedFishTrail& other) {
  missed_fish += other.missed_fish;
  observed_missed_fish += other.observed_missed_fish;
  observations += other.observations;
  in_other_fish += other.in_other_fish;
  in_false_track += other.in_false_track;
  for (const auto& [fate, n] : other.dropped_by_fate) dropped_by_fate[fate] += n;
  unconfirmed += other.unconfirmed;
  return *this;
}

std::string DescribeMissedFishTrail(const MissedFishTrail& t) {
  const double n = std::max(1, t.observations);
  std::string by_fate;
  for (const auto& [fate, k] : t.dropped_by_fate) {
    by_fate += fmt::format("{}{} {:.0f}%", by_fate.empty() ? " (" : ", ", TrackletFateName(fate), 100 * k / n);
  }
  if (!by_fate.empty()) by_fate += ")";
  return fmt::format(
      "missed fish seen by a tracklet: {} of {}, {} observations: {:.0f}% in another fish's track, {:.0f}% in "
      "tracks on no fish, {:.0f}% in tracklets the counter dropped{}, {:.0f}% in tracklets never confirmed",
      t.observed_missed_fish, t.missed_fish, t.observations, 100 * t.in_other_fish / n, 100 * t.in_false_track / n,
      100 * t.Dropped() / n, by_fate, 100 * t.unconfirmed / n);
}

int DistinctIds(const std::vector<MotRecord>& records) {
  std::set<int> ids;
  for (const MotRecord& r : records) ids.insert(r.id);
  return static_cast<int>(ids.size());
}

TrackMetrics EvaluateTracks(const std::vector<MotRecord>& gt_all, const std::vector<MotRecord>& pred,
                            float iou_threshold, float min_visibility) {
  std::vector<MotRecord> gt;
  for (const MotRecord& r : gt_all) {
    if (r.score > min_visibility) gt.push_back(r);
  }
  TrackMetrics m;
  m.gt_boxes = static_cast<int>(gt.size());
  m.pred_boxes = static_cast<int>(pred.size());
  auto gt_frames = ByFrame(gt);
  auto pred_frames = ByFrame(pred);
  std::set<int> frames;
  for (auto& [f, _] : gt_frames) frames.insert(f);
  for (auto& [f, _] : pred_frames) frames.insert(f);

  std::unordered_map<int, int> last_match;  // gt id -> pred id, CLEAR MOT
  std::map<std::pair<int, int>, int> co;    // (gt id, pred id) -> frames matched, IDF1
  static const std::vector<const MotRecord*> kNone;
  const double gate = 1.0 - iou_threshold;
  for (int f : frames) {
    const auto& g = gt_frames.count(f) ? gt_frames[f] : kNone;
    const auto& p = pred_frames.count(f) ? pred_frames[f] : kNone;
    const int ng = static_cast<int>(g.size()), np = static_cast<int>(p.size());
    std::vector<double> cost(static_cast<size_t>(ng) * np, 2.0);
    for (int i = 0; i < ng; ++i) {
      for (int j = 0; j < np; ++j) {
        float iou = Iou(g[i]->box, p[j]->box);
        if (iou >= iou_threshold) {
          cost[static_cast<size_t>(i) * np + j] = 1.0 - iou;
          co[{g[i]->id, p[j]->id}]++;
        }
      }
    }
    // Keep last frame's correspondences that still qualify.
    std::vector<char> g_used(ng, 0), p_used(np, 0);
    int matches = 0;
    for (int i = 0; i < ng; ++i) {
      auto it = last_match.find(g[i]->id);
      if (it == last_match.end()) continue;
      for (int j = 0; j < np; ++j) {
        if (!p_used[j] && p[j]->id == it->second && cost[static_cast<size_t>(i) * np + j] <= gate) {
          g_used[i] = p_used[j] = 1;
          matches++;
          break;
        }
      }
    }
    std::vector<int> gi, pj;
    for (int i = 0; i < ng; ++i) if (!g_used[i]) gi.push_back(i);
    for (int j = 0; j < np; ++j) if (!p_used[j]) pj.push_back(j);
    std::vector<double> sub(gi.size() * pj.size());
    for (size_t a = 0; a < gi.size(); ++a) {
      for (size_t b = 0; b < pj.size(); ++b) sub[a * pj.size() + b] = cost[static_cast<size_t>(gi[a]) * np + pj[b]];
    }
    for (auto [a, b] : SolveAssignment(sub, static_cast<int>(gi.size()), static_cast<int>(pj.size()), gate)) {
      int gid = g[gi[a]]->id, pid = p[pj[b]]->id;
      auto it = last_match.find(gid);
      if (it != last_match.end() && it->second != pid) m.id_switches++;
      last_match[gid] = pid;
      matches++;
    }
    m.false_negatives += ng - matches;
    m.false_positives += np - matches;
  }
  m.mota = m.gt_boxes > 0
               ? 1.0 - static_cast<double>(m.false_negatives + m.false_positives + m.id_switches) / m.gt_boxes
               : 0.0;

  // IDF1: global one-to-one identity assignment maximising IDTP.
  std::map<int, int> gid_index, pid_index;
  for (auto& [key, _] : co) {
    gid_index.emplace(key.first, static_cast<int>(gid_index.size()));
    pid_index.emplace(key.second, static_cast<int>(pid_index.size()));
  }
  // SolveAssignment takes the most pairs first, and the identity
  // assignment wants the most overlap, which may take fewer pairs (a truth
  // overlapping one track for 100 frames beats two pairs of 1). So each
  // truth also gets a column of its own, "unmatched", at cost 0: every
  // truth is always matched, and the least cost is the most overlap. Pairs
  // with no overlap are over the gate (0), so the groups stay small.
  const int rows = static_cast<int>(gid_index.size()), cols = static_cast<int>(pid_index.size());
  const int all_cols = cols + rows;
  std::vector<double> cost(static_cast<size_t>(rows) * all_cols, 1.0);
  for (auto& [key, n] : co) {
    cost[static_cast<size_t>(gid_index[key.first]) * all_cols + pid_index[key.second]] = -static_cast<double>(n);
  }
  for (int r = 0; r < rows; ++r) cost[static_cast<size_t>(r) * all_cols + cols + r] = 0.0;
  for (auto [r, c] : SolveAssignment(cost, rows, all_cols, 0.0)) {
    if (c < cols) m.idtp += static_cast<int>(-cost[static_cast<size_t>(r) * all_cols + c]);
  }
  int denom = m.gt_boxes + m.pred_boxes;
  m.idf1 = denom > 0 ? 2.0 * m.idtp / denom : 0.0;
  return m;
}

Result<int> ReadCountFromJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound(fmt::format("cannot open '{}'", path));
  nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::InvalidArgument(fmt::format("{}: not a JSON object", path));
  }
  for (const char* key : {"count", "true_count", "fish_count", "num_fish"}) {
    if (j.contains(key) && j[key].is_number_integer()) return j[key].get<int>();
  }
  if (j.contains("fish") && j["fish"].is_array()) return static_cast<int>(j["fish"].size());
  return Status::InvalidArgument(
      fmt::format("{}: no count found (expected 'count', 'true_count', 'fish_count', 'num_fish' or a 'fish' array)",
                  path));
}

}  // namespace sturgeon::vision
