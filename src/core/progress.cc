#include "core/progress.h"

#include <unistd.h>

#include <cstdio>

namespace sturgeon {

Progress::Progress(std::string label, uint64_t total)
    : label_(std::move(label)), total_(total), enabled_(isatty(STDERR_FILENO) == 1) {}

Progress::~Progress() { Finish(); }

void Progress::Update(uint64_t done) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(100) && done != total_) return;
  last_draw_ = now;
  drawn_ = true;
  if (total_ > 0) {
    const double pct = 100.0 * static_cast<double>(done) / static_cast<double>(total_);
    std::fprintf(stderr, "\r%s: %5.1f%% (%llu/%llu)", label_.c_str(), pct, static_cast<unsigned long long>(done),
                 static_cast<unsigned long long>(total_));
  } else {
    std::fprintf(stderr, "\r%s: %llu", label_.c_str(), static_cast<unsigned long long>(done));
  }
  std::fflush(stderr);
}

void Progress::Finish() {
  if (!drawn_) return;
  std::fprintf(stderr, "\n");
  drawn_ = false;
}

}  // namespace sturgeon
