// The SQLite TraceStore over a borrowed connection, private to the SQLite
// backend: SqliteStore::Trace() hands it out so that trace writes join the
// store's transactions (and so the audit entry of each API write).
#pragma once

#include <memory>

#include "storage/sqlite/sqlite_db.h"
#include "storage/trace_store.h"

namespace sturgeon {

// `db` must be migrated already and must outlive the returned store.
std::unique_ptr<TraceStore> NewSqliteTraceStore(sqlite::Connection* db);

}  // namespace sturgeon
