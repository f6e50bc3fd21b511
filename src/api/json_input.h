// Reading request bodies: typed, named access to a JSON object's fields.
// Every error is an InvalidArgument whose message starts with the field's
// name ("weight_g: must be a number"), so the problem reply can name it.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/dates.h"
#include "core/status.h"

namespace sturgeon::api {

class JsonFields {
 public:
  // InvalidArgument if `body` holds a field not in `allowed`.
  static Result<JsonFields> From(const nlohmann::json& body, std::initializer_list<std::string_view> allowed);

  bool Has(const std::string& name) const;
  // A string field; "" when absent or null, unless `required`.
  Result<std::string> String(const std::string& name, bool required = false) const;
  Result<std::optional<std::string>> OptString(const std::string& name) const;
  Result<std::optional<double>> OptNumber(const std::string& name) const;
  Result<double> Number(const std::string& name) const;  // required
  Result<std::optional<int64_t>> OptInt(const std::string& name) const;
  Result<std::optional<Date>> OptDate(const std::string& name) const;
  Result<Date> RequiredDate(const std::string& name) const;
  // A timestamp; `Timestamp::Now()` when absent and not required.
  Result<Timestamp> Time(const std::string& name, bool required = false) const;

 private:
  explicit JsonFields(const nlohmann::json& body) : body_(&body) {}
  const nlohmann::json* Get(const std::string& name) const;
  const nlohmann::json* body_;
};

}  // namespace sturgeon::api
