#include "vision/track/assignment.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace sturgeon::vision {
namespace {

// Kuhn-Munkres on a whole rows x cols matrix (row-major), O(n^2 m), with
// the contract of SolveAssignment.
std::vector<std::pair<int, int>> SolveWhole(const std::vector<double>& cost, int rows, int cols, double max_cost) {
  std::vector<std::pair<int, int>> result;
  // Forbidden pairs cost more than any spread of allowed costs, so the
  // solver only uses them when it must, and they are dropped afterwards:
  // with allowed costs in [-M, M], k + 1 allowed pairs cost at most
  // (2k + 1) M more than k, k < min(rows, cols).
  double max_allowed = 0.0;
  for (double c : cost) {
    if (c <= max_cost) max_allowed = std::max(max_allowed, std::abs(c));
  }
  const double forbidden = (2.0 * std::min(rows, cols) + 1.0) * max_allowed + 1.0;
  const bool transpose = rows > cols;
  const int n = transpose ? cols : rows;  // n <= m
  const int m = transpose ? rows : cols;
  auto at = [&](int i, int j) {
    double c = transpose ? cost[static_cast<size_t>(j) * cols + i] : cost[static_cast<size_t>(i) * cols + j];
    return c <= max_cost ? c : forbidden;
  };
  const double kInf = std::numeric_limits<double>::infinity();
  std::vector<double> u(n + 1, 0.0), v(m + 1, 0.0), minv(m + 1);
  std::vector<int> p(m + 1, 0), way(m + 1, 0);
  std::vector<char> used(m + 1);
  for (int i = 1; i <= n; ++i) {
    p[0] = i;
    int j0 = 0;
    std::fill(minv.begin(), minv.end(), kInf);
    std::fill(used.begin(), used.end(), 0);
    do {
      used[j0] = 1;
      int i0 = p[j0], j1 = 0;
      double delta = kInf;
      for (int j = 1; j <= m; ++j) {
        if (used[j]) continue;
        double cur = at(i0 - 1, j - 1) - u[i0] - v[j];
        if (cur < minv[j]) { minv[j] = cur; way[j] = j0; }
        if (minv[j] < delta) { delta = minv[j]; j1 = j; }
      }
      for (int j = 0; j <= m; ++j) {
        if (used[j]) { u[p[j]] += delta; v[j] -= delta; } else { minv[j] -= delta; }
      }
      j0 = j1;
    } while (p[j0] != 0);
    do {
      int j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0);
  }
  for (int j = 1; j <= m; ++j) {
    if (p[j] == 0) continue;
    int r = p[j] - 1, c = j - 1;
    if (transpose) std::swap(r, c);
    if (cost[static_cast<size_t>(r) * cols + c] <= max_cost) result.emplace_back(r, c);
  }
  return result;
}

// Disjoint sets over the rows (0..rows-1) and columns (rows..) joined by
// allowed pairs.
class Components {
 public:
  explicit Components(int size) : parent_(size) { std::iota(parent_.begin(), parent_.end(), 0); }
  int Find(int x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  void Join(int a, int b) {
    a = Find(a), b = Find(b);
    if (a != b) parent_[std::max(a, b)] = std::min(a, b);
  }

 private:
  std::vector<int> parent_;
};

}  // namespace

std::vector<std::pair<int, int>> SolveAssignment(const std::vector<double>& cost, int rows, int cols,
                                                 double max_cost) {
  std::vector<std::pair<int, int>> result;
  if (rows == 0 || cols == 0) return result;
  // The allowed pairs split the rows and columns into connected groups; a
  // matching's allowed pairs all lie within groups, so the most allowed
  // pairs at the least cost over the whole is the union of each group's.
  // In a crowd the gate leaves groups of a few tracks each: solved apart,
  // a frame of 1000 fish costs what its groups cost, not 1000^3.
  Components groups(rows + cols);
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      if (cost[static_cast<size_t>(r) * cols + c] <= max_cost) groups.Join(r, rows + c);
    }
  }
  std::vector<std::vector<int>> group_rows(rows + cols), group_cols(rows + cols);
  for (int r = 0; r < rows; ++r) group_rows[groups.Find(r)].push_back(r);
  for (int c = 0; c < cols; ++c) group_cols[groups.Find(rows + c)].push_back(c);
  std::vector<double> sub;
  for (int g = 0; g < rows + cols; ++g) {
    const std::vector<int>& gr = group_rows[g];
    const std::vector<int>& gc = group_cols[g];
    if (gr.empty() || gc.empty()) continue;  // a row or column with no allowed pair
    const int n = static_cast<int>(gr.size()), m = static_cast<int>(gc.size());
    sub.resize(static_cast<size_t>(n) * m);
    for (int a = 0; a < n; ++a) {
      for (int b = 0; b < m; ++b) sub[static_cast<size_t>(a) * m + b] = cost[static_cast<size_t>(gr[a]) * cols + gc[b]];
    }
    for (auto [a, b] : SolveWhole(sub, n, m, max_cost)) result.emplace_back(gr[a], gc[b]);
  }
  std::sort(result.begin(), result.end());
  return result;
}

}  // namespace sturgeon::vision
