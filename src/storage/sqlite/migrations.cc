#include "storage/sqlite/migrations.h"

#include <array>
#include <string_view>

#include <fmt/format.h>

namespace sturgeon::sqlite {
namespace {

// Times are ISO 8601 text in UTC ("2025-03-01T08:30:00Z"), dates "2025-03-01":
// both sort as text.
constexpr std::string_view kMigration1 = R"sql(
CREATE TABLE farms (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  province TEXT NOT NULL,
  city TEXT NOT NULL,
  latitude REAL NOT NULL,
  longitude REAL NOT NULL,
  time_zone TEXT NOT NULL
);
CREATE TABLE pools (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  farm_id INTEGER NOT NULL REFERENCES farms(id),
  kind TEXT NOT NULL,
  length_m REAL NOT NULL,
  width_m REAL NOT NULL,
  diameter_m REAL NOT NULL,
  depth_m REAL NOT NULL,
  volume_m3 REAL NOT NULL CHECK (volume_m3 > 0),
  max_density_kg_m3 REAL NOT NULL CHECK (max_density_kg_m3 > 0)
);
CREATE INDEX pools_farm ON pools(farm_id);
CREATE TABLE species (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  scientific_name TEXT NOT NULL,
  male_parent_id INTEGER REFERENCES species(id),
  female_parent_id INTEGER REFERENCES species(id)
);
CREATE TABLE cohorts (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  year_class INTEGER NOT NULL,
  species_id INTEGER NOT NULL REFERENCES species(id),
  origin TEXT NOT NULL
);
CREATE TABLE fish (
  id INTEGER PRIMARY KEY,
  pit_tag TEXT UNIQUE,
  species_id INTEGER NOT NULL REFERENCES species(id),
  sex TEXT NOT NULL,
  sex_method TEXT NOT NULL,
  birth_date TEXT,
  dam_id INTEGER REFERENCES fish(id),
  sire_id INTEGER REFERENCES fish(id),
  cohort_id INTEGER REFERENCES cohorts(id)
);
CREATE INDEX fish_dam ON fish(dam_id);
CREATE INDEX fish_sire ON fish(sire_id);
CREATE INDEX fish_cohort ON fish(cohort_id);
CREATE TABLE moves (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  count INTEGER NOT NULL CHECK (count > 0),
  fish_id INTEGER REFERENCES fish(id),
  cohort_id INTEGER REFERENCES cohorts(id),
  from_pool_id INTEGER REFERENCES pools(id),
  to_pool_id INTEGER REFERENCES pools(id),
  reason TEXT NOT NULL
);
CREATE INDEX moves_fish ON moves(fish_id, at) WHERE fish_id IS NOT NULL;
CREATE INDEX moves_from ON moves(from_pool_id, at, count, cohort_id, fish_id);
CREATE INDEX moves_to ON moves(to_pool_id, at, count, cohort_id, fish_id);
CREATE TABLE removals (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  at TEXT NOT NULL,
  pool_id INTEGER NOT NULL REFERENCES pools(id),
  count INTEGER NOT NULL CHECK (count > 0),
  fish_id INTEGER REFERENCES fish(id),
  cohort_id INTEGER REFERENCES cohorts(id),
  cause TEXT NOT NULL
);
CREATE INDEX removals_pool ON removals(pool_id, at, count, cohort_id, fish_id);
CREATE INDEX removals_fish ON removals(fish_id) WHERE fish_id IS NOT NULL;
CREATE TABLE stocktakes (
  id INTEGER PRIMARY KEY,
  pool_id INTEGER NOT NULL REFERENCES pools(id),
  at TEXT NOT NULL,
  count INTEGER NOT NULL CHECK (count >= 0),
  count_low INTEGER,
  count_high INTEGER,
  mean_weight_g REAL,
  method TEXT NOT NULL,
  notes TEXT NOT NULL
);
CREATE INDEX stocktakes_pool ON stocktakes(pool_id, at);
CREATE TABLE daily_status (
  id INTEGER PRIMARY KEY,
  day TEXT NOT NULL,
  fish_id INTEGER REFERENCES fish(id),
  cohort_id INTEGER REFERENCES cohorts(id),
  pool_id INTEGER REFERENCES pools(id),
  weight_g REAL CHECK (weight_g >= 0),
  length_cm REAL CHECK (length_cm >= 0),
  health TEXT NOT NULL,
  feeding TEXT NOT NULL,
  notes TEXT NOT NULL,
  CHECK (fish_id IS NOT NULL OR (cohort_id IS NOT NULL AND pool_id IS NOT NULL))
);
CREATE UNIQUE INDEX daily_status_fish ON daily_status(fish_id, day) WHERE fish_id IS NOT NULL;
CREATE UNIQUE INDEX daily_status_cohort ON daily_status(cohort_id, pool_id, day) WHERE fish_id IS NULL;
-- Covering for the inventory's "latest weighing of each population in a pool".
CREATE INDEX daily_status_pool ON daily_status(pool_id, day, fish_id, cohort_id, weight_g);
CREATE TABLE feedings (
  id INTEGER PRIMARY KEY,
  pool_id INTEGER NOT NULL REFERENCES pools(id),
  at TEXT NOT NULL,
  feed_type TEXT NOT NULL,
  kg REAL NOT NULL CHECK (kg >= 0)
);
CREATE INDEX feedings_pool ON feedings(pool_id, at);
CREATE TABLE water_quality (
  id INTEGER PRIMARY KEY,
  pool_id INTEGER NOT NULL REFERENCES pools(id),
  at TEXT NOT NULL,
  temperature_c REAL,
  oxygen_mg_l REAL,
  ph REAL,
  ammonia_mg_l REAL,
  nitrite_mg_l REAL
);
CREATE INDEX water_quality_pool ON water_quality(pool_id, at);
CREATE TABLE sexings (
  id INTEGER PRIMARY KEY,
  fish_id INTEGER NOT NULL REFERENCES fish(id),
  day TEXT NOT NULL,
  sex TEXT NOT NULL,
  gonad_stage INTEGER NOT NULL CHECK (gonad_stage BETWEEN 0 AND 6),
  notes TEXT NOT NULL
);
CREATE INDEX sexings_fish ON sexings(fish_id, day);
CREATE TABLE biopsies (
  id INTEGER PRIMARY KEY,
  fish_id INTEGER NOT NULL REFERENCES fish(id),
  day TEXT NOT NULL,
  egg_diameter_mm REAL NOT NULL,
  polarization_index REAL NOT NULL,
  notes TEXT NOT NULL
);
CREATE INDEX biopsies_fish ON biopsies(fish_id, day);
)sql";

// Users, roles per farm, API token hashes and the append-only audit trail.
constexpr std::string_view kMigration2 = R"sql(
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);
CREATE TABLE user_roles (
  user_id INTEGER NOT NULL REFERENCES users(id),
  farm_id INTEGER REFERENCES farms(id),
  role TEXT NOT NULL
);
CREATE UNIQUE INDEX user_roles_user_farm ON user_roles(user_id, IFNULL(farm_id, 0));
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  token_hash TEXT NOT NULL UNIQUE,
  label TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  user_id INTEGER,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  resource TEXT NOT NULL,
  resource_key TEXT NOT NULL,
  farm_id INTEGER,
  request TEXT NOT NULL,
  before TEXT,
  after TEXT
);
CREATE INDEX audit_log_farm ON audit_log(farm_id, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
)sql";

