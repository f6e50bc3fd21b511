#include "trace/trace_model.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "core/csv.h"

namespace sturgeon::trace {
namespace {

constexpr std::array<std::string_view, 6> kColours = {"golden", "amber", "light_grey", "grey", "dark_grey", "black"};
constexpr std::array<std::string_view, 4> kSteps = {"screening", "rinsing", "salting", "tinning"};
constexpr double kMaxGrainDiameterMm = 10.0;
constexpr int kMinFirmness = 1;
constexpr int kMaxFirmness = 5;
constexpr int kMinYear = 1900;
constexpr int kMaxYear = 2100;
constexpr size_t kMaxCodeLength = 20;
constexpr double kSecondsPerMinute = 60.0;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsSpeciesCode(std::string_view s) {
  return s.size() == 3 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

// Plant and lot codes: letters, digits and '-', 1..20 characters.
bool IsCode(std::string_view s) {
  return !s.empty() && s.size() <= kMaxCodeLength &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; });
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return out;
}

}  // namespace

Result<int> ParseColourRank(std::string_view colour) {
  std::string c = Lower(colour);
  std::replace(c.begin(), c.end(), '-', '_');
  for (size_t i = 0; i < kColours.size(); ++i) {
    if (kColours[i] == c) return static_cast<int>(i);
  }
  return Status::InvalidArgument(fmt::format(
      "colour '{}': expected one of golden, amber, light_grey, grey, dark_grey, black", colour));
}

std::string_view ColourName(int rank) {
  if (rank < 0 || rank >= static_cast<int>(kColours.size())) return "unknown";
  return kColours[static_cast<size_t>(rank)];
}

std::string_view ToString(StepKind kind) { return kSteps[static_cast<size_t>(kind)]; }

Result<StepKind> ParseStepKind(std::string_view text) {
  const std::string t = Lower(text);
  for (size_t i = 0; i < kSteps.size(); ++i) {
    if (kSteps[i] == t) return static_cast<StepKind>(i);
  }
  return Status::InvalidArgument(fmt::format("step '{}': expected screening, rinsing, salting or tinning", text));
}

GradingScale DefaultGradingScale() {
  GradingScale s;
  s.grades = {
      {"imperial", 3.0, 2, 4, 0.95},  // large, light (up to light grey), firm, near-whole
      {"royal", 2.7, 3, 3, 0.90},
      {"classic", 2.3, 5, 2, 0.80},
  };
  return s;
}

Result<ProductSpec> FindProduct(std::string_view name) {
  ProductSpec p;
  p.scale = DefaultGradingScale();
  if (name == "malossol") return p;
  if (name == "malossol-strict") {
    p.name = "malossol-strict";
    p.reject_salt_outside = true;
    return p;
  }
  return Status::NotFound(fmt::format("no product '{}' (known: malossol, malossol-strict)", name));
}

