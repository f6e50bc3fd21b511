// The farm registry's value types. Plain data: no I/O, no database handles.
//
// Ids are assigned by the store (0 means "not yet stored"). Human-readable
// codes (farm code, pool code such as ZJ-QZ1-P017, species code, cohort code,
// PIT tag) are unique and are what people and files use.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/dates.h"
#include "core/status.h"

namespace sturgeon {

using Id = int64_t;

struct Farm {
  Id id = 0;
  std::string code;      // e.g. "ZJ-QZ1"
  std::string name;
  std::string province;
  std::string city;
  double latitude = 0;   // degrees, WGS84
  double longitude = 0;
  std::string time_zone = "Asia/Shanghai";  // IANA name
};

enum class PoolKind { kRoundTank, kRaceway, kPond, kNetCage };

struct Pool {
  Id id = 0;
  std::string code;  // unique, e.g. "ZJ-QZ1-P017"
  Id farm_id = 0;
  PoolKind kind = PoolKind::kRoundTank;
  // A round tank uses diameter_m; the other kinds use length_m x width_m.
  double length_m = 0;
  double width_m = 0;
  double diameter_m = 0;
  double depth_m = 0;
  double volume_m3 = 0;
  double max_density_kg_m3 = 0;
};

struct Species {
  Id id = 0;
  // CITES code: three capital letters ("DAU"), or for a hybrid the male and
  // female codes joined by " x " ("DAU x SCH").
  std::string code;
  std::string name;
  std::string scientific_name;
  std::optional<Id> male_parent_id;    // set for hybrids only
  std::optional<Id> female_parent_id;  // set for hybrids only
  bool is_hybrid() const { return male_parent_id.has_value(); }
};

enum class Sex { kUnknown, kFemale, kMale };
enum class SexMethod { kUnknown, kVisual, kUltrasound, kBiopsy, kBloodSteroids, kGenetic };

struct Cohort {
  Id id = 0;
  std::string code;  // e.g. "2023-DxS-QZ"
  int year_class = 0;
  Id species_id = 0;
  std::string origin;  // hatchery, supplier or parent cross
};

struct Fish {
  Id id = 0;
  std::optional<std::string> pit_tag;  // 15-digit ISO 11784 code, unique
  Id species_id = 0;
  Sex sex = Sex::kUnknown;
  SexMethod sex_method = SexMethod::kUnknown;
  std::optional<Date> birth_date;
  std::optional<Id> dam_id;
  std::optional<Id> sire_id;
  std::optional<Id> cohort_id;
};

// A move of fish between pools. A move in from outside the company (stocking,
// purchase) has no source; a move out (sale, transfer to another company) has
// no destination. An individual's move has fish_id set and count 1.
struct Move {
  Id id = 0;
  Timestamp at;
  int32_t count = 0;
  std::optional<Id> fish_id;
  std::optional<Id> cohort_id;
  std::optional<Id> from_pool_id;
  std::optional<Id> to_pool_id;
  std::string reason;
};

// Fish leaving a pool for good: deaths (with cause) and harvests (slaughter).
enum class RemovalKind { kDeath, kHarvest };

struct Removal {
  Id id = 0;
  RemovalKind kind = RemovalKind::kDeath;
  Timestamp at;
  Id pool_id = 0;
  int32_t count = 0;
  std::optional<Id> fish_id;
  std::optional<Id> cohort_id;
  std::string cause;
};

// A counted head count for a pool: resets the book count at `at`, like an
// inventory reset in farmOS. The drone stocktake writes one.
struct Stocktake {
  Id id = 0;
  Id pool_id = 0;
  Timestamp at;
  int64_t count = 0;
  std::optional<int64_t> count_low;   // 95% interval, when the method gives one
  std::optional<int64_t> count_high;
  std::optional<double> mean_weight_g;
  std::string method = "manual";  // "manual", "drone", ...
  std::string notes;
};

enum class Health { kOk, kSick, kInjured, kDead };
enum class FeedingResponse { kUnknown, kGood, kModerate, kPoor, kNone };

// One record per individual fish per day, or per cohort in a pool per day.
struct DailyStatus {
  Id id = 0;
  Date day;
  std::optional<Id> fish_id;
  std::optional<Id> cohort_id;
  std::optional<Id> pool_id;
  std::optional<double> weight_g;  // for a cohort: mean weight
  std::optional<double> length_cm;
  Health health = Health::kOk;
  FeedingResponse feeding = FeedingResponse::kUnknown;
  std::string notes;
};

struct Feeding {
  Id id = 0;
  Id pool_id = 0;
  Timestamp at;
  std::string feed_type;
  double kg = 0;
};

struct WaterQuality {
  Id id = 0;
  Id pool_id = 0;
  Timestamp at;
  std::optional<double> temperature_c;
  std::optional<double> oxygen_mg_l;
  std::optional<double> ph;
  std::optional<double> ammonia_mg_l;
  std::optional<double> nitrite_mg_l;
};

// Ultrasound sexing: sex and gonad stage I-VI.
struct Sexing {
  Id id = 0;
  Id fish_id = 0;
  Date day;
  Sex sex = Sex::kUnknown;
  int gonad_stage = 0;  // 1..6, 0 when not assessed
  std::string notes;
};

struct Biopsy {
  Id id = 0;
  Id fish_id = 0;
  Date day;
  double egg_diameter_mm = 0;
  double polarization_index = 0;  // PI = B/A; < 0.10 ready to spawn
  std::string notes;
};

// ---- Names used in files, on the command line and in JSON. ----
std::string_view ToString(PoolKind v);   // round_tank, raceway, pond, net_cage
std::string_view ToString(Sex v);        // unknown, F, M
std::string_view ToString(SexMethod v);  // unknown, visual, ultrasound, biopsy, blood_steroids, genetic
std::string_view ToString(RemovalKind v);  // death, harvest
std::string_view ToString(Health v);     // ok, sick, injured, dead
std::string_view ToString(FeedingResponse v);  // unknown, good, moderate, poor, none

// Each parser accepts the names above (case-insensitive) and returns
// InvalidArgument listing the valid names otherwise.
Result<PoolKind> ParsePoolKind(std::string_view text);
Result<Sex> ParseSex(std::string_view text);  // also accepts "", female, male
Result<SexMethod> ParseSexMethod(std::string_view text);  // "" is unknown
Result<Health> ParseHealth(std::string_view text);        // "" is ok
Result<FeedingResponse> ParseFeedingResponse(std::string_view text);  // "" is unknown
Result<RemovalKind> ParseRemovalKind(std::string_view text);
// Roman (I..VI), FII..FVI / MII..MVI style, or a digit 1..6.
Result<int> ParseGonadStage(std::string_view text);

}  // namespace sturgeon
