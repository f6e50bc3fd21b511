#include "registry/json_mapping.h"

namespace sturgeon {
namespace {

template <typename T>
nlohmann::json Opt(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json OptDate(const std::optional<Date>& v) {
  return v ? nlohmann::json(v->ToString()) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json ToJson(const Farm& v) {
  return {{"id", v.id},       {"code", v.code},         {"name", v.name},           {"province", v.province},
          {"city", v.city},   {"latitude", v.latitude}, {"longitude", v.longitude}, {"time_zone", v.time_zone}};
}

nlohmann::json ToJson(const Pool& v) {
  return {{"id", v.id},
          {"code", v.code},
          {"farm_id", v.farm_id},
          {"kind", ToString(v.kind)},
          {"length_m", v.length_m},
          {"width_m", v.width_m},
          {"diameter_m", v.diameter_m},
          {"depth_m", v.depth_m},
          {"volume_m3", v.volume_m3},
          {"max_density_kg_m3", v.max_density_kg_m3}};
}

nlohmann::json ToJson(const Species& v) {
  return {{"id", v.id},
          {"code", v.code},
          {"name", v.name},
          {"scientific_name", v.scientific_name},
          {"hybrid", v.is_hybrid()},
          {"male_parent_id", Opt(v.male_parent_id)},
          {"female_parent_id", Opt(v.female_parent_id)}};
}

nlohmann::json ToJson(const Cohort& v) {
  return {{"id", v.id}, {"code", v.code}, {"year_class", v.year_class}, {"species_id", v.species_id},
          {"origin", v.origin}};
}

nlohmann::json ToJson(const Fish& v) {
  return {{"id", v.id},
          {"pit_tag", Opt(v.pit_tag)},
          {"species_id", v.species_id},
          {"sex", ToString(v.sex)},
          {"sex_method", ToString(v.sex_method)},
          {"birth_date", OptDate(v.birth_date)},
          {"dam_id", Opt(v.dam_id)},
          {"sire_id", Opt(v.sire_id)},
          {"cohort_id", Opt(v.cohort_id)}};
}

nlohmann::json ToJson(const Move& v) {
  return {{"id", v.id},
          {"time", v.at.ToString()},
          {"count", v.count},
          {"fish_id", Opt(v.fish_id)},
          {"cohort_id", Opt(v.cohort_id)},
          {"from_pool_id", Opt(v.from_pool_id)},
          {"to_pool_id", Opt(v.to_pool_id)},
          {"reason", v.reason}};
}

nlohmann::json ToJson(const Removal& v) {
  return {{"id", v.id},           {"kind", ToString(v.kind)},     {"time", v.at.ToString()},
          {"pool_id", v.pool_id}, {"count", v.count},             {"fish_id", Opt(v.fish_id)},
          {"cohort_id", Opt(v.cohort_id)}, {"cause", v.cause}};
}

nlohmann::json ToJson(const Stocktake& v) {
  return {{"id", v.id},
          {"pool_id", v.pool_id},
          {"time", v.at.ToString()},
          {"count", v.count},
          {"count_low", Opt(v.count_low)},
          {"count_high", Opt(v.count_high)},
          {"mean_weight_g", Opt(v.mean_weight_g)},
          {"method", v.method},
          {"notes", v.notes}};
}

nlohmann::json ToJson(const DailyStatus& v) {
  return {{"id", v.id},
          {"date", v.day.ToString()},
          {"fish_id", Opt(v.fish_id)},
          {"cohort_id", Opt(v.cohort_id)},
          {"pool_id", Opt(v.pool_id)},
          {"weight_g", Opt(v.weight_g)},
          {"length_cm", Opt(v.length_cm)},
          {"health", ToString(v.health)},
          {"feeding", ToString(v.feeding)},
          {"notes", v.notes}};
}

nlohmann::json ToJson(const Feeding& v) {
  return {{"id", v.id}, {"pool_id", v.pool_id}, {"time", v.at.ToString()}, {"feed_type", v.feed_type}, {"kg", v.kg}};
}

nlohmann::json ToJson(const WaterQuality& v) {
  return {{"id", v.id},
          {"pool_id", v.pool_id},
          {"time", v.at.ToString()},
          {"temperature_c", Opt(v.temperature_c)},
          {"oxygen_mg_l", Opt(v.oxygen_mg_l)},
          {"ph", Opt(v.ph)},
          {"ammonia_mg_l", Opt(v.ammonia_mg_l)},
          {"nitrite_mg_l", Opt(v.nitrite_mg_l)}};
}

nlohmann::json ToJson(const Sexing& v) {
  return {{"id", v.id},         {"fish_id", v.fish_id},         {"date", v.day.ToString()},
          {"sex", ToString(v.sex)}, {"gonad_stage", v.gonad_stage}, {"notes", v.notes}};
}

nlohmann::json ToJson(const Biopsy& v) {
  return {{"id", v.id},
          {"fish_id", v.fish_id},
          {"date", v.day.ToString()},
          {"egg_diameter_mm", v.egg_diameter_mm},
          {"polarization_index", v.polarization_index},
          {"notes", v.notes}};
}

nlohmann::json ToJson(const Inventory& v) {
  return {{"head_count", v.head_count},
          {"biomass_kg", v.biomass_kg},
          {"mean_weight_g", Opt(v.mean_weight_g)},
          {"volume_m3", v.volume_m3},
          {"density_kg_m3", v.density_kg_m3},
          {"max_density_kg_m3", Opt(v.max_density_kg_m3)},
          {"max_biomass_kg", v.max_biomass_kg},
          {"over_max", v.over_max},
          {"pools", v.pools},
          {"pools_over_max", v.pools_over_max}};
}

}  // namespace sturgeon
