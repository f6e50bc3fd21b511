#include "trace/trace_json.h"

#include <utility>

#include <fmt/format.h>

namespace sturgeon::trace {

using nlohmann::json;

namespace {
template <typename T>
json Opt(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}
}  // namespace

json ToJson(const Harvest& h) {
  return {{"id", h.id},         {"fish_id", h.fish_id}, {"pool_id", Opt(h.pool_id)},
          {"extracted_at", h.extracted_at.ToString()}, {"roe_kg", h.roe_kg},
          {"egg_diameter_mm", h.egg_diameter_mm},      {"colour", h.colour}};
}

json ToJson(const Batch& b) {
  json steps = json::array();
  for (const ProcessingStep& s : b.steps) {
    steps.push_back({{"step", ToString(s.kind)}, {"at", s.at.ToString()}, {"salt_percent", Opt(s.salt_percent)}});
  }
  return {{"id", b.id},           {"code", b.code},       {"product", b.product},
          {"plant", b.plant},     {"harvest_ids", b.harvest_ids}, {"steps", steps},
          {"salt_flagged", b.salt_flagged}, {"seal_minutes", Opt(b.seal_minutes)}, {"seal_breach", b.seal_breach}};
}

json ToJson(const Lot& l) {
  return {{"id", l.id},
          {"code", l.code},
          {"batch_id", l.batch_id},
          {"grain_diameter_mm", l.sample.grain_diameter_mm},
          {"colour", l.sample.colour},
          {"firmness", l.sample.firmness},
          {"intact_share", l.sample.intact_share},
          {"grade", l.grade},
          {"roe_kg", l.roe_kg},
          {"label", l.label}};
}

json ToJson(const Tin& t) {
  return {{"id", t.id},       {"code", t.code},   {"lot_id", t.lot_id},          {"net_g", t.net_g},
          {"grade", t.grade}, {"label", t.label}, {"case_id", Opt(t.case_id)}};
}

json ToJson(const Case& c) {
  return {{"id", c.id}, {"code", c.code}, {"packed_at", c.packed_at.ToString()}, {"shipment_id", Opt(c.shipment_id)}};
}

json ToJson(const Shipment& s) {
  return {{"id", s.id},
          {"code", s.code},
          {"destination_country", s.destination_country},
          {"carrier", s.carrier},
          {"departure", s.departure.ToString()},
          {"arrival", s.arrival.ToString()}};
}

json ToJson(const Excursion& e) {
  return {{"kind", ToString(e.kind)},          {"start", e.start.ToString()},
          {"end", e.end.ToString()},           {"duration_minutes", static_cast<double>(e.duration_s) / 60.0},
          {"extreme_celsius", e.extreme_celsius}};
}

json ToJson(const LotTrace& t) {
  json origins = json::array();
  for (const HarvestOrigin& o : t.origins) {
    origins.push_back({{"harvest", ToJson(o.harvest)},
                       {"pit_tag", o.pit_tag},
                       {"species", o.species_code},
                       {"pool", o.pool_code},
                       {"farm", o.farm_code},
                       {"dam_tag", Opt(o.dam_tag)},
                       {"sire_tag", Opt(o.sire_tag)}});
  }
  json tins = json::array();
  for (const Tin& tin : t.tins) tins.push_back(ToJson(tin));
  return {{"lot", ToJson(t.lot)}, {"batch", ToJson(t.batch)}, {"origins", origins}, {"tins", tins}};
}

json ToJson(const TinTrace& t) {
  return {{"tin", ToJson(t.tin)},
          {"lot", ToJson(t.lot)},
          {"case", t.tin_case ? ToJson(*t.tin_case) : json(nullptr)},
          {"shipment", t.shipment ? ToJson(*t.shipment) : json(nullptr)}};
}

json ToJson(const Recall& r) {
  json harvests = json::array();
  for (const Harvest& h : r.harvests) harvests.push_back(ToJson(h));
  json tins = json::array();
  for (const RecalledTin& t : r.tins) {
    json j = ToJson(t.tin);
    j["lot"] = t.lot_code;
    j["case"] = Opt(t.case_code);
    j["shipment"] = Opt(t.shipment_code);
    tins.push_back(std::move(j));
  }
  json shipments = json::array();
  for (const Shipment& s : r.shipments) shipments.push_back(ToJson(s));
  // Moved, not copied, into the answer: a page or a whole recall of tins.
  return {{"harvest_count", r.harvest_count},
          {"harvests", std::move(harvests)},
          {"lots", r.lot_codes},
          {"tin_count", r.tin_count},
          {"tin_net_g", r.tin_net_g},
          {"tins", std::move(tins)},
          {"next_tin_cursor", Opt(r.next_tin_cursor)},
          {"shipments", std::move(shipments)}};
}

json ToJson(const ColdChainReport& r) {
  json ex = json::array();
  for (const Excursion& e : r.excursions) ex.push_back(ToJson(e));
  return {{"shipment", ToJson(r.shipment)},
          {"readings", r.readings},
          {"excursions", ex},
          {"affected_tins", r.affected_tins}};
}

json ToJson(const BackwardTrace& t) {
  if (t.tin) return ToJson(*t.tin);
  return {{"tin", nullptr}, {"lot", ToJson(t.lot)}, {"case", nullptr}, {"shipment", nullptr}};
}

json ToJson(const ProductSpec& p) {
  json grades = json::array();
  for (const GradeRule& g : p.scale.grades) {
    grades.push_back({{"name", g.name},
                      {"min_diameter_mm", g.min_diameter_mm},
                      {"max_colour", ColourName(g.max_colour_rank)},
                      {"min_firmness", g.min_firmness},
                      {"min_intact_share", g.min_intact_share}});
  }
  return {{"name", p.name},
          {"min_salt_percent", p.min_salt_percent},
          {"max_salt_percent", p.max_salt_percent},
          {"reject_salt_outside", p.reject_salt_outside},
          {"max_extraction_to_seal_minutes", p.max_extraction_to_seal_minutes},
          {"min_celsius", p.min_celsius},
          {"max_celsius", p.max_celsius},
          {"warm_excursion_minutes", p.warm_excursion_minutes},
          {"freeze_celsius", p.freeze_celsius},
          {"pressed_broken_share", p.scale.pressed_broken_share},
          {"pressed_grade", p.scale.pressed_grade},
          {"fallback_grade", p.scale.fallback_grade},
          {"grades", grades}};
}

namespace {

// Typed reads of one object's fields, refusing unknown ones; errors start
// with `prefix` and the field's name.
class Fields {
 public:
  Fields(const json& j, std::string prefix) : j_(j), prefix_(std::move(prefix)) {}

