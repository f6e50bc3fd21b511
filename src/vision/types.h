// Value types that flow between the stages of the drone counting pipeline:
// source -> detect -> track -> count -> measure. They are plain values with
// no ownership of images, so every stage after detection runs without video.
#pragma once

#include <cstdint>
#include <vector>

#include <opencv2/core/types.hpp>

namespace sturgeon::vision {

// The centre of a box.
inline cv::Point2f Centre(const cv::Rect2f& box) { return {box.x + box.width / 2, box.y + box.height / 2}; }

// One object found in one frame. `box` is in pixels (image or world
// coordinates, as the producing stage documents); `score` is in [0, 1].
struct Detection {
  cv::Rect2f box;
  float score = 1.0f;
  // Oriented body length along the major axis in pixels, when the detector
  // measured it; 0 when unknown (a file without the 11th field, a fish
  // split off a clump). The counter reads it as shape evidence: the body's
  // ends are followed only while they stand well out of the noise.
  float length_px = 0.0f;
  // The body length for size estimates: each end's contrast profile
  // extrapolated to zero (a faint, tapering tail measured to its tip;
  // detect/body_length.h). 0: not measured (a fish split off a clump, ends
  // that could not be read, a file without the 12th field); sizes leave
  // such a sighting out.
  float full_length_px = 0.0f;
};

// One row of a MOTChallenge file: a detection (id = -1), a ground-truth box
// (score = visibility) or a track box. `length_px` and `full_length_px`
// are Sturgeon's 11th and 12th columns, the detector's body lengths (see
// Detection; 0 = not measured).
struct MotRecord {
  int frame = 0;  // 1-based
  int id = -1;
  cv::Rect2f box;
  float score = 1.0f;
  float length_px = 0.0f;
  float full_length_px = 0.0f;
};

// A track's life. kNew: tentative, not yet confirmed by enough hits.
// kTracked: confirmed and matched in the latest frame. kLost: confirmed but
// unmatched for a while; may be re-identified. kRemoved: finished.
enum class TrackState : uint8_t { kNew, kTracked, kLost, kRemoved };

// One observation of a track in one frame.
struct TrackObservation {
  int frame = 0;
  cv::Rect2f box;
  float score = 1.0f;
  float length_px = 0.0f;       // as Detection
  float full_length_px = 0.0f;  // as Detection
};

// A track as reported by the tracker after each frame.
struct Track {
  int id = 0;
  TrackState state = TrackState::kNew;
  cv::Rect2f box;  // the latest matched (or predicted, when lost) box
  float score = 0.0f;
  int hits = 0;
};

// The whole life of one track, kept for counting and stitching.
struct Tracklet {
  int id = 0;
  bool confirmed = false;
  std::vector<TrackObservation> observations;  // ordered by frame

  int FirstFrame() const { return observations.front().frame; }
  int LastFrame() const { return observations.back().frame; }
};

}  // namespace sturgeon::vision
