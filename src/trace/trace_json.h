// JSON forms of the traceability records, shared by the CLI (--json) and
// the API. Field names are snake_case; times ISO 8601 UTC.
#pragma once

#include <nlohmann/json.hpp>

#include "storage/trace_store.h"
#include "trace/trace_model.h"
#include "trace/trace_service.h"

namespace sturgeon::trace {

nlohmann::json ToJson(const Harvest& h);
nlohmann::json ToJson(const Batch& b);
nlohmann::json ToJson(const Lot& l);
nlohmann::json ToJson(const Tin& t);
nlohmann::json ToJson(const Case& c);
nlohmann::json ToJson(const Shipment& s);
nlohmann::json ToJson(const Excursion& e);
nlohmann::json ToJson(const LotTrace& t);
nlohmann::json ToJson(const TinTrace& t);
nlohmann::json ToJson(const Recall& r);
nlohmann::json ToJson(const ColdChainReport& r);
nlohmann::json ToJson(const BackwardTrace& t);
// Grades name their darkest colour ("max_colour": "light_grey").
nlohmann::json ToJson(const ProductSpec& p);

// A product from its JSON form (the fields ToJson writes; "name" may be
// left out when `name` is given). Missing settings keep ProductSpec's
// defaults, except "grades", which is required. InvalidArgument naming the
// field ("grades[1]: min_firmness: ...") for a wrong type, an unknown field
// or a setting ValidateProduct refuses.
Result<ProductSpec> ProductFromJson(const nlohmann::json& j, const std::string& name = "");

}  // namespace sturgeon::trace
