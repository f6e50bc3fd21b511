#include "vision/pipeline.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <future>
#include <map>
#include <optional>
#include <sstream>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "core/order_statistics.h"
#include "vision/detect/image_ops.h"
#include "vision/detect/scene.h"
#include "vision/io/mot_io.h"
#include "vision/source/video_source.h"
#include "vision/track/camera_shift.h"

namespace sturgeon::vision {
namespace {

constexpr const char* kBlobAuditHeader = "frame,fate,polarity,centre_x,centre_y,angle_deg,length_px,width_px,contrast";

// A frame's rows of the blob audit (CountOptions::blob_fates_path).
std::string FormatBlobAudit(int frame, const std::vector<BlobRecord>& blobs) {
  std::string out;
  for (const BlobRecord& b : blobs) {
    out += fmt::format("{},{},{},{:.1f},{:.1f},{:.1f},{:.1f},{:.1f},{:.2f}\n", frame, BlobFateName(b.fate),
                       b.dark ? "dark" : "pale", b.centre.x, b.centre.y, b.angle * 180.0 / CV_PI, b.length_px,
                       b.width_px, b.contrast_ratio);
  }
  return out;
}

constexpr int kMotionWidth = 480;       // camera motion is estimated at this width
constexpr int kPoolMaskEveryFrames = 5;
// The first look at the pool has nothing to be checked against: a flood
// that crept over a wall on frame 1 was the mask until the next look, and
// the walls' and walkways' clutter in those frames was counted (the
// simulator's resting_bottom, seed 2: 45 false fish lasting exactly frames
// 1-5). So before frame 1 is detected, PoolMask is primed with the looks
// the schedule takes next (frames 6 and 11, within --frames), and the look
// on frame 1 is judged against them like any later look: taken unless it
// is more than 1.25x their pool. The other side of it: PoolMask takes a
// smaller look as it comes, so a look on frame 6 or 11 that finds too
// little of the pool now also masks frames 1-5 when frame 1's own look is
// refused, and under drift that mask is frame 11's view of the pool, a
// few pixels off for frames 1-5. The looks peek into the decoder's queue,
// which holds frames 1-11 until frame 1 is taken (68 MB at 1080p, 274 MB
// at 4K; 6 frames after): decoding them again on a second decoder added
// 0.04-0.05 s to the start of a 1080p clip.
constexpr int kPrimingLooks = 2;
// Priming is not always enough: on a 300-frame draw of the same scene
// every look on frames 1-21 crept over the wall (93-98% of the frame) and
// the first look of the pool alone came on frame 26; the clutter of the
// walkways and the empty neighbouring tanks in frames 1-25 counted 275 of
// 80 fish by frame 30. While the mask in use may have leaked
// (PoolMask::MayHaveLeaked) the frames' detections are held back from the
// tracker, at most this many frames; when a look finds a pool of a
// plausible size, the held detections whose centres lie in that frame's
// view but outside the pool are dropped, and that pool is the counted area
// from frame 1. A pool that fills the view (a sweep over a large pond)
// never looks plausible, and its frames go to the tracker as they were,
// only later.
constexpr int kMaxHeldFrames = 61;  // 2 s at 30 frames/s, and the look on frame 61
constexpr double kMaxObscuredShare = 0.9;  // the most of the pool count_high's glare allowance takes as hidden
const cv::Scalar kCountedAreaColour(255, 160, 0);  // BGR: the counted area's outline in annotations

// Whether `image_point` (full-resolution pixels of a `frame_size` frame)
// lies in the frame but outside `mask` (a CV_8U mask at any size covering
// the frame). A point out of the frame is not known to be outside.
bool InFrameOutsideMask(const cv::Mat& mask, cv::Size frame_size, cv::Point2f image_point) {
  const int x = static_cast<int>(std::floor(image_point.x * mask.cols / frame_size.width));
  const int y = static_cast<int>(std::floor(image_point.y * mask.rows / frame_size.height));
  return x >= 0 && y >= 0 && x < mask.cols && y < mask.rows && mask.at<uint8_t>(y, x) == 0;
}

cv::Rect2f MoveBox(const cv::Rect2f& r, cv::Point2f centre) {
  return {centre.x - r.width / 2, centre.y - r.height / 2, r.width, r.height};
}

cv::Point2f Apply(const cv::Matx33d& m, cv::Point2f p) {
  cv::Vec3d v = m * cv::Vec3d(p.x, p.y, 1);
  return {static_cast<float>(v[0]), static_cast<float>(v[1])};
}

// The world-to-image transform of frame `frame` (1-based), or null when
// the run kept none for it (a --detections run: no camera motion).
const cv::Matx33d* ImageFromWorldAt(const std::vector<cv::Matx33d>& image_from_world, int frame) {
  return frame >= 1 && frame - 1 < static_cast<int>(image_from_world.size()) ? &image_from_world[frame - 1] : nullptr;
}

// An observation's box in the image it was seen in (tracking runs in the
// first frame's world coordinates when the camera moves).
cv::Rect2f ImageBox(const TrackObservation& o, const std::vector<cv::Matx33d>& image_from_world) {
  const cv::Matx33d* to_image = ImageFromWorldAt(image_from_world, o.frame);
  return to_image ? MoveBox(o.box, Apply(*to_image, Centre(o.box))) : o.box;
}

// Every tracklet's observations with what the counter made of it, in
// image pixels, by frame: the audit trail of a count (`--tracklets`).
std::vector<TrackletAuditRow> TrackletAudit(const std::vector<Tracklet>& tracklets,
                                            const std::vector<TrackletVerdict>& verdicts,
                                            const std::vector<cv::Matx33d>& image_from_world) {
  std::vector<TrackletAuditRow> rows;
  for (size_t i = 0; i < tracklets.size(); ++i) {
    const TrackletVerdict& v = verdicts[i];
    for (const TrackObservation& o : tracklets[i].observations) {
      rows.push_back(TrackletAuditRow{o.frame, tracklets[i].id, v.fate, v.fish_id, ImageBox(o, image_from_world),
                                      o.score, o.length_px});
    }
  }
  std::sort(rows.begin(), rows.end(), [](const TrackletAuditRow& a, const TrackletAuditRow& b) {
    return std::tie(a.frame, a.tracklet) < std::tie(b.frame, b.tracklet);
  });
  return rows;
}

// The outline of a pool mask (CV_8U at any size covering a frame of
// `frame_size`) in image pixels: the mask brought to the frame's size with
// the nearest pixel, as the detector reads it, and the boundary of its
// largest region; empty for an empty mask (the whole frame).
std::vector<cv::Point2f> OutlineOfMask(const cv::Mat& mask, cv::Size frame_size) {
  std::vector<cv::Point2f> outline;
  if (mask.empty()) return outline;
  cv::Mat full;
  cv::resize(mask, full, frame_size, 0, 0, cv::INTER_NEAREST);
  std::vector<std::vector<cv::Point>> contours;
  cv::findContours(full, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
  const auto largest = std::max_element(contours.begin(), contours.end(), [](const auto& a, const auto& b) {
    return cv::contourArea(a) < cv::contourArea(b);
  });
  if (largest == contours.end()) return outline;
  // The staircase of a hull's edges at full size, simplified within a
  // pixel: an area is kept for every look that found a new mask.
  std::vector<cv::Point> simplified;
  cv::approxPolyDP(*largest, simplified, 1.0, true);
  for (const cv::Point& p : simplified) outline.emplace_back(static_cast<float>(p.x), static_cast<float>(p.y));
  return outline;
}

// The counted area in effect at `frame` (null: the whole frame).
const CountedArea* CountedAreaAt(const std::vector<CountedArea>& areas, int frame) {
  auto after = std::upper_bound(areas.begin(), areas.end(), frame,
                                [](int f, const CountedArea& a) { return f < a.first_frame; });
  if (after == areas.begin()) return nullptr;
  const CountedArea& area = *std::prev(after);
  return area.outline.size() >= 3 ? &area : nullptr;
}

// Outlines `area` in frame `frame`'s image.
void DrawCountedArea(cv::Mat& img, const CountedArea& area, int frame,
                     const std::vector<cv::Matx33d>& image_from_world) {
  const cv::Matx33d* to_image = ImageFromWorldAt(image_from_world, frame);
  std::vector<cv::Point> outline;
  for (const cv::Point2f& p : OutlineInImage(area, to_image ? *to_image : cv::Matx33d::eye())) {
    outline.emplace_back(cvRound(p.x), cvRound(p.y));
  }
  cv::polylines(img, outline, true, kCountedAreaColour, std::max(1, img.cols / 960));
}

// Per-frame observation of a counted fish, in image coordinates.
struct Mark {
  int fish = 0;
  cv::Rect2f box;
};

void DrawMarks(cv::Mat& img, const std::vector<Mark>& marks) {
  const double font = std::max(0.4, img.cols / 2400.0);
  const int thick = std::max(1, img.cols / 960);
  for (const Mark& m : marks) {
    cv::Rect r(cvRound(m.box.x), cvRound(m.box.y), std::max(4, cvRound(m.box.width)), std::max(4, cvRound(m.box.height)));
    cv::rectangle(img, r, cv::Scalar(0, 255, 255), thick);
    cv::putText(img, std::to_string(m.fish), {r.x, std::max(10, r.y - 3)}, cv::FONT_HERSHEY_SIMPLEX, font,
                cv::Scalar(0, 255, 255), thick);
  }
}

std::map<int, std::vector<Mark>> MarksByFrame(const CountResult& result, const std::vector<cv::Matx33d>& image_from_world) {
  std::map<int, std::vector<Mark>> marks;
  for (const CountedFish& fish : result.fish) {
    for (const TrackObservation& o : fish.observations) marks[o.frame].push_back(Mark{fish.id, ImageBox(o, image_from_world)});
  }
  return marks;
}

Status WriteAnnotations(const CountOptions& opt, const CountReport& report,
                        const std::vector<cv::Matx33d>& image_from_world) {
  auto marks = MarksByFrame(report.result, image_from_world);
  STURGEON_ASSIGN_OR_RETURN(auto source, VideoSource::Open(opt.video_path, report.frames));
  cv::VideoWriter writer;
  if (!opt.annotate_path.empty()) {
    double fps = source->fps() > 0 ? source->fps() : 30.0;
    writer.open(opt.annotate_path, cv::VideoWriter::fourcc('m', 'p', '4', 'v'), fps,
                cv::Size(source->width(), source->height()));
    if (!writer.isOpened()) return Status::IOError(fmt::format("cannot write video '{}'", opt.annotate_path));
  }
  // The snapshot shows the frame with the most counted fish in view.
  int best_frame = 1;
  size_t best = 0;
  for (auto& [f, m] : marks) {
    if (m.size() > best) { best = m.size(); best_frame = f; }
  }
  cv::Mat frame;
  int f = 0;
  while (source->Next(&frame)) {
    ++f;
    if (const CountedArea* area = CountedAreaAt(report.counted_areas, f)) {
      DrawCountedArea(frame, *area, f, image_from_world);
    }
    auto it = marks.find(f);
    if (it != marks.end()) DrawMarks(frame, it->second);
    cv::putText(frame, fmt::format("count {} [{}, {}]", report.result.count, report.result.count_low, report.result.count_high),
                {10, 30}, cv::FONT_HERSHEY_SIMPLEX, std::max(0.6, frame.cols / 1600.0), cv::Scalar(255, 255, 255), 2);
    if (writer.isOpened()) writer.write(frame);
    if (f == best_frame && !opt.snapshot_path.empty()) {
      if (!cv::imwrite(opt.snapshot_path, frame)) {
        return Status::IOError(fmt::format("cannot write snapshot '{}'", opt.snapshot_path));
      }
      if (!writer.isOpened()) break;
    }
  }
  return Status::Ok();
}

// How many frames a replay of `frames` (detections by frame) feeds the
// tracker: as many as the VIDEO declares when it is given, else `--frames`
// when given, else up to the last frame with a detection; never past
// `--frames`. The frames after the last detection count too (the tracker's
// per-frame figures are over every frame), so a replay of a video run's
// detections that knows the video's length counts as that run did.
Result<int> ReplayFrames(const CountOptions& opt, const std::map<int, std::vector<Detection>>& frames) {
  int last = frames.empty() ? 0 : frames.rbegin()->first;
  if (!opt.video_path.empty()) {
    STURGEON_ASSIGN_OR_RETURN(const VideoProbe video, VideoSource::Probe(opt.video_path));
    last = std::max(last, video.declared_frames);
  } else if (opt.max_frames > 0) {
    last = opt.max_frames;
  }
  return opt.max_frames > 0 ? std::min(last, opt.max_frames) : last;
}

}  // namespace

Result<std::vector<cv::Point2f>> ParseRoi(const std::string& text) {
  std::vector<cv::Point2f> pts;
  std::vector<float> vals;
  std::stringstream ss(text);
  std::string tok;
  while (std::getline(ss, tok, ',')) {
    try {
      size_t used = 0;
      vals.push_back(std::stof(tok, &used));
      if (used != tok.size() && tok.find_first_not_of(" ", used) != std::string::npos) throw std::invalid_argument(tok);
    } catch (const std::exception&) {
      return Status::InvalidArgument(fmt::format("--roi: '{}' is not a number", tok));
    }
  }
  if (vals.size() < 6 || vals.size() % 2 != 0) {
    return Status::InvalidArgument("--roi needs x1,y1,x2,y2,x3,y3,... (at least three points)");
  }
  for (size_t i = 0; i < vals.size(); i += 2) pts.emplace_back(vals[i], vals[i + 1]);
  return pts;
}

std::vector<cv::Point2f> OutlineInImage(const CountedArea& area, const cv::Matx33d& image_from_world) {
  if (!area.first_frame_pixels) return area.outline;
  std::vector<cv::Point2f> outline;
  for (const cv::Point2f& p : area.outline) outline.push_back(Apply(image_from_world, p));
  return outline;
}

bool InCountedArea(const std::vector<CountedArea>& areas, int frame, cv::Point2f p) {
  const CountedArea* area = CountedAreaAt(areas, frame);
  return !area || cv::pointPolygonTest(area->outline, p, false) >= 0;
}

double CameraMotionExcessM(const CameraMotionCheck& c) {
  const double larger = std::max(c.gps_travel_m, c.image_travel_m);
  return std::abs(c.image_travel_m - c.gps_travel_m) - std::max(kCameraCheckToleranceM, kCameraCheckShare * larger);
}

Result<CountReport> RunCount(const CountOptions& opt) {
  if (opt.video_path.empty() && opt.detections_path.empty()) {
    return Status::InvalidArgument("give a VIDEO or --detections");
  }
  if ((opt.altitude_m > 0) != (opt.hfov_deg > 0)) {
    return Status::InvalidArgument("--altitude and --hfov go together");
  }
  if (opt.video_path.empty() && (!opt.annotate_path.empty() || !opt.snapshot_path.empty())) {
    return Status::InvalidArgument("--annotate and --snapshot need the VIDEO");
  }
  if (!opt.detections_path.empty() && !opt.blob_fates_path.empty()) {
    return Status::InvalidArgument("--blob-fates needs a run of the detector: a --detections replay has no blobs");
  }
  std::optional<Telemetry> telemetry;
  if (!opt.srt_path.empty()) {
    STURGEON_ASSIGN_OR_RETURN(Telemetry t, ReadSrtFile(opt.srt_path));
    telemetry = std::move(t);
  }

  // A detections file without Sturgeon's length column is a farm's own
  // detector of whole fish; one with it, Sturgeon's blob detector's
  // (tracker.h: two kinds of detector, two settings).
  std::vector<MotRecord> replayed;
  if (!opt.detections_path.empty()) {
    STURGEON_ASSIGN_OR_RETURN(replayed, ReadMotFile(opt.detections_path));
  }
  CountReport report;
  report.whole_fish_detections =
      !opt.detections_path.empty() &&
      std::none_of(replayed.begin(), replayed.end(), [](const MotRecord& r) { return r.length_px > 0; });
  Tracker tracker(report.whole_fish_detections ? ForWholeFishDetections(opt.tracker) : opt.tracker);
  std::vector<cv::Matx33d> image_from_world;
  const auto start = std::chrono::steady_clock::now();

  if (!opt.roi.empty()) {
    // A video run tracks in the first frame's pixels, where its ROI is given.
    report.counted_areas.push_back(CountedArea{1, opt.roi, opt.detections_path.empty()});
  }
  // A detection (in the pixels tracking runs in) whose centre is outside
  // the --roi is not of this pool.
  auto drop_outside_roi = [&](std::vector<Detection>& dets) {
    if (opt.roi.empty()) return;
    std::erase_if(dets, [&](const Detection& d) { return cv::pointPolygonTest(opt.roi, Centre(d.box), false) < 0; });
  };
  if (!opt.detections_path.empty()) {
    auto frames = GroupDetectionsByFrame(replayed);
    replayed = {};
    STURGEON_ASSIGN_OR_RETURN(const int last, ReplayFrames(opt, frames));
    // The file's boxes are in each frame's image pixels. Tracking runs in
    // the first frame's, as in a video run, through the camera's motion
    // read from the detections themselves over the whole replay (a
    // sweep's fish otherwise race across the image and re-enter it far
    // from their tracks; CameraPathFromDetections).
    const std::vector<cv::Point2f> camera = CameraPathFromDetections(frames, last);
    for (int f = 1; f <= last; ++f) {
      auto it = frames.find(f);
      std::vector<Detection> dets;
      if (it != frames.end()) dets = it->second;
      const cv::Point2f offset = camera[f];
      for (Detection& d : dets) d.box = MoveBox(d.box, Centre(d.box) - offset);
      image_from_world.push_back(cv::Matx33d(1, 0, offset.x, 0, 1, offset.y, 0, 0, 1));
      drop_outside_roi(dets);
      tracker.Update(f, dets);
    }
    report.frames = last;
    report.camera_motion_compensated =
        std::any_of(camera.begin(), camera.end(), [](const cv::Point2f& o) { return o != cv::Point2f(0, 0); });
  }

  double mean_length_px_to_m = 0;
  std::vector<double> frame_gsd;
  if (opt.detections_path.empty()) {
    // Priming (kPrimingLooks) looks this far ahead before frame 1 is counted.
    const int priming_frames = opt.roi.empty() ? kPrimingLooks * kPoolMaskEveryFrames + 1 : 0;
    STURGEON_ASSIGN_OR_RETURN(auto source, VideoSource::Open(opt.video_path, opt.max_frames, priming_frames));
    report.width = source->width();
    report.height = source->height();
    DetectorParams dp = opt.detector;
    auto gsd_at = [&](int frame) -> double {
      if (telemetry) {
        const auto& alt = telemetry->altitude_m;
        double a = alt[std::min<size_t>(alt.size() - 1, static_cast<size_t>(std::max(0, frame - 1)))];
        double hfov = opt.hfov_deg > 0 ? opt.hfov_deg
                      : telemetry->focal_len_mm > 0 ? HfovFromFocalLength(telemetry->focal_len_mm) : 0;
        return hfov > 0 ? GroundSamplingDistance(a, hfov, report.width) : 0;
      }
      return opt.altitude_m > 0 ? GroundSamplingDistance(opt.altitude_m, opt.hfov_deg, report.width) : 0;
    };
    const int frames_total = opt.max_frames > 0 && source->declared_frames() > 0
                                 ? std::min(opt.max_frames, source->declared_frames())
                                 : source->declared_frames();
    // The blob audit, streamed as the frames are detected.
    std::ofstream blob_fates;
    if (!opt.blob_fates_path.empty()) {
      blob_fates.open(opt.blob_fates_path);
      if (!blob_fates) return Status::IOError(fmt::format("cannot write '{}'", opt.blob_fates_path));
      blob_fates << kBlobAuditHeader << '\n';
    }
    Detector detector(dp);
    detector.RecordBlobs(blob_fates.is_open() || opt.on_detected);
    CameraMotion motion;
    std::optional<CameraMotionCheck> camera_check;
    // The GPS check reads fix f at frame f: only when the SRT has about one
    // block per frame the container declares.
    const int declared = source->declared_frames();
    const int fixes = telemetry ? static_cast<int>(telemetry->position.size()) : 0;
    const bool gps_per_frame = fixes > 0 && declared > 0 && std::abs(fixes - declared) <= std::max(2, declared / 50);
    PoolMask pool;
    // The pool as the next frame shows it, when that frame is due a look:
    // peeked from the decoder's queue and looked at beside this frame's
    // detection, and taken before the next frame is (the looks are the
    // same frames, in the same order, as one after the other; they took
    // 6 ms a 1080p frame on the detection's thread). The task owns the
    // frame it reads and the mask it returns.
    std::future<std::optional<cv::Mat>> next_look;
    std::optional<cv::Mat> looked_ahead;
    cv::Mat frame, pool_mask, grey, small, halved;
    cv::Mat outlined_mask;  // a copy of the pool mask of the last counted area
    std::vector<cv::Rect2f> last_boxes;
    std::vector<MotRecord> raw_detections;
    for (int g = 1 + kPoolMaskEveryFrames; g <= priming_frames && source->Peek(g, &frame); g += kPoolMaskEveryFrames) {
      pool.Update(frame);
    }
    double obscured_sum = 0;
    std::vector<float> unclaimed_by_frame;  // Detector::UnclaimedFishAreas, a frame
    // Detections held back from frame 1 while the pool may have leaked
    // (kMaxHeldFrames); once released, never held again. `pool_in_doubt`
    // is set by every look, the first on frame 1.
    bool pool_in_doubt = true;
    bool holding = opt.roi.empty();
    std::vector<std::pair<int, std::vector<Detection>>> held;
    // Feeds the held frames to the tracker and stops holding; with
    // `pool_now` (the mask in use on frame `now`) the detections of earlier
    // frames that lie in frame `now`'s view but outside its pool are
    // dropped first (the camera may have moved: what is out of view now
    // is kept).
    auto release_held = [&](const cv::Mat* pool_now, int now, cv::Size frame_size) {
      auto outside_pool = [&](cv::Point2f world) {  // with pool_now only (frame `now` is the last transform)
        return InFrameOutsideMask(*pool_now, frame_size, Apply(image_from_world.back(), world));
      };
      for (auto& [g, ds] : held) {
        if (pool_now && g < now) std::erase_if(ds, [&](const Detection& d) { return outside_pool(Centre(d.box)); });
        tracker.Update(g, ds);
      }
      if (pool_now && held.size() > 1) {
        // What --write-detections writes replays to this count.
        std::erase_if(raw_detections, [&](const MotRecord& r) {
          return r.frame < now && outside_pool(Apply(image_from_world[r.frame - 1].inv(), Centre(r.box)));
        });
        // The pool found now is the counted area of the held frames too.
        report.counted_areas.erase(report.counted_areas.begin(), report.counted_areas.end() - 1);
        report.counted_areas.back().first_frame = 1;
        // Their unclaimed blobs were judged inside the leaked pool.
        unclaimed_by_frame.erase(unclaimed_by_frame.begin(),
                                 unclaimed_by_frame.begin() +
                                     std::min(unclaimed_by_frame.size(), static_cast<size_t>(now - 1)));
        // What the detector learnt from the water beyond the wall (its
        // noise level, the fish size) is not this pool's: it learns
        // afresh from the next frame.
        detector.Restart();
      }
      held.clear();
      holding = false;
    };
    int f = 0;
    while (source->Next(&frame)) {
      ++f;
      // The pool is found again every few frames (the drone drifts slowly),
      // kept consistent in time (PoolMask: a failed look is not the pool).
      if (opt.roi.empty() && (f - 1) % kPoolMaskEveryFrames == 0) {
        pool_mask = looked_ahead ? *looked_ahead : pool.Update(frame);
        looked_ahead.reset();
        pool_in_doubt = pool.MayHaveLeaked();  // no look is running now
        if (report.counted_areas.empty() || !SameImage(pool_mask, outlined_mask)) {
          report.counted_areas.push_back(CountedArea{f, OutlineOfMask(pool_mask, frame.size())});
          outlined_mask = pool_mask.clone();
        }
      }
      detector.SetGroundSampling(gsd_at(f));
      // The camera's motion needs only this frame and the last frame's
      // detections, so it is estimated beside this frame's detection (it
      // took 8-10 ms a 1080p frame, more than detection on some footage).
      // Both only read the frame.
      const float motion_scale = static_cast<float>(frame.cols) / kMotionWidth;
      auto estimate_motion = [&] {
        if (frame.cols > kMotionWidth) {
          ReduceFrame(frame, 1 / motion_scale, small, halved);
        } else {
          cv::resize(frame, small, cv::Size(kMotionWidth, cvRound(frame.rows / motion_scale)), 0, 0, cv::INTER_AREA);
        }
        cv::cvtColor(small, grey, cv::COLOR_BGR2GRAY);
        motion.Update(grey, motion_scale, last_boxes);
      };
      std::future<void> motion_done;
      try {
        motion_done = std::async(std::launch::async, estimate_motion);
        if (opt.roi.empty() && f % kPoolMaskEveryFrames == 0) {
          next_look = std::async(std::launch::async, [&pool, next_source = source.get()]() -> std::optional<cv::Mat> {
            cv::Mat next;
            if (!next_source->Peek(1, &next)) return std::nullopt;
            return pool.Update(next).clone();
          });
        }
      } catch (const std::system_error&) {
        // No thread to spare (a busy server): the same work, in turn.
        if (!motion_done.valid()) estimate_motion();
      }
      // Noisy footage is detected on the mean of still frames (detector.h):
      // once it is, this frame's motion is waited for, so a frame the
      // camera moved to is not averaged with the ones before.
      if (detector.AveragesStillFrames()) {
        if (motion_done.valid()) motion_done.get();
        detector.NoteCameraStill(motion.held_still());
      }
      std::vector<Detection> dets = detector.Detect(frame, pool_mask);
      if (opt.roi.empty()) {
        // With an ROI the detector looks at the whole frame: its glare and
        // blobs outside the ROI are none of the count's.
        obscured_sum += detector.ObscuredShare();
        unclaimed_by_frame.push_back(detector.UnclaimedFishAreas());
      }
      if (motion_done.valid()) motion_done.get();
      detector.NoteCameraStill(motion.held_still());
      if (blob_fates.is_open()) blob_fates << FormatBlobAudit(f, detector.LastBlobs());
      if (opt.on_detected) opt.on_detected(f, detector);
      if (!opt.detections_out_path.empty()) {
        for (const Detection& d : dets) {
          raw_detections.push_back(MotRecord{f, -1, d.box, d.score, d.length_px, d.full_length_px});
        }
      }
      last_boxes.clear();
      for (Detection& d : dets) {
        last_boxes.push_back(d.box);
        d.box = MoveBox(d.box, motion.ToWorld(Centre(d.box)));
      }
      drop_outside_roi(dets);
      frame_gsd.push_back(gsd_at(f));
      image_from_world.push_back(motion.WorldFromImage().inv());
      if (holding) {
        held.emplace_back(f, std::move(dets));
        if (!pool_in_doubt) {
          release_held(&pool_mask, f, frame.size());
        } else if (f >= kMaxHeldFrames) {
          release_held(nullptr, f, frame.size());
        }
      } else {
        tracker.Update(f, dets);
      }
      if (gps_per_frame && f <= static_cast<int>(telemetry->position.size()) && gsd_at(1) > 0) {
        const cv::Point2f centre(0.5f * frame.cols, 0.5f * frame.rows);
        const cv::Point2f moved = motion.ToWorld(centre) - centre;  // first-frame pixels
        CameraMotionCheck here{f, GroundDistanceM(telemetry->position.front(), telemetry->position[f - 1]),
                               std::hypot(moved.x, moved.y) * gsd_at(1), true};
        const double excess = CameraMotionExcessM(here);
        here.agrees = excess <= 0;
        if (!camera_check || excess > CameraMotionExcessM(*camera_check)) camera_check = here;
      }
      // The look peeks the decoder's queue: it must be taken before the next
      // frame is (no `continue` above may skip this).
      if (next_look.valid()) looked_ahead = next_look.get();
      if (opt.on_frame) opt.on_frame(f, frames_total);
    }
    if (!held.empty()) release_held(nullptr, f, frame.size());
    STURGEON_RETURN_IF_ERROR(source->Finish());
    if (blob_fates.is_open()) {
      blob_fates.close();
      if (!blob_fates) return Status::IOError(fmt::format("write to '{}' failed", opt.blob_fates_path));
    }
    if (!opt.detections_out_path.empty()) {
      STURGEON_RETURN_IF_ERROR(WriteMotFile(opt.detections_out_path, raw_detections));
    }
    report.frames = f;
    report.camera_motion_compensated = motion.moved();
    report.camera_check = camera_check;
    report.learnt_fish_length_px = detector.TypicalLengthPx();
    report.frame_noise_sigma = detector.FrameNoiseSigma();
    report.averaged_frames = detector.averaged_frames();
    report.obscured_share = f > 0 ? obscured_sum / f : 0;
    if (!unclaimed_by_frame.empty()) report.unclaimed_fish_areas = QuantileAtRank(std::move(unclaimed_by_frame), 0.5);
  }

  const std::vector<Tracklet> tracklets = tracker.Tracklets();
  report.result = CountFish(tracklets, opt.counter);
  if (report.obscured_share > 0) {
    const double share = std::min(report.obscured_share, kMaxObscuredShare);
    report.obscured_fish = static_cast<int>(std::lround(report.result.count * share / (1 - share)));
    report.result.count_high += report.obscured_fish;
  }
  report.unexplained = MeasureUnexplainedDetections(report.result, tracker.DetectionsByFrame());
  report.result.count_high += report.unexplained.fish;
  report.unclaimed_fish = static_cast<int>(std::lround(report.unclaimed_fish_areas));
  report.result.count_high += report.unclaimed_fish;
  report.rarely_sighted = MeasureRarelySightedFish(report.result, tracker.DetectionsByFrame());
  report.result.count_low = std::max(0, report.result.count_low - report.rarely_sighted.fish);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  report.processing_fps = report.seconds > 0 ? report.frames / report.seconds : 0;

  // Sizes: each fish's length from the lengths of its ends' profiles in cm
  // (WholeBodyLength); a fish with none is unmeasured (SummariseSizes).
  bool have_scale = !frame_gsd.empty() && frame_gsd.front() > 0;
  if (have_scale) {
    std::vector<double> lengths_cm;
    std::vector<double> gsds;
    for (const CountedFish& fish : report.result.fish) {
      std::vector<double> cm;
      for (const TrackObservation& o : fish.observations) {
        if (o.full_length_px > 0) cm.push_back(o.full_length_px * frame_gsd[o.frame - 1] * 100.0);
      }
      lengths_cm.push_back(WholeBodyLength(std::move(cm)));
    }
    mean_length_px_to_m = UpperMedian(frame_gsd);
    report.sizes = SummariseSizes(lengths_cm, report.result.count, opt.length_weight, mean_length_px_to_m);
  }

  if (!opt.tracks_path.empty()) {
    std::vector<MotRecord> rows;
    for (const CountedFish& fish : report.result.fish) {
      for (const TrackObservation& o : fish.observations) {
        rows.push_back(MotRecord{o.frame, fish.id, ImageBox(o, image_from_world), o.score});
      }
    }
    std::sort(rows.begin(), rows.end(), [](const MotRecord& a, const MotRecord& b) {
      return std::tie(a.frame, a.id) < std::tie(b.frame, b.id);
    });
    STURGEON_RETURN_IF_ERROR(WriteMotFile(opt.tracks_path, rows));
  }
  if (!opt.tracklets_path.empty()) {
    STURGEON_RETURN_IF_ERROR(
        WriteTrackletAudit(opt.tracklets_path, TrackletAudit(tracklets, report.result.verdicts, image_from_world)));
  }
  if (!opt.annotate_path.empty() || !opt.snapshot_path.empty()) {
    STURGEON_RETURN_IF_ERROR(WriteAnnotations(opt, report, image_from_world));
  }
  return report;
}

std::string GlareNote(const CountReport& report) {
  if (report.obscured_fish <= 0) return "";
  return fmt::format("glare: hid {:.0f}% of the pool; the interval allows for {} fish there",
                     100 * report.obscured_share, report.obscured_fish);
}

std::string UnexplainedNote(const CountReport& report) {
  if (report.unexplained.fish <= 0) return "";
  return fmt::format(
      "unexplained: {:.1f} detections a frame in no counted fish; the interval allows for {} fish they may be",
      report.unexplained.per_frame, report.unexplained.fish);
}

std::string UnclaimedNote(const CountReport& report) {
  if (report.unclaimed_fish <= 0) return "";
  return fmt::format(
      "unclaimed: {:.1f} fish areas a frame in loose clumps and pieces no detection claims; the interval allows "
      "for {} fish there",
      report.unclaimed_fish_areas, report.unclaimed_fish);
}

std::string RarelySightedNote(const CountReport& report) {
  if (report.rarely_sighted.fish <= 0) return "";
  const double median = report.rarely_sighted.counted_recall_median;
  return fmt::format(
      "rarely sighted: {} counted fish were sighted in under {:.2f} of their frames ({:g} x the median counted "
      "fish's {:.2f}); the interval allows that they are on no fish",
      report.rarely_sighted.fish, kRarelySightedShare * median, kRarelySightedShare, median);
}

std::vector<std::string> IntervalNotes(const CountReport& report) {
  std::vector<std::string> notes;
  for (std::string note :
       {GlareNote(report), UnexplainedNote(report), UnclaimedNote(report), RarelySightedNote(report)}) {
    if (!note.empty()) notes.push_back(std::move(note));
  }
  return notes;
}

nlohmann::json ReportToJson(const CountReport& r) {
  nlohmann::json j;
  j["count"] = r.result.count;
  j["count_low"] = r.result.count_low;
  j["count_high"] = r.result.count_high;
  j["frames"] = r.frames;
  j["processing_fps"] = std::round(r.processing_fps * 10) / 10;
  j["tracklets"] = r.result.tracklets;
  j["links"] = r.result.links;
  j["duplicates"] = r.result.duplicates;
  j["inconsistent"] = r.result.inconsistent;
  j["close_companions"] = r.result.close_companions;
  j["obscured_share"] = std::round(r.obscured_share * 1000) / 1000;
  j["obscured_fish"] = r.obscured_fish;
  j["unexplained_detections_per_frame"] = std::round(r.unexplained.per_frame * 10) / 10;
  j["counted_recall_q25"] = std::round(r.unexplained.counted_recall_q25 * 1000) / 1000;
  j["unexplained_fish"] = r.unexplained.fish;
  j["unclaimed_fish_areas_per_frame"] = std::round(r.unclaimed_fish_areas * 10) / 10;
  j["unclaimed_fish"] = r.unclaimed_fish;
  j["counted_recall_median"] = std::round(r.rarely_sighted.counted_recall_median * 1000) / 1000;
  j["rarely_sighted_fish"] = r.rarely_sighted.fish;
  j["frame_noise_sigma"] = std::round(static_cast<double>(r.frame_noise_sigma) * 100) / 100;
  j["averaged_frames"] = r.averaged_frames;
  if (r.width > 0) {
    j["width"] = r.width;
    j["height"] = r.height;
  }
  j["camera_motion_compensated"] = r.camera_motion_compensated;
  j["whole_fish_detections"] = r.whole_fish_detections;
  if (r.camera_check) {
    const CameraMotionCheck& c = *r.camera_check;
    j["camera_check"] = {{"frame", c.frame},
                         {"gps_travel_m", std::round(c.gps_travel_m * 100) / 100},
                         {"image_travel_m", std::round(c.image_travel_m * 100) / 100},
                         {"agrees", c.agrees}};
  }
  if (r.sizes) {
    const SizeReport& s = *r.sizes;
    j["gsd_cm_per_px"] = s.gsd_m * 100;
    j["mean_length_cm"] = std::round(s.mean_length_cm * 10) / 10;
    j["median_length_cm"] = std::round(s.median_length_cm * 10) / 10;
    j["biomass_kg"] = std::round(s.biomass_kg * 10) / 10;
    nlohmann::json hist = nlohmann::json::array();
    for (size_t i = 0; i < s.bin_count.size(); ++i) {
      hist.push_back({{"from_cm", s.bin_lower_cm[i]}, {"to_cm", s.bin_lower_cm[i] + s.bin_cm}, {"fish", s.bin_count[i]}});
    }
    j["length_histogram"] = hist;
  }
  return j;
}

}  // namespace sturgeon::vision
