// Reading record ids from text (URLs, files, command lines).
#pragma once

#include <optional>
#include <string_view>

#include "domain/model.h"

namespace sturgeon {

// `text` as a stored id when it is one written canonically: decimal digits
// only, no sign, no leading zero, above 0, within int64. Anything else
// ("1e1", "012", " 7", "-3") is nullopt, so that an id read from a URL or a
// file names exactly one record (SQLite would read '1e1' as 10).
std::optional<Id> ParseId(std::string_view text);

}  // namespace sturgeon
