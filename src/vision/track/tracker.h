// Multi-object tracker for fish seen from above: ByteTrack-style two-stage
// association with a constant-velocity Kalman filter per track.
//
// The tracker needs no images: it consumes detections (in whatever
// coordinate frame the caller chooses; the pipeline passes camera-motion
// compensated world coordinates so a fish keeps its position when the drone
// drifts) and returns tracks.
//
// Association uses centre distance normalised by a gate, not IoU, so that
// tiny boxes (detectors that give only centre points) and fast fish still
// match. The gate is the largest of `min_gate_px`, `gate_size_factor`
// times the track's box size, and the footage's measured position noise:
// `noise_gate_factor` times the median distance between a tracked fish's
// predicted and detected positions over the recent matches (a jittery
// detector, or centre points that carry no size, widen it; a clean one
// keeps it tight). It widens while a track is lost.
//
// Where the detector measures body lengths (`Detection::length_px`), the
// cost also holds how far a detection's length is from the track's: a
// running mean of the logarithms of the lengths it was matched to. Fish in
// a crowd are as close as the gate, and a fish half as long as the one a
// track follows is seldom that fish; a length differing by more than
// `length_tolerance` (as a log ratio: 0.1 is about 10%, the measurement's
// own wobble) costs `length_cost` per unit of log ratio beyond it. It is a
// cost, not a gate: a fish whose measured length jumps (bending, a
// neighbour's body joining its blob) is still matched when nothing closer
// is there. Detections without a length (clump pieces, centre points, a
// detections file without the length column) are matched on position
// alone.
//
// Life cycle (TrackState): a track is born kNew from a confident unmatched
// detection, becomes kTracked after `min_hits` hits (so single-frame false
// positives never become tracks), turns kLost when unmatched, is
// re-identified from kLost within `max_lost_frames`, and then is kRemoved.
// A kNew track that misses more than `max_tentative_misses` frames is
// dropped. Longer gaps (dives, leaving the view) are bridged offline by the
// counter's stitching, which sees every tracklet.
//
// Re-acquisition on probation (`reacquire_confirm_misses`, off by
// default): a lost track's gate is wide, and where a detector's clutter is
// scattered over the frame a lone false detection falls in it every few
// frames. Matched to one, the track moved there with its misses reset, and
// hopping from one to the next it wandered onto another fish's path and
// took turns with that fish's track (two counted fish). So a track lost for
// at least that many frames that is matched again keeps the estimate it
// had; if it is not matched in the next frame as well, the match is undone
// (the detection dropped, the old estimate carried forward) and the track
// stays lost. A fish that reappears is detected again in the next frame.
//
// Two kinds of detector, two settings. Sturgeon's own detector finds blobs:
// a fish seen in part has its centre jump by up to half a body, and its
// misses come in runs (hidden under glare or a neighbour); it needs the
// gate scaled by the fish's size, and a lone re-acquiring detection is as
// often its fish coming back as clutter (on the video suites probation cost
// more fish than the spurious tracks it removed). A detector of whole fish
// (a box or a point per fish, scattered misses and clutter: a farm's own)
// has steady centres; its gate takes half the share of the box size (the
// measured noise sets the rest), and its re-acquisitions go on probation:
// `ForWholeFishDetections`.
//
// Not thread-safe; one tracker per video.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <vector>

#include "vision/types.h"

