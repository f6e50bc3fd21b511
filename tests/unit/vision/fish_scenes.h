// Synthetic fish trajectories for tracker and counter tests: detections
// only, with the nuisances real detectors produce (misses, false positives,
// jitter, occlusions, dives).
#pragma once

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <vector>

#include <opencv2/core/types.hpp>

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

// What count_bench's noisy replays give a farm's detector of whole fish,
// on `fish` fish of 36 px at 1.5 px a frame: a fifth of the boxes missed,
// centres off by 5% of the box (1.8 px), a false box per ten fish a frame.
inline SceneSpec WholeFishDetectorScene(int fish, int frames, unsigned seed) {
  SceneSpec s;
  s.fish = fish;
  s.frames = frames;
  s.box = 36;
  s.speed = 1.5f;
  s.miss_rate = 0.2f;
  s.jitter_px = 1.8f;
  s.false_positives_per_frame = 0.1f * fish;
  s.seed = seed;
  return s;
}

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

// A camera panning over a pond wider than its view: `fish` fish swim
// slowly (1 px a frame) over a pond 1920 + `travel` px wide and 1080 high,
// and the 1920-px view moves right by `travel` and back over `frames`
// frames (a cosine, so it starts and turns slowly; at the default 2400 px
// up to 38 px a frame, more than the tracker's gate for these boxes).
// Fish leave the view on one side and come back into it. Detections are
// in image pixels (boxes of 60 px, 1.5 px jitter, 10% missed, half a
// false box a frame); `camera_offset[f]` is frame f's true offset (image
// = pond + offset).
struct PanScene {
  std::map<int, std::vector<Detection>> detections;
  std::map<int, cv::Point2f> camera_offset;
};

inline PanScene MakePanScene(float travel = 2400, int fish = 40, int frames = 200, unsigned seed = 1) {
  constexpr float kViewWidth = 1920, kHeight = 1080, kBox = 60;
  const float pond_width = kViewWidth + travel;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0, 1);
  std::normal_distribution<float> n(0, 1);
  struct Fish { float x, y, h; };
  std::vector<Fish> school(fish);
  for (Fish& f : school) f = Fish{100 + u(rng) * (pond_width - 200), 100 + u(rng) * (kHeight - 200), u(rng) * 6.283f};
  PanScene scene;
  for (int frame = 1; frame <= frames; ++frame) {
    const float camera_x = travel * 0.5f * (1 - std::cos(6.2832f * (frame - 1) / frames));
    scene.camera_offset[frame] = cv::Point2f(-camera_x, 0);
    auto& dets = scene.detections[frame];
    for (Fish& f : school) {
      f.h += 0.05f * n(rng);
      f.x = std::clamp(f.x + std::cos(f.h), 50.0f, pond_width - 50);
      f.y = std::clamp(f.y + std::sin(f.h), 50.0f, kHeight - 50);
      const float x = f.x - camera_x + 1.5f * n(rng), y = f.y + 1.5f * n(rng);
      if (x < kBox / 2 || x > kViewWidth - kBox / 2 || u(rng) < 0.1f) continue;
      dets.push_back(Detection{cv::Rect2f(x - kBox / 2, y - kBox / 2, kBox, kBox), 0.9f, 0});
    }
    if (u(rng) < 0.5f) dets.push_back(Detection{cv::Rect2f(u(rng) * kViewWidth, u(rng) * kHeight, kBox, kBox), 0.7f, 0});
  }
  return scene;
}

}  // namespace sturgeon::vision::testing
