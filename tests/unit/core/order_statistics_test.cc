#include "core/order_statistics.h"

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

namespace sturgeon {
namespace {

TEST(OrderStatistics, ElementAtRankIsTheSortedElement) {
  const std::vector<int> v = {9, 2, 7, 4, 5, 1};  // sorted: 1 2 4 5 7 9
  EXPECT_EQ(ElementAtRank(v, 0), 1);
  EXPECT_EQ(ElementAtRank(v, 3), 5);
  EXPECT_EQ(ElementAtRank(v, 5), 9);
  EXPECT_EQ(ElementAtRank(std::vector<int>{}, 0), 0);
}

TEST(OrderStatistics, MediansOfEvenAndOddSamples) {
  const std::vector<double> even = {4, 1, 3, 2};  // 1 2 3 4
  EXPECT_EQ(UpperMedian(even), 3);
  EXPECT_EQ(QuantileAtRank(even, 0.5), 2);  // floor(0.5 x 3) = 1: the lower median
  const std::vector<double> odd = {5, 1, 3};
  EXPECT_EQ(UpperMedian(odd), 3);
  EXPECT_EQ(QuantileAtRank(odd, 0.5), 3);
  EXPECT_EQ(UpperMedian(std::vector<double>{}), 0);
  EXPECT_EQ(QuantileAtRank(std::vector<float>{}, 0.75f), 0);
  EXPECT_EQ(UpperMedian(std::vector<std::uint8_t>{7, 200, 3}), 7);
}

TEST(OrderStatistics, QuantileEndsAndRankFloor) {
  std::vector<float> v;
  for (int i = 0; i < 11; ++i) v.push_back(static_cast<float>(10 - i));  // 0..10, reversed
  EXPECT_EQ(QuantileAtRank(v, 0.0f), 0);
  EXPECT_EQ(QuantileAtRank(v, 1.0f), 10);
  EXPECT_EQ(QuantileAtRank(v, 0.75f), 7);   // floor(7.5)
  EXPECT_EQ(QuantileAtRank(v, 0.79f), 7);   // floor(7.9)
}

// The product is taken in q's type: 0.95f x 20 rounds to 19.0f in float
// but is 18.99999976 in double, so the two select neighbouring ranks.
TEST(OrderStatistics, TheRankIsComputedInTheQuantilesType) {
  std::vector<int> v;
  for (int i = 0; i <= 20; ++i) v.push_back(i);
  EXPECT_EQ(QuantileAtRank(v, 0.95f), 19);
  EXPECT_EQ(QuantileAtRank(v, static_cast<double>(0.95f)), 18);
}

}  // namespace
}  // namespace sturgeon
