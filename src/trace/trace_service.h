// Trace services over a TraceStore, shared by the `sturgeon` commands and
// the HTTP API so that neither holds trace logic of its own: cold-chain
// checks and logger imports, backward traces by tin or label, tin labels
// and their trace URIs, product settings, and the gathering of a lot's or a
// shipment's events for EPCIS export. Not thread-safe (the store is not).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "storage/trace_store.h"
#include "trace/epcis.h"
#include "trace/trace_model.h"

namespace sturgeon::trace {

struct ColdChainReport {
  Shipment shipment;
  int readings = 0;
  std::vector<Excursion> excursions;
  // Every tin in the shipment's cases when there is an excursion (a logger
  // travels with the whole shipment); empty otherwise.
  std::vector<std::string> affected_tins;
};

// NotFound for an unknown shipment.
Result<ColdChainReport> CheckColdChain(TraceStore& store, const std::string& shipment_code,
                                       const ProductSpec& product);

// A lot's transformation, the cases holding its tins, and their shipments
// (with readings and excursions). NotFound for an unknown lot.
Result<EpcisInput> GatherLotEvents(TraceStore& store, const std::string& lot_code, const ProductSpec& product);
// A shipment, its cases, and the lots of the tins in them.
Result<EpcisInput> GatherShipmentEvents(TraceStore& store, const std::string& shipment_code,
                                        const ProductSpec& product);

// The base of trace URIs and EPCIS identifiers unless one is given.
inline constexpr std::string_view kDefaultBaseUri = "https://id.sturgeon.example";

// The product `name` as stored; `warm_minutes`, when set, overrides its warm
// excursion limit (InvalidArgument if negative). NotFound for an unknown
// product.
Result<ProductSpec> ProductFor(TraceStore& store, const std::string& name, std::optional<int> warm_minutes = {});

// Stores a shipment's logger readings (all or none) and reports its cold
// chain afterwards under `product`.
struct ReadingsImport {
  int imported = 0;
  ColdChainReport report;
};
Result<ReadingsImport> ImportReadings(TraceStore& store, const std::string& shipment_code,
                                      const std::vector<TemperatureReading>& readings, const ProductSpec& product);

// A backward trace from a key: a CITES label code (it contains '/'; the
// label is validated, InvalidArgument naming the bad field) gives its lot;
// anything else is a tin ID and gives the tin, its case and shipment too.
struct BackwardTrace {
  std::optional<TinTrace> tin;
  LotTrace lot;
};
Result<BackwardTrace> TraceBack(TraceStore& store, const std::string& key);

// What a tin's label shows: the CITES label code, net weight, grade and the
// tin's trace URI (BASE/tin/CODE, also the content of its QR code).
struct TinLabel {
  Tin tin;
  std::string trace_uri;
  // "LABEL\nNET g  grade GRADE  tin CODE\nURI\n".
  std::string Text() const;
};
Result<TinLabel> LabelOfTin(TraceStore& store, const std::string& tin_code, std::string_view base_uri = kDefaultBaseUri);

// The EPCIS 2.0 document of one lot or one shipment (exactly one of the two
// codes is non-empty: InvalidArgument otherwise). Excursions follow
// `product`.
Result<nlohmann::json> ExportEpcis(TraceStore& store, const std::string& lot_code, const std::string& shipment_code,
                                   const ProductSpec& product, const EpcisOptions& options);

}  // namespace sturgeon::trace
