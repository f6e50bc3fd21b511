// Status and Result<T>: the way expected failures travel through Sturgeon.
//
// A Status is either OK or carries a code and a human-readable message that
// names the problem and where it is ("fish.csv:12: column 'weight_g': ...").
// Exceptions are reserved for bugs and start-up failures; every fallible call
// that can fail because of input, storage or the outside world returns a
// Status or a Result<T>.
//
// Thread-safety: Status and Result are plain values; distinct objects may be
// used from different threads freely.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace sturgeon {

enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument,   // malformed or invalid input (HTTP 400)
  kNotFound,          // unknown id (HTTP 404)
  kAlreadyExists,     // conflict, e.g. duplicate PIT tag (HTTP 409)
  kFailedPrecondition,  // a business rule is broken (HTTP 422)
  kPermissionDenied,  // authenticated but not allowed (HTTP 403)
  kUnauthenticated,   // no or bad credentials (HTTP 401)
  kResourceExhausted, // too large (HTTP 413)
  kCorruption,        // stored or decoded data is damaged
  kIOError,           // the file system or a device failed
  kUnavailable,       // a service (database server) cannot be reached
  kInternal,          // a bug or an unexpected backend failure
};

// Returns a stable lower-case name for `code`, e.g. "not_found".
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {StatusCode::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) { return {StatusCode::kAlreadyExists, std::move(msg)}; }
  static Status FailedPrecondition(std::string msg) { return {StatusCode::kFailedPrecondition, std::move(msg)}; }
  static Status PermissionDenied(std::string msg) { return {StatusCode::kPermissionDenied, std::move(msg)}; }
  static Status Unauthenticated(std::string msg) { return {StatusCode::kUnauthenticated, std::move(msg)}; }
  static Status ResourceExhausted(std::string msg) { return {StatusCode::kResourceExhausted, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status IOError(std::string msg) { return {StatusCode::kIOError, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "not_found: no pool 'ZJ-QZ1-P999'"; "ok" when OK.
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context` and ": ".
  Status WithContext(std::string_view context) const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  Status(StatusCode code, std::string msg) : code_(code), message_(std::move(msg)) {}
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Result<T> holds either a T or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    assert(!status_.ok() && "Result constructed from an OK Status without a value");
    if (status_.ok()) status_ = Status::Internal("Result built from OK status without value");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  // Precondition: ok().
  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace sturgeon

// Returns early from the enclosing function if `expr` yields a non-OK Status.
#define STURGEON_RETURN_IF_ERROR(expr)             \
  do {                                             \
    ::sturgeon::Status _st = (expr);               \
    if (!_st.ok()) return _st;                     \
  } while (0)

#define STURGEON_CONCAT_INNER(a, b) a##b
#define STURGEON_CONCAT(a, b) STURGEON_CONCAT_INNER(a, b)

// Declares `lhs` from a Result, or returns its Status early.
#define STURGEON_ASSIGN_OR_RETURN(lhs, expr)                          \
  auto STURGEON_CONCAT(_res_, __LINE__) = (expr);                     \
  if (!STURGEON_CONCAT(_res_, __LINE__).ok())                         \
    return STURGEON_CONCAT(_res_, __LINE__).status();                 \
  lhs = std::move(STURGEON_CONCAT(_res_, __LINE__)).value()
