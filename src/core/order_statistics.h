// Order statistics of a sample (medians, quantiles) by the rank rules the
// project uses, so that the nth_element idiom and its rank arithmetic live
// in one place.
//
// Each function takes the sample by value (std::nth_element reorders it;
// pass std::move(v) when the caller no longer needs the order) and returns
// T{} for an empty sample. Ranks are 0-based in ascending order.
#pragma once

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace sturgeon {

// The element of rank `k` (k < values.size()), T{} for an empty sample.
template <typename T>
T ElementAtRank(std::vector<T> values, std::size_t k) {
  if (values.empty()) return T{};
  const auto at = values.begin() + static_cast<std::ptrdiff_t>(k);
  std::nth_element(values.begin(), at, values.end());
  return *at;
}

// The element of rank floor(q * (n - 1)) for q in [0, 1], the product
// computed in q's own type: a float q and the same q as a double can
// select neighbouring ranks (19.0f but 18.99... for 0.95f x 20), and the
// callers' results depend on which. q = 0.5 is the lower median.
template <typename T, typename Q>
T QuantileAtRank(std::vector<T> values, Q q) {
  if (values.empty()) return T{};
  // Rounded to Q before the floor, also where the FPU keeps extra precision.
  const Q product = q * static_cast<Q>(values.size() - 1);
  const auto k = static_cast<std::size_t>(product);
  return ElementAtRank(std::move(values), k);
}

// The upper median: the element of rank n / 2 (of two middle elements, the
// larger).
template <typename T>
T UpperMedian(std::vector<T> values) {
  const std::size_t k = values.size() / 2;
  return ElementAtRank(std::move(values), k);
}

}  // namespace sturgeon
