// Caviar traceability: value types and the pure rules that govern them.
//
// Roe is harvested from a PIT-tagged female, processed in a batch (screening,
// rinsing, salting, tinning, each timestamped), graded into a lot, and packed
// into tins that carry a CITES label. Tins go into cases, cases into
// shipments, and shipments carry temperature loggers.
//
// Everything here is plain data and pure functions: no I/O, thread-safe.
// Numbers that are business settings live in ProductSpec with the defaults
// from docs/trace.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/dates.h"
#include "core/status.h"
#include "domain/model.h"

namespace sturgeon::trace {

// ---- Roe colour: lighter fetches more. Rank 0 is the lightest. ----
// Names: golden, amber, light_grey, grey, dark_grey, black.
Result<int> ParseColourRank(std::string_view colour);
std::string_view ColourName(int rank);

struct Harvest {
  Id id = 0;
  Id fish_id = 0;
  std::optional<Id> pool_id;  // the fish's pool at extraction, when known
  Timestamp extracted_at;
  double roe_kg = 0;
  double egg_diameter_mm = 0;  // mean of the sample
  std::string colour;          // a colour name (above)
};

enum class StepKind { kScreening, kRinsing, kSalting, kTinning };
std::string_view ToString(StepKind kind);  // screening, rinsing, salting, tinning
Result<StepKind> ParseStepKind(std::string_view text);

struct ProcessingStep {
  StepKind kind = StepKind::kScreening;
  Timestamp at;
  std::optional<double> salt_percent;  // salting only
};

struct Batch {
  Id id = 0;
  std::string code;
  std::string product = "malossol";
  std::string plant;  // CITES processing-plant registration code
  std::vector<Id> harvest_ids;
  std::vector<ProcessingStep> steps;  // in processing order
  bool salt_flagged = false;          // salt outside the product's range
  // Filled in when the batch is read back: minutes from its earliest
  // extraction to tinning (once tinned) and whether that broke the limit.
  std::optional<double> seal_minutes;
  bool seal_breach = false;
};

struct GradingSample {
  double grain_diameter_mm = 0;
  std::string colour;
  int firmness = 0;          // 1 (soft) .. 5 (firm, elastic)
  double intact_share = 0;   // 0..1
};

struct Lot {
  Id id = 0;
  std::string code;
  Id batch_id = 0;
  GradingSample sample;
  std::string grade;
  double roe_kg = 0;     // all the batch's roe
  std::string label;     // the CITES label code shared by the lot's tins
};

struct Tin {
  Id id = 0;
  std::string code;
  Id lot_id = 0;
  double net_g = 0;
  std::string grade;
  std::string label;
  std::optional<Id> case_id;
};

struct Case {
  Id id = 0;
  std::string code;
  Timestamp packed_at;
  std::optional<Id> shipment_id;
};

struct Shipment {
  Id id = 0;
  std::string code;
  std::string destination_country;  // ISO 3166 alpha-2
  std::string carrier;
  Timestamp departure;
  Timestamp arrival;
};

struct TemperatureReading {
  Id id = 0;
  Id shipment_id = 0;
  std::string logger;
  Timestamp at;
  double celsius = 0;
};

// ---- Product settings. ----

struct GradeRule {
  std::string name;
  double min_diameter_mm = 0;
  int max_colour_rank = 5;  // lightest allowed is 0
  int min_firmness = 1;
  double min_intact_share = 0;
};

// Grades are tried best first; the first whose every minimum the sample
// meets is the grade. A sample with more than `pressed_broken_share` broken
// eggs is `pressed_grade` whatever else it shows; one that meets no rule
// gets `fallback_grade`.
struct GradingScale {
  std::vector<GradeRule> grades;
  double pressed_broken_share = 0.35;
  std::string pressed_grade = "pressed";
  std::string fallback_grade = "select";
};

struct ProductSpec {
  std::string name = "malossol";
  double min_salt_percent = 3.0;
  double max_salt_percent = 5.0;
  bool reject_salt_outside = false;  // false: store and flag; true: refuse
  int max_extraction_to_seal_minutes = 15;
  double min_celsius = -3.0;
  double max_celsius = 2.0;
  int warm_excursion_minutes = 30;  // above max for longer than this
  double freeze_celsius = -4.0;     // any reading below is an excursion
  GradingScale scale;
};

// The default scale (docs/trace.md).
GradingScale DefaultGradingScale();
// Built-in products: "malossol" (salt outside 3-5% flagged) and
// "malossol-strict" (refused). NotFound for other names. These are the
// defaults the database is seeded with; the settings in force are the
// TraceStore's (TraceStore::FindProduct), which may be changed.
Result<ProductSpec> FindProduct(std::string_view name);

// InvalidArgument naming the first bad setting: a name of 1-40 letters,
// digits, '-' or '_'; salt 0 <= min <= max <= 100; a seal limit of 1..1440
// minutes; min_celsius < max_celsius; freeze_celsius <= min_celsius; a warm
// limit of 0..1440 minutes; a pressed share in 0..1; grades with distinct,
// non-empty names (none equal to the pressed or fallback grade), diameters in
// 0..10 mm, colour ranks 0..5, firmness 1..5 and intact shares 0..1.
Status ValidateProduct(const ProductSpec& product);

// ---- Rules. ----

// OK (false) inside the range; OK (true, flagged) outside when the product
// flags; FailedPrecondition when it refuses; InvalidArgument for a
// percentage outside 0..100.
Result<bool> CheckSalt(const ProductSpec& product, double salt_percent);

// Minutes from the earliest extraction to the tinning step, and whether that
// exceeds the product's limit.
struct SealCheck {
  double minutes = 0;
  bool breach = false;
};
SealCheck CheckSealTime(const ProductSpec& product, Timestamp earliest_extraction, Timestamp sealed_at);

// Steps must come in order screening, rinsing, salting, tinning, each at or
// after the one before and after the earliest extraction. Salting needs a
// salt %. InvalidArgument otherwise, naming the step.
Status ValidateNextStep(const std::vector<ProcessingStep>& done, const ProcessingStep& next,
                        Timestamp earliest_extraction);

// InvalidArgument for a sample out of range (diameter <= 0 or > 10 mm,
// unknown colour, firmness outside 1..5, share outside 0..1).
Result<std::string> Grade(const GradingScale& scale, const GradingSample& sample);

// ---- CITES labels: SPECIES/SOURCE/COUNTRY/YEAR/PLANT/LOT. ----
struct CitesLabel {
  std::string species;  // "DAU" or hybrid "DAU x SCH" (male x female)
  char source = 'C';    // W wild, C captive-bred
  std::string country;  // ISO 3166 alpha-2, e.g. CN
  int year = 0;
  std::string plant;
  std::string lot;

