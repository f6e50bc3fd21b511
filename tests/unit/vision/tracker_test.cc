#include "vision/track/tracker.h"

#include <map>

#include <gtest/gtest.h>

#include "fish_scenes.h"
#include "vision/count/counter.h"
#include "vision/track/camera_shift.h"

namespace sturgeon::vision {
namespace {

using testing::MakePanScene;
using testing::MakeScene;
using testing::SceneSpec;

CountResult TrackAndCount(const std::map<int, std::vector<Detection>>& scene, int frames,
                          const TrackerParams& params = {}) {
  Tracker tracker(params);
  for (int f = 1; f <= frames; ++f) {
    auto it = scene.find(f);
    std::vector<Detection> none;
    tracker.Update(f, it == scene.end() ? none : it->second);
  }
  return CountFish(tracker.Tracklets());
}

// A fish swimming right at 2 px a frame along y = 300, detected in frames
// 1-10 and from `back` on; with `clutter`, a lone box in frame 13 lies in
// its lost track's wide gate, 12 px off its path, and nothing follows it in
// frame 14.
std::vector<Tracklet> TrackPastLoneClutter(const TrackerParams& params, int last_frame, int back = 15,
                                           bool clutter = true) {
  Tracker tracker(params);
  for (int f = 1; f <= last_frame; ++f) {
    std::vector<Detection> d;
    const float x = 100.0f + 2 * f;
    if (f <= 10 || f >= back) d.push_back(Detection{cv::Rect2f(x - 18, 282, 36, 36), 0.9f, 0});
    if (clutter && f == 13) d.push_back(Detection{cv::Rect2f(x - 18, 282 + 12, 36, 36), 0.9f, 0});
    tracker.Update(f, d);
  }
  return tracker.Tracklets();
}

bool HasFrame(const Tracklet& t, int frame) {
  return std::any_of(t.observations.begin(), t.observations.end(),
                     [&](const TrackObservation& o) { return o.frame == frame; });
}

TEST(Tracker, ALoneDetectionDoesNotReacquireALostTrackOnProbation) {
  const std::vector<Tracklet> plain = TrackPastLoneClutter(TrackerParams{}, 20);
  ASSERT_EQ(plain.size(), 1u);
  EXPECT_TRUE(HasFrame(plain[0], 13)) << "without probation the clutter box joins the track";

  const std::vector<Tracklet> probation = TrackPastLoneClutter(ForWholeFishDetections({}), 20);
  ASSERT_EQ(probation.size(), 1u);
  EXPECT_FALSE(HasFrame(probation[0], 13));
  EXPECT_EQ(probation[0].observations.size(), 16u);  // frames 1-10 and 15-20
  EXPECT_NEAR(Centre(probation[0].observations.back().box).y, 300.0f, 0.01f);
}

// A re-acquisition the clip ends on was never followed: not an observation.
TEST(Tracker, AReacquisitionInTheLastFrameIsNotKept) {
  const std::vector<Tracklet> ended = TrackPastLoneClutter(ForWholeFishDetections({}), 13);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].observations.size(), 10u);
}

// A fish that comes back is detected in two frames running: the
// re-acquisition is confirmed and the track goes on from it.
TEST(Tracker, AFishThatComesBackIsReacquiredOnProbation) {
  const std::vector<Tracklet> back = TrackPastLoneClutter(ForWholeFishDetections({}), 20, 14, false);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_TRUE(HasFrame(back[0], 14));
  EXPECT_EQ(back[0].observations.size(), 17u);  // frames 1-10 and 14-20
}

TEST(Tracker, SingleFrameFalsePositiveNeverBecomesATrack) {
  Tracker tracker;
  std::vector<Detection> one = {{cv::Rect2f(100, 100, 40, 40), 0.9f, 0}};
  std::vector<Detection> none;
  EXPECT_TRUE(tracker.Update(1, one).empty());
  for (int f = 2; f < 10; ++f) EXPECT_TRUE(tracker.Update(f, none).empty());
  auto tracklets = tracker.Tracklets();
  ASSERT_EQ(tracklets.size(), 1u);
  EXPECT_FALSE(tracklets[0].confirmed);
}

