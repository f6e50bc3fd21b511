// Detector whole-image steps (issue 5, rounds 11 and 19): each image_ops
// function against the OpenCV calls it replaced (equal for the distance and
// the painting; for the water blocks a resize to as many cells, which
// covers the frame at a fractional ratio; for ReduceFrame within a grey
// level), on a 1903x1071 frame (the working size of dive_resurface; the
// thumbnail starts from 1920x1080), one thread, interleaved, best of five
// rounds of 50 calls. Prints milliseconds a call and the speed-up
// (OpenCV / ours).
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

  // The water model's blocks at a window of 7 pixels: cv::resize to as many
  // cells as fit, a fractional ratio, against whole blocks.
  cv::Mat cells;
  const cv::Size block(7, 7);
  Report("water blocks of 7 px",
         BestMs([&] { cv::resize(frame, cells, {size.width / 7, size.height / 7}, 0, 0, cv::INTER_AREA); }),
         BestMs([&] { AverageBlocks(frame, block, cells); }));

  // The camera motion's thumbnail: 1920x1080 to 480x270.
  cv::Mat full(cv::Size(1920, 1080), CV_8UC3), thumbnail, halved;
  rng.fill(full, cv::RNG::UNIFORM, 0, 256);
  cv::GaussianBlur(full, full, {9, 9}, 3);
  Report("1080p to 1/4",
         BestMs([&] { cv::resize(full, thumbnail, {480, 270}, 0, 0, cv::INTER_AREA); }),
         BestMs([&] { ReduceFrame(full, 0.25f, thumbnail, halved); }));
  return 0;
}
