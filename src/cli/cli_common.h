// Helpers shared by the `sturgeon` command groups: the --db option, error
// exits, JSON and table output.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "core/status.h"
#include "storage/store.h"

namespace sturgeon::cli {

// Thrown by a command to end the program with `code`; main() catches it.
struct CommandExit {
  int code;
};

// Prints "sturgeon: error: MESSAGE" on stderr and exits with status 1.
[[noreturn]] void Fail(const Status& status);

// Returns the value or fails the command with its status.
template <typename T>
T OrFail(Result<T> r) {
  if (!r.ok()) Fail(r.status());
  return std::move(r).value();
}
inline void OrFail(const Status& st) {
  if (!st.ok()) Fail(st);
}

// $STURGEON_DB if set, else ./sturgeon.db.
std::string DefaultDbPath();
// Adds --db PATH (defaulting to DefaultDbPath()) to `cmd`.
void AddDbOption(CLI::App* cmd, std::string* db);
// Opens the store or fails the command.
std::unique_ptr<Store> OpenStoreOrFail(const std::string& db);

// Looks up a pool or farm by code, or fails the command (NotFound).
Id PoolIdOrFail(Store& store, const std::string& code);
Id FarmIdOrFail(Store& store, const std::string& code);
// "" means no pool.
std::optional<Id> OptionalPool(Store& store, const std::string& code);
// "" means now; otherwise a timestamp (see Timestamp::Parse).
Timestamp TimeOrNow(const std::string& text);

// Options shared by every `... list` command.
struct ListOptions {
  std::string db;
  bool json = false;
  std::string farm, pool, tag, cohort, from, to;
  int limit = 1000;
  int64_t after = 0;
};

// The store query for `o`, resolving codes (fails the command on unknown ones).
RecordQuery BuildQuery(Store& store, const ListOptions& o);

// Adds a `list` subcommand with --db and --json, and with `filters` the
// --farm/--pool/--tag/--cohort/--from/--to/--limit/--after filters.
CLI::App* AddList(CLI::App* parent, const std::string& help, ListOptions& o, bool filters);

void PrintJson(const nlohmann::json& value);
// Prints rows under a header as aligned columns.
void PrintTable(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);

}  // namespace sturgeon::cli
