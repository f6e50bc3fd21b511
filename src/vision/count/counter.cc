#include "vision/count/counter.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>

#include "core/order_statistics.h"

namespace sturgeon::vision {
namespace {

// Whether tracklet i keeps a near-constant offset, under a fish length, from
// a longer tracklet over most of its frames, along that tracklet's body: a
// piece of the same fish.
bool RigidCompanion(const std::vector<const Tracklet*>& ts, int i, float fish_length, const CounterParams& params) {
  const auto& obs = ts[i]->observations;
  for (int j = 0; j < static_cast<int>(ts.size()); ++j) {
    const auto& other = ts[j]->observations;
    if (j == i || other.size() <= obs.size()) continue;
    if (other.front().frame > obs.back().frame || other.back().frame < obs.front().frame) continue;
    std::vector<cv::Point2f> offsets;
    cv::Point2f other_first, other_last;  // the longer tracklet's centre in the first and last common frame
    size_t k = 0;
    for (const auto& o : obs) {
      while (k < other.size() && other[k].frame < o.frame) ++k;
      if (k == other.size() || other[k].frame != o.frame) continue;
      if (offsets.empty()) other_first = Centre(other[k].box);
      other_last = Centre(other[k].box);
      offsets.push_back(Centre(o.box) - Centre(other[k].box));
    }
    if (offsets.size() < params.duplicate_share * obs.size() || offsets.empty()) continue;
    cv::Point2f mean(0, 0);
    for (const auto& d : offsets) mean += d;
    mean *= 1.0f / offsets.size();
    if (std::hypot(mean.x, mean.y) > params.rigid_distance_lengths * fish_length) continue;
    // A fish swims head first: where the longer tracklet travelled far
    // enough to show its heading, an offset mostly across it is a
    // neighbour swimming alongside, not a piece of its body.
    const cv::Point2f travel = other_last - other_first;
    const float travelled = std::hypot(travel.x, travel.y);
    if (travelled >= params.rigid_heading_min_travel_lengths * fish_length &&
        std::abs(mean.cross(travel)) / travelled > params.rigid_across_lengths * fish_length) {
      continue;
    }
    double wobble = 0;
    for (const auto& d : offsets) wobble += (d - mean).dot(d - mean);
    wobble = std::sqrt(wobble / offsets.size());
    if (wobble <= params.rigid_wobble_lengths * fish_length) return true;
  }
  return false;
}

// The centres seen in each frame, tagged with the index of the observation
// list they belong to.
using CentresByFrame = std::map<int, std::vector<std::pair<int, cv::Point2f>>>;

template <typename ObservationsOf>
CentresByFrame IndexCentres(int n, ObservationsOf observations_of) {
  CentresByFrame at;
  for (int i = 0; i < n; ++i) {
    for (const auto& o : observations_of(i)) at[o.frame].emplace_back(i, Centre(o.box));
  }
  return at;
}

// How many of list i's observations have, in the same frame, a centre of
// a list j with longer(j) closer than near(observation).
template <typename Longer, typename Near>
int FramesNearALongerOne(int i, const std::vector<TrackObservation>& obs, const CentresByFrame& at, Longer longer,
                         Near near) {
  int frames = 0;
  for (const auto& o : obs) {
    const cv::Point2f c = Centre(o.box);
    const float limit = near(o);
    for (const auto& [j, p] : at.at(o.frame)) {
      if (j != i && longer(j) && std::hypot(p.x - c.x, p.y - c.y) < limit) {
        ++frames;
        break;
      }
    }
  }
  return frames;
}

// When tracklet b starts before tracklet a ends: b's first observation
// after a's last, provided no frame holds an observation of both (two
// objects seen at once are two fish); nullptr otherwise.
const TrackObservation* TakeOver(const Tracklet& a, const Tracklet& b) {
  const int last_a = a.LastFrame();
  size_t i = 0;
  for (const TrackObservation& o : b.observations) {
    if (o.frame > last_a) return &o;
    while (i < a.observations.size() && a.observations[i].frame < o.frame) ++i;
    if (i < a.observations.size() && a.observations[i].frame == o.frame) return nullptr;
  }
  return nullptr;
}

// Whether two tracklets have an observation in the same frame.
bool ShareAFrame(const Tracklet& a, const Tracklet& b) {
  size_t i = 0, j = 0;
  while (i < a.observations.size() && j < b.observations.size()) {
    const int fa = a.observations[i].frame, fb = b.observations[j].frame;
    if (fa == fb) return true;
    (fa < fb ? i : j)++;
  }
  return false;
}

struct Ends {
  int first = 0, last = 0;
  cv::Point2f start, end, end_velocity;
};

Ends Describe(const Tracklet& t) {
  Ends e;
  const auto& obs = t.observations;
  e.first = obs.front().frame;
  e.last = obs.back().frame;
  e.start = Centre(obs.front().box);
  e.end = Centre(obs.back().box);
  // End velocity from the last few observations (robust to one noisy box).
  size_t k = std::min<size_t>(obs.size() - 1, 5);
  if (k > 0) {
    const auto& a = obs[obs.size() - 1 - k];
    int df = obs.back().frame - a.frame;
    if (df > 0) e.end_velocity = (e.end - Centre(a.box)) * (1.0f / df);
  }
  return e;
}

struct Link {
  double cost;
  float gate_used;  // dist / gate, in [0, 1]
  int from, to;
};

}  // namespace

const char* TrackletFateName(TrackletFate fate) {
  switch (fate) {
    case TrackletFate::kUnconfirmed: return "unconfirmed";
    case TrackletFate::kCounted: return "counted";
    case TrackletFate::kDuplicate: return "duplicate";
    case TrackletFate::kRigidCompanion: return "rigid_companion";
    case TrackletFate::kTooFewObservations: return "too_few_observations";
    case TrackletFate::kNeverWhole: return "never_whole";
    case TrackletFate::kUnstableLength: return "unstable_length";
  }
  return "unknown";
}

std::optional<TrackletFate> TrackletFateFromName(std::string_view name) {
  for (TrackletFate fate : {TrackletFate::kUnconfirmed, TrackletFate::kCounted, TrackletFate::kDuplicate,
                            TrackletFate::kRigidCompanion, TrackletFate::kTooFewObservations,
                            TrackletFate::kNeverWhole, TrackletFate::kUnstableLength}) {
    if (name == TrackletFateName(fate)) return fate;
  }
  return std::nullopt;
}

CountResult CountFish(const std::vector<Tracklet>& all, const CounterParams& params) {
  CountResult result;
  result.verdicts.reserve(all.size());
  for (const Tracklet& t : all) result.verdicts.push_back(TrackletVerdict{t.id, TrackletFate::kUnconfirmed, 0});
  // The verdict of a tracklet the counter holds a pointer to.
  auto verdict_of = [&](const Tracklet* t) -> TrackletVerdict& { return result.verdicts[t - all.data()]; };
  std::vector<const Tracklet*> ts;
  for (const Tracklet& t : all) {
    if (t.confirmed && !t.observations.empty()) ts.push_back(&t);
  }
  std::sort(ts.begin(), ts.end(), [](const Tracklet* a, const Tracklet* b) {
    return a->FirstFrame() != b->FirstFrame() ? a->FirstFrame() < b->FirstFrame() : a->id < b->id;
  });
  const int n = static_cast<int>(ts.size());
  result.tracklets = n;

  // Measure how fast the fish swim and how big they are.
  std::vector<float> speeds, sizes;
  for (const Tracklet* t : ts) {
    const auto& obs = t->observations;
    for (size_t i = 0; i < obs.size(); ++i) {
      sizes.push_back(std::max(obs[i].box.width, obs[i].box.height));
      if (i == 0 || obs[i].frame != obs[i - 1].frame + 1) continue;
      cv::Point2f d = Centre(obs[i].box) - Centre(obs[i - 1].box);
      speeds.push_back(std::hypot(d.x, d.y));
    }
  }
  const float typical_speed = std::max(params.min_speed_px, QuantileAtRank(speeds, 0.5f));
  const float max_speed =
      std::max(params.min_speed_px,
               params.speed_factor * QuantileAtRank(speeds, std::clamp(params.speed_percentile, 0.0f, 1.0f)));
  const float base_gate = std::max(params.min_base_gate_px, params.base_gate_size_factor * QuantileAtRank(sizes, 0.5f));
  result.max_speed_px = max_speed;

  std::vector<float> lengths;
  for (const Tracklet* t : ts) {
    for (const auto& o : t->observations) {
      if (o.length_px > 0) lengths.push_back(o.length_px);
    }
  }
  const float fish_length = QuantileAtRank(lengths, 0.5f);

  // Duplicates: a tracklet that, in most of its frames, sits on top of a
  // longer tracklet seen in the same frame is the same fish detected twice
  // (a clump split wrongly, a detector reporting one fish twice). "On top"
  // is tight for whole bodies (fish in a shoal swim a third of a body
  // apart) and looser for pieces split off a clump (no measured length
  // from a detector that measures lengths), whose position within the
  // clump is arbitrary.
  {
    const CentresByFrame at = IndexCentres(n, [&](int i) -> const auto& { return ts[i]->observations; });
    const float fish_size = std::max(params.min_base_gate_px * 0.5f, QuantileAtRank(sizes, 0.5f));
    const float near_body = params.duplicate_distance_factor * fish_size;
    const float near_piece = params.piece_duplicate_distance_factor * fish_size;
    std::vector<const Tracklet*> kept;
    for (int i = 0; i < n; ++i) {
      const auto& obs = ts[i]->observations;
      const int shadowed = FramesNearALongerOne(
          i, obs, at, [&](int j) { return ts[j]->observations.size() > obs.size(); },
          [&](const TrackObservation& o) { return fish_length > 0 && o.length_px <= 0 ? near_piece : near_body; });
      if (shadowed >= params.duplicate_share * obs.size()) {
        verdict_of(ts[i]).fate = TrackletFate::kDuplicate;
        continue;
      }
      if (fish_length > 0 && RigidCompanion(ts, i, fish_length, params)) {
        verdict_of(ts[i]).fate = TrackletFate::kRigidCompanion;
        continue;
      }
      kept.push_back(ts[i]);
    }
    result.duplicates = n - static_cast<int>(kept.size());
    ts = std::move(kept);
  }
  const int n_kept = static_cast<int>(ts.size());
  std::vector<Ends> ends(n_kept);
  for (int i = 0; i < n_kept; ++i) ends[i] = Describe(*ts[i]);

  // Feasible links, a -> b with b starting after a ends, or taking over
  // from a within a few frames while a was still alive but never in the
  // same frame (the tracker started b on a jittery detection of a's fish
  // and the two tracks took turns on it until a was lost).
  std::vector<Link> links;
  std::vector<float> best_in(n_kept, 2.0f);  // best gate use of any feasible predecessor
  for (int a = 0; a < n_kept; ++a) {
    for (int b = 0; b < n_kept; ++b) {
      if (a == b) continue;
      int gap = ends[b].first - ends[a].last;
      cv::Point2f start = ends[b].start;
      if (gap <= 0) {
        if (ends[b].first <= ends[a].first || ends[b].last <= ends[a].last) continue;
        if (-gap > params.max_takeover_frames) continue;
        const TrackObservation* after = TakeOver(*ts[a], *ts[b]);
        if (after == nullptr) continue;
        gap = after->frame - ends[a].last;
        start = Centre(after->box);
      }
      if (gap > params.max_link_gap_frames) continue;
      float horizon = static_cast<float>(std::min(gap, params.extrapolate_frames));
      cv::Point2f predicted = ends[a].end + ends[a].end_velocity * horizon;
      cv::Point2f d = start - predicted;
      float dist = std::hypot(d.x, d.y);
      float gate = base_gate + max_speed * gap;
      if (dist > gate) continue;
      float used = dist / gate;
      links.push_back(Link{dist + typical_speed * gap, used, a, b});
      best_in[b] = std::min(best_in[b], used);
    }
  }
  std::sort(links.begin(), links.end(), [](const Link& x, const Link& y) {
    return x.cost != y.cost ? x.cost < y.cost : std::tie(x.from, x.to) < std::tie(y.from, y.to);
  });
  std::vector<int> next(n_kept, -1), prev(n_kept, -1);
  std::vector<float> link_use(n_kept, 0.0f);  // gate use of the link into b
  // A take-over joins tracklets whose spans overlap; in a chain of them
  // every pair must still be seen in different frames (one fish is one
  // observation per frame), not only the two linked.
  auto chains_share_a_frame = [&](int from, int to) {
    std::vector<int> before, after;
    for (int t = from; t != -1; t = prev[t]) before.push_back(t);
    for (int t = to; t != -1; t = next[t]) after.push_back(t);
    for (int x : before) {
      for (int y : after) {
        if (ShareAFrame(*ts[x], *ts[y])) return true;
      }
    }
    return false;
  };
  for (const Link& l : links) {
    if (next[l.from] != -1 || prev[l.to] != -1) continue;
    if (ends[l.to].first <= ends[l.from].last && chains_share_a_frame(l.from, l.to)) continue;
    next[l.from] = l.to;
    prev[l.to] = l.from;
    link_use[l.to] = l.gate_used;
    result.links++;
  }

  // Chains are fish, if they look like one rigid body over time.
  bool measured_lengths = false;
  for (const Tracklet* t : ts) {
    for (const auto& o : t->observations) measured_lengths = measured_lengths || o.length_px > 0;
  }
  double down_mean = 0, down_var = 0, up_mean = 0, up_var = 0;
  std::vector<int> chain_heads;  // the first tracklet (index into ts) of each counted fish, as pushed
  for (int h = 0; h < n_kept; ++h) {
    if (prev[h] != -1) continue;
    CountedFish fish;
    double link_risk_mean = 0, link_risk_var = 0;
    for (int t = h; t != -1; t = next[t]) {
      fish.tracklet_ids.push_back(ts[t]->id);
      fish.observations.insert(fish.observations.end(), ts[t]->observations.begin(), ts[t]->observations.end());
      if (t != h) {
        double q = 0.5 * link_use[t] * link_use[t];
        link_risk_mean += q;
        link_risk_var += q * (1 - q);
      }
    }
    // A take-over link interleaves its two tracklets' frames.
    std::stable_sort(fish.observations.begin(), fish.observations.end(),
                     [](const TrackObservation& x, const TrackObservation& y) { return x.frame < y.frame; });
    // Every tracklet of a chain that is not counted shares its fate.
    auto drop_chain = [&](TrackletFate fate) {
      for (int t = h; t != -1; t = next[t]) verdict_of(ts[t]).fate = fate;
    };
    int obs = static_cast<int>(fish.observations.size());
    if (obs < params.min_fish_observations) {
      drop_chain(TrackletFate::kTooFewObservations);
      continue;
    }
    if (measured_lengths) {
      std::vector<float> ls;
      for (const auto& o : fish.observations) {
        if (o.length_px > 0) ls.push_back(o.length_px);
      }
      // Undecidable calls widen the interval on their side, as a fair coin:
      // a chain dropped for an unstable length may have been a fish seen
      // badly (up); a chain never seen whole, only as a piece split off a
      // clump, may be a fish or a piece of one counted already (down).
      const double p = params.undecided_p;
      if (static_cast<int>(ls.size()) < params.min_whole_observations) {
        drop_chain(TrackletFate::kNeverWhole);
        ++result.inconsistent;
        up_mean += p;
        up_var += p * (1 - p);
        continue;
      }
      if (static_cast<int>(ls.size()) >= params.spread_min_observations) {
        const float med = QuantileAtRank(ls, 0.5f);
        if (QuantileAtRank(ls, 0.75f) - QuantileAtRank(ls, 0.25f) > params.max_length_spread * med) {
          drop_chain(TrackletFate::kUnstableLength);
          ++result.inconsistent;
          up_mean += p;
          up_var += p * (1 - p);
          continue;
        }
      }
      if (static_cast<int>(ls.size()) < params.spread_min_observations) {
        down_mean += p;
        down_var += p * (1 - p);
      }
    }
    fish.existence = static_cast<float>(1.0 - std::exp(-obs / params.existence_scale_obs));
    double spurious = 1.0 - fish.existence;
    if (best_in[h] <= 1.0f) {
      // A feasible predecessor went unused: this start may be a fish already counted.
      spurious = std::max(spurious, 0.5 * (1.0 - best_in[h]));
    }
    down_mean += spurious;
    down_var += spurious * (1 - spurious);
    up_mean += link_risk_mean;
    up_var += link_risk_var;
    fish.id = static_cast<int>(chain_heads.size());  // until the fish are numbered below
    chain_heads.push_back(h);
    result.fish.push_back(std::move(fish));
  }
  std::sort(result.fish.begin(), result.fish.end(), [](const CountedFish& a, const CountedFish& b) {
    return a.observations.front().frame < b.observations.front().frame;
  });
  for (size_t i = 0; i < result.fish.size(); ++i) {
    const int chain = result.fish[i].id;
    result.fish[i].id = static_cast<int>(i) + 1;
    for (int t = chain_heads[chain]; t != -1; t = next[t]) {
      verdict_of(ts[t]) = TrackletVerdict{ts[t]->id, TrackletFate::kCounted, result.fish[i].id};
    }
  }

  result.count = static_cast<int>(result.fish.size());

  // Close companions: a counted fish that in most of its frames keeps
  // within `rigid_distance_lengths` of a longer-lived counted fish, but
  // wobbles too much to be dropped as a rigid piece of it, is either a
  // piece of that fish (a body seen in two parts, a fish and its shadow)
  // or a neighbour swimming with it in a school. The data cannot tell; it
  // is a fair coin on the downward side.
  if (fish_length > 0) {
    const CentresByFrame at =
        IndexCentres(result.count, [&](int i) -> const auto& { return result.fish[i].observations; });
    const float close = params.rigid_distance_lengths * fish_length;
    const double p = params.undecided_p;
    for (int i = 0; i < result.count; ++i) {
      const auto& obs = result.fish[i].observations;
      auto longer = [&](int j) {
        const size_t n_j = result.fish[j].observations.size();
        return n_j > obs.size() || (n_j == obs.size() && j < i);
      };
      const int near_longer =
          FramesNearALongerOne(i, obs, at, longer, [&](const TrackObservation&) { return close; });
      if (near_longer >= params.duplicate_share * obs.size()) {
        ++result.close_companions;
        down_mean += p;
        down_var += p * (1 - p);
      }
    }
  }
  double model_var = std::pow(params.model_rel_sd * result.count, 2);
  int down = static_cast<int>(std::ceil(down_mean + params.z * std::sqrt(down_var + model_var)));
  int up = static_cast<int>(std::ceil(up_mean + params.z * std::sqrt(up_var + model_var)));
  result.count_low = std::max(0, result.count - std::max(down, params.min_margin));
  result.count_high = result.count + std::max(up, params.min_margin);
  return result;
}

namespace {

// Each counted fish's recall (MeasureUnexplainedDetections), in the order of
// `result.fish`, fish without a sighting in `detections_by_frame` left out;
// and how many counted fish were sighted in each frame.
struct CountedSightings {
  std::vector<double> recalls;
  std::map<int, int> counted_by_frame;
};

CountedSightings MeasureCountedSightings(const CountResult& result, const std::map<int, int>& detections_by_frame) {
  CountedSightings out;
  for (const CountedFish& fish : result.fish) {
    if (fish.observations.empty()) continue;
    // Frames are 1-based. A fish sighted twice in a frame (CountFish makes
    // none) counts once.
    int last = 0, sighted = 0;
    for (const TrackObservation& o : fish.observations) {
      if (o.frame == last || !detections_by_frame.contains(o.frame)) continue;
      last = o.frame;
      ++out.counted_by_frame[o.frame];
      ++sighted;
    }
    const int first = fish.observations.front().frame, end = fish.observations.back().frame + 1;
    const auto spanned = std::distance(detections_by_frame.lower_bound(first), detections_by_frame.lower_bound(end));
    if (spanned > 0) out.recalls.push_back(static_cast<double>(sighted) / static_cast<double>(spanned));
  }
  return out;
}

}  // namespace

UnexplainedDetections MeasureUnexplainedDetections(const CountResult& result,
                                                   const std::map<int, int>& detections_by_frame) {
  UnexplainedDetections u;
  if (detections_by_frame.empty() || result.fish.empty()) return u;
  CountedSightings sightings = MeasureCountedSightings(result, detections_by_frame);
  if (sightings.recalls.empty()) return u;
  double unexplained = 0;
  for (const auto& [frame, detections] : detections_by_frame) {
    const auto counted = sightings.counted_by_frame.find(frame);
    unexplained += std::max(0, detections - (counted == sightings.counted_by_frame.end() ? 0 : counted->second));
  }
  u.per_frame = unexplained / static_cast<double>(detections_by_frame.size());
  u.counted_recall_q25 = QuantileAtRank(std::move(sightings.recalls), 0.25);
  if (u.counted_recall_q25 > 0) u.fish = static_cast<int>(std::ceil(u.per_frame / u.counted_recall_q25 - 1e-9));
  return u;
}

RarelySightedFish MeasureRarelySightedFish(const CountResult& result, const std::map<int, int>& detections_by_frame) {
  RarelySightedFish rare;
  if (detections_by_frame.empty() || result.fish.empty()) return rare;
  const std::vector<double> recalls = MeasureCountedSightings(result, detections_by_frame).recalls;
  if (recalls.empty()) return rare;
  rare.counted_recall_median = QuantileAtRank(recalls, 0.5);
  rare.fish = static_cast<int>(std::count_if(recalls.begin(), recalls.end(), [&](double recall) {
    return recall < kRarelySightedShare * rare.counted_recall_median;
  }));
  return rare;
}

}  // namespace sturgeon::vision
