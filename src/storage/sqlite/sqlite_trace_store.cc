// The SQLite backend of TraceStore: caviar traceability records in the same
// database file as the registry (tables from migration 3). Each write runs in
// one IMMEDIATE transaction, so its checks and its changes see the same data.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <limits>
#include <set>
#include <unordered_set>

#include <fmt/format.h>

#include "storage/sqlite/sqlite_trace_store.h"

#include "domain/ids.h"
#include "storage/sqlite/migrations.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/trace_store.h"

namespace sturgeon {
namespace {

using sqlite::Connection;
using sqlite::Statement;
using trace::Batch;
using trace::Case;
using trace::Harvest;
using trace::Lot;
using trace::ProcessingStep;
using trace::Shipment;
using trace::TemperatureReading;
using trace::Tin;

// Grams of slack when comparing a tin with the lot's remaining roe.
constexpr double kMassToleranceG = 1e-6;
constexpr double kGramsPerKg = 1000.0;

constexpr std::string_view kHarvestColumns =
    "h.id, h.fish_id, h.pool_id, h.extracted_at, h.roe_kg, h.egg_diameter_mm, h.colour";
constexpr std::string_view kTinColumns = "t.id, t.code, t.lot_id, t.net_g, t.grade, t.label, t.case_id";
constexpr std::string_view kShipmentColumns =
    "sh.id, sh.code, sh.destination_country, sh.carrier, sh.departure, sh.arrival";

Timestamp TimeOf(const std::string& text) {
  auto t = Timestamp::Parse(text);
  return t.ok() ? *t : Timestamp{};
}

Harvest ReadHarvest(const Statement& s, int c = 0) {
  Harvest h;
  h.id = s.Int(c);
  h.fish_id = s.Int(c + 1);
  h.pool_id = s.OptInt(c + 2);
  h.extracted_at = TimeOf(s.Text(c + 3));
  h.roe_kg = s.Double(c + 4);
  h.egg_diameter_mm = s.Double(c + 5);
  h.colour = s.Text(c + 6);
  return h;
}

Tin ReadTin(const Statement& s, int c = 0) {
  Tin t;
  t.id = s.Int(c);
  t.code = s.Text(c + 1);
  t.lot_id = s.Int(c + 2);
  t.net_g = s.Double(c + 3);
  t.grade = s.Text(c + 4);
  t.label = s.Text(c + 5);
  t.case_id = s.OptInt(c + 6);
  return t;
}

Shipment ReadShipment(const Statement& s, int c = 0) {
  return Shipment{s.Int(c), s.Text(c + 1), s.Text(c + 2), s.Text(c + 3), TimeOf(s.Text(c + 4)), TimeOf(s.Text(c + 5))};
}

constexpr std::string_view kProductColumns =
    "name, min_salt_percent, max_salt_percent, reject_salt_outside, max_extraction_to_seal_minutes, min_celsius, "
    "max_celsius, warm_excursion_minutes, freeze_celsius, pressed_broken_share, pressed_grade, fallback_grade";

// "1, 2, 3" for an IN list of ids (integers, so no quoting is needed);
// "-1" (no id) for none, so that IN matches nothing.
std::string IdList(const std::vector<Id>& ids) {
  if (ids.empty()) return "-1";
  std::string out;
  for (Id id : ids) out += (out.empty() ? "" : ", ") + std::to_string(id);
  return out;
}

Status RequireCode(std::string_view what, const std::string& code) {
  if (code.empty()) return Status::InvalidArgument(fmt::format("{} code: must not be empty", what));
  if (code.find('/') != std::string::npos) {
    return Status::InvalidArgument(fmt::format("{} code '{}': must not contain '/'", what, code));
  }
  return Status::Ok();
}

class SqliteTraceStore final : public TraceStore {
 public:
  // Owns its connection.
  explicit SqliteTraceStore(Connection db) : owned_(std::move(db)), db_(&*owned_) {}
  // Borrows `db` (a SqliteStore's): writes join its transactions.
  explicit SqliteTraceStore(Connection* db) : db_(db) {}

  Status Init() { return sqlite::PrepareConnection(*db_); }

  Result<Harvest> AddHarvest(const HarvestInput& in) override {
    if (!(in.roe_kg > 0)) return Status::InvalidArgument(fmt::format("roe mass {} kg: must be above 0", in.roe_kg));
    if (!(in.egg_diameter_mm > 0)) {
      return Status::InvalidArgument(fmt::format("egg diameter {} mm: must be above 0", in.egg_diameter_mm));
    }
    STURGEON_ASSIGN_OR_RETURN(int colour, trace::ParseColourRank(in.colour));
    Harvest h;
    h.extracted_at = in.extracted_at;
    h.roe_kg = in.roe_kg;
    h.egg_diameter_mm = in.egg_diameter_mm;
    h.colour = std::string(trace::ColourName(colour));
    Status st = InTransaction([&]() -> Status {
      STURGEON_ASSIGN_OR_RETURN(Statement f, db_->Prepare("SELECT id, sex FROM fish WHERE pit_tag = ?"));
      f.Bind(1, in.pit_tag);
      STURGEON_ASSIGN_OR_RETURN(bool found, f.Step("finding fish"));
      if (!found) return Status::NotFound(fmt::format("no fish with PIT tag '{}'", in.pit_tag));
      h.fish_id = f.Int(0);
      const std::string sex = f.Text(1);
      if (sex != "F") {
        return Status::FailedPrecondition(fmt::format(
            "fish '{}' is {}: roe is harvested from females only", in.pit_tag, sex == "M" ? "male" : "of unknown sex"));
      }
      STURGEON_ASSIGN_OR_RETURN(h.pool_id, PoolAt(h.fish_id, h.extracted_at));
      STURGEON_ASSIGN_OR_RETURN(Statement ins, db_->Prepare(
          "INSERT INTO roe_harvests (fish_id, pool_id, extracted_at, roe_kg, egg_diameter_mm, colour) "
          "VALUES (?, ?, ?, ?, ?, ?)"));
      ins.Bind(1, h.fish_id).Bind(2, h.pool_id).Bind(3, h.extracted_at.ToString()).Bind(4, h.roe_kg)
          .Bind(5, h.egg_diameter_mm).Bind(6, h.colour);
      STURGEON_RETURN_IF_ERROR(ins.Run("adding harvest"));
      h.id = db_->LastInsertId();
      return Status::Ok();
    });
    STURGEON_RETURN_IF_ERROR(st);
    return h;
  }

