#include "vision/measure/measure.h"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

namespace sturgeon::vision {
namespace {

TEST(Measure, GsdFromAltitudeAndFocalLength) {
  double hfov = HfovFromFocalLength(24);  // DJI wide lens
  EXPECT_NEAR(hfov, 73.74, 0.01);
  // 2 * 30 * tan(36.87 deg) / 1920 = 45 / 1920 m.
  EXPECT_NEAR(GroundSamplingDistance(30, hfov, 1920), 45.0 / 1920, 1e-6);
}

TEST(Measure, ParsesDjiSrtBlocks) {
  const char* srt =
      "1\n00:00:00,000 --> 00:00:00,033\n<font size=\"28\">FrameCnt: 1, DiffTime: 33ms\n"
      "[iso: 100] [focal_len: 24.00] [latitude: 29.1] [longitude: 119.6] [rel_alt: 30.000 abs_alt: 95.2]</font>\n\n"
      "2\n00:00:00,033 --> 00:00:00,066\n[focal_len: 24.00] [rel_alt: 30.200 abs_alt: 95.4]\n";
  auto t = ParseSrt(srt, "t.srt");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->altitude_m.size(), 2u);
  EXPECT_DOUBLE_EQ(t->altitude_m[1], 30.2);
  EXPECT_DOUBLE_EQ(t->focal_len_mm, 24.0);
  EXPECT_TRUE(t->position.empty());  // block 2 has no fix: positions are per frame or not at all
}

TEST(Measure, ParsesGpsFixesAndTheDistanceBetweenThem) {
  const char* srt =
      "1\n00:00:00,000 --> 00:00:00,033\n[focal_len: 24.00] [latitude: 29.100000] [longitude: 119.600000] "
      "[rel_alt: 30.000 abs_alt: 95.2]\n\n"
      "2\n00:00:00,033 --> 00:00:00,066\n[focal_len: 24.00] [latitude: 29.100090] [longitude: 119.600000] "
      "[rel_alt: 30.000 abs_alt: 95.2]\n";
  auto t = ParseSrt(srt, "t.srt");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->position.size(), 2u);
  EXPECT_DOUBLE_EQ(t->position[1].latitude_deg, 29.10009);
  EXPECT_DOUBLE_EQ(t->position[1].longitude_deg, 119.6);
  EXPECT_NEAR(GroundDistanceM(t->position[0], t->position[1]), 10.02, 0.01);  // 0.00009 deg of latitude
  // East: a degree of longitude is shorter by cos(latitude).
  EXPECT_NEAR(GroundDistanceM({60, 10}, {60, 10.0001}), 5.566, 0.001);

  // "longtitude" (some DJI firmware) is read; a 0, 0 fix (no GPS fix yet)
  // is none, and then the fixes are not one per block and are dropped.
  auto misspelt = ParseSrt("1\n00:00:00,000 --> 00:00:00,033\n[latitude: 29.1] [longtitude: 119.6] [rel_alt: 30.0]\n",
                           "m.srt");
  ASSERT_TRUE(misspelt.ok()) << misspelt.status().ToString();
  ASSERT_EQ(misspelt->position.size(), 1u);
  EXPECT_DOUBLE_EQ(misspelt->position[0].longitude_deg, 119.6);
  auto no_fix = ParseSrt(
      "1\n00:00:00,000 --> 00:00:00,033\n[latitude: 0.000000] [longitude: 0.000000] [rel_alt: 30.0]\n\n"
      "2\n00:00:00,033 --> 00:00:00,066\n[latitude: 29.1] [longitude: 119.6] [rel_alt: 30.0]\n",
      "z.srt");
  ASSERT_TRUE(no_fix.ok()) << no_fix.status().ToString();
  EXPECT_TRUE(no_fix->position.empty());

  auto bad = ParseSrt("1\n00:00:00,000 --> 00:00:00,033\n[latitude: 95.0] [longitude: 10.0] [rel_alt: 30.0]\n", "f.srt");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("f.srt"), std::string::npos);
}

TEST(Measure, SrtWithoutAltitudeIsAnError) {
  auto t = ParseSrt("1\n00:00:00,000 --> 00:00:00,033\nhello\n", "t.srt");
  EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(t.status().message().find("t.srt"), std::string::npos);
  // A key with no digits after it is no number (std::stod used to throw).
  auto dot = ParseSrt("1\n00:00:00,000 --> 00:00:00,033\n[rel_alt: .] [focal_len: .]\n", "d.srt");
  EXPECT_EQ(dot.status().code(), StatusCode::kInvalidArgument);
}

// Twenty sightings of one 97 cm fish measured from its ends' profiles:
// fourteen whole and flat (95-99 cm), three bent or deep (70-80), three
// merged with a neighbour or its shadow (150). Its length is the median,
// not the 90th percentile (150: used until round 27, when the ends were
// walked out to a noise floor and stopped short of a faint tail).
TEST(Measure, AFishIsAsLongAsItsMedianSightingNotItsMergedOnes) {
  std::vector<double> cm = {150, 150, 150, 70, 75, 80};
  for (int i = 0; i < 14; ++i) cm.push_back(95 + i % 5);
  EXPECT_DOUBLE_EQ(WholeBodyLength(cm), 97);
  EXPECT_DOUBLE_EQ(WholeBodyLength({88}), 88);
  EXPECT_DOUBLE_EQ(WholeBodyLength({80, 90}), 80);
  EXPECT_DOUBLE_EQ(WholeBodyLength({}), 0);
}

TEST(Measure, BiomassCoversUnmeasuredFishAtTheMeanWeight) {
  LengthWeight lw;
  auto r = SummariseSizes({100, 100, 0}, 3, lw, 0.01);
  double w100 = 0.0035 * std::pow(100.0, 3.1);
  EXPECT_NEAR(r.mean_length_cm, 100, 1e-9);
  EXPECT_NEAR(r.biomass_kg, 3 * w100 / 1000, 1e-6);
  int total = 0;
  for (int c : r.bin_count) total += c;
  EXPECT_EQ(total, 2);
}

}  // namespace
}  // namespace sturgeon::vision
