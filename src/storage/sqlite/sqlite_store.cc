#include "storage/sqlite/sqlite_store.h"

#include <map>
#include <variant>

#include <fmt/format.h>

#include "domain/validation.h"
#include "storage/sqlite/migrations.h"
#include "storage/sqlite/sqlite_audit.h"
#include "storage/sqlite/sqlite_jobs.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/sqlite/sqlite_trace_store.h"

namespace sturgeon {
namespace {

using sqlite::Connection;
using sqlite::Statement;

// ---- Row mapping helpers. ----

std::optional<Id> OptId(const Statement& s, int col) { return s.OptInt(col); }

Timestamp ParseStoredTime(const std::string& text) {
  auto t = Timestamp::Parse(text);
  return t.ok() ? *t : Timestamp{};
}

Date ParseStoredDate(const std::string& text) {
  auto d = Date::Parse(text);
  return d.ok() ? *d : Date{};
}

template <typename E>
E ParseStoredEnum(Result<E> r, E fallback) {
  return r.ok() ? *r : fallback;
}

constexpr std::string_view kFarmColumns = "id, code, name, province, city, latitude, longitude, time_zone";
Farm ReadFarm(const Statement& s) {
  return Farm{s.Int(0), s.Text(1), s.Text(2), s.Text(3), s.Text(4), s.Double(5), s.Double(6), s.Text(7)};
}

constexpr std::string_view kPoolColumns =
    "id, code, farm_id, kind, length_m, width_m, diameter_m, depth_m, volume_m3, max_density_kg_m3";
Pool ReadPool(const Statement& s) {
  Pool p;
  p.id = s.Int(0);
  p.code = s.Text(1);
  p.farm_id = s.Int(2);
  p.kind = ParseStoredEnum(ParsePoolKind(s.Text(3)), PoolKind::kRoundTank);
  p.length_m = s.Double(4);
  p.width_m = s.Double(5);
  p.diameter_m = s.Double(6);
  p.depth_m = s.Double(7);
  p.volume_m3 = s.Double(8);
  p.max_density_kg_m3 = s.Double(9);
  return p;
}

constexpr std::string_view kSpeciesColumns = "id, code, name, scientific_name, male_parent_id, female_parent_id";
Species ReadSpecies(const Statement& s) {
  return Species{s.Int(0), s.Text(1), s.Text(2), s.Text(3), OptId(s, 4), OptId(s, 5)};
}

constexpr std::string_view kCohortColumns = "id, code, year_class, species_id, origin";
Cohort ReadCohort(const Statement& s) {
  return Cohort{s.Int(0), s.Text(1), static_cast<int>(s.Int(2)), s.Int(3), s.Text(4)};
}

constexpr std::string_view kFishColumns =
    "f.id, f.pit_tag, f.species_id, f.sex, f.sex_method, f.birth_date, f.dam_id, f.sire_id, f.cohort_id";
Fish ReadFish(const Statement& s) {
  Fish f;
  f.id = s.Int(0);
  f.pit_tag = s.OptText(1);
  f.species_id = s.Int(2);
  f.sex = ParseStoredEnum(ParseSex(s.Text(3)), Sex::kUnknown);
  f.sex_method = ParseStoredEnum(ParseSexMethod(s.Text(4)), SexMethod::kUnknown);
  if (auto d = s.OptText(5)) f.birth_date = ParseStoredDate(*d);
  f.dam_id = OptId(s, 6);
  f.sire_id = OptId(s, 7);
  f.cohort_id = OptId(s, 8);
  return f;
}

constexpr std::string_view kMoveColumns = "id, at, count, fish_id, cohort_id, from_pool_id, to_pool_id, reason";
Move ReadMove(const Statement& s) {
  return Move{s.Int(0), ParseStoredTime(s.Text(1)), static_cast<int32_t>(s.Int(2)), OptId(s, 3), OptId(s, 4),
              OptId(s, 5), OptId(s, 6), s.Text(7)};
}

constexpr std::string_view kRemovalColumns = "id, kind, at, pool_id, count, fish_id, cohort_id, cause";
Removal ReadRemoval(const Statement& s) {
  return Removal{s.Int(0), ParseStoredEnum(ParseRemovalKind(s.Text(1)), RemovalKind::kDeath),
                 ParseStoredTime(s.Text(2)), s.Int(3), static_cast<int32_t>(s.Int(4)), OptId(s, 5), OptId(s, 6),
                 s.Text(7)};
}

constexpr std::string_view kStocktakeColumns =
    "id, pool_id, at, count, count_low, count_high, mean_weight_g, method, notes";
Stocktake ReadStocktake(const Statement& s) {
  return Stocktake{s.Int(0), s.Int(1), ParseStoredTime(s.Text(2)), s.Int(3), s.OptInt(4), s.OptInt(5),
                   s.OptDouble(6), s.Text(7), s.Text(8)};
}

constexpr std::string_view kStatusColumns =
    "id, day, fish_id, cohort_id, pool_id, weight_g, length_cm, health, feeding, notes";
DailyStatus ReadStatus(const Statement& s) {
  DailyStatus d;
  d.id = s.Int(0);
  d.day = ParseStoredDate(s.Text(1));
  d.fish_id = OptId(s, 2);
  d.cohort_id = OptId(s, 3);
  d.pool_id = OptId(s, 4);
  d.weight_g = s.OptDouble(5);
  d.length_cm = s.OptDouble(6);
  d.health = ParseStoredEnum(ParseHealth(s.Text(7)), Health::kOk);
  d.feeding = ParseStoredEnum(ParseFeedingResponse(s.Text(8)), FeedingResponse::kUnknown);
  d.notes = s.Text(9);
  return d;
}

constexpr std::string_view kFeedingColumns = "id, pool_id, at, feed_type, kg";
Feeding ReadFeeding(const Statement& s) {
  return Feeding{s.Int(0), s.Int(1), ParseStoredTime(s.Text(2)), s.Text(3), s.Double(4)};
}

constexpr std::string_view kWaterColumns =
    "id, pool_id, at, temperature_c, oxygen_mg_l, ph, ammonia_mg_l, nitrite_mg_l";
WaterQuality ReadWater(const Statement& s) {
  return WaterQuality{s.Int(0),       s.Int(1),       ParseStoredTime(s.Text(2)), s.OptDouble(3),
                      s.OptDouble(4), s.OptDouble(5), s.OptDouble(6),             s.OptDouble(7)};
}

constexpr std::string_view kSexingColumns = "id, fish_id, day, sex, gonad_stage, notes";
Sexing ReadSexing(const Statement& s) {
  return Sexing{s.Int(0), s.Int(1), ParseStoredDate(s.Text(2)), ParseStoredEnum(ParseSex(s.Text(3)), Sex::kUnknown),
                static_cast<int>(s.Int(4)), s.Text(5)};
}

constexpr std::string_view kBiopsyColumns = "id, fish_id, day, egg_diameter_mm, polarization_index, notes";
Biopsy ReadBiopsy(const Statement& s) {
  return Biopsy{s.Int(0), s.Int(1), ParseStoredDate(s.Text(2)), s.Double(3), s.Double(4), s.Text(5)};
}

// Builds "WHERE ... ORDER BY id LIMIT n" with bound parameters.
class Where {
 public:
  void Add(std::string condition) { conditions_.push_back(std::move(condition)); }
  // Adds `condition` and binds `value` to its single '?'.
  template <typename T>
  void Add(std::string condition, T value) {
    conditions_.push_back(std::move(condition));
    binds_.emplace_back(std::move(value));
  }
  template <typename T>
  void AddBind(T value) { binds_.emplace_back(std::move(value)); }

