// Finding sturgeon in one frame by appearance, so resting fish are found as
// well as swimming ones (no background subtraction over time).
//
// 0. Working scale: the fish size is learnt on the first frame at a
//    moderate reduction; then the frame is reduced so a typical fish is
//    about `target_fish_work_px` long (small fish keep their pixels, big
//    ones are not processed at full resolution). With a known GSD the
//    learnt size is bounded by plausible sturgeon lengths. When the first
//    pass finds nothing fish-like (light not yet removed raised the noise
//    level above every fish), sizes are assumed in turn and the one the
//    blobs found under it confirm is kept. If none is confirmed, the size
//    is learnt on a later frame, at the first frame's working scale.
//    One frame can mislead (on a simulated night clip the first frame's
//    noise specks gave fish of 17 px, a fifth of the fish, and the size
//    then stayed pinned at the plausible minimum): on the
//    `size_check_after_frames`-th frame detected with a size in use a
//    fresh detector learns the size from that frame alone, and when it
//    disagrees with the size in use by more than `size_check_factor`, a
//    third fresh detector does as many frames later; the detector then
//    carries on as the one of the three whose size is the median, when
//    that too disagrees with the size in use. A check costs one more
//    first-frame detection, on the frame it is made.
// 0b. Noisy footage (a night's sensor noise, new in every frame): once the
//    fish size is known, the frame-to-frame noise is measured over the
//    first pairs of frames the camera held still (NoteCameraStill); where
//    it reaches `frame_noise_min` and few of the fish found meanwhile
//    stand out clearly (`max_clear_fish_share`), each frame that follows
//    two still ones is detected on the mean of the three at the working
//    scale (a fish moves a pixel or two along itself meanwhile; the noise
//    falls by sqrt(3)). Clean footage, footage whose fish stand out and a
//    moving camera are detected frame by frame.
// 1. Light, not objects: bright lines thinner than about half a fish's
//    body (caustic networks, glitter, wave crests) are removed by a grey
//    opening sized from the fish length.
// 2. Water model: the water's colour per pixel by a median over a window
//    ~2.5 fish lengths (computed at reduced scale), which ignores the fish
//    and follows depth gradients, cloud shadows and low light.
// 3. Contrast: strongest-channel colour distance to the water model in
//    units of the footage's robust noise (MAD of the contrast, a running
//    mean over frames: one frame's MAD is a whole grey level); pixels
//    darker and lighter than the water are segmented apart, so a dark fish
//    under a bright line stays one body. Once the fish size is known, dark
//    bodies are measured in grey against the water right around them
//    instead (black top-hat, element 0.3 fish lengths, wider than a
//    body), so a school that fills the water model's window, and pulls
//    its median towards the fish, does not hide them; dark patches wider
//    than the element (shadows, water between caustic lines) give no
//    contrast, and bright things are seen at most one threshold above the
//    water model (saturated ones not at all), so the water between glare
//    spots is not a body. A pixel in both sets stays in the pale one (a
//    pale fish's markings).
// 4. Blobs: connected components with oriented second moments (major and
//    minor extent), area, outline length and fill. Both sets are opened
//    by 3x3, which removes noise specks and one-pixel lines but also a
//    slim dark fish 2 px wide at the working scale (a typical fish there
//    is ~24 px long and 3 px wide). Once the fish size is known, what an
//    opening by 2x2 keeps of the dark set that the 3x3 opening erases
//    whole is a third, thin set (labelled with the dark set: a thin piece
//    within two pixels of a kept body was part of it and is dropped, so
//    the two never touch). A thin blob is one fish when it passes the
//    single-fish tests (step 5: fish-shaped, at most 1.6 fish long, and
//    not too short for a fish) and no other blob, thin or not, lies
//    within 0.3 fish lengths of its centre (a fish's end the opening cut
//    off, a clump's thin edge, the two halves of a slim fish the 2x2
//    opening broke); it is never a clump or a fragment and does not
//    teach the fish size, so every other blob is judged as without it.
// 5. Shape: a fish is an elongated, solid, unsaturated blob, no thinner for
//    its length than ~7% and than ~half the typical fish's width/length.
//    The typical fish (length, area, outline, width/length) is learnt from
//    the footage (upper quantile of fish-like blobs), and so is the share
//    of confident fish-like blobs darker than the water (a running mean):
//    a single body of the polarity under half of them have (a pale blob
//    where the fish are dark: caustic segments, glints, a dark fish's pale
//    snout) is a fish only when its peak contrast reaches
//    `minority_contrast_factor` x its polarity's threshold (none is of
//    the minority before the first confident fish). A bent body (a fish
//    turning, or one with part of a neighbour on it: not solid or slender
//    enough for that shape, but as thick as a fish) is one fish when it
//    is 0.6-1.6 typical lengths long, has 0.6-1.7 typical areas, is at
//    least 1.3x longer than wide and half as solid as the fish shape
//    asks (`min_solidity`), is not of the minority polarity, and reaches
//    its polarity's threshold; it does not teach the size.
// 6. Clumps: a blob that is not one fish (longer than 1.6 fish, as long
//    as one but much wider with twice the area: fish side by side, or an
//    X with the outline of two: fish crossing) holds
//    k = max(area / typical area, min(outline / typical outline, 2 x that))
//    fish, split by k-means (deterministic seeds); only blobs of the
//    polarity most single fish have, and whose peak contrast reaches
//    `clump_contrast_factor` x their polarity's threshold, are clumps (a
//    patch only just over the threshold is shading: the edge of a pool's
//    darker rim or of a cloud's shadow, narrow water between caustic
//    lines). A clump's fish are therefore never low-score detections.
// 7. Length: from each end of the blob the body is followed along its axis
//    while the contrast stays above a fraction of the body's mean contrast
//    and well out of the noise (the faint snout and tail fall below the
//    blob threshold, a slim fish's thin ends do not survive the opening):
//    `length_px`, the counter's shape evidence (a piece shorter than half
//    a fish is judged by it too). For sizes, `full_length_px`: each end's
//    contrast profile read on the full-resolution frame and extrapolated
//    to zero (body_length.h; a tapering tail is measured to its tip, a
//    crisp end where it is).
//
// Boxes are returned in full-resolution image pixels with the body length
// along the major axis in `length_px` and `full_length_px` (step 7; 0 for
// fish split off a clump, and `full_length_px` 0 where the ends could not
// be read). Not thread-safe (keeps the running fish size
// between frames).
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include <opencv2/core.hpp>

