#include "api/http_server.h"

#include <condition_variable>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace sturgeon::api {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr uint32_t kHeaderLimitBytes = 16 * 1024;
constexpr std::chrono::seconds kLingerTime{2};
constexpr size_t kDrainChunkBytes = 64 * 1024;
constexpr uint64_t kMaxDrainBytes = 128ull << 20;

class Session;

}  // namespace

class HttpServer::Impl {
 public:
  Impl(const ServerOptions& o, RequestHandler handler, BodyLimit body_limit, LargeBodyGate large_body_gate,
       TooLargeResponder too_large)
      : options_(o),
        handler_(std::move(handler)),
        body_limit_(std::move(body_limit)),
        large_body_gate_(std::move(large_body_gate)),
        too_large_(std::move(too_large)),
        ioc_(std::max(1, o.io_threads)),
        acceptor_(net::make_strand(ioc_)) {}

  Status Listen() {
    beast::error_code ec;
    const auto address = net::ip::make_address(options_.address, ec);
    if (ec) return Status::InvalidArgument(fmt::format("listen: bad address '{}': {}", options_.address, ec.message()));
    const tcp::endpoint endpoint(address, options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(options_.listen_backlog, ec);
    if (ec) {
      return Status::IOError(fmt::format("cannot listen on {}:{}: {}", options_.address, options_.port, ec.message()));
    }
    port_ = acceptor_.local_endpoint().port();
    return Status::Ok();
  }

  void StartThreads() {
    Accept();
    const int n = std::max(1, options_.io_threads);
    threads_.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) threads_.emplace_back([this] { ioc_.run(); });
  }

  void Shutdown();
  void Wait() {
    std::call_once(joined_, [this] {
      for (auto& t : threads_) t.join();
      {
        std::lock_guard lock(done_mu_);
        done_ = true;
      }
      done_cv_.notify_all();
      if (watchdog_.joinable()) watchdog_.join();
    });
  }

  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  const ServerOptions& options() const { return options_; }
  uint16_t port() const { return port_; }

  HttpResponse Handle(HttpRequest&& req) {
    const unsigned version = req.version();
    HttpResponse res;
    try {
      res = handler_(std::move(req));
    } catch (const std::exception& e) {
      res = HttpResponse(http::status::internal_server_error, version);
      res.set(http::field::content_type, "text/plain");
      res.body() = fmt::format("internal error: {}\n", e.what());
    }
    res.version(version);
    return res;
  }
  uint64_t BodyLimitFor(const HttpRequestHeader& header) const { return body_limit_(header); }
  // nullopt: the large body may be read; otherwise the response to send.
  std::optional<HttpResponse> GateLargeBody(const HttpRequestHeader& header) const {
    if (!large_body_gate_) return std::nullopt;
    std::optional<HttpResponse> refusal;
    try {
      refusal = large_body_gate_(header);
    } catch (const std::exception& e) {
      HttpResponse res(http::status::internal_server_error, header.version());
      res.set(http::field::content_type, "text/plain");
      res.body() = fmt::format("internal error: {}\n", e.what());
      refusal = std::move(res);
    }
    if (refusal) refusal->version(header.version());
    return refusal;
  }
  HttpResponse TooLarge(const HttpRequest& header, uint64_t limit) const { return too_large_(header, limit); }

  void Register(Session* s, std::weak_ptr<Session> w) {
    std::lock_guard lock(sessions_mu_);
    sessions_.emplace(s, std::move(w));
  }
  void Forget(Session* s) {
    std::lock_guard lock(sessions_mu_);
    sessions_.erase(s);
  }

 private:
  void Accept();

  ServerOptions options_;
  RequestHandler handler_;
  BodyLimit body_limit_;
  LargeBodyGate large_body_gate_;
  TooLargeResponder too_large_;
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  std::once_flag shutdown_once_, joined_;
  std::thread watchdog_;
  std::mutex done_mu_;
  std::condition_variable done_cv_;
  bool done_ = false;
  std::mutex sessions_mu_;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;
};

namespace {

// One connection: reads requests one after another, answers each in turn.
// All its handlers run on its strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, HttpServer::Impl& server) : stream_(std::move(socket)), server_(server) {}
  ~Session() { server_.Forget(this); }

  void Run() {
    server_.Register(this, weak_from_this());
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
  }

