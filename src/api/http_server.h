// A small asynchronous HTTP/1.1 server on Boost.Beast and Asio.
//
// Connections are keep-alive, TCP_NODELAY is set on each, and the listen
// backlog is large, so many clients share a few I/O threads (no thread per
// connection). Each complete request is passed to the RequestHandler on an
// I/O thread; the handler runs to completion there (it may block briefly,
// e.g. on SQLite) and returns the response.
//
// Limits: a request's body may be at most BodyLimit(target) bytes; a larger
// one (by Content-Length or while streaming) is answered 413 and the
// connection closed. A connection idle between requests for idle_timeout,
// or slower than read_timeout to send a request, is closed.
//
// Shutdown() is graceful: it stops accepting, closes idle connections,
// lets requests in flight finish and their responses be written, then the
// I/O threads end (after at most drain_timeout). Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/beast/http.hpp>

#include "core/status.h"

namespace sturgeon::api {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0 picks a free port; see HttpServer::port()
  int io_threads = 4;
  int listen_backlog = 4096;
  std::chrono::seconds read_timeout{60};
  std::chrono::seconds idle_timeout{75};
  std::chrono::seconds write_timeout{60};
  std::chrono::seconds drain_timeout{20};
};

// Must not throw; an exception escaping it is answered 500.
using RequestHandler = std::function<HttpResponse(HttpRequest&& request)>;
// The largest body accepted for a request to `target` (path and query).
using BodyLimit = std::function<uint64_t(std::string_view target)>;
// Builds the response for a body that is too large (413), so the
// application can keep its error format.
using TooLargeResponder = std::function<HttpResponse(const HttpRequest& header, uint64_t limit)>;

class HttpServer {
 public:
  // Binds, listens and starts the I/O threads. IOError if the address
  // cannot be bound.
  static Result<std::unique_ptr<HttpServer>> Start(const ServerOptions& options, RequestHandler handler,
                                                   BodyLimit body_limit, TooLargeResponder too_large);
  ~HttpServer();  // Shutdown() and Wait()

  // The port actually bound (useful with port 0).
  uint16_t port() const;
  // Begins a graceful shutdown; returns at once. Safe from any thread.
  void Shutdown();
  // Blocks until the I/O threads have ended.
  void Wait();

  class Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sturgeon::api