// Caviar traceability (issue 6): roe harvests, processing batches and their
// steps, graded lots, tins, cases, shipments and logger readings. Indexes
// serve the backward (tin -> fish) and forward (fish or pool -> tins) traces.
constexpr std::string_view kMigration3 = R"sql(
CREATE TABLE processing_batches (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  product TEXT NOT NULL,
  plant TEXT NOT NULL,
  salt_flagged INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE roe_harvests (
  id INTEGER PRIMARY KEY,
  fish_id INTEGER NOT NULL REFERENCES fish(id),
  pool_id INTEGER REFERENCES pools(id),
  extracted_at TEXT NOT NULL,
  roe_kg REAL NOT NULL CHECK (roe_kg > 0),
  egg_diameter_mm REAL NOT NULL CHECK (egg_diameter_mm > 0),
  colour TEXT NOT NULL,
  batch_id INTEGER REFERENCES processing_batches(id)
);
CREATE INDEX roe_harvests_fish ON roe_harvests(fish_id);
CREATE INDEX roe_harvests_pool ON roe_harvests(pool_id);
CREATE INDEX roe_harvests_batch ON roe_harvests(batch_id);
CREATE TABLE batch_steps (
  batch_id INTEGER NOT NULL REFERENCES processing_batches(id),
  step INTEGER NOT NULL CHECK (step BETWEEN 0 AND 3),
  at TEXT NOT NULL,
  salt_percent REAL,
  PRIMARY KEY (batch_id, step)
);
CREATE TABLE lots (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  batch_id INTEGER NOT NULL UNIQUE REFERENCES processing_batches(id),
  grain_diameter_mm REAL NOT NULL,
  colour TEXT NOT NULL,
  firmness INTEGER NOT NULL,
  intact_share REAL NOT NULL,
  grade TEXT NOT NULL,
  roe_kg REAL NOT NULL CHECK (roe_kg > 0),
  label TEXT NOT NULL
);
CREATE INDEX lots_label ON lots(label);
CREATE TABLE shipments (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  destination_country TEXT NOT NULL,
  carrier TEXT NOT NULL,
  departure TEXT NOT NULL,
  arrival TEXT NOT NULL
);
CREATE TABLE cases (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  packed_at TEXT NOT NULL,
  shipment_id INTEGER REFERENCES shipments(id)
);
CREATE INDEX cases_shipment ON cases(shipment_id);
CREATE TABLE tins (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  lot_id INTEGER NOT NULL REFERENCES lots(id),
  net_g REAL NOT NULL CHECK (net_g > 0),
  grade TEXT NOT NULL,
  label TEXT NOT NULL,
  case_id INTEGER REFERENCES cases(id)
);
CREATE INDEX tins_lot ON tins(lot_id);
CREATE INDEX tins_case ON tins(case_id);
CREATE TABLE temperature_readings (
  id INTEGER PRIMARY KEY,
  shipment_id INTEGER NOT NULL REFERENCES shipments(id),
  logger TEXT NOT NULL,
  at TEXT NOT NULL,
  celsius REAL NOT NULL
);
CREATE INDEX temperature_readings_shipment ON temperature_readings(shipment_id, at);
)sql";

