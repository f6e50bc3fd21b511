#include "vision/count/counter.h"

#include <gtest/gtest.h>

namespace sturgeon::vision {
namespace {

Tracklet Line(int id, int first, int last, float x0, float y, float vx) {
  Tracklet t;
  t.id = id;
  t.confirmed = true;
  for (int f = first; f <= last; ++f) {
    t.observations.push_back({f, cv::Rect2f(x0 + vx * (f - first), y, 40, 14), 0.9f, 40});
  }
  return t;
}

TEST(CountFish, UnconfirmedTrackletsAreNotCounted) {
  Tracklet t = Line(1, 1, 50, 0, 0, 1);
  Tracklet fp = Line(2, 10, 11, 500, 500, 0);
  fp.confirmed = false;
  EXPECT_EQ(CountFish({t, fp}).count, 1);
}

TEST(CountFish, DoesNotStitchTrackletsFarApartInSpaceTime) {
  // Two fish, each seen once, a whole pool apart in a few frames.
  auto r = CountFish({Line(1, 1, 40, 0, 0, 1), Line(2, 45, 90, 1800, 900, 1)});
  EXPECT_EQ(r.count, 2);
  EXPECT_EQ(r.links, 0);
}

TEST(CountFish, StitchesTrackletsAFishCouldSwimBetween) {
  auto r = CountFish({Line(1, 1, 40, 0, 0, 1), Line(2, 60, 90, 60, 0, 1)});
  EXPECT_EQ(r.count, 1);
  ASSERT_EQ(r.fish.size(), 1u);
  EXPECT_EQ(r.fish[0].tracklet_ids, (std::vector<int>{1, 2}));
}

TEST(CountFish, IntervalContainsTheCount) {
  std::vector<Tracklet> ts;
  for (int i = 0; i < 100; ++i) ts.push_back(Line(i + 1, 1, 100, 0, i * 30.0f, 1));
  auto r = CountFish(ts);
  EXPECT_EQ(r.count, 100);
  EXPECT_LE(r.count_low, 99);
  EXPECT_GE(r.count_high, 101);
}

TEST(CountFish, APieceMovingRigidlyWithALongerTrackletIsTheSameFish) {
  // Head and tail of one 40-px fish tracked apart: 25 px behind, always.
  auto r = CountFish({Line(1, 1, 60, 0, 100, 2), Line(2, 5, 50, -17, 100, 2)});
  EXPECT_EQ(r.count, 1);
  EXPECT_EQ(r.duplicates, 1);
}

// Fish swimming side by side keep a near-constant offset for a while, as a
// piece of one fish does, but across their heading: a piece lies along the
// body (head, tail), a neighbour beside it. In a one-second clip of a cage
// whose fish swim in parallel, neighbours were dropped as pieces of each
// other (round 24).
TEST(CountFish, ANeighbourSwimmingAlongsideIsNotAPieceOfIt) {
  const Tracklet fish = Line(1, 1, 60, 0, 100, 2);  // 40 px long, along x
  // Half a length beside it, always, seen in fewer frames: a second fish,
  // and a close companion in the interval (it may still be a piece).
  auto beside = CountFish({fish, Line(2, 5, 50, 8, 120, 2)});
  EXPECT_EQ(beside.count, 2);
  EXPECT_EQ(beside.duplicates, 0);
  EXPECT_EQ(beside.close_companions, 1);
  EXPECT_LT(beside.count_low, 2);
  // The same offset behind it, along its heading: its tail.
  auto behind = CountFish({fish, Line(2, 5, 50, -12, 100, 2)});
  EXPECT_EQ(behind.count, 1);
  EXPECT_EQ(behind.duplicates, 1);
  // Resting fish show no heading, and the offset cannot tell a neighbour
  // from a piece: the rule stands.
  auto resting = CountFish({Line(1, 1, 60, 0, 100, 0), Line(2, 5, 50, 0, 120, 0)});
  EXPECT_EQ(resting.count, 1);
}

// Fish in a shoal swim flank to flank, their centres a third of a body
// apart for the whole clip. From a detector that measures no lengths, with
// one of them missed now and then (its tracklet is the shorter), they are
// still two fish: only boxes nearly on top of each other are one fish seen
// twice (a dense shoal lost 40% of its fish to the old half-a-body rule).
TEST(CountFish, ShoalNeighboursAreNotDuplicatesOfEachOther) {
  Tracklet a = Line(1, 1, 80, 0, 100, 2);
  Tracklet b = Line(2, 1, 80, 0, 112, 2);
  std::erase_if(b.observations, [](const TrackObservation& o) { return o.frame % 4 == 0; });
  for (Tracklet* t : {&a, &b}) {
    for (auto& o : t->observations) o.length_px = 0;
  }
  auto r = CountFish({a, b});
  EXPECT_EQ(r.count, 2);
  EXPECT_EQ(r.duplicates, 0);
  // A detector that reports one fish twice, boxes 3 px apart: one fish.
  Tracklet twice = Line(3, 1, 80, 3, 100, 2);
  std::erase_if(twice.observations, [](const TrackObservation& o) { return o.frame % 4 == 0; });
  for (auto& o : twice.observations) o.length_px = 0;
  auto d = CountFish({a, twice});
  EXPECT_EQ(d.count, 1);
  EXPECT_EQ(d.duplicates, 1);
}

// Pieces split off a clump (no length where the detector measures lengths)
// sit anywhere in the clump: half a fish size off a longer chain is the
// same fish, where a whole body that close is a neighbour.
TEST(CountFish, AClumpPieceBesideALongerChainIsADuplicate) {
  Tracklet fish = Line(1, 1, 80, 0, 100, 2);  // 40 px boxes, length 40
  Tracklet piece = Line(2, 1, 80, 0, 115, 2);
  std::erase_if(piece.observations, [](const TrackObservation& o) { return o.frame % 4 == 0; });
  for (auto& o : piece.observations) o.length_px = 0;
  auto r = CountFish({fish, piece}, [] {
    CounterParams p;
    p.rigid_wobble_lengths = 0;  // judged by the duplicate rule alone
    return p;
  }());
  EXPECT_EQ(r.count, 1);
  EXPECT_EQ(r.duplicates, 1);
}

// Take-over: the tracker started a second track on an outlying detection
// of a fish its first track still followed; the two took turns on the fish
// (never in the same frame) until the first was lost. One fish.
Tracklet Interleaved(int id, int first, int last, int parity, float x0, float vx) {
  Tracklet t;
  t.id = id;
  t.confirmed = true;
  for (int f = first; f <= last; ++f) {
    if (f % 2 != parity) continue;
    t.observations.push_back({f, cv::Rect2f(x0 + vx * f, 100, 40, 14), 0.9f, 40});
  }
  return t;
}

TEST(CountFish, ATrackThatTookOverAFishIsStitchedToIt) {
  std::vector<Tracklet> ts = {Line(1, 1, 30, 0, 100, 2), Interleaved(2, 31, 44, 1, 0, 2),
                              Interleaved(3, 32, 90, 0, 0, 2)};
  // Tracklet 1+2 is one track (frames 1-30 then odd frames to 43).
  ts[0].observations.insert(ts[0].observations.end(), ts[1].observations.begin(), ts[1].observations.end());
  ts.erase(ts.begin() + 1);
  auto r = CountFish(ts);
  EXPECT_EQ(r.count, 1);
  EXPECT_EQ(r.links, 1);
  ASSERT_EQ(r.fish.size(), 1u);
  for (size_t i = 1; i < r.fish[0].observations.size(); ++i) {
    EXPECT_LT(r.fish[0].observations[i - 1].frame, r.fish[0].observations[i].frame) << "one observation a frame";
  }
}

// Two tracklets seen in the same frame are two objects, however close, and
// a take-over window has a limit.
TEST(CountFish, TakeOverNeedsDisjointFramesAndAShortOverlap) {
  Tracklet a = Line(1, 1, 40, 0, 100, 2);
  Tracklet shares = Line(2, 35, 90, 70, 100, 2);  // frames 35-40 in both
  auto r = CountFish({a, shares});
  EXPECT_EQ(r.links, 0);
  Tracklet early = Interleaved(3, 2, 90, 0, 0, 2);  // even frames from 2; a has all frames to 40
  Tracklet a_odd = Interleaved(4, 1, 40, 1, 0, 2);  // odd frames to 39: started 38 frames before a ended
  auto far = CountFish({a_odd, early});
  EXPECT_EQ(far.links, 0);
  EXPECT_EQ(far.count, 2);
}

// Take-over links in a row: c may not share a frame with a even when it
// shares none with b.
TEST(CountFish, AChainOfTakeOversHasOneObservationAFrame) {
  Tracklet a = Interleaved(1, 1, 19, 1, 0, 2);   // odd frames 1-19
  Tracklet b = Interleaved(2, 10, 24, 0, 0, 2);  // even frames 10-24
  Tracklet c = Interleaved(3, 15, 40, 1, 0, 2);  // odd frames 15-39
  auto r = CountFish({a, b, c});
  for (const CountedFish& f : r.fish) {
    for (size_t i = 1; i < f.observations.size(); ++i) {
      EXPECT_LT(f.observations[i - 1].frame, f.observations[i].frame) << "fish " << f.id;
    }
  }
}

TEST(CountFish, FishSideBySideThatDriftApartAreTwo) {
  // Two fish 25 px apart across, one overtaking the other: the offset
  // changes by 27 px over their common life.
  auto r = CountFish({Line(1, 1, 60, 0, 100, 2), Line(2, 5, 50, -10, 125, 2.6f)});
  EXPECT_EQ(r.count, 2);
  EXPECT_EQ(r.duplicates, 0);
}

}  // namespace
// Temporal shape consistency: a rigid fish keeps its length from frame to
// frame; a flickering pattern (a caustic cell, foam) does not.
// A piece that keeps close to a longer-lived fish but wobbles too much to be
// dropped as a rigid piece of it is counted, and the interval's low end
// allows it to be part of that fish; a fish far from every other does not
// widen it.
TEST(CountFish, ACloseWobblingCompanionWidensTheIntervalDownwards) {
  std::vector<Tracklet> alone;
  for (int i = 0; i < 3; ++i) alone.push_back(Line(i + 1, 1, 60, 0, 300.0f * i, 2));
  auto apart = CountFish(alone);
  EXPECT_EQ(apart.count, 3);
  EXPECT_EQ(apart.close_companions, 0);

  // 22 px ahead of fish 1 (a 40-px fish) and wobbling +-10 px across.
  Tracklet piece;
  piece.id = 9;
  piece.confirmed = true;
  for (int f = 5; f <= 50; ++f) {
    piece.observations.push_back(
        {f, cv::Rect2f(22 + 2.0f * (f - 1), (f % 2 ? 10.0f : -10.0f), 40, 14), 0.9f, 40});
  }
  std::vector<Tracklet> with_piece = alone;
  with_piece.push_back(piece);
  auto r = CountFish(with_piece);
  EXPECT_EQ(r.count, 4);
  EXPECT_EQ(r.duplicates, 0);  // not rigid, not on top of fish 1
  EXPECT_EQ(r.close_companions, 1);
  EXPECT_LT(r.count_low, apart.count_low + 1);  // the low end does not follow the extra chain up
  EXPECT_GE(r.count_high, 4);
}

TEST(CountFish, AFlickeringPatternIsNotAFishButAStableBodyIs) {
  Tracklet fish = Line(1, 1, 60, 0, 0, 1);
  Tracklet flicker = Line(2, 1, 60, 900, 500, 0.3f);
  const float lengths[] = {12, 45, 20, 60, 9, 38};
  for (size_t i = 0; i < flicker.observations.size(); ++i) flicker.observations[i].length_px = lengths[i % 6];
  auto r = CountFish({fish, flicker});
  EXPECT_EQ(r.count, 1);
  EXPECT_EQ(r.inconsistent, 1);
  ASSERT_EQ(r.fish.size(), 1u);
  EXPECT_EQ(r.fish[0].tracklet_ids, (std::vector<int>{1}));
}

// A fish resting on the bottom does not move: it is counted like any other
// stable body.
TEST(CountFish, AMotionlessStableBodyIsCounted) {
  Tracklet resting = Line(1, 1, 60, 300, 300, 0);
  for (size_t i = 0; i < resting.observations.size(); ++i) resting.observations[i].length_px = 40 + (i % 3);
  auto r = CountFish({resting});
  EXPECT_EQ(r.count, 1);
  EXPECT_EQ(r.inconsistent, 0);
}

// Detections read from a file carry no lengths: the shape test is off.
TEST(CountFish, TrackletsWithoutLengthsAreNotJudgedByShape) {
  Tracklet t = Line(1, 1, 60, 0, 0, 1);
  for (auto& o : t.observations) o.length_px = 0;
  EXPECT_EQ(CountFish({t}).count, 1);
}

// The audit trail: every tracklet given gets a verdict, in the order
// given, naming the rule that left it out or the fish it is part of.
TEST(CountFish, EveryTrackletGetsTheVerdictOfTheRuleThatDecidedIt) {
  Tracklet fish = Line(1, 1, 60, 0, 100, 2);          // a fish
  Tracklet piece = Line(2, 5, 50, -17, 100, 2);       // its tail, 17 px behind: a rigid companion
  Tracklet tentative = Line(3, 10, 11, 500, 500, 0);  // never confirmed
  tentative.confirmed = false;
  Tracklet brief = Line(4, 70, 72, 1500, 900, 0);     // confirmed, 3 observations, alone
  Tracklet flicker = Line(5, 1, 60, 900, 500, 0.3f);  // a caustic cell
  const float lengths[] = {12, 45, 20, 60, 9, 38};
  for (size_t i = 0; i < flicker.observations.size(); ++i) flicker.observations[i].length_px = lengths[i % 6];
  Tracklet second = Line(6, 1, 60, 0, 700, 2);        // a second fish
  const CountResult r = CountFish({fish, piece, tentative, brief, flicker, second});
  ASSERT_EQ(r.count, 2);
  ASSERT_EQ(r.verdicts.size(), 6u);
  const TrackletFate expected[] = {TrackletFate::kCounted,        TrackletFate::kRigidCompanion,
                                   TrackletFate::kUnconfirmed,    TrackletFate::kTooFewObservations,
                                   TrackletFate::kUnstableLength, TrackletFate::kCounted};
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(r.verdicts[i].tracklet_id, i + 1);
    EXPECT_EQ(r.verdicts[i].fate, expected[i]) << "tracklet " << i + 1 << " is "
                                               << TrackletFateName(r.verdicts[i].fate);
  }
  // A counted tracklet names its fish; the others none.
  ASSERT_GT(r.verdicts[0].fish_id, 0);
  ASSERT_GT(r.verdicts[5].fish_id, 0);
  EXPECT_EQ(r.fish[r.verdicts[0].fish_id - 1].tracklet_ids, (std::vector<int>{1}));
  EXPECT_EQ(r.fish[r.verdicts[5].fish_id - 1].tracklet_ids, (std::vector<int>{6}));
  for (int i : {1, 2, 3, 4}) EXPECT_EQ(r.verdicts[i].fish_id, 0);
}

