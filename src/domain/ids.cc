#include "domain/ids.h"

#include <charconv>

namespace sturgeon {

std::optional<Id> ParseId(std::string_view text) {
  if (text.empty() || text.front() < '1' || text.front() > '9') return std::nullopt;
  Id id = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return id;
}

}  // namespace sturgeon
