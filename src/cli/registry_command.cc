// `sturgeon farm|pool|species|cohort|fish|move|import|inventory|demo`.
#include <algorithm>
#include <cstdio>
#include <iostream>

#include <fmt/format.h>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "core/progress.h"
#include "registry/csv_import.h"
#include "registry/demo.h"
#include "registry/inventory_service.h"
#include "registry/json_mapping.h"
#include "storage/trace_store.h"
#include "trace/trace_demo.h"

namespace sturgeon::cli {
namespace {

std::string Fixed(double v, int digits = 1) { return fmt::format("{:.{}f}", v, digits); }
std::string OptNum(const std::optional<double>& v, int digits = 1) { return v ? Fixed(*v, digits) : "-"; }
template <typename T>
std::string OptId(const std::optional<T>& v) { return v ? fmt::format("{}", *v) : "-"; }

// Parses an optional value given as text: "" stays unset.
template <typename T, typename Parser>
std::optional<T> OptionalParsed(const std::string& text, Parser parse) {
  if (text.empty()) return std::nullopt;
  return OrFail(parse(text));
}


// The end of the given day, or now.
Timestamp InventoryTime(const std::string& date) {
  if (date.empty()) return Timestamp::Now();
  return Timestamp::EndOfDay(OrFail(Date::Parse(date)));
}

void AddFarmCommands(CLI::App& app) {
  CLI::App* farm = app.add_subcommand("farm", "Create and list farms")->require_subcommand(1);
  {
    auto f = std::make_shared<Farm>();
    auto db = std::make_shared<std::string>();
    CLI::App* add = farm->add_subcommand("add", "Create a farm");
    AddDbOption(add, db.get());
    add->add_option("--code", f->code, "Farm code, e.g. ZJ-QZ1")->required();
    add->add_option("--name", f->name, "Farm name")->required();
    add->add_option("--province", f->province, "Province")->required();
    add->add_option("--city", f->city, "City")->required();
    add->add_option("--lat", f->latitude, "Latitude, degrees")->required();
    add->add_option("--lon", f->longitude, "Longitude, degrees")->required();
    add->add_option("--tz", f->time_zone, "IANA time zone (default Asia/Shanghai)");
    add->callback([f, db] {
      auto store = OpenStoreOrFail(*db);
      Farm added = OrFail(store->AddFarm(*f));
      std::cout << fmt::format("farm {} created (id {})\n", added.code, added.id);
    });
  }
  {
    auto o = std::make_shared<ListOptions>();
    AddList(farm, "List farms", *o, false)->callback([o] {
      auto store = OpenStoreOrFail(o->db);
      auto farms = OrFail(store->ListFarms());
      if (o->json) return PrintJson(ToJsonArray(farms));
      std::vector<std::vector<std::string>> rows;
      for (const auto& f : farms) {
        rows.push_back({f.code, f.name, f.province, f.city, Fixed(f.latitude, 4), Fixed(f.longitude, 4)});
      }
      PrintTable({"CODE", "NAME", "PROVINCE", "CITY", "LAT", "LON"}, rows);
    });
  }
}

void AddPoolCommands(CLI::App& app) {
  CLI::App* pool = app.add_subcommand("pool", "Create and list pools")->require_subcommand(1);
  {
    struct Args {
      std::string db, farm, kind;
      Pool p;
    };
    auto a = std::make_shared<Args>();
    CLI::App* add = pool->add_subcommand("add", "Create a pool");
    AddDbOption(add, &a->db);
    add->add_option("--code", a->p.code, "Unique pool id, e.g. ZJ-QZ1-P017")->required();
    add->add_option("--farm", a->farm, "Farm code")->required();
    add->add_option("--kind", a->kind, "round_tank, raceway, pond or net_cage")->required();
    add->add_option("--diameter", a->p.diameter_m, "Diameter, m (round tanks)");
    add->add_option("--length", a->p.length_m, "Length, m");
    add->add_option("--width", a->p.width_m, "Width, m");
    add->add_option("--depth", a->p.depth_m, "Depth, m");
    add->add_option("--volume", a->p.volume_m3, "Water volume, m3")->required();
    add->add_option("--max-density", a->p.max_density_kg_m3, "Maximum stocking density, kg/m3")->required();
    add->callback([a] {
      auto store = OpenStoreOrFail(a->db);
      Pool p = a->p;
      p.farm_id = FarmIdOrFail(*store, a->farm);
      p.kind = OrFail(ParsePoolKind(a->kind));
      Pool added = OrFail(store->AddPool(p));
      std::cout << fmt::format("pool {} created (id {})\n", added.code, added.id);
    });
  }
  {
    auto o = std::make_shared<ListOptions>();
    CLI::App* list = pool->add_subcommand("list", "List pools");
    AddDbOption(list, &o->db);
    list->add_flag("--json", o->json, "Print a JSON array");
    list->add_option("--farm", o->farm, "Only this farm (code)");
    list->callback([o] {
      auto store = OpenStoreOrFail(o->db);
      std::optional<Id> farm_id;
      if (!o->farm.empty()) farm_id = FarmIdOrFail(*store, o->farm);
      auto pools = OrFail(store->ListPools(farm_id));
      if (o->json) return PrintJson(ToJsonArray(pools));
      std::vector<std::vector<std::string>> rows;
      for (const auto& p : pools) {
        rows.push_back({p.code, std::string(ToString(p.kind)), Fixed(p.volume_m3), Fixed(p.max_density_kg_m3)});
      }
      PrintTable({"POOL", "KIND", "VOLUME_M3", "MAX_KG_M3"}, rows);
    });
  }
}

void AddSpeciesCommands(CLI::App& app) {
  CLI::App* species = app.add_subcommand("species", "Create and list species and hybrids")->require_subcommand(1);
  {
    struct Args {
      std::string db, male, female;
      Species s;
    };
    auto a = std::make_shared<Args>();
    CLI::App* add = species->add_subcommand("add", "Create a species, or a hybrid with --male and --female");
    AddDbOption(add, &a->db);
    add->add_option("--code", a->s.code, "CITES code (DAU), or 'DAU x SCH' for a hybrid")->required();
    add->add_option("--name", a->s.name, "Common name")->required();
    add->add_option("--scientific", a->s.scientific_name, "Scientific name");
    add->add_option("--male", a->male, "Hybrid: the male parent species code");
    add->add_option("--female", a->female, "Hybrid: the female parent species code");
    add->callback([a] {
      auto store = OpenStoreOrFail(a->db);
      Species s = a->s;
      if (!a->male.empty()) s.male_parent_id = OrFail(store->FindSpecies(a->male)).id;
      if (!a->female.empty()) s.female_parent_id = OrFail(store->FindSpecies(a->female)).id;
      Species added = OrFail(store->AddSpecies(s));
      std::cout << fmt::format("species {} created (id {})\n", added.code, added.id);
    });
  }
  {
    auto o = std::make_shared<ListOptions>();
    AddList(species, "List species", *o, false)->callback([o] {
      auto store = OpenStoreOrFail(o->db);
      auto all = OrFail(store->ListSpecies());
      if (o->json) return PrintJson(ToJsonArray(all));
      std::vector<std::vector<std::string>> rows;
      for (const auto& s : all) rows.push_back({s.code, s.name, s.scientific_name});
      PrintTable({"CODE", "NAME", "SCIENTIFIC NAME"}, rows);
    });
  }
}

void AddCohortCommands(CLI::App& app) {
  CLI::App* cohort = app.add_subcommand("cohort", "Create and list cohorts")->require_subcommand(1);
  {
    struct Args {
      std::string db, species;
      Cohort c;
    };
    auto a = std::make_shared<Args>();
    CLI::App* add = cohort->add_subcommand("add", "Create a cohort (a year class counted as a group)");
    AddDbOption(add, &a->db);
    add->add_option("--code", a->c.code, "Cohort code")->required();
    add->add_option("--year", a->c.year_class, "Year class")->required();
    add->add_option("--species", a->species, "Species code")->required();
    add->add_option("--origin", a->c.origin, "Origin: hatchery, supplier or cross");
    add->callback([a] {
      auto store = OpenStoreOrFail(a->db);
      Cohort c = a->c;
      c.species_id = OrFail(store->FindSpecies(a->species)).id;
      Cohort added = OrFail(store->AddCohort(c));
      std::cout << fmt::format("cohort {} created (id {})\n", added.code, added.id);
    });
  }
  {
    auto o = std::make_shared<ListOptions>();
    AddList(cohort, "List cohorts", *o, false)->callback([o] {
      auto store = OpenStoreOrFail(o->db);
      auto all = OrFail(store->ListCohorts());
      if (o->json) return PrintJson(ToJsonArray(all));
      std::vector<std::vector<std::string>> rows;
      for (const auto& c : all) rows.push_back({c.code, std::to_string(c.year_class), c.origin});
      PrintTable({"CODE", "YEAR", "ORIGIN"}, rows);
    });
  }
}

void AddFishCommands(CLI::App& app) {
  CLI::App* fish = app.add_subcommand("fish", "Create, list and show fish")->require_subcommand(1);
  {
    struct Args {
      std::string db, tag, species, sex, method, born, dam, sire, cohort, pool, at;
    };
    auto a = std::make_shared<Args>();
    CLI::App* add = fish->add_subcommand("add", "Create an individual fish");
    AddDbOption(add, &a->db);
    add->add_option("--tag", a->tag, "15-digit PIT tag");
    add->add_option("--species", a->species, "Species code")->required();
    add->add_option("--sex", a->sex, "unknown, F or M");
    add->add_option("--sex-method", a->method, "visual, ultrasound, biopsy, blood_steroids, genetic");
    add->add_option("--born", a->born, "Birth date YYYY-MM-DD");
    add->add_option("--dam", a->dam, "Dam's PIT tag");
    add->add_option("--sire", a->sire, "Sire's PIT tag");
    add->add_option("--cohort", a->cohort, "Cohort code");
    add->add_option("--pool", a->pool, "Stock into this pool");
    add->add_option("--at", a->at, "Stocking time (default now)");
    add->callback([a] {
      auto store = OpenStoreOrFail(a->db);
      NewFish nf;
      if (!a->tag.empty()) nf.fish.pit_tag = a->tag;
      nf.fish.species_id = OrFail(store->FindSpecies(a->species)).id;
      nf.fish.sex = OrFail(ParseSex(a->sex));
      nf.fish.sex_method = OrFail(ParseSexMethod(a->method));
      nf.fish.birth_date = OptionalParsed<Date>(a->born, Date::Parse);
      if (!a->dam.empty()) nf.dam_tag = a->dam;
      if (!a->sire.empty()) nf.sire_tag = a->sire;
      if (!a->cohort.empty()) nf.fish.cohort_id = OrFail(store->FindCohort(a->cohort)).id;
      nf.stock_pool_id = OptionalPool(*store, a->pool);
      nf.stocked_at = TimeOrNow(a->at);
      WriteBatch batch;
      batch.fish.push_back(nf);
      OrFail(store->Write(batch));
      std::cout << "fish created" << (a->tag.empty() ? "" : " with PIT tag " + a->tag) << "\n";
    });
  }
  {
    auto o = std::make_shared<ListOptions>();
    AddList(fish, "List individual fish", *o, true)->callback([o] {
      auto store = OpenStoreOrFail(o->db);
      auto all = OrFail(store->ListFish(BuildQuery(*store, *o)));
      if (o->json) return PrintJson(ToJsonArray(all));
      std::vector<std::vector<std::string>> rows;
      for (const auto& f : all) {
        rows.push_back({std::to_string(f.id), f.pit_tag.value_or("-"), std::string(ToString(f.sex)),
                        f.birth_date ? f.birth_date->ToString() : "-", OptId(f.dam_id), OptId(f.sire_id)});
      }
      PrintTable({"ID", "PIT TAG", "SEX", "BORN", "DAM", "SIRE"}, rows);
    });
  }
  {
    struct Args {
      std::string db, tag;
      bool json = false;
    };
    auto a = std::make_shared<Args>();
    CLI::App* show = fish->add_subcommand("show", "Show one fish by PIT tag, with its pool and parents");
    AddDbOption(show, &a->db);
    show->add_option("tag", a->tag, "PIT tag")->required();
    show->add_flag("--json", a->json, "Print JSON");
    show->callback([a] {
      auto store = OpenStoreOrFail(a->db);
      Fish f = OrFail(store->FindFishByTag(a->tag));
      auto pool_id = OrFail(store->CurrentPoolOfFish(f.id));
      nlohmann::json j = ToJson(f);
      j["species"] = OrFail(store->GetSpecies(f.species_id)).code;
      j["pool"] = pool_id ? nlohmann::json(OrFail(store->GetPool(*pool_id)).code) : nlohmann::json(nullptr);
      for (const auto& [key, id] : {std::pair{"dam_tag", f.dam_id}, std::pair{"sire_tag", f.sire_id}}) {
        j[key] = id ? nlohmann::json(OrFail(store->GetFish(*id)).pit_tag.value_or("")) : nlohmann::json(nullptr);
      }
      if (a->json) return PrintJson(j);
      for (const auto& [key, value] : j.items()) {
        std::cout << fmt::format("{:<12} {}\n", key, value.is_string() ? value.get<std::string>() : value.dump());
      }
    });
  }
}

void AddMoveCommands(CLI::App& app) {
  CLI::App* move = app.add_subcommand("move", "Record and list moves between pools")->require_subcommand(1);
  {
    struct Args {
      std::string db, at, tag, cohort, from, to, reason;
      int count = 0;
    };
    auto a = std::make_shared<Args>();
    CLI::App* add = move->add_subcommand("add", "Record a move of a fish (--tag) or of a cohort's fish (--cohort)");
    AddDbOption(add, &a->db);
    add->add_option("--at", a->at, "Time of the move (default now)");
    add->add_option("--count", a->count, "How many fish (1 for --tag)");
    add->add_option("--tag", a->tag, "The fish's PIT tag");
    add->add_option("--cohort", a->cohort, "Cohort code");
    add->add_option("--from", a->from, "Source pool (none: stocked from outside)");
    add->add_option("--to", a->to, "Destination pool (none: left the company)");
    add->add_option("--reason", a->reason, "Why: grading, transfer, sale ...");
    add->callback([a] {
      auto store = OpenStoreOrFail(a->db);
      Move m;
      m.at = TimeOrNow(a->at);
      if (!a->tag.empty()) m.fish_id = OrFail(store->FindFishByTag(a->tag)).id;
      if (!a->cohort.empty()) m.cohort_id = OrFail(store->FindCohort(a->cohort)).id;
      m.count = a->count > 0 ? a->count : (m.fish_id ? 1 : 0);
      m.from_pool_id = OptionalPool(*store, a->from);
      m.to_pool_id = OptionalPool(*store, a->to);
      m.reason = a->reason;
      WriteBatch batch;
      batch.moves.push_back(m);
      OrFail(store->Write(batch));
      std::cout << "move recorded\n";
    });
  }
  {
    auto o = std::make_shared<ListOptions>();
    AddList(move, "List moves", *o, true)->callback([o] {
      auto store = OpenStoreOrFail(o->db);
      auto all = OrFail(store->ListMoves(BuildQuery(*store, *o)));
      if (o->json) return PrintJson(ToJsonArray(all));
      std::vector<std::vector<std::string>> rows;
      for (const auto& m : all) {
        rows.push_back({std::to_string(m.id), m.at.ToString(), std::to_string(m.count), OptId(m.fish_id),
                        OptId(m.cohort_id), OptId(m.from_pool_id), OptId(m.to_pool_id), m.reason});
      }
      PrintTable({"ID", "TIME", "COUNT", "FISH", "COHORT", "FROM", "TO", "REASON"}, rows);
    });
  }
}

void AddImportCommand(CLI::App& app) {
  struct Args {
    std::string db, kind, file;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("import", "Import a CSV file of fish, status, water or moves (all-or-nothing)");
  AddDbOption(cmd, &a->db);
  cmd->add_option("kind", a->kind, "fish, status, water or moves")->required();
  cmd->add_option("file", a->file, "CSV file whose first line names the columns")->required();
  cmd->callback([a] {
    const ImportKind kind = OrFail(ParseImportKind(a->kind));
    auto store = OpenStoreOrFail(a->db);
    Progress progress(fmt::format("importing {}", a->file), 100);
    size_t rows = OrFail(ImportCsvFile(*store, kind, a->file, [&](size_t done, size_t total) {
      progress.Update(total ? done * 100 / total : 100);
    }));
    progress.Finish();
    std::cout << fmt::format("imported {} {} rows from {}\n", rows, ToString(kind), a->file);
  });
}

void PrintInventoryLine(const std::string& name, const Inventory& inv) {
  std::cout << fmt::format("{:<14} {:>9} {:>11.1f} {:>10} {:>8.1f} {:>8} {}\n", name, inv.head_count, inv.biomass_kg,
                           OptNum(inv.mean_weight_g, 0), inv.density_kg_m3,
                           inv.max_density_kg_m3 ? Fixed(*inv.max_density_kg_m3) : "-",
                           inv.over_max ? (inv.pools > 1 ? fmt::format("{} pool(s) over max", inv.pools_over_max)
                                                         : std::string("OVER MAX"))
                                        : "");
}

void AddInventoryCommand(CLI::App& app) {
  struct Args {
    std::string db, pool, farm, date;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("inventory", "Head count, biomass and density of a pool, a farm or the company");
  AddDbOption(cmd, &a->db);
  cmd->add_option("--pool", a->pool, "One pool (id such as ZJ-QZ1-P017)");
  cmd->add_option("--farm", a->farm, "One farm (code), pool by pool");
  cmd->add_option("--date", a->date, "On this date (YYYY-MM-DD, end of day; default now)");
  cmd->add_flag("--json", a->json, "Print JSON");
  cmd->callback([a] {
    if (!a->pool.empty() && !a->farm.empty()) Fail(Status::InvalidArgument("give --pool or --farm, not both"));
    auto store = OpenStoreOrFail(a->db);
    const Timestamp at = InventoryTime(a->date);
    const std::string header = fmt::format("{:<14} {:>9} {:>11} {:>10} {:>8} {:>8}", "", "HEAD", "BIOMASS_KG",
                                           "MEAN_G", "KG_M3", "MAX");
    if (!a->pool.empty()) {
      Pool pool = OrFail(store->FindPool(a->pool));
      Inventory inv = OrFail(InventoryOfPool(*store, pool.id, at));
      if (a->json) {
        nlohmann::json j = ToJson(inv);
        j["pool"] = pool.code;
        j["time"] = at.ToString();
        return PrintJson(j);
      }
      std::cout << "Inventory at " << at.ToString() << "\n" << header << "\n";
      return PrintInventoryLine(pool.code, inv);
    }
    if (!a->farm.empty()) {
      Farm farm = OrFail(store->FindFarm(a->farm));
      auto rows = OrFail(InventoryOfFarmPools(*store, farm.id, at));
      std::vector<Inventory> parts;
      for (const auto& r : rows) parts.push_back(r.inventory);
      const Inventory total = SumInventories(parts);
      if (a->json) {
        nlohmann::json j = ToJson(total);
        j["farm"] = farm.code;
        j["time"] = at.ToString();
        j["pools"] = nlohmann::json::array();
        for (const auto& r : rows) {
          nlohmann::json p = ToJson(r.inventory);
          p["pool"] = r.pool.code;
          j["pools"].push_back(p);
        }
        return PrintJson(j);
      }
      std::cout << "Inventory of " << farm.code << " at " << at.ToString() << "\n" << header << "\n";
      for (const auto& r : rows) PrintInventoryLine(r.pool.code, r.inventory);
      return PrintInventoryLine("TOTAL", total);
    }
    auto farms = OrFail(InventoryOfCompany(*store, at));
    std::vector<Inventory> parts;
    for (const auto& f : farms) parts.push_back(f.inventory);
    const Inventory total = SumInventories(parts);
    if (a->json) {
      nlohmann::json j = ToJson(total);
      j["time"] = at.ToString();
      j["farms"] = nlohmann::json::array();
      for (const auto& f : farms) {
        nlohmann::json fj = ToJson(f.inventory);
        fj["farm"] = f.farm.code;
        fj["name"] = f.farm.name;
        fj["province"] = f.farm.province;
        j["farms"].push_back(fj);
      }
      return PrintJson(j);
    }
    std::cout << "Company inventory at " << at.ToString() << "\n" << header << "\n";
    for (const auto& f : farms) PrintInventoryLine(f.farm.code, f.inventory);
    PrintInventoryLine("COMPANY", total);
  });
}

void AddDemoCommand(CLI::App& app) {
  struct Args {
    std::string db, end;
    DemoOptions options;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("demo", "Seed an empty database with a realistic demo company");
  AddDbOption(cmd, &a->db);
  cmd->add_option("--seed", a->options.seed, "Random seed");
  cmd->add_option("--end-date", a->end, "Last day of the year of records (default 2026-11-28)");
  cmd->add_option("--days", a->options.days, "Days of records (default 365)");
  cmd->add_option("--scale", a->options.scale, "Scale of fish and pools (default 1.0)");
  cmd->callback([a] {
    DemoOptions o = a->options;
    if (!a->end.empty()) o.end_date = OrFail(Date::Parse(a->end));
    auto store = OpenStoreOrFail(a->db);
    Progress progress("seeding demo farms", 8);
    DemoSummary s = OrFail(SeedDemo(*store, o, [&](int done, int) { progress.Update(static_cast<uint64_t>(done)); }));
    progress.Finish();
    std::cout << fmt::format("demo company seeded in {}: {} farms, {} pools, {} fish ({} PIT-tagged), {} records\n",
                             a->db, s.farms, s.pools, s.fish, s.individuals, s.records);
    trace::TraceDemoOptions t;
    t.seed = o.seed;
    t.last_day = o.end_date;
    t.season_days = std::min(t.season_days, o.days);
    auto traced = trace::SeedTraceDemo(*store, *OrFail(OpenTraceStore(a->db)), t);
    if (traced.ok()) {
      std::cout << fmt::format("caviar season seeded: {} harvests, {} lots, {} tins, {} cases, {} shipments "
                               "({} logger readings; cold-chain excursion in {})\n",
                               traced->harvests, traced->lots, traced->tins, traced->cases, traced->shipments,
                               traced->readings, traced->excursion_shipment);
    } else if (traced.status().code() == StatusCode::kFailedPrecondition) {
      std::cout << "caviar season not seeded: " << traced.status().message() << "\n";
    } else {
      Fail(traced.status());
    }
  });
}

}  // namespace

void AddRegistryCommands(CLI::App& app) {
  AddFarmCommands(app);
  AddPoolCommands(app);
  AddSpeciesCommands(app);
  AddCohortCommands(app);
  AddFishCommands(app);
  AddMoveCommands(app);
  AddImportCommand(app);
  AddInventoryCommand(app);
  AddDemoCommand(app);
}

}  // namespace sturgeon::cli