  Status OnlyKnown(std::initializer_list<std::string_view> known) const {
    if (!j_.is_object()) return Status::InvalidArgument(fmt::format("{}body: expected a JSON object", prefix_));
    for (const auto& [key, value] : j_.items()) {
      bool ok = false;
      for (std::string_view k : known) ok = ok || k == key;
      if (!ok) return Status::InvalidArgument(fmt::format("{}{}: unknown field", prefix_, key));
    }
    return Status::Ok();
  }
  Status Number(const char* name, double* out) const {
    if (!j_.contains(name)) return Status::Ok();
    if (!j_[name].is_number()) return Status::InvalidArgument(fmt::format("{}{}: must be a number", prefix_, name));
    *out = j_[name].get<double>();
    return Status::Ok();
  }
  Status Int(const char* name, int* out) const {
    if (!j_.contains(name)) return Status::Ok();
    if (!j_[name].is_number_integer()) {
      return Status::InvalidArgument(fmt::format("{}{}: must be an integer", prefix_, name));
    }
    *out = j_[name].get<int>();
    return Status::Ok();
  }
  Status Bool(const char* name, bool* out) const {
    if (!j_.contains(name)) return Status::Ok();
    if (!j_[name].is_boolean()) return Status::InvalidArgument(fmt::format("{}{}: must be true or false", prefix_, name));
    *out = j_[name].get<bool>();
    return Status::Ok();
  }
  Status String(const char* name, std::string* out) const {
    if (!j_.contains(name)) return Status::Ok();
    if (!j_[name].is_string()) return Status::InvalidArgument(fmt::format("{}{}: must be a string", prefix_, name));
    *out = j_[name].get<std::string>();
    return Status::Ok();
  }

