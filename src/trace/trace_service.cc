#include "trace/trace_service.h"

#include <map>
#include <set>

#include <fmt/format.h>

namespace sturgeon::trace {
namespace {

EpcisLot ToEpcisLot(const LotTrace& t) {
  EpcisLot l;
  l.lot = t.lot;
  l.batch = t.batch;
  l.tins = t.tins;
  for (const HarvestOrigin& o : t.origins) {
    l.species_code = o.species_code;
    l.harvests.push_back(EpcisHarvest{o.harvest.id, o.pit_tag, o.harvest.roe_kg, o.farm_code});
  }
  return l;
}

Result<EpcisShipment> LoadShipment(TraceStore& store, const Shipment& sh, const ProductSpec& product,
                                   std::vector<EpcisCase>* cases) {
  EpcisShipment out;
  out.shipment = sh;
  STURGEON_ASSIGN_OR_RETURN(std::vector<Case> shipped, store.ListCases(sh.id));
  for (const Case& c : shipped) {
    out.case_codes.push_back(c.code);
    if (cases == nullptr) continue;
    EpcisCase ec{c, {}};
    STURGEON_ASSIGN_OR_RETURN(std::vector<Tin> tins, store.ListTinsOfCase(c.id));
    for (const Tin& t : tins) ec.tin_codes.push_back(t.code);
    cases->push_back(std::move(ec));
  }
  STURGEON_ASSIGN_OR_RETURN(out.readings, store.ListReadings(sh.id));
  out.excursions = DetectExcursions(product, out.readings);
  return out;
}

}  // namespace

Result<ColdChainReport> CheckColdChain(TraceStore& store, const std::string& shipment_code,
                                       const ProductSpec& product) {
  ColdChainReport r;
  STURGEON_ASSIGN_OR_RETURN(r.shipment, store.FindShipment(shipment_code));
  STURGEON_ASSIGN_OR_RETURN(std::vector<TemperatureReading> readings, store.ListReadings(r.shipment.id));
  r.readings = static_cast<int>(readings.size());
  r.excursions = DetectExcursions(product, std::move(readings));
  if (r.excursions.empty()) return r;
  STURGEON_ASSIGN_OR_RETURN(std::vector<Case> cases, store.ListCases(r.shipment.id));
  for (const Case& c : cases) {
    STURGEON_ASSIGN_OR_RETURN(std::vector<Tin> tins, store.ListTinsOfCase(c.id));
    for (const Tin& t : tins) r.affected_tins.push_back(t.code);
  }
  return r;
}

Result<EpcisInput> GatherLotEvents(TraceStore& store, const std::string& lot_code, const ProductSpec& product) {
  EpcisInput in;
  STURGEON_ASSIGN_OR_RETURN(LotTrace lot, store.TraceLot(lot_code));
  in.lots.push_back(ToEpcisLot(lot));
  std::set<Id> seen_cases;
  std::map<Id, Shipment> shipments;
  for (const Tin& t : lot.tins) {
    if (!t.case_id || !seen_cases.insert(*t.case_id).second) continue;
    STURGEON_ASSIGN_OR_RETURN(TinTrace tt, store.TraceTin(t.code));
    EpcisCase ec{*tt.tin_case, {}};
    STURGEON_ASSIGN_OR_RETURN(std::vector<Tin> tins, store.ListTinsOfCase(*t.case_id));
    for (const Tin& ct : tins) ec.tin_codes.push_back(ct.code);
    in.cases.push_back(std::move(ec));
    if (tt.shipment) shipments.emplace(tt.shipment->id, *tt.shipment);
  }
  for (const auto& [id, sh] : shipments) {
    STURGEON_ASSIGN_OR_RETURN(EpcisShipment es, LoadShipment(store, sh, product, nullptr));
    in.shipments.push_back(std::move(es));
  }
  return in;
}

Result<EpcisInput> GatherShipmentEvents(TraceStore& store, const std::string& shipment_code,
                                        const ProductSpec& product) {
  EpcisInput in;
  STURGEON_ASSIGN_OR_RETURN(Shipment sh, store.FindShipment(shipment_code));
  STURGEON_ASSIGN_OR_RETURN(EpcisShipment es, LoadShipment(store, sh, product, &in.cases));
  in.shipments.push_back(std::move(es));
  std::set<std::string> lots;
  for (const EpcisCase& c : in.cases) {
    for (const std::string& tin : c.tin_codes) {
      STURGEON_ASSIGN_OR_RETURN(TinTrace tt, store.TraceTin(tin));
      if (lots.insert(tt.lot.lot.code).second) in.lots.push_back(ToEpcisLot(tt.lot));
    }
  }
  return in;
}

Result<ProductSpec> ProductFor(TraceStore& store, const std::string& name, std::optional<int> warm_minutes) {
  STURGEON_ASSIGN_OR_RETURN(ProductSpec p, store.FindProduct(name));
  if (warm_minutes) {
    if (*warm_minutes < 0) {
      return Status::InvalidArgument(fmt::format("warm_minutes: {}: must not be negative", *warm_minutes));
    }
    p.warm_excursion_minutes = *warm_minutes;
  }
  return p;
}

Result<ReadingsImport> ImportReadings(TraceStore& store, const std::string& shipment_code,
                                      const std::vector<TemperatureReading>& readings, const ProductSpec& product) {
  ReadingsImport out;
  STURGEON_ASSIGN_OR_RETURN(out.imported, store.AddReadings(shipment_code, readings));
  STURGEON_ASSIGN_OR_RETURN(out.report, CheckColdChain(store, shipment_code, product));
  return out;
}

Result<BackwardTrace> TraceBack(TraceStore& store, const std::string& key) {
  BackwardTrace out;
  if (key.find('/') != std::string::npos) {
    STURGEON_ASSIGN_OR_RETURN(out.lot, store.TraceLabel(key));
    return out;
  }
  STURGEON_ASSIGN_OR_RETURN(TinTrace t, store.TraceTin(key));
  out.lot = t.lot;
  out.tin = std::move(t);
  return out;
}

std::string TinLabel::Text() const {
  return fmt::format("{}\n{} g  grade {}  tin {}\n{}\n", tin.label, tin.net_g, tin.grade, tin.code, trace_uri);
}

Result<TinLabel> LabelOfTin(TraceStore& store, const std::string& tin_code, std::string_view base_uri) {
  TinLabel out;
  STURGEON_ASSIGN_OR_RETURN(out.tin, store.FindTin(tin_code));
  out.trace_uri = EpcUri(std::string(base_uri), "tin", out.tin.code);
  return out;
}

Result<nlohmann::json> ExportEpcis(TraceStore& store, const std::string& lot_code, const std::string& shipment_code,
                                   const ProductSpec& product, const EpcisOptions& options) {
  if (lot_code.empty() == shipment_code.empty()) {
    return Status::InvalidArgument("lot: give a lot code or a shipment code, not both");
  }
  STURGEON_ASSIGN_OR_RETURN(EpcisInput in, lot_code.empty() ? GatherShipmentEvents(store, shipment_code, product)
                                                            : GatherLotEvents(store, lot_code, product));
  return BuildEpcisDocument(in, options);
}

}  // namespace sturgeon::trace