// Both body lengths reach the tracklet's observations (the counter reads
// one, the size estimate the other).
TEST(Tracker, KeepsBothBodyLengthsInTheObservations) {
  Tracker tracker;
  for (int f = 1; f <= 5; ++f) {
    const std::vector<Detection> d = {Detection{cv::Rect2f(100.0f + 3 * f, 100, 40, 10), 0.9f, 40.0f, 44.0f}};
    tracker.Update(f, d);
  }
  const std::vector<Tracklet> tracklets = tracker.Tracklets();
  ASSERT_EQ(tracklets.size(), 1u);
  ASSERT_EQ(tracklets[0].observations.size(), 5u);
  for (const TrackObservation& o : tracklets[0].observations) {
    EXPECT_FLOAT_EQ(o.length_px, 40.0f);
    EXPECT_FLOAT_EQ(o.full_length_px, 44.0f);
  }
}

TEST(Tracker, ConfirmsAfterMinHitsAndKeepsId) {
  Tracker tracker;
  std::vector<Track> out;
  for (int f = 1; f <= 5; ++f) {
    std::vector<Detection> d = {{cv::Rect2f(100.0f + 3 * f, 100, 40, 40), 0.9f, 0}};
    out = tracker.Update(f, d);
    if (f < 3) {
      EXPECT_TRUE(out.empty()) << f;
    }
  }
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].state, TrackState::kTracked);
  EXPECT_EQ(out[0].id, 1);
}

TEST(Tracker, TinyCentrePointBoxesStillAssociate) {
  SceneSpec s;
  s.box = 4;
  s.fish = 15;
  s.jitter_px = 1.5f;
  auto r = TrackAndCount(MakeScene(s), s.frames);
  EXPECT_EQ(r.count, 15);
}

// A detector that gives only centre points carries no size for the gate,
// and its points jitter by several pixels: the gate follows the measured
// prediction error, so each fish keeps one track (a fixed 12 px gate broke
// them and started a second track on the same fish).
TEST(Tracker, JitteryCentrePointsKeepOneTrackPerFish) {
  for (unsigned seed = 1; seed <= 3; ++seed) {
    SceneSpec s;
    s.box = 4;
    s.fish = 15;
    s.jitter_px = 5.0f;
    s.seed = seed;
    auto r = TrackAndCount(MakeScene(s), s.frames);
    EXPECT_EQ(r.count, 15) << "seed " << seed;
    EXPECT_LE(r.count_low, 15) << "seed " << seed;
    EXPECT_GE(r.count_high, 15) << "seed " << seed;
  }
}

// A lost track's gate widens; that must not make it look closer than the
// track that followed its fish in the last frame. Fish A (y = 300) and B
// (y = 340) swim side by side; B is hidden for 7 frames, and in the last
// of them A's box jitters 18 px towards B: A's track keeps it (the lost
// track won it when distances were divided by its widened gate).
TEST(Tracker, ALostTrackDoesNotTakeAFollowedFishsDetections) {
  Tracker tracker;
  for (int f = 1; f <= 40; ++f) {
    const bool b_hidden = f >= 15 && f < 22;
    std::vector<Detection> d = {{cv::Rect2f(100.0f + 2 * f, f == 21 ? 318.0f : 300.0f, 40, 40), 0.9f, 0}};
    if (!b_hidden) d.push_back({cv::Rect2f(100.0f + 2 * f, 340, 40, 40), 0.9f, 0});
    tracker.Update(f, d);
  }
  auto tracklets = tracker.Tracklets();
  ASSERT_EQ(tracklets.size(), 2u);
  for (const Tracklet& t : tracklets) {
    const float y0 = t.observations.front().box.y;
    for (const auto& o : t.observations) EXPECT_NEAR(o.box.y, y0, 20.0f) << "track " << t.id << " frame " << o.frame;
  }
}

