#include "trace/trace_service.h"

#include <map>
#include <set>

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

}  // namespace sturgeon::trace
