// The shape of the API's route table (the table itself is in routes.cc)
// and what a handler sees of a request.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

#include "api/access.h"
#include "api/http_server.h"
#include "core/status.h"
#include "storage/store.h"

namespace sturgeon::api {

// A successful answer. Errors travel as Status and become problem+json.
struct Reply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra response headers
};

Reply JsonReply(int status, const nlohmann::json& body);

// One request as a handler sees it. Not thread-safe; lives for one request.
class RequestContext {
 public:
  RequestContext(const HttpRequest& request, std::string_view path, std::string_view query,
                 std::vector<std::pair<std::string_view, std::string>> params, const Principal* principal,
                 Store* store);

  const HttpRequest& request() const { return request_; }
  std::string_view path() const { return path_; }
  // The authenticated user. Precondition: the route is not public.
  const Principal& principal() const { return *principal_; }
  Store& store() const { return *store_; }
  // The server's metrics, for GET /metrics; may be null.
  const class Metrics* metrics() const { return metrics_; }
  void set_metrics(const class Metrics* m) { metrics_ = m; }
  // The server's response cache; may be null (no caching).
  class ResponseCache* cache() const { return cache_; }
  void set_cache(class ResponseCache* c) { cache_ = c; }
  // The server's stocktake job runner (api/stocktake_worker.h); may be null.
  class StocktakeWorker* stocktake_worker() const { return stocktake_worker_; }
  void set_stocktake_worker(class StocktakeWorker* w) { stocktake_worker_ = w; }

  // A path parameter ("code" in /api/pools/{code}); percent-decoded.
  const std::string& Param(std::string_view name) const;
  // A query parameter, percent-decoded; unset if absent.
  std::optional<std::string> Query(const std::string& name) const;
  // The body as JSON: InvalidArgument ("body: ...") if it is not valid JSON
  // or not an object.
  Result<nlohmann::json> JsonBody() const;
  // The request's Content-Type without parameters, lower-case.
  std::string ContentType() const;

 private:
  const HttpRequest& request_;
  std::string_view path_;
  std::vector<std::pair<std::string_view, std::string>> params_;
  std::map<std::string, std::string> query_;
  const Principal* principal_;
  Store* store_;
  const class Metrics* metrics_ = nullptr;
  class ResponseCache* cache_ = nullptr;
  class StocktakeWorker* stocktake_worker_ = nullptr;
};

using Handler = Result<Reply> (*)(RequestContext& ctx);

enum class Access { kPublic, kAuthenticated };

inline constexpr uint64_t kDefaultBodyLimit = 1ull << 20;  // 1 MiB
inline constexpr uint64_t kBulkBodyLimit = 64ull << 20;    // 64 MiB
inline constexpr uint64_t kVideoBodyLimit = 512ull << 20;  // 512 MiB: drone footage

struct Route {
  boost::beast::http::verb method;
  std::string_view path;  // segments in braces are parameters: /api/pools/{code}
  Handler handler;
  Access access;
  std::string_view tag;       // OpenAPI tag (resource group)
  std::string_view summary;   // one line for OpenAPI
  std::vector<std::string_view> query;  // query parameter names (see openapi.cc's catalogue)
  std::string_view request_schema;      // component schema of the body; "" for none
  std::string_view response_schema;     // component schema of the answer
  uint64_t body_limit = kDefaultBodyLimit;
};

// Every route of the API, in one table (routes.cc).
const std::vector<Route>& Routes();

// "GET /api/pools/{code}": the route's name in logs and metrics.
std::string RouteName(const Route& route);

struct RouteMatch {
  const Route* route = nullptr;  // null: no route for this method and path
  size_t index = 0;              // into Routes()
  std::vector<std::pair<std::string_view, std::string>> params;
  std::vector<boost::beast::http::verb> allowed;  // methods for the path, when route is null
};

// Finds the route for `method` and `path` (without the query string).
RouteMatch MatchRoute(boost::beast::http::verb method, std::string_view path);
// The largest body the route for `method` and `path` accepts
// (kDefaultBodyLimit when there is no such route), checked from the headers
// before the body is read. Only the route that raises its limit gets it: a
// GET to an upload's path has the default.
uint64_t BodyLimitForRoute(boost::beast::http::verb method, std::string_view path);

// Percent-decodes `s` ('+' stays '+'). InvalidArgument for a bad escape.
Result<std::string> PercentDecode(std::string_view s);

// The OpenAPI 3 document generated from Routes().
nlohmann::json OpenApiDocument();

}  // namespace sturgeon::api
