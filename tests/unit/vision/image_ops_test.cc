// The detector's whole-image steps against the OpenCV calls they replace.
#include "vision/detect/image_ops.h"

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

namespace sturgeon::vision {
namespace {

// A sparse random binary image: specks and bars, some on the borders.
cv::Mat RandomSet(cv::Size size, uint64_t seed) {
  cv::RNG rng(seed);
  cv::Mat set(size, CV_8UC1, cv::Scalar(0));
  for (int i = 0; i < 40; ++i) {
    cv::Point a(rng.uniform(0, size.width), rng.uniform(0, size.height));
    cv::Point b = a + cv::Point(rng.uniform(-12, 13), rng.uniform(-6, 7));
    cv::line(set, a, b, cv::Scalar(255), rng.uniform(1, 4));
  }
  set.row(0).colRange(0, 5).setTo(255);                    // top-left corner
  set.col(size.width - 1).rowRange(size.height - 4, size.height).setTo(255);  // bottom-right, an odd column
  return set;
}

TEST(MeasureComponents, GivesConnectedComponentsWithStatsFigures) {
  // Widths that are and are not multiples of the eight-byte scan.
  for (cv::Size size : {cv::Size(64, 48), cv::Size(203, 97), cv::Size(9, 5)}) {
    for (uint64_t seed = 1; seed <= 5; ++seed) {
      const cv::Mat set = RandomSet(size, seed);
      cv::Mat labels, stats, centroids;
      const int n = cv::connectedComponentsWithStats(set, labels, stats, centroids, 8, CV_32S);
      cv::Mat plain_labels;
      ASSERT_EQ(cv::connectedComponents(set, plain_labels, 8, CV_32S), n);
      const std::vector<Component> measured = MeasureComponents(plain_labels, set, n);
      ASSERT_EQ(static_cast<int>(measured.size()), n);
      if (size.width > 20) {
        EXPECT_GT(n, 3) << "the scene has components to measure";
      }
      for (int l = 1; l < n; ++l) {
        const Component& c = measured[l];
        SCOPED_TRACE(testing::Message() << size << " seed " << seed << " label " << l);
        EXPECT_EQ(c.area, stats.at<int>(l, cv::CC_STAT_AREA));
        EXPECT_EQ(c.left, stats.at<int>(l, cv::CC_STAT_LEFT));
        EXPECT_EQ(c.top, stats.at<int>(l, cv::CC_STAT_TOP));
        EXPECT_EQ(c.right - c.left + 1, stats.at<int>(l, cv::CC_STAT_WIDTH));
        EXPECT_EQ(c.bottom - c.top + 1, stats.at<int>(l, cv::CC_STAT_HEIGHT));
        EXPECT_EQ(static_cast<double>(c.sum_x) / c.area, centroids.at<double>(l, 0));
        EXPECT_EQ(static_cast<double>(c.sum_y) / c.area, centroids.at<double>(l, 1));
      }
    }
  }
}

TEST(MeasureComponents, AnEmptySetHasOnlyTheBackground) {
  const cv::Mat set(10, 17, CV_8UC1, cv::Scalar(0));
  cv::Mat labels;
  const int n = cv::connectedComponents(set, labels, 8, CV_32S);
  const std::vector<Component> measured = MeasureComponents(labels, set, n);
  ASSERT_EQ(measured.size(), 1u);
  EXPECT_EQ(measured[0].area, 0);
}

// What the detector did before: cv::mean inside, setTo outside.
cv::Mat PaintWithOpenCv(const cv::Mat& bgr, const cv::Mat& inside) {
  cv::Mat out = bgr.clone();
  out.setTo(cv::mean(bgr, inside), 255 - inside);
  return out;
}

TEST(PaintOutside, GivesTheMaskedMeanAndSetTo) {
  cv::RNG rng(7);
  for (cv::Size size : {cv::Size(64, 40), cv::Size(131, 77)}) {
    cv::Mat bgr(size, CV_8UC3);
    rng.fill(bgr, cv::RNG::UNIFORM, 0, 256);
    cv::Mat inside(size, CV_8UC1, cv::Scalar(0));
    cv::circle(inside, {size.width / 2, size.height / 2}, size.height / 2 - 3, cv::Scalar(255), cv::FILLED);
    cv::Mat painted;
    PaintOutside(bgr, inside, cv::countNonZero(inside), painted);
    const cv::Mat expected = PaintWithOpenCv(bgr, inside);
    EXPECT_EQ(cv::norm(painted, expected, cv::NORM_INF), 0) << size;
    // The outside really was painted one colour, unlike the random frame.
    EXPECT_NE(cv::norm(painted, bgr, cv::NORM_INF), 0);
  }
}

// A mean of exactly n.5: cv::mean multiplies the sum by the reciprocal of
// the count, and for 18291 / 182 that gives 100.50000000000001 (rounds to
// 101) where the plain quotient is 100.5 (rounds to even, 100).
TEST(PaintOutside, RoundsAMeanOfExactlyHalfAsCvMeanDoes) {
  cv::Mat bgr(14, 20, CV_8UC3, cv::Scalar(0, 0, 0));
  cv::Mat inside(bgr.size(), CV_8UC1, cv::Scalar(0));
  inside(cv::Rect(0, 0, 13, 14)).setTo(255);  // 182 pixels inside
  int n = 0;
  for (int y = 0; y < 14; ++y) {
    for (int x = 0; x < 13; ++x, ++n) bgr.at<cv::Vec3b>(y, x) = cv::Vec3b(100 + n % 2, 100 + n % 2, 100 + n % 2);
  }
  ASSERT_EQ(cv::countNonZero(inside), 182);
  ASSERT_EQ(cv::sum(bgr)[0], 18291);
  cv::Mat painted;
  PaintOutside(bgr, inside, 182, painted);
  const cv::Mat expected = PaintWithOpenCv(bgr, inside);
  EXPECT_EQ(expected.at<cv::Vec3b>(0, 19)[0], 101) << "cv::mean's rounding";
  EXPECT_EQ(cv::norm(painted, expected, cv::NORM_INF), 0);
}

// Rows longer than the 16-bit partial sums can hold (4100 pixels of 255:
// over a million a channel) are summed exactly.
TEST(PaintOutside, SumsLongBrightRowsExactly) {
  cv::Mat bgr(3, 4100, CV_8UC3, cv::Scalar(255, 254, 253));
  bgr.at<cv::Vec3b>(1, 4099) = cv::Vec3b(0, 0, 0);
  cv::Mat inside(bgr.size(), CV_8UC1, cv::Scalar(255));
  inside(cv::Rect(0, 0, 17, 3)).setTo(0);
  cv::Mat painted;
  PaintOutside(bgr, inside, cv::countNonZero(inside), painted);
  const cv::Mat expected = PaintWithOpenCv(bgr, inside);
  EXPECT_EQ(cv::norm(painted, expected, cv::NORM_INF), 0);
  EXPECT_EQ(painted.at<cv::Vec3b>(0, 0), cv::Vec3b(255, 254, 253)) << "the mean rounds back up";
}

TEST(PaintOutside, NothingInsidePaintsBlackAsCvMeanDoes) {
  cv::Mat bgr(12, 20, CV_8UC3, cv::Scalar(40, 90, 200));
  const cv::Mat inside(bgr.size(), CV_8UC1, cv::Scalar(0));
  cv::Mat painted;
  PaintOutside(bgr, inside, 0, painted);
  EXPECT_EQ(cv::countNonZero(painted.reshape(1)), 0);
}

TEST(SameImage, ComparesSizeTypeAndPixels) {
  cv::Mat a(5, 9, CV_8UC1, cv::Scalar(3));
  cv::Mat b = a.clone();
  EXPECT_TRUE(SameImage(a, b));
  b.at<uint8_t>(4, 8) = 4;
  EXPECT_FALSE(SameImage(a, b));
  EXPECT_FALSE(SameImage(a, cv::Mat(5, 8, CV_8UC1, cv::Scalar(3))));
  EXPECT_FALSE(SameImage(a, cv::Mat(5, 9, CV_16UC1, cv::Scalar(3))));
  EXPECT_FALSE(SameImage(a, cv::Mat()));
  // A view into a larger image (rows not contiguous) compares by pixels.
  cv::Mat big(10, 20, CV_8UC1, cv::Scalar(3));
  EXPECT_TRUE(SameImage(a, big(cv::Rect(2, 2, 9, 5))));
}

cv::Mat RandomImage(cv::Size size, int type, uint64_t seed) {
  cv::RNG rng(seed);
  cv::Mat image(size, type);
  rng.fill(image, cv::RNG::UNIFORM, 0, 256);
  return image;
}

// Widths on and off the 16-pixel vector step; a view into a larger image
// (rows not contiguous).
std::vector<cv::Size> TestSizes() { return {cv::Size(64, 40), cv::Size(131, 77), cv::Size(7, 3)}; }

TEST(MaxChannelDistance, GivesAbsdiffSplitAndMax) {
  for (cv::Size size : TestSizes()) {
    const cv::Mat a = RandomImage(size, CV_8UC3, 1), big = RandomImage(size + cv::Size(9, 4), CV_8UC3, 2);
    const cv::Mat b = big(cv::Rect(cv::Point(5, 2), size));
    cv::Mat absdiff, channels[3], expected;
    cv::absdiff(a, b, absdiff);
    cv::split(absdiff, channels);
    cv::max(channels[0], channels[1], expected);
    cv::max(expected, channels[2], expected);
    cv::Mat out;
    MaxChannelDistance(a, b, out);
    EXPECT_EQ(cv::norm(out, expected, cv::NORM_INF), 0) << size;
  }
}

}  // namespace
}  // namespace sturgeon::vision
