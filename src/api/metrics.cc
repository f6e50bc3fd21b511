#include "api/metrics.h"

#include <fmt/format.h>

namespace sturgeon::api {

Metrics::Metrics(std::vector<std::string> routes) : names_(std::move(routes)) {
  names_.push_back("unmatched");
  routes_ = std::make_unique<PerRoute[]>(names_.size());
}

void Metrics::Record(size_t route_index, int http_status, double seconds) {
  if (route_index >= names_.size()) route_index = names_.size() - 1;
  PerRoute& r = routes_[route_index];
  size_t s = kStatuses.size() - 1;
  for (size_t i = 0; i + 1 < kStatuses.size(); ++i) {
    if (kStatuses[i] == http_status) {
      s = i;
      break;
    }
  }
  r.by_status[s].fetch_add(1, std::memory_order_relaxed);
  size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  r.buckets[b].fetch_add(1, std::memory_order_relaxed);
  r.count.fetch_add(1, std::memory_order_relaxed);
  r.sum_micros.fetch_add(static_cast<uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

std::string Metrics::Render() const {
  std::string out;
  out += "# HELP sturgeon_http_requests_total HTTP requests by route and status.\n";
  out += "# TYPE sturgeon_http_requests_total counter\n";
  uint64_t errors_total = 0;
  for (size_t i = 0; i < names_.size(); ++i) {
    for (size_t s = 0; s < kStatuses.size(); ++s) {
      const uint64_t n = routes_[i].by_status[s].load(std::memory_order_relaxed);
      if (n == 0) continue;
      const std::string status = kStatuses[s] ? std::to_string(kStatuses[s]) : "other";
      out += fmt::format("sturgeon_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n", names_[i], status, n);
      if (kStatuses[s] >= 500 || kStatuses[s] == 0) errors_total += n;
    }
  }
  out += "# HELP sturgeon_http_server_errors_total Responses with status 500 or above.\n";
  out += "# TYPE sturgeon_http_server_errors_total counter\n";
  out += fmt::format("sturgeon_http_server_errors_total {}\n", errors_total);
  out += "# HELP sturgeon_http_request_duration_seconds Time from a complete request to its response.\n";
  out += "# TYPE sturgeon_http_request_duration_seconds histogram\n";
  for (size_t i = 0; i < names_.size(); ++i) {
    const PerRoute& r = routes_[i];
    const uint64_t count = r.count.load(std::memory_order_relaxed);
    if (count == 0) continue;
    uint64_t cumulative = 0;
    for (size_t b = 0; b <= kBuckets.size(); ++b) {
      cumulative += r.buckets[b].load(std::memory_order_relaxed);
      const std::string le = b < kBuckets.size() ? fmt::format("{}", kBuckets[b]) : "+Inf";
      out += fmt::format("sturgeon_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", names_[i],
                         le, cumulative);
    }
    out += fmt::format("sturgeon_http_request_duration_seconds_sum{{route=\"{}\"}} {:.6f}\n", names_[i],
                       static_cast<double>(r.sum_micros.load(std::memory_order_relaxed)) / 1e6);
    out += fmt::format("sturgeon_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", names_[i], count);
  }
  return out;
}

}  // namespace sturgeon::api
