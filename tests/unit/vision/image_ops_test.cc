// The detector's whole-image steps against the OpenCV calls they replace.
#include "vision/detect/image_ops.h"

#include <cmath>

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

cv::Mat RandomImage(cv::Size size, int type, uint64_t seed) {
  cv::RNG rng(seed);
  cv::Mat image(size, type);
  rng.fill(image, cv::RNG::UNIFORM, 0, 256);
  return image;
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

// Rows longer than the 16-bit partial sums can hold (4160 pixels near
// 255: over a million a channel) are summed exactly. The true mean of
// channel 0 lies just above a rounding step (254.5 + 1/4158), so losing
// as little as 2 in the sum (16-bit lanes emptied a block late) rounds it
// the other way.
TEST(PaintOutside, SumsLongBrightRowsExactly) {
  cv::Mat bgr(1, 16 * 260, CV_8UC3, cv::Scalar(0, 254, 253));
  for (int x = 0; x < bgr.cols; ++x) bgr.at<cv::Vec3b>(0, x)[0] = x % 2 ? 254 : 255;
  cv::Mat inside(bgr.size(), CV_8UC1, cv::Scalar(255));
  inside.at<uint8_t>(0, 16 * 130) = 0;      // a 254 and a 255 left out
  inside.at<uint8_t>(0, 16 * 130 + 1) = 0;
  bgr.at<cv::Vec3b>(0, 16 * 200 + 1)[0] = 255;  // one 254 raised
  const cv::Mat expected = PaintWithOpenCv(bgr, inside);
  ASSERT_EQ(expected.at<cv::Vec3b>(0, 16 * 130)[0], 255) << "the mean rounds up";
  cv::Mat painted;
  PaintOutside(bgr, inside, cv::countNonZero(inside), painted);
  EXPECT_EQ(cv::norm(painted, expected, cv::NORM_INF), 0);
}

// Each channel its own mean, widths off the 16-pixel step with pool pixels
// in the last columns, and views into larger images for every argument:
// the scalar tails, the channel order and the row addressing.
TEST(PaintOutside, HandlesTailsChannelsAndViews) {
  for (int width : {7, 19, 35, 131}) {
    const cv::Size size(width, 9);
    cv::Mat big = RandomImage(size + cv::Size(6, 3), CV_8UC3, 21);
    cv::Mat bgr = big(cv::Rect(cv::Point(4, 2), size));
    std::vector<cv::Mat> channels;
    cv::split(bgr, channels);
    channels[0] /= 4;                   // means near 32,
    channels[2] = channels[2] / 2 + 128;  // 127 and 191
    cv::merge(channels, bgr);
    cv::Mat big_inside(size + cv::Size(5, 2), CV_8UC1, cv::Scalar(0));
    cv::Mat inside = big_inside(cv::Rect(cv::Point(3, 1), size));
    for (int y = 0; y < size.height; ++y) {
      for (int x = 0; x < size.width; ++x) inside.at<uint8_t>(y, x) = (x * 7 + y * 3) % 5 < 3 ? 255 : 0;
    }
    cv::Mat big_out(size + cv::Size(2, 2), CV_8UC3, cv::Scalar(9, 9, 9));
    cv::Mat painted = big_out(cv::Rect(cv::Point(1, 1), size));
    PaintOutside(bgr, inside, cv::countNonZero(inside), painted);
    EXPECT_EQ(cv::norm(painted, PaintWithOpenCv(bgr, inside), cv::NORM_INF), 0) << width;
    EXPECT_EQ(painted.data, big_out.ptr(1) + 3) << "written in place into the view";
  }
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

// Widths on and off the 16-pixel vector step, each image a view into a
// larger one (rows not contiguous).
TEST(MaxChannelDistance, GivesAbsdiffSplitAndMax) {
  for (cv::Size size : {cv::Size(64, 40), cv::Size(131, 77), cv::Size(7, 3)}) {
    const cv::Mat big_a = RandomImage(size + cv::Size(3, 2), CV_8UC3, 1);
    const cv::Mat big_b = RandomImage(size + cv::Size(9, 4), CV_8UC3, 2);
    const cv::Mat a = big_a(cv::Rect(cv::Point(2, 1), size)), b = big_b(cv::Rect(cv::Point(5, 2), size));
    cv::Mat absdiff, channels[3], expected;
    cv::absdiff(a, b, absdiff);
    cv::split(absdiff, channels);
    cv::max(channels[0], channels[1], expected);
    cv::max(expected, channels[2], expected);
    cv::Mat big_out(size + cv::Size(4, 1), CV_8UC1, cv::Scalar(0));
    cv::Mat out = big_out(cv::Rect(cv::Point(3, 1), size));
    MaxChannelDistance(a, b, out);
    EXPECT_EQ(cv::norm(out, expected, cv::NORM_INF), 0) << size;
    EXPECT_EQ(out.data, big_out.ptr(1) + 3) << "written in place into the view";
  }
}

// A smooth image (a gradient with a bump) and its 2x2-box halvings: the
// reduction keeps within a grey level of one area average at a power of
// two, and gives the size asked for at any other ratio.
TEST(ReduceFrame, HalvesWithinAGreyLevelOfAreaAveraging) {
  cv::Mat frame(1080, 1920, CV_8UC3);
  for (int y = 0; y < frame.rows; ++y) {
    for (int x = 0; x < frame.cols; ++x) {
      const double bump = 80 * std::exp(-(std::pow(x - 700, 2) + std::pow(y - 400, 2)) / 5000.0);
      frame.at<cv::Vec3b>(y, x) = cv::Vec3b(cv::saturate_cast<uchar>(x / 8 + bump), cv::saturate_cast<uchar>(y / 5),
                                            cv::saturate_cast<uchar>(200 - bump));
    }
  }
  cv::Mat out, halved, expected;
  ReduceFrame(frame, 0.25f, out, halved);
  cv::resize(frame, expected, cv::Size(480, 270), 0, 0, cv::INTER_AREA);
  ASSERT_EQ(out.size(), cv::Size(480, 270));
  EXPECT_LE(cv::norm(out, expected, cv::NORM_INF), 1);
  ReduceFrame(frame, 0.3f, out, halved);  // one halving, then bilinear
  EXPECT_EQ(out.size(), cv::Size(576, 324));
  ReduceFrame(frame, 0.8f, out, halved);  // bilinear only
  cv::resize(frame, expected, cv::Size(1536, 864), 0, 0, cv::INTER_LINEAR);
  EXPECT_EQ(cv::norm(out, expected, cv::NORM_INF), 0);
}

// 131 x 77 in blocks of 16 x 15: 8 x 5 of them, the last 3 columns and 2
// rows left out.
TEST(AverageBlocks, AveragesWholeBlocksAndLeavesTheRemainderOut) {
  const cv::Mat image = RandomImage(cv::Size(131, 77), CV_8UC3, 3);
  cv::Mat cells, expected;
  const cv::Size covered = AverageBlocks(image, cv::Size(16, 15), cells);
  EXPECT_EQ(covered, cv::Size(128, 75));
  cv::resize(image(cv::Rect(0, 0, 128, 75)), expected, cv::Size(8, 5), 0, 0, cv::INTER_AREA);
  EXPECT_EQ(cv::norm(cells, expected, cv::NORM_INF), 0);
  // The pixels left out do not count.
  cv::Mat changed = image.clone();
  changed.colRange(128, 131).setTo(cv::Scalar::all(255));
  changed.rowRange(75, 77).setTo(cv::Scalar::all(255));
  cv::Mat cells_changed;
  AverageBlocks(changed, cv::Size(16, 15), cells_changed);
  EXPECT_EQ(cv::norm(cells, cells_changed, cv::NORM_INF), 0);
  // A view starting on a block's corner gives the same blocks there.
  AverageBlocks(image(cv::Rect(32, 30, 99, 47)), cv::Size(16, 15), cells_changed);
  ASSERT_EQ(cells_changed.size(), cv::Size(6, 3));
  EXPECT_EQ(cv::norm(cells_changed, cells(cv::Rect(2, 2, 6, 3)), cv::NORM_INF), 0);
  // A side shorter than a block is one block.
  EXPECT_EQ(AverageBlocks(image(cv::Rect(0, 0, 6, 77)), cv::Size(16, 15), cells), cv::Size(6, 75));
  EXPECT_EQ(cells.size(), cv::Size(1, 5));
}

TEST(SpreadCells, SpreadsOverTheCoveredPartAndContinuesItsEdges) {
  const cv::Mat cells = RandomImage(cv::Size(8, 5), CV_8UC3, 4);
  cv::Mat out, expected;
  SpreadCells(cells, cv::Size(128, 75), cv::Size(131, 77), out);
  ASSERT_EQ(out.size(), cv::Size(131, 77));
  cv::resize(cells, expected, cv::Size(128, 75), 0, 0, cv::INTER_LINEAR);
  EXPECT_EQ(cv::norm(out(cv::Rect(0, 0, 128, 75)), expected, cv::NORM_INF), 0);
  for (int x = 128; x < 131; ++x) {
    EXPECT_EQ(cv::norm(out(cv::Rect(x, 0, 1, 75)), out(cv::Rect(127, 0, 1, 75)), cv::NORM_INF), 0) << x;
  }
  for (int y = 75; y < 77; ++y) {
    EXPECT_EQ(cv::norm(out.row(y), out.row(74), cv::NORM_INF), 0) << y;
  }
}

}  // namespace
}  // namespace sturgeon::vision
