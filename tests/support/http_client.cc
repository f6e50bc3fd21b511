#include "support/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace sturgeon::testing {

namespace http = boost::beast::http;
namespace net = boost::asio;

struct HttpClient::Connection {
  net::io_context ioc;
  net::ip::tcp::socket socket{ioc};
};

HttpClient::HttpClient(uint16_t port) : connection_(std::make_unique<Connection>()) {
  connection_->socket.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
}

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::Send(http::verb method, const std::string& target, const std::string& token,
                              const std::string& body, const std::string& content_type) {
  http::request<http::string_body> req(method, target, 11);
  req.set(http::field::host, "127.0.0.1");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  if (!body.empty() || method == http::verb::post || method == http::verb::put || method == http::verb::patch) {
    req.set(http::field::content_type, content_type);
    req.body() = body;
  }
  req.prepare_payload();
  http::write(connection_->socket, req);
  boost::beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(1ull << 30);
  http::read(connection_->socket, buffer, parser);
  auto res = parser.release();
  return HttpResponse{static_cast<int>(res.result_int()), res.body(), std::string(res[http::field::content_type]),
                      std::string(res[http::field::allow]), std::string(res[http::field::location])};
}

}  // namespace sturgeon::testing
