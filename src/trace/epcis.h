// EPCIS 2.0 JSON-LD export of caviar traceability events (GS1 EPCIS/CBV 2.0).
//
// A lot yields a TransformationEvent (the harvests' roe in, the tins out,
// bizStep commissioning, lot master data under ilmd); a case an
// AggregationEvent (bizStep packing); a shipment two ObjectEvents, shipping
// at departure and receiving at arrival, the latter carrying one
// sensorElement per logger with the temperatures (uom CEL).
//
// Identifiers are HTTP URIs under EpcisOptions::base_uri ("BASE/tin/CODE",
// "BASE/case/CODE", ...); the same tin URI is what a label's QR code holds.
// Extension fields use the "sturgeon:" prefix, declared in the @context.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "trace/trace_model.h"

namespace sturgeon::trace {

struct EpcisOptions {
  std::string base_uri = "https://id.sturgeon.example";
  Timestamp created;  // the document's creationDate
};

struct EpcisHarvest {
  Id harvest_id = 0;
  std::string pit_tag;
  double roe_kg = 0;
  std::string farm_code;
};

struct EpcisLot {
  Lot lot;
  Batch batch;
  std::string species_code;
  std::vector<EpcisHarvest> harvests;
  std::vector<Tin> tins;
};

struct EpcisCase {
  Case packed;
  std::vector<std::string> tin_codes;
};

struct EpcisShipment {
  Shipment shipment;
  std::vector<std::string> case_codes;
  std::vector<TemperatureReading> readings;
  std::vector<Excursion> excursions;
};

struct EpcisInput {
  std::vector<EpcisLot> lots;
  std::vector<EpcisCase> cases;
  std::vector<EpcisShipment> shipments;
};

// "BASE/KIND/CODE" with CODE percent-encoded where a URI needs it.
std::string EpcUri(const std::string& base_uri, std::string_view kind, std::string_view code);

// The EPCISDocument: events in time order.
nlohmann::json BuildEpcisDocument(const EpcisInput& input, const EpcisOptions& options);

}  // namespace sturgeon::trace