#include "vision/detect/body_length.h"
#include "vision/types.h"

namespace sturgeon::vision {

struct Blob;       // a candidate body (detector.cc)
struct Component;  // a labelled set's measurements (image_ops.h)

struct DetectorParams {
  // Working resolution. With `target_fish_work_px` > 0 the scale is chosen
  // from the learnt fish size so a typical fish is about that many pixels
  // long (small fish are not reduced to nothing, big ones are not processed
  // at full resolution); the size is first learnt at `work_width` (reduced
  // at most 2x). With 0, frames are reduced to `work_width`.
  int work_width = 960;
  float target_fish_work_px = 24.0f;
  // Plausible sturgeon lengths (m): with a known ground sampling distance
  // the learnt typical length is kept inside [min, max] / GSD.
  float min_fish_m = 0.15f;
  float max_fish_m = 2.5f;
  // Seen from above a sturgeon's body is about 1/8-1/6 as wide as long;
  // blobs thinner than this fraction of the learnt width/length ratio
  // (caustic lines, ropes, wave crests) are not fish.
  float min_aspect_fraction = 0.45f;
  // Body ends: the length the counter reads as shape evidence (and a short
  // piece is judged by) is measured along the axis out to where the
  // contrast falls below this fraction of the body's mean contrast, or
  // below `end_sigmas` noise levels (the ends well out of the noise).
  float end_contrast_fraction = 0.3f;
  float end_sigmas = 2.0f;
  // The length for sizes: each end's contrast profile at full resolution,
  // extrapolated to zero (body_length.h), on bodies whose contrast reaches
  // this share of their polarity's blob threshold.
  EndProfileParams end_profile;
  float end_profile_min_contrast = 0.5f;
  int background_factor = 8;         // the water model is computed at 1/8 of work size
  int background_median = 5;         // median window, in background pixels
  float threshold_sigma = 4.0f;      // contrast threshold in noise units
  float min_contrast = 6.0f;         // and in grey levels
  float min_elongation = 1.7f;       // major / minor axis
  float min_solidity = 0.55f;
  float max_length_factor = 2.6f;    // longer than this x typical, and thin: a rope
  float min_length_factor = 0.5f;    // shorter than this x typical: debris or a piece
  // A single body of the polarity under half of the footage's confident
  // fish-like blobs have (a pale blob where most are darker than the
  // water, or the reverse) is a fish only when its peak contrast reaches
  // this x its polarity's threshold (for dark bodies the top-hat's).
  float minority_contrast_factor = 1.25f;
  // A clump is split into fish only when its peak contrast reaches this x
  // its polarity's threshold (for dark bodies the top-hat's): several
  // bodies stand out clearly somewhere, shading does not (measurements in
  // docs/vision-rounds.md, round 14).
  float clump_contrast_factor = 1.5f;
  float expected_length_px = 0;      // full-res pixels; 0 = learn from the footage
  // The learnt size's check (step 0): on the frame that is this many
  // detected with a size in use (0: no check; with the first frame's size
  // learnt, frame 16 of the footage), and when a fresh detector's size
  // there differs from the one in use by more than this factor, again as
  // many frames later.
  int size_check_after_frames = 15;
  float size_check_factor = 2.0f;
  int min_area_work_px = 12;
  // Noisy footage (a night's sensor noise, new in every frame) with faint
  // fish is detected on the mean of the last `still_mean_frames` working
  // images while the camera holds still (NoteCameraStill): a fish a body
  // long moves a pixel or two along itself in that time, the noise falls
  // by sqrt(3). Measured over the footage's first `frame_noise_frames`
  // pairs of still frames once the fish size is known: it is noisy when
  // its frame-to-frame noise (sigma at the working scale, grey levels, the
  // strongest channel's as NoiseSigma) reaches `frame_noise_min`, and its
  // fish are faint when under `max_clear_fish_share` of the single fish
  // detected in those frames stand out by two thresholds or more (where
  // more do, the mean finds no more fish and smears the ones that swim:
  // the simulator's 4K cage, docs/vision-rounds.md round 34). 1: never.
  int still_mean_frames = 3;
  int frame_noise_frames = 10;
  float frame_noise_min = 2.0f;
  float max_clear_fish_share = 0.2f;
};

// What the detector made of one blob it measured (steps 4-6): the audit
// trail of a frame's detection, for a person or a benchmark asking why a
// fish in view gave no detection. Blobs under the area floor
// (`min_area_work_px`) or fainter than 0.6 of their polarity's threshold
// are not measured and get none: a fish with no blob under it was under
// the thresholds or erased by the opening.
enum class BlobFate {
  kFish,               // one fish: a detection
  kClump,              // several fish, split into detections
  kSaturated,          // near-white (glare, foam)
  kTooShort,           // under min_length_factor x the typical fish, ends followed
  kRope,               // longer than max_length_factor x the typical fish, and thin
  kThinNotAlone,       // a thin body not fish-shaped or near another blob
  kClumpOfMinority,    // a clump of the polarity fewer single fish have
  kClumpNotCompact,    // a clump longer than its fish could span, or not solid
  kFaintClump,         // a clump under clump_contrast_factor x its threshold
  kNotFishShaped,      // neither fish-shaped nor a bent body
  kFaintMinority,      // one body of the minority polarity, under minority_contrast_factor
  kOutsidePool,        // a fish whose centre, or a clump all of whose pieces' centres, lie outside the pool mask
};  // kOutsidePool last (detector.cc: kBlobFates)
// "fish", "clump", "saturated", "too_short", "rope", "thin_not_alone",
// "clump_of_minority", "clump_not_compact", "faint_clump",
// "not_fish_shaped", "faint_minority", "outside_pool".
const char* BlobFateName(BlobFate fate);
// The fate of that name, or nullopt.
std::optional<BlobFate> BlobFateFromName(std::string_view name);

// One measured blob and its fate, in full-resolution image pixels: its
// centre, the angle of its major axis (radians, from the image's x axis
// towards its y axis), its extent along and across that axis, its
// polarity, and its peak contrast in units of its polarity's threshold
// (1: just a confident detection's).
struct BlobRecord {
  cv::Point2f centre;
  float angle = 0;
  float length_px = 0, width_px = 0;
  bool dark = true;
  float contrast_ratio = 0;
  BlobFate fate = BlobFate::kFish;
};

// The part of the whole frame at the working scale (`reduced`) that
// detection looks at: the pool's bounding box widened by what reaches into
// it (the water model's median, half its window of `median_blocks`, plus 2
// blocks for the blending with the next block and the partial block past
// the last whole one; a fish whose centre is in the pool, `fish_length`;
// the dark bodies' window), its top-left corner on an even number of water
// blocks (`block`), so the blocks and the noise level's samples (every
// other pixel) fall where they fall on the whole frame. Within `reduced`.
cv::Rect AreaLookedAt(cv::Size reduced, cv::Rect pool_box, cv::Size block, int median_blocks, float fish_length);

class Detector {
 public:
  explicit Detector(DetectorParams params = {});
  // Not copyable: the working images are shared by cv::Mat copies, and the
  // pool-mask cache would then serve one detector's mask to the other.
  Detector(const Detector&) = delete;
  Detector& operator=(const Detector&) = delete;
  Detector(Detector&&) = default;
  Detector& operator=(Detector&&) = default;

