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

Id PoolIdOrFail(Store& store, const std::string& code) { return OrFail(store.FindPool(code)).id; }
Id FarmIdOrFail(Store& store, const std::string& code) { return OrFail(store.FindFarm(code)).id; }

std::optional<Id> OptionalPool(Store& store, const std::string& code) {
  if (code.empty()) return std::nullopt;
  return PoolIdOrFail(store, code);
}

Timestamp TimeOrNow(const std::string& text) { return text.empty() ? Timestamp::Now() : OrFail(Timestamp::Parse(text)); }

RecordQuery BuildQuery(Store& store, const ListOptions& o) {
  RecordQuery q;
  if (!o.farm.empty()) q.farm_id = FarmIdOrFail(store, o.farm);
  if (!o.pool.empty()) q.pool_id = PoolIdOrFail(store, o.pool);
  if (!o.tag.empty()) q.fish_id = OrFail(store.FindFishByTag(o.tag)).id;
  if (!o.cohort.empty()) q.cohort_id = OrFail(store.FindCohort(o.cohort)).id;
  if (!o.from.empty()) q.from = OrFail(Date::Parse(o.from));
  if (!o.to.empty()) q.to = OrFail(Date::Parse(o.to));
  if (o.limit < 1) Fail(Status::InvalidArgument("--limit: must be at least 1"));
  q.limit = o.limit;
  q.after_id = o.after;
  return q;
}

// Adds the shared list options; `filters` picks which filters apply.
CLI::App* AddList(CLI::App* parent, const std::string& help, ListOptions& o, bool filters) {
  CLI::App* cmd = parent->add_subcommand("list", help);
  AddDbOption(cmd, &o.db);
  cmd->add_flag("--json", o.json, "Print a JSON array");
  if (filters) {
    cmd->add_option("--farm", o.farm, "Only this farm (code)");
    cmd->add_option("--pool", o.pool, "Only this pool (id such as ZJ-QZ1-P017)");
    cmd->add_option("--tag", o.tag, "Only this fish (PIT tag)");
    cmd->add_option("--cohort", o.cohort, "Only this cohort (code)");
    cmd->add_option("--from", o.from, "From this date (YYYY-MM-DD, inclusive)");
    cmd->add_option("--to", o.to, "To this date (YYYY-MM-DD, inclusive)");
    cmd->add_option("--limit", o.limit, "At most this many rows (default 1000)");
    cmd->add_option("--after", o.after, "Only rows with an id above this (paging cursor)");
  }
  return cmd;
}

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