// Drone stocktake jobs (issue 5/7): footage uploaded through the API is
// counted on a worker thread; the job's state lives here so that several
// stateless `sturgeon serve` processes sharing the database can serve it.
// `result` is the count as JSON; `snapshot` the annotated PNG.
constexpr std::string_view kMigration4 = R"sql(
CREATE TABLE stocktake_jobs (
  id INTEGER PRIMARY KEY,
  pool_id INTEGER NOT NULL REFERENCES pools(id),
  at TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
  created_at TEXT NOT NULL,
  created_by INTEGER,
  video_path TEXT NOT NULL,
  video_bytes INTEGER NOT NULL,
  altitude_m REAL,
  hfov_deg REAL,
  frames_done INTEGER NOT NULL DEFAULT 0,
  frames_total INTEGER NOT NULL DEFAULT 0,
  started_at TEXT,
  heartbeat_at TEXT,
  finished_at TEXT,
  error TEXT,
  result TEXT,
  snapshot BLOB,
  stocktake_id INTEGER REFERENCES stocktakes(id),
  accepted_at TEXT,
  accepted_by INTEGER
);
CREATE INDEX stocktake_jobs_pool ON stocktake_jobs(pool_id, id);
CREATE INDEX stocktake_jobs_state ON stocktake_jobs(state, id);
)sql";

