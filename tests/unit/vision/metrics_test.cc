#include "vision/eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "vision/track/assignment.h"

namespace sturgeon::vision {
namespace {

MotRecord Box(int frame, int id, float x) { return {frame, id, cv::Rect2f(x, 0, 10, 10), 1.0f}; }

TEST(Assignment, FindsTheCheapestMatching) {
  // Greedy would take (0,0)=1 and then (1,1)=10; the optimum is 2 + 2.
  std::vector<double> cost = {1, 2, 2, 10};
  auto m = SolveAssignment(cost, 2, 2, 100);
  EXPECT_EQ(m, (std::vector<std::pair<int, int>>{{0, 1}, {1, 0}}));
}

TEST(Assignment, NeverReturnsPairsOverTheGate) {
  std::vector<double> cost = {5, 0.5, 9};  // 3 rows x 1 col
  auto m = SolveAssignment(cost, 3, 1, 1.0);
  EXPECT_EQ(m, (std::vector<std::pair<int, int>>{{1, 0}}));
}

// The least-cost matching among those with the most pairs under the gate,
// by trying every way of giving each row a column or none.
struct BruteForceOptimum {
  int pairs = -1;
  double cost = 0;
};
void SearchMatchings(const std::vector<double>& cost, int rows, int cols, double gate, int row,
                     std::vector<char>& col_used, int pairs, double total, BruteForceOptimum& best) {
  if (row == rows) {
    if (pairs > best.pairs || (pairs == best.pairs && total < best.cost - 1e-9)) best = {pairs, total};
    return;
  }
  SearchMatchings(cost, rows, cols, gate, row + 1, col_used, pairs, total, best);
  for (int c = 0; c < cols; ++c) {
    const double v = cost[static_cast<size_t>(row) * cols + c];
    if (col_used[c] || v > gate) continue;
    col_used[c] = 1;
    SearchMatchings(cost, rows, cols, gate, row + 1, col_used, pairs + 1, total + v, best);
    col_used[c] = 0;
  }
}

TEST(Assignment, TakesTheMostPairsWhenSomeCostsAreNegative) {
  // Gate 10: the diagonal at +10 is three pairs (30); (0,1) and (1,2) at
  // -10 are two pairs (-20), cheaper but fewer.
  const double x = 1e9;  // over the gate
  std::vector<double> cost = {10, -10, x, x, 10, -10, x, x, 10};
  auto m = SolveAssignment(cost, 3, 3, 10);
  EXPECT_EQ(m, (std::vector<std::pair<int, int>>{{0, 0}, {1, 1}, {2, 2}}));
}

TEST(Assignment, FindsTheOptimumWhereTheGateSplitsTheRowsIntoGroups) {
  // Rows and columns are points on a line; a pair is allowed within 1.5 of
  // each other, so the allowed pairs form groups of a few (a crowd of fish
  // under the tracker's gate), solved apart by SolveAssignment.
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> position(0, 12), noise(0, 0.01);
  for (int trial = 0; trial < 300; ++trial) {
    const int rows = 1 + trial % 7, cols = 1 + (trial / 7) % 7;
    std::vector<double> row_at(rows), col_at(cols);
    for (double& x : row_at) x = position(rng);
    for (double& x : col_at) x = position(rng);
    std::vector<double> cost(static_cast<size_t>(rows) * cols);
    for (int r = 0; r < rows; ++r) {
      for (int c = 0; c < cols; ++c) cost[static_cast<size_t>(r) * cols + c] = std::abs(row_at[r] - col_at[c]) + noise(rng);
    }
    // Every other trial shifts the costs below zero (mixed signs, as the
    // evaluator's identity assignment has).
    const double shift = trial % 2 == 0 ? 0.0 : -1.0;
    for (double& c : cost) c += shift;
    const double gate = 1.5 + shift;
    BruteForceOptimum best;
    std::vector<char> col_used(cols, 0);
    SearchMatchings(cost, rows, cols, gate, 0, col_used, 0, 0.0, best);

    const auto pairs = SolveAssignment(cost, rows, cols, gate);
    std::set<int> rows_seen, cols_seen;
    double total = 0;
    for (auto [r, c] : pairs) {
      ASSERT_LE(cost[static_cast<size_t>(r) * cols + c], gate);
      ASSERT_TRUE(rows_seen.insert(r).second && cols_seen.insert(c).second) << "trial " << trial;
      total += cost[static_cast<size_t>(r) * cols + c];
    }
    ASSERT_EQ(static_cast<int>(pairs.size()), best.pairs) << "trial " << trial;
    ASSERT_NEAR(total, best.cost, 1e-9) << "trial " << trial;
    ASSERT_TRUE(std::is_sorted(pairs.begin(), pairs.end()));
  }
}

TEST(Metrics, CountingAccuracy) {
  struct Case { int pred, truth; double want; };
  for (Case c : {Case{100, 100, 1.0}, Case{98, 100, 0.98}, Case{103, 100, 0.97}, Case{0, 0, 1.0}}) {
    EXPECT_DOUBLE_EQ(CountingAccuracy(c.pred, c.truth), c.want) << c.pred << "/" << c.truth;
  }
}

TEST(Metrics, PerfectTracksScoreOne) {
  std::vector<MotRecord> gt = {Box(1, 1, 0), Box(1, 2, 50), Box(2, 1, 1), Box(2, 2, 51)};
  std::vector<MotRecord> pred = {Box(1, 7, 0), Box(1, 8, 50), Box(2, 7, 1), Box(2, 8, 51)};
  auto m = EvaluateTracks(gt, pred);
  EXPECT_DOUBLE_EQ(m.mota, 1.0);
  EXPECT_DOUBLE_EQ(m.idf1, 1.0);
}

TEST(Metrics, IdentitySwitchLowersMotaAndIdf1) {
  // gt 1 is predicted as 7 for two frames, then as 9.
  std::vector<MotRecord> gt = {Box(1, 1, 0), Box(2, 1, 0), Box(3, 1, 0), Box(4, 1, 0)};
  std::vector<MotRecord> pred = {Box(1, 7, 0), Box(2, 7, 0), Box(3, 9, 0), Box(4, 9, 0)};
  auto m = EvaluateTracks(gt, pred);
  EXPECT_EQ(m.id_switches, 1);
  EXPECT_DOUBLE_EQ(m.mota, 1.0 - 1.0 / 4);
  EXPECT_DOUBLE_EQ(m.idf1, 2.0 * 2 / 8);
}

// The identity assignment takes the most overlap, not the most pairs:
// truth 1 overlaps track 7 for ten frames; in frame 11 tracks 7 and 8 swap
// onto truths 2 and 1 for one frame. 1-7 (10 frames) beats 1-8 + 2-7 (2).
TEST(Metrics, Idf1TakesTheMostOverlapEvenWithFewerPairs) {
  std::vector<MotRecord> gt, pred;
  for (int f = 1; f <= 10; ++f) {
    gt.push_back(Box(f, 1, 0));
    pred.push_back(Box(f, 7, 0));
  }
  gt.push_back(Box(11, 1, 0));
  pred.push_back(Box(11, 8, 0));
  gt.push_back(Box(11, 2, 100));
  pred.push_back(Box(11, 7, 100));
  auto m = EvaluateTracks(gt, pred);
  EXPECT_EQ(m.idtp, 10);
  EXPECT_DOUBLE_EQ(m.idf1, 2.0 * 10 / 24);
}

TEST(Metrics, MissesAndFalsePositivesCount) {
  std::vector<MotRecord> gt = {Box(1, 1, 0), Box(1, 2, 100)};
  std::vector<MotRecord> pred = {Box(1, 5, 0), Box(1, 6, 300)};
  auto m = EvaluateTracks(gt, pred);
  EXPECT_EQ(m.false_negatives, 1);
  EXPECT_EQ(m.false_positives, 1);
  EXPECT_DOUBLE_EQ(m.mota, 0.0);
}

TEST(Metrics, BreakDownCountSeparatesFoundDuplicateFalseAndMissed) {
  // Fish 1 at x=0, fish 2 at x=100, fish 3 at x=200 in frames 1-4; fish 4
  // only in frame 10. Boxes are 10 px: "on" a fish is within 5 px of its centre.
  std::vector<MotRecord> gt;
  for (int f = 1; f <= 4; ++f) {
    for (int fish = 1; fish <= 3; ++fish) gt.push_back(Box(f, fish, 100.0f * (fish - 1)));
  }
  gt.push_back(Box(10, 4, 300));
  std::vector<MotRecord> tracks;
  for (int f = 1; f <= 4; ++f) tracks.push_back(Box(f, 20, 1));  // on fish 1 throughout: found
  tracks.push_back(Box(1, 21, 2));                                // on fish 1 as well: a duplicate
  tracks.push_back(Box(2, 21, -2));
  for (int f = 1; f <= 3; ++f) tracks.push_back(Box(f, 22, 99));  // on fish 2: found
  for (int f = 1; f <= 2; ++f) tracks.push_back(Box(f, 23, 50));  // between fish, on none: false
  tracks.push_back(Box(1, 24, 100));                              // on fish 2 in 1 of 3 frames: false
  tracks.push_back(Box(2, 24, 150));
  tracks.push_back(Box(3, 24, 150));
  // On fish 3 in its 2 frames with ground truth, then 3 frames with none:
  // on a fish in 2 of 5 frames, false.
  for (int f : {3, 4, 5, 6, 7}) tracks.push_back(Box(f, 25, 200));

  const CountBreakdown all = BreakDownCount(gt, tracks);
  EXPECT_EQ(all.found, 2);
  EXPECT_EQ(all.duplicates, 1);
  EXPECT_EQ(all.false_tracks, 3);
  EXPECT_EQ(all.missed, 2);  // fish 3 and fish 4

  const CountBreakdown first4 = BreakDownCount(gt, tracks, 4);
  EXPECT_EQ(first4.missed, 0);  // fish 4 is not in view in frames 1-4,
  EXPECT_EQ(first4.found, 3);   // and within them track 25 is on fish 3 throughout
  const CountBreakdown first1 = BreakDownCount(gt, tracks, 1);
  // One frame each: equal lengths claim in id order.
  EXPECT_EQ(first1.found, 2);         // 20 on fish 1, 22 on fish 2
  EXPECT_EQ(first1.duplicates, 2);    // 21 on fish 1, 24 on fish 2
  EXPECT_EQ(first1.false_tracks, 1);  // 23 (25 starts in frame 3)
}

TEST(Metrics, BreakDownCountGivesATrackToTheNearestFish) {
  // Two fish 6 px apart with 20-px boxes. Track 9, 1 px from fish 2 and 7 px
  // from fish 1, lies on both and is fish 2's; track 8, shorter and exactly
  // on fish 2, is then a duplicate (had track 9 gone to fish 1, the first
  // fish in range, track 8 would have found fish 2).
  std::vector<MotRecord> gt, tracks;
  for (int f = 1; f <= 3; ++f) {
    gt.push_back({f, 1, cv::Rect2f(0, 0, 20, 20), 1.0f});
    gt.push_back({f, 2, cv::Rect2f(6, 0, 20, 20), 1.0f});
    tracks.push_back({f, 9, cv::Rect2f(7, 0, 20, 20), 1.0f});
  }
  tracks.push_back({1, 8, cv::Rect2f(6, 0, 20, 20), 1.0f});
  const CountBreakdown b = BreakDownCount(gt, tracks);
  EXPECT_EQ(b.found, 1);
  EXPECT_EQ(b.duplicates, 1);
  EXPECT_EQ(b.missed, 1);
}

TEST(Metrics, DistanceOnFishIsUnderHalfTheFishBoxsLongerSide) {
  const cv::Rect2f fish(0, 0, 40, 10);  // centre (20, 5), reach 20
  EXPECT_FLOAT_EQ(DistanceOnFish(fish, cv::Rect2f(15, 0, 10, 10)), 0.0f);
  EXPECT_FLOAT_EQ(DistanceOnFish(fish, cv::Rect2f(34, 0, 10, 10)), 19.0f);
  EXPECT_LT(DistanceOnFish(fish, cv::Rect2f(35, 0, 10, 10)), 0.0f);  // 20: not under
  EXPECT_EQ(FishInView({Box(1, 1, 0), Box(3, 2, 0), Box(5, 3, 0)}, 3), (std::set<int>{1, 2}));
  EXPECT_EQ(FishInView({Box(1, 1, 0), Box(3, 2, 0), Box(5, 3, 0)}), (std::set<int>{1, 2, 3}));
}

TEST(Metrics, CountJsonNeedsACount) {
  auto r = ReadCountFromJson("/nonexistent.json");
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

// Fish 1 at x=0 and fish 2 at x=100 in frames 1-6 (10-px boxes). Track 1
// follows fish 1 but takes fish 2 in frames 5-6 (fish 1 missed there);
// fish 2 has a dropped duplicate tracklet in frames 1-2 and an unconfirmed
// one in frame 3, and a counted false track lies on it in frame 4 only.
// Fish 2 is missed; its six observations went to another fish's track (2),
// a track on no fish (1), a dropped tracklet (2) and an unconfirmed one (1).
TEST(Metrics, TraceMissedFishSortsTheirObservationsByTheirTrackletsFate) {
  std::vector<MotRecord> gt, tracks;
  std::vector<TrackletAuditRow> audit;
  auto row = [](int frame, int tracklet, TrackletFate fate, int fish, float x) {
    return TrackletAuditRow{frame, tracklet, fate, fish, cv::Rect2f(x, 0, 10, 10), 0.9f, 10};
  };
  for (int f = 1; f <= 6; ++f) {
    gt.push_back(Box(f, 1, 0));
    gt.push_back(Box(f, 2, 100));
    const float x = f <= 4 ? 0.0f : 100.0f;
    tracks.push_back(Box(f, 1, x));
    audit.push_back(row(f, 11, TrackletFate::kCounted, 1, x));
  }
  for (int f = 4; f <= 8; ++f) {  // on fish 2 in frame 4, then on no fish
    const float x = f == 4 ? 101.0f : 400.0f;
    tracks.push_back(Box(f, 2, x));
    audit.push_back(row(f, 12, TrackletFate::kCounted, 2, x));
  }
  for (int f = 1; f <= 2; ++f) audit.push_back(row(f, 13, TrackletFate::kDuplicate, 0, 99));
  audit.push_back(row(3, 14, TrackletFate::kUnconfirmed, 0, 100));
  audit.push_back(row(3, 15, TrackletFate::kUnconfirmed, 0, 700));  // on no fish: not counted anywhere

  const auto traced = TraceMissedFish(gt, tracks, audit);
  ASSERT_TRUE(traced.ok()) << traced.status().ToString();
  const MissedFishTrail& t = *traced;
  EXPECT_EQ(t.missed_fish, 1);
  EXPECT_EQ(t.observed_missed_fish, 1);
  EXPECT_EQ(t.observations, 6);
  EXPECT_EQ(t.in_other_fish, 2);
  EXPECT_EQ(t.in_false_track, 1);
  EXPECT_EQ(t.Dropped(), 2);
  EXPECT_EQ(t.dropped_by_fate, (std::map<TrackletFate, int>{{TrackletFate::kDuplicate, 2}}));
  EXPECT_EQ(t.unconfirmed, 1);
  // Within frames 1-3 track 1 never leaves fish 1, and fish 2 is missed
  // with its dropped and unconfirmed observations only.
  const auto traced3 = TraceMissedFish(gt, tracks, audit, 3);
  ASSERT_TRUE(traced3.ok()) << traced3.status().ToString();
  const MissedFishTrail& first3 = *traced3;
  EXPECT_EQ(first3.observations, 3);
  EXPECT_EQ(first3.in_other_fish, 0);
  EXPECT_EQ(first3.Dropped(), 2);
  EXPECT_EQ(first3.unconfirmed, 1);
  MissedFishTrail sum = t;
  sum += first3;
  EXPECT_EQ(sum.observations, 9);
  EXPECT_NE(DescribeMissedFishTrail(t).find("1 of 1, 6 observations: 33% in another fish's track"), std::string::npos)
      << DescribeMissedFishTrail(t);
  EXPECT_NE(DescribeMissedFishTrail(t).find("33% in tracklets the counter dropped (duplicate 33%)"), std::string::npos)
      << DescribeMissedFishTrail(t);
  EXPECT_EQ(sum.dropped_by_fate.at(TrackletFate::kDuplicate), 4);
}

// An audit from another count names counted fish the tracks do not have.
TEST(Metrics, TraceMissedFishRefusesAnAuditOfAnotherCount) {
  std::vector<MotRecord> gt = {Box(1, 1, 0), Box(2, 1, 0)};
  std::vector<MotRecord> tracks = {Box(1, 5, 0), Box(2, 5, 0)};
  std::vector<TrackletAuditRow> audit = {
      {1, 9, TrackletFate::kCounted, 5, cv::Rect2f(0, 0, 10, 10), 0.9f, 10},
      {2, 9, TrackletFate::kCounted, 5, cv::Rect2f(0, 0, 10, 10), 0.9f, 10},
  };
  ASSERT_TRUE(TraceMissedFish(gt, tracks, audit).ok());
  audit[1].fish = 6;  // no track 6
  auto r = TraceMissedFish(gt, tracks, audit);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("counts tracklet 9 as fish 6 in frame 2"), std::string::npos)
      << r.status().message();
  // The other way: a track box the audit does not count (an audit of a
  // shorter count).
  audit.pop_back();
  auto shorter = TraceMissedFish(gt, tracks, audit);
  ASSERT_FALSE(shorter.ok());
  EXPECT_NE(shorter.status().message().find("the tracks have a box of fish 5 in frame 2"), std::string::npos)
      << shorter.status().message();
}

// A counted fish of three tracklets: the first link joins the ends of one
// fish, the second the end of fish 1 to the start of fish 2. A link whose
// end lies on no fish is undecided; frames past the limit are left out.
TEST(Metrics, JudgeLinksTellsLinksOfOneFishFromLinksOfTwo) {
  std::vector<MotRecord> gt;
  std::vector<TrackletAuditRow> audit;
  auto row = [](int frame, int tracklet, int fish, float x) {
    return TrackletAuditRow{frame, tracklet, TrackletFate::kCounted, fish, cv::Rect2f(x, 0, 10, 10), 0.9f, 10};
  };
  for (int f = 1; f <= 30; ++f) {
    gt.push_back(Box(f, 1, 0));
    gt.push_back(Box(f, 2, 100));
  }
  for (int f = 1; f <= 8; ++f) audit.push_back(row(f, 21, 1, 0));    // fish 1
  for (int f = 11; f <= 18; ++f) audit.push_back(row(f, 22, 1, 1));  // fish 1 again: one fish
  for (int f = 21; f <= 28; ++f) audit.push_back(row(f, 23, 1, 100));  // fish 2: two fish
  for (int f = 1; f <= 6; ++f) audit.push_back(row(f, 31, 2, 500));  // on no fish
  for (int f = 9; f <= 14; ++f) audit.push_back(row(f, 32, 2, 100));
  audit.push_back(TrackletAuditRow{3, 40, TrackletFate::kDuplicate, 0, cv::Rect2f(0, 0, 10, 10), 0.9f, 10});

  const LinkJudgement all = JudgeLinks(gt, audit);
  EXPECT_EQ(all.one_fish, 1);
  EXPECT_EQ(all.two_fish, 1);
  EXPECT_EQ(all.undecided, 1);
  const LinkJudgement first20 = JudgeLinks(gt, audit, 20);
  EXPECT_EQ(first20.one_fish, 1);
  EXPECT_EQ(first20.two_fish, 0);
  EXPECT_EQ(first20.undecided, 1);
  LinkJudgement sum = all;
  sum += first20;
  EXPECT_EQ(DescribeLinkJudgement(sum), "counter links: 2 join one fish, 1 join two fish, 2 undecided");
}

}  // namespace
}  // namespace sturgeon::vision