 private:
  const json& j_;
  std::string prefix_;
};

}  // namespace

Result<ProductSpec> ProductFromJson(const json& j, const std::string& name) {
  ProductSpec p;
  p.name = name;
  Fields f(j, "");
  STURGEON_RETURN_IF_ERROR(f.OnlyKnown({"name", "min_salt_percent", "max_salt_percent", "reject_salt_outside",
                                        "max_extraction_to_seal_minutes", "min_celsius", "max_celsius",
                                        "warm_excursion_minutes", "freeze_celsius", "pressed_broken_share",
                                        "pressed_grade", "fallback_grade", "grades"}));
  std::string given_name;
  STURGEON_RETURN_IF_ERROR(f.String("name", &given_name));
  if (!given_name.empty() && !name.empty() && given_name != name) {
    return Status::InvalidArgument(fmt::format("name: '{}' differs from the product named '{}'", given_name, name));
  }
  if (!given_name.empty()) p.name = given_name;
  STURGEON_RETURN_IF_ERROR(f.Number("min_salt_percent", &p.min_salt_percent));
  STURGEON_RETURN_IF_ERROR(f.Number("max_salt_percent", &p.max_salt_percent));
  STURGEON_RETURN_IF_ERROR(f.Bool("reject_salt_outside", &p.reject_salt_outside));
  STURGEON_RETURN_IF_ERROR(f.Int("max_extraction_to_seal_minutes", &p.max_extraction_to_seal_minutes));
  STURGEON_RETURN_IF_ERROR(f.Number("min_celsius", &p.min_celsius));
  STURGEON_RETURN_IF_ERROR(f.Number("max_celsius", &p.max_celsius));
  STURGEON_RETURN_IF_ERROR(f.Int("warm_excursion_minutes", &p.warm_excursion_minutes));
  STURGEON_RETURN_IF_ERROR(f.Number("freeze_celsius", &p.freeze_celsius));
  STURGEON_RETURN_IF_ERROR(f.Number("pressed_broken_share", &p.scale.pressed_broken_share));
  STURGEON_RETURN_IF_ERROR(f.String("pressed_grade", &p.scale.pressed_grade));
  STURGEON_RETURN_IF_ERROR(f.String("fallback_grade", &p.scale.fallback_grade));
  if (!j.contains("grades") || !j["grades"].is_array()) {
    return Status::InvalidArgument("grades: is required: a list of grades, best first");
  }
  for (size_t i = 0; i < j["grades"].size(); ++i) {
    const json& g = j["grades"][i];
    Fields gf(g, fmt::format("grades[{}]: ", i));
    STURGEON_RETURN_IF_ERROR(gf.OnlyKnown({"name", "min_diameter_mm", "max_colour", "min_firmness", "min_intact_share"}));
    GradeRule r;
    STURGEON_RETURN_IF_ERROR(gf.String("name", &r.name));
    STURGEON_RETURN_IF_ERROR(gf.Number("min_diameter_mm", &r.min_diameter_mm));
    std::string colour = std::string(ColourName(r.max_colour_rank));
    STURGEON_RETURN_IF_ERROR(gf.String("max_colour", &colour));
    auto rank = ParseColourRank(colour);
    if (!rank.ok()) return Status::InvalidArgument(fmt::format("grades[{}]: max_colour: {}", i, rank.status().message()));
    r.max_colour_rank = *rank;
    STURGEON_RETURN_IF_ERROR(gf.Int("min_firmness", &r.min_firmness));
    STURGEON_RETURN_IF_ERROR(gf.Number("min_intact_share", &r.min_intact_share));
    p.scale.grades.push_back(std::move(r));
  }
  STURGEON_RETURN_IF_ERROR(ValidateProduct(p));
  return p;
}

}  // namespace sturgeon::trace
