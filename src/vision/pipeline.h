// The drone counting pipeline: source -> detect -> track -> count -> measure.
//
// RunCount decodes the footage (or reads detections made elsewhere), finds
// fish in every frame, tracks them in camera-motion-compensated world
// coordinates, stitches tracklets into fish, counts them with a 95%
// interval, and, when the altitude is known, measures their lengths and
// biomass. Optional outputs: MOTChallenge tracks, an annotated video or a
// snapshot with every counted fish boxed and numbered and the counted area
// (the pool found, or the --roi) outlined.
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
#include <opencv2/core/matx.hpp>
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
  // The pool's polygon, in first-frame (world) pixels on a video run and
  // in the file's pixels with --detections; empty = find the pool.
  std::vector<cv::Point2f> roi;
  // 0 = all. A replay of `detections_path` runs over as many frames as
  // the VIDEO declares when it is given, else this many when given, else
  // up to the last frame with a detection; never past this.
  int max_frames = 0;
  TrackerParams tracker;
  CounterParams counter;
  DetectorParams detector;
  LengthWeight length_weight;
  std::string tracks_path;    // MOTChallenge tracks out
  // Every tracklet, counted or not, with its fate (TrackletFate) out: a CSV
  // with a header, one row an observation, image pixels.
  std::string tracklets_path;
  // The detector's raw detections (image pixels, id -1, every frame) out,
  // in the format `detections_path` reads: a run can be re-tracked without
  // the video, and a person can see what the detector found. Held
  // detections the pool found later dropped (pipeline.cc, kMaxHeldFrames)
  // are not written.
  std::string detections_out_path;
  // The detector's blob audit (detector.h, BlobFate) out: every blob it
  // measured in every frame and what it made of it, so a person can see
  // why a fish in view gave no detection. A CSV with the header
  // `frame,fate,polarity,centre_x,centre_y,angle_deg,length_px,width_px,contrast`
  // (polarity `dark` or `pale`; image pixels; contrast in units of the
  // polarity's threshold), written as the frames are detected: a path
  // that cannot be written fails the count before the first frame.
  // Video runs only.
  std::string blob_fates_path;
  // Called after each frame (1-based) is detected, with the detector, its
  // blob audit on (Detector::LastBlobs, BlobUnder). Optional; video runs
  // only.
  std::function<void(int frame, const Detector& detector)> on_detected;
  std::string annotate_path;  // annotated video out
  std::string snapshot_path;  // annotated PNG out
  // Called after each decoded frame with the frames counted so far and the
  // total the container declares (0 if it declares none). Optional.
  std::function<void(int frames_done, int frames_total)> on_frame;
};

// Camera motion checked against the drone's GPS, frame by frame: how far
// the GPS puts the drone from its first position, and how far the
// image-based camera motion moved the world point under the image centre
// (world pixels are the first frame's, so x the first frame's GSD). Only
// when the SRT has a fix per block, about one block per frame the video
// declares (DJI files with a block a second are not checked), and a GSD.
// They agree at a frame when they differ by at most
// max(kCameraCheckToleranceM, kCameraCheckShare x the larger); the report
// keeps the frame where they disagree most (CameraMotionExcessM largest),
// so `agrees` holds for the whole clip. When they do not agree, the fish
// were tracked in a wrong world frame (the motion followed a layer that
// does not move with the pool, or the footage is featureless water) and
// the count is not to be trusted.
inline constexpr double kCameraCheckToleranceM = 3.0;  // consumer GPS wanders a metre or two
inline constexpr double kCameraCheckShare = 0.3;
struct CameraMotionCheck {
  int frame = 0;  // 1-based
  double gps_travel_m = 0;
  double image_travel_m = 0;
  bool agrees = true;
};
// |image - GPS travel| beyond the tolerance (metres; <= 0: they agree).
double CameraMotionExcessM(const CameraMotionCheck& check);

// The part of the view that was counted from `first_frame` (1-based) until
// the next area's first frame: a detection whose centre lies outside it
// (its blob's centre against the pool, its box's against a --roi) is not a
// fish of this pool. Without --roi it is the pool found at the centre of
// the view (FindPoolMask's hull, looked for every few frames, kept
// consistent by PoolMask): the outline of its mask brought to the frame's
// size as the detector reads it, simplified within a pixel, in image
// pixels of that frame. When the first looks all may have leaked over a
// wall and the detections were held until a look found the pool (see
// pipeline.cc, kMaxHeldFrames), that pool, in its own frame's pixels, is
// the first area, from frame 1; a held detection out of that frame's view
// was kept, though it lies outside the outline as drawn.
// With --roi it is the polygon, in the pixels the ROI is given in: the
// first frame's (world coordinates, which follow the camera's motion) on
// a video run, the file's on a --detections run. An outline of fewer than
// three points is the whole frame (no pool found yet).
struct CountedArea {
  int first_frame = 1;
  std::vector<cv::Point2f> outline;
  bool first_frame_pixels = false;  // the outline is a video run's --roi (world coordinates)
};

