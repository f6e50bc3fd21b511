// A fish's length for sizes, read from how its ends fade into the water.
//
// Seen from above a sturgeon's snout and tail taper: their contrast to the
// water falls off gradually, and a threshold (or any fixed share of the
// body's contrast) stops short of the tips, the more so the fainter the
// fish. A crisp end, whose contrast drops at once, is only blurred by the
// optics. Along the body's axis, at full resolution, each end's contrast
// profile is read and the tip put where a straight taper through the
// points at `upper` and `lower` of the body's contrast would reach zero:
// for a crisp end those two points lie within a pixel or two of each
// other and the tip barely moves; for a tapering one the tip lands where
// the taper ends, though it is lost in the noise there. Round 27, a
// fish's median sighting against its true length, per clip: the
// simulator's fish, which taper to long faint ends, 0.68-0.88 with the
// ends walked out to 1.5 noise levels (seed 1) and 0.75-1.06 this way
// (seeds 1-3); footage made another way, with crisp ends, 1.01-1.18 and
// 1.01-1.12.
#pragma once

#include <opencv2/core.hpp>

namespace sturgeon::vision {

// The water's colour wherever the body may reach: `image` (CV_8UC3) covers
// the frame at `scale` (working / full resolution, per axis), its pixel
// (0, 0) at working pixel `origin` of the whole reduced frame.
struct WaterModelView {
  const cv::Mat* image = nullptr;
  float scale_x = 1, scale_y = 1;
  cv::Point origin;
};

// One body's axis in full-resolution pixels: its centre, unit direction and
// extent along it (`lo` < 0 < `hi`, from the centre to each end of the
// detected blob).
struct BodyAxis {
  cv::Point2f centre;
  cv::Point2f direction;
  float lo = 0, hi = 0;
  bool darker = true;  // darker than the water (else lighter)
};

struct EndProfileParams {
  float upper = 0.7f;  // of the body's contrast: where the taper is read from
  float lower = 0.3f;  // and to
  // The body's contrast: the median of the profile from this far inside
  // each end to `body_to` inside it (shares of the blob's length).
  float body_from = 0.3f;
  float body_to = 0.15f;
  float reach = 0.4f;  // the profile is read this far beyond each end (share of the length)
};

// The body's length (full-resolution pixels) from its two ends' contrast
// profiles in `frame` (CV_8UC3, full resolution), or 0 when they cannot be
// read: a blob shorter than 8 px, a body whose contrast (of its polarity,
// the strongest channel, the most over the axis and one pixel either side
// at the nearest pixels, every 0.5 px along the axis, a running mean over
// 1.5 px) is under `min_contrast` grey levels at either end, a body that
// runs off the frame or the water model, or an end whose profile does not
// fall to `lower` within `reach` or before the images' edge (merged with a
// neighbour or its shadow, cut by the edge). Preconditions (asserted):
// 0 < lower < upper < 1, body_to < body_from, reach > 0, lo <= 0 <= hi.
// Reads the frame and the water model only.
float LengthFromEndProfiles(const cv::Mat& frame, const WaterModelView& water, const BodyAxis& axis,
                            float min_contrast, const EndProfileParams& params = {});

}  // namespace sturgeon::vision
