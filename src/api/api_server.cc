#include "api/api_server.h"

#include <chrono>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "api/problem.h"
#include "api/router.h"

namespace sturgeon::api {

namespace http = boost::beast::http;

namespace {

HttpResponse MakeResponse(int status, std::string body, std::string_view content_type) {
  HttpResponse res(static_cast<http::status>(status), 11);
  res.set(http::field::content_type, std::string(content_type));
  res.body() = std::move(body);
  return res;
}

HttpResponse ProblemResponse(int status, const std::string& body) {
  return MakeResponse(status, body, kProblemContentType);
}

}  // namespace

Status ParseListen(const std::string& text, ServerOptions* out) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return Status::InvalidArgument(fmt::format("listen: expected HOST:PORT, got '{}'", text));
  }
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = 0;
  try {
    size_t used = 0;
    port = std::stoi(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1) port = -1;
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535) return Status::InvalidArgument(fmt::format("listen: bad port in '{}'", text));
  out->address = host;
  out->port = static_cast<uint16_t>(port);
  return Status::Ok();
}

class ApiServer::StoreLease {
 public:
  StoreLease(ApiServer& server, std::unique_ptr<Store> store) : server_(server), store_(std::move(store)) {}
  ~StoreLease() {
    if (store_) server_.ReleaseStore(std::move(store_));
  }
  Store* get() const { return store_.get(); }

 private:
  ApiServer& server_;
  std::unique_ptr<Store> store_;
};

ApiServer::ApiServer(const ApiOptions& options) : options_(options) {}

ApiServer::~ApiServer() {
  if (http_) {
    http_->Shutdown();
    http_->Wait();
  }
  if (stocktake_worker_) stocktake_worker_->Stop();
}

Result<std::unique_ptr<Store>> ApiServer::AcquireStore() {
  {
    std::lock_guard lock(pool_mu_);
    if (!pool_.empty()) {
      auto s = std::move(pool_.back());
      pool_.pop_back();
      return s;
    }
  }
  return OpenStore(options_.db);
}

void ApiServer::ReleaseStore(std::unique_ptr<Store> store) {
  std::lock_guard lock(pool_mu_);
  pool_.push_back(std::move(store));
}

Result<std::unique_ptr<ApiServer>> ApiServer::Start(const ApiOptions& options) {
  STURGEON_RETURN_IF_ERROR(InitCrypto());
  std::unique_ptr<ApiServer> server(new ApiServer(options));
  // The first store migrates the database before anything else opens it.
  STURGEON_ASSIGN_OR_RETURN(std::unique_ptr<Store> first, OpenStore(options.db));
  server->pool_.push_back(std::move(first));
  STURGEON_ASSIGN_OR_RETURN(std::unique_ptr<AuthStore> auth_store, OpenAuthStore(options.db));
  server->auth_ = std::make_unique<Authenticator>(std::move(auth_store), options.token_cache_ttl);
  std::vector<std::string> names;
  for (const Route& r : Routes()) names.push_back(RouteName(r));
  server->metrics_ = std::make_unique<Metrics>(std::move(names));
  constexpr size_t kMaxCachedResponses = 4096;
  if (options.inventory_cache_ttl.count() > 0) {
    server->cache_ = std::make_unique<ResponseCache>(options.inventory_cache_ttl, kMaxCachedResponses);
  }
  {
    StocktakeWorkerOptions w;
    w.db = options.db;
    w.upload_dir = options.stocktake_dir;
    if (w.upload_dir.empty()) {
      constexpr std::string_view kSqliteScheme = "sqlite:";
      const std::string path =
          options.db.rfind(kSqliteScheme, 0) == 0 ? options.db.substr(kSqliteScheme.size()) : options.db;
      w.upload_dir = path + ".uploads";
    }
    w.threads = options.stocktake_threads;
    STURGEON_ASSIGN_OR_RETURN(server->stocktake_worker_, StocktakeWorker::Start(w));
  }
  ApiServer* self = server.get();
  // Bodies over the default limit are read only for an authenticated caller
  // (GateLargeBody), so anonymous clients cannot make the server hold one.
  ServerOptions server_options = options.server;
  server_options.large_body_threshold = kDefaultBodyLimit;
  STURGEON_ASSIGN_OR_RETURN(
      server->http_,
      HttpServer::Start(
          server_options, [self](HttpRequest&& req) { return self->Handle(std::move(req)); },
          [](const HttpRequestHeader& header) {
            const std::string_view target(header.target().data(), header.target().size());
            return BodyLimitForRoute(header.method(), target.substr(0, target.find('?')));
          },
          [self](const HttpRequestHeader& header) { return self->GateLargeBody(header); },
          [](const HttpRequest& header, uint64_t limit) {
            const std::string target(header.target().data(), header.target().size());
            return ProblemResponse(413, ProblemJson(413, fmt::format("the body is larger than {} bytes", limit),
                                                    target.substr(0, target.find('?'))));
          }));
  return server;
}