// The outline of `area` in the image of a frame whose world-to-image
// transform is `image_from_world`: a video run's --roi (first-frame
// pixels) moves with the camera; every other outline is already in image
// pixels and is returned as it is.
std::vector<cv::Point2f> OutlineInImage(const CountedArea& area, const cv::Matx33d& image_from_world);

// Whether point `p` of frame `frame`, in the pixels of the area in effect
// there (see CountedArea), lies in it (`areas` in order of first_frame).
// A frame before the first area, no areas at all (a --detections run
// without --roi), or an outline of fewer than three points: the whole
// frame.
bool InCountedArea(const std::vector<CountedArea>& areas, int frame, cv::Point2f p);

struct CountReport {
  CountResult result;
  int frames = 0;
  int width = 0, height = 0;
  double seconds = 0;
  double processing_fps = 0;
  bool camera_motion_compensated = false;
  // A replay of a detections file without Sturgeon's length column: a
  // detector of whole fish, tracked with ForWholeFishDetections.
  bool whole_fish_detections = false;
  // Video with an SRT that has GPS fixes and an altitude: the check above.
  std::optional<CameraMotionCheck> camera_check;
  std::optional<SizeReport> sizes;
  // What was counted, frame by frame: one entry per change of the area
  // (annotations outline it; a benchmark can tell the fish it left out).
  std::vector<CountedArea> counted_areas;
  // The mean share of the pool that saturated glare (and its halo) hid in
  // a frame (of the whole frame until a pool is found; 0 with an ROI and
  // for a detections-only run, so a replay of a run's detections has the
  // counter's count_high without it). No fish is found under glare, so
  // count_high allows for as many more as the pool holds there at the
  // density counted elsewhere: `obscured_fish` = count x share / (1 -
  // share), rounded (the share taken at most 0.9), is added to the
  // counter's count_high. `count` is what was seen.
  double obscured_share = 0;
  int obscured_fish = 0;
  // The detections no counted fish took (MeasureUnexplainedDetections):
  // `unexplained.fish` is added to count_high too, as fish the counter may
  // have no track of.
  UnexplainedDetections unexplained;
  // What the detector dropped and no detection claimed
  // (Detector::UnclaimedFishAreas: clumps too loose to split, such as a
  // school joined into one network, and pieces too short for a fish), the
  // median over the frames in fish areas. `unclaimed_fish`, that rounded,
  // is added to count_high as fish the detector may never have made out
  // (0 with an ROI, whose detector sees the whole frame, and for a
  // detections-only run; frames held while the first look at the pool
  // had leaked over a wall are left out once the pool is found).
  double unclaimed_fish_areas = 0;
  int unclaimed_fish = 0;
  // The counted fish seen least (MeasureRarelySightedFish):
  // `rarely_sighted.fish` is subtracted from count_low (at least 0), as
  // counted fish that may be on no fish.
  RarelySightedFish rarely_sighted;
  // The detector's typical fish length after the last frame, in image
  // pixels (0 for a detections-only run): every size-relative rule of the
  // detector is set from it (a diagnostic; sizes come from `sizes`).
  float learnt_fish_length_px = 0;
  // The footage's frame-to-frame noise (the detector's sigma at its working
  // scale, grey levels; 0 where it was never measured: a camera that never
  // held still, a detections-only run) and the frames detected on the mean
  // of the last still frames because of it (detector.h,
  // DetectorParams::still_mean_frames; diagnostics).
  float frame_noise_sigma = 0;
  int averaged_frames = 0;
};

Result<CountReport> RunCount(const CountOptions& options);

// The JSON printed by `sturgeon count --json`.
nlohmann::json ReportToJson(const CountReport& report);

// One line for a person reading the plain output when glare hid part of
// the pool and the interval allows for fish there ("glare: hid 19% of the
// pool; the interval allows for 14 fish there"); empty otherwise.
std::string GlareNote(const CountReport& report);

// One line when detections no counted fish took widened the interval
// ("unexplained: 5.4 detections a frame in no counted fish; the interval
// allows for 7 fish they may be"); empty otherwise.
std::string UnexplainedNote(const CountReport& report);

// One line when blobs the detector dropped and no detection claimed
// widened the interval ("unclaimed: 12.3 fish areas a frame in loose
// clumps and pieces no detection claims; the interval allows for 12 fish
// there"); empty otherwise.
std::string UnclaimedNote(const CountReport& report);

// One line when rarely sighted counted fish widened the interval down
// ("rarely sighted: 23 counted fish were sighted in under 0.44 of their
// frames (0.5 x the median counted fish's 0.88); the interval allows that
// they are on no fish"); empty otherwise.
std::string RarelySightedNote(const CountReport& report);

// The lines a person reading the plain output is told about the
// interval's allowances: GlareNote's, UnexplainedNote's and
// RarelySightedNote's, the empty ones left out.
std::vector<std::string> IntervalNotes(const CountReport& report);

// Parses "x1,y1,x2,y2,..." (at least three points).
Result<std::vector<cv::Point2f>> ParseRoi(const std::string& text);

}  // namespace sturgeon::vision
