// CSV imports into the registry: fish, daily status, water quality, moves.
//
// The first line names the columns (any order; see README.md for each
// file's columns). The whole file is parsed and checked before anything is
// written, then written in one atomic batch: a bad row aborts the import
// with an InvalidArgument (or AlreadyExists for a duplicate PIT tag) Status
// of the form "FILE:LINE: column 'NAME': problem", and the store is left
// exactly as it was.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/csv.h"
#include "core/status.h"
#include "storage/store.h"

namespace sturgeon {

enum class ImportKind { kFish, kStatus, kWater, kMoves };

// "fish", "status", "water" or "moves".
Result<ImportKind> ParseImportKind(std::string_view name);
std::string_view ToString(ImportKind kind);

// The columns a file of `kind` may hold, required ones first.
std::vector<std::string> ImportColumns(ImportKind kind);

// Called with (bytes parsed, total bytes) while parsing.
using ImportProgress = std::function<void(size_t done, size_t total)>;

// Parses and checks every row, resolving codes and tags against `store`.
Result<WriteBatch> ParseImport(Store& store, ImportKind kind, CsvReader& reader,
                               const ImportProgress& progress = nullptr);

// Parses `path` and writes it atomically. Returns the number of rows written.
Result<size_t> ImportCsvFile(Store& store, ImportKind kind, const std::string& path,
                             const ImportProgress& progress = nullptr);

}  // namespace sturgeon
