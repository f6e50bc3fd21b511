// The pool over a video (PoolMask): one frame's failed look (a flood over a
// wall, no seed of the water's colour) must not replace the pool found
// before; the pool's slow growth (a sweep, a climb) and shrinking still pass.
#include "vision/detect/scene.h"

#include <algorithm>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

namespace sturgeon::vision {
namespace {

const cv::Size kSize(960, 540);
const cv::Scalar kWater(95, 110, 80), kConcrete(190, 190, 185);

// Concrete with a horizontal water band of `band_height` at the centre.
cv::Mat Raceway(int band_height) {
  cv::Mat img(kSize, CV_8UC3, kConcrete);
  cv::rectangle(img, cv::Rect(60, (kSize.height - band_height) / 2, kSize.width - 120, band_height), kWater,
                cv::FILLED);
  return img;
}

double Share(const cv::Mat& mask) {
  return mask.empty() ? 1.0 : static_cast<double>(cv::countNonZero(mask)) / static_cast<double>(mask.total());
}

TEST(PoolMask, KeepsThePoolWhenOneLookFloodsTheWholeFrame) {
  const cv::Mat pool = Raceway(160);
  const double pool_share = Share(FindPoolMask(pool));
  ASSERT_GT(pool_share, 0.15);
  ASSERT_LT(pool_share, 0.35);
  // A look where the water's colour reaches every edge (light over the
  // walls): the flood takes the whole frame and the neighbours with it.
  const cv::Mat flooded(kSize, CV_8UC3, kWater);
  ASSERT_GT(Share(FindPoolMask(flooded)), 0.9);  // what each look alone gave

  PoolMask masks;
  EXPECT_NEAR(Share(masks.Update(pool)), pool_share, 1e-9);
  EXPECT_NEAR(Share(masks.Update(flooded)), pool_share, 1e-9);
  EXPECT_NEAR(Share(masks.Update(pool)), pool_share, 1e-9);
}

TEST(PoolMask, KeepsThePoolWhenALookFindsNoWater) {
  const cv::Mat pool = Raceway(160);
  // Stripes of three colours whose per-channel median is none of them: no
  // seed has the central median's colour, nothing is found.
  cv::Mat dry(kSize, CV_8UC3);
  const cv::Scalar colours[3] = {{50, 200, 50}, {200, 50, 200}, {125, 125, 20}};
  for (int x = 0; x < kSize.width; x += 40) {
    cv::rectangle(dry, cv::Rect(x, 0, 40, kSize.height), colours[(x / 40) % 3], cv::FILLED);
  }
  PoolMask masks;
  EXPECT_TRUE(masks.Update(dry).empty());  // nothing found yet: whole frame
  const double pool_share = Share(masks.Update(pool));
  EXPECT_LT(pool_share, 0.35);
  EXPECT_NEAR(Share(masks.Update(dry)), pool_share, 1e-9);
}

// Whether the mask in use may have crept over a wall: before any pool is
// found (the whole frame), and while the mask covers over 60% of the
// frame; not once a pool of a plausible size is in use.
TEST(PoolMask, SaysWhenTheMaskInUseMayHaveLeaked) {
  PoolMask masks;
  EXPECT_TRUE(masks.MayHaveLeaked());  // nothing looked at yet
  const cv::Mat flooded(kSize, CV_8UC3, kWater);
  masks.Update(flooded);
  EXPECT_TRUE(masks.MayHaveLeaked());
  masks.Update(Raceway(160));
  EXPECT_FALSE(masks.MayHaveLeaked());
  masks.Update(flooded);  // refused: the pool stays in use
  EXPECT_FALSE(masks.MayHaveLeaked());
}

TEST(PoolMask, FollowsSlowGrowthAndShrinking) {
  PoolMask masks;
  double share = Share(masks.Update(Raceway(160)));
  for (int h : {180, 200, 220}) {  // more of the pool comes into view, ~12% a look
    const double next = Share(masks.Update(Raceway(h)));
    EXPECT_GT(next, share);
    share = next;
  }
  EXPECT_LT(Share(masks.Update(Raceway(120))), share);
}

// A look where the water's colour reaches every edge, with only a faint
// step (2 grey levels) around a smaller patch at the centre: the usual
// flood takes the whole frame (a leak), the check with the lower barrier
// stops at the step and finds the patch wholly in view. With no mask in
// use that patch is taken; it does not cut down the pool in use (the
// lower barrier stops at faint edges inside a pool too).
TEST(PoolMask, ALowerBarriersLookDoesNotCutDownThePoolInUse) {
  cv::Mat leak(kSize, CV_8UC3, kWater);
  cv::rectangle(leak, cv::Rect(150, 150, 660, 240), kWater + cv::Scalar(2, 2, 2), cv::FILLED);
  const double patch_share = Share(FindPoolMask(leak));
  ASSERT_GT(patch_share, 0.2);
  ASSERT_LT(patch_share, 0.4);  // the patch, not the whole frame

  PoolMask fresh;
  EXPECT_NEAR(Share(fresh.Update(leak)), patch_share, 1e-9);

  const cv::Mat pool = Raceway(300);
  const double pool_share = Share(FindPoolMask(pool));
  ASSERT_LT(patch_share, 0.9 * pool_share);
  PoolMask masks;
  EXPECT_NEAR(Share(masks.Update(pool)), pool_share, 1e-9);
  EXPECT_NEAR(Share(masks.Update(leak)), pool_share, 1e-9);
}

// A pond in grass of the water's own colour: only the shore's darker rim
// (soft, with a gap, as a real bank has) tells water from land. The flood
// must stop at the rim; a channel through the gap must not take the land.
TEST(FindPoolMask, StopsAtTheShoreWhenTheBankHasTheWatersColour) {
  const cv::Scalar green(60, 105, 80);
  cv::Mat img(kSize, CV_8UC3, green);
  // Grass: the water's mean colour with a coarse texture the water lacks.
  cv::Mat noise(kSize.height / 8, kSize.width / 8, CV_16SC3);
  cv::theRNG().state = 7;
  cv::randn(noise, cv::Scalar(0, 0, 0), cv::Scalar(14, 14, 14));
  cv::resize(noise, noise, kSize, 0, 0, cv::INTER_NEAREST);
  cv::Mat grass;
  img.convertTo(grass, CV_16SC3);
  grass += noise;
  grass.convertTo(grass, CV_8UC3);
  const cv::Point centre(kSize.width / 2, kSize.height / 2);
  const int radius = 200;
  cv::Mat pond = grass.clone();
  cv::circle(pond, centre, radius, green, cv::FILLED, cv::LINE_AA);
  // The rim: a dark band, blurred, broken over 20 degrees on the left.
  cv::ellipse(pond, centre, {radius, radius}, 0, 190, 530, cv::Scalar(35, 60, 45), 10, cv::LINE_AA);
  cv::GaussianBlur(pond, pond, {7, 7}, 2);

  const cv::Mat mask = FindPoolMask(pond);
  ASSERT_FALSE(mask.empty());
  const double disk_share = CV_PI * radius * radius / (kSize.width * kSize.height);
  EXPECT_GT(Share(mask), 0.7 * disk_share);
  EXPECT_LT(Share(mask), 1.15 * disk_share);  // not the grass around it
  // The centre is water, a corner is land.
  cv::Mat full;
  cv::resize(mask, full, kSize, 0, 0, cv::INTER_NEAREST);
  EXPECT_NE(full.at<uint8_t>(centre), 0);
  EXPECT_EQ(full.at<uint8_t>(20, 20), 0);
  EXPECT_EQ(full.at<uint8_t>(centre.y, centre.x - radius - 40), 0);  // beyond the gap
}

// A drone panning over a smooth floor (a soft texture of stains) under
// sun glints that flash for one frame anywhere: the glints are by far the
// strongest corners, and at their strength's 1% cut the floor gave too few
// corners, so the frames were taken as still (the held-out sweep_pond
// followed 5.1 of 9.4 m).
TEST(CameraMotion, FollowsAPanOverASmoothFloorUnderGlints) {
  const cv::Size view(480, 270);
  const int pan_px = 3, frames = 20;
  cv::theRNG().state = 11;
  const int cell_px = 6;  // stains about this wide, of up to 30 grey levels
  cv::Mat cells(view.height / cell_px + 2, (view.width + pan_px * frames) / cell_px + 2, CV_32F);
  cv::randu(cells, 0, 1);
  cv::Mat floor;
  cv::resize(cells, floor, cv::Size(cells.cols * cell_px, cells.rows * cell_px), 0, 0, cv::INTER_CUBIC);
  floor.convertTo(floor, CV_8U, 30, 100);
  CameraMotion motion;
  for (int f = 0; f < frames; ++f) {
    cv::Mat grey = floor(cv::Rect(pan_px * f, 0, view.width, view.height)).clone();
    for (int g = 0; g < 12; ++g) {
      cv::circle(grey, {cv::theRNG().uniform(0, view.width), cv::theRNG().uniform(0, view.height)}, 2, 255, cv::FILLED);
    }
    motion.Update(grey, 1.0f, {});
  }
  // The view moved east: the image centre's world point moved east too.
  const cv::Point2f centre(view.width / 2.0f, view.height / 2.0f);
  const cv::Point2f travelled = motion.ToWorld(centre) - centre;
  EXPECT_NEAR(travelled.x, pan_px * (frames - 1), 0.15 * pan_px * (frames - 1));
  EXPECT_NEAR(travelled.y, 0, 3);
}

// The detector averages noisy frames only while the camera holds still:
// held_still says so for frames whose corners agreed on no motion, not for
// the first frame (no estimate), a pan, or a featureless frame.
TEST(CameraMotion, SaysWhenTheCameraHeldStill) {
  const cv::Size view(480, 270);
  cv::theRNG().state = 7;
  const int cell_px = 5;
  cv::Mat cells(view.height / cell_px + 2, (view.width + 40) / cell_px + 2, CV_32F);
  cv::randu(cells, 0, 1);
  cv::Mat floor;
  cv::resize(cells, floor, cv::Size(cells.cols * cell_px, cells.rows * cell_px), 0, 0, cv::INTER_CUBIC);
  floor.convertTo(floor, CV_8U, 60, 80);
  // Still for frames 0-4, a pan of 2 px a frame for 5-8, still again 9-12.
  auto offset = [](int f) { return 2 * std::clamp(f - 4, 0, 4); };
  CameraMotion motion;
  for (int f = 0; f <= 12; ++f) {
    motion.Update(floor(cv::Rect(offset(f), 0, view.width, view.height)).clone(), 1.0f, {});
    const bool still = f > 0 && offset(f) == offset(f - 1);
    EXPECT_EQ(motion.held_still(), still) << "frame " << f;
  }
  motion.Update(cv::Mat(view, CV_8U, cv::Scalar(100)), 1.0f, {});
  EXPECT_FALSE(motion.held_still()) << "no corners, no estimate";
}

// A steady pan over a textured floor with a textured fish swimming across
// it the other way: the corners found on the floor are followed from frame
// to frame (the ones on the fish's box dropped) and found afresh only every
// kCornersFoundEveryFrames frames; the pan is followed as well as when they
// were found in every frame.
TEST(CameraMotion, FollowsItsCornersInsteadOfFindingThemEveryFrame) {
  const cv::Size view(480, 270);
  const int pan_px = 2, frames = 22;
  cv::theRNG().state = 5;
  const int cell_px = 5;
  cv::Mat cells(view.height / cell_px + 2, (view.width + pan_px * frames) / cell_px + 2, CV_32F);
  cv::randu(cells, 0, 1);
  cv::Mat floor;
  cv::resize(cells, floor, cv::Size(cells.cols * cell_px, cells.rows * cell_px), 0, 0, cv::INTER_CUBIC);
  floor.convertTo(floor, CV_8U, 60, 80);
  cv::Mat fish_texture(20, 60, CV_8U);
  cv::randu(fish_texture, 0, 255);
  CameraMotion motion;
  auto fish_at = [](int f) { return cv::Rect(400 - 6 * f, 120, 60, 20); };
  for (int f = 0; f < frames; ++f) {
    cv::Mat grey = floor(cv::Rect(pan_px * f, 0, view.width, view.height)).clone();
    fish_texture.copyTo(grey(fish_at(f)));
    // As the pipeline does: the boxes detected in the frame before, where
    // the corners being followed lie.
    std::vector<cv::Rect2f> boxes;
    if (f > 0) boxes.push_back(cv::Rect2f(fish_at(f - 1)));
    motion.Update(grey, 1.0f, boxes);
  }
  const cv::Point2f centre(view.width / 2.0f, view.height / 2.0f);
  const cv::Point2f travelled = motion.ToWorld(centre) - centre;
  EXPECT_NEAR(travelled.x, pan_px * (frames - 1), 0.02 * pan_px * (frames - 1));
  EXPECT_NEAR(travelled.y, 0, 0.5);
  // Found for estimates 1, 11 and 21 of 21 (every one before; one every
  // 11 would give 2).
  EXPECT_EQ(motion.corner_searches(), 3);
}

// A wall's shadow across the upper third of a raceway, and over the walls
// and the ground beside it: the water there is the water's colour at 55% of
// its light. The flood stops at the shadow's edge; the shadowed water is
// still the pool, the shadowed concrete is not.
TEST(FindPoolMask, TakesTheWaterInAWallsShadow) {
  const int band_height = 240, top = (kSize.height - band_height) / 2;
  const cv::Mat sunlit = Raceway(band_height);
  cv::Mat shaded = sunlit.clone();
  const int shadow_edge = top + band_height / 3;
  shaded(cv::Rect(0, 0, kSize.width, shadow_edge)) *= 0.55;

  const double band_share = static_cast<double>((kSize.width - 120) * band_height) / (kSize.width * kSize.height);
  ASSERT_GT(Share(FindPoolMask(sunlit)), 0.8 * band_share);
  const cv::Mat mask = FindPoolMask(shaded);
  ASSERT_FALSE(mask.empty());
  EXPECT_GT(Share(mask), 0.8 * band_share);  // was the sunlit two thirds, 0.62 of the band
  EXPECT_LT(Share(mask), 1.05 * band_share);
  cv::Mat full;
  cv::resize(mask, full, kSize, 0, 0, cv::INTER_NEAREST);
  EXPECT_NE(full.at<uint8_t>(top + band_height / 6, kSize.width / 2), 0);  // the shadowed water
  EXPECT_EQ(full.at<uint8_t>(top - 30, kSize.width / 2), 0);              // the shadowed concrete
}

// A strip of land of the water's colour, only darker (a wet, muddy bank),
// along a raceway and running out of view, smaller than the pool: a shadow
// on land runs on out of view, a shadow on the water stays within the pool.
TEST(FindPoolMask, DoesNotTakeADarkerBankOfTheWatersColourForShadow) {
  const int band_height = 240, top = (kSize.height - band_height) / 2;
  const cv::Mat pool = Raceway(band_height);
  cv::Mat banked = pool.clone();
  const cv::Rect bank(0, top + band_height, kSize.width, kSize.height - (top + band_height));
  banked(bank).setTo(kWater * 0.6);
  const double pool_share = Share(FindPoolMask(pool));
  const cv::Mat mask = FindPoolMask(banked);
  ASSERT_FALSE(mask.empty());
  EXPECT_LT(Share(mask), 1.05 * pool_share);
  cv::Mat full;
  cv::resize(mask, full, kSize, 0, 0, cv::INTER_NEAREST);
  EXPECT_EQ(full.at<uint8_t>(bank.y + bank.height / 2, kSize.width / 2), 0);
}

}  // namespace
}  // namespace sturgeon::vision