// Two fish swim side by side, centred on the same x, a long one (40 px)
// above a short one (20 px, 12 px lower). In frame 10 both boxes jitter
// 7 px towards each other, so each lies closer to the other fish's
// predicted position: on distance alone the two tracks swap fish. The
// measured lengths keep each on its own fish.
TEST(Tracker, BodyLengthsKeepNeighboursApart) {
  auto fish = [](int f, float y, float length) {
    return Detection{cv::Rect2f(120.0f + 2 * f - length / 2, y - length / 8, length, length / 4), 0.9f, length, length};
  };
  auto run = [&](TrackerParams params) {
    Tracker tracker(params);
    for (int f = 1; f <= 16; ++f) {
      const bool jitter = f == 10;
      tracker.Update(f, std::vector<Detection>{fish(f, jitter ? 107.0f : 100.0f, 40.0f),
                                               fish(f, jitter ? 105.0f : 112.0f, 20.0f)});
    }
    return tracker.Tracklets();
  };
  const auto tracklets = run(TrackerParams{});
  ASSERT_EQ(tracklets.size(), 2u);
  for (const Tracklet& t : tracklets) {
    ASSERT_EQ(t.observations.size(), 16u) << "track " << t.id;
    const float length = t.observations.front().length_px;
    for (const auto& o : t.observations) {
      EXPECT_EQ(o.length_px, length) << "track " << t.id << " frame " << o.frame;
    }
  }
  // Without the length cue the two swap fish in frame 10 (the scene is
  // hard enough to need it).
  TrackerParams no_length;
  no_length.length_cost = 0;
  bool swapped = false;
  for (const Tracklet& t : run(no_length)) {
    for (const auto& o : t.observations) swapped = swapped || o.length_px != t.observations.front().length_px;
  }
  EXPECT_TRUE(swapped);
}

TEST(Tracker, LowScoreDetectionsKeepAFadingFishTracked) {
  Tracker tracker;
  for (int f = 1; f <= 20; ++f) {
    float score = f < 10 ? 0.9f : 0.2f;  // fish goes deeper: weak detections
    std::vector<Detection> d = {{cv::Rect2f(100.0f + 2 * f, 100, 40, 40), score, 0}};
    tracker.Update(f, d);
  }
  auto t = tracker.Tracklets();
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].observations.size(), 20u);
}

// The hard cases, each fed as detections only. The count must be exact.
TEST(Counter, CountsEachFishOnceAcrossNuisances) {
  struct Case { const char* name; SceneSpec spec; };
  std::vector<Case> cases;
  SceneSpec base;
  cases.push_back({"clean", base});
  SceneSpec misses = base; misses.miss_rate = 0.2f; cases.push_back({"misses", misses});
  SceneSpec jitter = base; jitter.jitter_px = 4; cases.push_back({"jitter", jitter});
  SceneSpec fps = base; fps.false_positives_per_frame = 1.5f; cases.push_back({"false positives", fps});
  SceneSpec dives = base; dives.dive_share = 0.5f; cases.push_back({"dive and resurface", dives});
  SceneSpec dense = base; dense.fish = 60; dense.width = 900; dense.height = 600; dense.box = 30;
  cases.push_back({"dense overlaps", dense});
  SceneSpec all = base; all.fish = 40; all.miss_rate = 0.1f; all.jitter_px = 2; all.false_positives_per_frame = 0.5f;
  all.dive_share = 0.3f; cases.push_back({"everything", all});
  // Both settings: Sturgeon's blob detections' and a whole-fish detector's.
  for (const auto& [settings, params] : {std::pair{"blob", TrackerParams{}},
                                         std::pair{"whole fish", ForWholeFishDetections({})}}) {
    for (const Case& c : cases) {
      for (unsigned seed = 1; seed <= 3; ++seed) {
        SceneSpec s = c.spec;
        s.seed = seed;
        auto r = TrackAndCount(MakeScene(s), s.frames, params);
        EXPECT_EQ(r.count, s.fish) << settings << ": " << c.name << " seed " << seed;
        EXPECT_LE(r.count_low, s.fish) << settings << ": " << c.name;
        EXPECT_GE(r.count_high, s.fish) << settings << ": " << c.name;
      }
    }
  }
}

