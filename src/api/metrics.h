// Request metrics in the Prometheus text format: requests by route and
// status, a latency histogram per route, and errors (status >= 500).
// Counters are lock-free atomics; thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sturgeon::api {

class Metrics {
 public:
  // `routes` names each route ("GET /api/pools/{code}"); index
  // routes.size() is used for requests that matched none.
  explicit Metrics(std::vector<std::string> routes);

  void Record(size_t route_index, int http_status, double seconds);
  std::string Render() const;

 private:
  static constexpr std::array<double, 14> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,    0.25,  0.5,    1,     2.5,   5,     10};
  static constexpr std::array<int, 15> kStatuses = {200, 201, 204, 400, 401, 403, 404, 405,
                                                    409, 413, 415, 422, 500, 503, 0};
  struct PerRoute {
    std::array<std::atomic<uint64_t>, kStatuses.size()> by_status{};
    std::array<std::atomic<uint64_t>, kBuckets.size() + 1> buckets{};
    std::atomic<uint64_t> count{0};
    std::atomic<uint64_t> sum_micros{0};
  };
  std::vector<std::string> names_;
  std::unique_ptr<PerRoute[]> routes_;
};

}  // namespace sturgeon::api
