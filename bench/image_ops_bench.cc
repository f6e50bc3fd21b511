// Detector whole-image steps (issue 5, round 11): each image_ops function
// against the OpenCV calls it is equal to, on a 1903x1071 frame (the working
// size of dive_resurface), one thread, interleaved, best of five rounds of
// 50 calls. Prints milliseconds a call and the speed-up (OpenCV / ours).
//
// Usage: image_ops_bench
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "vision/detect/image_ops.h"

namespace {

// Milliseconds a call of `f`: the best of five rounds of 50 calls.
double BestMs(const std::function<void()>& f) {
  double best = 1e9;
  for (int round = 0; round < 5; ++round) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 50; ++i) f();
    const std::chrono::duration<double, std::milli> elapsed = std::chrono::steady_clock::now() - start;
    best = std::min(best, elapsed.count() / 50);
  }
  return best;
}

void Report(const char* step, double opencv_ms, double ours_ms) {
  std::printf("%-24s OpenCV %6.2f ms  ours %6.2f ms  speed-up %.2f\n", step, opencv_ms, ours_ms, opencv_ms / ours_ms);
}

}  // namespace

int main() {
  using namespace sturgeon::vision;
  cv::setNumThreads(1);
  const cv::Size size(1903, 1071);
  cv::RNG rng(1);
  cv::Mat frame(size, CV_8UC3), water;
  rng.fill(frame, cv::RNG::UNIFORM, 0, 256);
  cv::GaussianBlur(frame, water, {9, 9}, 3);
  cv::Mat inside(size, CV_8UC1, cv::Scalar(0));
  cv::circle(inside, {size.width / 2, size.height / 2}, size.height / 2, cv::Scalar(255), cv::FILLED);
  const int inside_count = cv::countNonZero(inside);

  cv::Mat absdiff, channels[3], distance;
  Report("strongest-channel distance",
         BestMs([&] {
           cv::absdiff(frame, water, absdiff);
           cv::split(absdiff, channels);
           cv::max(channels[0], channels[1], distance);
           cv::max(distance, channels[2], distance);
         }),
         BestMs([&] { MaxChannelDistance(frame, water, distance); }));

  cv::Mat painted;
  const cv::Mat outside = 255 - inside;
  Report("paint outside the pool",
         BestMs([&] {
           painted = frame.clone();
           painted.setTo(cv::mean(frame, inside), outside);
         }),
         BestMs([&] { PaintOutside(frame, inside, inside_count, painted); }));
  return 0;
}
