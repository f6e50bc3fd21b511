// The Sturgeon HTTP API server: the route table (routes.cc) served by
// HttpServer, with bearer-token authentication, problem+json errors,
// metrics and one structured log line per request.
//
// Storage: SQLite connections are not thread-safe, so the server keeps a
// pool of Store objects, one per request in flight (at most one per I/O
// thread); SQLite's WAL mode lets them read concurrently while one writes.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/auth.h"
#include "api/http_server.h"
#include "api/metrics.h"
#include "api/response_cache.h"
#include "api/stocktake_worker.h"
#include "core/status.h"
#include "storage/store.h"

namespace sturgeon::api {

struct ApiOptions {
  std::string db;  // database path or URL, as for OpenStore
  ServerOptions server;
  std::chrono::seconds token_cache_ttl{10};
  bool log_requests = true;  // one info line per request
  // How long a computed pool inventory may be served again (0: never);
  // writes through the API clear it at once (see response_cache.h).
  std::chrono::milliseconds inventory_cache_ttl{1000};
  // Drone stocktake jobs: uploaded footage waits in `stocktake_dir` (default:
  // "<db>.uploads" beside the database), counted by this many threads
  // (0: this process counts nothing; jobs wait for another process).
  std::string stocktake_dir;
  int stocktake_threads = 1;
};

// Parses "HOST:PORT" (e.g. "127.0.0.1:8080", "[::1]:0").
Status ParseListen(const std::string& text, ServerOptions* out);

class ApiServer {
 public:
  // Opens the database (migrating it), binds and starts serving.
  static Result<std::unique_ptr<ApiServer>> Start(const ApiOptions& options);
  ~ApiServer();

  uint16_t port() const { return http_->port(); }
  // Graceful: see HttpServer::Shutdown.
  void Shutdown() { http_->Shutdown(); }
  void Wait() { http_->Wait(); }

 private:
  explicit ApiServer(const ApiOptions& options);
  HttpResponse Handle(HttpRequest&& request);
  // HttpServer's LargeBodyGate: a body over the default limit is read only
  // when the Authorization header authenticates; otherwise 401 (or the
  // error that stopped authentication) as problem+json, logged and counted.
  std::optional<HttpResponse> GateLargeBody(const HttpRequestHeader& header);
  // Counts a request in the metrics and logs its line.
  void Observe(const HttpRequestHeader& header, size_t route_index, int status,
               std::chrono::steady_clock::time_point start, const std::string& user);

  // A Store from the pool; returned by StoreLease's destructor.
  class StoreLease;
  Result<std::unique_ptr<Store>> AcquireStore();
  void ReleaseStore(std::unique_ptr<Store> store);

  ApiOptions options_;
  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<ResponseCache> cache_;
  std::unique_ptr<StocktakeWorker> stocktake_worker_;
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Store>> pool_;  // idle stores; guarded by pool_mu_
  std::unique_ptr<HttpServer> http_;
};

}  // namespace sturgeon::api