  // Detects fish in a BGR frame. `mask`, if not empty, is a CV_8U mask at
  // any size covering the frame, nonzero inside the pool; only blobs whose
  // centre is inside count, the water outside is painted the pool's mean
  // colour, and only the pool's bounding box and a margin round it are
  // looked at (the detections are the whole frame's, bar a 0.01 px
  // rounding of the offset). A mask with no pool in it, or whose pool is
  // too small to survive the reduction to the working scale, gives none
  // and leaves the learnt size and noise level as they were.
  std::vector<Detection> Detect(const cv::Mat& frame_bgr, const cv::Mat& mask = cv::Mat());

  // The current typical fish length in full-resolution pixels (0 before the
  // first fish).
  float TypicalLengthPx() const { return typical_length_work_ / scale_; }

  // Ground sampling distance of the next frame (full-resolution metres per
  // pixel; 0 = unknown). Bounds the learnt fish size.
  void SetGroundSampling(double m_per_px) { gsd_m_ = m_per_px; }

  // The running noise level of the contrast image (grey levels; 0 before
  // the first frame): a mean over frames, each frame weighing 10%.
  float NoiseSigma() const { return noise_sigma_; }

  // Share of the pool (of the frame without a mask) that the last frame's
  // saturated glare and its halo cover (0 when none): no fish is found
  // there.
  float ObscuredShare() const { return obscured_share_; }

