// The embedded SQLite backend of Store: one database file, WAL mode, foreign
// keys enforced, schema migrated at open. See storage/store.h for contracts.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "storage/store.h"

namespace sturgeon {

// Opens or creates the database at `path` and migrates it.
Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path);

}  // namespace sturgeon
