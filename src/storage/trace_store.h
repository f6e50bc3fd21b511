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
// - Inside an open transaction of the same connection (Store::Trace() in a
//   Store::Transaction), each Add* joins it through a savepoint: its own
//   failure undoes only its own changes, and the outer commit or rollback
//   decides the rest. This is how the API commits a change together with its
//   audit entry.
#pragma once

#include <limits>
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

// Forward trace from a fish or a pool. Lots and shipments are always
// complete; `harvests` too unless RecallPage::with_harvests is false (then
// only `harvest_count`); `tins` is one page (RecallPage) of `tin_count` in
// id order, followed by `next_tin_cursor` when more remain.
struct Recall {
  std::vector<trace::Harvest> harvests;
  int64_t harvest_count = 0;
  std::vector<std::string> lot_codes;
  std::vector<RecalledTin> tins;
  std::vector<trace::Shipment> shipments;
  int64_t tin_count = 0;
  double tin_net_g = 0;  // of all the recalled tins
  std::optional<Id> next_tin_cursor;
};

// Which tins a forward trace lists: those with an id above `after_tin_id`,
// at most `limit` of them (the default: all).
struct RecallPage {
  Id after_tin_id = 0;
  int limit = std::numeric_limits<int>::max();
  bool with_harvests = true;  // false: count the harvests only (the API's summary)
};

// The farms a traceability record comes from: the farms of the pools its
// harvests' fish were in at extraction (a batch may mix several). Access to
// the record is access to every one of them.
struct TraceScope {
  std::vector<Id> farm_ids;  // ascending, unique
  bool unplaced = false;     // a harvest's fish was in no pool: no farm holds it
};

// kFishRoe: the roe of one fish (key: its PIT tag), i.e. every harvest
// taken from it, wherever the fish is now.
enum class TraceKind { kHarvest, kBatch, kLot, kTin, kCase, kShipment, kFishRoe };

// Filters for harvest and batch lists. Unset fields do not filter.
// `farm_ids`: only records every one of whose harvests comes from one of
// these farms (an empty list matches nothing).
struct TraceQuery {
  std::optional<std::vector<Id>> farm_ids;
  std::optional<Id> pool_id;  // harvests only
  std::optional<Id> fish_id;  // harvests only
  Id after_id = 0;
  int limit = 100;
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

  // ---- Lookups (NotFound for an unknown id or code). ----
  virtual Result<trace::Harvest> GetHarvest(Id id) = 0;
  // Harvests in id order, at most q.limit after q.after_id.
  virtual Result<std::vector<trace::Harvest>> ListHarvests(const TraceQuery& q) = 0;
  // Batches in id order, with seal figures (pool and fish filters ignored).
  virtual Result<std::vector<trace::Batch>> ListBatches(const TraceQuery& q) = 0;
  virtual Result<trace::Lot> FindLot(const std::string& code) = 0;
  virtual Result<trace::Tin> FindTin(const std::string& code) = 0;
  virtual Result<trace::Case> FindCase(const std::string& code) = 0;
  // The pool the fish with `pit_tag` was in at `at` (nullopt: none).
  // NotFound for an unknown tag.
  virtual Result<std::optional<Id>> PoolOfFishAt(const std::string& pit_tag, Timestamp at) = 0;
  // The farms of the record of `kind` named by `key` (a harvest id in
  // canonical decimal, a fish's PIT tag, otherwise a code). NotFound for an
  // unknown key, including a harvest key that is not a canonical decimal id
  // ("1e1", "012"). A fish with no harvests has an empty scope.
  virtual Result<TraceScope> ScopeOf(TraceKind kind, const std::string& key) = 0;

  // ---- Products: salt range, seal limit, grading scale and cold-chain
  // range per product (migration 5 seeds the built-in two). ----
  // NotFound naming the known products.
  virtual Result<trace::ProductSpec> FindProduct(const std::string& name) = 0;
  virtual Result<std::vector<trace::ProductSpec>> ListProducts() = 0;
  // Creates or replaces a product after trace::ValidateProduct. Batches
  // already stored keep their salt flag; seal figures and grades of new lots
  // follow the new settings.
  virtual Status PutProduct(const trace::ProductSpec& product) = 0;

  // Backward traces. NotFound for an unknown tin or lot.
  virtual Result<TinTrace> TraceTin(const std::string& tin_code) = 0;
  virtual Result<LotTrace> TraceLot(const std::string& lot_code) = 0;
  // The lot whose label is `label` (validated first: InvalidArgument).
  virtual Result<LotTrace> TraceLabel(const std::string& label) = 0;

  // Forward traces. NotFound for an unknown tag or pool.
  virtual Result<Recall> RecallFish(const std::string& pit_tag, const RecallPage& page = {}) = 0;
  virtual Result<Recall> RecallPool(const std::string& pool_code, const RecallPage& page = {}) = 0;
};

// Opens the trace store in the database named by `url` (as OpenStore does).
Result<std::unique_ptr<TraceStore>> OpenTraceStore(const std::string& url);

}  // namespace sturgeon