  std::string ToString() const;
};
// Validates every field; InvalidArgument naming the first bad one.
Status ValidateLabel(const CitesLabel& label);
// Parses and validates a label code. InvalidArgument quoting the text.
Result<CitesLabel> ParseLabel(std::string_view text);

// ---- Cold chain. ----
enum class ExcursionKind { kWarm, kFreezing };
std::string_view ToString(ExcursionKind kind);  // warm, freezing

struct Excursion {
  ExcursionKind kind = ExcursionKind::kWarm;
  Timestamp start;        // first reading out of range
  Timestamp end;          // first reading back in range, or the last reading
  int64_t duration_s = 0;
  double extreme_celsius = 0;  // the highest (warm) or lowest (freezing)
};

// `readings` in any order. A warm excursion is a run of readings above
// max_celsius lasting more than warm_excursion_minutes; a freezing one is a
// run with any reading below freeze_celsius (of any length).
std::vector<Excursion> DetectExcursions(const ProductSpec& product, std::vector<TemperatureReading> readings);

// Parses a logger CSV: header `logger,at,celsius` (extra columns ignored).
// All-or-nothing: the first bad row yields InvalidArgument
// "NAME:LINE: column 'at': ..." and no readings.
Result<std::vector<TemperatureReading>> ParseLoggerCsv(std::string text, const std::string& name);

}  // namespace sturgeon::trace
