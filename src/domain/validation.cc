#include "domain/validation.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace sturgeon {
namespace {

bool IsUpper3(std::string_view s) {
  return s.size() == 3 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

Status NonNegative(std::string_view field, double v) {
  if (!std::isfinite(v) || v < 0) return Status::InvalidArgument(fmt::format("{}: must be >= 0, got {}", field, v));
  return Status::Ok();
}

Status Positive(std::string_view field, double v) {
  if (!std::isfinite(v) || v <= 0) return Status::InvalidArgument(fmt::format("{}: must be > 0, got {}", field, v));
  return Status::Ok();
}

Status OptionalNonNegative(std::string_view field, const std::optional<double>& v) {
  return v ? NonNegative(field, *v) : Status::Ok();
}

Status InRange(std::string_view field, double v, double lo, double hi) {
  if (!std::isfinite(v) || v < lo || v > hi) {
    return Status::InvalidArgument(fmt::format("{}: must be between {} and {}, got {}", field, lo, hi, v));
  }
  return Status::Ok();
}

}  // namespace

Status ValidatePitTag(std::string_view tag) {
  if (tag.size() != 15 || !std::all_of(tag.begin(), tag.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Status::InvalidArgument(fmt::format("pit_tag: '{}' is not a 15-digit ISO 11784 code", tag));
  }
  return Status::Ok();
}

Status ValidateSpeciesCode(std::string_view code) {
  if (IsUpper3(code)) return Status::Ok();
  if (code.size() == 9 && IsUpper3(code.substr(0, 3)) && code.substr(3, 3) == " x " && IsUpper3(code.substr(6))) {
    return Status::Ok();
  }
  return Status::InvalidArgument(
      fmt::format("species code: '{}' is not a CITES code (three capital letters, or 'DAU x SCH' for a hybrid)", code));
}

Status ValidateCode(std::string_view field, std::string_view code) {
  if (code.empty() || code.size() > 40) {
    return Status::InvalidArgument(fmt::format("{}: must be 1-40 characters, got '{}'", field, code));
  }
  for (char c : code) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.';
    if (!ok) {
      return Status::InvalidArgument(
          fmt::format("{}: '{}' may hold only letters, digits, '-', '_' and '.'", field, code));
    }
  }
  return Status::Ok();
}

Status Validate(const Farm& farm) {
  STURGEON_RETURN_IF_ERROR(ValidateCode("farm code", farm.code));
  if (farm.name.empty()) return Status::InvalidArgument("farm name: must not be empty");
  STURGEON_RETURN_IF_ERROR(InRange("latitude", farm.latitude, -90, 90));
  STURGEON_RETURN_IF_ERROR(InRange("longitude", farm.longitude, -180, 180));
  if (farm.time_zone.empty()) return Status::InvalidArgument("time_zone: must not be empty");
  return Status::Ok();
}

Status Validate(const Pool& pool) {
  STURGEON_RETURN_IF_ERROR(ValidateCode("pool code", pool.code));
  if (pool.kind == PoolKind::kRoundTank) {
    STURGEON_RETURN_IF_ERROR(NonNegative("diameter_m", pool.diameter_m));
  }
  STURGEON_RETURN_IF_ERROR(NonNegative("length_m", pool.length_m));
  STURGEON_RETURN_IF_ERROR(NonNegative("width_m", pool.width_m));
  STURGEON_RETURN_IF_ERROR(NonNegative("depth_m", pool.depth_m));
  STURGEON_RETURN_IF_ERROR(Positive("volume_m3", pool.volume_m3));
  STURGEON_RETURN_IF_ERROR(Positive("max_density_kg_m3", pool.max_density_kg_m3));
  return Status::Ok();
}

Status Validate(const Species& species) {
  STURGEON_RETURN_IF_ERROR(ValidateSpeciesCode(species.code));
  if (species.name.empty()) return Status::InvalidArgument("species name: must not be empty");
  if (species.male_parent_id.has_value() != species.female_parent_id.has_value()) {
    return Status::InvalidArgument("species: a hybrid names both its male and its female parent species");
  }
  const bool hybrid_code = species.code.size() == 9;
  if (hybrid_code != species.is_hybrid()) {
    return Status::InvalidArgument(fmt::format(
        "species code: '{}' {} a hybrid code but the species {} parents", species.code,
        hybrid_code ? "is" : "is not", species.is_hybrid() ? "names" : "does not name"));
  }
  return Status::Ok();
}

Status Validate(const Cohort& cohort) {
  STURGEON_RETURN_IF_ERROR(ValidateCode("cohort code", cohort.code));
  STURGEON_RETURN_IF_ERROR(InRange("year_class", cohort.year_class, 1950, 2200));
  return Status::Ok();
}

Status Validate(const Fish& fish) {
  if (fish.pit_tag) STURGEON_RETURN_IF_ERROR(ValidatePitTag(*fish.pit_tag));
  if (fish.dam_id && fish.sire_id && *fish.dam_id == *fish.sire_id) {
    return Status::InvalidArgument("dam and sire: must be different fish");
  }
  return Status::Ok();
}

Status Validate(const Move& move) {
  STURGEON_RETURN_IF_ERROR(Positive("count", move.count));
  if (!move.from_pool_id && !move.to_pool_id) {
    return Status::InvalidArgument("move: needs a source pool, a destination pool, or both");
  }
  if (move.from_pool_id && move.to_pool_id && *move.from_pool_id == *move.to_pool_id) {
    return Status::InvalidArgument("move: source and destination are the same pool");
  }
  if (move.fish_id && move.count != 1) {
    return Status::InvalidArgument(fmt::format("count: an individual fish's move has count 1, got {}", move.count));
  }
  if (!move.fish_id && !move.cohort_id) return Status::InvalidArgument("move: names neither a fish nor a cohort");
  return Status::Ok();
}

Status Validate(const Removal& removal) {
  STURGEON_RETURN_IF_ERROR(Positive("count", removal.count));
  if (removal.fish_id && removal.count != 1) {
    return Status::InvalidArgument(fmt::format("count: an individual fish's removal has count 1, got {}", removal.count));
  }
  return Status::Ok();
}

Status Validate(const Stocktake& s) {
  if (s.count < 0) return Status::InvalidArgument(fmt::format("count: must be >= 0, got {}", s.count));
  if (s.count_low && s.count_high && (*s.count_low > s.count || *s.count_high < s.count)) {
    return Status::InvalidArgument("count interval: must hold the count");
  }
  if (s.mean_weight_g) STURGEON_RETURN_IF_ERROR(Positive("mean_weight_g", *s.mean_weight_g));
  return Status::Ok();
}

Status Validate(const DailyStatus& s) {
  if (!s.fish_id && !(s.cohort_id && s.pool_id)) {
    return Status::InvalidArgument("daily status: names neither a fish nor a cohort in a pool");
  }
  STURGEON_RETURN_IF_ERROR(OptionalNonNegative("weight_g", s.weight_g));
  STURGEON_RETURN_IF_ERROR(OptionalNonNegative("length_cm", s.length_cm));
  return Status::Ok();
}

Status Validate(const Feeding& f) {
  if (f.feed_type.empty()) return Status::InvalidArgument("feed_type: must not be empty");
  return NonNegative("kg", f.kg);
}

Status Validate(const WaterQuality& w) {
  if (w.temperature_c) STURGEON_RETURN_IF_ERROR(InRange("temperature_c", *w.temperature_c, -5, 45));
  STURGEON_RETURN_IF_ERROR(OptionalNonNegative("oxygen_mg_l", w.oxygen_mg_l));
  if (w.ph) STURGEON_RETURN_IF_ERROR(InRange("ph", *w.ph, 0, 14));
  STURGEON_RETURN_IF_ERROR(OptionalNonNegative("ammonia_mg_l", w.ammonia_mg_l));
  STURGEON_RETURN_IF_ERROR(OptionalNonNegative("nitrite_mg_l", w.nitrite_mg_l));
  return Status::Ok();
}

Status Validate(const Sexing& s) {
  return InRange("gonad_stage", s.gonad_stage, 0, 6);
}

Status Validate(const Biopsy& b) {
  STURGEON_RETURN_IF_ERROR(Positive("egg_diameter_mm", b.egg_diameter_mm));
  return InRange("polarization_index", b.polarization_index, 0, 1);
}

}  // namespace sturgeon