// Caviar products as settings rather than code (issue 6): salt range, seal
// limit, cold-chain range and the grading scale per product, seeded with the
// two built-in products (trace::FindProduct; a test checks they agree).
// Covering indexes for the forward trace: harvests by pool or fish with their
// batch, and tins by lot with what a recall counts and pages (lots by batch
// are covered by their unique index already).
constexpr std::string_view kMigration5 = R"sql(
CREATE TABLE products (
  name TEXT PRIMARY KEY,
  min_salt_percent REAL NOT NULL,
  max_salt_percent REAL NOT NULL,
  reject_salt_outside INTEGER NOT NULL,
  max_extraction_to_seal_minutes INTEGER NOT NULL,
  min_celsius REAL NOT NULL,
  max_celsius REAL NOT NULL,
  warm_excursion_minutes INTEGER NOT NULL,
  freeze_celsius REAL NOT NULL,
  pressed_broken_share REAL NOT NULL,
  pressed_grade TEXT NOT NULL,
  fallback_grade TEXT NOT NULL
);
CREATE TABLE product_grades (
  product TEXT NOT NULL REFERENCES products(name),
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  min_diameter_mm REAL NOT NULL,
  max_colour_rank INTEGER NOT NULL,
  min_firmness INTEGER NOT NULL,
  min_intact_share REAL NOT NULL,
  PRIMARY KEY (product, position)
);
INSERT INTO products VALUES ('malossol', 3.0, 5.0, 0, 15, -3.0, 2.0, 30, -4.0, 0.35, 'pressed', 'select');
INSERT INTO products VALUES ('malossol-strict', 3.0, 5.0, 1, 15, -3.0, 2.0, 30, -4.0, 0.35, 'pressed', 'select');
INSERT INTO product_grades
  SELECT p.name, g.position, g.name, g.d, g.c, g.f, g.i FROM products p,
    (SELECT 0 AS position, 'imperial' AS name, 3.0 AS d, 2 AS c, 4 AS f, 0.95 AS i
     UNION ALL SELECT 1, 'royal', 2.7, 3, 3, 0.90
     UNION ALL SELECT 2, 'classic', 2.3, 5, 2, 0.80) g;
DROP INDEX roe_harvests_fish;
DROP INDEX roe_harvests_pool;
CREATE INDEX roe_harvests_fish_batch ON roe_harvests(fish_id, batch_id);
CREATE INDEX roe_harvests_pool_batch ON roe_harvests(pool_id, batch_id);
DROP INDEX tins_lot;
CREATE INDEX tins_lot_cover ON tins(lot_id, id, net_g, case_id);
)sql";

// Forward-recall summary kept in step with the writes (issue 6): per lot, its
// tins' count and net weight (lot_totals) and the shipments holding any of
// its tins, with how many (lot_shipments). A recall then reads O(lots) rows
// for its totals and shipments instead of walking every tin. Triggers keep
// both in the write's own transaction: a tin added, moved, re-weighed or
// removed; a tin packed into (or out of) a case; a case shipped (or
// unshipped) or removed. Lots' rows go with the lot (ON DELETE CASCADE).
// The same design carries to the PostgreSQL backend: AFTER INSERT/UPDATE/
// DELETE row triggers (plpgsql functions) doing these statements, with
// INSERT ... ON CONFLICT DO UPDATE and IS DISTINCT FROM for SQLite's IS NOT.
// The backfill at the end counts the rows already there.
constexpr std::string_view kMigration6 = R"sql(
CREATE TABLE lot_totals (
  lot_id INTEGER PRIMARY KEY REFERENCES lots(id) ON DELETE CASCADE,
  tin_count INTEGER NOT NULL DEFAULT 0,
  net_g REAL NOT NULL DEFAULT 0
);
CREATE TABLE lot_shipments (
  lot_id INTEGER NOT NULL REFERENCES lots(id) ON DELETE CASCADE,
  shipment_id INTEGER NOT NULL REFERENCES shipments(id),
  tin_count INTEGER NOT NULL CHECK (tin_count >= 0),
  PRIMARY KEY (lot_id, shipment_id)
) WITHOUT ROWID;
CREATE INDEX lot_shipments_shipment ON lot_shipments(shipment_id);

