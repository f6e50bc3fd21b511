#include "vision/source/video_source.h"

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <stdexcept>

#include <sys/resource.h>

#include <fmt/format.h>

namespace sturgeon::vision {
namespace {
constexpr size_t kQueueFrames = 6;
constexpr double kTruncatedShare = 0.98;  // fewer frames than this x declared: truncated
constexpr int kMaxNiceness = 19;
}  // namespace

Result<VideoProbe> VideoSource::OpenCapture(const std::string& path, cv::VideoCapture& capture) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status::NotFound(fmt::format("video '{}' does not exist", path));
  }
  if (!capture.open(path, cv::CAP_FFMPEG) || !capture.isOpened()) {
    return Status::Corruption(fmt::format("video '{}' cannot be opened: not a video or corrupt", path));
  }
  VideoProbe probe;
  probe.width = static_cast<int>(capture.get(cv::CAP_PROP_FRAME_WIDTH));
  probe.height = static_cast<int>(capture.get(cv::CAP_PROP_FRAME_HEIGHT));
  probe.fps = capture.get(cv::CAP_PROP_FPS);
  probe.declared_frames = std::max(0, static_cast<int>(capture.get(cv::CAP_PROP_FRAME_COUNT)));
  if (probe.width <= 0 || probe.height <= 0) {
    return Status::Corruption(fmt::format("video '{}' has no readable video stream", path));
  }
  return probe;
}

Result<VideoProbe> VideoSource::Probe(const std::string& path) {
  cv::VideoCapture capture;
  return OpenCapture(path, capture);
}

Result<std::unique_ptr<VideoSource>> VideoSource::Open(const std::string& path, int max_frames,
                                                       int lookahead_frames) {
  std::unique_ptr<VideoSource> s(new VideoSource());
  STURGEON_ASSIGN_OR_RETURN(const VideoProbe probe, OpenCapture(path, s->capture_));
  s->path_ = path;
  s->max_frames_ = max_frames;
  s->lookahead_capacity_ = std::max(kQueueFrames, static_cast<size_t>(std::max(0, lookahead_frames)));
  s->width_ = probe.width;
  s->height_ = probe.height;
  s->fps_ = probe.fps;
  s->declared_frames_ = probe.declared_frames;
  s->thread_ = std::thread(&VideoSource::Run, s.get());
  return s;
}

VideoSource::~VideoSource() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void VideoSource::Run() {
  // The decoder runs ahead of its reader with a queue to fill: where the
  // cores are all busy, the reader (the detector, the critical path of a
  // count) is run first. On Linux niceness is a thread's own; raising it
  // needs no privilege (where it fails, the decoder runs as its creator).
  errno = 0;
  const int creators = getpriority(PRIO_PROCESS, 0);
  if (errno == 0) setpriority(PRIO_PROCESS, 0, std::min(kMaxNiceness, creators + kDecoderNicenessAbove));
  while (true) {
    cv::Mat frame;
    bool ok = (max_frames_ <= 0 || decoded_ < max_frames_) && capture_.read(frame) && !frame.empty();
    std::unique_lock<std::mutex> lock(mu_);
    if (!ok || stop_) {
      done_ = true;
      cv_.notify_all();
      return;
    }
    decoded_++;
    cv_.wait(lock, [&] { return queue_.size() < Capacity() || stop_; });
    queue_.push_back(std::move(frame));
    cv_.notify_all();
  }
}

bool VideoSource::Next(cv::Mat* frame) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return !queue_.empty() || done_; });
  if (queue_.empty()) return false;
  *frame = std::move(queue_.front());
  queue_.pop_front();
  taken_ = true;
  cv_.notify_all();
  return true;
}

size_t VideoSource::Capacity() const { return taken_ ? kQueueFrames : lookahead_capacity_; }

bool VideoSource::Peek(int ahead, cv::Mat* frame) {
  std::unique_lock<std::mutex> lock(mu_);
  if (ahead < 1 || static_cast<size_t>(ahead) > Capacity()) {
    throw std::logic_error(fmt::format("VideoSource::Peek({}) beyond a queue of {} frames", ahead, Capacity()));
  }
  cv_.wait(lock, [&] { return queue_.size() >= static_cast<size_t>(ahead) || done_; });
  if (queue_.size() < static_cast<size_t>(ahead)) return false;
  *frame = queue_[ahead - 1];
  return true;
}

Status VideoSource::Finish() {
  if (thread_.joinable()) thread_.join();
  if (decoded_ == 0) return Status::Corruption(fmt::format("video '{}': no frame could be decoded", path_));
  bool capped = max_frames_ > 0 && decoded_ >= max_frames_;
  if (!capped && declared_frames_ > 0 && decoded_ < kTruncatedShare * declared_frames_) {
    return Status::Corruption(fmt::format("video '{}' is truncated or corrupt: decoded {} of {} frames", path_,
                                          decoded_, declared_frames_));
  }
  return Status::Ok();
}

}  // namespace sturgeon::vision
