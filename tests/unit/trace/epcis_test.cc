#include "trace/epcis.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

namespace sturgeon::trace {
namespace {

using nlohmann::json;

Timestamp T(const char* text) { return *Timestamp::Parse(text); }

// Two defects of Debian's valijson 1.0 are worked around in the schema, not
// in the document:
// - it applies "format" to values of any type and aborts on a non-string
//   (the array form of "@context" tried against {"type": "string", "format":
//   "uri"}); it accepts every "uri" anyway, so the "uri" formats are dropped
//   ("date-time" stays checked);
// - its "propertyNames" rejects GS1's own example documents, so it is
//   dropped; ExtensionNamesAreCompactUris checks the names it guarded.
void DropUnsupported(json& node) {
  if (node.is_array()) {
    for (json& item : node) DropUnsupported(item);
    return;
  }
  if (!node.is_object()) return;
  for (auto& [key, value] : node.items()) DropUnsupported(value);
  auto format = node.find("format");
  if (format != node.end() && *format == "uri") node.erase(format);
  auto names = node.find("propertyNames");
  if (names != node.end() && names->is_object()) node.erase(names);
}

json LoadSchema() {
  std::ifstream in(SHARED_DIR "/data/epcis/EPCIS-JSON-Schema.json");
  EXPECT_TRUE(in.good()) << "missing " SHARED_DIR "/data/epcis/EPCIS-JSON-Schema.json";
  std::stringstream buf;
  buf << in.rdbuf();
  json schema = json::parse(buf.str());
  DropUnsupported(schema);
  return schema;
}

// Validates `doc` against GS1's EPCIS 2.0 schema; returns the errors, one a line.
std::string SchemaErrors(const json& doc) {
  static const json schema_json = LoadSchema();
  valijson::Schema schema;
  valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
  parser.populateSchema(valijson::adapters::NlohmannJsonAdapter(schema_json), schema);
  valijson::Validator validator;
  valijson::ValidationResults results;
  if (validator.validate(schema, valijson::adapters::NlohmannJsonAdapter(doc), &results)) return "";
  std::string out;
  valijson::ValidationResults::Error e;
  while (results.popError(e)) {
    std::string path;
    for (const std::string& p : e.context) path += p;
    out += path + ": " + e.description + "\n";
  }
  return out.empty() ? "invalid" : out;
}

// One hybrid lot of two tins in one case, shipped with a logger that saw a
// warm excursion.
EpcisInput Sample() {
  EpcisInput in;
  EpcisLot l;
  l.lot = Lot{1, "L1", 1, {3.2, "light_grey", 4, 0.97}, "imperial", 2.0, "DAU x SCH/C/CN/2026/CN-ZJ-001/L1"};
  l.batch.code = "B1";
  l.batch.plant = "CN-ZJ-001";
  l.batch.steps = {{StepKind::kScreening, T("2026-03-01T08:02:00Z"), {}},
                   {StepKind::kRinsing, T("2026-03-01T08:04:00Z"), {}},
                   {StepKind::kSalting, T("2026-03-01T08:06:00Z"), 3.5},
                   {StepKind::kTinning, T("2026-03-01T08:12:00Z"), {}}};
  l.batch.seal_minutes = 12;
  l.species_code = "DAU x SCH";
  l.harvests = {{7, "900000000000003", 2.0, "ZJ-QZ1"}};
  l.tins = {Tin{1, "T1", 1, 125, "imperial", l.lot.label, 1}, Tin{2, "T 2", 1, 125, "imperial", l.lot.label, 1}};
  in.lots.push_back(l);
  in.cases.push_back(EpcisCase{Case{1, "C1", T("2026-03-02T09:00:00Z"), 1}, {"T1", "T 2"}});
  EpcisShipment s;
  s.shipment = Shipment{1, "S1", "FR", "AirCold", T("2026-03-03T09:00:00Z"), T("2026-03-04T09:00:00Z")};
  s.case_codes = {"C1"};
  s.readings = {{1, 1, "LOG-1", T("2026-03-03T10:00:00Z"), 1.0}, {2, 1, "LOG-1", T("2026-03-03T11:00:00Z"), 4.0},
                {3, 1, "LOG-1", T("2026-03-03T12:00:00Z"), 1.0}};
  s.excursions = DetectExcursions(*FindProduct("malossol"), s.readings);
  in.shipments.push_back(s);
  return in;
}

TEST(Epcis, DocumentValidatesAgainstGs1Schema) {
  const json doc = BuildEpcisDocument(Sample(), EpcisOptions{"https://id.sturgeon.example", T("2026-03-05T00:00:00Z")});
  EXPECT_EQ(SchemaErrors(doc), "") << doc.dump(2);
}

json LoadExample(const std::string& name) {
  std::ifstream in(std::string(SHARED_DIR "/data/epcis/") + name);
  std::stringstream buf;
  buf << in.rdbuf();
  json event = json::parse(buf.str());
  return json{{"@context", json::array({"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"})},
              {"type", "EPCISDocument"},
              {"schemaVersion", "2.0"},
              {"creationDate", "2026-01-01T00:00:00Z"},
              {"epcisBody", {{"eventList", json::array({event})}}}};
}

TEST(Epcis, Gs1ExamplesPassTheSameSchemaCheck) {
  for (const char* name :
       {"example-ObjectEvent.json", "example-AggregationEvent.json", "example-TransformationEvent.json"}) {
    EXPECT_EQ(SchemaErrors(LoadExample(name)), "") << name;
  }
}

// Collects every object key in `node` that is not one of EPCIS's own (they
// hold no ':').
void ExtensionNames(const json& node, std::vector<std::string>* out) {
  if (node.is_array()) {
    for (const json& item : node) ExtensionNames(item, out);
  } else if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if (key.find(':') != std::string::npos) out->push_back(key);
      ExtensionNames(value, out);
    }
  }
}