// Tracklets stitched into one chain are one fish: each names that fish.
TEST(CountFish, EveryTrackletOfAStitchedChainNamesItsFish) {
  const CountResult r = CountFish({Line(1, 1, 40, 0, 0, 1), Line(2, 60, 90, 60, 0, 1)});
  ASSERT_EQ(r.count, 1);
  ASSERT_EQ(r.verdicts.size(), 2u);
  for (const TrackletVerdict& v : r.verdicts) {
    EXPECT_EQ(v.fate, TrackletFate::kCounted);
    EXPECT_EQ(v.fish_id, 1);
  }
}

TEST(CountFish, TrackletFateNamesRoundTrip) {
  for (TrackletFate fate : {TrackletFate::kUnconfirmed, TrackletFate::kCounted, TrackletFate::kDuplicate,
                            TrackletFate::kRigidCompanion, TrackletFate::kTooFewObservations,
                            TrackletFate::kNeverWhole, TrackletFate::kUnstableLength}) {
    EXPECT_EQ(TrackletFateFromName(TrackletFateName(fate)), fate);
  }
  EXPECT_FALSE(TrackletFateFromName("Counted").has_value());
  EXPECT_FALSE(TrackletFateFromName("").has_value());
}

// The other rules' verdicts: a fish reported twice (boxes 3 px apart) is
// a duplicate; a chain never seen whole often enough is `never_whole`; a
// chain of two stitched tracklets too short to count drops both.
TEST(CountFish, DuplicatesUnseenChainsAndShortChainsGetTheirRulesVerdict) {
  Tracklet a = Line(1, 1, 80, 0, 100, 2);
  Tracklet twice = Line(2, 1, 80, 3, 100, 2);
  std::erase_if(twice.observations, [](const TrackObservation& o) { return o.frame % 4 == 0; });
  for (Tracklet* t : {&a, &twice}) {
    for (auto& o : t->observations) o.length_px = 0;
  }
  const CountResult d = CountFish({a, twice});
  ASSERT_EQ(d.verdicts.size(), 2u);
  EXPECT_EQ(d.verdicts[0].fate, TrackletFate::kCounted);
  EXPECT_EQ(d.verdicts[1].fate, TrackletFate::kDuplicate);
  EXPECT_EQ(d.verdicts[1].fish_id, 0);

  CounterParams whole;
  whole.min_whole_observations = 5;
  Tracklet pieces = Line(3, 1, 40, 900, 900, 1);
  for (auto& o : pieces.observations) o.length_px = 0;  // pieces of clumps only
  const CountResult w = CountFish({Line(1, 1, 40, 0, 0, 1), pieces}, whole);
  ASSERT_EQ(w.verdicts.size(), 2u);
  EXPECT_EQ(w.verdicts[0].fate, TrackletFate::kCounted);
  EXPECT_EQ(w.verdicts[1].fate, TrackletFate::kNeverWhole);

  CounterParams many;
  many.min_fish_observations = 10;
  const CountResult s = CountFish({Line(1, 1, 4, 0, 0, 1), Line(2, 8, 11, 8, 0, 1), Line(3, 1, 40, 900, 900, 1)}, many);
  ASSERT_EQ(s.count, 1);
  EXPECT_EQ(s.links, 1);  // 1 -> 2, eight observations
  ASSERT_EQ(s.verdicts.size(), 3u);
  EXPECT_EQ(s.verdicts[0].fate, TrackletFate::kTooFewObservations);
  EXPECT_EQ(s.verdicts[1].fate, TrackletFate::kTooFewObservations);
  EXPECT_EQ(s.verdicts[2].fate, TrackletFate::kCounted);
}