  // What the last frame may hold in fish the detector could not make out:
  // the blobs in the pool, of the polarity most fish have, that it dropped
  // as too short for a fish or as clumps too loose to split (a school
  // joined into one network), and whose centres lie in no detection's box
  // grown by a quarter of its longer side; their summed area in fish areas
  // (the median single fish's this frame, the typical fish's on a frame
  // with fewer than five; 0 before the fish size is known). Of the pass
  // whose detections Detect returned. An allowance, neither a count nor a
  // bound: it holds clutter of the fish's shade (a sweep's bank), misses
  // fish that leave no blob, and counts a found fish again on a frame
  // where it lies in a loose clump.
  float UnclaimedFishAreas() const { return unclaimed_fish_areas_; }

  // Working scale (work / full); fixed after the first frame.
  float scale() const { return scale_; }

  // Whether the camera held still up to the frame detected next, as far as
  // the caller knows (CameraMotion::held_still). A frame is averaged with
  // the two before only while the camera held still over both steps; a
  // detector told nothing assumes it moves. The pipeline tells it the
  // frame's own motion before detecting a frame once the footage is
  // averaged, and the motion of the frame before until then (the
  // frame-to-frame noise is measured on such pairs).
  void NoteCameraStill(bool still) { camera_still_ = still; }
  // The footage's frame-to-frame noise (sigma, grey levels at the working
  // scale, the strongest channel's as NoiseSigma; 0 until measured, and
  // measured afresh when the size check replaces the detector's state or
  // Restart forgets it), whether it was found noisy enough to be detected
  // on the mean of still frames (DetectorParams::still_mean_frames; a
  // check with no single fish found says no), and the frames that were,
  // over the whole footage (across those replacements). NoiseSigma is a
  // running mean over the frames detected, means and single frames alike.
  float FrameNoiseSigma() const {
    return frame_noise_pairs_ > 0 ? static_cast<float>(frame_noise_sum_ / frame_noise_pairs_) : 0.0f;
  }
  bool AveragesStillFrames() const { return frame_mean_ == FrameMean::kOn; }
  int averaged_frames() const { return averaged_frames_; }