TEST(Epcis, ExtensionNamesAreCompactUris) {
  const json doc = BuildEpcisDocument(Sample(), EpcisOptions{});
  std::vector<std::string> names;
  ExtensionNames(doc["epcisBody"], &names);
  EXPECT_FALSE(names.empty());
  for (const std::string& n : names) EXPECT_EQ(n.rfind("sturgeon:", 0), 0u) << n;
  EXPECT_EQ(doc["@context"][1]["sturgeon"], "https://id.sturgeon.example/vocab#");
}

TEST(Epcis, SchemaCheckCatchesABrokenEvent) {
  json doc = BuildEpcisDocument(Sample(), EpcisOptions{});
  doc["epcisBody"]["eventList"][0].erase("eventTimeZoneOffset");
  EXPECT_NE(SchemaErrors(doc), "");
}

TEST(Epcis, HoldsTransformationAggregationAndShippingReceivingWithTemperatures) {
  const json doc = BuildEpcisDocument(Sample(), EpcisOptions{});
  const json& events = doc["epcisBody"]["eventList"];
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0]["type"], "TransformationEvent");
  EXPECT_EQ(events[0]["bizStep"], "commissioning");
  EXPECT_EQ(events[0]["outputEPCList"].size(), 2u);
  EXPECT_EQ(events[0]["outputEPCList"][1], "https://id.sturgeon.example/tin/T%202");
  EXPECT_EQ(events[0]["ilmd"]["sturgeon:citesLabel"], "DAU x SCH/C/CN/2026/CN-ZJ-001/L1");
  EXPECT_EQ(events[0]["inputQuantityList"][0]["uom"], "KGM");
  EXPECT_EQ(events[1]["type"], "AggregationEvent");
  EXPECT_EQ(events[1]["parentID"], "https://id.sturgeon.example/case/C1");
  EXPECT_EQ(events[2]["bizStep"], "shipping");
  EXPECT_EQ(events[3]["bizStep"], "receiving");
  const json& sensor = events[3]["sensorElementList"][0];
  EXPECT_EQ(sensor["sensorReport"][0]["maxValue"], 4.0);
  EXPECT_EQ(sensor["sensorReport"][0]["uom"], "CEL");
  EXPECT_EQ(sensor["sensorReport"].size(), 4u);
  EXPECT_EQ(events[3]["sturgeon:excursions"].size(), 1u);
}

}  // namespace
}  // namespace sturgeon::trace
