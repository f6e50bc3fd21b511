// POST /api/status/bulk: daily status rows as CSV (text/csv, the columns of
// `sturgeon import status`) or NDJSON (application/x-ndjson, one object per
// line with the same names as keys). All-or-nothing: every row is parsed and
// checked, then all are written in one transaction with one audit entry.
#include <regex>
#include <unordered_map>

#include <fmt/format.h>
#include <sodium.h>

#include "api/handlers.h"
#include "api/problem.h"
#include "api/service.h"
#include "core/csv.h"
#include "registry/csv_import.h"

namespace sturgeon::api {
namespace {

// After a bulk load this large, refresh the planner's statistics.
constexpr size_t kOptimizeAfterRows = 10000;
// A reply lists at most this many row errors.
constexpr size_t kMaxReportedErrors = 100;
constexpr std::string_view kBodyName = "body";

struct RowError {
  size_t line;
  std::string field;
  std::string detail;
};

Reply RowErrorsReply(const RequestContext& c, int http_status, const std::string& detail,
                     const std::vector<RowError>& errors) {
  nlohmann::json j = nlohmann::json::parse(ProblemJson(http_status, detail, std::string(c.path())));
  if (!errors.empty() && !errors.front().field.empty()) j["field"] = errors.front().field;
  j["errors"] = nlohmann::json::array();
  for (const RowError& e : errors) {
    j["errors"].push_back({{"line", e.line}, {"field", e.field}, {"detail", e.detail}});
  }
  return Reply{http_status, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), kProblemContentType};
}

// Turns ParseImport's "body:LINE: column 'NAME': problem" into a row error,
// mapping the CSV line through `line_map` (index: CSV line) when given.
Reply ImportErrorReply(const RequestContext& c, const Status& st, const std::vector<size_t>* line_map) {
  static const std::regex kWhere(R"(^body:(\d+):(?: column '([^']+)':)? ?(.*)$)");
  std::smatch m;
  const std::string& msg = st.message();
  const int http_status = HttpStatusOf(st.code());
  if (!std::regex_match(msg, m, kWhere)) return RowErrorsReply(c, http_status, msg, {});
  size_t line = std::stoul(m[1].str());
  if (line_map && line < line_map->size()) line = (*line_map)[line];
  const std::string field = m[2].str();
  const std::string detail = fmt::format("line {}: {}{}", line, field.empty() ? "" : field + ": ", m[3].str());
  return RowErrorsReply(c, http_status, detail, {RowError{line, field, m[3].str()}});
}

std::string CsvQuote(std::string_view v) {
  std::string out = "\"";
  for (char ch : v) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
  return out;
}

// Converts NDJSON to CSV text with a header line, recording for each CSV
// line the NDJSON line it came from. Shape errors are collected per row.
std::string NdjsonToCsv(const std::string& body, std::vector<size_t>* line_map, std::vector<RowError>* errors) {
  const std::vector<std::string> columns = ImportColumns(ImportKind::kStatus);
  std::string csv;
  for (size_t i = 0; i < columns.size(); ++i) csv += (i ? "," : "") + columns[i];
  csv += '\n';
  line_map->assign(2, 0);
  size_t pos = 0, line = 0;
  std::vector<std::string> fields(columns.size());
  while (pos < body.size()) {
    const size_t end = std::min(body.find('\n', pos), body.size());
    std::string_view text(body.data() + pos, end - pos);
    pos = end + 1;
    ++line;
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (text.find_first_not_of(" \t") == std::string_view::npos) continue;
    nlohmann::json row = nlohmann::json::parse(text, nullptr, false);
    auto fail = [&](std::string field, std::string detail) {
      if (errors->size() < kMaxReportedErrors) errors->push_back(RowError{line, std::move(field), std::move(detail)});
    };
    if (row.is_discarded() || !row.is_object()) {
      fail("", "expected one JSON object per line");
      continue;
    }
    std::fill(fields.begin(), fields.end(), std::string());
    bool ok = true;
    for (const auto& [key, value] : row.items()) {
      auto it = std::find(columns.begin(), columns.end(), key);
      if (it == columns.end()) {
        fail(key, "unknown field");
        ok = false;
        continue;
      }
      std::string& field = fields[static_cast<size_t>(it - columns.begin())];
      if (value.is_string()) {
        field = value.get<std::string>();
      } else if (value.is_number()) {
        field = value.dump();
      } else if (!value.is_null()) {
        fail(key, "must be a string, a number or null");
        ok = false;
      }
    }
    if (!ok) continue;
    for (size_t i = 0; i < fields.size(); ++i) csv += (i ? "," : "") + CsvQuote(fields[i]);
    csv += '\n';
    line_map->push_back(line);
  }
  return csv;
}

// Checks that the user may write daily records at the farm of every row.
Status RequireWriteAll(RequestContext& c, const std::vector<DailyStatus>& rows) {
  const Principal& p = c.principal();
  if (p.IsAdmin()) return Status::Ok();
  Store& store = c.store();
  STURGEON_ASSIGN_OR_RETURN(std::vector<Pool> pools, store.ListPools(std::nullopt));
  std::unordered_map<Id, Id> farm_of_pool;
  for (const Pool& pool : pools) farm_of_pool[pool.id] = pool.farm_id;
  std::unordered_map<Id, std::optional<Id>> pool_of_fish;
  for (const DailyStatus& s : rows) {
    std::optional<Id> pool = s.pool_id;
    if (!pool && s.fish_id) {
      auto it = pool_of_fish.find(*s.fish_id);
      if (it == pool_of_fish.end()) {
        STURGEON_ASSIGN_OR_RETURN(std::optional<Id> current, store.CurrentPoolOfFish(*s.fish_id));
        it = pool_of_fish.emplace(*s.fish_id, current).first;
      }
      pool = it->second;
    }
    if (!pool) {
      return Status::PermissionDenied(fmt::format("a row names fish {}, which is in no pool of user '{}'",
                                                  s.fish_id.value_or(0), p.name()));
    }
    const Id farm = farm_of_pool[*pool];
    if (!p.Can(Action::kWriteDaily, farm)) {
      return p.Require(Action::kWriteDaily, farm, FarmLabel(store, farm));
    }
  }
  return Status::Ok();
}

std::string BodyHash(const std::string& body) {
  unsigned char hash[crypto_generichash_BYTES];
  crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(body.data()), body.size(), nullptr, 0);
  char hex[sizeof hash * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return hex;
}

}  // namespace