// Ten seconds of a whole-fish detector's boxes (a fifth missed, 1.8 px of
// jitter, a false box per ten) over 100 fish, about 30 of which dive for 40
// frames: lost tracks re-acquired by lone clutter wandered, and the
// blob settings count 109 / 106 / 104.
TEST(Counter, LongWholeFishFootageWithDivesCountsEveryFishOnce) {
  for (unsigned seed : {1u, 2u, 3u}) {
    SceneSpec s = testing::WholeFishDetectorScene(100, 300, seed);
    s.dive_share = 0.3f;
    s.dive_frames = 40;
    auto r = TrackAndCount(MakeScene(s), s.frames, ForWholeFishDetections({}));
    EXPECT_NEAR(r.count, s.fish, 1) << "seed " << seed;
  }
}

TEST(Counter, FishOccludedWhileCrossingStaysOneEach) {
  // Two fish cross; at the crossing only one detection is seen for 8 frames.
  Tracker tracker;
  for (int f = 1; f <= 80; ++f) {
    float ax = 100.0f + 5 * f, bx = 500.0f - 5 * f;
    std::vector<Detection> d;
    if (std::abs(ax - bx) < 40) {
      d.push_back({cv::Rect2f((ax + bx) / 2 - 20, 200, 40, 40), 0.9f, 0});
    } else {
      d.push_back({cv::Rect2f(ax - 20, 200, 40, 40), 0.9f, 0});
      d.push_back({cv::Rect2f(bx - 20, 200, 40, 40), 0.9f, 0});
    }
    tracker.Update(f, d);
  }
  EXPECT_EQ(CountFish(tracker.Tracklets()).count, 2);
}

TEST(Counter, FishThatDivesAndResurfacesElsewhereIsOneFish) {
  for (const TrackerParams& params : {TrackerParams{}, ForWholeFishDetections({})}) {
    Tracker tracker(params);
    for (int f = 1; f <= 200; ++f) {
      bool under = f > 50 && f <= 150;  // 100 frames under water, drifting 150 px
      std::vector<Detection> d;
      if (!under) d.push_back({cv::Rect2f(300.0f + 1.5f * f, 300, 60, 20), 0.9f, 0});
      d.push_back({cv::Rect2f(1200, 700, 60, 20), 0.9f, 0});  // a resting fish
      tracker.Update(f, d);
    }
    auto r = CountFish(tracker.Tracklets());
    EXPECT_EQ(r.count, 2) << "gate share of the box " << params.gate_size_factor;
    EXPECT_EQ(r.links, 1) << "gate share of the box " << params.gate_size_factor;
  }
}

TEST(Counter, IntervalWidensWithUncertainty) {
  SceneSpec clean;
  clean.fish = 30;
  SceneSpec noisy = clean;
  noisy.miss_rate = 0.3f;
  noisy.dive_share = 0.6f;
  noisy.false_positives_per_frame = 2;
  auto a = TrackAndCount(MakeScene(clean), clean.frames);
  auto b = TrackAndCount(MakeScene(noisy), noisy.frames);
  EXPECT_LE(a.count_high - a.count_low, b.count_high - b.count_low);
  EXPECT_LT(a.count_low, a.count + 1);
  EXPECT_GT(a.count_high, a.count - 1);
}

