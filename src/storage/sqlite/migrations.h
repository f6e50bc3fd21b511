// The SQLite schema as an ordered list of migrations. The database's
// PRAGMA user_version records how many have been applied; Migrate() applies
// the rest, each in its own transaction. Migrations are append-only: never
// edit one that has shipped, add a new one.
#pragma once

#include "core/status.h"
#include "storage/sqlite/sqlite_db.h"

namespace sturgeon::sqlite {

// Number of migrations this build knows.
int SchemaVersion();

// Sets the connection pragmas every Sturgeon connection uses (WAL, foreign
// keys on, busy timeout, cache) and migrates the schema.
Status PrepareConnection(Connection& db);

// Brings `db` up to SchemaVersion(). FailedPrecondition if the database was
// written by a newer build.
Status Migrate(Connection& db);

}  // namespace sturgeon::sqlite