namespace sturgeon::vision {

struct TrackerParams {
  float high_score = 0.5f;       // first-stage detections
  float low_score = 0.1f;        // second stage: low..high, matched to tracked tracks only
  float new_track_score = 0.5f;  // an unmatched detection this confident starts a track
  float min_gate_px = 12.0f;
  float gate_size_factor = 0.6f;   // x max(width, height) of the track's box
  float lost_gate_growth_px = 1.5f;  // per missed frame, plus the track's speed
  float max_lost_gate_factor = 4.0f;  // the lost gate is capped at this x the base gate
  int min_hits = 3;
  int max_tentative_misses = 1;
  int max_lost_frames = 30;
  float process_accel_px = 0.6f;   // Kalman process noise (px / frame^2)
  float measurement_px = 1.5f;     // Kalman measurement noise (px)
  float lost_velocity_damping = 0.9f;  // velocity kept per missed frame
  // Measured noise: gate >= this x the median prediction error of tracks
  // matched in consecutive frames, over the last `noise_samples` matches
  // (for 2D Gaussian errors the median distance is 1.18 sigma, so 3 x
  // median is 3.5 sigma: about 1 in 500 of a fish's own detections falls
  // outside). Used once `noise_min_samples` are in. The same sigma is the
  // Kalman filter's measurement noise when it exceeds `measurement_px`,
  // so a jittery detector does not steer the velocities.
  float noise_gate_factor = 3.0f;
  int noise_samples = 400;
  int noise_min_samples = 30;
  // The length cue (see the file comment): cost per unit of |log(detected
  // / track length)| beyond the tolerance, once the track has
  // `length_min_samples` measured lengths. `length_cost` 0 switches the
  // cue off.
  float length_cost = 1.0f;
  float length_tolerance = 0.1f;
  int length_min_samples = 2;
  // Re-acquisition on probation (see the file comment): a track lost for
  // at least this many frames and matched again is confirmed only by a
  // match in the next frame too. 0: off.
  int reacquire_confirm_misses = 0;
};

// `base` set for a detector of whole fish (see the file comment): the gate
// from the measured noise with a smaller share of the box size, and
// re-acquisitions on probation after two missed frames.
TrackerParams ForWholeFishDetections(TrackerParams base);

class Tracker {
 public:
  explicit Tracker(TrackerParams params = {});

  // Feeds the detections of frame `frame` (frames must increase). Returns
  // the confirmed tracks matched in this frame (state kTracked).
  std::vector<Track> Update(int frame, std::span<const Detection> detections);

  // Every track that was ever started, in order of creation, including
  // unconfirmed ones (confirmed = false). Call after the last Update.
  std::vector<Tracklet> Tracklets() const;

  // How many detections each frame fed to Update held that a track could
  // take (score >= low_score; frames with none included), by frame.
  const std::map<int, int>& DetectionsByFrame() const { return detections_by_frame_; }

  const TrackerParams& params() const { return params_; }

 private:
  struct Axis {
    float p = 0, v = 0;
    float pp = 0, pv = 0, vv = 0;  // covariance
  };
  // What a track knows of its fish.
  struct Estimate {
    TrackState state = TrackState::kNew;
    Axis x, y;
    float w = 0, h = 0;
    int hits = 0;
    int last_frame = 0;
    int misses = 0;  // consecutive frames without a match
    float score_sum = 0;
    // Mean log(length_px) of the detections matched with a length; after
    // the first five a running mean, each new one weighing 20%, so a fish
    // whose blob was a piece for a while comes back to its length.
    float log_length = 0;
    int lengths = 0;
  };
  struct State : Estimate {
    int id = 0;
    Tracklet tracklet;
    // A re-acquisition on probation: the estimate before it, and its frame.
    std::optional<Estimate> before_reacquire;
    int reacquired_frame = 0;
  };

  void Predict(State& s) const;
  void Correct(State& s, const Detection& d, int frame);
  float BaseGate(const State& s) const;  // the gate of a track seen in the last frame
  float Gate(const State& s) const;       // BaseGate, widened while the track is lost
  float PredictionError(const State& s, const Detection& d) const;  // detection centre to prediction (px)
  void RecordPredictionError(const State& s, const Detection& d);
  static void RecordLength(State& s, const Detection& d);
  float LengthCost(const State& s, const Detection& d) const;
  float Cost(const State& s, const Detection& d) const;
  State Start(const Detection& d, int frame);
  // Undoes a re-acquisition on probation that the frame `frame` did not
  // follow: the estimate from before it, carried forward to `frame`.
  void UndoReacquire(State& s, int frame) const;

  TrackerParams params_;
  std::vector<State> active_;
  std::vector<Tracklet> finished_;
  int next_id_ = 1;
  int last_frame_ = 0;
  std::map<int, int> detections_by_frame_;
  std::vector<float> prediction_errors_;  // ring buffer of recent prediction errors (px)
  size_t next_error_ = 0;
  float noise_gate_px_ = 0;  // from prediction_errors_, refreshed every frame
  float measured_noise_var_ = 0;  // per-axis position variance implied by prediction_errors_
};

}  // namespace sturgeon::vision
