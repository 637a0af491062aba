// Status and Result<T>: errors are values.
//
// Every fallible call returns a Status (or a Result<T> holding a value or a
// Status) that the caller checks at once. Exceptions from third-party
// libraries are caught at the wrapper that calls them and become a Status.
// The short list of codes maps to HTTP statuses in exactly one function
// (HttpStatusFor, api layer) and to CLI exit codes in exactly one other
// (ExitCodeFor, cli layer).
//
// Thread safety: values; copy freely.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json_fwd.hpp>

namespace paasmaker {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,    // bad input: config, manifest, request body, log line
  kNotFound,
  kAlreadyExists,
  kUnauthenticated,    // no or unknown credentials
  kPermissionDenied,   // known credentials, not allowed
  kFailedPrecondition, // the system is not in a state that allows this
  kUnavailable,        // a peer (Redis, database, node) cannot be reached
  kTimeout,
  kAborted,
  kTooLarge,           // over a configured size limit (an upload)
  kResourceExhausted,  // over a limit of things held at once (open streams); try later
  kIoError,
  kInternal,           // a broken invariant; a bug
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "NOT_FOUND: no such node 1234" — for logs and CLI output.
  std::string ToString() const;

  // A copy with `context` prefixed to the message: "reading x.yml: ...".
  Status WithContext(std::string_view context) const;

  // A copy carrying `detail`: what a caller needs besides the message to act
  // on the error (an API error answer sends it as its "data", e.g. the
  // upload's current state with a refused chunk, so a client resumes).
  Status WithDetail(nlohmann::json detail) const;
  // Null when there is none. Shared by copies; never changed once set.
  const nlohmann::json* detail() const { return detail_.get(); }

  // Marks a Status as deliberately not checked.
  void IgnoreError() const {}

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  // Behind a pointer: rare, and Status stays cheap to copy and to include.
  std::shared_ptr<const nlohmann::json> detail_;
};

inline Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status Unauthenticated(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }
inline Status PermissionDenied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
inline Status FailedPrecondition(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status Timeout(std::string m) { return {StatusCode::kTimeout, std::move(m)}; }
inline Status Aborted(std::string m) { return {StatusCode::kAborted, std::move(m)}; }
inline Status TooLarge(std::string m) { return {StatusCode::kTooLarge, std::move(m)}; }
inline Status ResourceExhausted(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }
inline Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// Status from errno, e.g. ErrnoStatus("open /x") -> "IO_ERROR: open /x: No such file".
Status ErrnoStatus(std::string_view what, int err);

}  // namespace paasmaker

// Returns early from the calling function when `expr` is not ok.
#define PM_RETURN_IF_ERROR(expr)                 \
  do {                                           \
    ::paasmaker::Status pm_status_ = (expr);     \
    if (!pm_status_.ok()) return pm_status_;     \
  } while (0)