  // The blob audit (BlobRecord), off by default. While it is on, every
  // Detect leaves in LastBlobs the blobs, with their fates, of the pass
  // whose detections it returned (the first frame is detected several
  // times while the size settles; the start-size scan's passes and a size
  // check's fresh detector are not recorded).
  void RecordBlobs(bool on) { record_blobs_ = on; }
  const std::vector<BlobRecord>& LastBlobs() const { return audit_.blobs; }
  // What lies under point `image_px` (full-resolution image pixels) of the
  // last frame detected, at the working scale: the record of the measured
  // blob whose pixels hold it or, failing that, one within a working pixel
  // of it (the centre first: a slim body is two or three pixels wide
  // there); else whether a blob too small or too faint to be measured
  // does (a speck). Nothing while the audit is off. Valid until the next
  // Detect.
  struct BlobUnderPoint {
    const BlobRecord* record = nullptr;
    bool speck = false;
  };
  BlobUnderPoint BlobUnder(cv::Point2f image_px) const;

  // Forgets what the footage taught (the fish size and working scale, the
  // noise level, the polarity, the still-frame mean and its measurement),
  // as a new detector with the same params would start; keeps the blob
  // audit's switch, the last frame's audit and the count of averaged
  // frames, which are the footage's.
  void Restart();

  const DetectorParams& params() const { return params_; }

 private:
  // One pass over a frame, the steps in order (1-7 above); each leaves
  // its results in a Pass for the next.
  struct Pass;
  // `in_sequence`: the frame follows the last one detected (not a repeated
  // pass over the first frame), so it may be averaged with those before.
  std::vector<Detection> DetectOnce(const cv::Mat& frame_bgr, const cv::Mat& mask, bool in_sequence = false);
  void PrepareSource(const cv::Mat& frame_bgr, const cv::Mat& mask, bool in_sequence, Pass& pass);
  // The still-frame mean (DetectorParams::still_mean_frames): measures the
  // frame-to-frame noise until it is decided (and says so in `pass`), and
  // on noisy footage under a still camera replaces `reduced_` by the mean
  // of the last frames.
  void AverageStillFrames(Pass& pass);
  // After a frame whose noise AverageStillFrames measured (DetectOnce):
  // tallies its single fish, and once `frame_noise_frames` pairs are
  // measured decides whether the footage is averaged.
  void DecideFrameMean(const std::vector<Detection>& frame_detections);
  void ModelWater(Pass& pass);
  void SegmentBodies(Pass& pass);
  std::vector<Blob> MeasureBlobs(Pass& pass);
  std::optional<Blob> MeasureBlob(const Pass& pass, int blob) const;
  void LearnTypicalFish(const std::vector<Blob>& blobs, const Pass& pass, float assumed_length);
  std::vector<Detection> ClassifyBlobs(const std::vector<Blob>& blobs, const cv::Mat& mask, const Pass& pass);
  // Whether a working-image point lies in the pool (`mask` at the frame's
  // size; an empty mask is the whole frame).
  static bool InPool(cv::Point2f work_px, const cv::Mat& mask, const Pass& pass);
  // A blob dropped with `fate` that may be fish seen badly (UnclaimedFishAreas).
  bool MayBeUnseenFish(const Blob& b, BlobFate fate) const;
  // The area of the `dropped` blobs no detection in `out` claims, in fish
  // areas: the median of `fish_areas` (the blobs made one fish each), or
  // the typical fish's on a frame with few.
  float UnclaimedFishAreas(const std::vector<const Blob*>& dropped, std::vector<float> fish_areas,
                           const std::vector<Detection>& out, const Pass& pass) const;
  BlobFate ClassifyBlob(const Blob& b, const std::vector<Blob>& blobs, const cv::Mat& mask, const Pass& pass,
                        std::vector<Detection>& out) const;
  struct BlobLabel {
    const cv::Mat* image;        // the blob's set's label image
    const Component* component;  // the set's measurements of the label
    int label;                   // the label within its set
    bool thin;                   // of the thin set (labelled with the dark set)
  };
  BlobLabel LabelOf(const Pass& pass, int blob) const;
  // The shape tests on a blob, against the learnt typical fish.
  bool ThickEnough(const Blob& b) const;
  bool FishLike(const Blob& b) const;
  bool LooselySolid(const Blob& b) const;
  bool MinorityPolarity(const Blob& b) const;  // of the polarity fewer single fish have
  bool ClearOfOtherBlobs(const Blob& thin, const std::vector<Blob>& blobs) const;
  bool NearDarkSet(const cv::Mat& labels, int label, const cv::Rect& box) const;
  // A single fish's length for sizes, full-resolution pixels (0: its ends
  // could not be read; body_length.h).
  float LengthForSizes(const Blob& b, const Pass& pass) const;