Status ValidateProduct(const ProductSpec& p) {
  constexpr size_t kMaxNameLength = 40;
  constexpr int kMaxMinutes = 24 * 60;
  const bool name_ok = !p.name.empty() && p.name.size() <= kMaxNameLength &&
                       std::all_of(p.name.begin(), p.name.end(), [](char c) {
                         return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
                       });
  if (!name_ok) return Status::InvalidArgument(fmt::format("name: '{}': expected 1-40 letters, digits, '-' or '_'", p.name));
  if (!(p.min_salt_percent >= 0 && p.min_salt_percent <= p.max_salt_percent && p.max_salt_percent <= 100)) {
    return Status::InvalidArgument(fmt::format("min_salt_percent: {}-{}%: expected 0 <= min <= max <= 100",
                                               p.min_salt_percent, p.max_salt_percent));
  }
  if (p.max_extraction_to_seal_minutes < 1 || p.max_extraction_to_seal_minutes > kMaxMinutes) {
    return Status::InvalidArgument(
        fmt::format("max_extraction_to_seal_minutes: {}: expected 1..1440", p.max_extraction_to_seal_minutes));
  }
  if (!(std::isfinite(p.min_celsius) && std::isfinite(p.max_celsius) && p.min_celsius < p.max_celsius)) {
    return Status::InvalidArgument(
        fmt::format("min_celsius: {} .. {} C: expected min below max", p.min_celsius, p.max_celsius));
  }
  if (!(p.freeze_celsius <= p.min_celsius)) {
    return Status::InvalidArgument(fmt::format("freeze_celsius: {} C: expected at most min_celsius {} C",
                                               p.freeze_celsius, p.min_celsius));
  }
  if (p.warm_excursion_minutes < 0 || p.warm_excursion_minutes > kMaxMinutes) {
    return Status::InvalidArgument(fmt::format("warm_excursion_minutes: {}: expected 0..1440", p.warm_excursion_minutes));
  }
  const GradingScale& s = p.scale;
  if (!(s.pressed_broken_share >= 0 && s.pressed_broken_share <= 1)) {
    return Status::InvalidArgument(fmt::format("pressed_broken_share: {}: expected 0..1", s.pressed_broken_share));
  }
  if (s.pressed_grade.empty() || s.fallback_grade.empty() || s.pressed_grade == s.fallback_grade) {
    return Status::InvalidArgument("pressed_grade: the pressed and fallback grades must be distinct, non-empty names");
  }
  for (size_t i = 0; i < s.grades.size(); ++i) {
    const GradeRule& g = s.grades[i];
    const std::string where = fmt::format("grades[{}]", i);
    if (g.name.empty() || g.name == s.pressed_grade || g.name == s.fallback_grade) {
      return Status::InvalidArgument(
          fmt::format("{}: name: '{}': must be non-empty and not the pressed or fallback grade", where, g.name));
    }
    for (size_t j = 0; j < i; ++j) {
      if (s.grades[j].name == g.name) {
        return Status::InvalidArgument(fmt::format("{}: name: '{}' appears twice", where, g.name));
      }
    }
    if (!(g.min_diameter_mm >= 0 && g.min_diameter_mm <= kMaxGrainDiameterMm)) {
      return Status::InvalidArgument(fmt::format("{}: min_diameter_mm: {}: expected 0..10", where, g.min_diameter_mm));
    }
    if (g.max_colour_rank < 0 || g.max_colour_rank >= static_cast<int>(kColours.size())) {
      return Status::InvalidArgument(fmt::format("{}: max_colour: rank {}: expected 0..5", where, g.max_colour_rank));
    }
    if (g.min_firmness < kMinFirmness || g.min_firmness > kMaxFirmness) {
      return Status::InvalidArgument(fmt::format("{}: min_firmness: {}: expected 1..5", where, g.min_firmness));
    }
    if (!(g.min_intact_share >= 0 && g.min_intact_share <= 1)) {
      return Status::InvalidArgument(fmt::format("{}: min_intact_share: {}: expected 0..1", where, g.min_intact_share));
    }
  }
  return Status::Ok();
}

Result<bool> CheckSalt(const ProductSpec& product, double salt_percent) {
  if (!(salt_percent >= 0 && salt_percent <= 100)) {
    return Status::InvalidArgument(fmt::format("salt {}%: must be between 0 and 100", salt_percent));
  }
  if (salt_percent >= product.min_salt_percent && salt_percent <= product.max_salt_percent) return false;
  if (product.reject_salt_outside) {
    return Status::FailedPrecondition(fmt::format("salt {}% is outside {}'s {}-{}%", salt_percent, product.name,
                                                  product.min_salt_percent, product.max_salt_percent));
  }
  return true;
}

SealCheck CheckSealTime(const ProductSpec& product, Timestamp earliest_extraction, Timestamp sealed_at) {
  SealCheck c;
  c.minutes = static_cast<double>(sealed_at.seconds - earliest_extraction.seconds) / kSecondsPerMinute;
  c.breach = c.minutes > product.max_extraction_to_seal_minutes;
  return c;
}

Status ValidateNextStep(const std::vector<ProcessingStep>& done, const ProcessingStep& next,
                        Timestamp earliest_extraction) {
  const size_t expected = done.size();
  if (expected >= kSteps.size()) return Status::FailedPrecondition("the batch is already tinned");
  if (static_cast<size_t>(next.kind) != expected) {
    return Status::FailedPrecondition(
        fmt::format("step {}: the next step is {}", ToString(next.kind), kSteps[expected]));
  }
  const Timestamp after = done.empty() ? earliest_extraction : done.back().at;
  if (next.at < after) {
    return Status::InvalidArgument(fmt::format("step {} at {}: before the previous {} at {}", ToString(next.kind),
                                               next.at.ToString(), done.empty() ? "extraction" : "step",
                                               after.ToString()));
  }
  if (next.kind == StepKind::kSalting && !next.salt_percent) {
    return Status::InvalidArgument("step salting: needs a salt %");
  }
  if (next.kind != StepKind::kSalting && next.salt_percent) {
    return Status::InvalidArgument(fmt::format("step {}: only salting takes a salt %", ToString(next.kind)));
  }
  return Status::Ok();
}