std::optional<HttpResponse> ApiServer::GateLargeBody(const HttpRequestHeader& header) {
  const auto start = std::chrono::steady_clock::now();
  const auto authorization = header[http::field::authorization];
  auto principal = auth_->Authenticate(std::string_view(authorization.data(), authorization.size()));
  if (principal.ok()) return std::nullopt;
  const std::string_view target(header.target().data(), header.target().size());
  const std::string_view path = target.substr(0, target.find('?'));
  const RouteMatch match = MatchRoute(header.method(), path);
  const int code = HttpStatusOf(principal.status().code());
  if (code >= 500) spdlog::error("{}: authenticating a large body: {}", target, principal.status().ToString());
  HttpResponse res = ProblemResponse(code, ProblemJson(principal.status(), std::string(path)));
  if (code == 401) res.set(http::field::www_authenticate, "Bearer");
  Observe(header, match.route ? match.index : Routes().size(), code, start, "-");
  return res;
}

void ApiServer::Observe(const HttpRequestHeader& header, size_t route_index, int status,
                        std::chrono::steady_clock::time_point start, const std::string& user) {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_->Record(route_index, status, seconds);
  if (options_.log_requests) {
    const auto method = header.method_string();
    const std::string_view target(header.target().data(), header.target().size());
    spdlog::info("request method={} route=\"{}\" target=\"{}\" status={} duration_ms={:.3f} user={}",
                 std::string_view(method.data(), method.size()),
                 route_index < Routes().size() ? Routes()[route_index].path : std::string_view("-"), target, status,
                 seconds * 1e3, user);
  }
}

HttpResponse ApiServer::Handle(HttpRequest&& req) {
  const auto start = std::chrono::steady_clock::now();
  const std::string_view target(req.target().data(), req.target().size());
  const size_t qmark = target.find('?');
  const std::string_view path = target.substr(0, qmark);
  const std::string_view query = qmark == std::string_view::npos ? std::string_view() : target.substr(qmark + 1);
  RouteMatch match = MatchRoute(req.method(), path);
  size_t route_index = Routes().size();
  std::string user = "-";
  HttpResponse res;
  if (!match.route) {
    if (!match.allowed.empty()) {
      std::string allow;
      for (auto v : match.allowed) {
        auto s = http::to_string(v);
        allow += (allow.empty() ? "" : ", ") + std::string(s.data(), s.size());
      }
      res = ProblemResponse(405, ProblemJson(405, fmt::format("allowed methods: {}", allow), std::string(path)));
      res.set(http::field::allow, allow);
    } else {
      res = ProblemResponse(404, ProblemJson(404, "no such route", std::string(path)));
    }
  } else {
    route_index = match.index;
    const Route& route = *match.route;
    Principal principal;
    Status st;
    if (route.access == Access::kAuthenticated) {
      const auto header = req[http::field::authorization];
      auto p = auth_->Authenticate(std::string_view(header.data(), header.size()));
      if (p.ok()) {
        principal = std::move(p).value();
        user = principal.name();
      } else {
        st = p.status();
      }
    }
    Result<Reply> reply = Status::Internal("not handled");
    if (st.ok()) {
      std::unique_ptr<StoreLease> lease;
      if (route.access == Access::kAuthenticated) {
        auto store = AcquireStore();
        if (store.ok()) {
          lease = std::make_unique<StoreLease>(*this, std::move(store).value());
        } else {
          st = store.status();
        }
      }
      if (st.ok()) {
        RequestContext ctx(req, path, query, std::move(match.params),
                           route.access == Access::kAuthenticated ? &principal : nullptr,
                           lease ? lease->get() : nullptr);
        ctx.set_metrics(metrics_.get());
        ctx.set_cache(cache_.get());
        ctx.set_stocktake_worker(stocktake_worker_.get());
        try {
          reply = route.handler(ctx);
        } catch (const std::exception& e) {
          reply = Status::Internal(fmt::format("unhandled exception: {}", e.what()));
        }
      }
    }
    if (st.ok() && reply.ok()) {
      res = MakeResponse(reply->status, std::move(reply->body), reply->content_type);
      for (const auto& [name, value] : reply->headers) res.set(name, value);
    } else {
      const Status& err = st.ok() ? reply.status() : st;
      const int code = HttpStatusOf(err.code());
      if (code >= 500) spdlog::error("{} {}: {}", RouteName(route), target, err.ToString());
      res = ProblemResponse(code, ProblemJson(err, std::string(path)));
      if (code == 401) res.set(http::field::www_authenticate, "Bearer");
    }
  }
  Observe(req, route_index, res.result_int(), start, user);
  return res;
}

}  // namespace sturgeon::api