  // Closes the connection if it is waiting for a request; otherwise it
  // closes after the response in progress is written.
  void Stop() {
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->waiting_for_request_) self->Close();
    });
  }

 private:
  void ReadHeader() {
    if (server_.stopping()) return Close();
    parser_.emplace();
    parser_->header_limit(kHeaderLimitBytes);
    // The parser would check Content-Length against its default limit while
    // reading the header; the route's limit is applied in OnHeader instead.
    parser_->body_limit(std::numeric_limits<uint64_t>::max());
    waiting_for_request_ = true;
    stream_.expires_after(server_.options().idle_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    waiting_for_request_ = false;
    if (ec) {
      if (ec != http::error::end_of_stream) spdlog::debug("http: reading request header: {}", ec.message());
      return Close();
    }
    const HttpRequest& req = parser_->get();
    limit_ = server_.BodyLimitFor(req);
    const auto length = parser_->content_length();
    if (length && *length > limit_) return Respond(server_.TooLarge(req, limit_), true);
    // A body that may be large (by Content-Length, or chunked) is read only
    // if the gate lets the header through; nothing of it is read, and no
    // "100 Continue" sent, otherwise.
    const uint64_t threshold = server_.options().large_body_threshold;
    large_body_ = limit_ > threshold && !parser_->is_done() && (!length || *length > threshold);
    if (large_body_) {
      if (auto refusal = server_.GateLargeBody(req)) return Respond(std::move(*refusal), true);
    }
    parser_->body_limit(limit_);
    // A large body has read_timeout between pieces (re-armed in ReadBody),
    // so a long upload over a slow line is not cut off; any other has
    // read_timeout for the whole body.
    stream_.expires_after(server_.options().read_timeout);
    if (beast::iequals(req[http::field::expect], "100-continue")) {
      continue_ = std::make_unique<http::response<http::empty_body>>(http::status::continue_, req.version());
      http::async_write(stream_, *continue_, [self = shared_from_this()](beast::error_code ec, size_t) {
        if (ec) return self->Close();
        self->ReadBody();
      });
      return;
    }
    ReadBody();
  }

  // Reads the body piece by piece (each read takes what has arrived, up to
  // the buffer's read size), re-arming the timeout before each for a large
  // body.
  void ReadBody() {
    if (parser_->is_done()) return OnBody({});
    if (large_body_) stream_.expires_after(server_.options().read_timeout);
    http::async_read_some(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->OnBody(ec);
      self->ReadBody();
    });
  }

  void OnBody(beast::error_code ec) {
    if (ec == http::error::body_limit) return Respond(server_.TooLarge(parser_->get(), limit_), true);
    if (ec) {
      spdlog::debug("http: reading request body: {}", ec.message());
      return Close();
    }
    HttpRequest req = parser_->release();
    const bool close = !req.keep_alive();
    Respond(server_.Handle(std::move(req)), close);
  }

  void Respond(HttpResponse&& res, bool close) {
    close = close || server_.stopping();
    res.keep_alive(!close);
    res.prepare_payload();
    response_ = std::make_unique<HttpResponse>(std::move(res));
    stream_.expires_after(server_.options().write_timeout);
    http::async_write(stream_, *response_, [self = shared_from_this(), close](beast::error_code ec, size_t) {
      self->response_.reset();
      if (ec) {
        spdlog::debug("http: writing response: {}", ec.message());
        return self->Close();
      }
      if (close) return self->LingeringClose();
      self->ReadHeader();
    });
  }

  // Closing a socket with unread input resets the connection, and the peer
  // may lose the response (e.g. a 413 sent before the body was read). So
  // shut down sending, then discard input until the peer closes, a limit
  // or a short timeout.
  void LingeringClose() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kLingerTime);
    Discard();
  }

  void Discard() {
    drain_buffer_.resize(kDrainChunkBytes);
    stream_.async_read_some(net::buffer(drain_buffer_), [self = shared_from_this()](beast::error_code ec, size_t n) {
      self->drained_ += n;
      if (ec || self->drained_ > kMaxDrainBytes) return self->stream_.close();
      self->Discard();
    });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  HttpServer::Impl& server_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::unique_ptr<HttpResponse> response_;
  std::unique_ptr<http::response<http::empty_body>> continue_;
  uint64_t limit_ = 0;
  bool large_body_ = false;
  bool waiting_for_request_ = false;
  std::vector<char> drain_buffer_;
  uint64_t drained_ = 0;
};

}  // namespace

void HttpServer::Impl::Accept() {
  acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
    if (stopping()) return;
    if (!ec) {
      beast::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      std::make_shared<Session>(std::move(socket), *this)->Run();
    }
    if (acceptor_.is_open()) Accept();
  });
}

void HttpServer::Impl::Shutdown() {
  std::call_once(shutdown_once_, [this] {
    stopping_.store(true, std::memory_order_release);
    // Requests still running after the drain timeout are abandoned.
    watchdog_ = std::thread([this] {
      std::unique_lock lock(done_mu_);
      if (!done_cv_.wait_for(lock, options_.drain_timeout, [this] { return done_; })) ioc_.stop();
    });
    net::post(acceptor_.get_executor(), [this] {
      beast::error_code ignored;
      acceptor_.close(ignored);
    });
    std::vector<std::shared_ptr<Session>> live;
    {
      std::lock_guard lock(sessions_mu_);
      for (auto& [ptr, weak] : sessions_) {
        if (auto s = weak.lock()) live.push_back(std::move(s));
      }
    }
    for (auto& s : live) s->Stop();
  });
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  Shutdown();
  Wait();
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const ServerOptions& options, RequestHandler handler,
                                                      BodyLimit body_limit, LargeBodyGate large_body_gate,
                                                      TooLargeResponder too_large) {
  auto impl = std::make_unique<Impl>(options, std::move(handler), std::move(body_limit), std::move(large_body_gate),
                                     std::move(too_large));
  STURGEON_RETURN_IF_ERROR(impl->Listen());
  impl->StartThreads();
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

uint16_t HttpServer::port() const { return impl_->port(); }
void HttpServer::Shutdown() { impl_->Shutdown(); }
void HttpServer::Wait() { impl_->Wait(); }

}  // namespace sturgeon::api
