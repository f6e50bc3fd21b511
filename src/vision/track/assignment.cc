#include "vision/track/assignment.h"

#include <algorithm>
#include <limits>

namespace sturgeon::vision {

std::vector<std::pair<int, int>> SolveAssignment(const std::vector<double>& cost, int rows, int cols,
                                                 double max_cost) {
  std::vector<std::pair<int, int>> result;
  if (rows == 0 || cols == 0) return result;
  // Forbidden pairs get a cost larger than any sum of allowed costs, so the
  // solver only uses them when it must, and they are dropped afterwards.
  double max_allowed = 0.0;
  for (double c : cost) {
    if (c <= max_cost) max_allowed = std::max(max_allowed, std::abs(c));
  }
  const double forbidden = (max_allowed + 1.0) * (std::max(rows, cols) + 1);
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
  std::sort(result.begin(), result.end());
  return result;
}

}  // namespace sturgeon::vision
