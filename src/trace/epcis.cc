#include "trace/epcis.h"

#include <algorithm>
#include <cctype>
#include <map>

#include <fmt/format.h>

namespace sturgeon::trace {
namespace {

using nlohmann::json;

constexpr std::string_view kGs1Context = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";
constexpr std::string_view kUtcOffset = "+00:00";

json BaseEvent(std::string_view type, Timestamp at) {
  return json{{"type", type}, {"eventTime", at.ToString()}, {"eventTimeZoneOffset", kUtcOffset}};
}

json TransformationOf(const EpcisLot& l, const EpcisOptions& o) {
  const Timestamp at = l.batch.steps.empty() ? Timestamp{} : l.batch.steps.back().at;
  json e = BaseEvent("TransformationEvent", at);
  json inputs = json::array();
  for (const EpcisHarvest& h : l.harvests) {
    inputs.push_back({{"epcClass", EpcUri(o.base_uri, "roe", fmt::format("{}-{}", h.pit_tag, h.harvest_id))},
                      {"quantity", h.roe_kg},
                      {"uom", "KGM"}});
  }
  json outputs = json::array();
  for (const Tin& t : l.tins) outputs.push_back(EpcUri(o.base_uri, "tin", t.code));
  e["inputQuantityList"] = inputs;
  e["outputEPCList"] = outputs;
  e["transformationID"] = EpcUri(o.base_uri, "batch", l.batch.code);
  e["bizStep"] = "commissioning";
  e["disposition"] = "active";
  e["readPoint"] = {{"id", EpcUri(o.base_uri, "plant", l.batch.plant)}};
  json steps = json::array();
  for (const ProcessingStep& s : l.batch.steps) {
    json step{{"step", ToString(s.kind)}, {"at", s.at.ToString()}};
    if (s.salt_percent) step["saltPercent"] = *s.salt_percent;
    steps.push_back(step);
  }
  e["ilmd"] = {{"sturgeon:lot", l.lot.code},
               {"sturgeon:species", l.species_code},
               {"sturgeon:grade", l.lot.grade},
               {"sturgeon:citesLabel", l.lot.label},
               {"sturgeon:product", l.batch.product},
               {"sturgeon:processingSteps", steps},
               {"sturgeon:saltFlagged", l.batch.salt_flagged},
               {"sturgeon:sealMinutes", l.batch.seal_minutes.value_or(0)},
               {"sturgeon:sealBreach", l.batch.seal_breach}};
  return e;
}

json AggregationOf(const EpcisCase& c, const EpcisOptions& o) {
  json e = BaseEvent("AggregationEvent", c.packed.packed_at);
  e["parentID"] = EpcUri(o.base_uri, "case", c.packed.code);
  json children = json::array();
  for (const std::string& t : c.tin_codes) children.push_back(EpcUri(o.base_uri, "tin", t));
  e["childEPCs"] = children;
  e["action"] = "ADD";
  e["bizStep"] = "packing";
  e["disposition"] = "in_progress";
  return e;
}

json SensorElements(const EpcisShipment& s, const EpcisOptions& o) {
  std::map<std::string, std::vector<const TemperatureReading*>> by_logger;
  for (const TemperatureReading& r : s.readings) by_logger[r.logger].push_back(&r);
  json list = json::array();
  for (const auto& [logger, readings] : by_logger) {
    double lo = readings.front()->celsius, hi = lo, sum = 0;
    Timestamp first = readings.front()->at, last = first;
    json reports = json::array();
    for (const TemperatureReading* r : readings) {
      lo = std::min(lo, r->celsius);
      hi = std::max(hi, r->celsius);
      sum += r->celsius;
      first = std::min(first, r->at);
      last = std::max(last, r->at);
      reports.push_back({{"type", "Temperature"}, {"time", r->at.ToString()}, {"value", r->celsius}, {"uom", "CEL"}});
    }
    reports.insert(reports.begin(), json{{"type", "Temperature"},
                                         {"minValue", lo},
                                         {"maxValue", hi},
                                         {"meanValue", sum / static_cast<double>(readings.size())},
                                         {"uom", "CEL"}});
    list.push_back({{"sensorMetadata",
                     {{"deviceID", EpcUri(o.base_uri, "logger", logger)},
                      {"startTime", first.ToString()},
                      {"endTime", last.ToString()}}},
                    {"sensorReport", reports}});
  }
  return list;
}

std::vector<json> ShipmentEvents(const EpcisShipment& s, const EpcisOptions& o) {
  json cases = json::array();
  for (const std::string& c : s.case_codes) cases.push_back(EpcUri(o.base_uri, "case", c));
  json ship = BaseEvent("ObjectEvent", s.shipment.departure);
  ship["epcList"] = cases;
  ship["action"] = "OBSERVE";
  ship["bizStep"] = "shipping";
  ship["disposition"] = "in_transit";
  ship["sturgeon:shipment"] = s.shipment.code;
  ship["sturgeon:carrier"] = s.shipment.carrier;
  ship["sturgeon:destinationCountry"] = s.shipment.destination_country;

  json receive = BaseEvent("ObjectEvent", s.shipment.arrival);
  receive["epcList"] = cases;
  receive["action"] = "OBSERVE";
  receive["bizStep"] = "receiving";
  receive["disposition"] = "in_progress";
  receive["sturgeon:shipment"] = s.shipment.code;
  if (!s.readings.empty()) receive["sensorElementList"] = SensorElements(s, o);
  json excursions = json::array();
  for (const Excursion& x : s.excursions) {
    excursions.push_back({{"kind", ToString(x.kind)},
                          {"start", x.start.ToString()},
                          {"end", x.end.ToString()},
                          {"durationMinutes", static_cast<double>(x.duration_s) / 60.0},
                          {"extremeCelsius", x.extreme_celsius}});
  }
  receive["sturgeon:excursions"] = excursions;
  return {ship, receive};
}

}  // namespace

std::string EpcUri(const std::string& base_uri, std::string_view kind, std::string_view code) {
  std::string out = fmt::format("{}/{}/", base_uri, kind);
  for (unsigned char c : code) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

json BuildEpcisDocument(const EpcisInput& input, const EpcisOptions& options) {
  std::vector<json> events;
  for (const EpcisLot& l : input.lots) events.push_back(TransformationOf(l, options));
  for (const EpcisCase& c : input.cases) events.push_back(AggregationOf(c, options));
  for (const EpcisShipment& s : input.shipments) {
    for (json& e : ShipmentEvents(s, options)) events.push_back(std::move(e));
  }
  std::stable_sort(events.begin(), events.end(), [](const json& a, const json& b) {
    return a["eventTime"].get<std::string>() < b["eventTime"].get<std::string>();
  });
  return json{{"@context", json::array({kGs1Context, json{{"sturgeon", options.base_uri + "/vocab#"}}})},
              {"type", "EPCISDocument"},
              {"schemaVersion", "2.0"},
              {"creationDate", options.created.ToString()},
              {"epcisBody", {{"eventList", events}}}};
}

}  // namespace sturgeon::trace
