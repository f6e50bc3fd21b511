#include "registry/csv_import.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "domain/validation.h"

namespace sturgeon {
namespace {

// After a bulk import this large, refresh the planner's statistics.
constexpr size_t kOptimizeAfterRows = 10000;

struct ColumnSpec {
  std::string_view name;
  bool required;
};

const std::vector<ColumnSpec>& Columns(ImportKind kind) {
  static const std::vector<ColumnSpec> kFish = {
      {"species", true},    {"pit_tag", false}, {"sex", false},      {"sex_method", false}, {"birth_date", false},
      {"dam_tag", false},   {"sire_tag", false}, {"cohort", false},  {"pool", false},       {"stocked_at", false}};
  static const std::vector<ColumnSpec> kStatus = {
      {"date", true},       {"pit_tag", false}, {"cohort", false},   {"pool", false},       {"weight_g", false},
      {"length_cm", false}, {"health", false},  {"feeding", false},  {"notes", false}};
  static const std::vector<ColumnSpec> kWater = {
      {"pool", true},          {"time", true},   {"temperature_c", false}, {"oxygen_mg_l", false},
      {"ph", false},           {"ammonia_mg_l", false}, {"nitrite_mg_l", false}};
  static const std::vector<ColumnSpec> kMoves = {
      {"time", true},      {"count", false}, {"pit_tag", false}, {"cohort", false},
      {"from_pool", false}, {"to_pool", false}, {"reason", false}};
  switch (kind) {
    case ImportKind::kFish: return kFish;
    case ImportKind::kStatus: return kStatus;
    case ImportKind::kWater: return kWater;
    case ImportKind::kMoves: return kMoves;
  }
  return kFish;
}

// Where a row came from, for error messages.
struct RowContext {
  const std::string* file;
  size_t line;
  Status Error(std::string_view column, std::string_view problem) const {
    return Status::InvalidArgument(fmt::format("{}:{}: column '{}': {}", *file, line, column, problem));
  }
  Status Wrap(std::string_view column, const Status& st) const {
    return Status(st).WithContext(fmt::format("{}:{}: column '{}'", *file, line, column));
  }
};

// One parsed CSV line, with named access to its fields.
class Row {
 public:
  Row(const std::vector<int>& index, const std::vector<std::string_view>& fields, RowContext ctx)
      : index_(index), fields_(fields), ctx_(ctx) {}

  // The field for column `c` (an index into the kind's column list), or "".
  std::string_view Get(size_t c) const {
    const int i = index_[c];
    return i < 0 ? std::string_view() : fields_[static_cast<size_t>(i)];
  }
  const RowContext& ctx() const { return ctx_; }

