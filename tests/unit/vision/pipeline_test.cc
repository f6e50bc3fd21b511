// Golden tests of the whole counting pipeline on short clips generated at
// test time (never committed), plus the error paths.
#include "vision/pipeline.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <sys/resource.h>

#include "fish_scenes.h"
#include "sim/simulator.h"
#include "vision/detect/scene.h"
#include "vision/io/mot_io.h"
#include "vision/source/video_source.h"

namespace sturgeon::vision {
namespace {

namespace fs = std::filesystem;

struct ClipSpec {
  int fish = 8;
  int resting = 2;   // of which motionless
  int frames = 60;
  int width = 640, height = 360;
  float drift_px = 0;  // camera drift per frame
  bool glare = true;
  int glare_radius = 12;  // px, a saturated disk on the water
  unsigned seed = 3;
  // Dark fish-shaped things lying on the concrete outside the pool (hoses,
  // a dropped net's floats): not fish of this pool.
  int things_outside = 0;
  // On this many first frames the concrete has the water's colour (a
  // flash of light on the rim), so a look at the pool there floods the
  // whole frame.
  int rim_like_water_frames = 0;
  // Night: the light this share of the day's, and sensor noise of this
  // sigma (either sign) instead of the day's.
  float night_light = 1;
  float night_noise_sigma = 0;
  // Round dark stains on the concrete: corners for the camera's motion
  // where the noise hides the pool's soft rim.
  int concrete_stains = 0;
  // Six more fish lying nose to tail in a line across the pool (fish
  // following each other, joined into one dark band longer than a clump
  // of six could span: the detector does not split it).
  bool chain_of_fish = false;
};

fs::path TempDir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("sturgeon_vision_" + name + "_" + std::to_string(::getpid()));
  fs::create_directories(p);
  return p;
}

// A scene's detections as the rows of a plain MOTChallenge file (no length
// column: a farm's own detector).
std::vector<MotRecord> DetectionRows(const std::map<int, std::vector<Detection>>& by_frame) {
  std::vector<MotRecord> rows;
  for (const auto& [frame, dets] : by_frame) {
    for (const Detection& d : dets) rows.push_back(MotRecord{frame, -1, d.box, d.score});
  }
  return rows;
}

// `rows` and `per_frame` boxes of clutter a frame on frames 1..`frames`, at
// places drawn from `seed` across the scene (no fish takes them).
std::vector<MotRecord> WithClutter(std::vector<MotRecord> rows, const testing::SceneSpec& spec, int frames,
                                   int per_frame, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> x(0, spec.width - spec.box), y(0, spec.height - spec.box);
  for (int f = 1; f <= frames; ++f) {
    for (int k = 0; k < per_frame; ++k) {
      const float left = x(rng);  // drawn in turn: the order of a call's arguments is unspecified
      const float top = y(rng);
      rows.push_back(MotRecord{f, -1, cv::Rect2f(left, top, spec.box, spec.box), 0.9f});
    }
  }
  return rows;
}

// Counts `rows` as a --detections replay written to `path` (by frame, each
// frame's rows in the order given), with `options` otherwise.
Result<CountReport> ReplayRows(std::vector<MotRecord> rows, const fs::path& path, CountOptions options = {}) {
  std::stable_sort(rows.begin(), rows.end(), [](const MotRecord& a, const MotRecord& b) { return a.frame < b.frame; });
  options.detections_path = path.string();
  STURGEON_RETURN_IF_ERROR(WriteMotFile(options.detections_path, rows));
  return RunCount(options);
}

// Where thing `i` outside the pool lies in the first frame (before any
// drift): on the concrete near a corner of the view, the fifth and later
// ones half a fish length below the first four.
cv::Point2f ThingOutside(const ClipSpec& s, int i) {
  const int corner = i % 4;
  return {(corner % 2 == 0 ? 0.09f : 0.91f) * s.width,
          (corner < 2 ? 0.12f : 0.88f) * s.height + (i / 4) * (s.width / 14.0f) * 0.5f};
}

// A round pool of green water with a depth gradient inside grey concrete,
// dark elongated fish (some resting), sensor noise, a glare patch and
// optional camera drift. A deliberately different look from the simulator.
std::string WriteClip(const ClipSpec& s, const fs::path& dir) {
  std::mt19937 rng(s.seed);
  cv::theRNG().state = s.seed;  // the sensor noise (cv::randn), so the clip is the same in every run
  std::uniform_real_distribution<float> u(0, 1);
  const float fish_len = s.width / 14.0f;
  const int margin = 80;  // world larger than the frame, for drift
  cv::Mat world(s.height + 2 * margin, s.width + 2 * margin, CV_8UC3, cv::Scalar(150, 150, 150));
  cv::Point pool_c(world.cols / 2, world.rows / 2);
  int pool_r = static_cast<int>(s.height * 0.45);
  for (int r = pool_r; r > 0; r -= 2) {
    int shade = 70 + 30 * r / pool_r;
    cv::circle(world, pool_c, r, cv::Scalar(shade, shade + 25, shade - 20), cv::FILLED);
  }
  struct Fish { float x, y, h, v; };
  std::vector<Fish> fish;
  for (int i = 0; i < s.fish; ++i) {
    float a = u(rng) * 6.283f, rad = (0.15f + 0.6f * u(rng)) * pool_r;
    fish.push_back({pool_c.x + rad * std::cos(a), pool_c.y + rad * std::sin(a), u(rng) * 6.283f,
                    i < s.resting ? 0.0f : 1.0f + u(rng)});
  }
  // Things outside: between the pool's rim and the frame's edge, on the
  // concrete (the world's corners, which every view of the drift shows).
  for (int i = 0; i < s.things_outside; ++i) {
    const cv::Point2f at = ThingOutside(s, i) + cv::Point2f(margin, margin);
    cv::ellipse(world, at, cv::Size2f(fish_len / 2, fish_len / 11), 20.0f + 35.0f * i, 0, 360, cv::Scalar(35, 40, 40),
                cv::FILLED, cv::LINE_AA);
  }
  for (int i = 0; i < s.concrete_stains; ++i) {
    const cv::Point at(static_cast<int>(u(rng) * world.cols), static_cast<int>(u(rng) * world.rows));
    if (std::hypot(at.x - pool_c.x, at.y - pool_c.y) > pool_r + 12) {
      cv::circle(world, at, 3 + static_cast<int>(4 * u(rng)), cv::Scalar(60, 60, 60), cv::FILLED);
    }
  }
  if (s.chain_of_fish) {
    const cv::Point2f start(pool_c.x - 2.25f * fish_len, pool_c.y + pool_r / 3.0f);
    for (int i = 0; i < 6; ++i) {
      cv::ellipse(world, start + cv::Point2f(0.9f * fish_len * i, 0), cv::Size2f(fish_len / 2, fish_len / 11), 0, 0,
                  360, cv::Scalar(35, 40, 40), cv::FILLED, cv::LINE_AA);
    }
  }
  cv::Mat world_rim_like_water;
  if (s.rim_like_water_frames > 0) {
    world_rim_like_water = world.clone();
    const cv::Vec3b water = world.at<cv::Vec3b>(pool_c.y + pool_r - 3, pool_c.x);
    cv::Mat concrete;
    cv::inRange(world, cv::Scalar(150, 150, 150), cv::Scalar(150, 150, 150), concrete);
    world_rim_like_water.setTo(cv::Scalar(water[0], water[1], water[2]), concrete);
  }
  std::string path = (dir / "clip.mp4").string();
  cv::VideoWriter w(path, cv::VideoWriter::fourcc('m', 'p', '4', 'v'), 30, cv::Size(s.width, s.height));
  EXPECT_TRUE(w.isOpened());
  std::normal_distribution<float> noise(0, 3);
  cv::Mat noise_img(s.height, s.width, CV_8UC3);
  for (int f = 0; f < s.frames; ++f) {
    cv::Mat canvas = (f < s.rim_like_water_frames ? world_rim_like_water : world).clone();
    for (Fish& fi : fish) {
      fi.h += 0.02f;
      float nx = fi.x + fi.v * std::cos(fi.h), ny = fi.y + fi.v * std::sin(fi.h);
      if (std::hypot(nx - pool_c.x, ny - pool_c.y) > pool_r - fish_len) {
        fi.h += 3.1416f;
      } else {
        fi.x = nx;
        fi.y = ny;
      }
      cv::ellipse(canvas, cv::Point2f(fi.x, fi.y), cv::Size2f(fish_len / 2, fish_len / 11), fi.h * 57.3f, 0, 360,
                  cv::Scalar(35, 40, 40), cv::FILLED, cv::LINE_AA);
    }
    if (s.glare) {
      cv::circle(canvas, {pool_c.x + pool_r / 3, pool_c.y - pool_r / 3}, s.glare_radius, cv::Scalar(250, 250, 250),
                 cv::FILLED);
    }
    cv::Rect view(margin + static_cast<int>(s.drift_px * f), margin, s.width, s.height);
    cv::Mat frame = canvas(view).clone();
    if (s.night_noise_sigma > 0) {
      cv::Mat night(frame.size(), CV_16SC3), noise(frame.size(), CV_16SC3);
      frame.convertTo(night, CV_16SC3, s.night_light);
      cv::randn(noise, 0, s.night_noise_sigma);
      night += noise;
      night.convertTo(frame, CV_8UC3);
    } else {
      cv::randn(noise_img, 0, 3);
      frame += noise_img;
    }
    w.write(frame);
  }
  return path;
}

// Counts one generated clip and checks the count (never fewer than the
// truth, at most `tolerance` more: a known over-count), the interval and
// the outputs.
void ExpectGeneratedClipCounted(const char* name, const ClipSpec& spec, int tolerance = 0) {
  fs::path dir = TempDir(name);
  CountOptions o;
  o.video_path = WriteClip(spec, dir);
  o.tracks_path = (dir / "tracks.txt").string();
  o.snapshot_path = (dir / "snap.png").string();
  o.altitude_m = 10;
  o.hfov_deg = 73.7;
  auto r = RunCount(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GE(r->result.count, spec.fish) << name;  // never fewer
  EXPECT_LE(r->result.count, spec.fish + tolerance) << name;
  EXPECT_LE(r->result.count_low, spec.fish) << name;
  EXPECT_GE(r->result.count_high, spec.fish) << name;
  EXPECT_EQ(r->frames, spec.frames);
  ASSERT_TRUE(r->sizes.has_value());
  EXPECT_GT(r->sizes->mean_length_cm, 0);
  EXPECT_TRUE(fs::exists(o.snapshot_path));
  auto tracks = ReadMotFile(o.tracks_path);
  ASSERT_TRUE(tracks.ok());
  EXPECT_FALSE(tracks->empty());
  nlohmann::json j = ReportToJson(*r);
  for (const char* key : {"count", "count_low", "count_high", "frames", "processing_fps", "mean_length_cm",
                          "biomass_kg", "length_histogram"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  fs::remove_all(dir);
}

// No counted fish's box (the tracks file of a count of `spec`'s clip)
// lies within a fish length of one of the things outside the pool.
void ExpectNoTrackOnAThingOutside(const ClipSpec& spec, const std::string& tracks_path) {
  auto tracks = ReadMotFile(tracks_path);
  ASSERT_TRUE(tracks.ok());
  const float near = spec.width / 14.0f;  // a fish length
  for (const MotRecord& t : *tracks) {
    const cv::Point2f c(t.box.x + t.box.width / 2, t.box.y + t.box.height / 2);
    for (int i = 0; i < spec.things_outside; ++i) {
      EXPECT_GT(cv::norm(c - ThingOutside(spec, i)), near) << "fish " << t.id << " in frame " << t.frame << " on thing " << i;
    }
  }
}

// A night clip under a still camera: half the light and sensor noise of
// 20 grey levels. The camera's motion says when it held still, and the
// detector then works on the mean of the last three frames: 9 of 8 fish
// counted (the calm clip's crossing; the count is never under the truth).
// Frame by frame the fish hardly stand out of the noise (2 counted).
TEST(Pipeline, CountsANoisyNightClipOnTheMeanOfStillFrames) {
  ClipSpec night;
  night.night_light = 0.5f;
  night.night_noise_sigma = 20;
  night.glare = false;
  night.concrete_stains = 150;
  fs::path dir = TempDir("night");
  CountOptions o;
  o.video_path = WriteClip(night, dir);
  auto averaged = RunCount(o);
  ASSERT_TRUE(averaged.ok()) << averaged.status().ToString();
  EXPECT_GE(averaged->result.count, night.fish);
  EXPECT_LE(averaged->result.count, night.fish + 1);
  EXPECT_GE(averaged->averaged_frames, 40) << "of 60";
  EXPECT_GT(averaged->frame_noise_sigma, o.detector.frame_noise_min);
  const nlohmann::json j = ReportToJson(*averaged);
  EXPECT_EQ(j["averaged_frames"], averaged->averaged_frames);
  EXPECT_TRUE(j.contains("frame_noise_sigma"));
  o.detector.still_mean_frames = 1;
  auto frame_by_frame = RunCount(o);
  ASSERT_TRUE(frame_by_frame.ok()) << frame_by_frame.status().ToString();
  EXPECT_LE(frame_by_frame->result.count, night.fish / 2);
  EXPECT_EQ(frame_by_frame->averaged_frames, 0);
  fs::remove_all(dir);
}

TEST(Pipeline, CountsFishInADriftingGeneratedClipIncludingRestingOnes) {
  ClipSpec drift;
  drift.drift_px = 0.8f;
  drift.seed = 5;
  ExpectGeneratedClipCounted("drift", drift);
}

// Things lying outside the pool are not counted, even when the first
// frame's look at the pool fails: the concrete has the water's colour
// there, so the look floods the whole frame. That look used to be the mask
// for frames 1-5, and the four things outside were counted as fish seen in
// exactly those five frames (12 of 8); the looks on frames 6 and 11, taken
// before frame 1 is detected, now overrule it (9 of 8: the calm clip's
// count, whose fish these are; the crossing below).
TEST(Pipeline, ThingsOutsideThePoolAreNotCountedWhenTheFirstLookFails) {
  ClipSpec spec;
  spec.things_outside = 4;
  spec.rim_like_water_frames = 1;
  ExpectGeneratedClipCounted("first_look", spec, 1);
  // And no counted fish lies on one of the things (the tolerance above is
  // the calm clip's crossing, not them).
  fs::path dir = TempDir("first_look_tracks");
  CountOptions o;
  o.video_path = WriteClip(spec, dir);
  o.tracks_path = (dir / "tracks.txt").string();
  auto r = RunCount(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ExpectNoTrackOnAThingOutside(spec, o.tracks_path);
  fs::remove_all(dir);
}

// When every look of the first 15 frames floods the whole frame (the
// looks on frames 6 and 11 that overrule a failed first look fail too),
// the detections of those frames are held back from the tracker until a
// look finds the pool (frame 16), and those outside it are dropped: the
// things outside made 14 of 8 before (seen in frames 1-15). The pool
// found is the counted area from frame 1.
TEST(Pipeline, ThingsOutsideThePoolAreNotCountedWhenTheFirstLooksAllFail) {
  ClipSpec spec;
  spec.things_outside = 4;
  spec.rim_like_water_frames = 15;
  fs::path dir = TempDir("first_looks");
  CountOptions o;
  o.video_path = WriteClip(spec, dir);
  o.tracks_path = (dir / "tracks.txt").string();
  o.detections_out_path = (dir / "detections.txt").string();
  auto r = RunCount(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_GE(r->result.count, spec.fish);
  EXPECT_LE(r->result.count, spec.fish + 1);  // the calm clip's crossing, as above
  ExpectNoTrackOnAThingOutside(spec, o.tracks_path);
  // The detections written are those the tracker was given (a replay
  // counts the same): none on a thing outside.
  auto written = ReadMotFile(o.detections_out_path);
  ASSERT_TRUE(written.ok());
  int on_things = 0;
  for (const MotRecord& d : *written) {
    for (int i = 0; i < spec.things_outside; ++i) {
      on_things += cv::norm(Centre(d.box) - ThingOutside(spec, i)) < spec.width / 14.0f;
    }
  }
  EXPECT_EQ(on_things, 0);
  ASSERT_FALSE(r->counted_areas.empty());
  EXPECT_EQ(r->counted_areas.front().first_frame, 1);
  const double area = cv::contourArea(r->counted_areas.front().outline);
  EXPECT_LT(area, 0.6 * spec.width * spec.height);
  EXPECT_GT(area, 0.3 * spec.width * spec.height);
  fs::remove_all(dir);
}

// Glare hides a share of the pool: the report says how much, and the
// interval's top allows for the fish the pool may hold there at the
// density counted elsewhere. The count itself is what was seen.
TEST(Pipeline, ReportsThePoolsShareUnderGlareAndWidensTheIntervalForIt) {
  fs::path dir = TempDir("glare_share");
  ClipSpec spec;
  spec.glare_radius = 60;  // of a pool 162 px in radius: 14% of it, more with the halo
  CountOptions o;
  o.video_path = WriteClip(spec, dir);
  o.detections_out_path = (dir / "detections.txt").string();
  auto wide = RunCount(o);
  ASSERT_TRUE(wide.ok()) << wide.status().ToString();
  EXPECT_GT(wide->obscured_share, 0.12);
  EXPECT_LT(wide->obscured_share, 0.3);
  const double s = wide->obscured_share;
  CountOptions no_glare = o;
  no_glare.detections_out_path.clear();
  ClipSpec clear = spec;
  clear.glare = false;
  fs::create_directories(dir / "clear");
  no_glare.video_path = WriteClip(clear, dir / "clear");
  auto plain = RunCount(no_glare);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_EQ(plain->obscured_share, 0);
  EXPECT_EQ(plain->obscured_fish, 0);
  EXPECT_EQ(GlareNote(*plain), "");
  // The widening, on top of the counter's own interval: a replay of the
  // run's detections (a still camera: the same tracks) has no glare to
  // allow for.
  EXPECT_EQ(wide->obscured_fish, static_cast<int>(std::lround(wide->result.count * s / (1 - s))));
  EXPECT_GE(wide->obscured_fish, 1);
  CountOptions replay_options;
  replay_options.detections_path = o.detections_out_path;
  auto replay = RunCount(replay_options);
  ASSERT_TRUE(replay.ok()) << replay.status().ToString();
  ASSERT_EQ(replay->result.count, wide->result.count);
  EXPECT_EQ(replay->obscured_fish, 0);
  EXPECT_EQ(wide->result.count_high, replay->result.count_high + wide->obscured_fish);
  EXPECT_NE(GlareNote(*wide).find(fmt::format("allows for {} fish", wide->obscured_fish)), std::string::npos);
  const nlohmann::json j = ReportToJson(*wide);
  EXPECT_NEAR(j["obscured_share"].get<double>(), s, 0.001);
  EXPECT_EQ(j["obscured_fish"].get<int>(), wide->obscured_fish);
  fs::remove_all(dir);
}

// Six fish joined nose to tail into one dark band give no detection: the
// report says how many fish areas of loose clumps and pieces no detection
// claimed, and the interval's top allows for as many fish; the count is
// what was seen.
TEST(Pipeline, AllowsInTheIntervalForFishInLooseClumpsNoDetectionClaims) {
  fs::path dir = TempDir("unclaimed");
  ClipSpec spec;
  spec.glare = false;
  spec.chain_of_fish = true;
  spec.frames = 40;
  spec.width = 1280;  // fish 91 px long
  spec.height = 720;
  CountOptions o;
  o.video_path = WriteClip(spec, dir);
  o.detections_out_path = (dir / "detections.txt").string();
  auto chained = RunCount(o);
  ASSERT_TRUE(chained.ok()) << chained.status().ToString();
  EXPECT_GT(chained->unclaimed_fish_areas, 3.0);
  EXPECT_LT(chained->unclaimed_fish_areas, 9.0);
  EXPECT_LE(chained->result.count, spec.fish + 1) << "the chain is not counted";
  EXPECT_GE(chained->result.count_high, spec.fish + 6);

  // The widening, on top of the counter's own interval and its other
  // allowances: a replay of the run's detections has no dark matter to see.
  CountOptions replay_options;
  replay_options.detections_path = o.detections_out_path;
  auto replay = RunCount(replay_options);
  ASSERT_TRUE(replay.ok()) << replay.status().ToString();
  ASSERT_EQ(replay->result.count, chained->result.count);
  EXPECT_EQ(replay->unclaimed_fish, 0);
  EXPECT_EQ(chained->result.count_high, replay->result.count_high + chained->obscured_fish + chained->unclaimed_fish);
  EXPECT_NE(UnclaimedNote(*chained).find(fmt::format("allows for {} fish", chained->unclaimed_fish)), std::string::npos);
  const nlohmann::json j = ReportToJson(*chained);
  EXPECT_EQ(j["unclaimed_fish"].get<int>(), chained->unclaimed_fish);

  ClipSpec no_chain = spec;
  no_chain.chain_of_fish = false;
  fs::create_directories(dir / "plain");
  CountOptions plain_options;
  plain_options.video_path = WriteClip(no_chain, dir / "plain");
  auto plain = RunCount(plain_options);
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_LT(plain->unclaimed_fish_areas, 1.0);

  // With an ROI the detector sees the whole frame, walls and neighbours
  // too: no allowance is made from it.
  CountOptions with_roi;
  with_roi.video_path = o.video_path;
  with_roi.roi = {{0, 0}, {1280, 0}, {1280, 720}, {0, 720}};
  auto roi_run = RunCount(with_roi);
  ASSERT_TRUE(roi_run.ok()) << roi_run.status().ToString();
  EXPECT_EQ(roi_run->unclaimed_fish, 0);
  EXPECT_EQ(UnclaimedNote(*roi_run), "");
  fs::remove_all(dir);
}

// Counted 9 of 8 until the working frame was reduced by 2x2 halving and
// one bilinear step instead of area averaging at a non-integer ratio (two
// fish crossing were split into an extra tracklet that outlived the
// crossing); then 8. The crossing is still the fragile case: since dark
// fish are segmented by the black top-hat (round 7, docs/vision-rounds.md) two
// touching fish are again cut into three pieces for 22 of the 60 frames,
// and the extra piece is a ninth tracklet the duplicate rule does not
// drop. Tolerated (one fish) because the same change took the simulator
// suite's pooled accuracy from 0.784 to 0.877; the clump split is what is
// left to mend.
TEST(Pipeline, CountsFishInACalmGeneratedClipIncludingRestingOnes) {
  ExpectGeneratedClipCounted("calm", ClipSpec{}, 1);
}

// Golden tests on the simulator's own footage, small and short so the whole
// vision test run stays well under a minute and a half on 2 cores. The
// tolerance is the counter's measured state on these clips (docs/vision.md),
// not the product target: it catches regressions, the benchmark
// (bench/count_bench.cc) measures accuracy.
constexpr double kSimTolerance = 0.25;

struct SimCase {
  const char* scenario;
  int frames;
  int width, height;
  double max_relative_error;
};

// Renders a scenario into `dir` (video.mp4, telemetry.srt, gt.txt, gt.json).
Result<sim::SimSummary> RenderScenario(const fs::path& dir, const std::string& scenario, int frames, int width,
                                       int height, uint64_t seed = 1) {
  sim::SimOptions so;
  so.scenario = scenario;
  so.seed = seed;
  so.out_dir = dir.string();
  so.frames = frames;
  so.width = width;
  so.height = height;
  so.keep_frame_hashes = false;
  return sim::RunSimulation(so);
}

// Renders the first 11 frames of `scenario` (640x360, simulator seed
// `seed`) and returns the frames the pool-mask schedule looks at: 1, 6, 11.
std::map<int, cv::Mat> RenderLookedAtFrames(const std::string& name, const std::string& scenario, uint64_t seed = 1) {
  fs::path dir = TempDir(name);
  auto sim = RenderScenario(dir, scenario, 11, 640, 360, seed);
  EXPECT_TRUE(sim.ok()) << sim.status().ToString();
  std::map<int, cv::Mat> looked_at;
  cv::VideoCapture video((dir / "video.mp4").string());
  cv::Mat frame;
  for (int f = 1; f <= 11 && video.read(frame); ++f) {
    if ((f - 1) % 5 == 0) looked_at[f] = frame.clone();
  }
  fs::remove_all(dir);
  return looked_at;
}

// Expects the mask for frame `f` to hold the frame's centre and to cover
// between `lo` and `hi` of the frame.
void ExpectPoolShare(const cv::Mat& mask, double lo, double hi, int f) {
  ASSERT_FALSE(mask.empty()) << "frame " << f;
  const double share = static_cast<double>(cv::countNonZero(mask)) / static_cast<double>(mask.total());
  EXPECT_GT(share, lo) << "frame " << f;
  EXPECT_LT(share, hi) << "frame " << f;
  EXPECT_NE(mask.at<uint8_t>(mask.rows / 2, mask.cols / 2), 0) << "frame " << f;
}

// Expects each look the schedule takes at the simulator's raceways, at the
// frame as `view` shows it, to take only the middle raceway of three.
void ExpectEachLookTakesTheMiddleRaceway(const std::string& name, const std::function<cv::Mat(const cv::Mat&)>& view) {
  const auto looked_at = RenderLookedAtFrames(name, "raceway_current");
  ASSERT_EQ(looked_at.size(), 3u);
  for (const auto& [f, frame] : looked_at) {
    ExpectPoolShare(FindPoolMask(view(frame)), 0.15, 0.3, f);  // one raceway of three, less the rim
  }
}

// Three raceways side by side, one water, the walls between them concrete
// a little lighter than it, under the sun's caustic network: the edge
// barrier alone let the flood over the walls into both neighbours (the
// whole frame, on each of frames 1, 6 and 11 here). The walls are long and
// straight, the caustics are not; each look takes only the middle raceway.
TEST(FindPoolMaskOnSimulatedFootage, TakesOnlyTheMiddleRaceway) {
  ExpectEachLookTakesTheMiddleRaceway("raceway_walls", [](const cv::Mat& frame) { return frame; });
}

// The same raceways filmed with the drone turned a quarter: the walls run
// across a landscape frame's height (the transposed frame squeezed back to
// 640x360). While a wall's run was measured against the frame's width,
// these were not walls (the whole frame on each look).
TEST(FindPoolMaskOnSimulatedFootage, TakesOnlyTheMiddleRacewayTurnedAcrossTheHeight) {
  ExpectEachLookTakesTheMiddleRaceway("raceway_walls_turned", [](const cv::Mat& frame) {
    cv::Mat turned;
    cv::transpose(frame, turned);
    cv::resize(turned, turned, frame.size(), 0, 0, cv::INTER_AREA);
    return turned;
  });
}

// A round tank floodlit from one side, at night (the simulator's seed 3):
// on the dim side the tank's rim is as dark as the water and the floor
// around it, its edge too faint for the barrier, and the flood ran out
// over the floor (the whole frame on each of frames 1, 6 and 11), so the
// floor, the rim and the neighbouring tanks were counted (37 false tracks
// in 90 frames at 1080p). A look with a lower barrier finds the tank
// wholly inside the view on frames 1 and 11. On frame 6 it leaks too: the
// priming takes that leak first (no mask yet) and frame 11's tank replaces
// it; later PoolMask refuses frame 6's look as growth. The masks the count
// uses, primed and then looked for as the pipeline does, are the tank.
TEST(FindPoolMaskOnSimulatedFootage, StopsAtTheDimSideOfAFloodlitTank) {
  auto looked_at = RenderLookedAtFrames("night_rim", "night_floodlit", 3);
  ASSERT_EQ(looked_at.size(), 3u);
  PoolMask pool;
  pool.Update(looked_at[6]);
  pool.Update(looked_at[11]);
  for (int f : {1, 6, 11}) ExpectPoolShare(pool.Update(looked_at[f]), 0.15, 0.3, f);  // the tank, about a fifth
}

// Counts a rendered clip in `dir` from its video and the telemetry `srt`.
Result<CountReport> CountRendered(const fs::path& dir, const std::string& srt = "telemetry.srt") {
  CountOptions o;
  o.video_path = (dir / "video.mp4").string();
  o.srt_path = (dir / srt).string();
  return RunCount(o);
}

void ExpectSimulatedClipCounted(const SimCase& c) {
  fs::path dir = TempDir(std::string("sim_") + c.scenario);
  auto sim = RenderScenario(dir, c.scenario, c.frames, c.width, c.height);
  ASSERT_TRUE(sim.ok()) << sim.status().ToString();
  auto r = CountRendered(dir);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const int truth = sim->true_count;
  EXPECT_NEAR(r->result.count, truth, c.max_relative_error * truth) << c.scenario;
  EXPECT_LE(r->result.count_low, r->result.count) << c.scenario;
  EXPECT_GE(r->result.count_high, r->result.count) << c.scenario;
  EXPECT_EQ(r->frames, c.frames);
  ASSERT_TRUE(r->sizes.has_value()) << c.scenario;
  EXPECT_GT(r->sizes->mean_length_cm, 0);
  fs::remove_all(dir);
}

// The simulator's sweep: the drone flies over a pond larger than the view
// and the image slides by hundreds of pixels. Camera motion, estimated from
// the frames alone at the pipeline's 480-px width in grey (no fish boxes
// masked here, where the pipeline masks its detections), must follow it:
// the world point under the image centre moves by the camera's own
// displacement, which gt.txt gives as the median motion of the fish (they
// swim every way; the drone carries them all). Until round 10 the simulator
// drew its caustic network in frame pixels: the network stayed put while
// the pool slid past, the estimator tracked it, and a 1200-px sweep was
// seen as a still camera (10 px).
TEST(CameraMotionOnSimulatedFootage, FollowsASweepOverAPondLargerThanTheView) {
  fs::path dir = TempDir("sweep_motion");
  auto sim = RenderScenario(dir, "sweep_large_pond", 40, 640, 360);
  ASSERT_TRUE(sim.ok()) << sim.status().ToString();

  cv::VideoCapture video((dir / "video.mp4").string());
  ASSERT_TRUE(video.isOpened());
  CameraMotion motion;
  const cv::Point2f centre(320, 180);
  std::vector<cv::Point2f> estimated;  // world shift of the image centre, per frame
  cv::Mat frame, small, grey;
  while (video.read(frame)) {
    cv::resize(frame, small, cv::Size(480, 270), 0, 0, cv::INTER_AREA);
    cv::cvtColor(small, grey, cv::COLOR_BGR2GRAY);
    motion.Update(grey, 640.0f / 480.0f, {});
    estimated.push_back(motion.ToWorld(centre) - centre);
  }
  ASSERT_EQ(estimated.size(), 40u);

  auto gt = ReadMotFile((dir / "gt.txt").string());
  ASSERT_TRUE(gt.ok()) << gt.status().ToString();
  std::map<int, std::map<int, cv::Point2f>> fish_at;  // frame -> fish -> box centre
  for (const MotRecord& r : *gt) {
    fish_at[r.frame][r.id] = cv::Point2f(r.box.x + r.box.width / 2, r.box.y + r.box.height / 2);
  }
  cv::Point2f truth(0, 0);
  for (int f = 2; f <= 40; ++f) {
    std::vector<float> dx, dy;
    for (const auto& [id, p] : fish_at[f]) {
      const auto before = fish_at[f - 1].find(id);
      if (before == fish_at[f - 1].end()) continue;
      dx.push_back(p.x - before->second.x);
      dy.push_back(p.y - before->second.y);
    }
    ASSERT_GE(dx.size(), 5u) << "frame " << f;
    std::nth_element(dx.begin(), dx.begin() + dx.size() / 2, dx.end());
    std::nth_element(dy.begin(), dy.begin() + dy.size() / 2, dy.end());
    truth -= cv::Point2f(dx[dx.size() / 2], dy[dy.size() / 2]);  // the view moves against the image
  }
  const float travelled = std::hypot(truth.x, truth.y);
  ASSERT_GT(travelled, 100.0f);  // the sweep does move the view
  const cv::Point2f error = estimated.back() - truth;
  EXPECT_LT(std::hypot(error.x, error.y), 0.1f * travelled)
      << "estimated " << estimated.back() << ", true " << truth;
  fs::remove_all(dir);
}

// The drone's GPS (the SRT's latitude and longitude) against the camera
// motion followed in the footage: on the simulator's sweep they agree;
// with a GPS track that says the drone hovered, the same footage's motion
// disagrees with it, and the count says so.
TEST(Pipeline, ChecksTheCameraMotionAgainstTheGps) {
  fs::path dir = TempDir("gps_check");
  auto sim = RenderScenario(dir, "sweep_large_pond", 40, 640, 360);
  ASSERT_TRUE(sim.ok()) << sim.status().ToString();
  auto r = CountRendered(dir);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->camera_check.has_value());
  EXPECT_TRUE(r->camera_check->agrees) << r->camera_check->gps_travel_m << " m by GPS, "
                                       << r->camera_check->image_travel_m << " m in the footage";
  EXPECT_EQ(ReportToJson(*r)["camera_check"]["agrees"], true);

  // Every fix moved to the first one: the GPS says the drone hovered.
  std::ifstream in(dir / "telemetry.srt");
  const std::string srt((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::regex fix(R"(\[latitude: [0-9.]+\] \[longitude: [0-9.]+\])");
  std::smatch first;
  ASSERT_TRUE(std::regex_search(srt, first, fix));
  {
    std::ofstream out(dir / "hovering.srt");
    out << std::regex_replace(srt, fix, first.str());
  }
  auto hovering = CountRendered(dir, "hovering.srt");
  ASSERT_TRUE(hovering.ok()) << hovering.status().ToString();
  ASSERT_TRUE(hovering->camera_check.has_value());
  EXPECT_LT(hovering->camera_check->gps_travel_m, 0.01);
  EXPECT_GT(hovering->camera_check->image_travel_m, 4.0);  // the sweep is seen in the footage
  EXPECT_FALSE(hovering->camera_check->agrees) << hovering->camera_check->image_travel_m << " m in the footage";
  fs::remove_all(dir);
}

// easy_round_tank at 960x540, 45 frames: 45 of 40 (docs/vision.md).
TEST(PipelineGolden, CountsEasyRoundTankWithinTolerance) {
  ExpectSimulatedClipCounted(SimCase{"easy_round_tank", 45, 960, 540, kSimTolerance});
}

// resting_bottom at 960x540, 45 frames; 80% of the fish rest motionless on
// the bottom under a caustic network. Was disabled as an open defect from
// round 4 to round 6 (108-111 of 80: the counter kept two chains on ~40
// fish, pieces of one body whose offset wobbled more than the
// rigid-companion test allows). Counts 83 of 80 since dark bodies are
// segmented against the water right around them (black top-hat, round 7
// in docs/vision-rounds.md): the bodies are whole, not pieces.
TEST(PipelineGolden, CountsRestingBottomWithinTolerance) {
  ExpectSimulatedClipCounted(SimCase{"resting_bottom", 45, 960, 540, kSimTolerance});
}

// The same count made the same way: fish, tracklets, tracklets dropped as
// duplicates, chains dropped as inconsistent.
void ExpectSameCount(const CountResult& a, const CountResult& b) {
  EXPECT_EQ(a.count, b.count);
  EXPECT_EQ(a.tracklets, b.tracklets);
  EXPECT_EQ(a.duplicates, b.duplicates);
  EXPECT_EQ(a.inconsistent, b.inconsistent);
}

// --write-detections: the detector's raw output, in the format
// --detections reads; replaying it without the video (still camera) gives
// the same tracks and count.
TEST(Pipeline, WrittenDetectionsReplayToTheSameCount) {
  fs::path dir = TempDir("detections_out");
  ClipSpec calm;
  calm.frames = 40;
  CountOptions o;
  o.video_path = WriteClip(calm, dir);
  o.detections_out_path = (dir / "det.txt").string();
  auto from_video = RunCount(o);
  ASSERT_TRUE(from_video.ok()) << from_video.status().ToString();
  ASSERT_FALSE(from_video->camera_motion_compensated);
  auto rows = ReadMotFile(o.detections_out_path);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_GE(rows->size(), static_cast<size_t>(calm.fish * calm.frames / 2));
  for (const MotRecord& r : *rows) {
    EXPECT_EQ(r.id, -1);
    EXPECT_GE(r.frame, 1);
    EXPECT_LE(r.frame, calm.frames);
  }
  CountOptions replay;
  replay.detections_path = o.detections_out_path;
  auto from_file = RunCount(replay);
  ASSERT_TRUE(from_file.ok()) << from_file.status().ToString();
  ExpectSameCount(from_file->result, from_video->result);
  // The detector's learnt fish size is reported from the video only.
  EXPECT_GT(from_video->learnt_fish_length_px, 0);
  EXPECT_EQ(from_file->learnt_fish_length_px, 0);
  // The body lengths travel too (the counter's length rules see them, and
  // the sizes the lengths for sizes).
  size_t measured = 0, for_sizes = 0;
  for (const MotRecord& r : *rows) {
    measured += r.length_px > 0;
    for_sizes += r.full_length_px > 0;
  }
  EXPECT_GE(measured, rows->size() / 2);
  EXPECT_GE(for_sizes, rows->size() / 4);
  fs::remove_all(dir);
}

// --blob-fates: every blob the detector measured, with what it made of
// it, streamed frame by frame. The blobs made fish are exactly the
// frame's single-fish detections (those with a length), every fate is a
// BlobFate's name, and the callback sees the same blobs as the file.
TEST(Pipeline, WritesWhatTheDetectorMadeOfEveryBlob) {
  fs::path dir = TempDir("blob_fates");
  ClipSpec calm;
  calm.frames = 20;
  CountOptions o;
  o.video_path = WriteClip(calm, dir);
  o.detections_out_path = (dir / "det.txt").string();
  o.blob_fates_path = (dir / "blobs.csv").string();
  std::map<int, std::vector<BlobRecord>> seen;
  o.on_detected = [&seen](int frame, const Detector& detector) { seen[frame] = detector.LastBlobs(); };
  auto report = RunCount(o);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  auto detections = ReadMotFile(o.detections_out_path);
  ASSERT_TRUE(detections.ok()) << detections.status().ToString();
  std::map<int, int> single_fish;
  for (const MotRecord& r : *detections) single_fish[r.frame] += r.length_px > 0;

  std::ifstream in(o.blob_fates_path);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_EQ(line, "frame,fate,polarity,centre_x,centre_y,angle_deg,length_px,width_px,contrast");
  std::map<int, int> fish_rows, rows;
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::stringstream ss(line);
    for (std::string f; std::getline(ss, f, ',');) fields.push_back(f);
    ASSERT_EQ(fields.size(), 9u) << line;
    const int frame = std::stoi(fields[0]);
    ASSERT_TRUE(BlobFateFromName(fields[1]).has_value()) << line;
    EXPECT_TRUE(fields[2] == "dark" || fields[2] == "pale") << line;
    EXPECT_GT(std::stod(fields[6]), 0) << line;
    ++rows[frame];
    fish_rows[frame] += fields[1] == "fish";
  }
  ASSERT_EQ(static_cast<int>(seen.size()), calm.frames);
  for (int f = 1; f <= calm.frames; ++f) {
    EXPECT_EQ(fish_rows[f], single_fish[f]) << "frame " << f;
    EXPECT_EQ(rows[f], static_cast<int>(seen[f].size())) << "frame " << f;
    const auto fish = std::count_if(seen[f].begin(), seen[f].end(),
                                    [](const BlobRecord& b) { return b.fate == BlobFate::kFish; });
    EXPECT_EQ(fish, single_fish[f]) << "frame " << f;
  }
  EXPECT_GE(single_fish[calm.frames], calm.fish / 2);
  fs::remove_all(dir);
}

TEST(Pipeline, BlobFatesNeedARunOfTheDetectorAndAWritablePath) {
  fs::path dir = TempDir("blob_fates_errors");
  ClipSpec calm;
  calm.frames = 5;
  CountOptions replay;
  replay.video_path = WriteClip(calm, dir);
  replay.detections_path = (dir / "det.txt").string();
  std::ofstream(replay.detections_path) << "1,-1,10,10,20,5,0.9\n";
  replay.blob_fates_path = (dir / "blobs.csv").string();
  auto r = RunCount(replay);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("--blob-fates"), std::string::npos) << r.status().ToString();

  CountOptions o;
  o.video_path = replay.video_path;
  o.blob_fates_path = (dir / "no_such_dir" / "blobs.csv").string();
  r = RunCount(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kIOError);
  EXPECT_NE(r.status().message().find(o.blob_fates_path), std::string::npos) << r.status().ToString();
  fs::remove_all(dir);
}

// A farm's own detections of a sweep, in each frame's image pixels: fish
// leave the view and come back into it. The replay follows the camera in
// the detections and counts the 40 fish as 40 (64 tracklets, 24 links);
// before, as 34 (73 tracklets, 39 links: the tracks broke where the view
// moved faster than the gate, and the stitcher joined pieces of different
// fish). Its tracks are written in image pixels, on the detections they
// were made of.
TEST(Pipeline, ReplayOfASweepsDetectionsFollowsTheCamera) {
  fs::path dir = TempDir("sweep_replay");
  const testing::PanScene scene = testing::MakePanScene();
  CountOptions o;
  o.tracks_path = (dir / "tracks.txt").string();
  auto report = ReplayRows(DetectionRows(scene.detections), dir / "det.txt", o);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->camera_motion_compensated);
  EXPECT_NEAR(report->result.count, 40, 1);
  auto tracks = ReadMotFile(o.tracks_path);
  ASSERT_TRUE(tracks.ok()) << tracks.status().ToString();
  ASSERT_FALSE(tracks->empty());
  for (const MotRecord& t : *tracks) {
    float nearest = 1e9f;
    for (const Detection& d : scene.detections.at(t.frame)) {
      nearest = std::min(nearest, static_cast<float>(cv::norm(Centre(d.box) - Centre(t.box))));
    }
    EXPECT_LT(nearest, 1.0f) << "track " << t.id << " frame " << t.frame;
  }
  fs::remove_all(dir);
}

// A farm's own detector of whole fish (a plain MOTChallenge file, no
// length column): 200 fish, a fifth of their boxes missed, 1.8 px of
// jitter, 20 clutter boxes a frame. Size-scaled gates and lone clutter
// re-acquiring lost tracks made tracks wander onto other fish's paths and
// take turns with their tracks: 202, 201, 201, 205 and 202 counted.
TEST(Pipeline, ReplayOfAWholeFishDetectorCountsEveryFishOnce) {
  fs::path dir = TempDir("whole_fish_replay");
  for (unsigned seed : {1u, 2u, 3u, 4u, 5u}) {
    auto report =
        ReplayRows(DetectionRows(testing::MakeScene(testing::WholeFishDetectorScene(200, 90, seed))), dir / "det.txt");
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_TRUE(report->whole_fish_detections);
    EXPECT_NEAR(report->result.count, 200, 1) << "seed " << seed;
  }
  fs::remove_all(dir);
}

// Detections no counted fish took widen the interval's top by the fish
// they may be, at the counted fish's own recall: clutter boxes added to a
// replay (8 a frame, never twice in one place) leave the count and the
// counter's own interval as they were and raise count_high by about
// 8 / 0.8 fish (a fifth of every fish's boxes missed).
TEST(Pipeline, DetectionsInNoCountedFishWidenTheIntervalUpwards) {
  fs::path dir = TempDir("unexplained");
  testing::SceneSpec spec = testing::WholeFishDetectorScene(60, 90, 7);
  spec.false_positives_per_frame = 0;
  const std::vector<MotRecord> fish_rows = DetectionRows(testing::MakeScene(spec));
  auto clean = ReplayRows(fish_rows, dir / "fish.txt");
  auto cluttered = ReplayRows(WithClutter(fish_rows, spec, spec.frames, 8, 11), dir / "cluttered.txt");
  ASSERT_TRUE(clean.ok()) << clean.status().ToString();
  ASSERT_TRUE(cluttered.ok()) << cluttered.status().ToString();

  EXPECT_NEAR(clean->result.count, 60, 1);
  EXPECT_LT(clean->unexplained.per_frame, 1.0);  // fish at the edges of the view
  EXPECT_NEAR(clean->unexplained.counted_recall_q25, 0.8, 0.05);  // a fifth of the boxes missed
  ASSERT_EQ(cluttered->result.count, clean->result.count);
  EXPECT_NEAR(cluttered->unexplained.per_frame, clean->unexplained.per_frame + 8, 0.5);
  const UnexplainedDetections& u = cluttered->unexplained;
  EXPECT_EQ(u.fish, static_cast<int>(std::ceil(u.per_frame / u.counted_recall_q25)));
  EXPECT_GE(u.fish, 9);
  EXPECT_EQ(cluttered->result.count_high - u.fish, clean->result.count_high - clean->unexplained.fish);
  EXPECT_EQ(cluttered->result.count_low, clean->result.count_low);
  EXPECT_NE(UnexplainedNote(*cluttered).find(fmt::format("allows for {} fish", u.fish)), std::string::npos);
  EXPECT_EQ(IntervalNotes(*cluttered), std::vector<std::string>{UnexplainedNote(*cluttered)});  // no glare in a replay
  const nlohmann::json j = ReportToJson(*cluttered);
  EXPECT_EQ(j["unexplained_fish"].get<int>(), u.fish);
  EXPECT_NEAR(j["unexplained_detections_per_frame"].get<double>(), u.per_frame, 0.05);
  EXPECT_NEAR(j["counted_recall_q25"].get<double>(), u.counted_recall_q25, 0.001);
  fs::remove_all(dir);
}

// A counted track seen in few of its frames (a glint that comes and goes
// in one place) may be on no fish: count_low allows that it is not, the
// count still counts it.
TEST(Pipeline, RarelySightedCountedFishWidenTheIntervalDownwards) {
  fs::path dir = TempDir("rarely_sighted");
  testing::SceneSpec spec = testing::WholeFishDetectorScene(30, 90, 7);
  spec.false_positives_per_frame = 0;
  const std::vector<MotRecord> fish_rows = DetectionRows(testing::MakeScene(spec));
  std::vector<MotRecord> with_glint = fish_rows;
  for (int f = 1; f <= spec.frames; ++f) {
    if (f % 10 < 3) with_glint.push_back(MotRecord{f, -1, cv::Rect2f(900, 20, spec.box, spec.box / 3), 0.9f});
  }
  auto clean = ReplayRows(fish_rows, dir / "fish.txt");
  auto glinting = ReplayRows(with_glint, dir / "glint.txt");
  ASSERT_TRUE(clean.ok()) << clean.status().ToString();
  ASSERT_TRUE(glinting.ok()) << glinting.status().ToString();

  EXPECT_NEAR(clean->result.count, 30, 1);
  EXPECT_EQ(glinting->result.count, clean->result.count + 1);
  EXPECT_NEAR(glinting->rarely_sighted.counted_recall_median, 0.8, 0.05);  // a fifth of the boxes missed
  EXPECT_EQ(glinting->rarely_sighted.fish, clean->rarely_sighted.fish + 1);
  EXPECT_EQ(glinting->result.count_low, clean->result.count_low);  // the glint's fish is allowed to be none
  EXPECT_GT(glinting->rarely_sighted.fish, 0);
  EXPECT_NE(RarelySightedNote(*glinting).find(fmt::format("{} counted fish", glinting->rarely_sighted.fish)),
            std::string::npos);
  const nlohmann::json j = ReportToJson(*glinting);
  EXPECT_EQ(j["rarely_sighted_fish"].get<int>(), glinting->rarely_sighted.fish);
  EXPECT_NEAR(j["counted_recall_median"].get<double>(), glinting->rarely_sighted.counted_recall_median, 0.001);
  fs::remove_all(dir);
}

// A replay runs over the frames after the last detection too, when it
// knows of them: from --frames, or from the VIDEO. Before, it stopped at the
// last frame with a detection, so its per-frame figures were over fewer
// frames than the video run's.
TEST(Pipeline, AReplayRunsAsLongAsTheVideoOrFramesSay) {
  fs::path dir = TempDir("replay_length");
  testing::SceneSpec spec = testing::WholeFishDetectorScene(30, 90, 7);
  spec.false_positives_per_frame = 0;
  std::vector<MotRecord> rows = DetectionRows(testing::MakeScene(spec));
  std::erase_if(rows, [](const MotRecord& r) { return r.frame > 45; });
  rows = WithClutter(rows, spec, 45, 8, 5);
  const fs::path det = dir / "det.txt";
  auto to_last_detection = ReplayRows(rows, det);
  CountOptions ninety;
  ninety.max_frames = 90;
  auto to_frames = ReplayRows(rows, det, ninety);
  ASSERT_TRUE(to_last_detection.ok()) << to_last_detection.status().ToString();
  ASSERT_TRUE(to_frames.ok()) << to_frames.status().ToString();
  EXPECT_EQ(to_last_detection->frames, 45);
  EXPECT_EQ(to_frames->frames, 90);
  EXPECT_EQ(to_frames->result.count, to_last_detection->result.count);
  ASSERT_GT(to_last_detection->unexplained.per_frame, 6.0);
  EXPECT_NEAR(to_frames->unexplained.per_frame, to_last_detection->unexplained.per_frame / 2, 1e-6);

  // With the VIDEO, as long as the video (never past --frames).
  ClipSpec calm;
  calm.frames = 40;
  CountOptions with_video;
  with_video.video_path = WriteClip(calm, dir);
  auto past_the_video = ReplayRows(rows, det, with_video);  // detections to frame 45, a video of 40
  std::erase_if(rows, [](const MotRecord& r) { return r.frame > 20; });
  auto video_length = ReplayRows(rows, det, with_video);
  with_video.max_frames = 30;
  auto capped = ReplayRows(rows, det, with_video);
  ASSERT_TRUE(past_the_video.ok()) << past_the_video.status().ToString();
  ASSERT_TRUE(video_length.ok()) << video_length.status().ToString();
  ASSERT_TRUE(capped.ok()) << capped.status().ToString();
  EXPECT_EQ(past_the_video->frames, 45);
  EXPECT_EQ(video_length->frames, 40);
  EXPECT_EQ(capped->frames, 30);
  fs::remove_all(dir);
}

// Measuring must not change the count (round 11): the length for sizes is
// read from the ends' profiles (round 27) and only the sizes depend on it:
// with every body too faint for it no fish is measured, and the count
// stands.
TEST(Pipeline, TheLengthForSizesChangesTheSizesNotTheCount) {
  fs::path dir = TempDir("full_length");
  ClipSpec calm;
  calm.frames = 30;
  CountOptions o;
  o.video_path = WriteClip(calm, dir);
  o.altitude_m = 10;
  o.hfov_deg = 73.7;
  auto measured = RunCount(o);
  ASSERT_TRUE(measured.ok()) << measured.status().ToString();
  CountOptions unmeasured = o;
  unmeasured.detector.end_profile_min_contrast = 1000;
  auto none = RunCount(unmeasured);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  ExpectSameCount(measured->result, none->result);
  ASSERT_TRUE(measured->sizes.has_value() && none->sizes.has_value());
  EXPECT_GT(measured->sizes->mean_length_cm, 0);
  EXPECT_EQ(none->sizes->mean_length_cm, 0);
  fs::remove_all(dir);
}

// Camera motion is estimated on a second thread beside each frame's
// detection (round 9); the two share the frame. On drifting footage (the
// motion path is taken) two runs give the same tracks, byte for byte.
TEST(Pipeline, DriftingFootageGivesTheSameTracksEveryRun) {
  fs::path dir = TempDir("repeat");
  ClipSpec drift;
  drift.drift_px = 0.8f;
  drift.seed = 5;
  drift.frames = 40;
  CountOptions o;
  o.video_path = WriteClip(drift, dir);
  std::string tracks[2];
  for (int run = 0; run < 2; ++run) {
    o.tracks_path = (dir / ("tracks" + std::to_string(run) + ".txt")).string();
    o.detections_out_path = (dir / ("det" + std::to_string(run) + ".txt")).string();
    auto r = RunCount(o);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_TRUE(r->camera_motion_compensated) << "the drift must be seen, or the motion thread is not exercised";
    std::ifstream in(o.tracks_path);
    tracks[run].assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  EXPECT_FALSE(tracks[0].empty());
  EXPECT_EQ(tracks[0], tracks[1]);
  std::ifstream d0(dir / "det0.txt"), d1(dir / "det1.txt");
  const std::string det0((std::istreambuf_iterator<char>(d0)), std::istreambuf_iterator<char>());
  const std::string det1((std::istreambuf_iterator<char>(d1)), std::istreambuf_iterator<char>());
  EXPECT_FALSE(det0.empty());
  EXPECT_EQ(det0, det1);
  fs::remove_all(dir);
}

TEST(Pipeline, CorruptVideoIsACorruptionError) {
  fs::path dir = TempDir("corrupt");
  std::string path = (dir / "bad.mp4").string();
  {
    std::ofstream out(path, std::ios::binary);
    std::mt19937 rng(1);
    for (int i = 0; i < 20000; ++i) out.put(static_cast<char>(rng()));
  }
  CountOptions o;
  o.video_path = path;
  auto r = RunCount(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find("bad.mp4"), std::string::npos);
  fs::remove_all(dir);
}

TEST(Pipeline, TruncatedVideoIsAnError) {
  fs::path dir = TempDir("truncated");
  ClipSpec s;
  s.frames = 30;
  std::string path = WriteClip(s, dir);
  auto size = fs::file_size(path);
  fs::resize_file(path, size / 2);
  CountOptions o;
  o.video_path = path;
  auto r = RunCount(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption) << r.status().ToString();
  fs::remove_all(dir);
}

// A 64x48 mp4v clip of `frames` flat grey frames, frame i at level(i).
void WriteFlatGreyVideo(const std::string& path, int frames, double fps, const std::function<double(int)>& level) {
  cv::VideoWriter w(path, cv::VideoWriter::fourcc('m', 'p', '4', 'v'), fps, cv::Size(64, 48));
  ASSERT_TRUE(w.isOpened());
  for (int i = 0; i < frames; ++i) w.write(cv::Mat(48, 64, CV_8UC3, cv::Scalar::all(level(i))));
}

// The niceness of each of this process's threads (/proc/self/task/*/stat,
// field 19, counted after the command's closing parenthesis).
std::vector<int> ThreadNiceness() {
  std::vector<int> out;
  for (const auto& task : fs::directory_iterator("/proc/self/task")) {
    std::ifstream in(task.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream after(stat.substr(stat.rfind(')') + 2));
    std::string field;
    for (int i = 3; i <= 19 && after >> field; ++i) {
      if (i == 19) out.push_back(std::stoi(field));
    }
  }
  return out;
}

// The decoder yields the cores to its reader: its thread runs 10 niceness
// levels above the thread that opened it, which keeps its own.
TEST(VideoSource, DecodesAtALowerPriorityThanItsReader) {
  fs::path dir = TempDir("niceness");
  const std::string path = (dir / "grey.mp4").string();
  ASSERT_NO_FATAL_FAILURE(WriteFlatGreyVideo(path, 20, 30, [](int) { return 100.0; }));
  errno = 0;
  const int own = getpriority(PRIO_PROCESS, 0);
  ASSERT_EQ(errno, 0);
  if (own >= 19) GTEST_SKIP() << "this thread is at the lowest priority already";
  const int expected = std::min(19, own + kDecoderNicenessAbove);
  const std::vector<int> before = ThreadNiceness();
  EXPECT_EQ(std::count(before.begin(), before.end(), expected), 0);
  {
    auto source = VideoSource::Open(path);
    ASSERT_TRUE(source.ok()) << source.status().ToString();
    cv::Mat frame;
    ASSERT_TRUE((*source)->Peek(6, &frame));  // the queue is full: the decoder waits, alive
    const std::vector<int> niceness = ThreadNiceness();
    EXPECT_EQ(std::count(niceness.begin(), niceness.end(), expected), 1);
  }
  EXPECT_EQ(getpriority(PRIO_PROCESS, 0), own);
  fs::remove_all(dir);
}

// What a replay of detections needs of its video (the frame count) is read
// from the container; the errors are Open's, naming the file.
TEST(VideoSource, ProbesAVideoWithoutDecodingIt) {
  fs::path dir = TempDir("probe");
  const std::string path = (dir / "grey.mp4").string();
  ASSERT_NO_FATAL_FAILURE(WriteFlatGreyVideo(path, 17, 25, [](int) { return 100.0; }));
  auto probe = VideoSource::Probe(path);
  ASSERT_TRUE(probe.ok()) << probe.status().ToString();
  EXPECT_EQ(probe->width, 64);
  EXPECT_EQ(probe->height, 48);
  EXPECT_NEAR(probe->fps, 25, 0.01);
  EXPECT_EQ(probe->declared_frames, 17);

  auto missing = VideoSource::Probe((dir / "none.mp4").string());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound) << missing.status().ToString();
  EXPECT_NE(missing.status().ToString().find("none.mp4"), std::string::npos);
  const std::string text = (dir / "notes.mp4").string();
  std::ofstream(text) << "not a video\n";
  auto corrupt = VideoSource::Probe(text);
  ASSERT_FALSE(corrupt.ok());
  EXPECT_EQ(corrupt.status().code(), StatusCode::kCorruption) << corrupt.status().ToString();
  EXPECT_NE(corrupt.status().ToString().find("notes.mp4"), std::string::npos);
  fs::remove_all(dir);
}

// The pool's first looks peek at frames 6 and 11 before frame 1 is taken:
// peeking sees the frames in order without taking them, and says when the
// stream ends first; once a frame is taken the queue holds 6.
TEST(VideoSource, PeeksAheadWithoutTakingFrames) {
  fs::path dir = TempDir("peek");
  const std::string path = (dir / "levels.mp4").string();
  ASSERT_NO_FATAL_FAILURE(WriteFlatGreyVideo(path, 8, 30, [](int i) { return 20.0 + 25 * i; }));
  // The frame's index (levels 25 apart; the codec moves them a few).
  auto level = [](const cv::Mat& frame) { return (cv::mean(frame)[0] - 20) / 25; };
  auto source = VideoSource::Open(path, 0, 10);
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  cv::Mat frame;
  ASSERT_TRUE((*source)->Peek(3, &frame));
  EXPECT_NEAR(level(frame), 2, 0.4);
  ASSERT_TRUE((*source)->Peek(8, &frame));
  EXPECT_NEAR(level(frame), 7, 0.4);
  EXPECT_FALSE((*source)->Peek(9, &frame));  // the stream ends first
  ASSERT_TRUE((*source)->Next(&frame));
  EXPECT_NEAR(level(frame), 0, 0.4);
  ASSERT_TRUE((*source)->Next(&frame));
  EXPECT_NEAR(level(frame), 1, 0.4);
  ASSERT_TRUE((*source)->Peek(6, &frame));
  EXPECT_NEAR(level(frame), 7, 0.4);
  EXPECT_THROW((*source)->Peek(7, &frame), std::logic_error);  // the queue holds 6 now
  for (int i = 2; i < 8; ++i) {
    ASSERT_TRUE((*source)->Next(&frame));
    EXPECT_NEAR(level(frame), i, 0.4);
  }
  EXPECT_FALSE((*source)->Next(&frame));
  EXPECT_TRUE((*source)->Finish().ok());
  fs::remove_all(dir);
}

TEST(Pipeline, MissingVideoIsNotFound) {
  CountOptions o;
  o.video_path = "/nonexistent/video.mp4";
  EXPECT_EQ(RunCount(o).status().code(), StatusCode::kNotFound);
}

TEST(Pipeline, RoiKeepsOnlyFishInsideThePolygon) {
  fs::path dir = TempDir("roi");
  std::vector<MotRecord> rows;
  for (int f = 1; f <= 30; ++f) {
    rows.push_back({f, -1, cv::Rect2f(100, 100, 40, 10), 0.9f});
    rows.push_back({f, -1, cv::Rect2f(900, 100, 40, 10), 0.9f});
  }
  auto all = ReplayRows(rows, dir / "det.txt");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->result.count, 2);
  auto roi = ParseRoi("0,0,500,0,500,500,0,500");
  ASSERT_TRUE(roi.ok());
  CountOptions o;
  o.roi = *roi;
  auto inside = ReplayRows(rows, dir / "det.txt", o);
  ASSERT_TRUE(inside.ok());
  EXPECT_EQ(inside->result.count, 1);
  // The counted area is the polygon, in the file's pixels; without --roi,
  // every detection counts and there is no area.
  ASSERT_EQ(inside->counted_areas.size(), 1u);
  EXPECT_EQ(inside->counted_areas[0].outline, *roi);
  EXPECT_FALSE(inside->counted_areas[0].first_frame_pixels);
  EXPECT_TRUE(all->counted_areas.empty());
  fs::remove_all(dir);
}

// The counted area is what a person checking a count needs to see: the
// report keeps it frame by frame and the snapshot outlines it. On the
// generated clip the pool (radius 0.45 x the height at the centre) is
// found on the first look: the area from frame 1 on holds the frame's
// centre and most of the pool, not the concrete in the corners, and so
// does the area of the last frame.
TEST(Pipeline, ReportsAndOutlinesTheCountedArea) {
  fs::path dir = TempDir("counted_area");
  ClipSpec spec;
  spec.frames = 20;
  CountOptions o;
  o.video_path = WriteClip(spec, dir);
  o.snapshot_path = (dir / "snap.png").string();
  auto r = RunCount(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_FALSE(r->counted_areas.empty());
  EXPECT_EQ(r->counted_areas.front().first_frame, 1);
  // A new area only where a look (frames 1, 6, 11, 16) found a new mask.
  for (size_t i = 0; i < r->counted_areas.size(); ++i) {
    const CountedArea& area = r->counted_areas[i];
    EXPECT_EQ((area.first_frame - 1) % 5, 0) << area.first_frame;
    if (i > 0) {
      EXPECT_GT(area.first_frame, r->counted_areas[i - 1].first_frame);
      EXPECT_NE(area.outline, r->counted_areas[i - 1].outline) << "a look that found the same mask";
    }
    EXPECT_FALSE(area.first_frame_pixels);
  }
  const std::vector<cv::Point2f>& outline = r->counted_areas.front().outline;
  ASSERT_GE(outline.size(), 3u);
  const double pool_area = CV_PI * std::pow(0.45 * spec.height, 2);
  EXPECT_GT(cv::contourArea(outline), 0.7 * pool_area);
  EXPECT_LT(cv::contourArea(outline), 1.05 * pool_area);
  const cv::Point2f centre(spec.width / 2.0f, spec.height / 2.0f);
  for (int f : {1, spec.frames}) {
    EXPECT_TRUE(InCountedArea(r->counted_areas, f, centre)) << f;
    EXPECT_FALSE(InCountedArea(r->counted_areas, f, {5, 5})) << f;
    EXPECT_FALSE(InCountedArea(r->counted_areas, f, {spec.width - 5.0f, spec.height - 5.0f})) << f;
  }
  // The snapshot outlines it (the clip has no such blue; PNG keeps it exact).
  const cv::Mat snapshot = cv::imread(o.snapshot_path);
  ASSERT_FALSE(snapshot.empty());
  cv::Mat outlined;
  cv::inRange(snapshot, cv::Scalar(255, 160, 0), cv::Scalar(255, 160, 0), outlined);
  EXPECT_GT(cv::countNonZero(outlined), 0.5 * cv::arcLength(outline, true));
  // With --roi the area is the polygon, from the first frame, in the first
  // frame's pixels (where a video run tracks).
  o.snapshot_path.clear();
  auto roi = ParseRoi("100,50,500,50,500,300,100,300");
  ASSERT_TRUE(roi.ok());
  o.roi = *roi;
  auto with_roi = RunCount(o);
  ASSERT_TRUE(with_roi.ok()) << with_roi.status().ToString();
  ASSERT_EQ(with_roi->counted_areas.size(), 1u);
  EXPECT_EQ(with_roi->counted_areas[0].first_frame, 1);
  EXPECT_EQ(with_roi->counted_areas[0].outline, *roi);
  EXPECT_TRUE(with_roi->counted_areas[0].first_frame_pixels);
  fs::remove_all(dir);
}

// The pool's look at a frame runs beside the detection of the frame
// before it (RunCount): each counted area must still be the pool as its
// own first frame shows it. The camera drifts 4 px a frame, so the
// outline of a look taken one frame early or late is 4 px off.
TEST(Pipeline, EachCountedAreaIsThePoolAsItsFirstFrameShowsIt) {
  fs::path dir = TempDir("area_per_frame");
  ClipSpec spec;
  spec.frames = 20;
  spec.drift_px = 4;
  spec.glare = false;
  CountOptions o;
  o.video_path = WriteClip(spec, dir);
  auto r = RunCount(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_GE(r->counted_areas.size(), 3u) << "each look finds the moved pool";
  // The pool's centre in frame f (the view moves right, the pool left).
  auto pool_x = [&](int f) { return spec.width / 2.0f - spec.drift_px * (f - 1); };
  for (const CountedArea& area : r->counted_areas) {
    const cv::Moments m = cv::moments(area.outline);
    ASSERT_GT(m.m00, 0);
    const float x = static_cast<float>(m.m10 / m.m00), y = static_cast<float>(m.m01 / m.m00);
    EXPECT_NEAR(x, pool_x(area.first_frame), 1.5f) << "area from frame " << area.first_frame;
    EXPECT_NEAR(y, spec.height / 2.0f, 1.5f) << "area from frame " << area.first_frame;
  }
  fs::remove_all(dir);
}

// A video run's --roi is given in the first frame's pixels: in a later
// frame's image it has moved with the camera; a pool's outline, found in
// the frame's own image, stays as it is.
TEST(Pipeline, ARoiOutlineMovesWithTheCamera) {
  const std::vector<cv::Point2f> square{{100, 50}, {500, 50}, {500, 300}, {100, 300}};
  const cv::Matx33d drifted(1, 0, -30, 0, 1, 4, 0, 0, 1);  // the camera moved 30 px right, 4 px up
  const std::vector<cv::Point2f> moved = OutlineInImage(CountedArea{1, square, true}, drifted);
  ASSERT_EQ(moved.size(), square.size());
  for (size_t i = 0; i < square.size(); ++i) {
    EXPECT_FLOAT_EQ(moved[i].x, square[i].x - 30);
    EXPECT_FLOAT_EQ(moved[i].y, square[i].y + 4);
  }
  EXPECT_EQ(OutlineInImage(CountedArea{1, square, false}, drifted), square);
}

// The area in effect at a frame is the last one that began at or before
// it; before the first, without any, or with an empty outline (no pool
// found yet), the whole frame counts.
TEST(Pipeline, InCountedAreaTakesTheAreaInEffectAtTheFrame) {
  const std::vector<cv::Point2f> left{{0, 0}, {100, 0}, {100, 100}, {0, 100}};
  const std::vector<cv::Point2f> right{{200, 0}, {300, 0}, {300, 100}, {200, 100}};
  const std::vector<CountedArea> areas{{3, {}}, {6, left}, {11, right}};
  const cv::Point2f in_left(50, 50), in_right(250, 50);
  EXPECT_TRUE(InCountedArea(areas, 1, in_right));  // before the first area
  EXPECT_TRUE(InCountedArea(areas, 4, in_right));  // an empty outline: the whole frame
  EXPECT_TRUE(InCountedArea(areas, 6, in_left));
  EXPECT_FALSE(InCountedArea(areas, 10, in_right));
  EXPECT_TRUE(InCountedArea(areas, 11, in_right));
  EXPECT_FALSE(InCountedArea(areas, 90, in_left));
  EXPECT_TRUE(InCountedArea({}, 5, in_left));
}

TEST(Pipeline, BadRoiIsInvalidArgument) {
  for (const char* text : {"1,2,3", "1,2,3,4", "a,b,c,d,e,f"}) {
    EXPECT_EQ(ParseRoi(text).status().code(), StatusCode::kInvalidArgument) << text;
  }
}

int RunCli(const std::string& args, std::string* output) {
  std::string cmd = std::string(STURGEON_BINARY) + " " + args + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  char buf[512];
  while (fgets(buf, sizeof buf, p)) *output += buf;
  return pclose(p);
}

// `count --blob-fates`: the option reaches the pipeline; a replay is told
// it has no blobs.
TEST(CountCli, WritesTheBlobAuditOfAVideoRun) {
  fs::path dir = TempDir("cli_blob_fates");
  ClipSpec calm;
  calm.frames = 4;
  const std::string video = WriteClip(calm, dir), blobs = (dir / "blobs.csv").string();
  std::string out;
  ASSERT_EQ(RunCli("count " + video + " --blob-fates " + blobs + " --json", &out), 0) << out;
  std::ifstream in(blobs);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_EQ(line.rfind("frame,fate,", 0), 0u) << line;
  std::set<int> frames;
  while (std::getline(in, line)) frames.insert(std::stoi(line.substr(0, line.find(','))));
  EXPECT_EQ(frames, (std::set<int>{1, 2, 3, 4}));
  const std::string det = (dir / "det.txt").string();
  std::ofstream(det) << "1,-1,10,20,30,40,0.9\n";
  out.clear();
  EXPECT_NE(RunCli("count --detections " + det + " --blob-fates " + blobs, &out), 0);
  EXPECT_NE(out.find("--blob-fates"), std::string::npos) << out;
  fs::remove_all(dir);
}

TEST(CountCli, MalformedDetectionFileNamesFileAndLine) {
  fs::path dir = TempDir("cli_bad");
  std::string det = (dir / "det.txt").string();
  std::ofstream(det) << "1,-1,10,20,30,40,0.9\n2,-1,10,20,thirty,40,0.9\n";
  std::string out;
  EXPECT_NE(RunCli("count --detections " + det + " --json", &out), 0);
  EXPECT_NE(out.find("det.txt:2"), std::string::npos) << out;
  fs::remove_all(dir);
}

TEST(CountCli, CountsDetectionsAndEvalScoresTheTracks) {
  fs::path dir = TempDir("cli_eval");
  std::vector<MotRecord> gt, det;
  for (int f = 1; f <= 40; ++f) {
    for (int id = 1; id <= 3; ++id) {
      cv::Rect2f box(100.0f * id + 2 * f, 50.0f * id, 50, 16);
      gt.push_back({f, id, box, 1.0f});
      det.push_back({f, -1, box, 0.9f});
    }
  }
  ASSERT_TRUE(WriteMotFile((dir / "gt.txt").string(), gt).ok());
  ASSERT_TRUE(WriteMotFile((dir / "det.txt").string(), det).ok());
  std::string out;
  ASSERT_EQ(RunCli("count --detections " + (dir / "det.txt").string() + " --tracks " + (dir / "tracks.txt").string() +
                       " --json",
                   &out),
            0)
      << out;
  auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["count"], 3);
  std::string eval;
  ASSERT_EQ(RunCli("eval --json --gt " + (dir / "gt.txt").string() + " --pred " + (dir / "tracks.txt").string(), &eval),
            0)
      << eval;
  auto e = nlohmann::json::parse(eval);
  EXPECT_DOUBLE_EQ(e["counting_accuracy"].get<double>(), 1.0);
  EXPECT_GT(e["mota"].get<double>(), 0.9);
  EXPECT_GT(e["idf1"].get<double>(), 0.9);
  EXPECT_EQ(e["breakdown"]["frames"], 40);
  EXPECT_EQ(e["breakdown"]["found"], 3);
  EXPECT_EQ(e["breakdown"]["duplicates"], 0);
  EXPECT_EQ(e["breakdown"]["false_tracks"], 0);
  EXPECT_EQ(e["breakdown"]["missed"], 0);
  // A fish that shows only after the counted frames is missed once the
  // breakdown covers its frames.
  gt.push_back({50, 4, cv::Rect2f(600, 300, 50, 16), 1.0f});
  ASSERT_TRUE(WriteMotFile((dir / "gt.txt").string(), gt).ok());
  for (const auto& [frames, missed] : {std::pair{"", 0}, std::pair{" --frames 50", 1}}) {
    eval.clear();
    ASSERT_EQ(RunCli("eval --json --gt " + (dir / "gt.txt").string() + " --pred " + (dir / "tracks.txt").string() +
                         frames,
                     &eval),
              0)
        << eval;
    EXPECT_EQ(nlohmann::json::parse(eval)["breakdown"]["missed"], missed) << frames;
  }
  fs::remove_all(dir);
}

// Writes gt.txt and det.txt into `dir`, counts det.txt with --tracks and
// --tracklets, then traces the missed fish against gt.txt. The count's and
// eval's JSON, or nulls after a failure (reported).
std::pair<nlohmann::json, nlohmann::json> CountThenTraceMissedFish(const fs::path& dir, const std::vector<MotRecord>& gt,
                                                                   const std::vector<MotRecord>& det) {
  EXPECT_TRUE(WriteMotFile((dir / "gt.txt").string(), gt).ok());
  EXPECT_TRUE(WriteMotFile((dir / "det.txt").string(), det).ok());
  const std::string tracks = (dir / "tracks.txt").string(), tracklets = (dir / "tracklets.csv").string();
  std::string count, eval;
  if (RunCli("count --detections " + (dir / "det.txt").string() + " --tracks " + tracks + " --tracklets " + tracklets +
                 " --json",
             &count) != 0) {
    ADD_FAILURE() << count;
    return {};
  }
  if (RunCli("eval --json --gt " + (dir / "gt.txt").string() + " --pred " + tracks + " --tracklets " + tracklets,
             &eval) != 0) {
    ADD_FAILURE() << eval;
    return {};
  }
  return {nlohmann::json::parse(count), nlohmann::json::parse(eval)};
}

// The audit trail: `count --tracklets` writes every tracklet with its
// fate, and `eval --tracklets` says where the missed fish went. Fish 4 is
// detected in two frames only: its tracklet is never confirmed.
TEST(CountCli, TrackletsAuditTrailShowsWhereAMissedFishWent) {
  fs::path dir = TempDir("cli_tracklets");
  std::vector<MotRecord> gt, det;
  for (int f = 1; f <= 40; ++f) {
    for (int id = 1; id <= 4; ++id) {
      cv::Rect2f box(100.0f * id + 2 * f, 50.0f * id, 50, 16);
      gt.push_back({f, id, box, 1.0f});
      if (id < 4 || f == 10 || f == 11) det.push_back({f, -1, box, 0.9f});
    }
  }
  const auto [count, eval_json] = CountThenTraceMissedFish(dir, gt, det);
  ASSERT_FALSE(count.is_null());
  EXPECT_EQ(count.at("count"), 3);
  const std::string tracks = (dir / "tracks.txt").string(), tracklets = (dir / "tracklets.csv").string();
  auto audit = ReadTrackletAudit(tracklets);
  ASSERT_TRUE(audit.ok()) << audit.status().ToString();
  EXPECT_EQ(audit->size(), det.size());  // every detection went to a tracklet
  int unconfirmed = 0, counted = 0;
  for (const TrackletAuditRow& r : *audit) {
    if (r.fate == TrackletFate::kUnconfirmed) {
      ++unconfirmed;
      EXPECT_EQ(r.fish, 0);
      EXPECT_TRUE(r.frame == 10 || r.frame == 11) << r.frame;
    } else {
      ++counted;
      EXPECT_EQ(r.fate, TrackletFate::kCounted);
      EXPECT_GE(r.fish, 1);
    }
  }
  EXPECT_EQ(unconfirmed, 2);
  EXPECT_EQ(counted, 120);
  const auto trail = eval_json.at("missed_fish_trail");
  EXPECT_EQ(trail.at("missed_fish"), 1);
  EXPECT_EQ(trail.at("observed_missed_fish"), 1);
  EXPECT_EQ(trail.at("observations"), 2);
  EXPECT_EQ(trail.at("unconfirmed"), 2);
  // The trail needs the tracks, not a count JSON, and ground-truth boxes.
  std::string eval;
  std::ofstream(dir / "count.json") << R"({"count": 3})";
  EXPECT_NE(RunCli("eval --gt " + (dir / "gt.txt").string() + " --pred " + (dir / "count.json").string() +
                       " --tracklets " + tracklets,
                   &eval),
            0);
  EXPECT_NE(eval.find("give them as --pred tracks.txt"), std::string::npos) << eval;
  const fs::path lone = dir / "lone";
  fs::create_directories(lone);
  std::ofstream(lone / "gt.json") << R"({"true_count": 4})";
  EXPECT_NE(RunCli("eval --gt " + (lone / "gt.json").string() + " --pred " + tracks + " --tracklets " + tracklets, &eval),
            0);
  EXPECT_NE(eval.find("--tracklets needs ground-truth boxes"), std::string::npos) << eval;
  fs::remove_all(dir);
}

// A count of no fish still has an audit trail to trace: fish 1, detected in
// two frames only, was never confirmed. The detections end at frame 6, and
// fish 2, in view from frame 15, was never filmed by that count.
TEST(CountCli, TrackletsOfACountOfNoFishAreTraced) {
  fs::path dir = TempDir("cli_tracklets_none");
  std::vector<MotRecord> gt, det;
  for (int f = 1; f <= 20; ++f) {
    cv::Rect2f box(100.0f + 2 * f, 50.0f, 50, 16);
    gt.push_back({f, 1, box, 1.0f});
    if (f >= 15) gt.push_back({f, 2, cv::Rect2f(600, 300, 50, 16), 1.0f});
    if (f == 5 || f == 6) det.push_back({f, -1, box, 0.9f});
  }
  const auto [count, eval] = CountThenTraceMissedFish(dir, gt, det);
  ASSERT_FALSE(count.is_null());
  EXPECT_EQ(count.at("count"), 0);
  const auto trail = eval.at("missed_fish_trail");
  EXPECT_EQ(trail.at("missed_fish"), 1);
  EXPECT_EQ(trail.at("unconfirmed"), 2);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace sturgeon::vision
