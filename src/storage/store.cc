#include "storage/store.h"

#include <fmt/format.h>

#include "storage/sqlite/sqlite_store.h"

namespace sturgeon {

Result<std::unique_ptr<Store>> OpenStore(const std::string& url) {
  constexpr std::string_view kSqliteScheme = "sqlite:";
  if (url.empty()) return Status::InvalidArgument("database: empty path");
  if (url.rfind(kSqliteScheme, 0) == 0) return OpenSqliteStore(url.substr(kSqliteScheme.size()));
  if (url.rfind("postgres://", 0) == 0 || url.rfind("postgresql://", 0) == 0) {
    return Status::InvalidArgument(
        fmt::format("database '{}': the PostgreSQL backend is not built into this version", url));
  }
  return OpenSqliteStore(url);
}

}  // namespace sturgeon
