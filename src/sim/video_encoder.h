// H.264 writers for the simulator. Internal to src/sim.
//
// FfmpegEncoder pipes raw BGR frames to the `ffmpeg` program (libx264,
// preset superfast, 2 threads: fast and reproducible); OpenCvEncoder uses
// cv::VideoWriter with the FFmpeg backend and fourcc avc1 (slower preset).
// Not thread-safe.
#pragma once

#include <memory>
#include <string>

#include <opencv2/core.hpp>

#include "core/status.h"
#include "sim/simulator.h"

namespace sturgeon::sim {

class VideoEncoder {
 public:
  virtual ~VideoEncoder() = default;
  virtual Status Write(const cv::Mat& bgr) = 0;
  // Flushes and closes the file; must be called once before destruction to
  // learn whether the file is complete.
  virtual Status Close() = 0;
  virtual std::string Name() const = 0;
};

// Opens an encoder of `kind` writing `path`. kNone gives one that discards.
// FailedPrecondition when no H.264 encoder can be opened.
Result<std::unique_ptr<VideoEncoder>> OpenVideoEncoder(EncoderKind kind, const std::string& path, cv::Size size,
                                                       double fps);

}  // namespace sturgeon::sim
