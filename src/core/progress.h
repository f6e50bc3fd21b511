// A one-line progress display for long operations, drawn on stderr only when
// stderr is a terminal (so scripts and logs stay clean).
//
// Not thread-safe: call Update() from one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace sturgeon {

class Progress {
 public:
  // `total` may be 0 when unknown; then only the count is shown.
  Progress(std::string label, uint64_t total);
  ~Progress();  // finishes the line if anything was drawn

  // Redraws at most ten times a second.
  void Update(uint64_t done);
  void Finish();

  // Force (or forbid) drawing regardless of the terminal check; for tests.
  void SetEnabled(bool enabled) { enabled_ = enabled; }

 private:
  std::string label_;
  uint64_t total_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace sturgeon
