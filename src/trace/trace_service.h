// Trace services over a TraceStore: cold-chain checks and the gathering of a
// lot's or a shipment's events for EPCIS export. Not thread-safe (the store
// is not).
#pragma once

#include <string>
#include <vector>

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

}  // namespace sturgeon::trace