// A replay's camera from the detections alone: a pan of 2400 px over a
// pond wider than the view and back, fish leaving and re-entering it, is
// followed to within a quarter of a fish box in every frame (10.6 px at
// worst: the slow start and turn, which the fish's own moves hide).
TEST(CameraFromDetections, FollowsACameraPanningOverSwimmingFish) {
  const auto scene = MakePanScene();
  CameraFromDetections camera;
  float worst = 0;
  for (const auto& [frame, dets] : scene.detections) {
    const cv::Point2f error = camera.Update(dets) - scene.camera_offset.at(frame);
    worst = std::max(worst, static_cast<float>(cv::norm(error)));
  }
  EXPECT_TRUE(camera.moved());
  EXPECT_LT(worst, 15.0f);
}

// The detections a track could take are kept by frame, for the count's
// allowance (MeasureUnexplainedDetections): boxes under low_score and
// frames without one are told apart.
TEST(Tracker, KeepsHowManyUsableDetectionsEachFrameHeld) {
  Tracker tracker;
  const std::vector<Detection> two = {Detection{cv::Rect2f(100, 100, 40, 10), 0.9f, 40.0f},
                                      Detection{cv::Rect2f(300, 100, 40, 10), 0.3f, 40.0f},
                                      Detection{cv::Rect2f(500, 100, 40, 10), 0.05f, 40.0f}};
  tracker.Update(1, two);
  tracker.Update(2, {});
  tracker.Update(4, two);
  EXPECT_EQ(tracker.DetectionsByFrame(), (std::map<int, int>{{1, 2}, {2, 0}, {4, 2}}));
}

// Over a still camera the fish's own moves, the jitter, misses and false
// boxes never read as the camera moving.
TEST(CameraFromDetections, AStillCameraStaysStill) {
  for (unsigned seed = 1; seed <= 3; ++seed) {
    const SceneSpec s{.fish = 40, .miss_rate = 0.2f, .false_positives_per_frame = 2, .jitter_px = 3, .seed = seed};
    CameraFromDetections camera;
    for (const auto& [frame, dets] : MakeScene(s)) EXPECT_EQ(camera.Update(dets), cv::Point2f(0, 0)) << "frame " << frame;
    EXPECT_FALSE(camera.moved()) << "seed " << seed;
  }
}

// A drone drifting slowly (up to 2.6 px a frame, stopping and turning
// back) over 40 swimming fish whose own moves (1.5 px a frame, 1.8 px of
// jitter) are as large: frame by frame the camera stalls and catches up
// in jumps (steps off by several pixels, which break the tracks of a
// whole-fish detector's 0.3-box gate: RMS step error 4.9-8.0 px on seeds
// 1-3); the replay's path, smoothed over the whole replay, 0.9-1.1 px.
TEST(CameraPathFromDetections, FollowsASlowDriftWithoutJumps) {
  for (unsigned seed = 1; seed <= 3; ++seed) {
    SceneSpec s = testing::WholeFishDetectorScene(40, 90, seed);
    auto scene = MakeScene(s);
    std::map<int, cv::Point2f> truth;
    for (auto& [frame, dets] : scene) {
      const float phase = 3.1416f * static_cast<float>(frame - 1) / 80;
      truth[frame] = cv::Point2f(-67 * std::sin(phase), 65 * std::sin(phase));
      for (Detection& d : dets) d.box += truth[frame];
    }
    CameraFromDetections frame_by_frame;
    std::vector<cv::Point2f> online(s.frames + 1);
    for (int f = 1; f <= s.frames; ++f) online[f] = frame_by_frame.Update(scene[f]);
    const std::vector<cv::Point2f> path = CameraPathFromDetections(scene, s.frames);
    ASSERT_EQ(path.size(), static_cast<size_t>(s.frames) + 1);
    double online_sq = 0, path_sq = 0;  // squared step errors
    for (int f = 2; f <= s.frames; ++f) {
      const cv::Point2f true_step = truth[f] - truth[f - 1];
      online_sq += (online[f] - online[f - 1] - true_step).dot(online[f] - online[f - 1] - true_step);
      path_sq += (path[f] - path[f - 1] - true_step).dot(path[f] - path[f - 1] - true_step);
    }
    const double online_rms = std::sqrt(online_sq / (s.frames - 1)), path_rms = std::sqrt(path_sq / (s.frames - 1));
    EXPECT_GT(online_rms, 3.0) << "seed " << seed;
    EXPECT_LT(path_rms, 1.5) << "seed " << seed;
    EXPECT_LT(path_rms, online_rms / 4) << "seed " << seed;
  }
}