  std::string Sql(const std::string& id_column, int limit) const {
    std::string sql;
    for (size_t i = 0; i < conditions_.size(); ++i) {
      sql += i == 0 ? " WHERE " : " AND ";
      sql += conditions_[i];
    }
    sql += fmt::format(" ORDER BY {} LIMIT {}", id_column, limit);
    return sql;
  }
  void BindAll(Statement& s) const {
    int i = 1;
    for (const auto& b : binds_) {
      std::visit([&](const auto& v) { s.Bind(i, v); }, b);
      ++i;
    }
  }

 private:
  std::vector<std::string> conditions_;
  std::vector<std::variant<int64_t, std::string>> binds_;
};

// "at" columns hold timestamps; a date range covers whole days.
void AddTimeRange(Where& w, const RecordQuery& q, const std::string& column) {
  if (q.from) w.Add(column + " >= ?", q.from->ToString());
  if (q.to) w.Add(column + " < ?", q.to->AddDays(1).ToString());
}

void AddDayRange(Where& w, const RecordQuery& q, const std::string& column) {
  if (q.from) w.Add(column + " >= ?", q.from->ToString());
  if (q.to) w.Add(column + " <= ?", q.to->ToString());
}

// Fish whose latest move put them into the pools of `pool_set_sql` and that
// have not been removed since.
std::string FishInPoolsSql(const std::string& pool_set_sql) {
  return "SELECT m.fish_id FROM moves m WHERE m.fish_id IS NOT NULL AND m.to_pool_id IN (" + pool_set_sql +
         ") AND NOT EXISTS (SELECT 1 FROM moves m2 WHERE m2.fish_id = m.fish_id AND (m2.at > m.at OR "
         "(m2.at = m.at AND m2.id > m.id))) AND NOT EXISTS (SELECT 1 FROM removals r WHERE r.fish_id = m.fish_id "
         "AND r.at >= m.at)";
}

constexpr std::string_view kPoolsOfFarm = "SELECT id FROM pools WHERE farm_id = ?";

int ClampLimit(int limit) { return limit <= 0 ? 1000 : std::min(limit, 100000); }

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(Connection db) : db_(std::move(db)) {}

  Status Init() { return sqlite::PrepareConnection(db_); }

  // Runs a bound INSERT and returns the new row's id; a unique-key clash
  // becomes AlreadyExists with `duplicate_message`.
  Result<Id> InsertRow(Statement& s, std::string_view what, std::string duplicate_message) {
    Status st = s.Run(what);
    if (st.code() == StatusCode::kAlreadyExists) return Status::AlreadyExists(std::move(duplicate_message));
    STURGEON_RETURN_IF_ERROR(st);
    return db_.LastInsertId();
  }

