// JSON forms of the registry's value types, shared by the command line's
// --json output and the HTTP API. Field names match the CSV columns where
// both exist. Optional values that are unset are written as null.
#pragma once

#include <nlohmann/json.hpp>

#include "domain/inventory.h"
#include "domain/model.h"

namespace sturgeon {

nlohmann::json ToJson(const Farm& v);
nlohmann::json ToJson(const Pool& v);
nlohmann::json ToJson(const Species& v);
nlohmann::json ToJson(const Cohort& v);
nlohmann::json ToJson(const Fish& v);
nlohmann::json ToJson(const Move& v);
nlohmann::json ToJson(const Removal& v);
nlohmann::json ToJson(const Stocktake& v);
nlohmann::json ToJson(const DailyStatus& v);
nlohmann::json ToJson(const Feeding& v);
nlohmann::json ToJson(const WaterQuality& v);
nlohmann::json ToJson(const Sexing& v);
nlohmann::json ToJson(const Biopsy& v);
nlohmann::json ToJson(const Inventory& v);

template <typename T>
nlohmann::json ToJsonArray(const std::vector<T>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : rows) out.push_back(ToJson(r));
  return out;
}

}  // namespace sturgeon
