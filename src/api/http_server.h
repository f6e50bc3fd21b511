// A small asynchronous HTTP/1.1 server on Boost.Beast and Asio.
//
// Connections are keep-alive, TCP_NODELAY is set on each, and the listen
// backlog is large, so many clients share a few I/O threads (no thread per
// connection). Each complete request is passed to the RequestHandler on an
// I/O thread; the handler runs to completion there (it may block briefly,
// e.g. on SQLite) and returns the response.
//
// Limits: a request's body may be at most BodyLimit(header) bytes; a larger
// one (by Content-Length or while streaming) is answered 413 and the
// connection closed. A body that may be larger than
// ServerOptions::large_body_threshold (by Content-Length, or chunked) is read
// only if the LargeBodyGate lets its header through, before any of it is
// read and before "100 Continue"; otherwise the gate's response is sent and
// the connection closed. A connection idle between requests for
// idle_timeout, or slower than read_timeout to send a request, is closed;
// a large body is instead cut off only after read_timeout without data.
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
#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/http.hpp>

#include "core/status.h"

namespace sturgeon::api {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;
using HttpRequestHeader = boost::beast::http::request_header<>;

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8080;  // 0 picks a free port; see HttpServer::port()
  int io_threads = 4;
  int listen_backlog = 4096;
  std::chrono::seconds read_timeout{60};
  // Bodies that may be larger than this are "large": see LargeBodyGate.
  uint64_t large_body_threshold = 1ull << 20;
  std::chrono::seconds idle_timeout{75};
  std::chrono::seconds write_timeout{60};
  std::chrono::seconds drain_timeout{20};
};

// Must not throw; an exception escaping it is answered 500.
using RequestHandler = std::function<HttpResponse(HttpRequest&& request)>;
// The largest body accepted for a request with this header (its method and
// target).
using BodyLimit = std::function<uint64_t(const HttpRequestHeader& header)>;
// Asked, from the header alone, whether a large body may be read: nullopt
// to read it, or the response to send instead (e.g. 401). Must not throw.
using LargeBodyGate = std::function<std::optional<HttpResponse>(const HttpRequestHeader& header)>;
// Builds the response for a body that is too large (413), so the
// application can keep its error format.
using TooLargeResponder = std::function<HttpResponse(const HttpRequest& header, uint64_t limit)>;

class HttpServer {
 public:
  // Binds, listens and starts the I/O threads. IOError if the address
  // cannot be bound. An empty large_body_gate lets every large body in.
  static Result<std::unique_ptr<HttpServer>> Start(const ServerOptions& options, RequestHandler handler,
                                                   BodyLimit body_limit, LargeBodyGate large_body_gate,
                                                   TooLargeResponder too_large);
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
