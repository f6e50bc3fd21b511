// The drone counting pipeline: source -> detect -> track -> count -> measure.
//
// RunCount decodes the footage (or reads detections made elsewhere), finds
// fish in every frame, tracks them in camera-motion-compensated world
// coordinates, stitches tracklets into fish, counts them with a 95%
// interval, and, when the altitude is known, measures their lengths and
// biomass. Optional outputs: MOTChallenge tracks, an annotated video or a
// snapshot with every counted fish boxed and numbered.
//
// Errors (Status): unreadable, corrupt or truncated video (Corruption or
// NotFound), malformed detection or telemetry files (InvalidArgument with
// file:line), bad options (InvalidArgument), unwritable outputs (IOError).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>
#include <opencv2/core/types.hpp>

#include "core/status.h"
#include "vision/count/counter.h"
#include "vision/detect/detector.h"
#include "vision/measure/measure.h"
#include "vision/track/tracker.h"

namespace sturgeon::vision {

struct CountOptions {
  std::string video_path;       // optional when detections_path is set
  std::string detections_path;  // MOTChallenge det file; skips detection
  std::string srt_path;
  double altitude_m = 0;  // with hfov_deg, used when there is no SRT
  double hfov_deg = 0;
  std::vector<cv::Point2f> roi;  // polygon in image pixels; empty = find the pool
  int max_frames = 0;            // 0 = all
  TrackerParams tracker;
  CounterParams counter;
  DetectorParams detector;
  LengthWeight length_weight;
  std::string tracks_path;    // MOTChallenge tracks out
  // The detector's raw detections (image pixels, id -1, every frame) out,
  // in the format `detections_path` reads: a run can be re-tracked without
  // the video, and a person can see what the detector found.
  std::string detections_out_path;
  std::string annotate_path;  // annotated video out
  std::string snapshot_path;  // annotated PNG out
  // Called after each decoded frame with the frames counted so far and the
  // total the container declares (0 if it declares none). Optional.
  std::function<void(int frames_done, int frames_total)> on_frame;
};

struct CountReport {
  CountResult result;
  int frames = 0;
  int width = 0, height = 0;
  double seconds = 0;
  double processing_fps = 0;
  bool camera_motion_compensated = false;
  std::optional<SizeReport> sizes;
  std::vector<cv::Point2f> roi;
};

Result<CountReport> RunCount(const CountOptions& options);

// The JSON printed by `sturgeon count --json`.
nlohmann::json ReportToJson(const CountReport& report);

// Parses "x1,y1,x2,y2,..." (at least three points).
Result<std::vector<cv::Point2f>> ParseRoi(const std::string& text);

}  // namespace sturgeon::vision