// The smoothing keeps a pan's turns (the pan test above, whole replay) and
// a still camera still.
TEST(CameraPathFromDetections, KeepsAPansTurnsAndAStillCameraStill) {
  const auto pan = MakePanScene();
  const std::vector<cv::Point2f> path = CameraPathFromDetections(pan.detections, 200);
  float worst = 0;
  for (const auto& [frame, offset] : pan.camera_offset) worst = std::max(worst, static_cast<float>(cv::norm(path[frame] - offset)));
  EXPECT_LT(worst, 15.0f);
  const SceneSpec still{.fish = 40, .miss_rate = 0.2f, .false_positives_per_frame = 2, .jitter_px = 3, .seed = 1};
  for (const cv::Point2f& o : CameraPathFromDetections(MakeScene(still), still.frames)) EXPECT_EQ(o, cv::Point2f(0, 0));
}

TEST(CommonShift, CannotTellFromFewerThanThreeDetections) {
  const std::vector<Detection> two = {{cv::Rect2f(100, 100, 40, 40), 0.9f, 0}, {cv::Rect2f(300, 200, 40, 40), 0.9f, 0}};
  std::vector<Detection> moved = two;
  for (Detection& d : moved) d.box.x += 30;
  EXPECT_FALSE(CommonShift(two, moved).has_value());
  std::vector<Detection> three = two, three_moved = moved;
  three.push_back({cv::Rect2f(500, 400, 40, 40), 0.9f, 0});
  three_moved.push_back({cv::Rect2f(530, 400, 40, 40), 0.9f, 0});
  const std::optional<cv::Point2f> shift = CommonShift(three, three_moved);
  ASSERT_TRUE(shift.has_value());
  EXPECT_NEAR(shift->x, 30.0f, 0.01f);
  EXPECT_NEAR(shift->y, 0.0f, 0.01f);
}

// Fish evenly spaced in a line: when one more of them is in view in one
// frame, each fish paired with its neighbour votes for a displacement as
// well as each paired with itself. The detections cannot tell the two
// apart (before, the neighbours' displacement won the tie and the replay
// took the fish's 2-px swim for a 100-px jump of the camera).
TEST(CommonShift, EvenlySpacedFishLeaveItUndecided) {
  auto line = [](int n, float swum) {
    std::vector<Detection> dets;
    for (int i = 1; i <= n; ++i) dets.push_back({cv::Rect2f(100.0f * i + swum, 50.0f * i, 50, 16), 0.9f, 0});
    return dets;
  };
  EXPECT_FALSE(CommonShift(line(4, 0), line(3, 2)).has_value());
  EXPECT_FALSE(CommonShift(line(3, 0), line(4, 2)).has_value());
  // Unevenly spaced, the same fish and swim are told.
  std::vector<Detection> before, after;
  for (cv::Point2f p : {cv::Point2f(100, 50), cv::Point2f(260, 90), cv::Point2f(330, 210), cv::Point2f(520, 160)}) {
    before.push_back({cv::Rect2f(p.x, p.y, 50, 16), 0.9f, 0});
    after.push_back({cv::Rect2f(p.x + 2, p.y, 50, 16), 0.9f, 0});
  }
  const std::optional<cv::Point2f> shift = CommonShift(before, after);
  ASSERT_TRUE(shift.has_value());
  EXPECT_NEAR(shift->x, 2.0f, 0.01f);
}

}  // namespace
}  // namespace sturgeon::vision