 private:
  const std::vector<int>& index_;
  const std::vector<std::string_view>& fields_;
  RowContext ctx_;
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Result<std::optional<double>> ParseOptionalNumber(const RowContext& ctx, std::string_view column, std::string_view text,
                                                  bool non_negative) {
  text = Trim(text);
  if (text.empty()) return std::optional<double>();
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(v)) {
    return ctx.Error(column, fmt::format("'{}' is not a number", text));
  }
  if (non_negative && v < 0) return ctx.Error(column, fmt::format("must not be negative, got {}", text));
  return std::optional<double>(v);
}

Result<int64_t> ParseCount(const RowContext& ctx, std::string_view column, std::string_view text) {
  text = Trim(text);
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return ctx.Error(column, fmt::format("'{}' is not a whole number", text));
  }
  if (v <= 0) return ctx.Error(column, fmt::format("must be at least 1, got {}", v));
  if (v > 100000000) return ctx.Error(column, fmt::format("{} is implausibly large", v));
  return v;
}

// Codes (pools, cohorts, species) resolved once per import.
class CodeIndex {
 public:
  void Add(std::string code, Id id) { ids_.emplace(std::move(code), id); }
  std::optional<Id> Find(std::string_view code) const {
    auto it = ids_.find(std::string(code));
    if (it == ids_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::unordered_map<std::string, Id> ids_;
};

struct Indexes {
  CodeIndex pools, cohorts, species;
};

Result<Indexes> LoadIndexes(Store& store) {
  Indexes idx;
  STURGEON_ASSIGN_OR_RETURN(auto pools, store.ListPools(std::nullopt));
  for (auto& p : pools) idx.pools.Add(p.code, p.id);
  STURGEON_ASSIGN_OR_RETURN(auto cohorts, store.ListCohorts());
  for (auto& c : cohorts) idx.cohorts.Add(c.code, c.id);
  STURGEON_ASSIGN_OR_RETURN(auto species, store.ListSpecies());
  for (auto& s : species) idx.species.Add(s.code, s.id);
  return idx;
}

Result<std::optional<Id>> LookupCode(const RowContext& ctx, std::string_view column, std::string_view text,
                                     const CodeIndex& index, std::string_view what) {
  text = Trim(text);
  if (text.empty()) return std::optional<Id>();
  auto id = index.Find(text);
  if (!id) return ctx.Error(column, fmt::format("unknown {} '{}'", what, text));
  return id;
}

// A PIT tag to resolve after parsing, with where it was written.
struct PendingTag {
  size_t row;
  size_t line;
  std::string_view tag;
};

Status CheckTag(const RowContext& ctx, std::string_view column, std::string_view tag) {
  Status st = ValidatePitTag(tag);
  return st.ok() ? st : ctx.Error(column, fmt::format("'{}' is not a 15-digit PIT tag", tag));
}

// Resolves every pending tag to a fish id; unknown tags are errors.
Status ResolvePending(Store& store, const std::string& file, std::string_view column,
                      const std::vector<PendingTag>& pending, std::vector<Id>* ids) {
  std::vector<std::string> distinct;
  {
    std::unordered_set<std::string_view> seen;
    for (const auto& p : pending) {
      if (seen.insert(p.tag).second) distinct.emplace_back(p.tag);
    }
  }
  STURGEON_ASSIGN_OR_RETURN(auto resolved, store.ResolveTags(distinct));
  ids->resize(pending.size());
  for (size_t i = 0; i < pending.size(); ++i) {
    auto it = resolved.find(std::string(pending[i].tag));
    if (it == resolved.end()) {
      return Status::InvalidArgument(
          fmt::format("{}:{}: column '{}': no fish with PIT tag '{}'", file, pending[i].line, column, pending[i].tag));
    }
    (*ids)[i] = it->second;
  }
  return Status::Ok();
}

// ---- Per-kind row parsers. Column indexes follow Columns(kind). ----

Status ParseFishRow(const Row& r, const Indexes& idx, NewFish* out) {
  const RowContext& ctx = r.ctx();
  enum { kSpecies, kTag, kSex, kSexMethod, kBirth, kDam, kSire, kCohort, kPool, kStockedAt };
  auto species = idx.species.Find(Trim(r.Get(kSpecies)));
  if (!species) return ctx.Error("species", fmt::format("unknown species '{}'", Trim(r.Get(kSpecies))));
  out->fish.species_id = *species;
  if (auto tag = Trim(r.Get(kTag)); !tag.empty()) {
    STURGEON_RETURN_IF_ERROR(CheckTag(ctx, "pit_tag", tag));
    out->fish.pit_tag = std::string(tag);
  }
  auto sex = ParseSex(Trim(r.Get(kSex)));
  if (!sex.ok()) return ctx.Wrap("sex", sex.status());
  out->fish.sex = *sex;
  auto method = ParseSexMethod(Trim(r.Get(kSexMethod)));
  if (!method.ok()) return ctx.Wrap("sex_method", method.status());
  out->fish.sex_method = *method;
  if (auto b = Trim(r.Get(kBirth)); !b.empty()) {
    auto d = Date::Parse(b);
    if (!d.ok()) return ctx.Wrap("birth_date", d.status());
    out->fish.birth_date = *d;
  }
  if (auto t = Trim(r.Get(kDam)); !t.empty()) {
    STURGEON_RETURN_IF_ERROR(CheckTag(ctx, "dam_tag", t));
    out->dam_tag = std::string(t);
  }
  if (auto t = Trim(r.Get(kSire)); !t.empty()) {
    STURGEON_RETURN_IF_ERROR(CheckTag(ctx, "sire_tag", t));
    out->sire_tag = std::string(t);
  }
  if (out->dam_tag && out->dam_tag == out->sire_tag) return ctx.Error("sire_tag", "dam and sire are the same fish");
  STURGEON_ASSIGN_OR_RETURN(out->fish.cohort_id, LookupCode(ctx, "cohort", r.Get(kCohort), idx.cohorts, "cohort"));
  STURGEON_ASSIGN_OR_RETURN(out->stock_pool_id, LookupCode(ctx, "pool", r.Get(kPool), idx.pools, "pool"));
  if (auto t = Trim(r.Get(kStockedAt)); !t.empty()) {
    auto ts = Timestamp::Parse(t);
    if (!ts.ok()) return ctx.Wrap("stocked_at", ts.status());
    out->stocked_at = *ts;
  } else {
    out->stocked_at = Timestamp::Now();
  }
  if (!out->stock_pool_id && !Trim(r.Get(kStockedAt)).empty()) {
    return ctx.Error("stocked_at", "is set but no pool is named");
  }
  return Status::Ok();
}

Status ParseStatusRow(const Row& r, const Indexes& idx, DailyStatus* out, std::string_view* tag) {
  const RowContext& ctx = r.ctx();
  enum { kDate, kTag, kCohort, kPool, kWeight, kLength, kHealth, kFeeding, kNotes };
  auto day = Date::Parse(Trim(r.Get(kDate)));
  if (!day.ok()) return ctx.Wrap("date", day.status());
  out->day = *day;
  *tag = Trim(r.Get(kTag));
  if (!tag->empty()) STURGEON_RETURN_IF_ERROR(CheckTag(ctx, "pit_tag", *tag));
  STURGEON_ASSIGN_OR_RETURN(out->cohort_id, LookupCode(ctx, "cohort", r.Get(kCohort), idx.cohorts, "cohort"));
  STURGEON_ASSIGN_OR_RETURN(out->pool_id, LookupCode(ctx, "pool", r.Get(kPool), idx.pools, "pool"));
  if (tag->empty() && !(out->cohort_id && out->pool_id)) {
    return ctx.Error("pit_tag", "a row names a fish by pit_tag, or a cohort and a pool");
  }
  STURGEON_ASSIGN_OR_RETURN(out->weight_g, ParseOptionalNumber(ctx, "weight_g", r.Get(kWeight), true));
  STURGEON_ASSIGN_OR_RETURN(out->length_cm, ParseOptionalNumber(ctx, "length_cm", r.Get(kLength), true));
  auto health = ParseHealth(Trim(r.Get(kHealth)));
  if (!health.ok()) return ctx.Wrap("health", health.status());
  out->health = *health;
  auto feeding = ParseFeedingResponse(Trim(r.Get(kFeeding)));
  if (!feeding.ok()) return ctx.Wrap("feeding", feeding.status());
  out->feeding = *feeding;
  out->notes = std::string(r.Get(kNotes));
  return Status::Ok();
}

Status ParseWaterRow(const Row& r, const Indexes& idx, WaterQuality* out) {
  const RowContext& ctx = r.ctx();
  enum { kPool, kTime, kTemp, kOxygen, kPh, kAmmonia, kNitrite };
  STURGEON_ASSIGN_OR_RETURN(auto pool, LookupCode(ctx, "pool", r.Get(kPool), idx.pools, "pool"));
  if (!pool) return ctx.Error("pool", "must not be empty");
  out->pool_id = *pool;
  auto at = Timestamp::Parse(Trim(r.Get(kTime)));
  if (!at.ok()) return ctx.Wrap("time", at.status());
  out->at = *at;
  STURGEON_ASSIGN_OR_RETURN(out->temperature_c, ParseOptionalNumber(ctx, "temperature_c", r.Get(kTemp), false));
  STURGEON_ASSIGN_OR_RETURN(out->oxygen_mg_l, ParseOptionalNumber(ctx, "oxygen_mg_l", r.Get(kOxygen), true));
  STURGEON_ASSIGN_OR_RETURN(out->ph, ParseOptionalNumber(ctx, "ph", r.Get(kPh), true));
  STURGEON_ASSIGN_OR_RETURN(out->ammonia_mg_l, ParseOptionalNumber(ctx, "ammonia_mg_l", r.Get(kAmmonia), true));
  STURGEON_ASSIGN_OR_RETURN(out->nitrite_mg_l, ParseOptionalNumber(ctx, "nitrite_mg_l", r.Get(kNitrite), true));
  Status valid = Validate(*out);
  if (!valid.ok()) return Status(valid).WithContext(fmt::format("{}:{}", *ctx.file, ctx.line));
  return Status::Ok();
}

Status ParseMoveRow(const Row& r, const Indexes& idx, Move* out, std::string_view* tag) {
  const RowContext& ctx = r.ctx();
  enum { kTime, kCount, kTag, kCohort, kFrom, kTo, kReason };
  auto at = Timestamp::Parse(Trim(r.Get(kTime)));
  if (!at.ok()) return ctx.Wrap("time", at.status());
  out->at = *at;
  *tag = Trim(r.Get(kTag));
  if (!tag->empty()) STURGEON_RETURN_IF_ERROR(CheckTag(ctx, "pit_tag", *tag));
  if (auto c = Trim(r.Get(kCount)); !c.empty()) {
    STURGEON_ASSIGN_OR_RETURN(int64_t count, ParseCount(ctx, "count", c));
    out->count = static_cast<int32_t>(count);
  } else if (!tag->empty()) {
    out->count = 1;
  } else {
    return ctx.Error("count", "a cohort move needs a count");
  }
  if (!tag->empty() && out->count != 1) {
    return ctx.Error("count", fmt::format("an individual fish's move has count 1, got {}", out->count));
  }
  STURGEON_ASSIGN_OR_RETURN(out->cohort_id, LookupCode(ctx, "cohort", r.Get(kCohort), idx.cohorts, "cohort"));
  if (tag->empty() && !out->cohort_id) return ctx.Error("pit_tag", "a move names a fish by pit_tag, or a cohort");
  STURGEON_ASSIGN_OR_RETURN(out->from_pool_id, LookupCode(ctx, "from_pool", r.Get(kFrom), idx.pools, "pool"));
  STURGEON_ASSIGN_OR_RETURN(out->to_pool_id, LookupCode(ctx, "to_pool", r.Get(kTo), idx.pools, "pool"));
  if (!out->from_pool_id && !out->to_pool_id) return ctx.Error("to_pool", "a move needs from_pool, to_pool or both");
  if (out->from_pool_id && out->from_pool_id == out->to_pool_id) {
    return ctx.Error("to_pool", "is the same pool as from_pool");
  }
  out->reason = std::string(r.Get(kReason));
  return Status::Ok();
}

// Maps header names to column indexes of the kind's spec.
Result<std::vector<int>> ReadHeader(ImportKind kind, CsvReader& reader, std::vector<std::string_view>* fields) {
  STURGEON_ASSIGN_OR_RETURN(bool has_header, reader.Next(fields));
  if (!has_header) return Status::InvalidArgument(fmt::format("{}: the file is empty; expected a header line", reader.name()));
  const auto& spec = Columns(kind);
  std::vector<int> index(spec.size(), -1);
  for (size_t i = 0; i < fields->size(); ++i) {
    const std::string_view name = Trim((*fields)[i]);
    auto it = std::find_if(spec.begin(), spec.end(), [&](const ColumnSpec& c) { return c.name == name; });
    if (it == spec.end()) {
      std::string valid;
      for (const auto& c : spec) valid += (valid.empty() ? "" : ", ") + std::string(c.name);
      return Status::InvalidArgument(fmt::format("{}:{}: column {}: unknown column '{}' (a {} file has: {})",
                                                 reader.name(), reader.line(), i + 1, name, ToString(kind), valid));
    }
    const size_t c = static_cast<size_t>(it - spec.begin());
    if (index[c] >= 0) {
      return Status::InvalidArgument(
          fmt::format("{}:{}: column {}: column '{}' appears twice", reader.name(), reader.line(), i + 1, name));
    }
    index[c] = static_cast<int>(i);
  }
  for (size_t c = 0; c < spec.size(); ++c) {
    if (spec[c].required && index[c] < 0) {
      return Status::InvalidArgument(
          fmt::format("{}:{}: missing required column '{}'", reader.name(), reader.line(), spec[c].name));
    }
  }
  return index;
}

}  // namespace

Result<ImportKind> ParseImportKind(std::string_view name) {
  if (name == "fish") return ImportKind::kFish;
  if (name == "status") return ImportKind::kStatus;
  if (name == "water") return ImportKind::kWater;
  if (name == "moves") return ImportKind::kMoves;
  return Status::InvalidArgument(fmt::format("unknown import kind '{}': expected fish, status, water or moves", name));
}

std::string_view ToString(ImportKind kind) {
  switch (kind) {
    case ImportKind::kFish: return "fish";
    case ImportKind::kStatus: return "status";
    case ImportKind::kWater: return "water";
    case ImportKind::kMoves: return "moves";
  }
  return "?";
}

std::vector<std::string> ImportColumns(ImportKind kind) {
  std::vector<std::string> out;
  for (const auto& c : Columns(kind)) out.emplace_back(c.name);
  return out;
}

Result<WriteBatch> ParseImport(Store& store, ImportKind kind, CsvReader& reader, const ImportProgress& progress) {
  std::vector<std::string_view> fields;
  STURGEON_ASSIGN_OR_RETURN(std::vector<int> index, ReadHeader(kind, reader, &fields));
  const size_t width = fields.size();
  STURGEON_ASSIGN_OR_RETURN(Indexes idx, LoadIndexes(store));

  WriteBatch batch;
  std::vector<PendingTag> tags;  // status and moves rows naming a fish
  // Fish files: tags seen so far (for duplicates and parents named earlier).
  std::unordered_map<std::string, size_t> tag_lines;
  size_t rows = 0;
  while (true) {
    STURGEON_ASSIGN_OR_RETURN(bool more, reader.Next(&fields));
    if (!more) break;
    ++rows;
    const RowContext ctx{&reader.name(), reader.line()};
    if (fields.size() != width) {
      return Status::InvalidArgument(fmt::format("{}:{}: expected {} columns as in the header, found {}",
                                                 reader.name(), reader.line(), width, fields.size()));
    }
    const Row row(index, fields, ctx);
    std::string_view tag;
    switch (kind) {
      case ImportKind::kFish: {
        NewFish nf;
        STURGEON_RETURN_IF_ERROR(ParseFishRow(row, idx, &nf));
        for (const auto* parent : {&nf.dam_tag, &nf.sire_tag}) {
          if (*parent && !tag_lines.count(**parent)) tags.push_back({batch.fish.size(), ctx.line, **parent});
        }
        if (nf.fish.pit_tag) {
          auto [it, inserted] = tag_lines.emplace(*nf.fish.pit_tag, ctx.line);
          if (!inserted) {
            return Status::AlreadyExists(fmt::format("{}:{}: column 'pit_tag': duplicate PIT tag '{}' (also on line {})",
                                                     reader.name(), ctx.line, *nf.fish.pit_tag, it->second));
          }
        }
        batch.fish.push_back(std::move(nf));
        break;
      }
      case ImportKind::kStatus: {
        DailyStatus s;
        STURGEON_RETURN_IF_ERROR(ParseStatusRow(row, idx, &s, &tag));
        if (!tag.empty()) tags.push_back({batch.statuses.size(), ctx.line, tag});
        batch.statuses.push_back(std::move(s));
        break;
      }
      case ImportKind::kWater: {
        WaterQuality w;
        STURGEON_RETURN_IF_ERROR(ParseWaterRow(row, idx, &w));
        batch.water.push_back(w);
        break;
      }
      case ImportKind::kMoves: {
        Move m;
        STURGEON_RETURN_IF_ERROR(ParseMoveRow(row, idx, &m, &tag));
        if (!tag.empty()) tags.push_back({batch.moves.size(), ctx.line, tag});
        batch.moves.push_back(std::move(m));
        break;
      }
    }
    if (progress && (rows & 0xffff) == 0) progress(reader.position(), reader.size());
  }
  if (progress) progress(reader.size(), reader.size());

  switch (kind) {
    case ImportKind::kFish: {
      // New tags must not be stored already; parents not in the file must be.
      std::vector<std::string> new_tags;
      for (const auto& [t, line] : tag_lines) new_tags.push_back(t);
      STURGEON_ASSIGN_OR_RETURN(auto existing, store.ResolveTags(new_tags));
      if (!existing.empty()) {
        // Report the earliest offending line.
        size_t worst_line = SIZE_MAX;
        std::string worst_tag;
        for (const auto& [t, id] : existing) {
          if (tag_lines[t] < worst_line) { worst_line = tag_lines[t]; worst_tag = t; }
        }
        return Status::AlreadyExists(fmt::format("{}:{}: column 'pit_tag': PIT tag '{}' is already in use",
                                                 reader.name(), worst_line, worst_tag));
      }
      std::vector<Id> ids;
      STURGEON_RETURN_IF_ERROR(ResolvePending(store, reader.name(), "dam_tag/sire_tag", tags, &ids));
      break;
    }
    case ImportKind::kStatus: {
      std::vector<Id> ids;
      STURGEON_RETURN_IF_ERROR(ResolvePending(store, reader.name(), "pit_tag", tags, &ids));
      for (size_t i = 0; i < tags.size(); ++i) batch.statuses[tags[i].row].fish_id = ids[i];
      // Reject two rows for the same fish (or cohort in pool) on the same day.
      std::vector<size_t> order(batch.statuses.size());
      for (size_t i = 0; i < order.size(); ++i) order[i] = i;
      auto key = [&](size_t i) {
        const DailyStatus& s = batch.statuses[i];
        return std::tuple(s.fish_id.value_or(0), s.fish_id ? 0 : s.cohort_id.value_or(0),
                          s.fish_id ? 0 : s.pool_id.value_or(0), s.day.days);
      };
      std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key(a) < key(b); });
      for (size_t i = 1; i < order.size(); ++i) {
        if (key(order[i]) == key(order[i - 1])) {
          return Status::AlreadyExists(fmt::format("{}: two status rows for the same fish or cohort on {}",
                                                   reader.name(), batch.statuses[order[i]].day.ToString()));
        }
      }
      // Insert in index order: B-tree inserts then append instead of scatter.
      std::vector<DailyStatus> sorted;
      sorted.reserve(order.size());
      for (size_t i : order) sorted.push_back(std::move(batch.statuses[i]));
      batch.statuses = std::move(sorted);
      break;
    }
    case ImportKind::kMoves: {
      std::vector<Id> ids;
      STURGEON_RETURN_IF_ERROR(ResolvePending(store, reader.name(), "pit_tag", tags, &ids));
      for (size_t i = 0; i < tags.size(); ++i) batch.moves[tags[i].row].fish_id = ids[i];
      break;
    }
    case ImportKind::kWater:
      break;
  }
  return batch;
}

Result<size_t> ImportCsvFile(Store& store, ImportKind kind, const std::string& path, const ImportProgress& progress) {
  STURGEON_ASSIGN_OR_RETURN(CsvReader reader, CsvReader::Open(path));
  STURGEON_ASSIGN_OR_RETURN(WriteBatch batch, ParseImport(store, kind, reader, progress));
  const size_t rows = batch.size();
  Status st = store.Write(batch);
  if (!st.ok()) return st.WithContext(path);
  if (rows >= kOptimizeAfterRows) STURGEON_RETURN_IF_ERROR(store.Optimize());
  return rows;
}

}  // namespace sturgeon
