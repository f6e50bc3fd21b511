// Test support: a blocking HTTP/1.1 client for the API tests, keeping one
// keep-alive connection to a server on the loopback interface.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <boost/beast/http/verb.hpp>
#include <nlohmann/json.hpp>

namespace sturgeon::testing {

struct HttpResponse {
  int status = 0;
  std::string body;
  std::string content_type;
  std::string allow;     // the Allow header (405 answers)
  std::string location;  // the Location header (202/201 answers)
  // The body parsed as JSON; a discarded value when it is not JSON.
  nlohmann::json Json() const { return nlohmann::json::parse(body, nullptr, false); }
};

class HttpClient {
 public:
  // Connects to 127.0.0.1:`port`; throws when nothing listens there.
  explicit HttpClient(uint16_t port);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request and reads the whole answer (bodies up to 1 GiB).
  // `token`, when not empty, goes in `Authorization: Bearer`. The body and
  // its Content-Type are sent when the body is not empty or the method is
  // POST, PUT or PATCH.
  HttpResponse Send(boost::beast::http::verb method, const std::string& target, const std::string& token,
                    const std::string& body = "", const std::string& content_type = "application/json");

 private:
  struct Connection;
  std::unique_ptr<Connection> connection_;
};

}  // namespace sturgeon::testing
