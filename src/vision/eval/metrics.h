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

#include <string>
#include <vector>

#include "core/status.h"
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

// Number of distinct ids among records.
int DistinctIds(const std::vector<MotRecord>& records);

// Reads a count from a JSON file: the first of the keys `count`,
// `true_count`, `fish_count`, `num_fish`, or the length of a `fish` array.
Result<int> ReadCountFromJson(const std::string& path);

}  // namespace sturgeon::vision