CREATE TRIGGER lots_totals_insert AFTER INSERT ON lots BEGIN
  INSERT INTO lot_totals (lot_id) VALUES (NEW.id);
END;

CREATE TRIGGER tins_totals_insert AFTER INSERT ON tins BEGIN
  UPDATE lot_totals SET tin_count = tin_count + 1, net_g = net_g + NEW.net_g WHERE lot_id = NEW.lot_id;
  INSERT INTO lot_shipments (lot_id, shipment_id, tin_count)
    SELECT NEW.lot_id, c.shipment_id, 1 FROM cases c WHERE c.id = NEW.case_id AND c.shipment_id IS NOT NULL
    ON CONFLICT (lot_id, shipment_id) DO UPDATE SET tin_count = tin_count + 1;
END;

CREATE TRIGGER tins_totals_delete AFTER DELETE ON tins BEGIN
  UPDATE lot_totals SET tin_count = tin_count - 1, net_g = net_g - OLD.net_g WHERE lot_id = OLD.lot_id;
  UPDATE lot_shipments SET tin_count = tin_count - 1
    WHERE lot_id = OLD.lot_id AND shipment_id = (SELECT c.shipment_id FROM cases c WHERE c.id = OLD.case_id);
  DELETE FROM lot_shipments WHERE lot_id = OLD.lot_id AND tin_count = 0;
END;

CREATE TRIGGER tins_totals_update AFTER UPDATE OF lot_id, net_g, case_id ON tins
WHEN OLD.lot_id IS NOT NEW.lot_id OR OLD.net_g IS NOT NEW.net_g OR OLD.case_id IS NOT NEW.case_id BEGIN
  UPDATE lot_totals SET tin_count = tin_count - 1, net_g = net_g - OLD.net_g WHERE lot_id = OLD.lot_id;
  UPDATE lot_totals SET tin_count = tin_count + 1, net_g = net_g + NEW.net_g WHERE lot_id = NEW.lot_id;
  UPDATE lot_shipments SET tin_count = tin_count - 1
    WHERE lot_id = OLD.lot_id AND shipment_id = (SELECT c.shipment_id FROM cases c WHERE c.id = OLD.case_id);
  DELETE FROM lot_shipments WHERE lot_id = OLD.lot_id AND tin_count = 0;
  INSERT INTO lot_shipments (lot_id, shipment_id, tin_count)
    SELECT NEW.lot_id, c.shipment_id, 1 FROM cases c WHERE c.id = NEW.case_id AND c.shipment_id IS NOT NULL
    ON CONFLICT (lot_id, shipment_id) DO UPDATE SET tin_count = tin_count + 1;
END;

CREATE TRIGGER cases_shipments_update AFTER UPDATE OF shipment_id ON cases
WHEN OLD.shipment_id IS NOT NEW.shipment_id BEGIN
  UPDATE lot_shipments
    SET tin_count = tin_count -
      (SELECT COUNT(*) FROM tins t WHERE t.case_id = OLD.id AND t.lot_id = lot_shipments.lot_id)
    WHERE shipment_id = OLD.shipment_id AND lot_id IN (SELECT t.lot_id FROM tins t WHERE t.case_id = OLD.id);
  DELETE FROM lot_shipments WHERE shipment_id = OLD.shipment_id AND tin_count = 0;
  INSERT INTO lot_shipments (lot_id, shipment_id, tin_count)
    SELECT t.lot_id, NEW.shipment_id, COUNT(*) FROM tins t
    WHERE NEW.shipment_id IS NOT NULL AND t.case_id = NEW.id GROUP BY t.lot_id
    ON CONFLICT (lot_id, shipment_id) DO UPDATE SET tin_count = tin_count + excluded.tin_count;
END;

