// `sturgeon status|death|feeding|water|sexing|biopsy add|list`: the daily
// records kept for each pool and fish, one at a time (files go through
// `sturgeon import`).
#include <iostream>

#include <fmt/format.h>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "registry/json_mapping.h"

namespace sturgeon::cli {
namespace {

std::optional<double> OptionalNumber(const std::string& field, const std::string& text) {
  if (text.empty()) return std::nullopt;
  try {
    size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size()) return v;
  } catch (const std::exception&) {
  }
  Fail(Status::InvalidArgument(fmt::format("--{}: '{}' is not a number", field, text)));
}

// Registers `NAME list` printing `Lister(store, query)` as JSON, or as a table
// via `row`.
template <typename Lister, typename RowFn>
void AddRecordList(CLI::App* group, const std::string& help, std::vector<std::string> header, Lister list, RowFn row) {
  auto o = std::make_shared<ListOptions>();
  AddList(group, help, *o, true)->callback([o, list, row, header] {
    auto store = OpenStoreOrFail(o->db);
    auto rows = OrFail(list(*store, BuildQuery(*store, *o)));
    if (o->json) return PrintJson(ToJsonArray(rows));
    std::vector<std::vector<std::string>> table;
    for (const auto& r : rows) table.push_back(row(r));
    PrintTable(header, table);
  });
}

std::string Num(const std::optional<double>& v) { return v ? fmt::format("{:g}", *v) : "-"; }

void AddStatusCommands(CLI::App& app) {
  CLI::App* g = app.add_subcommand("status", "Daily status of a fish or of a cohort in a pool")->require_subcommand(1);
  struct Args {
    std::string db, date, tag, cohort, pool, weight, length, health, feeding, notes;
  };
  auto a = std::make_shared<Args>();
  CLI::App* add = g->add_subcommand("add", "Record one day's status");
  AddDbOption(add, &a->db);
  add->add_option("--date", a->date, "Day, YYYY-MM-DD")->required();
  add->add_option("--tag", a->tag, "The fish's PIT tag (or --cohort and --pool)");
  add->add_option("--cohort", a->cohort, "Cohort code");
  add->add_option("--pool", a->pool, "Pool id");
  add->add_option("--weight", a->weight, "Weight g (mean weight for a cohort)");
  add->add_option("--length", a->length, "Length cm");
  add->add_option("--health", a->health, "ok, sick, injured or dead");
  add->add_option("--feeding", a->feeding, "good, moderate, poor or none");
  add->add_option("--notes", a->notes, "Notes");
  add->callback([a] {
    auto store = OpenStoreOrFail(a->db);
    DailyStatus s;
    s.day = OrFail(Date::Parse(a->date));
    if (!a->tag.empty()) s.fish_id = OrFail(store->FindFishByTag(a->tag)).id;
    if (!a->cohort.empty()) s.cohort_id = OrFail(store->FindCohort(a->cohort)).id;
    s.pool_id = OptionalPool(*store, a->pool);
    s.weight_g = OptionalNumber("weight", a->weight);
    s.length_cm = OptionalNumber("length", a->length);
    s.health = OrFail(ParseHealth(a->health));
    s.feeding = OrFail(ParseFeedingResponse(a->feeding));
    s.notes = a->notes;
    WriteBatch b;
    b.statuses.push_back(s);
    OrFail(store->Write(b));
    std::cout << "status recorded\n";
  });
  AddRecordList(g, "List daily status", {"ID", "DATE", "FISH", "COHORT", "POOL", "WEIGHT_G", "LENGTH_CM", "HEALTH"},
                [](Store& s, const RecordQuery& q) { return s.ListDailyStatus(q); },
                [](const DailyStatus& d) {
                  return std::vector<std::string>{std::to_string(d.id), d.day.ToString(),
                                                  d.fish_id ? std::to_string(*d.fish_id) : "-",
                                                  d.cohort_id ? std::to_string(*d.cohort_id) : "-",
                                                  d.pool_id ? std::to_string(*d.pool_id) : "-", Num(d.weight_g),
                                                  Num(d.length_cm), std::string(ToString(d.health))};
                });
}

void AddDeathCommands(CLI::App& app) {
  CLI::App* g = app.add_subcommand("death", "Deaths, with cause")->require_subcommand(1);
  struct Args {
    std::string db, at, pool, tag, cohort, cause;
    int count = 1;
  };
  auto a = std::make_shared<Args>();
  CLI::App* add = g->add_subcommand("add", "Record deaths in a pool");
  AddDbOption(add, &a->db);
  add->add_option("--pool", a->pool, "Pool id")->required();
  add->add_option("--at", a->at, "Time (default now)");
  add->add_option("--count", a->count, "How many (default 1)");
  add->add_option("--tag", a->tag, "The fish's PIT tag, for an individual");
  add->add_option("--cohort", a->cohort, "Cohort code");
  add->add_option("--cause", a->cause, "Cause of death");
  add->callback([a] {
    auto store = OpenStoreOrFail(a->db);
    Removal r;
    r.kind = RemovalKind::kDeath;
    r.at = TimeOrNow(a->at);
    r.pool_id = PoolIdOrFail(*store, a->pool);
    r.count = a->count;
    if (!a->tag.empty()) r.fish_id = OrFail(store->FindFishByTag(a->tag)).id;
    if (!a->cohort.empty()) r.cohort_id = OrFail(store->FindCohort(a->cohort)).id;
    r.cause = a->cause;
    WriteBatch b;
    b.removals.push_back(r);
    OrFail(store->Write(b));
    std::cout << "death recorded\n";
  });
  AddRecordList(g, "List deaths and harvests", {"ID", "KIND", "TIME", "POOL", "COUNT", "CAUSE"},
                [](Store& s, const RecordQuery& q) { return s.ListRemovals(q); },
                [](const Removal& r) {
                  return std::vector<std::string>{std::to_string(r.id), std::string(ToString(r.kind)), r.at.ToString(),
                                                  std::to_string(r.pool_id), std::to_string(r.count), r.cause};
                });
}

void AddFeedingCommands(CLI::App& app) {
  CLI::App* g = app.add_subcommand("feeding", "Feedings: pool, feed type, kg")->require_subcommand(1);
  struct Args {
    std::string db, at, pool, feed;
    double kg = 0;
  };
  auto a = std::make_shared<Args>();
  CLI::App* add = g->add_subcommand("add", "Record a feeding");
  AddDbOption(add, &a->db);
  add->add_option("--pool", a->pool, "Pool id")->required();
  add->add_option("--feed", a->feed, "Feed type")->required();
  add->add_option("--kg", a->kg, "Kilograms fed")->required();
  add->add_option("--at", a->at, "Time (default now)");
  add->callback([a] {
    auto store = OpenStoreOrFail(a->db);
    WriteBatch b;
    b.feedings.push_back(Feeding{0, PoolIdOrFail(*store, a->pool), TimeOrNow(a->at), a->feed, a->kg});
    OrFail(store->Write(b));
    std::cout << "feeding recorded\n";
  });
  AddRecordList(g, "List feedings", {"ID", "TIME", "POOL", "FEED", "KG"},
                [](Store& s, const RecordQuery& q) { return s.ListFeedings(q); },
                [](const Feeding& f) {
                  return std::vector<std::string>{std::to_string(f.id), f.at.ToString(), std::to_string(f.pool_id),
                                                  f.feed_type, fmt::format("{:g}", f.kg)};
                });
}

void AddWaterCommands(CLI::App& app) {
  CLI::App* g = app.add_subcommand("water", "Water quality readings")->require_subcommand(1);
  struct Args {
    std::string db, at, pool, temp, oxygen, ph, ammonia, nitrite;
  };
  auto a = std::make_shared<Args>();
  CLI::App* add = g->add_subcommand("add", "Record a water-quality reading");
  AddDbOption(add, &a->db);
  add->add_option("--pool", a->pool, "Pool id")->required();
  add->add_option("--at", a->at, "Time (default now)");
  add->add_option("--temp", a->temp, "Temperature, C");
  add->add_option("--oxygen", a->oxygen, "Dissolved oxygen, mg/L");
  add->add_option("--ph", a->ph, "pH");
  add->add_option("--ammonia", a->ammonia, "Ammonia, mg/L");
  add->add_option("--nitrite", a->nitrite, "Nitrite, mg/L");
  add->callback([a] {
    auto store = OpenStoreOrFail(a->db);
    WaterQuality w;
    w.pool_id = PoolIdOrFail(*store, a->pool);
    w.at = TimeOrNow(a->at);
    w.temperature_c = OptionalNumber("temp", a->temp);
    w.oxygen_mg_l = OptionalNumber("oxygen", a->oxygen);
    w.ph = OptionalNumber("ph", a->ph);
    w.ammonia_mg_l = OptionalNumber("ammonia", a->ammonia);
    w.nitrite_mg_l = OptionalNumber("nitrite", a->nitrite);
    WriteBatch b;
    b.water.push_back(w);
    OrFail(store->Write(b));
    std::cout << "water reading recorded\n";
  });
  AddRecordList(g, "List water-quality readings", {"ID", "TIME", "POOL", "TEMP_C", "O2_MG_L", "PH", "NH3", "NO2"},
                [](Store& s, const RecordQuery& q) { return s.ListWater(q); },
                [](const WaterQuality& w) {
                  return std::vector<std::string>{std::to_string(w.id),  w.at.ToString(),     std::to_string(w.pool_id),
                                                  Num(w.temperature_c), Num(w.oxygen_mg_l), Num(w.ph),
                                                  Num(w.ammonia_mg_l),  Num(w.nitrite_mg_l)};
                });
}

void AddSexingCommands(CLI::App& app) {
  CLI::App* g = app.add_subcommand("sexing", "Ultrasound sexing: sex and gonad stage I-VI")->require_subcommand(1);
  struct Args {
    std::string db, date, tag, sex, stage, notes;
  };
  auto a = std::make_shared<Args>();
  CLI::App* add = g->add_subcommand("add", "Record an ultrasound sexing (also sets the fish's sex)");
  AddDbOption(add, &a->db);
  add->add_option("--tag", a->tag, "The fish's PIT tag")->required();
  add->add_option("--date", a->date, "Day, YYYY-MM-DD")->required();
  add->add_option("--sex", a->sex, "F, M or unknown")->required();
  add->add_option("--stage", a->stage, "Gonad stage: I..VI, FII..FVI, MII..MVI or 1..6");
  add->add_option("--notes", a->notes, "Notes");
  add->callback([a] {
    auto store = OpenStoreOrFail(a->db);
    Sexing s;
    s.fish_id = OrFail(store->FindFishByTag(a->tag)).id;
    s.day = OrFail(Date::Parse(a->date));
    s.sex = OrFail(ParseSex(a->sex));
    if (!a->stage.empty()) s.gonad_stage = OrFail(ParseGonadStage(a->stage));
    s.notes = a->notes;
    WriteBatch b;
    b.sexings.push_back(s);
    OrFail(store->Write(b));
    std::cout << "sexing recorded\n";
  });
  AddRecordList(g, "List sexings", {"ID", "DATE", "FISH", "SEX", "STAGE"},
                [](Store& s, const RecordQuery& q) { return s.ListSexings(q); },
                [](const Sexing& s) {
                  return std::vector<std::string>{std::to_string(s.id), s.day.ToString(), std::to_string(s.fish_id),
                                                  std::string(ToString(s.sex)), std::to_string(s.gonad_stage)};
                });
}

void AddBiopsyCommands(CLI::App& app) {
  CLI::App* g = app.add_subcommand("biopsy", "Biopsies: egg diameter and polarization index")->require_subcommand(1);
  struct Args {
    std::string db, date, tag, notes;
    double diameter = 0, pi = 0;
  };
  auto a = std::make_shared<Args>();
  CLI::App* add = g->add_subcommand("add", "Record a biopsy");
  AddDbOption(add, &a->db);
  add->add_option("--tag", a->tag, "The fish's PIT tag")->required();
  add->add_option("--date", a->date, "Day, YYYY-MM-DD")->required();
  add->add_option("--egg-diameter", a->diameter, "Mean egg diameter, mm")->required();
  add->add_option("--pi", a->pi, "Polarization index B/A")->required();
  add->add_option("--notes", a->notes, "Notes");
  add->callback([a] {
    auto store = OpenStoreOrFail(a->db);
    WriteBatch b;
    b.biopsies.push_back(Biopsy{0, OrFail(store->FindFishByTag(a->tag)).id, OrFail(Date::Parse(a->date)), a->diameter,
                                a->pi, a->notes});
    OrFail(store->Write(b));
    std::cout << "biopsy recorded\n";
  });
  AddRecordList(g, "List biopsies", {"ID", "DATE", "FISH", "EGG_MM", "PI"},
                [](Store& s, const RecordQuery& q) { return s.ListBiopsies(q); },
                [](const Biopsy& b) {
                  return std::vector<std::string>{std::to_string(b.id), b.day.ToString(), std::to_string(b.fish_id),
                                                  fmt::format("{:g}", b.egg_diameter_mm),
                                                  fmt::format("{:g}", b.polarization_index)};
                });
}

}  // namespace

void AddRecordCommands(CLI::App& app) {
  AddStatusCommands(app);
  AddDeathCommands(app);
  AddFeedingCommands(app);
  AddWaterCommands(app);
  AddSexingCommands(app);
  AddBiopsyCommands(app);
}

}  // namespace sturgeon::cli