  // ---- Farms ----
  Result<Farm> AddFarm(const Farm& farm) override {
    STURGEON_RETURN_IF_ERROR(Validate(farm));
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_.Prepare(
        "INSERT INTO farms (code, name, province, city, latitude, longitude, time_zone) VALUES (?,?,?,?,?,?,?)"));
    s.Bind(1, farm.code).Bind(2, farm.name).Bind(3, farm.province).Bind(4, farm.city).Bind(5, farm.latitude)
        .Bind(6, farm.longitude).Bind(7, farm.time_zone);
    Farm out = farm;
    STURGEON_ASSIGN_OR_RETURN(out.id, InsertRow(s, "adding farm", fmt::format("a farm with code '{}' already exists", farm.code)));
    return out;
  }
  Result<Farm> GetFarm(Id id) override {
    return GetOne<Farm>(fmt::format("SELECT {} FROM farms WHERE id = ?", kFarmColumns), id, ReadFarm,
                        fmt::format("no farm with id {}", id));
  }
  Result<Farm> FindFarm(const std::string& code) override {
    return GetOne<Farm>(fmt::format("SELECT {} FROM farms WHERE code = ?", kFarmColumns), code, ReadFarm,
                        fmt::format("no farm with code '{}'", code));
  }
  Result<std::vector<Farm>> ListFarms() override {
    return ListAll<Farm>(fmt::format("SELECT {} FROM farms ORDER BY code", kFarmColumns), ReadFarm);
  }

