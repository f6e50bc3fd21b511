// Synthetic drone footage of sturgeon pools with exact ground truth (issue 4).
//
// RunSimulation renders one scenario of the suite (see scenario.h) and writes
// into `out_dir`:
//   video.mp4      H.264 (yuv420p), `fps` frames per second;
//   gt.txt         MOTChallenge lines `frame,id,left,top,width,height,
//                  visibility,-1,-1,-1`, frames 1-based, one line per fish
//                  with at least one body pixel in the frame; the box covers
//                  the whole body (occluded parts too), clipped to the frame;
//                  visibility = unoccluded share of the body x depth clarity;
//   gt.json        true count, each fish (id, length cm, weight g), pool
//                  geometry, altitude, HFOV, GSD, frame size, fps, seed;
//   telemetry.srt  DJI-style subtitles, one block per frame.
//
// Determinism: the same options give byte-identical gt.txt, gt.json and
// telemetry.srt and identical rendered frames (SimSummary::frame_hashes).
// The ffmpeg encoder runs with a fixed thread count, so video.mp4 is
// reproducible on one machine too.
//
// Thread-safety: RunSimulation may be called from several threads at once
// with different out_dir; it uses cv::parallel_for_ internally.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "sim/scenario.h"

namespace sturgeon::sim {

enum class EncoderKind {
  kAuto,      // the ffmpeg program if on PATH (fast), else OpenCV's writer
  kFfmpeg,    // pipe raw frames to `ffmpeg -c:v libx264`
  kOpenCv,    // cv::VideoWriter, FFmpeg backend, fourcc avc1
  kNone,      // render only, write no video.mp4 (benchmarks, tests)
};

struct SimOptions {
  std::string scenario;
  std::string out_dir;
  uint64_t seed = 1;
  std::optional<int> frames;  // default: the scenario's
  std::optional<int> width;   // default: the scenario's; even, 64..7680
  std::optional<int> height;  // default: the scenario's; even, 64..4320
  EncoderKind encoder = EncoderKind::kAuto;
  bool keep_frame_hashes = true;
  // 1-based frames also written as out_dir/frame_NNNNN.png (lossless).
  std::vector<int> png_frames;
};

struct SimSummary {
  std::string scenario;
  int frames = 0;
  int width = 0;
  int height = 0;
  double fps = 0.0;
  int true_count = 0;
  double altitude_m = 0.0;
  double gsd_m_per_px = 0.0;
  int gt_lines = 0;
  std::string encoder;  // "ffmpeg", "opencv" or "none"
  double render_seconds = 0.0;
  double total_seconds = 0.0;
  std::vector<uint64_t> frame_hashes;  // FNV-1a of each rendered BGR frame
};

// Names of the suite's scenarios, easiest first.
std::vector<std::string> ScenarioNames();

// Checks the options without rendering: InvalidArgument for an unknown
// scenario (the message lists the valid names), frames <= 0, or a bad size.
Status ValidateOptions(const SimOptions& options);

// Renders and writes the footage. Errors: InvalidArgument as ValidateOptions;
// IOError if out_dir cannot be created or written; FailedPrecondition if no
// H.264 encoder can be opened.
Result<SimSummary> RunSimulation(const SimOptions& options);

// Parses "WxH" (e.g. "1920x1080"); InvalidArgument otherwise.
Result<std::pair<int, int>> ParseFrameSize(const std::string& text);

// Horizontal field of view in degrees for a 35 mm-equivalent focal length:
// 2*atan(36 / (2 f)).
double HorizontalFovDeg(double focal_len_mm);

// Ground sampling distance in metres per pixel for a nadir camera:
// 2*A*tan(HFOV/2) / width.
double GroundSamplingDistance(double altitude_m, double hfov_deg, int width_px);

// Default length-weight relation W = a*L^b (L in cm, W in g).
inline constexpr double kLengthWeightA = 0.0035;
inline constexpr double kLengthWeightB = 3.1;
double WeightFromLength(double length_cm);

}  // namespace sturgeon::sim