// Tracklet ids need not be unique (tracklets from two sources): the
// verdicts follow the tracklets, not their ids.
TEST(CountFish, VerdictsFollowTrackletsWhoseIdsRepeat) {
  const CountResult r = CountFish({Line(7, 1, 40, 0, 0, 1), Line(7, 1, 40, 1500, 900, 1)});
  ASSERT_EQ(r.count, 2);
  ASSERT_EQ(r.verdicts.size(), 2u);
  for (const TrackletVerdict& v : r.verdicts) EXPECT_EQ(v.fate, TrackletFate::kCounted);
  EXPECT_NE(r.verdicts[0].fish_id, r.verdicts[1].fish_id);
}

// Detections no counted fish took are as many fish as the rate of
// sighting of the counted fish seen least makes them: five fish seen in
// 6, 9, 10, 10 and 10 of their 10 frames have a lower quartile of 0.9,
// and 2 detections a frame beyond theirs are 2 / 0.9 = 2.2, so 3 fish.
TEST(UnexplainedDetections, AreTheFishTheyMayBeAtTheRecallOfTheCountedFishSeenLeast) {
  CountResult r;
  r.fish.resize(5);
  std::map<int, int> fed;
  for (int f = 1; f <= 10; ++f) {
    for (int i = 0; i < 5; ++i) {
      const bool seen = i == 0 ? f != 5 : i == 1 ? f % 2 == 1 || f == 10 : true;
      if (!seen) continue;
      r.fish[i].observations.push_back({f, cv::Rect2f(100.0f * i, 0, 40, 14), 0.9f, 40});
      ++fed[f];
    }
    fed[f] += 2;
  }
  fed[11] = 2;  // after every fish: 2 more
  // A sighting in a frame the detections do not cover is not one.
  r.fish[2].observations.push_back({12, cv::Rect2f(204, 0, 40, 14), 0.9f, 40});
  const UnexplainedDetections u = MeasureUnexplainedDetections(r, fed);
  EXPECT_DOUBLE_EQ(u.per_frame, 2.0);
  EXPECT_DOUBLE_EQ(u.counted_recall_q25, 0.9);  // fish 1 (seen in 6 of 10 frames) is the lowest
  EXPECT_EQ(u.fish, 3);

  // Every detection a counted fish's: nothing to allow for.
  std::map<int, int> only_fish = fed;
  for (auto& [frame, n] : only_fish) n -= 2;
  EXPECT_EQ(MeasureUnexplainedDetections(r, only_fish).fish, 0);
  EXPECT_EQ(MeasureUnexplainedDetections(r, only_fish).per_frame, 0);
}