  // ---- Pools ----
  Result<Pool> AddPool(const Pool& pool) override {
    STURGEON_RETURN_IF_ERROR(Validate(pool));
    STURGEON_RETURN_IF_ERROR(GetFarm(pool.farm_id).status());
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_.Prepare(
        "INSERT INTO pools (code, farm_id, kind, length_m, width_m, diameter_m, depth_m, volume_m3, "
        "max_density_kg_m3) VALUES (?,?,?,?,?,?,?,?,?)"));
    s.Bind(1, pool.code).Bind(2, pool.farm_id).Bind(3, ToString(pool.kind)).Bind(4, pool.length_m)
        .Bind(5, pool.width_m).Bind(6, pool.diameter_m).Bind(7, pool.depth_m).Bind(8, pool.volume_m3)
        .Bind(9, pool.max_density_kg_m3);
    Pool out = pool;
    STURGEON_ASSIGN_OR_RETURN(out.id, InsertRow(s, "adding pool", fmt::format("a pool with id '{}' already exists", pool.code)));
    return out;
  }
  Result<Pool> GetPool(Id id) override {
    return GetOne<Pool>(fmt::format("SELECT {} FROM pools WHERE id = ?", kPoolColumns), id, ReadPool,
                        fmt::format("no pool with id {}", id));
  }
  Result<Pool> FindPool(const std::string& code) override {
    return GetOne<Pool>(fmt::format("SELECT {} FROM pools WHERE code = ?", kPoolColumns), code, ReadPool,
                        fmt::format("no pool '{}'", code));
  }
  Result<std::vector<Pool>> ListPools(std::optional<Id> farm_id) override {
    if (!farm_id) return ListAll<Pool>(fmt::format("SELECT {} FROM pools ORDER BY code", kPoolColumns), ReadPool);
    STURGEON_ASSIGN_OR_RETURN(Statement s,
                              db_.Prepare(fmt::format("SELECT {} FROM pools WHERE farm_id = ? ORDER BY code", kPoolColumns)));
    s.Bind(1, *farm_id);
    return Collect<Pool>(s, ReadPool);
  }

  // ---- Species ----
  Result<Species> AddSpecies(const Species& species) override {
    STURGEON_RETURN_IF_ERROR(Validate(species));
    if (species.is_hybrid()) {
      STURGEON_ASSIGN_OR_RETURN(Species male, GetSpecies(*species.male_parent_id));
      STURGEON_ASSIGN_OR_RETURN(Species female, GetSpecies(*species.female_parent_id));
      if (male.is_hybrid() || female.is_hybrid()) {
        return Status::InvalidArgument("species: a hybrid's parents must be pure species");
      }
      const std::string expected = male.code + " x " + female.code;
      if (species.code != expected) {
        return Status::InvalidArgument(fmt::format(
            "species code: a hybrid of male {} and female {} is coded '{}', not '{}'", male.code, female.code,
            expected, species.code));
      }
    }
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_.Prepare(
        "INSERT INTO species (code, name, scientific_name, male_parent_id, female_parent_id) VALUES (?,?,?,?,?)"));
    s.Bind(1, species.code).Bind(2, species.name).Bind(3, species.scientific_name).Bind(4, species.male_parent_id)
        .Bind(5, species.female_parent_id);
    Species out = species;
    STURGEON_ASSIGN_OR_RETURN(out.id, InsertRow(s, "adding species", fmt::format("species '{}' already exists", species.code)));
    return out;
  }
  Result<Species> GetSpecies(Id id) override {
    return GetOne<Species>(fmt::format("SELECT {} FROM species WHERE id = ?", kSpeciesColumns), id, ReadSpecies,
                           fmt::format("no species with id {}", id));
  }
  Result<Species> FindSpecies(const std::string& code) override {
    return GetOne<Species>(fmt::format("SELECT {} FROM species WHERE code = ?", kSpeciesColumns), code, ReadSpecies,
                           fmt::format("no species '{}'", code));
  }
  Result<std::vector<Species>> ListSpecies() override {
    return ListAll<Species>(fmt::format("SELECT {} FROM species ORDER BY code", kSpeciesColumns), ReadSpecies);
  }

  // ---- Cohorts ----
  Result<Cohort> AddCohort(const Cohort& cohort) override {
    STURGEON_RETURN_IF_ERROR(Validate(cohort));
    STURGEON_RETURN_IF_ERROR(GetSpecies(cohort.species_id).status());
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_.Prepare(
        "INSERT INTO cohorts (code, year_class, species_id, origin) VALUES (?,?,?,?)"));
    s.Bind(1, cohort.code).Bind(2, cohort.year_class).Bind(3, cohort.species_id).Bind(4, cohort.origin);
    Cohort out = cohort;
    STURGEON_ASSIGN_OR_RETURN(out.id, InsertRow(s, "adding cohort", fmt::format("cohort '{}' already exists", cohort.code)));
    return out;
  }
  Result<Cohort> GetCohort(Id id) override {
    return GetOne<Cohort>(fmt::format("SELECT {} FROM cohorts WHERE id = ?", kCohortColumns), id, ReadCohort,
                          fmt::format("no cohort with id {}", id));
  }
  Result<Cohort> FindCohort(const std::string& code) override {
    return GetOne<Cohort>(fmt::format("SELECT {} FROM cohorts WHERE code = ?", kCohortColumns), code, ReadCohort,
                          fmt::format("no cohort '{}'", code));
  }
  Result<std::vector<Cohort>> ListCohorts() override {
    return ListAll<Cohort>(fmt::format("SELECT {} FROM cohorts ORDER BY code", kCohortColumns), ReadCohort);
  }

  // ---- Batches ----
  Status Write(const WriteBatch& batch) override {
    if (batch.size() == 0) return Status::Ok();
    // Inside Transaction(): join it; the caller commits or rolls back.
    if (!sqlite3_get_autocommit(db_.handle())) return WriteInTransaction(batch);
    STURGEON_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
    Status st = WriteInTransaction(batch);
    if (!st.ok()) {
      (void)db_.Exec("ROLLBACK");
      return st;
    }
    st = db_.Exec("COMMIT");
    if (!st.ok()) {
      (void)db_.Exec("ROLLBACK");
      return st;
    }
    return Status::Ok();
  }

  // ---- Fish ----
  Result<Fish> GetFish(Id id) override {
    return GetOne<Fish>(fmt::format("SELECT {} FROM fish f WHERE f.id = ?", kFishColumns), id, ReadFish,
                        fmt::format("no fish with id {}", id));
  }
  Result<Fish> FindFishByTag(const std::string& pit_tag) override {
    return GetOne<Fish>(fmt::format("SELECT {} FROM fish f WHERE f.pit_tag = ?", kFishColumns), pit_tag, ReadFish,
                        fmt::format("no fish with PIT tag '{}'", pit_tag));
  }
  Result<std::unordered_map<std::string, Id>> ResolveTags(const std::vector<std::string>& tags) override {
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_.Prepare("SELECT id FROM fish WHERE pit_tag = ?"));
    std::unordered_map<std::string, Id> out;
    for (const std::string& tag : tags) {
      s.Bind(1, tag);
      STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("resolving PIT tags"));
      if (row) out.emplace(tag, s.Int(0));
      s.Reset();
    }
    return out;
  }
  Result<std::optional<Id>> CurrentPoolOfFish(Id fish_id) override {
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_.Prepare(
        "SELECT m.to_pool_id, m.at FROM moves m WHERE m.fish_id = ? ORDER BY m.at DESC, m.id DESC LIMIT 1"));
    s.Bind(1, fish_id);
    STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("locating fish"));
    if (!row || s.IsNull(0)) return std::optional<Id>();
    const Id pool = s.Int(0);
    const std::string at = s.Text(1);
    STURGEON_ASSIGN_OR_RETURN(Statement r, db_.Prepare("SELECT 1 FROM removals WHERE fish_id = ? AND at >= ?"));
    r.Bind(1, fish_id).Bind(2, at);
    STURGEON_ASSIGN_OR_RETURN(bool removed, r.Step("locating fish"));
    if (removed) return std::optional<Id>();
    return std::optional<Id>(pool);
  }

  Result<std::vector<Fish>> ListFish(const RecordQuery& q) override {
    Where w;
    if (q.pool_id) w.Add("f.id IN (" + FishInPoolsSql("?") + ")", *q.pool_id);
    if (q.farm_id) w.Add("f.id IN (" + FishInPoolsSql(std::string(kPoolsOfFarm)) + ")", *q.farm_id);
    if (q.fish_id) w.Add("f.id = ?", *q.fish_id);
    if (q.cohort_id) w.Add("f.cohort_id = ?", *q.cohort_id);
    w.Add("f.id > ?", q.after_id);
    return Query<Fish>(fmt::format("SELECT {} FROM fish f", kFishColumns), w, "f.id", q.limit, ReadFish);
  }

  Result<std::vector<Move>> ListMoves(const RecordQuery& q) override {
    Where w;
    if (q.pool_id) {
      w.Add("(from_pool_id = ? OR to_pool_id = ?)", *q.pool_id);
      w.AddBind(*q.pool_id);
    }
    if (q.farm_id) {
      w.Add(fmt::format("(from_pool_id IN ({0}) OR to_pool_id IN ({0}))", kPoolsOfFarm), *q.farm_id);
      w.AddBind(*q.farm_id);
    }
    if (q.fish_id) w.Add("fish_id = ?", *q.fish_id);
    if (q.cohort_id) w.Add("cohort_id = ?", *q.cohort_id);
    AddTimeRange(w, q, "at");
    w.Add("id > ?", q.after_id);
    return Query<Move>(fmt::format("SELECT {} FROM moves", kMoveColumns), w, "id", q.limit, ReadMove);
  }

  Result<std::vector<Removal>> ListRemovals(const RecordQuery& q) override {
    Where w = PoolScoped(q, "at", true);
    if (q.fish_id) w.Add("fish_id = ?", *q.fish_id);
    if (q.cohort_id) w.Add("cohort_id = ?", *q.cohort_id);
    w.Add("id > ?", q.after_id);
    return Query<Removal>(fmt::format("SELECT {} FROM removals", kRemovalColumns), w, "id", q.limit, ReadRemoval);
  }

  Result<std::vector<Stocktake>> ListStocktakes(const RecordQuery& q) override {
    Where w = PoolScoped(q, "at", true);
    w.Add("id > ?", q.after_id);
    return Query<Stocktake>(fmt::format("SELECT {} FROM stocktakes", kStocktakeColumns), w, "id", q.limit,
                            ReadStocktake);
  }

  Result<std::vector<DailyStatus>> ListDailyStatus(const RecordQuery& q) override {
    Where w = PoolScoped(q, "day", false);
    if (q.fish_id) w.Add("fish_id = ?", *q.fish_id);
    if (q.cohort_id) w.Add("cohort_id = ?", *q.cohort_id);
    w.Add("id > ?", q.after_id);
    return Query<DailyStatus>(fmt::format("SELECT {} FROM daily_status", kStatusColumns), w, "id", q.limit,
                              ReadStatus);
  }

  Result<std::vector<Feeding>> ListFeedings(const RecordQuery& q) override {
    Where w = PoolScoped(q, "at", true);
    w.Add("id > ?", q.after_id);
    return Query<Feeding>(fmt::format("SELECT {} FROM feedings", kFeedingColumns), w, "id", q.limit, ReadFeeding);
  }

  Result<std::vector<WaterQuality>> ListWater(const RecordQuery& q) override {
    Where w = PoolScoped(q, "at", true);
    w.Add("id > ?", q.after_id);
    return Query<WaterQuality>(fmt::format("SELECT {} FROM water_quality", kWaterColumns), w, "id", q.limit,
                               ReadWater);
  }

  Result<std::vector<Sexing>> ListSexings(const RecordQuery& q) override {
    Where w = FishScoped(q);
    w.Add("id > ?", q.after_id);
    return Query<Sexing>(fmt::format("SELECT {} FROM sexings", kSexingColumns), w, "id", q.limit, ReadSexing);
  }

  Result<std::vector<Biopsy>> ListBiopsies(const RecordQuery& q) override {
    Where w = FishScoped(q);
    w.Add("id > ?", q.after_id);
    return Query<Biopsy>(fmt::format("SELECT {} FROM biopsies", kBiopsyColumns), w, "id", q.limit, ReadBiopsy);
  }

  // ---- Inventory ----
  Result<PoolLedger> LoadPoolLedger(Id pool_id, Timestamp at) override {
    PoolLedger ledger;
    STURGEON_ASSIGN_OR_RETURN(ledger.pool, GetPool(pool_id));
    const std::string at_text = at.ToString();
    {
      STURGEON_ASSIGN_OR_RETURN(Statement s, db_.Prepare(kLedgerSql));
      s.Bind(1, pool_id).Bind(2, at_text);
      while (true) {
        STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("loading pool ledger"));
        if (!row) break;
        ledger.entries.push_back(
            LedgerEntry{ParseStoredTime(s.Text(0)), s.Int(1), OptId(s, 2), OptId(s, 3)});
      }
      s.Reset();
    }
    {
      STURGEON_ASSIGN_OR_RETURN(Statement s, db_.Prepare(fmt::format(
          "SELECT {} FROM stocktakes WHERE pool_id = ? AND at <= ? ORDER BY at DESC, id DESC LIMIT 1",
          kStocktakeColumns)));
      s.Bind(1, pool_id).Bind(2, at_text);
      STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("loading stocktake"));
      if (row) ledger.last_reset = ReadStocktake(s);
      s.Reset();
    }
    const Date day = at.date();
    // The latest weighing of each population now in the pool. Most are found
    // in one range scan of the pool's recent rows (covering index on
    // (pool_id, day, fish_id, cohort_id, weight_g)); the rest are looked up
    // one by one (weighed long ago, or recorded without the pool).
    std::map<PopulationKey, bool> needed;
    for (const PopulationCount& pc : CountPopulations(ledger.entries, at)) {
      if (pc.count > 0 && (pc.key.fish_id || pc.key.cohort_id)) needed.emplace(pc.key, false);
    }
    size_t found = 0;
    if (!needed.empty()) {
      STURGEON_ASSIGN_OR_RETURN(Statement scan, db_.Prepare(
          "SELECT fish_id, cohort_id, weight_g FROM daily_status WHERE pool_id = ? AND day <= ? AND day >= ? "
          "AND weight_g IS NOT NULL ORDER BY day DESC"));
      scan.Bind(1, pool_id).Bind(2, day.ToString()).Bind(3, day.AddDays(-kWeighingScanDays).ToString());
      while (found < needed.size()) {
        STURGEON_ASSIGN_OR_RETURN(bool row, scan.Step("loading weights"));
        if (!row) break;
        const PopulationKey key = scan.IsNull(0) ? PopulationKey{scan.OptInt(1), std::nullopt}
                                                 : PopulationKey{std::nullopt, scan.Int(0)};
        auto it = needed.find(key);
        if (it == needed.end() || it->second) continue;
        it->second = true;
        ++found;
        ledger.weights.push_back(PopulationWeight{key, scan.Double(2)});
      }
    }
    if (found < needed.size()) {
      const std::string day_text = day.ToString();
      STURGEON_ASSIGN_OR_RETURN(Statement fish_weight, db_.Prepare(
          "SELECT weight_g FROM daily_status WHERE fish_id = ? AND day <= ? AND weight_g IS NOT NULL "
          "ORDER BY day DESC LIMIT 1"));
      STURGEON_ASSIGN_OR_RETURN(Statement cohort_weight, db_.Prepare(
          "SELECT weight_g FROM daily_status WHERE cohort_id = ? AND pool_id = ? AND fish_id IS NULL AND day <= ? "
          "AND weight_g IS NOT NULL ORDER BY day DESC LIMIT 1"));
      for (const auto& [key, done] : needed) {
        if (done) continue;
        Statement& s = key.fish_id ? fish_weight : cohort_weight;
        if (key.fish_id) {
          s.Bind(1, *key.fish_id).Bind(2, day_text);
        } else {
          s.Bind(1, *key.cohort_id).Bind(2, pool_id).Bind(3, day_text);
        }
        STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("loading weights"));
        if (row) ledger.weights.push_back(PopulationWeight{key, s.Double(0)});
        s.Reset();
      }
    }
    return ledger;
  }

  // A sampled ANALYZE: enough statistics for the planner to prefer the
  // covering indexes, in milliseconds even on tens of millions of rows.
  Status Optimize() override { return db_.Exec("PRAGMA analysis_limit = 2000; ANALYZE;"); }

  // ---- Transactions and the audit trail (SQL in sqlite_audit.cc). ----
  Status Transaction(const std::function<Status()>& fn) override { return sqlite::RunInTransaction(db_, fn); }

  Result<TraceStore*> Trace() override {
    if (!trace_) trace_ = NewSqliteTraceStore(&db_);
    return trace_.get();
  }
  Result<Id> AppendAudit(const AuditEntry& entry) override { return sqlite::AppendAudit(db_, entry); }
  Result<std::vector<AuditEntry>> ListAudit(const AuditQuery& q) override { return sqlite::ListAudit(db_, q); }

  // ---- Drone stocktake jobs (SQL in sqlite_jobs.cc). ----
  Result<StocktakeJob> AddStocktakeJob(const StocktakeJob& job) override { return sqlite::AddStocktakeJob(db_, job); }
  Result<StocktakeJob> GetStocktakeJob(Id id) override { return sqlite::GetStocktakeJob(db_, id); }
  Result<std::vector<StocktakeJob>> ListStocktakeJobs(Id pool_id, int limit) override {
    return sqlite::ListStocktakeJobs(db_, pool_id, limit);
  }
  Result<std::optional<StocktakeJob>> ClaimStocktakeJob(Timestamp stale_before) override {
    return sqlite::ClaimStocktakeJob(db_, stale_before);
  }
  Status HeartbeatStocktakeJob(Id id, int attempt) override { return sqlite::HeartbeatStocktakeJob(db_, id, attempt); }
  Status UpdateStocktakeJobProgress(Id id, int attempt, int frames_done, int frames_total) override {
    return sqlite::UpdateStocktakeJobProgress(db_, id, attempt, frames_done, frames_total);
  }
  Status FinishStocktakeJob(Id id, int attempt, const std::string& result_json,
                            const std::string& snapshot_png) override {
    return sqlite::FinishStocktakeJob(db_, id, attempt, result_json, snapshot_png);
  }
  Status FailStocktakeJob(Id id, int attempt, const std::string& error) override {
    return sqlite::FailStocktakeJob(db_, id, attempt, error);
  }
  Status ReleaseStocktakeJob(Id id, int attempt) override { return sqlite::ReleaseStocktakeJob(db_, id, attempt); }
  Result<std::vector<StocktakeJob>> ListUnfinishedStocktakeJobs() override {
    return sqlite::ListUnfinishedStocktakeJobs(db_);
  }
  Result<std::string> StocktakeJobSnapshot(Id id) override { return sqlite::StocktakeJobSnapshot(db_, id); }
  Status MarkStocktakeJobAccepted(Id id, Id stocktake_id, Id user_id, Timestamp at) override {
    return sqlite::MarkStocktakeJobAccepted(db_, id, stocktake_id, user_id, at);
  }

 private:
  // How far back the pool-wide weighing scan looks before falling back to
  // per-population lookups.
  static constexpr int kWeighingScanDays = 31;
  static constexpr std::string_view kLedgerSql =
      "SELECT at, count, cohort_id, fish_id FROM moves WHERE to_pool_id = ?1 AND at <= ?2 "
      "UNION ALL SELECT at, -count, cohort_id, fish_id FROM moves WHERE from_pool_id = ?1 AND at <= ?2 "
      "UNION ALL SELECT at, -count, cohort_id, fish_id FROM removals WHERE pool_id = ?1 AND at <= ?2";


  template <typename T, typename Key, typename Reader>
  Result<T> GetOne(const std::string& sql, const Key& key, Reader read, std::string not_found) {
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_.Prepare(sql));
    s.Bind(1, key);
    STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("lookup"));
    if (!row) return Status::NotFound(std::move(not_found));
    return read(s);
  }

  template <typename T, typename Reader>
  Result<std::vector<T>> Collect(Statement& s, Reader read) {
    std::vector<T> out;
    while (true) {
      STURGEON_ASSIGN_OR_RETURN(bool row, s.Step("list"));
      if (!row) break;
      out.push_back(read(s));
    }
    return out;
  }

  template <typename T, typename Reader>
  Result<std::vector<T>> ListAll(const std::string& sql, Reader read) {
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_.Prepare(sql));
    return Collect<T>(s, read);
  }

  template <typename T, typename Reader>
  Result<std::vector<T>> Query(const std::string& select, const Where& w, const std::string& id_column, int limit,
                               Reader read) {
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_.Prepare(select + w.Sql(id_column, ClampLimit(limit))));
    w.BindAll(s);
    return Collect<T>(s, read);
  }

  // Filters for tables with a pool_id column and a time or day column.
  static Where PoolScoped(const RecordQuery& q, const std::string& time_column, bool is_timestamp) {
    Where w;
    if (q.pool_id) w.Add("pool_id = ?", *q.pool_id);
    if (q.farm_id) w.Add(fmt::format("pool_id IN ({})", kPoolsOfFarm), *q.farm_id);
    if (is_timestamp) {
      AddTimeRange(w, q, time_column);
    } else {
      AddDayRange(w, q, time_column);
    }
    return w;
  }

  // Filters for tables keyed by fish (sexings, biopsies).
  static Where FishScoped(const RecordQuery& q) {
    Where w;
    if (q.fish_id) w.Add("fish_id = ?", *q.fish_id);
    if (q.pool_id) w.Add("fish_id IN (" + FishInPoolsSql("?") + ")", *q.pool_id);
    if (q.farm_id) w.Add("fish_id IN (" + FishInPoolsSql(std::string(kPoolsOfFarm)) + ")", *q.farm_id);
    AddDayRange(w, q, "day");
    return w;
  }

  Status WriteInTransaction(const WriteBatch& b) {
    if (!b.fish.empty()) {
      STURGEON_ASSIGN_OR_RETURN(Statement ins, db_.Prepare(
          "INSERT INTO fish (pit_tag, species_id, sex, sex_method, birth_date, dam_id, sire_id, cohort_id) "
          "VALUES (?,?,?,?,?,?,?,?)"));
      STURGEON_ASSIGN_OR_RETURN(Statement by_tag, db_.Prepare("SELECT id FROM fish WHERE pit_tag = ?"));
      STURGEON_ASSIGN_OR_RETURN(Statement stock, db_.Prepare(
          "INSERT INTO moves (at, count, fish_id, cohort_id, from_pool_id, to_pool_id, reason) "
          "VALUES (?,1,?,?,NULL,?,'stocked')"));
      for (size_t i = 0; i < b.fish.size(); ++i) {
        const NewFish& nf = b.fish[i];
        const std::string where = fmt::format("fish[{}]", i);
        Fish f = nf.fish;
        STURGEON_RETURN_IF_ERROR(ResolveParent(by_tag, nf.dam_tag, "dam", &f.dam_id).WithContext(where));
        STURGEON_RETURN_IF_ERROR(ResolveParent(by_tag, nf.sire_tag, "sire", &f.sire_id).WithContext(where));
        STURGEON_RETURN_IF_ERROR(Validate(f).WithContext(where));
        ins.Bind(1, f.pit_tag).Bind(2, f.species_id).Bind(3, ToString(f.sex)).Bind(4, ToString(f.sex_method));
        if (f.birth_date) ins.Bind(5, f.birth_date->ToString()); else ins.BindNull(5);
        ins.Bind(6, f.dam_id).Bind(7, f.sire_id).Bind(8, f.cohort_id);
        Status st = ins.Run("adding fish");
        ins.Reset();
        if (st.code() == StatusCode::kAlreadyExists) {
          return Status::AlreadyExists(fmt::format("{}: PIT tag '{}' is already in use", where, f.pit_tag.value_or("")));
        }
        STURGEON_RETURN_IF_ERROR(st.WithContext(where));
        if (nf.stock_pool_id) {
          stock.Bind(1, nf.stocked_at.ToString()).Bind(2, db_.LastInsertId()).Bind(3, f.cohort_id)
              .Bind(4, *nf.stock_pool_id);
          Status ms = stock.Run("stocking fish");
          stock.Reset();
          STURGEON_RETURN_IF_ERROR(ms.WithContext(where));
        }
      }
    }
    STURGEON_RETURN_IF_ERROR(InsertAll(b.moves, "moves",
        "INSERT INTO moves (at, count, fish_id, cohort_id, from_pool_id, to_pool_id, reason) VALUES (?,?,?,?,?,?,?)",
        [](Statement& s, const Move& m) {
          s.Bind(1, m.at.ToString()).Bind(2, m.count).Bind(3, m.fish_id).Bind(4, m.cohort_id).Bind(5, m.from_pool_id)
              .Bind(6, m.to_pool_id).Bind(7, m.reason);
        }));
    STURGEON_RETURN_IF_ERROR(InsertAll(b.removals, "removals",
        "INSERT INTO removals (kind, at, pool_id, count, fish_id, cohort_id, cause) VALUES (?,?,?,?,?,?,?)",
        [](Statement& s, const Removal& r) {
          s.Bind(1, ToString(r.kind)).Bind(2, r.at.ToString()).Bind(3, r.pool_id).Bind(4, r.count)
              .Bind(5, r.fish_id).Bind(6, r.cohort_id).Bind(7, r.cause);
        }));
    STURGEON_RETURN_IF_ERROR(InsertAll(b.stocktakes, "stocktakes",
        "INSERT INTO stocktakes (pool_id, at, count, count_low, count_high, mean_weight_g, method, notes) "
        "VALUES (?,?,?,?,?,?,?,?)",
        [](Statement& s, const Stocktake& t) {
          s.Bind(1, t.pool_id).Bind(2, t.at.ToString()).Bind(3, t.count).Bind(4, t.count_low).Bind(5, t.count_high)
              .Bind(6, t.mean_weight_g).Bind(7, t.method).Bind(8, t.notes);
        }));
    STURGEON_RETURN_IF_ERROR(InsertAll(b.statuses, "daily status",
        "INSERT INTO daily_status (day, fish_id, cohort_id, pool_id, weight_g, length_cm, health, feeding, notes) "
        "VALUES (?,?,?,?,?,?,?,?,?)",
        [](Statement& s, const DailyStatus& d) {
          s.Bind(1, d.day.ToString()).Bind(2, d.fish_id).Bind(3, d.cohort_id).Bind(4, d.pool_id)
              .Bind(5, d.weight_g).Bind(6, d.length_cm).Bind(7, ToString(d.health)).Bind(8, ToString(d.feeding))
              .Bind(9, d.notes);
        }));
    STURGEON_RETURN_IF_ERROR(InsertAll(b.feedings, "feedings",
        "INSERT INTO feedings (pool_id, at, feed_type, kg) VALUES (?,?,?,?)",
        [](Statement& s, const Feeding& f) {
          s.Bind(1, f.pool_id).Bind(2, f.at.ToString()).Bind(3, f.feed_type).Bind(4, f.kg);
        }));
    STURGEON_RETURN_IF_ERROR(InsertAll(b.water, "water quality",
        "INSERT INTO water_quality (pool_id, at, temperature_c, oxygen_mg_l, ph, ammonia_mg_l, nitrite_mg_l) "
        "VALUES (?,?,?,?,?,?,?)",
        [](Statement& s, const WaterQuality& w) {
          s.Bind(1, w.pool_id).Bind(2, w.at.ToString()).Bind(3, w.temperature_c).Bind(4, w.oxygen_mg_l)
              .Bind(5, w.ph).Bind(6, w.ammonia_mg_l).Bind(7, w.nitrite_mg_l);
        }));
    STURGEON_RETURN_IF_ERROR(InsertAll(b.sexings, "sexings",
        "INSERT INTO sexings (fish_id, day, sex, gonad_stage, notes) VALUES (?,?,?,?,?)",
        [](Statement& s, const Sexing& x) {
          s.Bind(1, x.fish_id).Bind(2, x.day.ToString()).Bind(3, ToString(x.sex)).Bind(4, x.gonad_stage)
              .Bind(5, x.notes);
        }));
    if (!b.sexings.empty()) {
      STURGEON_ASSIGN_OR_RETURN(Statement upd, db_.Prepare(
          "UPDATE fish SET sex = ?, sex_method = 'ultrasound' WHERE id = ?"));
      for (const Sexing& x : b.sexings) {
        if (x.sex == Sex::kUnknown) continue;
        upd.Bind(1, ToString(x.sex)).Bind(2, x.fish_id);
        STURGEON_RETURN_IF_ERROR(upd.Run("updating sex"));
        upd.Reset();
      }
    }
    STURGEON_RETURN_IF_ERROR(InsertAll(b.biopsies, "biopsies",
        "INSERT INTO biopsies (fish_id, day, egg_diameter_mm, polarization_index, notes) VALUES (?,?,?,?,?)",
        [](Statement& s, const Biopsy& x) {
          s.Bind(1, x.fish_id).Bind(2, x.day.ToString()).Bind(3, x.egg_diameter_mm).Bind(4, x.polarization_index)
              .Bind(5, x.notes);
        }));
    return Status::Ok();
  }

  template <typename T, typename Binder>
  Status InsertAll(const std::vector<T>& rows, std::string_view what, std::string_view sql, Binder bind) {
    if (rows.empty()) return Status::Ok();
    STURGEON_ASSIGN_OR_RETURN(Statement s, db_.Prepare(sql));
    for (size_t i = 0; i < rows.size(); ++i) {
      Status valid = Validate(rows[i]);
      if (!valid.ok()) return valid.WithContext(fmt::format("{}[{}]", what, i));
      bind(s, rows[i]);
      Status st = s.Run("insert");
      s.Reset();
      if (!st.ok()) return st.WithContext(fmt::format("{}[{}]", what, i));
    }
    return Status::Ok();
  }

  Status ResolveParent(Statement& by_tag, const std::optional<std::string>& tag, std::string_view role,
                       std::optional<Id>* out) {
    if (!tag || tag->empty()) return Status::Ok();
    by_tag.Bind(1, *tag);
    auto row = by_tag.Step("resolving parent");
    if (!row.ok()) return row.status();
    const bool found = *row;
    if (found) *out = by_tag.Int(0);
    by_tag.Reset();
    if (!found) return Status::InvalidArgument(fmt::format("{}: no fish with PIT tag '{}'", role, *tag));
    return Status::Ok();
  }

  Connection db_;
  std::unique_ptr<TraceStore> trace_;  // over db_, made on first use; destroyed before it
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path) {
  STURGEON_ASSIGN_OR_RETURN(Connection db, Connection::Open(path));
  auto store = std::make_unique<SqliteStore>(std::move(db));
  Status st = store->Init();
  if (!st.ok()) return st.WithContext(fmt::format("opening database '{}'", path));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace sturgeon
