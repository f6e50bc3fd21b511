#include "vision/eval/metrics.h"

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

TEST(Metrics, MissesAndFalsePositivesCount) {
  std::vector<MotRecord> gt = {Box(1, 1, 0), Box(1, 2, 100)};
  std::vector<MotRecord> pred = {Box(1, 5, 0), Box(1, 6, 300)};
  auto m = EvaluateTracks(gt, pred);
  EXPECT_EQ(m.false_negatives, 1);
  EXPECT_EQ(m.false_positives, 1);
  EXPECT_DOUBLE_EQ(m.mota, 0.0);
}

TEST(Metrics, CountJsonNeedsACount) {
  auto r = ReadCountFromJson("/nonexistent.json");
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace sturgeon::vision
