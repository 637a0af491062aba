#include "core/status.h"

#include <cstring>

#include <nlohmann/json.hpp>

namespace paasmaker {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kInvalidArgument: return "INVALID_ARGUMENT";
    case StatusCode::kNotFound: return "NOT_FOUND";
    case StatusCode::kAlreadyExists: return "ALREADY_EXISTS";
    case StatusCode::kUnauthenticated: return "UNAUTHENTICATED";
    case StatusCode::kPermissionDenied: return "PERMISSION_DENIED";
    case StatusCode::kFailedPrecondition: return "FAILED_PRECONDITION";
    case StatusCode::kUnavailable: return "UNAVAILABLE";
    case StatusCode::kTimeout: return "TIMEOUT";
    case StatusCode::kAborted: return "ABORTED";
    case StatusCode::kTooLarge: return "TOO_LARGE";
    case StatusCode::kResourceExhausted: return "RESOURCE_EXHAUSTED";
    case StatusCode::kIoError: return "IO_ERROR";
    case StatusCode::kInternal: return "INTERNAL";
  }
  return "UNKNOWN";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(StatusCodeName(code_)) + ": " + message_;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  Status copy(code_, std::string(context) + ": " + message_);
  copy.detail_ = detail_;
  return copy;
}

Status Status::WithDetail(nlohmann::json detail) const {
  if (ok()) return *this;
  Status copy = *this;
  copy.detail_ = std::make_shared<const nlohmann::json>(std::move(detail));
  return copy;
}

Status ErrnoStatus(std::string_view what, int err) {
  char buf[256];
  const char* text = strerror_r(err, buf, sizeof(buf));
  return IoError(std::string(what) + ": " + text);
}

}  // namespace paasmaker
