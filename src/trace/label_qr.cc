#include "trace/label_qr.h"

#include <qrencode.h>

#include <memory>
#include <vector>

#include <fmt/format.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

namespace sturgeon::trace {

namespace {

// The QR code of `text` as a grey image, black modules on white.
Result<cv::Mat> QrImage(const std::string& text, int pixels_per_module) {
  constexpr int kQuietZoneModules = 4;
  constexpr uint8_t kWhite = 255;
  if (pixels_per_module < 1) return Status::InvalidArgument("QR: pixels per module must be at least 1");
  std::unique_ptr<QRcode, decltype(&QRcode_free)> qr(
      QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M), &QRcode_free);
  if (!qr) return Status::InvalidArgument(fmt::format("QR: cannot encode '{}'", text));
  const int modules = qr->width + 2 * kQuietZoneModules;
  cv::Mat img(modules * pixels_per_module, modules * pixels_per_module, CV_8UC1, cv::Scalar(kWhite));
  for (int y = 0; y < qr->width; ++y) {
    for (int x = 0; x < qr->width; ++x) {
      if ((qr->data[y * qr->width + x] & 1) == 0) continue;
      img(cv::Rect((x + kQuietZoneModules) * pixels_per_module, (y + kQuietZoneModules) * pixels_per_module,
                   pixels_per_module, pixels_per_module))
          .setTo(cv::Scalar(0));
    }
  }
  return img;
}

}  // namespace

Result<std::string> EncodeQrPng(const std::string& text, int pixels_per_module) {
  STURGEON_ASSIGN_OR_RETURN(cv::Mat img, QrImage(text, pixels_per_module));
  std::vector<uint8_t> png;
  try {
    if (!cv::imencode(".png", img, png)) return Status::Internal("QR: PNG encoding failed");
  } catch (const cv::Exception& e) {
    return Status::Internal(fmt::format("QR: PNG encoding failed: {}", e.what()));
  }
  return std::string(png.begin(), png.end());
}

Status WriteQrPng(const std::string& text, const std::string& path, int pixels_per_module) {
  STURGEON_ASSIGN_OR_RETURN(cv::Mat img, QrImage(text, pixels_per_module));
  bool written = false;
  try {
    written = cv::imwrite(path, img);
  } catch (const cv::Exception& e) {
    return Status::IOError(fmt::format("QR: writing '{}': {}", path, e.what()));
  }
  if (!written) return Status::IOError(fmt::format("QR: cannot write '{}'", path));
  return Status::Ok();
}

}  // namespace sturgeon::trace