Result<Reply> BulkStatus(RequestContext& c) {
  const std::string type = c.ContentType();
  const std::string& body = c.request().body();
  std::vector<size_t> line_map;
  std::string csv;
  const bool ndjson = type == "application/x-ndjson" || type == "application/ndjson";
  if (ndjson) {
    std::vector<RowError> errors;
    csv = NdjsonToCsv(body, &line_map, &errors);
    if (!errors.empty()) {
      return RowErrorsReply(c, 400, fmt::format("{} row(s) are malformed; nothing was written", errors.size()),
                            errors);
    }
  } else if (type != "text/csv") {
    return Reply{415, ProblemJson(415, "send text/csv or application/x-ndjson", std::string(c.path())),
                 kProblemContentType};
  }
  CsvReader reader = CsvReader::FromString(ndjson ? std::move(csv) : body, std::string(kBodyName));
  auto parsed = ParseImport(c.store(), ImportKind::kStatus, reader);
  if (!parsed.ok()) return ImportErrorReply(c, parsed.status(), ndjson ? &line_map : nullptr);
  WriteBatch batch = std::move(parsed).value();
  const size_t rows = batch.statuses.size();
  STURGEON_RETURN_IF_ERROR(RequireWriteAll(c, batch.statuses));
  AuditEntry entry{.action = "bulk_create", .resource = "daily_status"};
  entry.resource_key = fmt::format("{} rows", rows);
  if (Status st = AuditedWrite(c, entry, [&](AuditEntry&) -> Result<nlohmann::json> {
        STURGEON_RETURN_IF_ERROR(c.store().Write(batch));
        return nlohmann::json{{"rows", rows}, {"format", ndjson ? "ndjson" : "csv"}, {"body_blake2b", BodyHash(body)}};
      });
      !st.ok()) {
    if (HttpStatusOf(st.code()) >= 500) return st;
    return ImportErrorReply(c, st, nullptr);
  }
  if (rows >= kOptimizeAfterRows) STURGEON_RETURN_IF_ERROR(c.store().Optimize());
  return JsonReply(201, {{"rows", rows}});
}

}  // namespace sturgeon::api
