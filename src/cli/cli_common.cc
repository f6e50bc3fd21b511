#include "cli/cli_common.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace sturgeon::cli {

void Fail(const Status& status) {
  std::fprintf(stderr, "sturgeon: error: %s\n", status.message().c_str());
  throw CommandExit{1};
}

std::string DefaultDbPath() {
  const char* env = std::getenv("STURGEON_DB");
  return env && *env ? env : "./sturgeon.db";
}

void AddDbOption(CLI::App* cmd, std::string* db) {
  *db = DefaultDbPath();
  cmd->add_option("--db", *db, "Database file (default: $STURGEON_DB or ./sturgeon.db)");
}

std::unique_ptr<Store> OpenStoreOrFail(const std::string& db) { return OrFail(OpenStore(db)); }

void PrintJson(const nlohmann::json& value) {
  std::cout << value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

void PrintTable(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(header.size());
  for (size_t c = 0; c < header.size(); ++c) width[c] = header[c].size();
  for (const auto& r : rows) {
    for (size_t c = 0; c < r.size() && c < width.size(); ++c) width[c] = std::max(width[c], r[c].size());
  }
  auto print_row = [&](const std::vector<std::string>& r) {
    std::string line;
    for (size_t c = 0; c < r.size(); ++c) {
      line += r[c];
      if (c + 1 < r.size()) line += std::string(width[c] - r[c].size() + 2, ' ');
    }
    std::cout << line << "\n";
  };
  print_row(header);
  for (const auto& r : rows) print_row(r);
}

}  // namespace sturgeon::cli
