#include "api/json_input.h"

#include <cmath>

#include <fmt/format.h>

namespace sturgeon::api {

Result<JsonFields> JsonFields::From(const nlohmann::json& body, std::initializer_list<std::string_view> allowed) {
  if (!body.is_object()) return Status::InvalidArgument("body: expected a JSON object");
  for (const auto& [key, value] : body.items()) {
    bool known = false;
    for (std::string_view a : allowed) known = known || a == key;
    if (!known) return Status::InvalidArgument(fmt::format("{}: unknown field", key));
  }
  return JsonFields(body);
}

const nlohmann::json* JsonFields::Get(const std::string& name) const {
  auto it = body_->find(name);
  if (it == body_->end() || it->is_null()) return nullptr;
  return &*it;
}

bool JsonFields::Has(const std::string& name) const { return Get(name) != nullptr; }

Result<std::string> JsonFields::String(const std::string& name, bool required) const {
  const nlohmann::json* v = Get(name);
  if (!v) {
    if (required) return Status::InvalidArgument(fmt::format("{}: is required", name));
    return std::string();
  }
  if (!v->is_string()) return Status::InvalidArgument(fmt::format("{}: must be a string", name));
  return v->get<std::string>();
}

Result<std::optional<std::string>> JsonFields::OptString(const std::string& name) const {
  if (!Get(name)) return std::optional<std::string>();
  STURGEON_ASSIGN_OR_RETURN(std::string s, String(name));
  return std::optional<std::string>(std::move(s));
}

Result<std::optional<double>> JsonFields::OptNumber(const std::string& name) const {
  const nlohmann::json* v = Get(name);
  if (!v) return std::optional<double>();
  if (!v->is_number()) return Status::InvalidArgument(fmt::format("{}: must be a number", name));
  const double d = v->get<double>();
  if (!std::isfinite(d)) return Status::InvalidArgument(fmt::format("{}: must be finite", name));
  return std::optional<double>(d);
}

Result<double> JsonFields::Number(const std::string& name) const {
  STURGEON_ASSIGN_OR_RETURN(std::optional<double> d, OptNumber(name));
  if (!d) return Status::InvalidArgument(fmt::format("{}: is required", name));
  return *d;
}

Result<std::optional<int64_t>> JsonFields::OptInt(const std::string& name) const {
  const nlohmann::json* v = Get(name);
  if (!v) return std::optional<int64_t>();
  if (!v->is_number_integer()) return Status::InvalidArgument(fmt::format("{}: must be an integer", name));
  return std::optional<int64_t>(v->get<int64_t>());
}

Result<std::optional<Date>> JsonFields::OptDate(const std::string& name) const {
  STURGEON_ASSIGN_OR_RETURN(std::string s, String(name));
  if (s.empty()) return std::optional<Date>();
  auto d = Date::Parse(s);
  if (!d.ok()) return Status::InvalidArgument(fmt::format("{}: {}", name, d.status().message()));
  return std::optional<Date>(*d);
}

Result<Date> JsonFields::RequiredDate(const std::string& name) const {
  STURGEON_ASSIGN_OR_RETURN(std::optional<Date> d, OptDate(name));
  if (!d) return Status::InvalidArgument(fmt::format("{}: is required", name));
  return *d;
}

Result<Timestamp> JsonFields::Time(const std::string& name, bool required) const {
  STURGEON_ASSIGN_OR_RETURN(std::string s, String(name, required));
  if (s.empty()) return Timestamp::Now();
  auto t = Timestamp::Parse(s);
  if (!t.ok()) return Status::InvalidArgument(fmt::format("{}: {}", name, t.status().message()));
  return *t;
}

}  // namespace sturgeon::api
