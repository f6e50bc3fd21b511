// Scoring counts and tracks against ground truth.
//
// Counting accuracy is 1 - |pred - true| / true. MOTA follows CLEAR MOT:
// per frame, ground-truth and predicted boxes match when IoU >= 0.5;
// matches from the previous frame are kept while they still qualify, the
// rest are assigned optimally (Hungarian on 1 - IoU); an identity switch is
// a ground-truth object matched to a different prediction than last time.
// MOTA = 1 - (FN + FP + IDSW) / GT. IDF1 matches identities globally: the
// one-to-one assignment of ground-truth ids to predicted ids that maximises
// the frames where the two boxes match (IDTP); IDF1 = 2 IDTP / (GT + PRED).
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"
#include "vision/io/mot_io.h"
#include "vision/types.h"

namespace sturgeon::vision {

double CountingAccuracy(int predicted, int truth);

struct TrackMetrics {
  double mota = 0;
  double idf1 = 0;
  int gt_boxes = 0;
  int pred_boxes = 0;
  int false_negatives = 0;
  int false_positives = 0;
  int id_switches = 0;
  int idtp = 0;
};

// Scores predicted track boxes against ground-truth boxes (both MOT records
// with ids). Ground-truth rows with score (visibility) <= `min_visibility`
// are left out.
TrackMetrics EvaluateTracks(const std::vector<MotRecord>& gt, const std::vector<MotRecord>& pred,
                            float iou_threshold = 0.5f, float min_visibility = 0.0f);

// A box lies on a fish when its centre is within half the fish box's
// longer side of the fish box's centre (what the detection scores and the
// count breakdown call a match). Returns that centre distance, or -1 when
// the box is not on the fish.
float DistanceOnFish(const cv::Rect2f& fish_box, const cv::Rect2f& box);

// The ground-truth fish in view at least once in frames 1..`frames` (0: all
// frames), whatever their visibility: a fish hidden under another or deep
// in the water is still a fish to count.
std::set<int> FishInView(const std::vector<MotRecord>& gt, int frames = 0);

// How a count is made up, fish by fish. Each predicted track (one counted
// fish) is given to the ground-truth fish it lies on (DistanceOnFish; the
// nearest when it lies on several) in at least half of its frames, frames
// with no ground truth included; longer tracks claim first, ties in track
// id order. Then count = found + duplicates + false_tracks and
// FishInView = found + missed, so count - fish in view = duplicates +
// false_tracks - missed: a count can be right while many of its fish are
// wrong, the misses cancelling the duplicates and false tracks.
struct CountBreakdown {
  int found = 0;         // fish in view with a track of their own
  int duplicates = 0;    // further tracks on a fish already found
  int false_tracks = 0;  // tracks on no fish in at least half their frames
  int missed = 0;        // fish in view no track was given to
};

// Breaks a count down over frames 1..`frames` of both files (0: all frames).
CountBreakdown BreakDownCount(const std::vector<MotRecord>& gt, const std::vector<MotRecord>& tracks,
                              int frames = 0);

// Where the fish a count missed were seen, from the count's audit trail
// (`count --tracklets`) and its tracks (`--tracks`, the same run; a
// counted fish's id is its track id). Each audit row (a tracklet's
// observation) is given to the fish it lies on (DistanceOnFish, the
// nearest); the rows on fish BreakDownCount calls missed are sorted by
// what became of their tracklet. Rows of frames after `frames` (> 0) are
// left out. Detections no tracklet took are not in the audit, so are not
// here. InvalidArgument when the audit's counted rows and the tracks' rows
// differ in any (frame, fish) (the two files are from different counts).
struct MissedFishTrail {
  int missed_fish = 0;           // fish in view no track was given to
  int observed_missed_fish = 0;  // of them, fish some tracklet observed
  int observations = 0;          // tracklet observations on missed fish
  int in_other_fish = 0;         // in a counted fish given to another fish
  int in_false_track = 0;        // in a counted fish given to no fish
  std::map<TrackletFate, int> dropped_by_fate;  // in a confirmed tracklet the counter left out, by its rule
  int unconfirmed = 0;           // in a tracklet the tracker never confirmed

  int Dropped() const;  // in a confirmed tracklet the counter left out, all rules
  MissedFishTrail& operator+=(const MissedFishTrail& other);
};
// One line: "missed fish seen by a tracklet: 7 of 7, 209 observations: 40%
// in another fish's track, ..." (no newline).
std::string DescribeMissedFishTrail(const MissedFishTrail& trail);
Result<MissedFishTrail> TraceMissedFish(const std::vector<MotRecord>& gt, const std::vector<MotRecord>& tracks,
                                        const std::vector<TrackletAuditRow>& audit, int frames = 0);

// How the counter's links stand against the ground truth, from a count's
// audit trail (`count --tracklets`). A counted fish made of several
// tracklets holds a link from each of them, in order of first frame, to
// the next. A link is judged by the ends it joins: the fish that at least
// 60% of the first tracklet's last `kLinkEndRows` rows lie on
// (DistanceOnFish, the nearest), against the fish that as many of the
// next one's first rows lie on. It joins one fish when the two are the
// same, two fish when they differ, and is undecided when either end lies
// on no one fish. Rows of frames after `frames` (> 0) are left out.
inline constexpr int kLinkEndRows = 5;
struct LinkJudgement {
  int one_fish = 0;
  int two_fish = 0;
  int undecided = 0;

  LinkJudgement& operator+=(const LinkJudgement& other);
};
LinkJudgement JudgeLinks(const std::vector<MotRecord>& gt, const std::vector<TrackletAuditRow>& audit,
                         int frames = 0);
// One line: "counter links: 4 join one fish, 15 join two fish, 6
// undecided" (no newline).
std::string DescribeLinkJudgement(const LinkJudgement& links);

// Number of distinct ids among records.
int DistinctIds(const std::vector<MotRecord>& records);

// Reads a count from a JSON file: the first of the keys `count`,
// `true_count`, `fish_count`, `num_fish`, or the length of a `fish` array.
Result<int> ReadCountFromJson(const std::string& path);

}  // namespace sturgeon::vision