Result<std::string> Grade(const GradingScale& scale, const GradingSample& sample) {
  if (!(sample.grain_diameter_mm > 0 && sample.grain_diameter_mm <= kMaxGrainDiameterMm)) {
    return Status::InvalidArgument(
        fmt::format("grain diameter {} mm: must be above 0 and at most {}", sample.grain_diameter_mm, kMaxGrainDiameterMm));
  }
  STURGEON_ASSIGN_OR_RETURN(int colour, ParseColourRank(sample.colour));
  if (sample.firmness < kMinFirmness || sample.firmness > kMaxFirmness) {
    return Status::InvalidArgument(fmt::format("firmness {}: must be 1..5", sample.firmness));
  }
  if (!(sample.intact_share >= 0 && sample.intact_share <= 1)) {
    return Status::InvalidArgument(fmt::format("intact share {}: must be 0..1", sample.intact_share));
  }
  if (1.0 - sample.intact_share > scale.pressed_broken_share) return scale.pressed_grade;
  for (const GradeRule& r : scale.grades) {
    if (sample.grain_diameter_mm >= r.min_diameter_mm && colour <= r.max_colour_rank &&
        sample.firmness >= r.min_firmness && sample.intact_share >= r.min_intact_share) {
      return r.name;
    }
  }
  return scale.fallback_grade;
}

std::string CitesLabel::ToString() const {
  return fmt::format("{}/{}/{}/{}/{}/{}", species, source, country, year, plant, lot);
}

Status ValidateLabel(const CitesLabel& l) {
  const auto parts = Split(l.species, ' ');
  const bool hybrid = parts.size() == 3 && parts[1] == "x" && IsSpeciesCode(parts[0]) && IsSpeciesCode(parts[2]);
  if (!IsSpeciesCode(l.species) && !hybrid) {
    return Status::InvalidArgument(
        fmt::format("species '{}': expected a 3-letter CITES code or 'MALE x FEMALE' (e.g. 'DAU x SCH')", l.species));
  }
  if (l.source != 'W' && l.source != 'C') {
    return Status::InvalidArgument(fmt::format("source '{}': expected W (wild) or C (captive-bred)", l.source));
  }
  if (l.country.size() != 2 || !std::isupper(static_cast<unsigned char>(l.country[0])) ||
      !std::isupper(static_cast<unsigned char>(l.country[1]))) {
    return Status::InvalidArgument(fmt::format("country '{}': expected an ISO 3166 two-letter code", l.country));
  }
  if (l.year < kMinYear || l.year > kMaxYear) {
    return Status::InvalidArgument(fmt::format("year {}: expected a four-digit harvest year", l.year));
  }
  if (!IsCode(l.plant)) {
    return Status::InvalidArgument(fmt::format("plant '{}': expected 1-20 letters, digits or '-'", l.plant));
  }
  if (!IsCode(l.lot)) {
    return Status::InvalidArgument(fmt::format("lot '{}': expected 1-20 letters, digits or '-'", l.lot));
  }
  return Status::Ok();
}

Result<CitesLabel> ParseLabel(std::string_view text) {
  const auto fields = Split(text, '/');
  auto bad = [&](const Status& why) {
    return Status::InvalidArgument(fmt::format("label '{}': {}", text, why.message()));
  };
  if (fields.size() != 6) {
    return bad(Status::InvalidArgument(
        fmt::format("expected 6 fields SPECIES/SOURCE/COUNTRY/YEAR/PLANT/LOT, found {}", fields.size())));
  }
  CitesLabel l;
  l.species = std::string(fields[0]);
  if (fields[1].size() != 1) return bad(Status::InvalidArgument(fmt::format("source '{}': expected W or C", fields[1])));
  l.source = fields[1][0];
  l.country = std::string(fields[2]);
  const std::string_view y = fields[3];
  auto [p, ec] = std::from_chars(y.data(), y.data() + y.size(), l.year);
  if (y.size() != 4 || ec != std::errc() || p != y.data() + y.size()) {
    return bad(Status::InvalidArgument(fmt::format("year '{}': expected four digits", y)));
  }
  l.plant = std::string(fields[4]);
  l.lot = std::string(fields[5]);
  Status st = ValidateLabel(l);
  if (!st.ok()) return bad(st);
  return l;
}

