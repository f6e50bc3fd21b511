// Optimal assignment (Hungarian / Kuhn-Munkres) for rectangular cost
// matrices. Used by the tracker to match detections to tracks and by the
// evaluator for CLEAR-MOT and IDF1 matching.
//
// Cost: O(rows x cols) to find the groups of rows and columns that the
// pairs under the gate connect, then O(n^2 m) for each group of n x m
// (n <= m), solved apart. In a crowd the tracker's gate leaves groups of a
// few tracks, so a frame of 1000 fish costs about what 1000 groups of a
// few cost, not 1000^3 (the 4K cage of count_bench: 0.31 -> 0.54 of the
// decoding rate, docs/benchmarks.md round 33).
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