TEST(UnexplainedDetections, NoneWithoutACountedFishOrAFrame) {
  EXPECT_EQ(MeasureUnexplainedDetections(CountResult{}, {{1, 5}, {2, 5}}).fish, 0);
  CountResult r;
  r.fish.push_back(CountedFish{1, {1}, {{1, cv::Rect2f(0, 0, 40, 14), 0.9f, 40}}});
  EXPECT_EQ(MeasureUnexplainedDetections(r, {}).fish, 0);
  // Its only sightings outside the frames given: a recall of 0, no fish.
  r.fish[0].observations.push_back({5, cv::Rect2f(0, 0, 40, 14), 0.9f, 40});
  const UnexplainedDetections unseen = MeasureUnexplainedDetections(r, {{2, 3}, {3, 3}});
  EXPECT_EQ(unseen.counted_recall_q25, 0);
  EXPECT_EQ(unseen.per_frame, 3);
  EXPECT_EQ(unseen.fish, 0);
}

// Counted fish seen in under half the share of their frames that the
// median counted fish is seen in may be on no fish: five fish seen in 10,
// 10, 9, 4 and 2 of their 10 frames have a median recall of 0.9, and the
// two under 0.45 are rarely sighted.
TEST(RarelySightedFish, AreTheCountedFishSeenUnderHalfAsOftenAsTheMedianFish) {
  const std::vector<int> sightings = {10, 10, 9, 4, 2};
  CountResult r;
  std::map<int, int> fed;
  for (int f = 1; f <= 10; ++f) fed[f] = 5;
  for (size_t i = 0; i < sightings.size(); ++i) {
    CountedFish fish;
    // Seen on the first and last of frames 1..10, and in between as often as
    // the recall says.
    for (int f = 1; f <= 10; ++f) {
      const int seen_before = static_cast<int>(fish.observations.size());
      if (f == 1 || f == 10 || seen_before < sightings[i] - 1) {
        fish.observations.push_back({f, cv::Rect2f(100.0f * i, 0, 40, 14), 0.9f, 40});
      }
    }
    r.fish.push_back(fish);
  }
  ASSERT_EQ(r.fish[3].observations.size(), 4u);
  const RarelySightedFish rare = MeasureRarelySightedFish(r, fed);
  EXPECT_DOUBLE_EQ(rare.counted_recall_median, 0.9);
  EXPECT_EQ(rare.fish, 2);  // 0.4 and 0.2

  // Fish 4 seen in 5 of its 10 frames and the median fish in 8: 0.5 is not
  // under 0.4, only 0.2 is.
  r.fish[3].observations.insert(r.fish[3].observations.begin() + 3, {5, cv::Rect2f(300, 0, 40, 14), 0.9f, 40});
  r.fish[2].observations.erase(r.fish[2].observations.begin() + 1);
  EXPECT_EQ(MeasureRarelySightedFish(r, fed).fish, 1);

  EXPECT_EQ(MeasureRarelySightedFish(CountResult{}, fed).fish, 0);
  EXPECT_EQ(MeasureRarelySightedFish(r, {}).fish, 0);
}
}  // namespace sturgeon::vision
