// Optimal assignment (Hungarian / Kuhn-Munkres, O(n^2 m)) for rectangular
// cost matrices. Used by the tracker to match detections to tracks and by the
// evaluator for CLEAR-MOT and IDF1 matching.
#pragma once

#include <utility>
#include <vector>

namespace sturgeon::vision {

// `cost` is rows x cols, row-major. Pairs whose cost exceeds `max_cost` are
// never returned (they are treated as forbidden). Returns (row, col) pairs of
// the assignment with the least total cost among those of maximum size
// under the gate. Empty input gives an empty result.
std::vector<std::pair<int, int>> SolveAssignment(const std::vector<double>& cost, int rows, int cols,
                                                 double max_cost);

}  // namespace sturgeon::vision
