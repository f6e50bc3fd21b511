#include "api/problem.h"

#include <cctype>

#include <nlohmann/json.hpp>

namespace sturgeon::api {
namespace {

std::string Title(int http_status) {
  return std::string(boost::beast::http::obsolete_reason(static_cast<boost::beast::http::status>(http_status)));
}

std::string Type(int http_status) {
  switch (http_status) {
    case 400: return "https://sturgeon.example/problems/invalid-argument";
    case 401: return "https://sturgeon.example/problems/unauthenticated";
    case 403: return "https://sturgeon.example/problems/permission-denied";
    case 404: return "https://sturgeon.example/problems/not-found";
    case 405: return "https://sturgeon.example/problems/method-not-allowed";
    case 409: return "https://sturgeon.example/problems/conflict";
    case 413: return "https://sturgeon.example/problems/too-large";
    case 415: return "https://sturgeon.example/problems/unsupported-media-type";
    case 422: return "https://sturgeon.example/problems/business-rule";
    default: return "about:blank";
  }
}

}  // namespace

int HttpStatusOf(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists: return 409;
    case StatusCode::kResourceExhausted: return 413;
    case StatusCode::kFailedPrecondition: return 422;
    case StatusCode::kUnavailable: return 503;
    default: return 500;
  }
}

std::string FieldOf(const std::string& message) {
  // Messages are "context: ...: field: problem"; the field is the last
  // identifier before the problem ("feedings[0]: kg: must be >= 0" -> kg).
  std::string field;
  size_t start = 0;
  while (true) {
    const size_t colon = message.find(": ", start);
    if (colon == std::string::npos || colon == start) break;
    bool identifier = true;
    bool indexed = false;
    for (size_t i = start; i < colon && identifier; ++i) {
      const unsigned char c = static_cast<unsigned char>(message[i]);
      indexed = indexed || c == '[';
      identifier = std::isalnum(c) || c == '_' || c == '.' || c == '[' || c == ']';
    }
    if (!identifier) break;
    if (!indexed || field.empty()) field = message.substr(start, colon - start);
    start = colon + 2;
  }
  return field;
}

std::string ProblemJson(const Status& status, const std::string& instance) {
  const int code = HttpStatusOf(status.code());
  const bool hide = code == 500;
  nlohmann::json j = {{"type", Type(code)},
                      {"title", Title(code)},
                      {"status", code},
                      {"detail", hide ? std::string("internal error; see the server log") : status.message()},
                      {"instance", instance}};
  if (code == 400) {
    if (std::string field = FieldOf(status.message()); !field.empty()) j["field"] = field;
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string ProblemJson(int http_status, const std::string& detail, const std::string& instance) {
  nlohmann::json j = {{"type", Type(http_status)},
                      {"title", Title(http_status)},
                      {"status", http_status},
                      {"detail", detail},
                      {"instance", instance}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace sturgeon::api
