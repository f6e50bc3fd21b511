// Synthetic fish trajectories for tracker and counter tests: detections
// only, with the nuisances real detectors produce (misses, false positives,
// jitter, occlusions, dives).
#pragma once

#include <cmath>
#include <map>
#include <random>
#include <vector>

#include "vision/types.h"

namespace sturgeon::vision::testing {

struct SceneSpec {
  int fish = 10;
  int frames = 200;
  float width = 1920, height = 1080;
  float speed = 2.0f;        // px / frame
  float box = 60;            // box side; 4 = centre points
  float miss_rate = 0.0f;
  float false_positives_per_frame = 0.0f;
  float jitter_px = 0.0f;
  float dive_share = 0.0f;   // share of fish that dive once
  int dive_frames = 60;
  unsigned seed = 1;
};

// Fish swim on smooth random headings inside the frame. Returns detections
// per frame (1-based).
inline std::map<int, std::vector<Detection>> MakeScene(const SceneSpec& s) {
  std::mt19937 rng(s.seed);
  std::uniform_real_distribution<float> u(0, 1);
  std::normal_distribution<float> n(0, 1);
  struct Fish { float x, y, h; int dive_at = -1; };
  std::vector<Fish> fish(s.fish);
  for (Fish& f : fish) {
    f.x = 100 + u(rng) * (s.width - 200);
    f.y = 100 + u(rng) * (s.height - 200);
    f.h = u(rng) * 6.283f;
    if (u(rng) < s.dive_share) f.dive_at = 20 + static_cast<int>(u(rng) * (s.frames - s.dive_frames - 40));
  }
  std::map<int, std::vector<Detection>> out;
  for (int frame = 1; frame <= s.frames; ++frame) {
    auto& dets = out[frame];
    for (Fish& f : fish) {
      f.h += 0.05f * n(rng);
      f.x += s.speed * std::cos(f.h);
      f.y += s.speed * std::sin(f.h);
      if (f.x < 50 || f.x > s.width - 50) f.h = 3.1416f - f.h;
      if (f.y < 50 || f.y > s.height - 50) f.h = -f.h;
      f.x = std::clamp(f.x, 50.0f, s.width - 50);
      f.y = std::clamp(f.y, 50.0f, s.height - 50);
      bool diving = f.dive_at >= 0 && frame >= f.dive_at && frame < f.dive_at + s.dive_frames;
      if (diving || u(rng) < s.miss_rate) continue;
      float cx = f.x + s.jitter_px * n(rng), cy = f.y + s.jitter_px * n(rng);
      dets.push_back(Detection{cv::Rect2f(cx - s.box / 2, cy - s.box / 2, s.box, s.box), 0.9f, 0});
    }
    float fp = s.false_positives_per_frame;
    while (u(rng) < fp) {
      fp -= 1;
      dets.push_back(Detection{cv::Rect2f(u(rng) * s.width, u(rng) * s.height, s.box, s.box), 0.7f, 0});
    }
  }
  return out;
}

}  // namespace sturgeon::vision::testing