  Result<Batch> AddBatch(const std::string& code, const std::string& product, const std::string& plant,
                         const std::vector<Id>& harvest_ids) override {
    STURGEON_RETURN_IF_ERROR(RequireCode("batch", code));
    STURGEON_RETURN_IF_ERROR(FindProduct(product).status());
    if (plant.empty()) return Status::InvalidArgument("plant: must not be empty");
    if (harvest_ids.empty()) return Status::InvalidArgument("a batch needs at least one harvest");
    Status st = InTransaction([&]() -> Status {
      std::optional<Id> species;
      for (Id hid : harvest_ids) {
        STURGEON_ASSIGN_OR_RETURN(Statement s, db_->Prepare(
            "SELECT h.batch_id, f.species_id FROM roe_harvests h JOIN fish f ON f.id = h.fish_id WHERE h.id = ?"));
        s.Bind(1, hid);
        STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("finding harvest"));
        if (!row) return Status::NotFound(fmt::format("no harvest {}", hid));
        if (!s.IsNull(0)) return Status::FailedPrecondition(fmt::format("harvest {} is already in a batch", hid));
        if (species && *species != s.Int(1)) {
          return Status::FailedPrecondition(
              fmt::format("harvest {} is of another species: species must not be mixed in a batch", hid));
        }
        species = s.Int(1);
      }
      STURGEON_ASSIGN_OR_RETURN(Statement ins, db_->Prepare(
          "INSERT INTO processing_batches (code, product, plant) VALUES (?, ?, ?)"));
      ins.Bind(1, code).Bind(2, product).Bind(3, plant);
      Status w = ins.Run("adding batch");
      if (w.code() == StatusCode::kAlreadyExists) return Status::AlreadyExists(fmt::format("batch '{}' exists", code));
      STURGEON_RETURN_IF_ERROR(w);
      const Id batch_id = db_->LastInsertId();
      for (Id hid : harvest_ids) {
        STURGEON_ASSIGN_OR_RETURN(Statement u, db_->Prepare("UPDATE roe_harvests SET batch_id = ? WHERE id = ?"));
        u.Bind(1, batch_id).Bind(2, hid);
        STURGEON_RETURN_IF_ERROR(u.Run("assigning harvest"));
      }
      return Status::Ok();
    });
    STURGEON_RETURN_IF_ERROR(st);
    return FindBatch(code);
  }

  Result<Batch> AddStep(const std::string& batch_code, const ProcessingStep& step) override {
    Status st = InTransaction([&]() -> Status {
      STURGEON_ASSIGN_OR_RETURN(Batch b, FindBatch(batch_code));
      STURGEON_ASSIGN_OR_RETURN(Timestamp earliest, EarliestExtraction(b.id));
      STURGEON_RETURN_IF_ERROR(trace::ValidateNextStep(b.steps, step, earliest));
      if (step.kind == trace::StepKind::kSalting) {
        STURGEON_ASSIGN_OR_RETURN(trace::ProductSpec product, FindProduct(b.product));
        auto flagged = trace::CheckSalt(product, *step.salt_percent);
        if (!flagged.ok()) return flagged.status().WithContext(fmt::format("batch '{}'", batch_code));
        STURGEON_ASSIGN_OR_RETURN(Statement u, db_->Prepare("UPDATE processing_batches SET salt_flagged = ? WHERE id = ?"));
        u.Bind(1, *flagged ? 1 : 0).Bind(2, b.id);
        STURGEON_RETURN_IF_ERROR(u.Run("flagging salt"));
      }
      STURGEON_ASSIGN_OR_RETURN(Statement ins, db_->Prepare(
          "INSERT INTO batch_steps (batch_id, step, at, salt_percent) VALUES (?, ?, ?, ?)"));
      ins.Bind(1, b.id).Bind(2, static_cast<int>(step.kind)).Bind(3, step.at.ToString()).Bind(4, step.salt_percent);
      return ins.Run("adding step");
    });
    STURGEON_RETURN_IF_ERROR(st);
    return FindBatch(batch_code);
  }

