// The OpenAPI 3 document, generated from the route table (routes.cc): every
// route becomes an operation; its query parameters come from the catalogue
// below; response schemas are derived from the JSON the registry's
// ToJson() writes, so they cannot drift from what the API returns.
#include <map>

#include "api/handlers.h"
#include "api/router.h"
#include "registry/json_mapping.h"

namespace sturgeon::api {
namespace {

using nlohmann::json;

struct ParamDoc {
  const char* description;
  const char* type;
  const char* format;
};

const std::map<std::string_view, ParamDoc>& ParamCatalogue() {
  static const std::map<std::string_view, ParamDoc> kParams = {
      {"tin", {"A tin ID", "string", ""}},
      {"label", {"A CITES label code, SPECIES/SOURCE/COUNTRY/YEAR/PLANT/LOT", "string", ""}},
      {"lot", {"A lot code", "string", ""}},
      {"shipment", {"A shipment code", "string", ""}},
      {"product", {"The product whose settings apply (default malossol)", "string", ""}},
      {"warm_minutes", {"Minutes above the range that make a warm excursion (default: the product's)", "integer", ""}},
      {"breaches", {"true: only batches sealed late or with salt outside the product's range", "boolean", ""}},
      {"farm", {"Only this farm (code, e.g. ZJ-QZ1)", "string", ""}},
      {"pool", {"Only this pool (code, e.g. ZJ-QZ1-P017)", "string", ""}},
      {"fish", {"Only this fish (15-digit PIT tag or id)", "string", ""}},
      {"cohort", {"Only this cohort (code)", "string", ""}},
      {"from", {"From this date, inclusive", "string", "date"}},
      {"to", {"To this date, inclusive", "string", "date"}},
      {"date", {"On this date (end of day, UTC); default now", "string", "date"}},
      {"limit", {"Page size, 1-1000 (default 100)", "integer", ""}},
      {"cursor", {"The next_cursor of the previous page (rows with a higher id)", "integer", ""}},
      {"actor", {"Only entries by this user", "string", ""}},
      {"resource", {"Only entries about this resource kind (farm, pool, daily_status, ...)", "string", ""}},
      {"altitude_m", {"Camera altitude above the water, m (with hfov_deg: lengths and biomass)", "number", ""}},
      {"hfov_deg", {"Camera horizontal field of view, degrees (with altitude_m)", "number", ""}},
      {"time", {"When the footage was taken (ISO 8601); default now", "string", "date-time"}},
  };
  return kParams;
}


// Request bodies: field name -> type. Codes name related records.
json InputSchema(std::initializer_list<std::pair<const char*, const char*>> fields,
                 std::initializer_list<const char*> required) {
  json props = json::object();
  for (const auto& [name, type] : fields) props[name] = {{"type", type}};
  json s = {{"type", "object"}, {"properties", props}, {"additionalProperties", false}};
  if (required.size()) s["required"] = required;
  return s;
}

json Components() {
  json s = json::object();
  s["Farm"] = SchemaOf(ToJson(Farm{}));
  s["Pool"] = SchemaOf(ToJson(Pool{}));
  s["Species"] = SchemaOf(ToJson(Species{}));
  s["Cohort"] = SchemaOf(ToJson(Cohort{}));
  s["Fish"] = SchemaOf(ToJson(Fish{}));
  s["Move"] = SchemaOf(ToJson(Move{}));
  s["Removal"] = SchemaOf(ToJson(Removal{}));
  s["Stocktake"] = SchemaOf(ToJson(Stocktake{}));
  s["DailyStatus"] = SchemaOf(ToJson(DailyStatus{}));
  s["Feeding"] = SchemaOf(ToJson(Feeding{}));
  s["WaterQuality"] = SchemaOf(ToJson(WaterQuality{}));
  s["Sexing"] = SchemaOf(ToJson(Sexing{}));
  s["Biopsy"] = SchemaOf(ToJson(Biopsy{}));
  s["Inventory"] = SchemaOf(ToJson(Inventory{}));
  for (const char* t : {"Farm", "Pool", "Species", "Cohort", "Fish", "Move", "Removal", "Stocktake", "DailyStatus",
                        "Feeding", "WaterQuality", "Sexing", "Biopsy"}) {
    s[std::string(t) + "Page"] = PageOf(t);
  }
  s["AuditEntry"] = SchemaOf(json{{"id", 1},         {"time", ""},          {"user_id", 1},      {"actor", ""},
                                  {"action", ""},    {"resource", ""},      {"resource_key", ""}, {"farm_id", 1},
                                  {"request", ""},   {"before", nullptr},   {"after", nullptr}});
  s["AuditPage"] = PageOf("AuditEntry");
  s["Health"] = SchemaOf(json{{"status", "ok"}});
  s["Text"] = {{"type", "string"}};
  s["Object"] = {{"type", "object"}};
  s["Me"] = SchemaOf(json{{"id", 1}, {"name", ""}, {"grants", json::array()}});
  s["BulkResult"] = SchemaOf(json{{"rows", 1}});
  s["BulkStatus"] = {{"type", "string"},
                     {"description", "CSV with a header line (date, pit_tag, cohort, pool, weight_g, length_cm, "
                                     "health, feeding, notes), or NDJSON objects with those keys"}};
  s["Video"] = {{"type", "string"}, {"format", "binary"},
                {"description", "Drone footage (MP4, H.264 or anything FFmpeg decodes), as the raw body"}};
  s["Png"] = {{"type", "string"}, {"format", "binary"}};
  s["Html"] = {{"type", "string"}};
  s["Asset"] = {{"type", "string"}, {"format", "binary"}};
  s["StocktakeJob"] = SchemaOf(json{{"id", 1}, {"pool", ""}, {"farm", ""}, {"state", "queued"}, {"time", ""},
                                    {"created_at", ""}, {"started_at", nullptr}, {"finished_at", nullptr},
                                    {"video_bytes", 1}, {"attempts", 1}, {"altitude_m", nullptr},
                                    {"hfov_deg", nullptr},
                                    {"progress", {{"frames_done", 1}, {"frames_total", 1},
                                                                      {"fraction", 0.5}}},
                                    {"error", nullptr}, {"result", nullptr}, {"snapshot_url", nullptr},
                                    {"accepted", nullptr}});
  s["StocktakeJob"]["properties"]["state"]["enum"] = {"queued", "running", "done", "failed"};
  s["StocktakeJobList"] = {{"type", "object"},
                           {"properties",
                            {{"items", {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/StocktakeJob"}}}}}}}};
  s["AcceptedStocktake"] = SchemaOf(json{{"stocktake", ToJson(Stocktake{})}, {"job", 1}, {"book_count", 1},
                                         {"counted", 1}, {"variance", 1}, {"variance_pct", 0.5},
                                         {"book_within_interval", true}, {"book_mean_weight_g", 0.5},
                                         {"mean_weight_variance_pct", 0.5}});
  for (const char* nullable : {"book_mean_weight_g", "mean_weight_variance_pct"}) {
    s["AcceptedStocktake"]["properties"][nullable]["nullable"] = true;  // null when a weight is unknown
  }
  s["Overview"] = SchemaOf(json{{"time", ""}, {"complete", true}, {"inventory", ToJson(Inventory{})},
                                {"farms", json::array()}, {"alerts", json::array()}, {"thresholds", json::object()}});
  s["FarmOverview"] = SchemaOf(json{{"time", ""}, {"farm", json::object()}, {"inventory", ToJson(Inventory{})},
                                    {"pools", json::array()}, {"alerts", json::array()}});
  s["PoolOverview"] = SchemaOf(json{{"time", ""}, {"pool", ToJson(Pool{})}, {"farm", json::object()},
                                    {"inventory", ToJson(Inventory{})}, {"growth", json::array()},
                                    {"water", json::array()}, {"thresholds", json::object()},
                                    {"feedings", json::array()}, {"deaths", json::array()}, {"deaths_total", 1},
                                    {"last_stocktake", nullptr}});
  s["ShipmentReadings"] = SchemaOf(json{{"shipment", ""}, {"items", json::array()}});
  s["CaviarAlerts"] = SchemaOf(json{{"alerts", json::array()}});
  s["Problem"] = SchemaOf(json{{"type", ""}, {"title", ""}, {"status", 400}, {"detail", ""}, {"instance", ""},
                               {"field", ""}, {"errors", json::array()}});
  s["NewFarm"] = InputSchema({{"code", "string"}, {"name", "string"}, {"province", "string"}, {"city", "string"},
                              {"latitude", "number"}, {"longitude", "number"}, {"time_zone", "string"}},
                             {"code", "name", "latitude", "longitude"});
  s["NewPool"] = InputSchema({{"code", "string"}, {"farm", "string"}, {"farm_id", "integer"}, {"kind", "string"},
                              {"length_m", "number"}, {"width_m", "number"}, {"diameter_m", "number"},
                              {"depth_m", "number"}, {"volume_m3", "number"}, {"max_density_kg_m3", "number"}},
                             {"code", "kind", "volume_m3", "max_density_kg_m3"});
  s["NewSpecies"] = InputSchema({{"code", "string"}, {"name", "string"}, {"scientific_name", "string"},
                                 {"male_parent", "string"}, {"female_parent", "string"},
                                 {"male_parent_id", "integer"}, {"female_parent_id", "integer"}},
                                {"code", "name"});
  s["NewCohort"] = InputSchema({{"code", "string"}, {"year_class", "integer"}, {"species", "string"},
                                {"species_id", "integer"}, {"origin", "string"}},
                               {"code", "year_class"});
  s["NewFish"] = InputSchema({{"pit_tag", "string"}, {"species", "string"}, {"species_id", "integer"},
                              {"sex", "string"}, {"sex_method", "string"}, {"birth_date", "string"},
                              {"dam_tag", "string"}, {"sire_tag", "string"}, {"cohort", "string"},
                              {"cohort_id", "integer"}, {"pool", "string"}, {"pool_id", "integer"},
                              {"stocked_at", "string"}},
                             {});
  s["NewMove"] = InputSchema({{"time", "string"}, {"count", "integer"}, {"pit_tag", "string"}, {"fish_id", "integer"},
                              {"cohort", "string"}, {"cohort_id", "integer"}, {"from_pool", "string"},
                              {"from_pool_id", "integer"}, {"to_pool", "string"}, {"to_pool_id", "integer"},
                              {"reason", "string"}},
                             {});
  s["NewDailyStatus"] = InputSchema({{"date", "string"}, {"pit_tag", "string"}, {"fish_id", "integer"},
                                     {"cohort", "string"}, {"cohort_id", "integer"}, {"pool", "string"},
                                     {"pool_id", "integer"}, {"weight_g", "number"}, {"length_cm", "number"},
                                     {"health", "string"}, {"feeding", "string"}, {"notes", "string"}},
                                    {"date"});
  s["NewFeeding"] = InputSchema({{"pool", "string"}, {"pool_id", "integer"}, {"time", "string"},
                                 {"feed_type", "string"}, {"kg", "number"}},
                                {"feed_type", "kg"});
  s["NewWaterQuality"] = InputSchema({{"pool", "string"}, {"pool_id", "integer"}, {"time", "string"},
                                      {"temperature_c", "number"}, {"oxygen_mg_l", "number"}, {"ph", "number"},
                                      {"ammonia_mg_l", "number"}, {"nitrite_mg_l", "number"}},
                                     {});
  s["NewDeath"] = InputSchema({{"time", "string"}, {"pool", "string"}, {"pool_id", "integer"}, {"count", "integer"},
                               {"pit_tag", "string"}, {"fish_id", "integer"}, {"cohort", "string"},
                               {"cohort_id", "integer"}, {"cause", "string"}},
                              {});
  s["NewStocktake"] = InputSchema({{"pool", "string"}, {"pool_id", "integer"}, {"time", "string"},
                                   {"count", "integer"}, {"count_low", "integer"}, {"count_high", "integer"},
                                   {"mean_weight_g", "number"}, {"method", "string"}, {"notes", "string"}},
                                  {"count"});
  s["NewSexing"] = InputSchema({{"pit_tag", "string"}, {"fish_id", "integer"}, {"date", "string"}, {"sex", "string"},
                                {"gonad_stage", "string"}, {"notes", "string"}},
                               {"date"});
  s["NewBiopsy"] = InputSchema({{"pit_tag", "string"}, {"fish_id", "integer"}, {"date", "string"},
                                {"egg_diameter_mm", "number"}, {"polarization_index", "number"}, {"notes", "string"}},
                               {"date", "egg_diameter_mm", "polarization_index"});
  s.update(TraceSchemas());
  return s;
}

json ProblemResponse(const char* description) {
  return {{"description", description},
          {"content", {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}};
}

}  // namespace

// A schema describing `example`: nulls become nullable values.
json SchemaOf(const json& example) {
  if (example.is_object()) {
    json props = json::object();
    for (const auto& [k, v] : example.items()) props[k] = SchemaOf(v);
    return {{"type", "object"}, {"properties", props}};
  }
  if (example.is_array()) return {{"type", "array"}, {"items", json::object()}};
  if (example.is_string()) return {{"type", "string"}};
  if (example.is_boolean()) return {{"type", "boolean"}};
  if (example.is_number_integer()) return {{"type", "integer"}};
  if (example.is_number()) return {{"type", "number"}};
  return {{"nullable", true}};
}

json PageOf(const std::string& item) {
  return {{"type", "object"},
          {"properties",
           {{"items", {{"type", "array"}, {"items", {{"$ref", "#/components/schemas/" + item}}}}},
            {"next_cursor", {{"type", "integer"}, {"nullable", true}}}}}};
}

json OpenApiDocument() {
  json paths = json::object();
  for (const Route& r : Routes()) {
    json op;
    op["summary"] = r.summary;
    op["tags"] = {r.tag};
    op["operationId"] = RouteName(r);
    json params = json::array();
    std::string_view path = r.path;
    for (size_t open = path.find('{'); open != std::string_view::npos; open = path.find('{', open + 1)) {
      const size_t close = path.find('}', open);
      params.push_back({{"name", std::string(path.substr(open + 1, close - open - 1))},
                        {"in", "path"},
                        {"required", true},
                        {"schema", {{"type", "string"}}}});
    }
    for (std::string_view q : r.query) {
      const ParamDoc& d = ParamCatalogue().at(q);
      json schema = {{"type", d.type}};
      if (*d.format) schema["format"] = d.format;
      params.push_back({{"name", std::string(q)}, {"in", "query"}, {"description", d.description}, {"schema", schema}});
    }
    if (!params.empty()) op["parameters"] = params;
    const bool bulk = r.request_schema == "BulkStatus";
    const bool video = r.request_schema == "Video";
    const bool readings = r.request_schema == "NewReadings";
    if (!r.request_schema.empty()) {
      const json ref = {{"$ref", "#/components/schemas/" + std::string(r.request_schema)}};
      op["requestBody"] = {{"required", true},
                           {"content", bulk    ? json{{"text/csv", {{"schema", ref}}},
                                                      {"application/x-ndjson", {{"schema", ref}}}}
                                       : video ? json{{"video/mp4", {{"schema", ref}}},
                                                      {"application/octet-stream", {{"schema", ref}}}}
                                               : json{{"application/json", {{"schema", ref}}}}}};
    }
    if (readings) op["requestBody"]["content"]["text/csv"] = {{"schema", {{"type", "string"}}}};
    // Uploading footage queues a job: 202 Accepted.
    const std::string ok_code = video ? "202" : r.method == boost::beast::http::verb::post ? "201" : "200";
    static const std::map<std::string_view, const char*> kMediaTypes = {
        {"Text", "text/plain"}, {"Html", "text/html"}, {"Png", "image/png"}, {"Asset", "application/octet-stream"},
        {"QrPng", "image/png"}, {"EpcisDocument", "application/ld+json"}};
    const auto media = kMediaTypes.find(r.response_schema);
    json responses = {{ok_code,
                       {{"description", "Success"},
                        {"content", {{media != kMediaTypes.end() ? media->second : "application/json",
                                      {{"schema", {{"$ref", "#/components/schemas/" + std::string(r.response_schema)}}}}}}}}}};
    if (r.access == Access::kAuthenticated) {
      responses["401"] = ProblemResponse("No or unknown bearer token");
      responses["403"] = ProblemResponse("The user's roles do not allow this");
    }
    if (!params.empty() || !r.request_schema.empty()) responses["400"] = ProblemResponse("Malformed or invalid input");
    if (r.path.find('{') != std::string_view::npos || !r.query.empty()) responses["404"] = ProblemResponse("Not found");
    if (!r.request_schema.empty()) {
      responses["409"] = ProblemResponse("Conflict, such as a duplicate code or PIT tag");
      responses["413"] = ProblemResponse("Body too large");
      responses["422"] = ProblemResponse("A business rule is broken");
    }
    op["responses"] = responses;
    if (r.access == Access::kPublic) op["security"] = json::array();
    auto verb = boost::beast::http::to_string(r.method);
    std::string method(verb.data(), verb.size());
    for (auto& ch : method) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    paths[std::string(r.path)][method] = op;
  }
  return {{"openapi", "3.0.3"},
          {"info",
           {{"title", "Sturgeon API"},
            {"version", "1"},
            {"description", "The farm registry of the Sturgeon system. Errors are application/problem+json."}}},
          {"servers", json::array({{{"url", "/"}}})},
          {"security", json::array({{{"bearerAuth", json::array()}}})},
          {"paths", paths},
          {"components",
           {{"schemas", Components()},
            {"securitySchemes", {{"bearerAuth", {{"type", "http"}, {"scheme", "bearer"}}}}}}}};
}

}  // namespace sturgeon::api
