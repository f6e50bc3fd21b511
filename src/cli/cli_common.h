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

void PrintJson(const nlohmann::json& value);
// Prints rows under a header as aligned columns.
void PrintTable(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows);

}  // namespace sturgeon::cli