  Result<Batch> FindBatch(const std::string& code) override {
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_->Prepare(
        "SELECT id, code, product, plant, salt_flagged FROM processing_batches WHERE code = ?"));
    s.Bind(1, code);
    STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("finding batch"));
    if (!row) return Status::NotFound(fmt::format("no batch '{}'", code));
    return LoadBatch(s);
  }

  Result<Harvest> GetHarvest(Id id) override {
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_->Prepare(
        fmt::format("SELECT {} FROM roe_harvests h WHERE h.id = ?", kHarvestColumns)));
    s.Bind(1, id);
    STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("finding harvest"));
    if (!row) return Status::NotFound(fmt::format("no harvest {}", id));
    return ReadHarvest(s);
  }

  Result<std::vector<Harvest>> ListHarvests(const TraceQuery& q) override {
    std::string where = "h.id > ?";
    if (q.pool_id) where += " AND h.pool_id = ?";
    if (q.fish_id) where += " AND h.fish_id = ?";
    if (q.farm_ids) where += fmt::format(" AND h.pool_id IN (SELECT id FROM pools WHERE farm_id IN ({}))", IdList(*q.farm_ids));
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_->Prepare(fmt::format(
        "SELECT {} FROM roe_harvests h WHERE {} ORDER BY h.id LIMIT ?", kHarvestColumns, where)));
    int i = 1;
    s.Bind(i++, q.after_id);
    if (q.pool_id) s.Bind(i++, *q.pool_id);
    if (q.fish_id) s.Bind(i++, *q.fish_id);
    s.Bind(i, q.limit);
    std::vector<Harvest> out;
    while (true) {
      STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("listing harvests"));
      if (!row) break;
      out.push_back(ReadHarvest(s));
    }
    return out;
  }

  Result<std::vector<Batch>> ListBatches(const TraceQuery& q) override {
    std::string where = "b.id > ?";
    if (q.farm_ids) {
      // Every harvest of the batch from one of the farms.
      where += fmt::format(
          " AND NOT EXISTS (SELECT 1 FROM roe_harvests h LEFT JOIN pools p ON p.id = h.pool_id "
          "WHERE h.batch_id = b.id AND (p.farm_id IS NULL OR p.farm_id NOT IN ({})))",
          IdList(*q.farm_ids));
    }
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_->Prepare(fmt::format(
        "SELECT b.id, b.code, b.product, b.plant, b.salt_flagged FROM processing_batches b WHERE {} "
        "ORDER BY b.id LIMIT ?", where)));
    s.Bind(1, q.after_id).Bind(2, q.limit);
    return LoadBatches(s);
  }

  Result<Tin> FindTin(const std::string& code) override {
    STURGEON_ASSIGN_OR_RETURN(std::vector<Tin> tins,
                              Tins(fmt::format("SELECT {} FROM tins t WHERE t.code = ?", kTinColumns), code));
    if (tins.empty()) return Status::NotFound(fmt::format("no tin '{}'", code));
    return tins.front();
  }

  Result<Case> FindCase(const std::string& code) override {
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_->Prepare(
        "SELECT id, code, packed_at, shipment_id FROM cases WHERE code = ?"));
    s.Bind(1, code);
    STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("finding case"));
    if (!row) return Status::NotFound(fmt::format("no case '{}'", code));
    return Case{s.Int(0), s.Text(1), TimeOf(s.Text(2)), s.OptInt(3)};
  }

  Result<std::optional<Id>> PoolOfFishAt(const std::string& pit_tag, Timestamp at) override {
    STURGEON_ASSIGN_OR_RETURN(Statement f, db_->Prepare("SELECT id FROM fish WHERE pit_tag = ?"));
    f.Bind(1, pit_tag);
    STURGEON_ASSIGN_OR_RETURN(bool found, f.Step("finding fish"));
    if (!found) return Status::NotFound(fmt::format("no fish with PIT tag '{}'", pit_tag));
    return PoolAt(f.Int(0), at);
  }

  Result<TraceScope> ScopeOf(TraceKind kind, const std::string& key) override {
    // For each kind: the query that proves the record exists, and the
    // batches (or the harvest) whose harvests give its farms.
    struct Kind {
      std::string_view what, exists, harvests;
    };
    static constexpr Kind kKinds[] = {
        {"harvest", "SELECT 1 FROM roe_harvests WHERE id = ?", "h.id = ?"},
        {"batch", "SELECT 1 FROM processing_batches WHERE code = ?",
         "h.batch_id = (SELECT id FROM processing_batches WHERE code = ?)"},
        {"lot", "SELECT 1 FROM lots WHERE code = ?", "h.batch_id = (SELECT batch_id FROM lots WHERE code = ?)"},
        {"tin", "SELECT 1 FROM tins WHERE code = ?",
         "h.batch_id = (SELECT l.batch_id FROM tins t JOIN lots l ON l.id = t.lot_id WHERE t.code = ?)"},
        {"case", "SELECT 1 FROM cases WHERE code = ?",
         "h.batch_id IN (SELECT l.batch_id FROM cases c JOIN tins t ON t.case_id = c.id "
         "JOIN lots l ON l.id = t.lot_id WHERE c.code = ?)"},
        {"shipment", "SELECT 1 FROM shipments WHERE code = ?",
         "h.batch_id IN (SELECT l.batch_id FROM shipments sh JOIN cases c ON c.shipment_id = sh.id "
         "JOIN tins t ON t.case_id = c.id JOIN lots l ON l.id = t.lot_id WHERE sh.code = ?)"},
        {"fish", "SELECT 1 FROM fish WHERE pit_tag = ?", "h.fish_id = (SELECT id FROM fish WHERE pit_tag = ?)"},
    };
    static_assert(std::size(kKinds) == static_cast<size_t>(TraceKind::kFishRoe) + 1);
    const Kind& k = kKinds[static_cast<size_t>(kind)];
    // A harvest id is bound as an integer, and only a canonical decimal is
    // one: SQLite would otherwise read text such as '1e1' as 10.
    std::optional<Id> harvest_id;
    if (kind == TraceKind::kHarvest) {
      harvest_id = ParseId(key);
      if (!harvest_id) return Status::NotFound(fmt::format("no harvest {}", key));
    }
    auto bind_key = [&](Statement& st) {
      if (harvest_id) {
        st.Bind(1, *harvest_id);
      } else {
        st.Bind(1, key);
      }
    };
    STURGEON_ASSIGN_OR_RETURN(Statement e, db_->Prepare(k.exists));
    bind_key(e);
    STURGEON_ASSIGN_OR_RETURN(bool exists, e.Step("finding record"));
    if (!exists) {
      return Status::NotFound(kind == TraceKind::kHarvest ? fmt::format("no harvest {}", key)
                                                          : fmt::format("no {} '{}'", k.what, key));
    }
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_->Prepare(fmt::format(
        "SELECT DISTINCT p.farm_id FROM roe_harvests h LEFT JOIN pools p ON p.id = h.pool_id WHERE {} "
        "ORDER BY p.farm_id", k.harvests)));
    bind_key(s);
    TraceScope scope;
    while (true) {
      STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("finding farms"));
      if (!row) break;
      if (s.IsNull(0)) {
        scope.unplaced = true;
      } else {
        scope.farm_ids.push_back(s.Int(0));
      }
    }
    return scope;
  }

  Result<trace::ProductSpec> FindProduct(const std::string& name) override {
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_->Prepare(fmt::format(
        "SELECT {} FROM products WHERE name = ?", kProductColumns)));
    s.Bind(1, name);
    STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("finding product"));
    if (!row) {
      std::string known;
      auto all = ListProductNames();
      if (all.ok()) {
        for (const std::string& n : *all) known += (known.empty() ? "" : ", ") + n;
      }
      return Status::NotFound(fmt::format("no product '{}' (known: {})", name, known));
    }
    return LoadProduct(s);
  }

  Result<std::vector<trace::ProductSpec>> ListProducts() override {
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_->Prepare(fmt::format(
        "SELECT {} FROM products ORDER BY name", kProductColumns)));
    std::vector<trace::ProductSpec> out;
    while (true) {
      STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("listing products"));
      if (!row) break;
      STURGEON_ASSIGN_OR_RETURN(trace::ProductSpec p, LoadProduct(s));
      out.push_back(std::move(p));
    }
    return out;
  }

  Status PutProduct(const trace::ProductSpec& p) override {
    STURGEON_RETURN_IF_ERROR(trace::ValidateProduct(p));
    return InTransaction([&]() -> Status {
      STURGEON_ASSIGN_OR_RETURN(Statement d, db_->Prepare("DELETE FROM product_grades WHERE product = ?"));
      d.Bind(1, p.name);
      STURGEON_RETURN_IF_ERROR(d.Run("replacing product grades"));
      STURGEON_ASSIGN_OR_RETURN(Statement u, db_->Prepare(
          "INSERT INTO products (name, min_salt_percent, max_salt_percent, reject_salt_outside, "
          "max_extraction_to_seal_minutes, min_celsius, max_celsius, warm_excursion_minutes, freeze_celsius, "
          "pressed_broken_share, pressed_grade, fallback_grade) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
          "ON CONFLICT (name) DO UPDATE SET min_salt_percent = excluded.min_salt_percent, "
          "max_salt_percent = excluded.max_salt_percent, reject_salt_outside = excluded.reject_salt_outside, "
          "max_extraction_to_seal_minutes = excluded.max_extraction_to_seal_minutes, "
          "min_celsius = excluded.min_celsius, max_celsius = excluded.max_celsius, "
          "warm_excursion_minutes = excluded.warm_excursion_minutes, freeze_celsius = excluded.freeze_celsius, "
          "pressed_broken_share = excluded.pressed_broken_share, pressed_grade = excluded.pressed_grade, "
          "fallback_grade = excluded.fallback_grade"));
      u.Bind(1, p.name).Bind(2, p.min_salt_percent).Bind(3, p.max_salt_percent).Bind(4, p.reject_salt_outside ? 1 : 0)
          .Bind(5, p.max_extraction_to_seal_minutes).Bind(6, p.min_celsius).Bind(7, p.max_celsius)
          .Bind(8, p.warm_excursion_minutes).Bind(9, p.freeze_celsius).Bind(10, p.scale.pressed_broken_share)
          .Bind(11, p.scale.pressed_grade).Bind(12, p.scale.fallback_grade);
      STURGEON_RETURN_IF_ERROR(u.Run("storing product"));
      int position = 0;
      for (const trace::GradeRule& g : p.scale.grades) {
        STURGEON_ASSIGN_OR_RETURN(Statement ins, db_->Prepare(
            "INSERT INTO product_grades (product, position, name, min_diameter_mm, max_colour_rank, min_firmness, "
            "min_intact_share) VALUES (?, ?, ?, ?, ?, ?, ?)"));
        ins.Bind(1, p.name).Bind(2, position++).Bind(3, g.name).Bind(4, g.min_diameter_mm).Bind(5, g.max_colour_rank)
            .Bind(6, g.min_firmness).Bind(7, g.min_intact_share);
        STURGEON_RETURN_IF_ERROR(ins.Run("storing grade"));
      }
      return Status::Ok();
    });
  }

  Result<std::vector<Batch>> ListBatches() override {
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_->Prepare(
        "SELECT id, code, product, plant, salt_flagged FROM processing_batches ORDER BY id"));
    return LoadBatches(s);
  }

  Result<Lot> AddLot(const LotInput& in) override {
    STURGEON_RETURN_IF_ERROR(RequireCode("lot", in.code));
    Lot lot;
    Status st = InTransaction([&]() -> Status {
      STURGEON_ASSIGN_OR_RETURN(Batch b, FindBatch(in.batch_code));
      if (b.steps.size() != 4) {
        return Status::FailedPrecondition(fmt::format("batch '{}' is not tinned yet", in.batch_code));
      }
      STURGEON_ASSIGN_OR_RETURN(trace::ProductSpec product, FindProduct(b.product));
      STURGEON_ASSIGN_OR_RETURN(lot.grade, trace::Grade(product.scale, in.sample));
      STURGEON_ASSIGN_OR_RETURN(Statement s, db_->Prepare(
          "SELECT MIN(s.code), MIN(h.extracted_at), SUM(h.roe_kg) FROM roe_harvests h "
          "JOIN fish f ON f.id = h.fish_id JOIN species s ON s.id = f.species_id WHERE h.batch_id = ?"));
      s.Bind(1, b.id);
      STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("reading batch roe"));
      if (!row || s.IsNull(0)) return Status::Internal(fmt::format("batch '{}' has no harvests", b.code));
      trace::CitesLabel label{s.Text(0), in.source, in.country, TimeOf(s.Text(1)).date().year(), b.plant, in.code};
      Status valid = trace::ValidateLabel(label);
      if (!valid.ok()) return valid.WithContext(fmt::format("lot '{}' label", in.code));
      lot.code = in.code;
      lot.batch_id = b.id;
      lot.sample = in.sample;
      lot.sample.colour = std::string(trace::ColourName(*trace::ParseColourRank(in.sample.colour)));
      lot.roe_kg = s.Double(2);
      lot.label = label.ToString();
      STURGEON_ASSIGN_OR_RETURN(Statement ins, db_->Prepare(
          "INSERT INTO lots (code, batch_id, grain_diameter_mm, colour, firmness, intact_share, grade, roe_kg, label) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
      ins.Bind(1, lot.code).Bind(2, lot.batch_id).Bind(3, lot.sample.grain_diameter_mm).Bind(4, lot.sample.colour)
          .Bind(5, lot.sample.firmness).Bind(6, lot.sample.intact_share).Bind(7, lot.grade).Bind(8, lot.roe_kg)
          .Bind(9, lot.label);
      Status w = ins.Run("adding lot");
      if (w.code() == StatusCode::kAlreadyExists) {
        return Status::AlreadyExists(fmt::format("lot '{}' exists, or batch '{}' is already graded", in.code, b.code));
      }
      STURGEON_RETURN_IF_ERROR(w);
      lot.id = db_->LastInsertId();
      return Status::Ok();
    });
    STURGEON_RETURN_IF_ERROR(st);
    return lot;
  }

  Result<Tin> AddTin(const TinInput& in) override {
    STURGEON_RETURN_IF_ERROR(RequireCode("tin", in.code));
    if (!(in.net_g > 0)) return Status::InvalidArgument(fmt::format("net weight {} g: must be above 0", in.net_g));
    if (in.label) STURGEON_RETURN_IF_ERROR(trace::ParseLabel(*in.label).status());
    Tin tin;
    Status st = InTransaction([&]() -> Status {
      STURGEON_ASSIGN_OR_RETURN(Lot lot, FindLot(in.lot_code));
      if (in.label && *in.label != lot.label) {
        return Status::InvalidArgument(
            fmt::format("label '{}' is not lot '{}''s label '{}'", *in.label, lot.code, lot.label));
      }
      STURGEON_ASSIGN_OR_RETURN(Statement s, db_->Prepare("SELECT IFNULL(SUM(net_g), 0) FROM tins WHERE lot_id = ?"));
      s.Bind(1, lot.id);
      STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("summing tins"));
      const double remaining_g = lot.roe_kg * kGramsPerKg - (row ? s.Double(0) : 0.0);
      if (in.net_g > remaining_g + kMassToleranceG) {
        return Status::FailedPrecondition(fmt::format("tin '{}': {} g is more than lot '{}''s remaining {:.1f} g",
                                                      in.code, in.net_g, lot.code, std::max(remaining_g, 0.0)));
      }
      tin = Tin{0, in.code, lot.id, in.net_g, lot.grade, lot.label, std::nullopt};
      STURGEON_ASSIGN_OR_RETURN(Statement ins, db_->Prepare(
          "INSERT INTO tins (code, lot_id, net_g, grade, label) VALUES (?, ?, ?, ?, ?)"));
      ins.Bind(1, tin.code).Bind(2, tin.lot_id).Bind(3, tin.net_g).Bind(4, tin.grade).Bind(5, tin.label);
      Status w = ins.Run("adding tin");
      if (w.code() == StatusCode::kAlreadyExists) return Status::AlreadyExists(fmt::format("tin '{}' exists", in.code));
      STURGEON_RETURN_IF_ERROR(w);
      tin.id = db_->LastInsertId();
      return Status::Ok();
    });
    STURGEON_RETURN_IF_ERROR(st);
    return tin;
  }

  Result<Case> AddCase(const std::string& code, Timestamp packed_at, const std::vector<std::string>& tin_codes) override {
    STURGEON_RETURN_IF_ERROR(RequireCode("case", code));
    if (tin_codes.empty()) return Status::InvalidArgument("a case needs at least one tin");
    Case c{0, code, packed_at, std::nullopt};
    Status st = InTransaction([&]() -> Status {
      STURGEON_ASSIGN_OR_RETURN(Statement ins, db_->Prepare("INSERT INTO cases (code, packed_at) VALUES (?, ?)"));
      ins.Bind(1, code).Bind(2, packed_at.ToString());
      Status w = ins.Run("adding case");
      if (w.code() == StatusCode::kAlreadyExists) return Status::AlreadyExists(fmt::format("case '{}' exists", code));
      STURGEON_RETURN_IF_ERROR(w);
      c.id = db_->LastInsertId();
      return Attach({"tins", "tin", "case_id", "is already in a case", "packing tin"}, tin_codes, c.id);
    });
    STURGEON_RETURN_IF_ERROR(st);
    return c;
  }

  Result<Shipment> AddShipment(const Shipment& in, const std::vector<std::string>& case_codes) override {
    STURGEON_RETURN_IF_ERROR(RequireCode("shipment", in.code));
    const std::string& dc = in.destination_country;
    if (dc.size() != 2 || !std::isupper(static_cast<unsigned char>(dc[0])) ||
        !std::isupper(static_cast<unsigned char>(dc[1]))) {
      return Status::InvalidArgument(fmt::format("destination '{}': expected an ISO 3166 two-letter code", dc));
    }
    if (in.carrier.empty()) return Status::InvalidArgument("carrier: must not be empty");
    if (in.arrival < in.departure) return Status::InvalidArgument("arrival: before departure");
    if (case_codes.empty()) return Status::InvalidArgument("a shipment needs at least one case");
    Shipment sh = in;
    Status st = InTransaction([&]() -> Status {
      STURGEON_ASSIGN_OR_RETURN(Statement ins, db_->Prepare(
          "INSERT INTO shipments (code, destination_country, carrier, departure, arrival) VALUES (?, ?, ?, ?, ?)"));
      ins.Bind(1, sh.code).Bind(2, dc).Bind(3, sh.carrier).Bind(4, sh.departure.ToString()).Bind(5, sh.arrival.ToString());
      Status w = ins.Run("adding shipment");
      if (w.code() == StatusCode::kAlreadyExists) return Status::AlreadyExists(fmt::format("shipment '{}' exists", sh.code));
      STURGEON_RETURN_IF_ERROR(w);
      sh.id = db_->LastInsertId();
      return Attach({"cases", "case", "shipment_id", "is already shipped", "shipping case"}, case_codes, sh.id);
    });
    STURGEON_RETURN_IF_ERROR(st);
    return sh;
  }

  Result<Shipment> FindShipment(const std::string& code) override {
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_->Prepare(
        fmt::format("SELECT {} FROM shipments sh WHERE sh.code = ?", kShipmentColumns)));
    s.Bind(1, code);
    STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("finding shipment"));
    if (!row) return Status::NotFound(fmt::format("no shipment '{}'", code));
    return ReadShipment(s);
  }

  Result<std::vector<Shipment>> ListShipments() override {
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_->Prepare(
        fmt::format("SELECT {} FROM shipments sh ORDER BY sh.id", kShipmentColumns)));
    std::vector<Shipment> out;
    while (true) {
      STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("listing shipments"));
      if (!row) break;
      out.push_back(ReadShipment(s));
    }
    return out;
  }

  Result<int> AddReadings(const std::string& shipment_code, const std::vector<TemperatureReading>& readings) override {
    STURGEON_ASSIGN_OR_RETURN(Shipment sh, FindShipment(shipment_code));
    Status st = InTransaction([&]() -> Status {
      for (const TemperatureReading& r : readings) {
        if (!std::isfinite(r.celsius)) return Status::InvalidArgument("reading: temperature is not a number");
        STURGEON_ASSIGN_OR_RETURN(Statement ins, db_->Prepare(
            "INSERT INTO temperature_readings (shipment_id, logger, at, celsius) VALUES (?, ?, ?, ?)"));
        ins.Bind(1, sh.id).Bind(2, r.logger).Bind(3, r.at.ToString()).Bind(4, r.celsius);
        STURGEON_RETURN_IF_ERROR(ins.Run("adding reading"));
      }
      return Status::Ok();
    });
    STURGEON_RETURN_IF_ERROR(st);
    return static_cast<int>(readings.size());
  }

  Result<std::vector<TemperatureReading>> ListReadings(Id shipment_id) override {
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_->Prepare(
        "SELECT id, shipment_id, logger, at, celsius FROM temperature_readings WHERE shipment_id = ? ORDER BY at, id"));
    s.Bind(1, shipment_id);
    std::vector<TemperatureReading> out;
    while (true) {
      STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("listing readings"));
      if (!row) break;
      out.push_back(TemperatureReading{s.Int(0), s.Int(1), s.Text(2), TimeOf(s.Text(3)), s.Double(4)});
    }
    return out;
  }

  Result<std::vector<Case>> ListCases(Id shipment_id) override {
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_->Prepare(
        "SELECT id, code, packed_at, shipment_id FROM cases WHERE shipment_id = ? ORDER BY id"));
    s.Bind(1, shipment_id);
    std::vector<Case> out;
    while (true) {
      STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("listing cases"));
      if (!row) break;
      out.push_back(Case{s.Int(0), s.Text(1), TimeOf(s.Text(2)), s.OptInt(3)});
    }
    return out;
  }

  Result<std::vector<Tin>> ListTinsOfCase(Id case_id) override {
    return Tins(fmt::format("SELECT {} FROM tins t WHERE t.case_id = ? ORDER BY t.id", kTinColumns), case_id);
  }

  Result<TinTrace> TraceTin(const std::string& tin_code) override {
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_->Prepare(fmt::format(
        "SELECT {}, l.code, c.id, c.code, c.packed_at, c.shipment_id FROM tins t JOIN lots l ON l.id = t.lot_id "
        "LEFT JOIN cases c ON c.id = t.case_id WHERE t.code = ?", kTinColumns)));
    s.Bind(1, tin_code);
    STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("finding tin"));
    if (!row) return Status::NotFound(fmt::format("no tin '{}'", tin_code));
    TinTrace out;
    out.tin = ReadTin(s);
    const std::string lot_code = s.Text(7);
    if (!s.IsNull(8)) out.tin_case = Case{s.Int(8), s.Text(9), TimeOf(s.Text(10)), s.OptInt(11)};
    STURGEON_ASSIGN_OR_RETURN(out.lot, TraceLot(lot_code));
    if (out.tin_case && out.tin_case->shipment_id) {
      STURGEON_ASSIGN_OR_RETURN(Statement sh, db_->Prepare(
          fmt::format("SELECT {} FROM shipments sh WHERE sh.id = ?", kShipmentColumns)));
      sh.Bind(1, *out.tin_case->shipment_id);
      STURGEON_ASSIGN_OR_RETURN(bool found, sh.Step("finding shipment"));
      if (found) out.shipment = ReadShipment(sh);
    }
    return out;
  }

  Result<LotTrace> TraceLot(const std::string& lot_code) override {
    STURGEON_ASSIGN_OR_RETURN(Lot lot, FindLot(lot_code));
    return TraceOfLot(std::move(lot));
  }

  Result<LotTrace> TraceLabel(const std::string& label) override {
    STURGEON_RETURN_IF_ERROR(trace::ParseLabel(label).status());
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_->Prepare("SELECT code FROM lots WHERE label = ?"));
    s.Bind(1, label);
    STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("finding label"));
    if (!row) return Status::NotFound(fmt::format("no lot labelled '{}'", label));
    return TraceLot(s.Text(0));
  }

  Result<Recall> RecallFish(const std::string& pit_tag, const RecallPage& page) override {
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_->Prepare("SELECT id FROM fish WHERE pit_tag = ?"));
    s.Bind(1, pit_tag);
    STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("finding fish"));
    if (!row) return Status::NotFound(fmt::format("no fish with PIT tag '{}'", pit_tag));
    return RecallWhere("h.fish_id = ?", s.Int(0), page);
  }

  Result<Recall> RecallPool(const std::string& pool_code, const RecallPage& page) override {
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_->Prepare("SELECT id FROM pools WHERE code = ?"));
    s.Bind(1, pool_code);
    STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("finding pool"));
    if (!row) return Status::NotFound(fmt::format("no pool '{}'", pool_code));
    return RecallWhere("h.pool_id = ?", s.Int(0), page);
  }

 private:
  // Runs `fn` in an IMMEDIATE transaction; rolls back unless it returns OK.
  // Inside a transaction already open on the connection, runs it under a
  // savepoint instead, undoing only its own changes on failure.
  Status InTransaction(const std::function<Status()>& fn) {
    if (!sqlite3_get_autocommit(db_->handle())) {
      STURGEON_RETURN_IF_ERROR(db_->Exec("SAVEPOINT trace_write"));
      Status st = fn();
      if (!st.ok()) (void)db_->Exec("ROLLBACK TO trace_write");
      Status released = db_->Exec("RELEASE trace_write");
      return st.ok() ? released : st;
    }
    STURGEON_RETURN_IF_ERROR(db_->Exec("BEGIN IMMEDIATE"));
    Status st = fn();
    if (st.ok()) st = db_->Exec("COMMIT");
    if (!st.ok()) (void)db_->Exec("ROLLBACK");
    return st;
  }

  Result<Timestamp> EarliestExtraction(Id batch_id) {
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_->Prepare(
        "SELECT MIN(extracted_at) FROM roe_harvests WHERE batch_id = ?"));
    s.Bind(1, batch_id);
    STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("reading batch"));
    if (!row || s.IsNull(0)) return Status::Internal("batch without harvests");
    return TimeOf(s.Text(0));
  }

  // Every row of a query on processing_batches (LoadBatch's columns).
  Result<std::vector<Batch>> LoadBatches(Statement& s) {
    std::vector<Batch> out;
    while (true) {
      STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("listing batches"));
      if (!row) break;
      STURGEON_ASSIGN_OR_RETURN(Batch b, LoadBatch(s));
      out.push_back(std::move(b));
    }
    return out;
  }

  // `s` is positioned on a row of id, code, product, plant, salt_flagged.
  Result<Batch> LoadBatch(const Statement& s) {
    Batch b;
    b.id = s.Int(0);
    b.code = s.Text(1);
    b.product = s.Text(2);
    b.plant = s.Text(3);
    b.salt_flagged = s.Int(4) != 0;
    STURGEON_ASSIGN_OR_RETURN(Statement h, db_->Prepare("SELECT id FROM roe_harvests WHERE batch_id = ? ORDER BY id"));
    h.Bind(1, b.id);
    while (true) {
      STURGEON_ASSIGN_OR_RETURN(bool row, h.Step("reading batch harvests"));
      if (!row) break;
      b.harvest_ids.push_back(h.Int(0));
    }
    STURGEON_ASSIGN_OR_RETURN(Statement st, db_->Prepare(
        "SELECT step, at, salt_percent FROM batch_steps WHERE batch_id = ? ORDER BY step"));
    st.Bind(1, b.id);
    while (true) {
      STURGEON_ASSIGN_OR_RETURN(bool row, st.Step("reading batch steps"));
      if (!row) break;
      b.steps.push_back(ProcessingStep{static_cast<trace::StepKind>(st.Int(0)), TimeOf(st.Text(1)), st.OptDouble(2)});
    }
    if (!b.steps.empty() && b.steps.back().kind == trace::StepKind::kTinning) {
      STURGEON_ASSIGN_OR_RETURN(Timestamp earliest, EarliestExtraction(b.id));
      STURGEON_ASSIGN_OR_RETURN(trace::ProductSpec product, FindProduct(b.product));
      const trace::SealCheck c = trace::CheckSealTime(product, earliest, b.steps.back().at);
      b.seal_minutes = c.minutes;
      b.seal_breach = c.breach;
    }
    return b;
  }

  Result<std::optional<Id>> PoolAt(Id fish_id, Timestamp at) {
    STURGEON_ASSIGN_OR_RETURN(Statement m, db_->Prepare(
        "SELECT to_pool_id FROM moves WHERE fish_id = ? AND at <= ? ORDER BY at DESC, id DESC LIMIT 1"));
    m.Bind(1, fish_id).Bind(2, at.ToString());
    STURGEON_ASSIGN_OR_RETURN(bool moved, m.Step("locating fish"));
    if (!moved) return std::optional<Id>();
    return m.OptInt(0);
  }

  Result<std::vector<std::string>> ListProductNames() {
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_->Prepare("SELECT name FROM products ORDER BY name"));
    std::vector<std::string> out;
    while (true) {
      STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("listing products"));
      if (!row) break;
      out.push_back(s.Text(0));
    }
    return out;
  }

  // `s` is positioned on a row of kProductColumns.
  Result<trace::ProductSpec> LoadProduct(const Statement& s) {
    trace::ProductSpec p;
    p.name = s.Text(0);
    p.min_salt_percent = s.Double(1);
    p.max_salt_percent = s.Double(2);
    p.reject_salt_outside = s.Int(3) != 0;
    p.max_extraction_to_seal_minutes = static_cast<int>(s.Int(4));
    p.min_celsius = s.Double(5);
    p.max_celsius = s.Double(6);
    p.warm_excursion_minutes = static_cast<int>(s.Int(7));
    p.freeze_celsius = s.Double(8);
    p.scale.pressed_broken_share = s.Double(9);
    p.scale.pressed_grade = s.Text(10);
    p.scale.fallback_grade = s.Text(11);
    STURGEON_ASSIGN_OR_RETURN(Statement g, db_->Prepare(
        "SELECT name, min_diameter_mm, max_colour_rank, min_firmness, min_intact_share FROM product_grades "
        "WHERE product = ? ORDER BY position"));
    g.Bind(1, p.name);
    while (true) {
      STURGEON_ASSIGN_OR_RETURN(bool row, g.Step("reading grades"));
      if (!row) break;
      p.scale.grades.push_back(
          trace::GradeRule{g.Text(0), g.Double(1), static_cast<int>(g.Int(2)), static_cast<int>(g.Int(3)), g.Double(4)});
    }
    return p;
  }

  Result<Lot> FindLot(const std::string& code) override {
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_->Prepare(
        "SELECT id, code, batch_id, grain_diameter_mm, colour, firmness, intact_share, grade, roe_kg, label "
        "FROM lots WHERE code = ?"));
    s.Bind(1, code);
    STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("finding lot"));
    if (!row) return Status::NotFound(fmt::format("no lot '{}'", code));
    Lot l;
    l.id = s.Int(0);
    l.code = s.Text(1);
    l.batch_id = s.Int(2);
    l.sample = trace::GradingSample{s.Double(3), s.Text(4), static_cast<int>(s.Int(5)), s.Double(6)};
    l.grade = s.Text(7);
    l.roe_kg = s.Double(8);
    l.label = s.Text(9);
    return l;
  }

  template <typename Key>
  Result<std::vector<Tin>> Tins(const std::string& sql, const Key& key) {
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_->Prepare(sql));
    s.Bind(1, key);
    std::vector<Tin> out;
    while (true) {
      STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("listing tins"));
      if (!row) break;
      out.push_back(ReadTin(s));
    }
    return out;
  }

  Result<LotTrace> TraceOfLot(Lot lot) {
    LotTrace out;
    STURGEON_ASSIGN_OR_RETURN(Statement b, db_->Prepare(
        "SELECT id, code, product, plant, salt_flagged FROM processing_batches WHERE id = ?"));
    b.Bind(1, lot.batch_id);
    STURGEON_ASSIGN_OR_RETURN(bool row, b.Step("finding batch"));
    if (!row) return Status::Corruption(fmt::format("lot '{}' has no batch", lot.code));
    STURGEON_ASSIGN_OR_RETURN(out.batch, LoadBatch(b));
    STURGEON_ASSIGN_OR_RETURN(Statement o, db_->Prepare(fmt::format(
        "SELECT {}, f.pit_tag, s.code, p.code, fa.code, d.pit_tag, si.pit_tag FROM roe_harvests h "
        "JOIN fish f ON f.id = h.fish_id JOIN species s ON s.id = f.species_id "
        "LEFT JOIN pools p ON p.id = h.pool_id LEFT JOIN farms fa ON fa.id = p.farm_id "
        "LEFT JOIN fish d ON d.id = f.dam_id LEFT JOIN fish si ON si.id = f.sire_id "
        "WHERE h.batch_id = ? ORDER BY h.id", kHarvestColumns)));
    o.Bind(1, lot.batch_id);
    while (true) {
      STURGEON_ASSIGN_OR_RETURN(bool more, o.Step("tracing harvests"));
      if (!more) break;
      HarvestOrigin h;
      h.harvest = ReadHarvest(o);
      h.pit_tag = o.Text(7);
      h.species_code = o.Text(8);
      h.pool_code = o.Text(9);
      h.farm_code = o.Text(10);
      h.dam_tag = o.OptText(11);
      h.sire_tag = o.OptText(12);
      out.origins.push_back(std::move(h));
    }
    STURGEON_ASSIGN_OR_RETURN(out.tins,
                              Tins(fmt::format("SELECT {} FROM tins t WHERE t.lot_id = ? ORDER BY t.id", kTinColumns), lot.id));
    out.lot = std::move(lot);
    return out;
  }

  // Which rows Attach sets the parent of, and how it words its errors.
  struct Child {
    std::string_view table, what, parent_column, already, action;
  };

  // Sets `parent_column` to `parent_id` on each row of `child.table` named
  // by `codes`: NotFound for an unknown code, FailedPrecondition for a row
  // that already has a parent. Call inside a transaction.
  Status Attach(const Child& child, const std::vector<std::string>& codes, Id parent_id) {
    for (const std::string& code : codes) {
      STURGEON_ASSIGN_OR_RETURN(Statement s, db_->Prepare(fmt::format(
          "SELECT id, {} FROM {} WHERE code = ?", child.parent_column, child.table)));
      s.Bind(1, code);
      STURGEON_ASSIGN_OR_RETURN(bool row, s.Step(fmt::format("finding {}", child.what)));
      if (!row) return Status::NotFound(fmt::format("no {} '{}'", child.what, code));
      if (!s.IsNull(1)) return Status::FailedPrecondition(fmt::format("{} '{}' {}", child.what, code, child.already));
      STURGEON_ASSIGN_OR_RETURN(Statement u, db_->Prepare(fmt::format(
          "UPDATE {} SET {} = ? WHERE id = ?", child.table, child.parent_column)));
      u.Bind(1, parent_id).Bind(2, s.Int(0));
      STURGEON_RETURN_IF_ERROR(u.Run(child.action));
    }
    return Status::Ok();
  }

  // The forward trace from the harvests matching `where` (one '?' bound to
  // `key`). Harvests, lots, totals and shipments are whole; the tins are one
  // page. Totals and shipments come from the per-lot summary that migration
  // 6's triggers keep (lot_totals, lot_shipments): O(lots) rows, not O(tins).
  // The page's ids come from the covering index of migration 5, and only the
  // page's tins are read as rows.
  Result<Recall> RecallWhere(std::string_view where, Id key, const RecallPage& page) {
    Recall out;
    if (page.with_harvests) {
      STURGEON_ASSIGN_OR_RETURN(Statement h, db_->Prepare(
          fmt::format("SELECT {} FROM roe_harvests h WHERE {} ORDER BY h.id", kHarvestColumns, where)));
      h.Bind(1, key);
      while (true) {
        STURGEON_ASSIGN_OR_RETURN(bool row, h.Step("recalling harvests"));
        if (!row) break;
        out.harvests.push_back(ReadHarvest(h));
      }
      out.harvest_count = static_cast<int64_t>(out.harvests.size());
    } else {
      STURGEON_ASSIGN_OR_RETURN(Statement h, db_->Prepare(
          fmt::format("SELECT COUNT(*) FROM roe_harvests h WHERE {}", where)));
      h.Bind(1, key);
      STURGEON_ASSIGN_OR_RETURN(bool row, h.Step("counting harvests"));
      if (row) out.harvest_count = h.Int(0);
    }
    const std::string lots_of = fmt::format(
        "SELECT l.id FROM roe_harvests h JOIN lots l ON l.batch_id = h.batch_id WHERE {}", where);
    // The lots with their totals in one pass (a lot with several of the
    // harvests comes once per harvest; it is counted once).
    STURGEON_ASSIGN_OR_RETURN(Statement l, db_->Prepare(fmt::format(
        "SELECT l.id, l.code, IFNULL(lt.tin_count, 0), IFNULL(lt.net_g, 0) FROM roe_harvests h "
        "JOIN lots l ON l.batch_id = h.batch_id LEFT JOIN lot_totals lt ON lt.lot_id = l.id WHERE {}",
        where)));
    l.Bind(1, key);
    std::unordered_set<Id> seen_lots;
    while (true) {
      STURGEON_ASSIGN_OR_RETURN(bool row, l.Step("recalling lots"));
      if (!row) break;
      if (!seen_lots.insert(l.Int(0)).second) continue;
      out.lot_codes.push_back(l.Text(1));
      out.tin_count += l.Int(2);
      out.tin_net_g += l.Double(3);
    }
    std::sort(out.lot_codes.begin(), out.lot_codes.end());
    STURGEON_ASSIGN_OR_RETURN(Statement sh, db_->Prepare(fmt::format(
        "SELECT {} FROM shipments sh WHERE sh.id IN "
        "(SELECT ls.shipment_id FROM lot_shipments ls WHERE ls.lot_id IN ({})) ORDER BY sh.id",
        kShipmentColumns, lots_of)));
    sh.Bind(1, key);
    while (true) {
      STURGEON_ASSIGN_OR_RETURN(bool row, sh.Step("recalling shipments"));
      if (!row) break;
      out.shipments.push_back(ReadShipment(sh));
    }
    if (page.limit <= 0 || out.tin_count == 0) return out;
    // The page's ids are chosen from the covering index alone; only those
    // tins are then read with their lot, case and shipment.
    STURGEON_ASSIGN_OR_RETURN(Statement t, db_->Prepare(fmt::format(
        "SELECT {}, l.code, c.code, sh.code FROM tins t JOIN lots l ON l.id = t.lot_id "
        "LEFT JOIN cases c ON c.id = t.case_id LEFT JOIN shipments sh ON sh.id = c.shipment_id "
        "WHERE t.id IN (SELECT p.id FROM tins p WHERE p.lot_id IN ({}) AND p.id > ? ORDER BY p.id LIMIT ?) "
        "ORDER BY t.id", kTinColumns, lots_of)));
    // One row more than the page says whether another page follows.
    const int64_t fetch = page.limit == std::numeric_limits<int>::max() ? -1 : int64_t{page.limit} + 1;
    t.Bind(1, key).Bind(2, page.after_tin_id).Bind(3, fetch);
    while (true) {
      STURGEON_ASSIGN_OR_RETURN(bool row, t.Step("recalling tins"));
      if (!row) break;
      if (static_cast<int64_t>(out.tins.size()) == page.limit) {
        out.next_tin_cursor = out.tins.back().tin.id;
        break;
      }
      out.tins.push_back(RecalledTin{ReadTin(t), t.Text(7), t.OptText(8), t.OptText(9)});
    }
    return out;
  }

  std::optional<Connection> owned_;
  Connection* db_;
};

}  // namespace

std::unique_ptr<TraceStore> NewSqliteTraceStore(sqlite::Connection* db) {
  return std::make_unique<SqliteTraceStore>(db);
}

Result<std::unique_ptr<TraceStore>> OpenTraceStore(const std::string& url) {
  constexpr std::string_view kSqliteScheme = "sqlite:";
  std::string path = url.rfind(kSqliteScheme, 0) == 0 ? url.substr(kSqliteScheme.size()) : url;
  if (path.empty()) return Status::InvalidArgument("database: empty path");
  STURGEON_ASSIGN_OR_RETURN(Connection db, Connection::Open(path));
  auto store = std::make_unique<SqliteTraceStore>(std::move(db));
  Status st = store->Init();
  if (!st.ok()) return st.WithContext(fmt::format("opening database '{}'", path));
  return std::unique_ptr<TraceStore>(std::move(store));
}

}  // namespace sturgeon
