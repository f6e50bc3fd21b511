#include "trace/trace_json.h"

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
    tins.push_back(j);
  }
  json shipments = json::array();
  for (const Shipment& s : r.shipments) shipments.push_back(ToJson(s));
  return {{"harvests", harvests}, {"lots", r.lot_codes}, {"tins", tins}, {"shipments", shipments}};
}

json ToJson(const ColdChainReport& r) {
  json ex = json::array();
  for (const Excursion& e : r.excursions) ex.push_back(ToJson(e));
  return {{"shipment", ToJson(r.shipment)},
          {"readings", r.readings},
          {"excursions", ex},
          {"affected_tins", r.affected_tins}};
}

}  // namespace sturgeon::trace
