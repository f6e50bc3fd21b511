// The web dashboard's files (web/), built into the binary: CMake turns each
// file under web/ into bytes in a generated web_assets.cc at build time
// (cmake/embed_web.cmake), so `sturgeon serve` needs nothing beside it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sturgeon::api {

struct WebAsset {
  std::string_view path;          // relative to web/, e.g. "index.html", "assets/app.js"
  std::string_view content_type;  // from the file's extension
  const char* data;
  size_t size;
  uint64_t hash;                  // FNV-1a of the bytes, for the ETag
};

// The file at `path` (relative to web/), or null. Names with ".." or a
// leading "/" never match.
const WebAsset* FindWebAsset(std::string_view path);

}  // namespace sturgeon::api
