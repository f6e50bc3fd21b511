// `sturgeon harvest|batch|lot|tin|label|case|shipment|temps|trace|recall|epcis|product`:
// caviar from roe harvest to export (src/trace, storage/trace_store.h). The
// logic lives in trace/trace_service.h, shared with the HTTP API; these
// commands parse options and print.
#include <charconv>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "cli/cli_common.h"
#include "cli/commands.h"
#include "storage/trace_store.h"
#include "trace/epcis.h"
#include "trace/label_qr.h"
#include "trace/trace_json.h"
#include "trace/trace_service.h"

namespace sturgeon::cli {
namespace {

using nlohmann::json;

using trace::kDefaultBaseUri;

std::unique_ptr<TraceStore> OpenTraceOrFail(const std::string& db) {
  // Opening the registry store first applies any pending migrations.
  OpenStoreOrFail(db);
  return OrFail(OpenTraceStore(db));
}

double NumberOrFail(const std::string& text, std::string_view option) {
  double v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size()) {
    Fail(Status::InvalidArgument(fmt::format("{}: '{}' is not a number", option, text)));
  }
  return v;
}

Timestamp TimeOrFail(const std::string& text, std::string_view option) {
  auto t = Timestamp::Parse(text);
  if (!t.ok()) Fail(t.status().WithContext(option));
  return *t;
}

// Options every trace command shares.
struct Common {
  std::string db;
  bool json = false;
};

CLI::App* AddCommand(CLI::App* parent, const std::string& name, const std::string& help, Common& c) {
  CLI::App* cmd = parent->add_subcommand(name, help);
  AddDbOption(cmd, &c.db);
  cmd->add_flag("--json", c.json, "Print JSON");
  return cmd;
}

void PrintBatch(const trace::Batch& b, bool as_json) {
  if (as_json) return PrintJson(trace::ToJson(b));
  std::cout << fmt::format("batch {} ({}, plant {}): {} harvest(s), {} step(s)", b.code, b.product, b.plant,
                           b.harvest_ids.size(), b.steps.size());
  if (!b.steps.empty()) std::cout << fmt::format(", last {}", trace::ToString(b.steps.back().kind));
  std::cout << "\n";
  if (b.salt_flagged) std::cout << fmt::format("FLAG: salt outside the {} range\n", b.product);
  if (b.seal_minutes) {
    std::cout << fmt::format("{}: extraction to sealed tin {:.1f} min\n", b.seal_breach ? "BREACH" : "ok",
                             *b.seal_minutes);
  }
}

void PrintLotTrace(const LotTrace& t) {
  std::cout << fmt::format("lot {}  grade {}  label {}  roe {:.3f} kg\n", t.lot.code, t.lot.grade, t.lot.label,
                           t.lot.roe_kg);
  PrintBatch(t.batch, false);
  for (const HarvestOrigin& o : t.origins) {
    std::cout << fmt::format("  harvest {} at {}: fish {} ({}) pool {} farm {} dam {} sire {}  {:.3f} kg\n",
                             o.harvest.id, o.harvest.extracted_at.ToString(), o.pit_tag, o.species_code,
                             o.pool_code.empty() ? "-" : o.pool_code, o.farm_code.empty() ? "-" : o.farm_code,
                             o.dam_tag.value_or("-"), o.sire_tag.value_or("-"), o.harvest.roe_kg);
  }
  std::cout << fmt::format("  {} tin(s)\n", t.tins.size());
}

void AddHarvest(CLI::App& app) {
  CLI::App* group = app.add_subcommand("harvest", "Roe harvests from PIT-tagged females")->require_subcommand(1);
  struct Args : Common {
    HarvestInput in;
    std::string at;
  };
  auto a = std::make_shared<Args>();
  CLI::App* add = AddCommand(group, "add", "Record a roe harvest", *a);
  add->add_option("--tag", a->in.pit_tag, "The female's PIT tag")->required();
  add->add_option("--at", a->at, "Time of extraction (default now)");
  add->add_option("--roe-kg", a->in.roe_kg, "Roe mass, kg")->required();
  add->add_option("--egg-mm", a->in.egg_diameter_mm, "Mean egg diameter of the sample, mm")->required();
  add->add_option("--colour", a->in.colour, "golden, amber, light_grey, grey, dark_grey or black")->required();
  add->callback([a] {
    a->in.extracted_at = TimeOrNow(a->at);
    auto store = OpenTraceOrFail(a->db);
    const trace::Harvest h = OrFail(store->AddHarvest(a->in));
    if (a->json) return PrintJson(trace::ToJson(h));
    std::cout << fmt::format("harvest {} recorded: {} kg from {}\n", h.id, h.roe_kg, a->in.pit_tag);
  });
}

void AddBatch(CLI::App& app) {
  CLI::App* group = app.add_subcommand("batch", "Processing batches and their steps")->require_subcommand(1);
  {
    struct Args : Common {
      std::string code, product = "malossol", plant;
      std::vector<Id> harvests;
    };
    auto a = std::make_shared<Args>();
    CLI::App* add = AddCommand(group, "add", "Start a batch from harvests of one species", *a);
    add->add_option("code", a->code, "Batch code")->required();
    add->add_option("--harvest", a->harvests, "Harvest id (repeatable)")->required();
    add->add_option("--plant", a->plant, "Processing plant's CITES registration code")->required();
    add->add_option("--product", a->product, "Product (`sturgeon product list`; default malossol)");
    add->callback([a] {
      auto store = OpenTraceOrFail(a->db);
      PrintBatch(OrFail(store->AddBatch(a->code, a->product, a->plant, a->harvests)), a->json);
    });
  }
  {
    struct Args : Common {
      std::string code, step, at, salt;
    };
    auto a = std::make_shared<Args>();
    CLI::App* step = AddCommand(group, "step", "Record the next step: screening, rinsing, salting, tinning", *a);
    step->add_option("code", a->code, "Batch code")->required();
    step->add_option("step", a->step, "screening, rinsing, salting or tinning")->required();
    step->add_option("--at", a->at, "When (default now)");
    step->add_option("--salt", a->salt, "Salt % (salting only)");
    step->callback([a] {
      const trace::StepKind kind = OrFail(trace::ParseStepKind(a->step));
      std::optional<double> salt;
      if (!a->salt.empty()) salt = NumberOrFail(a->salt, "--salt");
      auto store = OpenTraceOrFail(a->db);
      PrintBatch(OrFail(store->AddStep(a->code, trace::ProcessingStep{kind, TimeOrNow(a->at), salt})), a->json);
    });
  }
  {
    struct Args : Common {
      std::string code;
    };
    auto a = std::make_shared<Args>();
    CLI::App* show = AddCommand(group, "show", "Show a batch with its salt flag and seal time", *a);
    show->add_option("code", a->code, "Batch code")->required();
    show->callback([a] { PrintBatch(OrFail(OpenTraceOrFail(a->db)->FindBatch(a->code)), a->json); });
  }
  {
    auto a = std::make_shared<Common>();
    CLI::App* breaches =
        AddCommand(group, "breaches", "List batches tinned more than 15 minutes after extraction or salt-flagged", *a);
    breaches->callback([a] {
      json out = json::array();
      std::vector<std::vector<std::string>> rows;
      for (const trace::Batch& b : OrFail(OpenTraceOrFail(a->db)->ListBatches())) {
        if (!b.seal_breach && !b.salt_flagged) continue;
        out.push_back(trace::ToJson(b));
        rows.push_back({b.code, b.seal_minutes ? fmt::format("{:.1f}", *b.seal_minutes) : "-",
                        b.seal_breach ? "yes" : "no", b.salt_flagged ? "yes" : "no"});
      }
      if (a->json) return PrintJson(out);
      PrintTable({"batch", "seal_min", "seal_breach", "salt_flag"}, rows);
    });
  }
}

void AddLot(CLI::App& app) {
  CLI::App* group = app.add_subcommand("lot", "Graded lots")->require_subcommand(1);
  struct Args : Common {
    LotInput in;
    std::string source = "C";
  };
  auto a = std::make_shared<Args>();
  CLI::App* add = AddCommand(group, "add", "Grade a tinned batch into a lot (docs/trace.md)", *a);
  add->add_option("code", a->in.code, "Lot code (the label's LOT field)")->required();
  add->add_option("--batch", a->in.batch_code, "Batch code")->required();
  add->add_option("--diameter", a->in.sample.grain_diameter_mm, "Grain diameter, mm")->required();
  add->add_option("--colour", a->in.sample.colour, "golden .. black")->required();
  add->add_option("--firmness", a->in.sample.firmness, "1 (soft) .. 5 (firm)")->required();
  add->add_option("--intact", a->in.sample.intact_share, "Share of intact eggs, 0..1")->required();
  add->add_option("--country", a->in.country, "ISO country of origin (default CN)");
  add->add_option("--source", a->source, "W (wild) or C (captive-bred, default)");
  add->callback([a] {
    if (a->source.size() != 1) Fail(Status::InvalidArgument("--source: expected W or C"));
    a->in.source = a->source[0];
    const trace::Lot lot = OrFail(OpenTraceOrFail(a->db)->AddLot(a->in));
    if (a->json) return PrintJson(trace::ToJson(lot));
    std::cout << fmt::format("lot {}: grade {}, {:.3f} kg, label {}\n", lot.code, lot.grade, lot.roe_kg, lot.label);
  });
}

void AddTin(CLI::App& app) {
  CLI::App* group = app.add_subcommand("tin", "Sealed, labelled tins")->require_subcommand(1);
  struct Args : Common {
    TinInput in;
    std::string label;
  };
  auto a = std::make_shared<Args>();
  CLI::App* add = AddCommand(group, "add", "Fill a tin from a lot's remaining roe", *a);
  add->add_option("code", a->in.code, "Tin ID")->required();
  add->add_option("--lot", a->in.lot_code, "Lot code")->required();
  add->add_option("--net-g", a->in.net_g, "Net weight, g")->required();
  add->add_option("--label", a->label, "Label code to check against the lot's");
  add->callback([a] {
    if (!a->label.empty()) a->in.label = a->label;
    const trace::Tin tin = OrFail(OpenTraceOrFail(a->db)->AddTin(a->in));
    if (a->json) return PrintJson(trace::ToJson(tin));
    std::cout << fmt::format("tin {}: {} g, grade {}, label {}\n", tin.code, tin.net_g, tin.grade, tin.label);
  });
}

void AddLabel(CLI::App& app) {
  struct Args : Common {
    std::string tin, qr, base_uri = std::string(kDefaultBaseUri);
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = AddCommand(&app, "label", "Print a tin's CITES label; --qr writes a QR code of its trace URI", *a);
  cmd->add_option("tin", a->tin, "Tin ID")->required();
  cmd->add_option("--qr", a->qr, "Write a PNG QR code here");
  cmd->add_option("--base-uri", a->base_uri, "Base of the trace URI");
  cmd->callback([a] {
    const trace::TinLabel l = OrFail(trace::LabelOfTin(*OpenTraceOrFail(a->db), a->tin, a->base_uri));
    if (!a->qr.empty()) OrFail(trace::WriteQrPng(l.trace_uri, a->qr));
    if (a->json) {
      return PrintJson({{"tin", l.tin.code}, {"label", l.tin.label}, {"net_g", l.tin.net_g}, {"grade", l.tin.grade},
                        {"trace_uri", l.trace_uri}, {"qr", a->qr.empty() ? json(nullptr) : json(a->qr)}});
    }
    std::cout << l.Text();
  });
}

void AddCase(CLI::App& app) {
  CLI::App* group = app.add_subcommand("case", "Cases of tins")->require_subcommand(1);
  struct Args : Common {
    std::string code, at;
    std::vector<std::string> tins;
  };
  auto a = std::make_shared<Args>();
  CLI::App* add = AddCommand(group, "add", "Pack tins into a case", *a);
  add->add_option("code", a->code, "Case code")->required();
  add->add_option("--tin", a->tins, "Tin ID (repeatable)")->required();
  add->add_option("--at", a->at, "Packing time (default now)");
  add->callback([a] {
    const trace::Case c = OrFail(OpenTraceOrFail(a->db)->AddCase(a->code, TimeOrNow(a->at), a->tins));
    if (a->json) return PrintJson(trace::ToJson(c));
    std::cout << fmt::format("case {}: {} tin(s)\n", c.code, a->tins.size());
  });
}

void PrintColdChain(const trace::ColdChainReport& r, bool as_json) {
  if (as_json) return PrintJson(trace::ToJson(r));
  std::cout << fmt::format("shipment {} to {} by {}: {} reading(s), {} excursion(s)\n", r.shipment.code,
                           r.shipment.destination_country, r.shipment.carrier, r.readings, r.excursions.size());
  for (const trace::Excursion& e : r.excursions) {
    std::cout << fmt::format("  EXCURSION {} from {} to {} ({:.0f} min), extreme {:.1f} C\n", trace::ToString(e.kind),
                             e.start.ToString(), e.end.ToString(), static_cast<double>(e.duration_s) / 60.0,
                             e.extreme_celsius);
  }
  if (!r.affected_tins.empty()) {
    std::cout << fmt::format("  affected tins ({}):", r.affected_tins.size());
    for (const std::string& t : r.affected_tins) std::cout << " " << t;
    std::cout << "\n";
  }
}

// `warm_minutes` below 0 keeps the product's own.
trace::ProductSpec ProductOrFail(TraceStore& store, const std::string& name, int warm_minutes) {
  return OrFail(trace::ProductFor(store, name, warm_minutes >= 0 ? std::optional<int>(warm_minutes) : std::nullopt));
}

void AddShipment(CLI::App& app) {
  CLI::App* group = app.add_subcommand("shipment", "Export shipments and their cold chain")->require_subcommand(1);
  {
    struct Args : Common {
      trace::Shipment s;
      std::string departure, arrival;
      std::vector<std::string> cases;
    };
    auto a = std::make_shared<Args>();
    CLI::App* add = AddCommand(group, "add", "Ship cases", *a);
    add->add_option("code", a->s.code, "Shipment code")->required();
    add->add_option("--destination", a->s.destination_country, "ISO country, e.g. FR")->required();
    add->add_option("--carrier", a->s.carrier, "Carrier")->required();
    add->add_option("--departure", a->departure, "Departure time")->required();
    add->add_option("--arrival", a->arrival, "Arrival time")->required();
    add->add_option("--case", a->cases, "Case code (repeatable)")->required();
    add->callback([a] {
      a->s.departure = TimeOrFail(a->departure, "--departure");
      a->s.arrival = TimeOrFail(a->arrival, "--arrival");
      const trace::Shipment s = OrFail(OpenTraceOrFail(a->db)->AddShipment(a->s, a->cases));
      if (a->json) return PrintJson(trace::ToJson(s));
      std::cout << fmt::format("shipment {} to {}: {} case(s)\n", s.code, s.destination_country, a->cases.size());
    });
  }
  {
    struct Args : Common {
      std::string code, product = "malossol";
      int warm_minutes = -1;
    };
    auto a = std::make_shared<Args>();
    CLI::App* check = AddCommand(group, "check", "Check a shipment's temperatures for excursions", *a);
    check->add_option("code", a->code, "Shipment code")->required();
    check->add_option("--product", a->product, "Product whose cold-chain range applies (default malossol)");
    check->add_option("--warm-minutes", a->warm_minutes, "Minutes above the range that make an excursion (30)");
    check->callback([a] {
      auto store = OpenTraceOrFail(a->db);
      PrintColdChain(
          OrFail(trace::CheckColdChain(*store, a->code, ProductOrFail(*store, a->product, a->warm_minutes))), a->json);
    });
  }
}

void AddTemps(CLI::App& app) {
  CLI::App* group = app.add_subcommand("temps", "Temperature logger readings")->require_subcommand(1);
  struct Args : Common {
    std::string file, shipment, product = "malossol";
  };
  auto a = std::make_shared<Args>();
  CLI::App* import = AddCommand(group, "import", "Import a logger CSV (logger,at,celsius) for a shipment", *a);
  import->add_option("file", a->file, "CSV file")->required();
  import->add_option("--shipment", a->shipment, "Shipment code")->required();
  import->add_option("--product", a->product, "Product whose cold-chain range the report applies (default malossol)");
  import->callback([a] {
    std::ifstream in(a->file, std::ios::binary);
    if (!in) Fail(Status::IOError(fmt::format("cannot read '{}'", a->file)));
    std::stringstream buf;
    buf << in.rdbuf();
    const auto readings = OrFail(trace::ParseLoggerCsv(buf.str(), a->file));
    auto store = OpenTraceOrFail(a->db);
    const trace::ReadingsImport r =
        OrFail(trace::ImportReadings(*store, a->shipment, readings, ProductOrFail(*store, a->product, -1)));
    if (a->json) return PrintJson({{"imported", r.imported}, {"cold_chain", trace::ToJson(r.report)}});
    std::cout << fmt::format("{} reading(s) imported\n", r.imported);
    PrintColdChain(r.report, false);
  });
}

void AddTrace(CLI::App& app) {
  struct Args : Common {
    std::string key;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = AddCommand(&app, "trace", "Trace a tin (by ID) or a lot (by label code) back to fish and farm", *a);
  cmd->add_option("key", a->key, "Tin ID or CITES label code")->required();
  cmd->callback([a] {
    const trace::BackwardTrace back = OrFail(trace::TraceBack(*OpenTraceOrFail(a->db), a->key));
    if (!back.tin) {
      if (a->json) return PrintJson(trace::ToJson(back.lot));
      return PrintLotTrace(back.lot);
    }
    const TinTrace& t = *back.tin;
    if (a->json) return PrintJson(trace::ToJson(t));
    std::cout << fmt::format("tin {}: {} g, grade {}, label {}\n", t.tin.code, t.tin.net_g, t.tin.grade, t.tin.label);
    if (t.tin_case) std::cout << fmt::format("  in case {}\n", t.tin_case->code);
    if (t.shipment) {
      std::cout << fmt::format("  shipped {} to {} by {} ({} .. {})\n", t.shipment->code,
                               t.shipment->destination_country, t.shipment->carrier, t.shipment->departure.ToString(),
                               t.shipment->arrival.ToString());
    }
    PrintLotTrace(t.lot);
  });
}

void AddRecall(CLI::App& app) {
  struct Args : Common {
    std::string fish, pool;
    int limit = 0;
    Id after = 0;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = AddCommand(&app, "recall", "Every tin and shipment from a fish or a pool", *a);
  auto* fish = cmd->add_option("--fish", a->fish, "PIT tag");
  auto* pool = cmd->add_option("--pool", a->pool, "Pool code");
  fish->excludes(pool);
  cmd->add_option("--limit", a->limit, "List at most this many tins (default: all)");
  cmd->add_option("--after", a->after, "List tins after this tin id (the previous page's next cursor)");
  cmd->callback([a] {
    if (a->fish.empty() && a->pool.empty()) Fail(Status::InvalidArgument("give --fish TAG or --pool CODE"));
    if (a->limit < 0) Fail(Status::InvalidArgument("--limit: must not be negative"));
    RecallPage page;
    page.after_tin_id = a->after;
    if (a->limit > 0) page.limit = a->limit;
    auto store = OpenTraceOrFail(a->db);
    const Recall r = OrFail(a->fish.empty() ? store->RecallPool(a->pool, page) : store->RecallFish(a->fish, page));
    if (a->json) return PrintJson(trace::ToJson(r));
    std::cout << fmt::format("{} harvest(s), {} lot(s), {} tin(s) ({:.0f} g), {} shipment(s)\n", r.harvests.size(),
                             r.lot_codes.size(), r.tin_count, r.tin_net_g, r.shipments.size());
    std::vector<std::vector<std::string>> rows;
    for (const RecalledTin& t : r.tins) {
      rows.push_back({t.tin.code, t.lot_code, t.case_code.value_or("-"), t.shipment_code.value_or("-")});
    }
    PrintTable({"tin", "lot", "case", "shipment"}, rows);
    if (r.next_tin_cursor) std::cout << fmt::format("more: --after {}\n", *r.next_tin_cursor);
  });
}

void AddEpcis(CLI::App& app) {
  struct Args : Common {
    std::string lot, shipment, out, base_uri = std::string(kDefaultBaseUri), product = "malossol";
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = AddCommand(&app, "epcis", "Export a lot's or a shipment's events as an EPCIS 2.0 document", *a);
  auto* lot = cmd->add_option("--lot", a->lot, "Lot code");
  auto* shipment = cmd->add_option("--shipment", a->shipment, "Shipment code");
  lot->excludes(shipment);
  cmd->add_option("--out", a->out, "Write the document here (default stdout)");
  cmd->add_option("--base-uri", a->base_uri, "Base of the identifiers");
  cmd->add_option("--product", a->product, "Product whose cold-chain range marks excursions (default malossol)");
  cmd->callback([a] {
    if (a->lot.empty() && a->shipment.empty()) Fail(Status::InvalidArgument("give --lot CODE or --shipment CODE"));
    auto store = OpenTraceOrFail(a->db);
    const json doc = OrFail(trace::ExportEpcis(*store, a->lot, a->shipment, ProductOrFail(*store, a->product, -1),
                                               trace::EpcisOptions{a->base_uri, Timestamp::Now()}));
    if (a->out.empty()) return PrintJson(doc);
    std::ofstream f(a->out, std::ios::binary);
    f << doc.dump(2) << "\n";
    if (!f) Fail(Status::IOError(fmt::format("cannot write '{}'", a->out)));
    std::cout << fmt::format("{} event(s) written to {}\n", doc["epcisBody"]["eventList"].size(), a->out);
  });
}

}  // namespace

void PrintProduct(const trace::ProductSpec& p) {
  std::cout << fmt::format(
      "product {}: salt {}-{}% ({}), seal within {} min, cold chain {} .. {} C (warm excursion after {} min, "
      "freezing below {} C)\n",
      p.name, p.min_salt_percent, p.max_salt_percent, p.reject_salt_outside ? "refused outside" : "flagged outside",
      p.max_extraction_to_seal_minutes, p.min_celsius, p.max_celsius, p.warm_excursion_minutes, p.freeze_celsius);
  std::vector<std::vector<std::string>> rows;
  for (const trace::GradeRule& g : p.scale.grades) {
    rows.push_back({g.name, fmt::format("{}", g.min_diameter_mm), std::string(trace::ColourName(g.max_colour_rank)),
                    std::to_string(g.min_firmness), fmt::format("{}", g.min_intact_share)});
  }
  PrintTable({"grade", "min_diameter_mm", "max_colour", "min_firmness", "min_intact_share"}, rows);
  std::cout << fmt::format("more than {}% broken: {}; meeting no grade: {}\n", p.scale.pressed_broken_share * 100,
                           p.scale.pressed_grade, p.scale.fallback_grade);
}

void AddProduct(CLI::App& app) {
  CLI::App* group = app.add_subcommand("product", "Product settings: salt range, seal limit, grading scale, "
                                                  "cold-chain range (docs/trace.md)")->require_subcommand(1);
  {
    auto a = std::make_shared<Common>();
    CLI::App* list = AddCommand(group, "list", "List the products", *a);
    list->callback([a] {
      const auto products = OrFail(OpenTraceOrFail(a->db)->ListProducts());
      if (a->json) {
        json out = json::array();
        for (const auto& p : products) out.push_back(trace::ToJson(p));
        return PrintJson(out);
      }
      for (const auto& p : products) PrintProduct(p);
    });
  }
  {
    struct Args : Common {
      std::string name;
    };
    auto a = std::make_shared<Args>();
    CLI::App* show = AddCommand(group, "show", "Show one product", *a);
    show->add_option("name", a->name, "Product name")->required();
    show->callback([a] {
      const trace::ProductSpec p = OrFail(OpenTraceOrFail(a->db)->FindProduct(a->name));
      if (a->json) return PrintJson(trace::ToJson(p));
      PrintProduct(p);
    });
  }
  {
    struct Args : Common {
      std::string name, file;
    };
    auto a = std::make_shared<Args>();
    CLI::App* set = AddCommand(group, "set", "Create or replace a product from a JSON file (the form `product show "
                                             "--json` prints)", *a);
    set->add_option("name", a->name, "Product name")->required();
    set->add_option("--file", a->file, "JSON file")->required();
    set->callback([a] {
      std::ifstream in(a->file, std::ios::binary);
      if (!in) Fail(Status::IOError(fmt::format("cannot read '{}'", a->file)));
      std::stringstream buf;
      buf << in.rdbuf();
      const json j = json::parse(buf.str(), nullptr, false);
      if (j.is_discarded()) Fail(Status::InvalidArgument(fmt::format("{}: malformed JSON", a->file)));
      auto parsed = trace::ProductFromJson(j, a->name);
      if (!parsed.ok()) Fail(parsed.status().WithContext(a->file));
      auto store = OpenTraceOrFail(a->db);
      OrFail(store->PutProduct(*parsed));
      const trace::ProductSpec p = OrFail(store->FindProduct(a->name));
      if (a->json) return PrintJson(trace::ToJson(p));
      PrintProduct(p);
    });
  }
}

void AddTraceCommands(CLI::App& app) {
  AddProduct(app);
  AddHarvest(app);
  AddBatch(app);
  AddLot(app);
  AddTin(app);
  AddLabel(app);
  AddCase(app);
  AddShipment(app);
  AddTemps(app);
  AddTrace(app);
  AddRecall(app);
  AddEpcis(app);
}

}  // namespace sturgeon::cli
