// The length for sizes from the ends' contrast profiles: crisp ends and
// tapering ends measured to their tips, ends that cannot be read refused.
#include "vision/detect/body_length.h"

#include <cmath>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

namespace sturgeon::vision {
namespace {

const cv::Vec3f kWater(130, 140, 110);
constexpr float kBodyContrast = 60;  // grey levels below the water, every channel

// A horizontal body centred at (200, 100) on a 400x200 frame of water:
// `contrast(x)` grey levels darker at distance x from the centre (along the
// body), 5 px wide; blurred by `blur` (Gaussian sigma, px) and with sensor
// noise of `noise` grey levels.
template <typename Profile>
cv::Mat BodyFrame(Profile contrast, float blur, float noise, unsigned seed = 1) {
  cv::Mat f(200, 400, CV_32FC3, cv::Scalar(kWater[0], kWater[1], kWater[2]));
  for (int y = 98; y <= 102; ++y) {
    for (int x = 0; x < f.cols; ++x) {
      const float c = contrast(std::abs(x - 200.0f));
      f.at<cv::Vec3f>(y, x) -= cv::Vec3f(c, c, c);
    }
  }
  if (blur > 0) cv::GaussianBlur(f, f, cv::Size(0, 0), blur);
  if (noise > 0) {
    cv::Mat n(f.size(), CV_32FC3);
    cv::RNG rng(seed);
    rng.fill(n, cv::RNG::NORMAL, 0, noise);
    f += n;
  }
  cv::Mat out;
  f.convertTo(out, CV_8UC3);
  return out;
}

// An 80-px body: full contrast within `core` px of its centre, fading
// linearly to nothing at 40 px (core 40: a crisp end).
auto Tapering(float core) {
  return [core](float d) {
    if (d <= core) return kBodyContrast;
    if (d >= 40) return 0.0f;
    return kBodyContrast * (40 - d) / (40 - core);
  };
}

// The water model at the working scale `scale` (a plain water image), its
// pixel (0, 0) at working pixel `origin`.
struct Water {
  cv::Mat image;
  WaterModelView view;
  Water(float scale, cv::Point origin) {
    image = cv::Mat(static_cast<int>(std::lround(200 * scale)) - origin.y,
                    static_cast<int>(std::lround(400 * scale)) - origin.x, CV_8UC3,
                    cv::Scalar(kWater[0], kWater[1], kWater[2]));
    view = WaterModelView{&image, scale, scale, origin};
  }
};

// The axis as the detector would give it: the blob's ends where the body
// stands out by half its contrast.
BodyAxis AxisWithBlobEnds(float half_extent) {
  BodyAxis axis;
  axis.centre = {200, 100};
  axis.direction = {1, 0};
  axis.lo = -half_extent;
  axis.hi = half_extent;
  return axis;
}

// A crisp end blurred by the optics (sigma 1.2 px): the bar is 81 px from
// end pixel to end pixel; read as a short taper, each tip lands about 1.3
// blur sigmas beyond its edge (84 px; its half-contrast points are 81 px
// apart).
TEST(BodyLength, ACrispEndStaysWithinItsBlur) {
  const Water water(1, {0, 0});
  const cv::Mat frame = BodyFrame(Tapering(40), 1.2f, 0);
  const float length = LengthFromEndProfiles(frame, water.view, AxisWithBlobEnds(38), 10);
  EXPECT_NEAR(length, 84, 1.5);
}

// The same body lying diagonally, its axis read on the diagonal.
TEST(BodyLength, ABodyAlongAnyAxis) {
  const Water water(1, {0, 0});
  cv::Mat frame;
  const cv::Mat straight = BodyFrame(Tapering(20), 1.2f, 0);
  cv::warpAffine(straight, frame, cv::getRotationMatrix2D({200, 100}, 35, 1), straight.size(), cv::INTER_LINEAR,
                 cv::BORDER_REPLICATE);
  BodyAxis axis = AxisWithBlobEnds(30);
  const float a = static_cast<float>(-35 * CV_PI / 180);  // image y points down
  axis.direction = {std::cos(a), std::sin(a)};
  EXPECT_NEAR(LengthFromEndProfiles(frame, water.view, axis, 10), 80, 3);
}

// Half of each end fades: a threshold at half the contrast sees 60 px of
// the 80, the 30% point 68; the taper extrapolated to zero reaches the tips.
TEST(BodyLength, ATaperingEndIsMeasuredToItsTip) {
  const Water water(1, {0, 0});
  const cv::Mat frame = BodyFrame(Tapering(20), 1.2f, 0);
  const float length = LengthFromEndProfiles(frame, water.view, AxisWithBlobEnds(30), 10);
  EXPECT_NEAR(length, 80, 3);
  for (unsigned seed : {1u, 2u, 3u}) {
    const cv::Mat noisy = BodyFrame(Tapering(20), 1.2f, 3, seed);
    EXPECT_NEAR(LengthFromEndProfiles(noisy, water.view, AxisWithBlobEnds(30), 10), 80, 5) << "seed " << seed;
  }
}

// The detector's water model is at its working scale and covers the part
// of the reduced frame it looked at. Here it is the frame's own water
// except where it is as dark as the body: wherever a wrong mapping would
// read (the body's row at other x, or other rows), the body would stand
// out by nothing.
TEST(BodyLength, TheWaterModelIsReadAtItsOwnScaleAndOrigin) {
  const cv::Mat frame = BodyFrame(Tapering(20), 1.2f, 0);
  const Water full(1, {0, 0});
  const float expected = LengthFromEndProfiles(frame, full.view, AxisWithBlobEnds(30), 10);
  EXPECT_NEAR(expected, 80, 3);
  Water reduced(0.5f, {20, 10});
  // The profiles read x 146-254, y 99-101 at full resolution: x 73-127,
  // y 50 in the reduced whole frame, x 53-107, y 40 in the model less its
  // origin. Beyond a margin round that, the model is as dark as the body.
  const cv::Rect read(45, 38, 71, 5);
  const cv::Mat body_water = reduced.image(read).clone();
  reduced.image.setTo(cv::Scalar(kWater[0] - kBodyContrast, kWater[1] - kBodyContrast, kWater[2] - kBodyContrast));
  body_water.copyTo(reduced.image(read));
  EXPECT_NEAR(LengthFromEndProfiles(frame, reduced.view, AxisWithBlobEnds(30), 10), expected, 0.01);
  // The origin ignored: the water read is the dark one.
  Water shifted = reduced;
  shifted.view = WaterModelView{&shifted.image, 0.5f, 0.5f, {0, 0}};
  EXPECT_EQ(LengthFromEndProfiles(frame, shifted.view, AxisWithBlobEnds(30), 10), 0);
}

TEST(BodyLength, EndsThatCannotBeReadGiveNoLength) {
  const Water water(1, {0, 0});
  // A body merged with something as dark beyond its blob: the profile
  // never falls.
  const cv::Mat merged = BodyFrame([](float d) { return d <= 120 ? kBodyContrast : 0.0f; }, 1.2f, 0);
  EXPECT_EQ(LengthFromEndProfiles(merged, water.view, AxisWithBlobEnds(38), 10), 0);
  // Fainter than the least contrast asked for.
  const cv::Mat body = BodyFrame(Tapering(40), 1.2f, 0);
  EXPECT_EQ(LengthFromEndProfiles(body, water.view, AxisWithBlobEnds(38), 61), 0);
  // The other polarity: the body is darker than the water, not lighter.
  BodyAxis lighter = AxisWithBlobEnds(38);
  lighter.darker = false;
  EXPECT_EQ(LengthFromEndProfiles(body, water.view, lighter, 10), 0);
  // A body running off the frame (its right end is cut by the edge), and
  // one whose end reaches the edge before its profile falls.
  const cv::Mat cut = body(cv::Rect(0, 0, 230, 200));
  EXPECT_EQ(LengthFromEndProfiles(cut, water.view, AxisWithBlobEnds(38), 10), 0);
  const cv::Mat at_edge = body(cv::Rect(0, 0, 241, 200));
  EXPECT_EQ(LengthFromEndProfiles(at_edge, water.view, AxisWithBlobEnds(38), 10), 0);
  // One end faint: the head stands out by 60 grey levels, the tail by 8.
  cv::Mat half = BodyFrame(Tapering(40), 1.2f, 0);
  const cv::Mat tail = BodyFrame([](float d) { return d < 40 ? 8.0f : 0.0f; }, 1.2f, 0);
  tail(cv::Rect(0, 0, 200, 200)).copyTo(half(cv::Rect(0, 0, 200, 200)));
  EXPECT_EQ(LengthFromEndProfiles(half, water.view, AxisWithBlobEnds(38), 10), 0);
  EXPECT_GT(LengthFromEndProfiles(half, water.view, AxisWithBlobEnds(38), 5), 0);
  // Too short to read.
  EXPECT_EQ(LengthFromEndProfiles(body, water.view, AxisWithBlobEnds(3), 10), 0);
}

}  // namespace
}  // namespace sturgeon::vision
