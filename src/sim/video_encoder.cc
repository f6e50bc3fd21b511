#include "sim/video_encoder.h"

#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

#include <fmt/format.h>
#include <opencv2/videoio.hpp>

extern char** environ;

namespace sturgeon::sim {
namespace {

class NullEncoder : public VideoEncoder {
 public:
  Status Write(const cv::Mat&) override { return Status::Ok(); }
  Status Close() override { return Status::Ok(); }
  std::string Name() const override { return "none"; }
};

class OpenCvEncoder : public VideoEncoder {
 public:
  explicit OpenCvEncoder(cv::VideoWriter writer) : writer_(std::move(writer)) {}
  Status Write(const cv::Mat& bgr) override {
    writer_.write(bgr);
    return Status::Ok();
  }
  Status Close() override {
    writer_.release();
    return Status::Ok();
  }
  std::string Name() const override { return "opencv"; }

 private:
  cv::VideoWriter writer_;
};

// Frames travel over a socket rather than a pipe so that a dead ffmpeg gives
// an error (EPIPE with MSG_NOSIGNAL) instead of killing us with SIGPIPE.
class FfmpegEncoder : public VideoEncoder {
 public:
  FfmpegEncoder(pid_t pid, int fd, std::string path) : pid_(pid), fd_(fd), path_(std::move(path)) {}
  ~FfmpegEncoder() override { (void)Close(); }

  Status Write(const cv::Mat& bgr) override {
    if (fd_ < 0) return Status::Internal("ffmpeg encoder already closed");
    for (int y = 0; y < bgr.rows; ++y) {
      const char* p = bgr.ptr<char>(y);
      size_t left = static_cast<size_t>(bgr.cols) * 3;
      while (left > 0) {
        const ssize_t n = send(fd_, p, left, MSG_NOSIGNAL);
        if (n < 0) {
          if (errno == EINTR) continue;
          return Status::IOError(fmt::format("ffmpeg stopped accepting frames for {}: {}", path_, std::strerror(errno)));
        }
        p += n;
        left -= static_cast<size_t>(n);
      }
    }
    return Status::Ok();
  }

  Status Close() override {
    if (fd_ < 0) return Status::Ok();
    close(fd_);
    fd_ = -1;
    int wstatus = 0;
    while (waitpid(pid_, &wstatus, 0) < 0 && errno == EINTR) {}
    if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0)
      return Status::IOError(fmt::format("ffmpeg failed writing {}", path_));
    return Status::Ok();
  }
  std::string Name() const override { return "ffmpeg"; }

 private:
  pid_t pid_;
  int fd_;
  std::string path_;
};

std::string FindOnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return {};
  std::string all(path);
  size_t start = 0;
  while (start <= all.size()) {
    const size_t end = all.find(':', start);
    const std::string dir = all.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!dir.empty()) {
      const std::string candidate = dir + "/" + program;
      if (access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return {};
}

Result<std::unique_ptr<VideoEncoder>> OpenFfmpeg(const std::string& ffmpeg, const std::string& path, cv::Size size,
                                                 double fps) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
    return Status::IOError(fmt::format("socketpair: {}", std::strerror(errno)));
  std::vector<std::string> args = {ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
                                   "-f", "rawvideo", "-pix_fmt", "bgr24",
                                   "-s", fmt::format("{}x{}", size.width, size.height),
                                   "-r", fmt::format("{}", fps), "-i", "pipe:0",
                                   "-c:v", "libx264", "-preset", "superfast", "-crf", "21",
                                   "-threads", "2", "-pix_fmt", "yuv420p",
                                   "-fflags", "+bitexact", "-flags:v", "+bitexact", "-map_metadata", "-1",
                                   "-movflags", "+faststart", path};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, sv[1], 0);
  posix_spawn_file_actions_addclose(&actions, sv[0]);
  posix_spawn_file_actions_addclose(&actions, sv[1]);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, ffmpeg.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(sv[1]);
  if (rc != 0) {
    close(sv[0]);
    return Status::FailedPrecondition(fmt::format("cannot start {}: {}", ffmpeg, std::strerror(rc)));
  }
  return std::unique_ptr<VideoEncoder>(new FfmpegEncoder(pid, sv[0], path));
}

Result<std::unique_ptr<VideoEncoder>> OpenOpenCv(const std::string& path, cv::Size size, double fps) {
  cv::VideoWriter writer;
  if (!writer.open(path, cv::CAP_FFMPEG, cv::VideoWriter::fourcc('a', 'v', 'c', '1'), fps, size) ||
      !writer.isOpened()) {
    return Status::FailedPrecondition(
        "no H.264 encoder: OpenCV's FFmpeg backend cannot open avc1 and no ffmpeg program is on PATH");
  }
  return std::unique_ptr<VideoEncoder>(new OpenCvEncoder(std::move(writer)));
}

}  // namespace

Result<std::unique_ptr<VideoEncoder>> OpenVideoEncoder(EncoderKind kind, const std::string& path, cv::Size size,
                                                       double fps) {
  switch (kind) {
    case EncoderKind::kNone: return std::unique_ptr<VideoEncoder>(new NullEncoder());
    case EncoderKind::kOpenCv: return OpenOpenCv(path, size, fps);
    case EncoderKind::kFfmpeg: {
      const std::string ffmpeg = FindOnPath("ffmpeg");
      if (ffmpeg.empty()) return Status::FailedPrecondition("no ffmpeg program on PATH");
      return OpenFfmpeg(ffmpeg, path, size, fps);
    }
    case EncoderKind::kAuto: {
      const std::string ffmpeg = FindOnPath("ffmpeg");
      if (!ffmpeg.empty()) return OpenFfmpeg(ffmpeg, path, size, fps);
      return OpenOpenCv(path, size, fps);
    }
  }
  return Status::Internal("unknown encoder kind");
}

}  // namespace sturgeon::sim