std::string_view ToString(ExcursionKind kind) { return kind == ExcursionKind::kWarm ? "warm" : "freezing"; }

std::vector<Excursion> DetectExcursions(const ProductSpec& product, std::vector<TemperatureReading> readings) {
  std::stable_sort(readings.begin(), readings.end(),
                   [](const TemperatureReading& a, const TemperatureReading& b) { return a.at < b.at; });
  std::vector<Excursion> out;
  const int64_t warm_limit_s = int64_t{product.warm_excursion_minutes} * 60;
  // Scans runs of readings for which `outside` holds; `keep` decides whether
  // a finished run is an excursion.
  auto scan = [&](ExcursionKind kind, auto outside, auto keep) {
    std::optional<Excursion> run;
    auto finish = [&](Timestamp end) {
      run->end = end;
      run->duration_s = end.seconds - run->start.seconds;
      if (keep(*run)) out.push_back(*run);
      run.reset();
    };
    for (const TemperatureReading& r : readings) {
      if (outside(r.celsius)) {
        if (!run) run = Excursion{kind, r.at, r.at, 0, r.celsius};
        run->extreme_celsius = kind == ExcursionKind::kWarm ? std::max(run->extreme_celsius, r.celsius)
                                                            : std::min(run->extreme_celsius, r.celsius);
      } else if (run) {
        finish(r.at);
      }
    }
    if (run) finish(readings.back().at);
  };
  scan(ExcursionKind::kWarm, [&](double c) { return c > product.max_celsius; },
       [&](const Excursion& e) { return e.duration_s > warm_limit_s; });
  scan(ExcursionKind::kFreezing, [&](double c) { return c < product.min_celsius; },
       [&](const Excursion& e) { return e.extreme_celsius < product.freeze_celsius; });
  std::sort(out.begin(), out.end(), [](const Excursion& a, const Excursion& b) { return a.start < b.start; });
  return out;
}

Result<std::vector<TemperatureReading>> ParseLoggerCsv(std::string text, const std::string& name) {
  CsvReader reader = CsvReader::FromString(std::move(text), name);
  std::vector<std::string_view> f;
  STURGEON_ASSIGN_OR_RETURN(bool has_header, reader.Next(&f));
  if (!has_header) return Status::InvalidArgument(fmt::format("{}: empty file; expected header logger,at,celsius", name));
  int col_logger = -1, col_at = -1, col_c = -1;
  for (size_t i = 0; i < f.size(); ++i) {
    const std::string h = Lower(f[i]);
    if (h == "logger") col_logger = static_cast<int>(i);
    if (h == "at") col_at = static_cast<int>(i);
    if (h == "celsius") col_c = static_cast<int>(i);
  }
  if (col_logger < 0 || col_at < 0 || col_c < 0) {
    return Status::InvalidArgument(fmt::format("{}:1: header must name columns logger, at and celsius", name));
  }
  const size_t needed = static_cast<size_t>(std::max({col_logger, col_at, col_c})) + 1;
  std::vector<TemperatureReading> out;
  while (true) {
    STURGEON_ASSIGN_OR_RETURN(bool row, reader.Next(&f));
    if (!row) break;
    const std::string where = fmt::format("{}:{}", name, reader.line());
    if (f.size() < needed) {
      return Status::InvalidArgument(fmt::format("{}: expected {} columns, found {}", where, needed, f.size()));
    }
    TemperatureReading r;
    r.logger = std::string(f[static_cast<size_t>(col_logger)]);
    if (r.logger.empty()) return Status::InvalidArgument(fmt::format("{}: column 'logger': empty", where));
    auto at = Timestamp::Parse(f[static_cast<size_t>(col_at)]);
    if (!at.ok()) return Status::InvalidArgument(fmt::format("{}: column 'at': {}", where, at.status().message()));
    r.at = *at;
    const std::string_view c = f[static_cast<size_t>(col_c)];
    auto [p, ec] = std::from_chars(c.data(), c.data() + c.size(), r.celsius);
    if (c.empty() || ec != std::errc() || p != c.data() + c.size() || !std::isfinite(r.celsius)) {
      return Status::InvalidArgument(fmt::format("{}: column 'celsius': '{}' is not a number", where, c));
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace sturgeon::trace
