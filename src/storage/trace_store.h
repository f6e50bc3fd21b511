// Caviar traceability records: harvests, batches, lots, tins, cases,
// shipments and temperature readings, in the same database as the registry
// (tables from migration 3).
//
// Contracts that hold for every backend:
// - Every Add* is atomic: it validates against the stored records and the
//   rules in trace/trace_model.h, and on any error stores nothing.
// - NotFound for an unknown code, tag or id; AlreadyExists for a duplicate
//   code; FailedPrecondition for a broken business rule (a male's harvest, a
//   tin heavier than the lot's remaining roe, an out-of-order step);
//   InvalidArgument for malformed input (a bad label).
// - A TraceStore object is NOT thread-safe; open one per thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "trace/trace_model.h"

namespace sturgeon {

struct HarvestInput {
  std::string pit_tag;
  Timestamp extracted_at;
  double roe_kg = 0;
  double egg_diameter_mm = 0;
  std::string colour;
};

struct LotInput {
  std::string code;
  std::string batch_code;
  trace::GradingSample sample;
  std::string country = "CN";  // of origin, for the label
  char source = 'C';           // captive-bred
};

struct TinInput {
  std::string code;
  std::string lot_code;
  double net_g = 0;
  // If set, must be a valid label code equal to the lot's.
  std::optional<std::string> label;
};

// Where a harvest came from: the fish, its pool and farm, its parents.
struct HarvestOrigin {
  trace::Harvest harvest;
  std::string pit_tag;
  std::string species_code;
  std::string pool_code;  // empty when the fish's pool is unknown
  std::string farm_code;
  std::optional<std::string> dam_tag;
  std::optional<std::string> sire_tag;
};

// Backward trace of a lot: its batch, origins and tins.
struct LotTrace {
  trace::Lot lot;
  trace::Batch batch;
  std::vector<HarvestOrigin> origins;
  std::vector<trace::Tin> tins;
};

// Backward trace of one tin.
struct TinTrace {
  trace::Tin tin;
  LotTrace lot;
  std::optional<trace::Case> tin_case;
  std::optional<trace::Shipment> shipment;
};

// One tin reached by a forward trace.
struct RecalledTin {
  trace::Tin tin;
  std::string lot_code;
  std::optional<std::string> case_code;
  std::optional<std::string> shipment_code;
};

// Forward trace from a fish or a pool.
struct Recall {
  std::vector<trace::Harvest> harvests;
  std::vector<std::string> lot_codes;
  std::vector<RecalledTin> tins;
  std::vector<trace::Shipment> shipments;
};

class TraceStore {
 public:
  virtual ~TraceStore() = default;

  // NotFound for an unknown tag; FailedPrecondition unless the fish is a
  // female; InvalidArgument for non-positive mass or diameter or an unknown
  // colour. The harvest records the fish's pool at extraction.
  virtual Result<trace::Harvest> AddHarvest(const HarvestInput& in) = 0;

  // A batch of harvests of one species, each in no other batch.
  virtual Result<trace::Batch> AddBatch(const std::string& code, const std::string& product, const std::string& plant,
                                        const std::vector<Id>& harvest_ids) = 0;
  // Records the next step (trace::ValidateNextStep; salt per the product).
  // Returns the batch with the step, its salt flag and seal figures.
  virtual Result<trace::Batch> AddStep(const std::string& batch_code, const trace::ProcessingStep& step) = 0;
  virtual Result<trace::Batch> FindBatch(const std::string& code) = 0;
  // Every batch, oldest first, with seal figures.
  virtual Result<std::vector<trace::Batch>> ListBatches() = 0;

  // Grades a tinned batch into a lot and builds its CITES label.
  virtual Result<trace::Lot> AddLot(const LotInput& in) = 0;
  virtual Result<trace::Tin> AddTin(const TinInput& in) = 0;
  // Packs unpacked tins into a new case.
  virtual Result<trace::Case> AddCase(const std::string& code, Timestamp packed_at,
                                     const std::vector<std::string>& tin_codes) = 0;
  // A new shipment with unshipped cases. InvalidArgument for a bad country
  // or an arrival before departure.
  virtual Result<trace::Shipment> AddShipment(const trace::Shipment& shipment,
                                              const std::vector<std::string>& case_codes) = 0;
  virtual Result<trace::Shipment> FindShipment(const std::string& code) = 0;
  virtual Result<std::vector<trace::Shipment>> ListShipments() = 0;
  // Stores readings for a shipment, all or none. Returns how many.
  virtual Result<int> AddReadings(const std::string& shipment_code,
                                  const std::vector<trace::TemperatureReading>& readings) = 0;
  virtual Result<std::vector<trace::TemperatureReading>> ListReadings(Id shipment_id) = 0;
  virtual Result<std::vector<trace::Case>> ListCases(Id shipment_id) = 0;
  virtual Result<std::vector<trace::Tin>> ListTinsOfCase(Id case_id) = 0;

  // Backward traces. NotFound for an unknown tin or lot.
  virtual Result<TinTrace> TraceTin(const std::string& tin_code) = 0;
  virtual Result<LotTrace> TraceLot(const std::string& lot_code) = 0;
  // The lot whose label is `label` (validated first: InvalidArgument).
  virtual Result<LotTrace> TraceLabel(const std::string& label) = 0;

  // Forward traces. NotFound for an unknown tag or pool.
  virtual Result<Recall> RecallFish(const std::string& pit_tag) = 0;
  virtual Result<Recall> RecallPool(const std::string& pool_code) = 0;
};

// Opens the trace store in the database named by `url` (as OpenStore does).
Result<std::unique_ptr<TraceStore>> OpenTraceStore(const std::string& url);

}  // namespace sturgeon
