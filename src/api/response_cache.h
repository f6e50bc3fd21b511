// A small cache of computed response bodies (pool inventories), so a burst
// of identical reads costs one computation. An entry lives at most `ttl`;
// every write through the API (AuditedWrite) clears the cache at once, so
// the API never serves its own stale data, and writes by other processes
// (the command line) show within `ttl`. Access checks run before a lookup:
// entries hold data, never decisions. Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace sturgeon::api {

class ResponseCache {
 public:
  ResponseCache(std::chrono::milliseconds ttl, size_t max_entries) : ttl_(ttl), max_entries_(max_entries) {}

  std::optional<std::string> Get(const std::string& key) {
    std::lock_guard lock(mu_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return std::nullopt;
    if (it->second.expires <= std::chrono::steady_clock::now()) {
      entries_.erase(it);
      return std::nullopt;
    }
    return it->second.body;
  }

  // Stores `body` unless the cache was cleared since `generation` was read.
  void Put(const std::string& key, std::string body, uint64_t generation) {
    std::lock_guard lock(mu_);
    if (generation != generation_) return;
    if (entries_.size() >= max_entries_) entries_.clear();
    entries_[key] = Entry{std::move(body), std::chrono::steady_clock::now() + ttl_};
  }

  uint64_t generation() {
    std::lock_guard lock(mu_);
    return generation_;
  }

  void Clear() {
    std::lock_guard lock(mu_);
    ++generation_;
    entries_.clear();
  }

 private:
  struct Entry {
    std::string body;
    std::chrono::steady_clock::time_point expires;
  };
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // guarded by mu_
  uint64_t generation_ = 0;                         // guarded by mu_
  std::chrono::milliseconds ttl_;
  size_t max_entries_;
};

}  // namespace sturgeon::api
