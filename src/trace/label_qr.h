// QR code images for tin labels (libqrencode, written as PNG by OpenCV).
#pragma once

#include <string>

#include "core/status.h"

namespace sturgeon::trace {

// Encodes `text` (medium error correction) and writes a PNG with
// `pixels_per_module` pixels per module and a 4-module quiet zone.
// InvalidArgument if the text cannot be encoded; IOError if the file cannot
// be written.
Status WriteQrPng(const std::string& text, const std::string& path, int pixels_per_module = 8);

// The same image as PNG bytes in memory (for the API's image/png answer).
Result<std::string> EncodeQrPng(const std::string& text, int pixels_per_module = 8);

}  // namespace sturgeon::trace
