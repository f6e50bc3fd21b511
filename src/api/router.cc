#include "api/router.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace sturgeon::api {
namespace http = boost::beast::http;

namespace {

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    const size_t j = std::min(path.find('/', i), path.size());
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

struct CompiledRoute {
  std::vector<std::string_view> segments;
};

const std::vector<CompiledRoute>& Compiled() {
  static const std::vector<CompiledRoute> kCompiled = [] {
    std::vector<CompiledRoute> out;
    for (const Route& r : Routes()) out.push_back(CompiledRoute{Split(r.path)});
    return out;
  }();
  return kCompiled;
}

bool IsParam(std::string_view seg) { return seg.size() > 2 && seg.front() == '{' && seg.back() == '}'; }

}  // namespace

Reply JsonReply(int status, const nlohmann::json& body) {
  return Reply{status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json"};
}

Result<std::string> PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) return Status::InvalidArgument("url: bad percent escape");
    const int hi = HexValue(s[i + 1]), lo = HexValue(s[i + 2]);
    if (hi < 0 || lo < 0) return Status::InvalidArgument("url: bad percent escape");
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

RequestContext::RequestContext(const HttpRequest& request, std::string_view path, std::string_view query,
                               std::vector<std::pair<std::string_view, std::string>> params,
                               const Principal* principal, Store* store)
    : request_(request), path_(path), params_(std::move(params)), principal_(principal), store_(store) {
  size_t i = 0;
  while (i < query.size()) {
    const size_t amp = std::min(query.find('&', i), query.size());
    const std::string_view pair = query.substr(i, amp - i);
    const size_t eq = pair.find('=');
    const std::string_view key = pair.substr(0, eq);
    const std::string_view value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    auto k = PercentDecode(key);
    auto v = PercentDecode(value);
    if (k.ok() && v.ok() && !k->empty()) query_[*k] = *v;
    i = amp + 1;
  }
}

const std::string& RequestContext::Param(std::string_view name) const {
  static const std::string kEmpty;
  for (const auto& [k, v] : params_) {
    if (k == name) return v;
  }
  return kEmpty;
}

std::optional<std::string> RequestContext::Query(const std::string& name) const {
  auto it = query_.find(name);
  if (it == query_.end()) return std::nullopt;
  return it->second;
}

std::string RequestContext::ContentType() const {
  auto value = request_[http::field::content_type];
  std::string out(value.data(), value.size());
  out = out.substr(0, out.find(';'));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

Result<nlohmann::json> RequestContext::JsonBody() const {
  nlohmann::json j = nlohmann::json::parse(request_.body(), nullptr, false);
  if (j.is_discarded()) return Status::InvalidArgument("body: malformed JSON");
  if (!j.is_object()) return Status::InvalidArgument("body: expected a JSON object");
  return j;
}

std::string RouteName(const Route& route) {
  auto verb = http::to_string(route.method);
  return fmt::format("{} {}", std::string_view(verb.data(), verb.size()), route.path);
}

uint64_t BodyLimitForRoute(http::verb method, std::string_view path) {
  const RouteMatch m = MatchRoute(method, path);
  return m.route ? m.route->body_limit : kDefaultBodyLimit;
}

RouteMatch MatchRoute(http::verb method, std::string_view path) {
  RouteMatch m;
  const std::vector<std::string_view> segments = Split(path);
  const auto& routes = Routes();
  const auto& compiled = Compiled();
  for (size_t i = 0; i < routes.size(); ++i) {
    const auto& pattern = compiled[i].segments;
    if (pattern.size() != segments.size()) continue;
    bool match = true;
    for (size_t s = 0; s < pattern.size() && match; ++s) {
      match = IsParam(pattern[s]) || pattern[s] == segments[s];
    }
    if (!match) continue;
    if (routes[i].method != method) {
      m.allowed.push_back(routes[i].method);
      continue;
    }
    m.route = &routes[i];
    m.index = i;
    for (size_t s = 0; s < pattern.size(); ++s) {
      if (!IsParam(pattern[s])) continue;
      auto decoded = PercentDecode(segments[s]);
      m.params.emplace_back(pattern[s].substr(1, pattern[s].size() - 2),
                            decoded.ok() ? *decoded : std::string(segments[s]));
    }
    m.allowed.clear();
    return m;
  }
  return m;
}

}  // namespace sturgeon::api
