// The detector on synthetic frames: touching fish split by shape, thin
// bright lines (caustics) rejected, resting fish kept, working scale chosen
// from the fish size.
#include "vision/detect/detector.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <utility>

#include <gtest/gtest.h>
#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>

namespace sturgeon::vision {
namespace {

struct Fish {
  cv::Point2f centre;
  float length, angle_deg;
};

// Water with a gentle gradient and sensor noise, dark slender fish (about
// 1/7 as wide as long). A look unlike the simulator's.
cv::Mat Frame(const std::vector<Fish>& fish, cv::Size size, unsigned seed) {
  cv::Mat img(size, CV_8UC3);
  for (int y = 0; y < size.height; ++y) {
    for (int x = 0; x < size.width; ++x) {
      const int v = 120 + 20 * x / size.width;
      img.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uint8_t>(v + 10), static_cast<uint8_t>(v + 15),
                                          static_cast<uint8_t>(v - 20));
    }
  }
  for (const Fish& f : fish) {
    cv::ellipse(img, f.centre, cv::Size2f(f.length / 2, f.length / 14), f.angle_deg, 0, 360, cv::Scalar(50, 55, 45),
                cv::FILLED, cv::LINE_AA);
  }
  cv::Mat noise(size, CV_8UC3);
  cv::RNG rng(seed);
  rng.fill(noise, cv::RNG::NORMAL, 0, 3);
  img += noise;
  return img;
}

// Eight isolated fish on a grid, plus `extra`.
std::vector<Fish> Grid(float length, std::vector<Fish> extra = {}) {
  std::vector<Fish> fish;
  for (int i = 0; i < 8; ++i) {
    fish.push_back({cv::Point2f(120.0f + 170.0f * (i % 4), 110.0f + 170.0f * (i / 4)), length, 25.0f * i});
  }
  fish.insert(fish.end(), extra.begin(), extra.end());
  return fish;
}

cv::Point2f Centre(const Detection& d) { return {d.box.x + d.box.width / 2, d.box.y + d.box.height / 2}; }

// The water model's contrast threshold the detector settles on for the
// grid frame of `seed` (grey levels): the noise level's multiple, or the
// contrast floor when that is higher.
float WaterModelThreshold(unsigned seed) {
  Detector probe;
  probe.Detect(Frame(Grid(90), {800, 520}, seed));
  return std::max(probe.params().min_contrast, probe.params().threshold_sigma * probe.NoiseSigma());
}

TEST(Detector, FindsIsolatedFishAndLearnsTheirSize) {
  Detector d;
  auto dets = d.Detect(Frame(Grid(90), {800, 520}, 1));
  EXPECT_EQ(dets.size(), 8u);
  EXPECT_NEAR(d.TypicalLengthPx(), 90, 25);
  for (const Detection& det : dets) EXPECT_NEAR(det.length_px, 90, 20);
}

// Two lengths: `length_px`, the counter's shape evidence, has its ends
// followed only while they stand out of the noise; the length for sizes,
// `full_length_px`, is read from the ends' contrast profiles on the
// full-resolution frame (round 27). The grid's fish are 90 px ellipses
// with crisp, antialiased ends, detected at a reduced working scale: both
// come near 90, and the profiles do not depend on how far the shape
// length's ends were followed.
TEST(Detector, TheLengthForSizesIsReadOnTheFullResolutionFrame) {
  const cv::Mat frame = Frame(Grid(90), {800, 520}, 1);
  Detector d;
  const std::vector<Detection> dets = d.Detect(frame);
  ASSERT_EQ(dets.size(), 8u);
  for (const Detection& det : dets) EXPECT_NEAR(det.full_length_px, 90, 5);
  DetectorParams blob_only;
  blob_only.end_sigmas = 1000;  // the shape length's ends are never followed
  Detector e(blob_only);
  const std::vector<Detection> same = e.Detect(frame);
  ASSERT_EQ(same.size(), 8u);
  for (size_t i = 0; i < same.size(); ++i) {
    EXPECT_LE(same[i].length_px, dets[i].length_px);
    EXPECT_NEAR(same[i].full_length_px, dets[i].full_length_px, 1);
  }
  // Bodies fainter than the least contrast asked for are not measured.
  DetectorParams strict;
  strict.end_profile_min_contrast = 100;
  Detector f(strict);
  const std::vector<Detection> unmeasured = f.Detect(frame);
  ASSERT_EQ(unmeasured.size(), 8u);
  for (const Detection& det : unmeasured) EXPECT_EQ(det.full_length_px, 0);
}

TEST(Detector, TwoCrossingFishAreTwo) {
  const std::vector<Fish> pair = {{cv::Point2f(400, 440), 90, 20}, {cv::Point2f(405, 440), 90, 110}};
  Detector d;
  auto dets = d.Detect(Frame(Grid(90, pair), {800, 520}, 2));
  EXPECT_EQ(dets.size(), 10u);
}

// Two fish crossing, the smaller one younger (75 cm beside 90): an X
// with less than 1.7 fish of area (each hides part of the other), neither
// elongated nor solid, but with the outline of two. In the simulator's
// footage such X's were dropped as neither a fish nor a clump (round 6 in
// docs/vision-rounds.md); this synthetic pair also passed before that rule.
TEST(Detector, TwoCrossingFishOfDifferentSizesAreTwo) {
  for (float angle : {70.0f, 90.0f}) {
    const std::vector<Fish> pair = {{cv::Point2f(400, 440), 90, 20}, {cv::Point2f(400, 440), 75, 20 + angle}};
    Detector d;
    auto dets = d.Detect(Frame(Grid(90, pair), {800, 520}, 5));
    EXPECT_EQ(dets.size(), 10u) << angle << " degrees";
  }
}

// A slim fish's head and tail are 1-2 px wide at the working scale and do
// not survive the 3x3 opening that removes speckle: only the middle of the
// body is a blob, shorter than half a fish. Its ends are followed along the
// axis, so it is still a fish, and measured whole.
TEST(Detector, AFishWhoseSlimEndsTheOpeningCutIsStillAFish) {
  cv::Mat img = Frame(Grid(90), {800, 520}, 6);
  const cv::Point2f c(400, 440);
  cv::line(img, c - cv::Point2f(45, 0), c + cv::Point2f(45, 0), cv::Scalar(50, 55, 45), 3, cv::LINE_AA);
  cv::ellipse(img, c, cv::Size2f(21, 7.5f), 0, 0, 360, cv::Scalar(50, 55, 45), cv::FILLED, cv::LINE_AA);
  Detector d;
  auto dets = d.Detect(img);
  ASSERT_EQ(dets.size(), 9u);
  int found = 0;
  for (const Detection& det : dets) {
    if (cv::norm(Centre(det) - c) > 20) continue;
    ++found;
    EXPECT_NEAR(det.length_px, 90, 20);
  }
  EXPECT_EQ(found, 1);
}

// A slim fish, 2 px wide at the working scale (here 1/18 as wide as long,
// against the grid's 1/7), does not survive the dark set's 3x3 opening:
// the thin set (an opening by 2x2) finds it, once, and the grid's fish
// are found as before. Without the thin set none of these three is found.
TEST(Detector, ASlimFishTheOpeningErasesIsFoundInTheThinSet) {
  for (const auto& [half_width, angle] : {std::pair{2.5f, 30.0f}, std::pair{2.5f, 60.0f}, std::pair{3.0f, 60.0f}}) {
    cv::Mat img = Frame(Grid(90), {800, 520}, 6);
    const cv::Point2f c(400, 440);
    cv::ellipse(img, c, cv::Size2f(45, half_width), angle, 0, 360, cv::Scalar(50, 55, 45), cv::FILLED, cv::LINE_AA);
    Detector d;
    const auto dets = d.Detect(img);
    EXPECT_EQ(dets.size(), 9u) << "half width " << half_width << ", " << angle << " degrees";
    int at_slim = 0;
    for (const Detection& det : dets) at_slim += cv::norm(Centre(det) - c) < 25;
    EXPECT_EQ(at_slim, 1) << "half width " << half_width << ", " << angle << " degrees";
  }
}

// A slim fish with water across its middle (here 6 px at full
// resolution, 1.5 px at the working scale) is two thin halves next to
// each other: one fish at most, not two (a thin body must be clear of
// other thin bodies too). The detector has seen a frame with another
// slim fish before (the size it learnt there is what makes the halves
// long enough to pass for fish).
TEST(Detector, ASlimFishBrokenInTwoIsNotTwoFish) {
  const cv::Point2f c(400, 440);
  auto slim_fish = [&](unsigned seed, float half_width, float angle, int water_across) {
    cv::Mat img = Frame(Grid(90), {800, 520}, seed);
    cv::ellipse(img, c, cv::Size2f(60, half_width), angle, 0, 360, cv::Scalar(50, 55, 45), cv::FILLED, cv::LINE_AA);
    const float a = angle * static_cast<float>(CV_PI) / 180;
    const cv::Point2f across(-std::sin(a), std::cos(a));
    const int v = 120 + 20 * 400 / 800;  // Frame's water at x = 400
    cv::line(img, c - 12 * across, c + 12 * across, cv::Scalar(v + 10, v + 15, v - 20), water_across, cv::LINE_AA);
    return img;
  };
  Detector d;
  d.Detect(slim_fish(7, 3.0f, 0, 1));
  int near = 0;
  for (const Detection& det : d.Detect(slim_fish(6, 2.5f, 60, 6))) near += cv::norm(Centre(det) - c) < 60;
  EXPECT_LE(near, 1);
}

// A sturgeon turning is bent: its front and back halves meet at an angle,
// and the blob is not solid enough for the fish shape (fill about 0.45,
// the floor is 0.55). Bent by 60 or 90 degrees it is still one fish,
// found where it lies (before round 15 it was dropped as neither a fish
// nor a clump). Drawn pale among dark fish, the same shape is of the
// minority polarity, and a bent body of it is not a fish (a straight
// pale one, standing out as clearly, would be).
cv::Mat FrameWithABentFish(float bend_deg, cv::Scalar colour, cv::Point2f* where) {
  cv::Mat img = Frame(Grid(90), {800, 520}, 8);
  const cv::Point2f joint(400, 440);
  const float half = 45;
  const float a = static_cast<float>(bend_deg * CV_PI / 180);
  const cv::Point2f front = joint + cv::Point2f(half / 2, 0);
  const cv::Point2f back = joint - cv::Point2f(std::cos(a), std::sin(a)) * (half / 2);
  const cv::Size2f half_body(half / 2 + 3, 90.0f / 14);
  cv::ellipse(img, front, half_body, 0, 0, 360, colour, cv::FILLED, cv::LINE_AA);
  cv::ellipse(img, back, half_body, bend_deg, 0, 360, colour, cv::FILLED, cv::LINE_AA);
  *where = (front + back) / 2;
  return img;
}

int DetectionsNear(const std::vector<Detection>& dets, cv::Point2f p, float radius) {
  int n = 0;
  for (const Detection& det : dets) n += cv::norm(Centre(det) - p) < radius;
  return n;
}

TEST(Detector, ABentFishIsOneFish) {
  for (float bend : {60.0f, 90.0f}) {
    cv::Point2f where;
    const cv::Mat dark = FrameWithABentFish(bend, cv::Scalar(50, 55, 45), &where);
    Detector d;
    const std::vector<Detection> dets = d.Detect(dark);
    EXPECT_EQ(dets.size(), 9u) << bend << " degrees";
    EXPECT_EQ(DetectionsNear(dets, where, 25), 1) << bend << " degrees";

    const cv::Mat pale = FrameWithABentFish(bend, cv::Scalar(200, 205, 170), &where);
    Detector e;
    const std::vector<Detection> pale_dets = e.Detect(pale);
    EXPECT_EQ(pale_dets.size(), 8u) << bend << " degrees, pale";
    EXPECT_EQ(DetectionsNear(pale_dets, where, 25), 0) << bend << " degrees, pale";
  }
}

// A straight dark line as long as a fish but thinner for its length than
// the fish (a rope, a shadow's edge) fails the fish shape by its
// thinness alone; it is not a bent body either.
TEST(Detector, AThinStraightLineIsNotABentFish) {
  cv::Mat img = Frame(Grid(90), {800, 520}, 8);
  const cv::Point2f c(400, 440);
  cv::line(img, c - cv::Point2f(60, 0), c + cv::Point2f(60, 0), cv::Scalar(50, 55, 45), 5, cv::LINE_AA);
  Detector d;
  const std::vector<Detection> dets = d.Detect(img);
  EXPECT_EQ(dets.size(), 8u);
  EXPECT_EQ(DetectionsNear(dets, c, 40), 0);
}

// Clumps are of the polarity most fish have. Among eight dark fish and
// three pale ones (27% pale, above the old 25% bar), a large pale patch
// the size of three fish (foam, a caustic knot) is not three fish; the
// pale fish themselves are still found.
TEST(Detector, APalePatchAmongMostlyDarkFishIsNotAClump) {
  cv::Mat img = Frame(Grid(90), {800, 520}, 7);
  const cv::Scalar pale(190, 195, 185);
  for (int i = 0; i < 3; ++i) {
    cv::ellipse(img, cv::Point2f(120.0f + 170.0f * i, 440), cv::Size2f(45, 6.5f), 10.0f * i, 0, 360, pale,
                cv::FILLED, cv::LINE_AA);
  }
  cv::ellipse(img, cv::Point2f(660, 440), cv::Size2f(50, 20), 0, 0, 360, pale, cv::FILLED, cv::LINE_AA);
  Detector d;
  auto dets = d.Detect(img);
  EXPECT_EQ(dets.size(), 11u);
  for (const Detection& det : dets) {
    EXPECT_GT(cv::norm(Centre(det) - cv::Point2f(660, 440)), 40) << "a piece of the pale patch";
  }
}

// A band a little darker than the water, twice a fish's length and
// width (the edge of a pool's shaded rim or of a cloud's shadow), has a
// clump's shape and area, and with the noise its peak contrast reaches
// the dark threshold, but nowhere by half again: it is shading, not fish.
// The same band as dark as the fish is a clump. On this clean water both
// thresholds are the contrast floor, so the band's darkness is set
// against that.
TEST(Detector, AFaintDarkBandIsNotAClump) {
  const float floor = DetectorParams().min_contrast;
  ASSERT_EQ(WaterModelThreshold(13), floor) << "the band's darkness is sized for the contrast floor";
  const cv::Point2f band_centre(560, 445);
  auto with_band = [&](double darker_by) {
    cv::Mat img = Frame(Grid(90), {800, 520}, 13);
    cv::Mat band = cv::Mat::zeros(img.size(), CV_8U);
    cv::ellipse(band, band_centre, cv::Size2f(95, 13), 5, 0, 360, cv::Scalar(255), cv::FILLED);
    cv::subtract(img, cv::Scalar::all(darker_by), img, band);
    return img;
  };
  auto on_band = [&](const std::vector<Detection>& dets) { return DetectionsNear(dets, band_centre, 100); };
  Detector faint;
  const auto faint_dets = faint.Detect(with_band(0.9 * floor));
  EXPECT_EQ(faint_dets.size(), 8u);
  EXPECT_EQ(on_band(faint_dets), 0);
  DetectorParams any_contrast;
  any_contrast.clump_contrast_factor = 0;
  Detector without_the_rule(any_contrast);
  EXPECT_GE(on_band(without_the_rule.Detect(with_band(0.9 * floor))), 2) << "the band is shaped like a clump";
  Detector dark;
  EXPECT_GE(on_band(dark.Detect(with_band(75))), 2);
}

// Slim bodies a little paler than the water, among dark fish: by shape
// they are fish, and with the noise added their peak contrast reaches the
// threshold, but not by a quarter again. Of the footage's minority
// polarity (pale caustic segments, glints, a dark fish's pale snout) such
// a body is not a fish. The same bodies darker than the water among dark
// fish are, and so are the pale ones among pale fish: the rule is about
// the footage's polarity, not about pale bodies.
TEST(Detector, AFaintBodyOfTheMinorityPolarityIsNotAFish) {
  const float threshold = WaterModelThreshold(11);
  auto with_bodies = [&](float sign, bool pale_fish = false) {
    cv::Mat img = Frame(Grid(90), {800, 520}, 11);
    if (pale_fish) {
      // The grid's dark fish painted as pale as they were dark.
      cv::Mat dark_fish;
      cv::inRange(img, cv::Scalar(0, 0, 0), cv::Scalar(80, 80, 80), dark_fish);
      cv::add(img, cv::Scalar(150, 150, 150), img, dark_fish);
    }
    cv::Mat bodies = cv::Mat::zeros(img.size(), CV_8U);
    for (int i = 0; i < 3; ++i) {
      cv::ellipse(bodies, cv::Point2f(140.0f + 170.0f * i, 440), cv::Size2f(45, 6.5f), 10.0f * i, 0, 360,
                  cv::Scalar(255), cv::FILLED);
    }
    const double offset = sign * 0.9 * threshold;
    cv::add(img, cv::Scalar::all(offset), img, bodies);
    return img;
  };
  Detector pale_among_dark;
  EXPECT_EQ(pale_among_dark.Detect(with_bodies(+1)).size(), 8u);
  DetectorParams any_contrast;
  any_contrast.minority_contrast_factor = 0;
  Detector without_the_rule(any_contrast);
  EXPECT_EQ(without_the_rule.Detect(with_bodies(+1)).size(), 11u) << "the pale bodies are fish-shaped";
  Detector dark_among_dark;
  EXPECT_EQ(dark_among_dark.Detect(with_bodies(-1)).size(), 11u);
  Detector pale_among_pale;
  EXPECT_EQ(pale_among_pale.Detect(with_bodies(+1, true)).size(), 11u);
}

// The blob audit: off by default; on, every measured blob of the frame
// with its fate. The grid's fish are fish (one record a detection, at the
// fish), a dark speck a third of a fish long is too short, faint pale
// fish-shaped bodies among dark fish are the faint minority.
TEST(Detector, RecordsWhatItMadeOfEachBlob) {
  const float threshold = WaterModelThreshold(11);
  cv::Mat img = Frame(Grid(90, {{cv::Point2f(450, 440), 30, 0}}), {800, 520}, 11);
  cv::Mat bodies = cv::Mat::zeros(img.size(), CV_8U);
  const std::vector<cv::Point2f> pale = {{140, 440}, {280, 440}, {620, 440}};
  for (const cv::Point2f& p : pale) {
    cv::ellipse(bodies, p, cv::Size2f(45, 6.5f), 0, 0, 360, cv::Scalar(255), cv::FILLED);
  }
  cv::add(img, cv::Scalar::all(0.9 * threshold), img, bodies);
  auto fates_near = [](const std::vector<BlobRecord>& blobs, cv::Point2f p) {
    std::vector<BlobFate> out;
    for (const BlobRecord& b : blobs) {
      if (cv::norm(b.centre - p) < 12) out.push_back(b.fate);
    }
    return out;
  };

  Detector quiet;
  quiet.Detect(img);
  EXPECT_TRUE(quiet.LastBlobs().empty());

  Detector d;
  d.RecordBlobs(true);
  const std::vector<Detection> dets = d.Detect(img);
  ASSERT_EQ(dets.size(), 8u);
  const std::vector<BlobRecord>& blobs = d.LastBlobs();
  EXPECT_EQ(std::count_if(blobs.begin(), blobs.end(), [](const BlobRecord& b) { return b.fate == BlobFate::kFish; }),
            8);
  for (const Fish& f : Grid(90)) {
    EXPECT_EQ(fates_near(blobs, f.centre), std::vector<BlobFate>{BlobFate::kFish}) << f.centre;
  }
  EXPECT_EQ(fates_near(blobs, {450, 440}), std::vector<BlobFate>{BlobFate::kTooShort});
  for (const cv::Point2f& p : pale) {
    EXPECT_EQ(fates_near(blobs, p), std::vector<BlobFate>{BlobFate::kFaintMinority}) << p;
    const BlobRecord* under = d.BlobUnder(p).record;  // a blob of the light set
    ASSERT_NE(under, nullptr) << p;
    EXPECT_EQ(under->fate, BlobFate::kFaintMinority) << p;
    EXPECT_FALSE(under->dark);
  }
  for (const BlobRecord& b : blobs) {
    if (b.fate != BlobFate::kFish) continue;
    EXPECT_TRUE(b.dark);
    EXPECT_NEAR(b.length_px, 90, 25);
    EXPECT_GE(b.contrast_ratio, 1.0f);
  }

  EXPECT_EQ(BlobFateFromName(BlobFateName(BlobFate::kOutsidePool)), BlobFate::kOutsidePool);
  EXPECT_FALSE(BlobFateFromName("fishy").has_value());
}

// BlobUnder: the record of the blob whose pixels hold a point. A fish seen
// as head and tail with water between (two blobs merged into one body) is
// one record under both pieces; open water has none, a dark speck under
// the area floor is a speck.
TEST(Detector, SaysWhichBlobsPixelsHoldAPoint) {
  cv::Mat img = Frame(Grid(90, {{cv::Point2f(450, 440), 90, 0}}), {800, 520}, 12);
  const int v = 120 + 20 * 450 / 800;  // the water's colour there (Frame)
  cv::rectangle(img, cv::Rect(444, 425, 12, 30), cv::Scalar(v + 10, v + 15, v - 20), cv::FILLED);
  cv::circle(img, cv::Point(300, 440), 5, cv::Scalar(50, 55, 45), cv::FILLED);  // a dark speck
  Detector d;
  d.RecordBlobs(true);
  const std::vector<Detection> dets = d.Detect(img);
  EXPECT_EQ(dets.size(), 9u);
  for (const Fish& f : Grid(90)) {
    const BlobRecord* under = d.BlobUnder(f.centre).record;
    ASSERT_NE(under, nullptr) << f.centre;
    EXPECT_EQ(under->fate, BlobFate::kFish);
    EXPECT_LT(cv::norm(under->centre - f.centre), 8) << f.centre;
  }
  const BlobRecord* head = d.BlobUnder({420, 440}).record;
  const BlobRecord* tail = d.BlobUnder({480, 440}).record;
  ASSERT_NE(head, nullptr);
  EXPECT_EQ(head, tail) << "one body";
  EXPECT_EQ(head->fate, BlobFate::kFish);
  EXPECT_NEAR(head->length_px, 90, 25);
  EXPECT_EQ(d.BlobUnder({450, 200}).record, nullptr) << "open water";
  EXPECT_FALSE(d.BlobUnder({450, 200}).speck);
  EXPECT_EQ(d.BlobUnder({-5, 40}).record, nullptr) << "off the frame";
  EXPECT_EQ(d.BlobUnder({300, 440}).record, nullptr);
  EXPECT_TRUE(d.BlobUnder({300, 440}).speck) << "under the area floor";
}

// Two fish touching flank to flank: one blob as long as a fish, twice as
// wide for its length and twice the area.
TEST(Detector, TwoFishSideBySideAreTwo) {
  const std::vector<Fish> pair = {{cv::Point2f(400, 440), 90, 0}, {cv::Point2f(400, 453), 90, 0}};
  Detector d;
  auto dets = d.Detect(Frame(Grid(90, pair), {800, 520}, 3));
  EXPECT_EQ(dets.size(), 10u);
}

TEST(Detector, ThinBrightLinesAreNotFish) {
  cv::Mat img = Frame(Grid(90), {800, 520}, 4);
  // A network of bright, thin, fish-length lines (caustics on the bottom).
  for (int i = 0; i < 12; ++i) {
    cv::Point a(40 + 60 * i, 470), b(70 + 60 * i, 500 - (i % 3) * 10);
    cv::line(img, a, b, cv::Scalar(200, 205, 180), 2, cv::LINE_AA);
    cv::line(img, b, b + cv::Point(50, -20), cv::Scalar(200, 205, 180), 2, cv::LINE_AA);
  }
  Detector d;
  auto dets = d.Detect(img);
  EXPECT_EQ(dets.size(), 8u);
}

// The pool mask may change from frame to frame (found again every few
// frames), in size as well as in shape; the detector scales it to its
// working size only when it changes (round 9), and a nonzero value is
// inside. The grid's left two columns of fish lie left of x = 400.
TEST(Detector, FollowsAPoolMaskThatChangesBetweenFrames) {
  const cv::Size size(800, 520);
  const cv::Mat all(130, 200, CV_8UC1, cv::Scalar(255));
  cv::Mat left(130, 200, CV_8UC1, cv::Scalar(0));
  left.colRange(0, 100).setTo(255);
  cv::Mat left_large(260, 400, CV_8UC1, cv::Scalar(0));
  left_large.colRange(0, 200).setTo(255);
  cv::Mat left_ones(130, 200, CV_8UC1, cv::Scalar(0));
  left_ones.colRange(0, 100).setTo(1);
  auto left_of_400 = [](const std::vector<Detection>& dets) {
    int n = 0;
    for (const Detection& d : dets) n += d.box.x + d.box.width / 2 < 400;
    return n;
  };
  Detector d;
  const struct { const cv::Mat* mask; size_t expected; } steps[] = {
      {&all, 8}, {&left, 4}, {&all, 8}, {&left_large, 4}, {&left_ones, 4}, {&all, 8}};
  unsigned seed = 30;
  for (const auto& step : steps) {
    const std::vector<Detection> dets = d.Detect(Frame(Grid(90), size, seed++), *step.mask);
    SCOPED_TRACE(testing::Message() << "step with mask " << step.mask->size());
    EXPECT_EQ(dets.size(), step.expected);
    if (step.expected == 4) {
      EXPECT_EQ(left_of_400(dets), 4);
    }
  }
}

// The part looked at reaches past the pool by the water model's window (a
// median of 5 or 7 blocks: 4 or 5 blocks) and a fish with the dark
// bodies' window (24 px: 32), its corner on an even number of blocks.
TEST(AreaLookedAt, ReachesPastThePoolByTheWaterWindowAndAFishFromABlocksCorner) {
  const cv::Size reduced(1152, 648), block(12, 12);
  const cv::Rect pool(700, 400, 300, 150);
  // 700 - 80 = 620 down to 600 (25 pairs of blocks); 400 - 80 = 320 down to 312.
  EXPECT_EQ(AreaLookedAt(reduced, pool, block, 5, 24), cv::Rect(cv::Point(600, 312), cv::Point(1080, 630)));
  EXPECT_EQ(AreaLookedAt(reduced, pool, block, 7, 24), cv::Rect(cv::Point(600, 288), cv::Point(1092, 642)));
  EXPECT_EQ(AreaLookedAt(reduced, pool, block, 5, 0), cv::Rect(cv::Point(648, 336), cv::Point(1048, 598)));
  EXPECT_EQ(AreaLookedAt(reduced, pool, cv::Size(10, 14), 5, 0), cv::Rect(cv::Point(660, 336), cv::Point(1040, 606)));
  EXPECT_EQ(AreaLookedAt(reduced, cv::Rect(10, 5, 1130, 640), block, 5, 24), cv::Rect(cv::Point(0, 0), reduced));
}

// Only the pool's part of the frame is looked at, so a pool in the lower
// right corner must give what the same pool gives when the part looked at
// is the whole frame (one more pool cell in the opposite corner): the same
// noise level and the same boxes, in the frame's pixels, on blotchy water,
// for the default water window and a wider one. 1080p with 40-px fish:
// the part looked at is about a quarter of it. (The dark fish are found by
// their own surroundings, so this does not see a water-model block out of
// place; AreaLookedAt's test and AverageBlocks' test cover the geometry.)
TEST(Detector, LooksAtThePoolsPartAsAtTheWholeFrame) {
  const cv::Size size(1920, 1080);
  std::vector<Fish> fish;
  for (int i = 0; i < 45; ++i) {
    fish.push_back({cv::Point2f(110.0f + 210.0f * (i % 9), 100.0f + 210.0f * (i / 9)), 40, 20.0f * i});
  }
  auto blotchy = [&](unsigned seed) {
    cv::Mat frame, blotches(size, CV_16SC3);
    cv::RNG(seed + 100).fill(blotches, cv::RNG::NORMAL, 0, 200);  // about 11 grey levels once blurred
    cv::GaussianBlur(blotches, blotches, {0, 0}, 5);
    Frame(fish, size, seed).convertTo(frame, CV_16SC3);
    frame += blotches;
    frame.convertTo(frame, CV_8UC3);
    return frame;
  };
  cv::Mat corner(135, 240, CV_8UC1, cv::Scalar(0));
  corner(cv::Rect(150, 70, 90, 65)).setTo(255);  // x >= 1200, y >= 560
  cv::Mat corner_and_a_cell = corner.clone();
  corner_and_a_cell.at<uint8_t>(0, 0) = 255;  // the part looked at is the whole frame
  for (int median : {5, 7}) {
    SCOPED_TRACE(testing::Message() << "water window of " << median << " blocks");
    DetectorParams params;
    params.background_median = median;
    Detector pool(params), whole(params);
    pool.Detect(blotchy(41), corner);
    whole.Detect(blotchy(41), corner_and_a_cell);
    const cv::Mat frame = blotchy(40);
    const std::vector<Detection> found = pool.Detect(frame, corner);
    const std::vector<Detection> expected = whole.Detect(frame, corner_and_a_cell);
    EXPECT_FLOAT_EQ(pool.NoiseSigma(), whole.NoiseSigma());
    EXPECT_GE(found.size(), 6u);
    ASSERT_EQ(found.size(), expected.size());
    for (size_t i = 0; i < found.size(); ++i) {
      EXPECT_GE(Centre(found[i]).x, 1200);
      EXPECT_GE(Centre(found[i]).y, 560);
      EXPECT_NEAR(found[i].box.x, expected[i].box.x, 0.05);
      EXPECT_NEAR(found[i].box.y, expected[i].box.y, 0.05);
      EXPECT_NEAR(found[i].box.width, expected[i].box.width, 0.05);
      EXPECT_NEAR(found[i].length_px, expected[i].length_px, 0.05);
      EXPECT_GT(found[i].full_length_px, 0) << "the length for sizes is read through the crop's origin";
      EXPECT_NEAR(found[i].full_length_px, expected[i].full_length_px, 0.05);
    }
  }
}

// A mask with no pool in it (a look that found nothing) gives no fish and
// teaches nothing: the noise level and the fish size stay as they were.
TEST(Detector, AMaskWithNoPoolGivesNoFishAndTeachesNothing) {
  const cv::Mat all(130, 200, CV_8UC1, cv::Scalar(255)), none(130, 200, CV_8UC1, cv::Scalar(0));
  auto noisy = [](unsigned seed) {  // noise (clipped at 0) that lifts the noise level off its floor
    cv::Mat frame = Frame(Grid(90), {800, 520}, seed), noise(frame.size(), CV_8UC3);
    cv::RNG(seed).fill(noise, cv::RNG::NORMAL, 0, 12);
    return cv::Mat(frame + noise);
  };
  Detector d;
  ASSERT_EQ(d.Detect(noisy(50), all).size(), 8u);
  const float sigma = d.NoiseSigma(), length = d.TypicalLengthPx();
  ASSERT_GT(sigma, 2.0f);
  EXPECT_TRUE(d.Detect(noisy(51), none).empty());
  EXPECT_EQ(d.NoiseSigma(), sigma);
  EXPECT_EQ(d.TypicalLengthPx(), length);
  // A pool of one cell that the reduction to the working scale drops: the
  // working frame is narrower than the mask, so nearest-neighbour sampling
  // skips some of its columns.
  const cv::Size reduced(cvRound(800 * d.scale()), cvRound(520 * d.scale()));
  ASSERT_LT(reduced.width, 240);
  cv::Mat speck;
  for (int column = 0; column < 240 && speck.empty(); ++column) {
    cv::Mat candidate(135, 240, CV_8UC1, cv::Scalar(0)), sampled;
    candidate.at<uint8_t>(50, column) = 255;
    cv::resize(candidate, sampled, reduced, 0, 0, cv::INTER_NEAREST);
    if (cv::countNonZero(sampled) == 0) speck = candidate;
  }
  ASSERT_FALSE(speck.empty());
  EXPECT_TRUE(d.Detect(noisy(52), speck).empty());
  EXPECT_EQ(d.NoiseSigma(), sigma);
  EXPECT_EQ(d.TypicalLengthPx(), length);
}

TEST(Detector, AMotionlessFishIsFoundInEveryFrame) {
  Detector d;
  for (unsigned f = 0; f < 5; ++f) {
    auto dets = d.Detect(Frame(Grid(90), {800, 520}, 10 + f));
    EXPECT_EQ(dets.size(), 8u) << "frame " << f;
  }
}

// The grid's fish at `frame`: they swim 3 px a frame along their bodies.
std::vector<Fish> SwimmingGrid(int frame) {
  std::vector<Fish> fish = Grid(90);
  for (Fish& f : fish) {
    const float heading = f.angle_deg * static_cast<float>(CV_PI / 180);
    f.centre += 3.0f * frame * cv::Point2f(std::cos(heading), std::sin(heading));
  }
  return fish;
}

// A night frame: dark water, the fish of SwimmingGrid(frame) only a little
// darker, and heavy sensor noise drawn anew for each `seed`.
cv::Mat NightFrame(int frame, unsigned seed, double fish_contrast, double noise_sigma) {
  cv::Mat img(cv::Size(800, 520), CV_8UC3, cv::Scalar(62, 70, 58));
  for (const Fish& f : SwimmingGrid(frame)) {
    cv::ellipse(img, f.centre, cv::Size2f(f.length / 2, f.length / 14), f.angle_deg, 0, 360,
                cv::Scalar(62 - fish_contrast, 70 - fish_contrast, 58 - fish_contrast), cv::FILLED, cv::LINE_AA);
  }
  cv::Mat noisy, noise(img.size(), CV_16SC3);
  cv::RNG rng(seed);
  rng.fill(noise, cv::RNG::NORMAL, 0, noise_sigma);
  img.convertTo(noisy, CV_16SC3);
  noisy += noise;
  noisy.convertTo(img, CV_8UC3);
  return img;
}

// The grid's fish found in `dets` (a detection within 15 px of a fish of
// frame `frame`'s, each fish once).
int GridFishFound(const std::vector<Detection>& dets, int frame) {
  int found = 0;
  for (const Fish& f : SwimmingGrid(frame)) {
    found += std::any_of(dets.begin(), dets.end(), [&](const Detection& d) { return cv::norm(Centre(d) - f.centre) < 15; });
  }
  return found;
}

// Frames 1-30 of a night clip, the camera said to hold still (or not) after
// each; returns the grid's fish found over frames 21-30 (of 80).
int NightFishFound(Detector& d, bool camera_still, double fish_contrast, double noise_sigma) {
  int found = 0;
  for (int f = 1; f <= 30; ++f) {
    const auto dets = d.Detect(NightFrame(f, 500 + f, fish_contrast, noise_sigma));
    if (f > 20) found += GridFishFound(dets, f);
    d.NoteCameraStill(camera_still);
  }
  return found;
}

// Night footage: fish 10 grey levels darker than the water under sensor
// noise of 12 (its frame-to-frame sigma at the working scale over 7, in
// the detector's strongest-channel units). Frame by frame a quarter of the
// fish stand out of the noise; on the mean of three still frames all do,
// though they swim a pixel a frame at the working scale.
TEST(Detector, NoisyFootageUnderAStillCameraIsDetectedOnTheMeanOfFrames) {
  Detector averaged;
  DetectorParams one_frame;
  one_frame.still_mean_frames = 1;
  Detector single(one_frame);
  const int found = NightFishFound(averaged, /*camera_still=*/true, 10, 12);
  const int found_frame_by_frame = NightFishFound(single, true, 10, 12);
  EXPECT_TRUE(averaged.AveragesStillFrames());
  EXPECT_GT(averaged.FrameNoiseSigma(), 2 * averaged.params().frame_noise_min);
  EXPECT_GE(found, 76) << "of 80";
  EXPECT_LE(found_frame_by_frame, 40) << "of 80";
  EXPECT_FALSE(single.AveragesStillFrames());
}

// Restart forgets what the footage taught (the pipeline restarts the
// detector when the pool it first looked at leaked over a wall) but keeps
// what is the footage's: the frames averaged so far and the blob audit.
TEST(Detector, RestartForgetsTheFootageButKeepsItsTallyAndTheAudit) {
  Detector d;
  d.RecordBlobs(true);
  NightFishFound(d, /*camera_still=*/true, 10, 12);
  const int averaged = d.averaged_frames();
  ASSERT_GT(averaged, 0) << "the premise: the night was averaged";
  ASSERT_GT(d.TypicalLengthPx(), 0);
  d.Restart();
  EXPECT_EQ(d.TypicalLengthPx(), 0);
  EXPECT_EQ(d.NoiseSigma(), 0);
  EXPECT_EQ(d.FrameNoiseSigma(), 0);
  EXPECT_FALSE(d.AveragesStillFrames());
  EXPECT_EQ(d.averaged_frames(), averaged);
  d.Detect(NightFrame(31, 531, 10, 12));
  EXPECT_FALSE(d.LastBlobs().empty()) << "the audit is still on";
}

// A frame the camera moved to is detected alone, and the mean starts again
// once the camera has held still over two steps. The noise level, a
// running mean over means and single frames, lets no burst of noise
// "fish" through on the frame alone.
TEST(Detector, AFrameAfterAMoveIsDetectedAloneAndTheMeanStartsAgain) {
  Detector d;
  NightFishFound(d, /*camera_still=*/true, 10, 12);
  ASSERT_TRUE(d.AveragesStillFrames());
  const int averaged = d.averaged_frames();
  d.NoteCameraStill(false);
  const auto dets = d.Detect(NightFrame(31, 531, 10, 12));
  EXPECT_EQ(d.averaged_frames(), averaged);
  EXPECT_LE(dets.size(), 10u) << "8 fish";
  d.NoteCameraStill(true);
  d.Detect(NightFrame(32, 532, 10, 12));
  d.NoteCameraStill(true);
  EXPECT_EQ(d.averaged_frames(), averaged) << "two still steps are needed";
  d.Detect(NightFrame(33, 533, 10, 12));
  EXPECT_EQ(d.averaged_frames(), averaged + 1);
}

// Noisy footage whose fish stand out clearly (most by two thresholds or
// more) is detected frame by frame: the mean would find no more fish and
// would smear the ones that swim.
TEST(Detector, NoisyFootageWithClearFishIsDetectedFrameByFrame) {
  Detector still;
  const int found = NightFishFound(still, /*camera_still=*/true, 45, 12);
  EXPECT_GT(still.FrameNoiseSigma(), 2 * still.params().frame_noise_min);
  EXPECT_FALSE(still.AveragesStillFrames());
  EXPECT_EQ(still.averaged_frames(), 0);
  EXPECT_GE(found, 76) << "of 80";
}

// While the camera moves (or nothing says it holds still) frames are not
// averaged: the detections are the frame's own.
TEST(Detector, FramesAreNotAveragedWhileTheCameraMoves) {
  Detector moving;
  DetectorParams one_frame;
  one_frame.still_mean_frames = 1;
  Detector single(one_frame);
  for (int f = 1; f <= 20; ++f) {
    const cv::Mat frame = NightFrame(f, 500 + f, 10, 12);
    const auto dets = moving.Detect(frame);
    const auto own = single.Detect(frame);
    ASSERT_EQ(dets.size(), own.size()) << "frame " << f;
    for (size_t i = 0; i < dets.size(); ++i) EXPECT_EQ(dets[i].box, own[i].box) << "frame " << f;
    moving.NoteCameraStill(false);
  }
  EXPECT_FALSE(moving.AveragesStillFrames());
  EXPECT_EQ(moving.FrameNoiseSigma(), 0);
}

// Clean footage (sensor noise of 3 grey levels) is measured under a still
// camera, found below the bar, and detected frame by frame.
TEST(Detector, CleanFootageIsDetectedFrameByFrame) {
  Detector still;
  DetectorParams one_frame;
  one_frame.still_mean_frames = 1;
  Detector single(one_frame);
  for (unsigned f = 0; f < 20; ++f) {
    const cv::Mat frame = Frame(Grid(90), {800, 520}, 40 + f);
    const auto dets = still.Detect(frame);
    const auto own = single.Detect(frame);
    ASSERT_EQ(dets.size(), own.size()) << "frame " << f;
    for (size_t i = 0; i < dets.size(); ++i) EXPECT_EQ(dets[i].box, own[i].box) << "frame " << f;
    still.NoteCameraStill(true);
  }
  EXPECT_GT(still.FrameNoiseSigma(), 0);
  EXPECT_LT(still.FrameNoiseSigma(), still.params().frame_noise_min);
  EXPECT_FALSE(still.AveragesStillFrames());
}

// A tight school: thirty fish in staggered rows a fifth of a body apart,
// a little paler than the isolated ones. Against the water model (a median
// over a few fish lengths, which the school fills) the school was one
// blob, which the clump rule cut into 40 pieces by its area and outline.
// Against the water right around each body (black top-hat) the fish are
// found one by one.
TEST(Detector, FishOfATightSchoolAreFoundOneByOne) {
  cv::Mat img = Frame(Grid(90), {800, 520}, 8);
  int school = 0;
  for (int row = 0; row < 6; ++row) {
    for (int col = 0; col < 5; ++col) {
      const cv::Point2f c(230.0f + 100.0f * col + 30.0f * (row % 2), 340.0f + 18.0f * row);
      cv::ellipse(img, c, cv::Size2f(45, 90.0f / 14), 0, 0, 360, cv::Scalar(80, 85, 75), cv::FILLED, cv::LINE_AA);
      ++school;
    }
  }
  Detector d;
  d.Detect(Frame(Grid(90), {800, 520}, 10));  // the fish size, learnt on isolated fish
  int in_school = 0;
  for (const Detection& det : d.Detect(img)) {
    in_school += det.box.y + det.box.height / 2 > 320;
  }
  EXPECT_GE(in_school, 0.8 * school) << "of " << school;
  EXPECT_LE(in_school, 1.1 * school) << "of " << school;
}

// The two sets (darker and lighter than the water) are labelled, and their
// blobs measured, in parallel (MeasureBlobs): the detections are the same,
// in the same order, as on one thread. The frames hold dark fish, two
// crossing (a clump split), and pale ones, so both sets and the clump path
// are exercised.
TEST(Detector, FindsTheSameFishOnOneThreadAsOnSeveral) {
  std::vector<cv::Mat> frames;
  for (unsigned seed : {21u, 22u, 23u}) {
    cv::Mat img = Frame(Grid(90, {{cv::Point2f(660, 440), 90, 30}, {cv::Point2f(660, 440), 90, 150}}), {800, 520}, seed);
    for (int i = 0; i < 3; ++i) {
      cv::ellipse(img, cv::Point2f(120.0f + 170.0f * i, 440), cv::Size2f(45, 6.5f), 10.0f * i, 0, 360,
                  cv::Scalar(190, 195, 185), cv::FILLED, cv::LINE_AA);
    }
    frames.push_back(img);
  }
  // OpenCV's thread count is process-wide: restored however the run ends.
  struct ThreadCount {
    int saved = cv::getNumThreads();
    explicit ThreadCount(int n) { cv::setNumThreads(n); }
    ~ThreadCount() { cv::setNumThreads(saved); }
  };
  auto run = [&](int threads) {
    const ThreadCount count(threads);
    Detector d;
    std::vector<std::vector<Detection>> out;
    for (const cv::Mat& f : frames) out.push_back(d.Detect(f));
    return out;
  };
  const auto one = run(1), several = run(4);
  ASSERT_EQ(one.size(), several.size());
  int pale = 0;
  for (size_t f = 0; f < one.size(); ++f) {
    ASSERT_EQ(one[f].size(), several[f].size()) << "frame " << f;
    EXPECT_GE(one[f].size(), 12u) << "frame " << f;  // 8 + 2 crossing + the pale ones
    for (size_t i = 0; i < one[f].size(); ++i) {
      const Detection& a = one[f][i];
      const Detection& b = several[f][i];
      EXPECT_EQ(a.box, b.box) << "frame " << f << " detection " << i;
      EXPECT_EQ(a.score, b.score);
      EXPECT_EQ(a.length_px, b.length_px);
      EXPECT_EQ(a.full_length_px, b.full_length_px);
      pale += f == 0 && std::abs(Centre(a).y - 440) < 20 && Centre(a).x < 500;
    }
  }
  EXPECT_EQ(pale, 3) << "the pale fish (the lighter set) must be found";
}

// The noise level is a property of the footage: frames alternating
// between clean and noisy (a 3x swing of the frame's own noise) move the
// threshold's noise level by a fraction of that swing per frame, not all
// of it (the per-frame MAD is also a whole grey level: 2 or 3 was a 50%
// jump of the threshold between frames of the same clean footage).
TEST(Detector, TheNoiseLevelIsARunningMeanOverFrames) {
  Detector d;
  d.Detect(Frame(Grid(90), {800, 520}, 11));
  float before = d.NoiseSigma();
  ASSERT_GT(before, 0);
  for (unsigned f = 0; f < 6; ++f) {
    cv::Mat img = Frame(Grid(90), {800, 520}, 12 + f);
    if (f % 2 == 0) {
      cv::Mat noisy, noise(img.size(), CV_16SC3);
      cv::RNG rng(100 + f);
      rng.fill(noise, cv::RNG::NORMAL, 0, 9);
      img.convertTo(noisy, CV_16SC3);
      noisy += noise;
      noisy.convertTo(img, CV_8UC3);
    }
    d.Detect(img);
    EXPECT_LT(std::abs(d.NoiseSigma() - before), 0.35f * before) << "frame " << f;
    if (f % 2 == 0) {
      EXPECT_GT(d.NoiseSigma(), 1.03f * before) << "frame " << f << ": the level follows the footage";
    }
    before = d.NoiseSigma();
  }
}

TEST(Detector, WorkingScaleFollowsTheFishSize) {
  Detector big, small;
  big.Detect(Frame(Grid(120), {800, 520}, 5));
  small.Detect(Frame(Grid(40), {800, 520}, 6));
  EXPECT_LT(big.scale(), 0.5f);   // a big fish is not processed at full resolution
  EXPECT_GT(small.scale(), 0.5f);  // a small one is not reduced to nothing
}

// A reduction by under a tenth is not made: it would cost a pass over the
// whole frame and save little.
TEST(Detector, ReducesByATenthOrMoreOrNotAtAll) {
  // 1080p: the size is first learnt at half size (28-px fish: a scale of
  // 0.95 wanted), then the scale chosen and the size learnt again.
  Detector nearly, smaller;
  nearly.Detect(Frame(Grid(28), {1920, 1080}, 7));
  smaller.Detect(Frame(Grid(30), {1920, 1080}, 7));  // 0.86 wanted
  EXPECT_EQ(nearly.scale(), 1.0f);
  EXPECT_LT(smaller.scale(), 0.9f);
  EXPECT_GT(smaller.scale(), 0.6f);
}

// Glitter over the whole frame: a fine mesh of bright lines, thinner than
// a fish's body and a few pixels apart, covering most of the water. Before
// the fish size is known nothing removes it, and it raises the noise level
// above every fish, so the first pass finds nothing fish-like (on the
// simulator's raceway the size stayed unknown for 14 frames and then
// settled at a third of the fish). The start-size scan assumes sizes,
// removes the light for each, and keeps the size the blobs confirm.
// Water under a fine mesh of bright glitter lines (sloping, started beyond
// the frame so the mesh covers it edge to edge).
cv::Mat GlitterMeshFrame(cv::Size size, unsigned seed) {
  cv::Mat img = Frame({}, size, seed);
  const cv::Scalar light(175, 180, 150);
  for (int x = -42; x < size.width; x += 6) cv::line(img, {x, 0}, {x + 40, size.height}, light, 2);
  for (int y = -30; y < size.height; y += 6) cv::line(img, {0, y}, {size.width, y + 30}, light, 2);
  return img;
}

TEST(Detector, LearnsTheFishSizeUnderGlitterThatHidesThemAtFirst) {
  const cv::Size size(800, 520);
  cv::Mat img = GlitterMeshFrame(size, 21);
  const std::vector<Fish> fish = Grid(90);
  for (const Fish& f : fish) {
    cv::ellipse(img, f.centre, cv::Size2f(f.length / 2, f.length / 14), f.angle_deg, 0, 360, cv::Scalar(108, 113, 95),
                cv::FILLED, cv::LINE_AA);
  }
  Detector d;
  auto dets = d.Detect(img);
  EXPECT_NEAR(d.TypicalLengthPx(), 90, 25);
  EXPECT_EQ(dets.size(), fish.size());
  for (const Fish& f : fish) {
    int confident_hits = 0;
    for (const Detection& det : dets) {
      if (cv::norm(Centre(det) - f.centre) < 20 && det.score >= 0.5f) {
        ++confident_hits;
        EXPECT_NEAR(det.length_px, 90, 25) << "fish at " << f.centre;
      }
    }
    EXPECT_EQ(confident_hits, 1) << "fish at " << f.centre;
  }
}

// One frame can mislead the size learning: a first frame with only short
// dark specks (debris, or the noise of a dark night frame) teaches a fish a
// fifth of the real one, and fish five times that long are then too long
// to be fish or to teach the size, so it stays. The checks
// `size_check_after_frames` and twice that many frames on learn the size
// afresh from those frames and carry on with the median of the three.
TEST(Detector, ASizeTheFirstFrameMisledIsLearntAgain) {
  const cv::Size size(800, 520);
  std::vector<Fish> specks;
  for (int i = 0; i < 24; ++i) {
    specks.push_back({cv::Point2f(80.0f + 110.0f * (i % 6), 70.0f + 110.0f * (i / 6)), 18, 30.0f * i});
  }
  const cv::Mat misleading = Frame(specks, size, 31);
  // The blob audit is on: on every frame, the checks' included (a replaced
  // detector's state carries this frame's audit over), its blobs made
  // fish are the frame's single-fish detections.
  int frames_whose_audit_disagrees = 0;
  auto audit_agrees = [](const Detector& d, const std::vector<Detection>& dets) {
    const auto& blobs = d.LastBlobs();
    return std::count_if(blobs.begin(), blobs.end(), [](const BlobRecord& b) { return b.fate == BlobFate::kFish; }) ==
           std::count_if(dets.begin(), dets.end(), [](const Detection& x) { return x.length_px > 0; });
  };
  auto run = [&](int check_frame, float* length_after, size_t* fish_found) {
    DetectorParams params;
    params.size_check_after_frames = check_frame;
    Detector d(params);
    d.RecordBlobs(true);
    d.Detect(misleading);
    const float misled = d.TypicalLengthPx();
    std::vector<Detection> dets;
    for (unsigned f = 0; f < 12; ++f) {
      dets = d.Detect(Frame(Grid(90), size, 40 + f));
      frames_whose_audit_disagrees += !audit_agrees(d, dets);
    }
    *length_after = d.TypicalLengthPx();
    *fish_found = dets.size();
    return misled;
  };
  float unchecked_length = 0, checked_length = 0;
  size_t unchecked_found = 0, checked_found = 0;
  const float misled = run(0, &unchecked_length, &unchecked_found);
  EXPECT_NEAR(misled, 18, 8);  // the premise: the first frame teaches the specks' size
  EXPECT_LT(unchecked_length, 40) << "without the check the size stays misled";
  run(4, &checked_length, &checked_found);
  EXPECT_NEAR(checked_length, 90, 25);
  EXPECT_EQ(checked_found, 8u);
  EXPECT_EQ(frames_whose_audit_disagrees, 0);
}

// The blob audit describes the pass whose detections Detect returned. A
// fish alone under a glitter mesh: the first pass finds it but learns no
// size, and the start-size scan that follows (passes under assumed sizes)
// finds too little support to keep one. The audit is the first pass's:
// one fish, under the detection, and nothing judged against a size (no
// blob too short or a rope), which only the scan's passes had.
TEST(Detector, TheBlobAuditIsOfThePassWhoseDetectionsItReturned) {
  cv::Mat img = GlitterMeshFrame({800, 520}, 21);
  cv::ellipse(img, cv::Point2f(120, 110), cv::Size2f(45, 90 / 14.0f), 0, 0, 360, cv::Scalar(108, 113, 95), cv::FILLED,
              cv::LINE_AA);
  Detector d;
  d.RecordBlobs(true);
  const std::vector<Detection> dets = d.Detect(img);
  ASSERT_EQ(dets.size(), 1u);
  EXPECT_EQ(d.TypicalLengthPx(), 0) << "the premise: no size kept";
  for (const BlobRecord& b : d.LastBlobs()) {
    EXPECT_NE(b.fate, BlobFate::kTooShort) << b.centre;
    EXPECT_NE(b.fate, BlobFate::kRope) << b.centre;
  }
  const BlobRecord* under = d.BlobUnder(Centre(dets[0])).record;
  ASSERT_NE(under, nullptr);
  EXPECT_EQ(under->fate, BlobFate::kFish);
}

// A ring of six fish nose to tail (a school joined into one network) is
// a dark clump too loose to split; it is dropped, and what it may hide is
// reported as unclaimed fish areas. A piece lying just past a found fish's
// box is that fish's, not unclaimed.
std::vector<Fish> RingOfFish(cv::Point2f centre, float length) {
  std::vector<Fish> ring;
  for (int i = 0; i < 6; ++i) {
    const float a = static_cast<float>(CV_PI / 3 * i + CV_PI / 6);
    ring.push_back({centre + cv::Point2f(length * std::cos(a), length * std::sin(a)) * 0.85f, length,
                    static_cast<float>(60 * i + 120)});
  }
  return ring;
}

TEST(Detector, SaysHowManyFishAreasItDroppedThatNoDetectionClaims) {
  Detector plain;
  const std::vector<Detection> alone = plain.Detect(Frame(Grid(90), {800, 520}, 31));
  ASSERT_EQ(alone.size(), 8u);
  EXPECT_LT(plain.UnclaimedFishAreas(), 0.2f);

  Detector d;
  d.RecordBlobs(true);
  const std::vector<Fish> fish = Grid(90, RingOfFish({580, 430}, 90));
  const std::vector<Detection> dets = d.Detect(Frame(fish, {1000, 620}, 31));
  EXPECT_EQ(dets.size(), 8u) << "the ring gives no detection";
  const BlobRecord* ring = d.BlobUnder({580 + 0.85f * 90 * 0.866f, 430 + 0.85f * 90 * 0.5f}).record;
  ASSERT_NE(ring, nullptr);
  EXPECT_EQ(ring->fate, BlobFate::kClumpNotCompact);
  EXPECT_GT(d.UnclaimedFishAreas(), 3.5f);
  EXPECT_LT(d.UnclaimedFishAreas(), 7.5f);

  // A piece a third of a fish long beside the flank of a found fish lying
  // at 50 degrees (the third of the grid), past that fish's box but within
  // a quarter of its longer side of it: too short to be a fish, and
  // claimed by it.
  const cv::Point2f flank = cv::Point2f(460, 110) + 40.0f * cv::Point2f(-std::sin(50 * CV_PI / 180),
                                                                         std::cos(50 * CV_PI / 180));
  Detector with_piece;
  with_piece.RecordBlobs(true);
  const std::vector<Detection> found = with_piece.Detect(Frame(Grid(90, {{flank, 30, 50}}), {800, 520}, 31));
  EXPECT_EQ(found.size(), 8u);
  const BlobRecord* piece = with_piece.BlobUnder(flank).record;
  ASSERT_NE(piece, nullptr);
  EXPECT_EQ(piece->fate, BlobFate::kTooShort);
  for (const Detection& det : found) EXPECT_FALSE(det.box.contains(piece->centre)) << "the premise: past the box";
  EXPECT_LT(with_piece.UnclaimedFishAreas(), 0.02f);

  // The same piece in open water is nobody's.
  Detector lone_piece;
  lone_piece.Detect(Frame(Grid(90, {{cv::Point2f(450, 440), 30, 0}}), {800, 520}, 31));
  EXPECT_GT(lone_piece.UnclaimedFishAreas(), 0.05f);
}

}  // namespace
}  // namespace sturgeon::vision
