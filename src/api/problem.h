// Errors as RFC 9457 problem details (application/problem+json).
#pragma once

#include <string>

#include <boost/beast/http/status.hpp>

#include "core/status.h"

namespace sturgeon::api {

// InvalidArgument 400, Unauthenticated 401, PermissionDenied 403,
// NotFound 404, AlreadyExists 409, ResourceExhausted 413,
// FailedPrecondition 422, Unavailable 503, everything else 500.
int HttpStatusOf(StatusCode code);

// The field a message names: the last of its leading "name: " parts made of
// letters, digits, '_', '.', '[' and ']', preferring one without an index
// ("feedings[0]: kg: must be >= 0" -> "kg"); "" if none.
std::string FieldOf(const std::string& message);

// The problem+json body for `status` answering `instance` (the request
// path). 400s carry "field" when the message names one; 500s hide the
// message (it is logged instead).
std::string ProblemJson(const Status& status, const std::string& instance);
// A problem body for a plain HTTP status (404 unknown route, 405, 413).
std::string ProblemJson(int http_status, const std::string& detail, const std::string& instance);

inline constexpr const char* kProblemContentType = "application/problem+json";

}  // namespace sturgeon::api