  cv::Size WaterBlock(cv::Size reduced) const;   // the water model's block on the whole reduced frame
  void Rescale(float scale);  // changes the working scale, keeping the learnt size
  float DesiredScale(int frame_width) const;
  // Sets the typical fish `length_work` long (working pixels; 0: no size)
  // with a sturgeon's area and outline for that length and its width/length
  // unknown, and forgets the footage's noise level and polarity.
  void AssumeFishLength(float length_work);
  // After a frame's detection: the learnt size's check (step 0, the
  // size_check_* params); may replace this detector's whole state with a
  // fresh detector's.
  void CheckLearntSize(const cv::Mat& frame, const cv::Mat& mask);
  // Replaces this detector's state by `other`'s, keeping what Restart
  // keeps (the size check's replacement and Restart).
  void TakeLearntState(Detector&& other);
  // Detects `frame` under assumed fish lengths and returns the working-scale
  // length best confirmed by the confident fish-like blobs found (0: none).
  // Leaves no size learnt, and the noise level as it found it.
  float ScanForFishSize(const cv::Mat& frame, const cv::Mat& mask);

  DetectorParams params_;
  bool bootstrapped_ = false;  // the first frame was detected until the fish size settled
  bool replace_size_ = false;  // set the typical size from this frame alone
  float scale_ = 1.0f;  // work / full
  float typical_length_work_ = 0;
  float typical_area_work_ = 0;
  float typical_boundary_work_ = 0;  // boundary pixels of a typical single fish
  float typical_aspect_ = 0;         // width / length of a typical single fish
  float dark_share_ = -1;            // share of single fish darker than the water (-1: unknown)
  float noise_sigma_ = 0;            // running noise level of the contrast image (0: unknown)
  float obscured_share_ = 0;         // the last frame's, see ObscuredShare()
  float unclaimed_fish_areas_ = 0;   // the last frame's, see UnclaimedFishAreas()
  double gsd_m_ = 0;
  // The still-frame mean: the working images of the last frames while the
  // camera held still, the frame-to-frame noise measured so far, and
  // whether the footage is averaged.
  enum class FrameMean { kUndecided, kOff, kOn };
  FrameMean frame_mean_ = FrameMean::kUndecided;
  bool camera_still_ = false;
  std::deque<cv::Mat> still_frames_;
  double frame_noise_sum_ = 0;  // over the measured pairs: FrameNoiseSigma is the mean
  int frame_noise_pairs_ = 0;
  int averaged_frames_ = 0;
  // The blob audit of the last frame detected (RecordBlobs): its records,
  // the record each blob number's pixels belong to (-1: none; BlobUnder),
  // the frame's label images (swapped out of the working buffers, which
  // later passes overwrite) and where they lie. `valid`: a pass of this
  // frame recorded it.
  struct BlobAudit {
    bool valid = false;
    std::vector<BlobRecord> blobs;
    std::vector<int> record_of_blob;
    cv::Mat dark_labels, light_labels;  // labels_ and labels2_ of that pass
    cv::Point origin;
    float sx = 1, sy = 1;
    int n_dark = 0;
  };
  bool record_blobs_ = false;
  BlobAudit audit_;
  int faint_check_fish_ = 0, clear_fish_ = 0;  // single fish in the measured frames, and those clear
  cv::Mat frame_diff_, frame_sum_, frame_mean_image_;
  // Confident fish-like blobs of the last DetectOnce pass within 1.33x of the
  // size it started with (the start-size scan's evidence).
  int supporting_blobs_ = 0;
  int frames_with_size_ = 0;  // frames detected with a size in use after the first (the size check)
  // The fresh detector of the size check's first frame, while its size
  // disagrees with the size in use (until the second check).
  std::unique_ptr<Detector> first_check_;
  // The pool at the working scale (`mask_reduced_`, a CV_8U 0/255 image of
  // the whole frame), its pixels and its bounding box; `mask_work_` is its
  // part under `work_`, the part of the frame looked at (`reduced_`: the
  // whole frame at the working scale).
  int64_t mask_inside_count_ = 0;
  cv::Rect pool_box_;
  cv::Mat reduced_, mask_reduced_, work_, mask_seen_, mask_work_, background_, small_, diff_, grey_, saturated_, binary_, labels_,
      source_, bg_grey_, dark_, bin_dark_, labels2_, opened_, thin_, near_dark_, dark_or_thin_,
      lit_grey_, halved_, blackhat_, bright_limit_, glare_in_pool_;
};

}  // namespace sturgeon::vision
