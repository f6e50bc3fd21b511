// Decoding drone footage. Frames are decoded on a background thread into a
// small bounded queue, so decoding overlaps with detection on a second core.
// The decoding thread runs kDecoderNicenessAbove niceness levels above the
// thread that opened the source (at most 19): with a queue to fill it can
// wait, and where the cores are all busy its reader runs first.
// A consumer that must see a few frames ahead before it takes the first
// (the pool's outline is found on frames 6 and 11 before frame 1 is
// counted) peeks into the queue instead of decoding the footage twice.
//
// Errors: a missing file is NotFound; a file that cannot be opened as video,
// decodes no frame, or ends well before the frame count its container
// declares (a truncated download) is Corruption, naming the file.
// One consumer at a time: Next and Peek may be called from different
// threads as long as the calls do not overlap (the queue is under a mutex).
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <opencv2/core.hpp>
#include <opencv2/videoio.hpp>

#include "core/status.h"

namespace sturgeon::vision {

inline constexpr int kDecoderNicenessAbove = 10;

// What a video's container says of it, read without decoding a frame.
struct VideoProbe {
  int width = 0, height = 0;
  double fps = 0;
  int declared_frames = 0;  // 0: the container does not say
};

class VideoSource {
 public:
  // The video's size, rate and declared frame count, without starting a
  // decoder (for a caller that only needs those, such as a replay of
  // detections that runs as long as its video). Errors as Open's.
  static Result<VideoProbe> Probe(const std::string& path);
  // `max_frames` > 0 stops after that many frames. Until the first frame
  // is taken the queue holds max(6, `lookahead_frames`) frames, so Peek can
  // see that far ahead; from then on 6.
  static Result<std::unique_ptr<VideoSource>> Open(const std::string& path, int max_frames = 0,
                                                   int lookahead_frames = 0);
  ~VideoSource();
  VideoSource(const VideoSource&) = delete;
  VideoSource& operator=(const VideoSource&) = delete;

  // The next frame (BGR), or false at the end of the stream.
  bool Next(cv::Mat* frame);
  // The frame `ahead` frames on (1: the one Next returns next), waiting for
  // it to be decoded, without taking it; false when the stream ends before
  // it. It shares its pixels with the frame Next will return: read it, do
  // not write it. `ahead` beyond the queue's capacity now (the lookahead
  // before the first Next, 6 after) is a bug (std::logic_error).
  bool Peek(int ahead, cv::Mat* frame);
  // After Next returned false: OK, or Corruption when the stream was
  // truncated or yielded no frame.
  Status Finish();

  int width() const { return width_; }
  int height() const { return height_; }
  double fps() const { return fps_; }
  int declared_frames() const { return declared_frames_; }
  int decoded_frames() const { return decoded_; }

 private:
  VideoSource() = default;
  // Opens `path` into `capture` and reads what its container says.
  static Result<VideoProbe> OpenCapture(const std::string& path, cv::VideoCapture& capture);
  void Run();

  std::string path_;
  cv::VideoCapture capture_;
  int width_ = 0, height_ = 0, declared_frames_ = 0, max_frames_ = 0, decoded_ = 0;
  size_t lookahead_capacity_ = 0;  // the queue's size until the first Next
  bool taken_ = false;             // Next has taken a frame
  size_t Capacity() const;         // the queue's size now (under mu_)
  double fps_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<cv::Mat> queue_;
  bool done_ = false;
  bool stop_ = false;
};

}  // namespace sturgeon::vision
