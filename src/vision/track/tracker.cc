#include "vision/track/tracker.h"

#include <algorithm>
#include <cmath>

#include "core/order_statistics.h"
#include "vision/track/assignment.h"

namespace sturgeon::vision {
namespace {

constexpr float kUnmatchable = 1e9f;
constexpr float kSizeSmoothing = 0.3f;  // weight of a new box size
constexpr float kLengthMemory = 0.2f;   // least weight of a new length in the track's running mean

}  // namespace

TrackerParams ForWholeFishDetections(TrackerParams base) {
  base.gate_size_factor = 0.3f;
  base.reacquire_confirm_misses = 2;
  return base;
}

Tracker::Tracker(TrackerParams params) : params_(params) {
  params_.noise_samples = std::max(1, params_.noise_samples);
  params_.noise_min_samples = std::max(1, params_.noise_min_samples);
  params_.length_min_samples = std::max(1, params_.length_min_samples);
}

void Tracker::Predict(State& s) const {
  const float q = params_.process_accel_px * params_.process_accel_px;
  for (Axis* a : {&s.x, &s.y}) {
    if (s.misses > 0) a->v *= params_.lost_velocity_damping;
    a->p += a->v;
    // P = F P F' + Q with F = [1 1; 0 1], Q = q [1/4 1/2; 1/2 1].
    float pp = a->pp + 2 * a->pv + a->vv + q / 4;
    float pv = a->pv + a->vv + q / 2;
    float vv = a->vv + q;
    a->pp = pp;
    a->pv = pv;
    a->vv = vv;
  }
}

void Tracker::Correct(State& s, const Detection& d, int frame) {
  const float r = std::max(params_.measurement_px * params_.measurement_px, measured_noise_var_);
  cv::Point2f c = Centre(d.box);
  float z[2] = {c.x, c.y};
  Axis* axes[2] = {&s.x, &s.y};
  for (int i = 0; i < 2; ++i) {
    Axis* a = axes[i];
    float innov = z[i] - a->p;
    float sden = a->pp + r;
    float kp = a->pp / sden, kv = a->pv / sden;
    a->p += kp * innov;
    a->v += kv * innov;
    float pp = (1 - kp) * a->pp;
    float pv = (1 - kp) * a->pv;
    float vv = a->vv - kv * a->pv;
    a->pp = pp;
    a->pv = pv;
    a->vv = vv;
  }
  s.w = (1 - kSizeSmoothing) * s.w + kSizeSmoothing * d.box.width;
  s.h = (1 - kSizeSmoothing) * s.h + kSizeSmoothing * d.box.height;
  s.hits++;
  s.misses = 0;
  s.last_frame = frame;
  s.score_sum += d.score;
  RecordLength(s, d);
  s.tracklet.observations.push_back(TrackObservation{frame, d.box, d.score, d.length_px, d.full_length_px});
  if (s.state == TrackState::kNew && s.hits >= params_.min_hits) {
    s.state = TrackState::kTracked;
    s.tracklet.confirmed = true;
  } else if (s.state == TrackState::kLost) {
    s.state = TrackState::kTracked;
  }
}

void Tracker::RecordLength(State& s, const Detection& d) {
  if (d.length_px <= 0) return;
  const float l = std::log(d.length_px);
  s.lengths++;
  s.log_length += std::max(kLengthMemory, 1.0f / s.lengths) * (l - s.log_length);
}

float Tracker::LengthCost(const State& s, const Detection& d) const {
  if (params_.length_cost <= 0 || d.length_px <= 0 || s.lengths < params_.length_min_samples) return 0;
  const float log_ratio = std::abs(std::log(d.length_px) - s.log_length);
  return params_.length_cost * std::max(0.0f, log_ratio - params_.length_tolerance);
}

float Tracker::BaseGate(const State& s) const {
  return std::max({params_.min_gate_px, params_.gate_size_factor * std::max(s.w, s.h), noise_gate_px_});
}

float Tracker::Gate(const State& s) const {
  const float base = BaseGate(s);
  if (s.misses <= 1) return base;
  float speed = std::hypot(s.x.v, s.y.v);
  float grown = base + (s.misses - 1) * (params_.lost_gate_growth_px + speed);
  return std::min(grown, base * params_.max_lost_gate_factor);
}

float Tracker::PredictionError(const State& s, const Detection& d) const {
  const cv::Point2f c = Centre(d.box);
  return std::hypot(c.x - s.x.p, c.y - s.y.p);
}

float Tracker::Cost(const State& s, const Detection& d) const {
  const float dist = PredictionError(s, d);
  if (dist > Gate(s)) return kUnmatchable;
  // The distance in units of the track's base gate, not its widened lost
  // gate: a lost track must not look closer than a tracked one because
  // its gate grew (it then took the detections of a fish another track
  // was following, and the two alternated on one fish). Tracks seen
  // recently are preferred over long-lost ones at equal distance, and
  // a detection of the track's length over one much longer or shorter.
  return dist / BaseGate(s) + 0.02f * std::min(s.misses, 10) + LengthCost(s, d);
}

void Tracker::RecordPredictionError(const State& s, const Detection& d) {
  const float error = PredictionError(s, d);
  if (prediction_errors_.size() < static_cast<size_t>(params_.noise_samples)) {
    prediction_errors_.push_back(error);
  } else {
    prediction_errors_[next_error_] = error;
    next_error_ = (next_error_ + 1) % prediction_errors_.size();
  }
}

Tracker::State Tracker::Start(const Detection& d, int frame) {
  State s;
  s.id = next_id_++;
  cv::Point2f c = Centre(d.box);
  const float r = params_.measurement_px * params_.measurement_px;
  const float v0 = std::max(params_.min_gate_px, std::max(d.box.width, d.box.height)) / 4;
  s.x = Axis{c.x, 0, r, 0, v0 * v0};
  s.y = Axis{c.y, 0, r, 0, v0 * v0};
  s.w = d.box.width;
  s.h = d.box.height;
  s.hits = 1;
  s.last_frame = frame;
  s.score_sum = d.score;
  RecordLength(s, d);
  s.tracklet.id = s.id;
  s.tracklet.observations.push_back(TrackObservation{frame, d.box, d.score, d.length_px, d.full_length_px});
  if (params_.min_hits <= 1) {
    s.state = TrackState::kTracked;
    s.tracklet.confirmed = true;
  }
  return s;
}

std::vector<Track> Tracker::Update(int frame, std::span<const Detection> detections) {
  // Advance every track by the frames elapsed (frames may be skipped).
  int steps = last_frame_ == 0 ? 1 : std::max(1, frame - last_frame_);
  last_frame_ = frame;
  detections_by_frame_[frame] = static_cast<int>(
      std::count_if(detections.begin(), detections.end(),
                    [&](const Detection& d) { return d.score >= params_.low_score; }));
  for (State& s : active_) {
    for (int k = 0; k < steps; ++k) Predict(s);
  }

  std::vector<int> high, low;
  for (int i = 0; i < static_cast<int>(detections.size()); ++i) {
    if (detections[i].score >= params_.high_score) high.push_back(i);
    else if (detections[i].score >= params_.low_score) low.push_back(i);
  }

  std::vector<char> track_matched(active_.size(), 0);
  std::vector<char> det_used(detections.size(), 0);

  auto match = [&](const std::vector<int>& track_idx, const std::vector<int>& det_idx) {
    if (track_idx.empty() || det_idx.empty()) return;
    std::vector<double> cost(track_idx.size() * det_idx.size());
    for (size_t t = 0; t < track_idx.size(); ++t) {
      for (size_t k = 0; k < det_idx.size(); ++k) {
        cost[t * det_idx.size() + k] = Cost(active_[track_idx[t]], detections[det_idx[k]]);
      }
    }
    for (auto [t, k] : SolveAssignment(cost, static_cast<int>(track_idx.size()),
                                       static_cast<int>(det_idx.size()), kUnmatchable / 2)) {
      State& s = active_[track_idx[t]];
      // The prediction error one frame ahead: the detector's jitter, the
      // fish's turns and, for a track one hit old, its still unknown
      // velocity (the gate of young tracks must hold that too; leaving
      // them out kept the gate at its floor through the first frames and
      // broke tracks of jittery centre points there).
      if (s.misses == 0 && steps == 1) RecordPredictionError(s, detections[det_idx[k]]);
      const bool followed_a_reacquisition = s.before_reacquire.has_value();
      s.before_reacquire.reset();
      if (!followed_a_reacquisition && params_.reacquire_confirm_misses > 0 && s.state == TrackState::kLost &&
          s.misses >= params_.reacquire_confirm_misses) {
        s.before_reacquire = static_cast<const Estimate&>(s);
        s.reacquired_frame = frame;
      }
      Correct(s, detections[det_idx[k]], frame);
      track_matched[track_idx[t]] = 1;
      det_used[det_idx[k]] = 1;
    }
  };

  // Stage 1: confident detections against every live track, confirmed first
  // so that a tentative track cannot steal a confirmed fish's detection.
  std::vector<int> confirmed, tentative;
  for (int t = 0; t < static_cast<int>(active_.size()); ++t) {
    (active_[t].state == TrackState::kNew ? tentative : confirmed).push_back(t);
  }
  match(confirmed, high);
  std::vector<int> high_left;
  for (int i : high) if (!det_used[i]) high_left.push_back(i);
  match(tentative, high_left);

  // Stage 2: weak detections keep recently tracked fish alive (ByteTrack).
  std::vector<int> recent;
  for (int t : confirmed) {
    if (!track_matched[t] && active_[t].misses == 0) recent.push_back(t);
  }
  match(recent, low);

  // Unmatched tracks age; stale ones leave the active set.
  std::vector<State> kept;
  kept.reserve(active_.size());
  for (size_t t = 0; t < active_.size(); ++t) {
    State& s = active_[t];
    if (!track_matched[t] && s.before_reacquire) UndoReacquire(s, frame);
    if (!track_matched[t]) {
      s.misses += steps;
      if (s.state == TrackState::kTracked) s.state = TrackState::kLost;
    }
    bool drop = (s.state == TrackState::kNew && s.misses > params_.max_tentative_misses) ||
                (s.state == TrackState::kLost && s.misses > params_.max_lost_frames);
    if (drop) {
      s.state = TrackState::kRemoved;
      finished_.push_back(std::move(s.tracklet));
    } else {
      kept.push_back(std::move(s));
    }
  }
  active_ = std::move(kept);

  for (int i : high) {
    if (!det_used[i] && detections[i].score >= params_.new_track_score) {
      active_.push_back(Start(detections[i], frame));
    }
  }

  // The position noise of this footage and detector, for the next gates.
  if (prediction_errors_.size() >= static_cast<size_t>(params_.noise_min_samples)) {
    const float median = UpperMedian(prediction_errors_);
    // Not capped: where fish move unpredictably in the image (detections
    // from a moving camera without motion compensation) the errors are
    // large, and a 60-px cap broke the tracks of a sweep (noisy ground
    // truth 148 fish: 114 -> 214 counted).
    noise_gate_px_ = params_.noise_gate_factor * median;
    // The per-axis sigma of a 2D Gaussian error whose distance has this
    // median (Rayleigh: median = 1.1774 sigma): the Kalman filter's
    // measurement noise, so a jittery detector does not steer velocities.
    const float sigma = median / 1.1774f;
    measured_noise_var_ = sigma * sigma;
  }

  std::vector<Track> out;
  for (const State& s : active_) {
    if (s.state != TrackState::kTracked || s.misses != 0) continue;
    cv::Rect2f box(s.x.p - s.w / 2, s.y.p - s.h / 2, s.w, s.h);
    out.push_back(Track{s.id, s.state, box, s.score_sum / std::max(1, s.hits), s.hits});
  }
  return out;
}

void Tracker::UndoReacquire(State& s, int frame) const {
  static_cast<Estimate&>(s) = *s.before_reacquire;
  s.before_reacquire.reset();
  s.tracklet.observations.pop_back();
  s.misses += 1;  // the re-acquiring frame; the caller counts this one
  for (int f = s.reacquired_frame; f < frame; ++f) Predict(s);
}

std::vector<Tracklet> Tracker::Tracklets() const {
  std::vector<Tracklet> all = finished_;
  for (const State& s : active_) {
    all.push_back(s.tracklet);
    // A re-acquisition in the last frame was never followed.
    if (s.before_reacquire) all.back().observations.pop_back();
  }
  std::sort(all.begin(), all.end(), [](const Tracklet& a, const Tracklet& b) { return a.id < b.id; });
  return all;
}

}  // namespace sturgeon::vision