CREATE TRIGGER cases_shipments_delete AFTER DELETE ON cases WHEN OLD.shipment_id IS NOT NULL BEGIN
  UPDATE lot_shipments
    SET tin_count = tin_count -
      (SELECT COUNT(*) FROM tins t WHERE t.case_id = OLD.id AND t.lot_id = lot_shipments.lot_id)
    WHERE shipment_id = OLD.shipment_id AND lot_id IN (SELECT t.lot_id FROM tins t WHERE t.case_id = OLD.id);
  DELETE FROM lot_shipments WHERE shipment_id = OLD.shipment_id AND tin_count = 0;
END;

INSERT INTO lot_totals (lot_id, tin_count, net_g)
  SELECT l.id, COUNT(t.id), IFNULL(SUM(t.net_g), 0) FROM lots l LEFT JOIN tins t ON t.lot_id = l.id GROUP BY l.id;
INSERT INTO lot_shipments (lot_id, shipment_id, tin_count)
  SELECT t.lot_id, c.shipment_id, COUNT(*) FROM tins t JOIN cases c ON c.id = t.case_id
  WHERE c.shipment_id IS NOT NULL GROUP BY t.lot_id, c.shipment_id;
)sql";

// Stocktake jobs get a claim token: `attempt` counts the claims of a job
// (0 while queued) and names the claim that holds it. A worker's heartbeat,
// progress, finish and fail carry it (WHERE id = ? AND attempt = ?), so a
// worker whose job was claimed again after a stale heartbeat can no longer
// write to it, and a job claimed too often is given up.
constexpr std::string_view kMigration7 = R"sql(
ALTER TABLE stocktake_jobs ADD COLUMN attempt INTEGER NOT NULL DEFAULT 0;
)sql";

constexpr std::array<std::string_view, 7> kMigrations = {kMigration1, kMigration2, kMigration3, kMigration4,
                                                         kMigration5, kMigration6, kMigration7};

}  // namespace

Status PrepareConnection(Connection& db) {
  STURGEON_RETURN_IF_ERROR(db.Exec("PRAGMA busy_timeout = 10000"));
  STURGEON_RETURN_IF_ERROR(db.Exec("PRAGMA journal_mode = WAL"));
  STURGEON_RETURN_IF_ERROR(db.Exec("PRAGMA synchronous = NORMAL"));
  STURGEON_RETURN_IF_ERROR(db.Exec("PRAGMA foreign_keys = ON"));
  STURGEON_RETURN_IF_ERROR(db.Exec("PRAGMA cache_size = -65536"));
  STURGEON_RETURN_IF_ERROR(db.Exec("PRAGMA temp_store = MEMORY"));
  return Migrate(db);
}

int SchemaVersion() { return static_cast<int>(kMigrations.size()); }

Status Migrate(Connection& db) {
  STURGEON_ASSIGN_OR_RETURN(Statement version_query, db.Prepare("PRAGMA user_version"));
  STURGEON_ASSIGN_OR_RETURN(bool has_row, version_query.Step("reading schema version"));
  const int current = has_row ? static_cast<int>(version_query.Int(0)) : 0;
  // A statement still active on the connection would make a migration that
  // drops an index fail with "database table is locked".
  version_query.Reset();
  if (current > SchemaVersion()) {
    return Status::FailedPrecondition(fmt::format(
        "database schema version {} is newer than this program's {}; upgrade sturgeon", current, SchemaVersion()));
  }
  for (int v = current; v < SchemaVersion(); ++v) {
    STURGEON_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
    Status st = db.Exec(kMigrations[static_cast<size_t>(v)]);
    if (st.ok()) st = db.Exec(fmt::format("PRAGMA user_version = {}", v + 1));
    if (!st.ok()) {
      (void)db.Exec("ROLLBACK");
      return st.WithContext(fmt::format("migration {}", v + 1));
    }
    STURGEON_RETURN_IF_ERROR(db.Exec("COMMIT"));
  }
  return Status::Ok();
}

}  // namespace sturgeon::sqlite
