#include "core/api_response.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

namespace paasmaker::api {

using nlohmann::json;

int HttpStatusFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kOk: return 200;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kUnauthenticated: return 401;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists: return 409;
    case StatusCode::kFailedPrecondition: return 409;
    case StatusCode::kAborted: return 409;
    case StatusCode::kTooLarge: return 413;
    case StatusCode::kResourceExhausted: return 429;
    case StatusCode::kUnavailable: return 503;
    case StatusCode::kTimeout: return 504;
    case StatusCode::kIoError: return 500;
    case StatusCode::kInternal: return 500;
  }
  return 500;
}

void RespondData(http::Response& response, json data, int http_status) {
  response.status = http_status;
  response.content_type = "application/json";
  response.body = json{{"data", std::move(data)}, {"errors", json::array()}}.dump();
}

void BeginEventStream(http::Response& response) {
  response.content_type = "text/event-stream";
  response.headers["Cache-Control"] = "no-cache";
  response.headers["X-Accel-Buffering"] = "no";
}

void StreamFile(http::Response& response, int fd) {
  struct stat st {};
  if (::fstat(fd, &st) == 0) response.headers["X-Paasmaker-Size"] = std::to_string(st.st_size);
  // Closed when the last copy of the stream goes, whether or not it ran.
  std::shared_ptr<int> file(new int(fd), [](int* f) {
    ::close(*f);
    delete f;
  });
  response.steps = [file](http::StreamWriter& writer) {
    std::string buffer(256 * 1024, '\0');
    ssize_t n;
    do {
      n = ::read(*file, buffer.data(), buffer.size());
    } while (n < 0 && errno == EINTR);
    if (n <= 0) return http::StreamStep::Done();
    buffer.resize(static_cast<size_t>(n));
    if (!writer.Write(buffer)) return http::StreamStep::Done();
    return http::StreamStep::Again(std::chrono::milliseconds(0));
  };
}

void RespondError(http::Response& response, const Status& status) {
  response.status = HttpStatusFor(status);
  response.content_type = "application/json";
  if (response.status == 401) response.headers["WWW-Authenticate"] = "Bearer";
  json data = status.detail() != nullptr ? *status.detail() : json(nullptr);
  response.body = json{{"data", std::move(data)}, {"errors", json::array({status.message()})}}.dump();
}

Reply Reply::Data(json data) {
  Reply reply;
  RespondData(reply.response, std::move(data), 200);
  return reply;
}

Reply Reply::Created(json data) {
  Reply reply;
  RespondData(reply.response, std::move(data), 201);
  return reply;
}

Reply Reply::Accepted(json data) {
  Reply reply;
  RespondData(reply.response, std::move(data), 202);
  return reply;
}

void Respond(http::Response& response, Result<json> data) {
  if (!data.ok()) return RespondError(response, data.status());
  RespondData(response, std::move(data).value());
}

void Respond(http::Response& response, Result<Reply> reply) {
  if (!reply.ok()) return RespondError(response, reply.status());
  response = std::move(reply).value().response;
}

Result<json> ParseJsonBody(const http::Request& request) {
  if (request.body.empty()) return json::object();
  json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded()) return InvalidArgument("the request body is not valid JSON");
  if (!body.is_object()) return InvalidArgument("the request body must be a JSON object");
  return body;
}

Result<std::string> RequiredString(const json& body, const std::string& field) {
  auto it = body.find(field);
  if (it == body.end() || it->is_null()) return InvalidArgument(field + ": required");
  if (!it->is_string()) return InvalidArgument(field + ": must be a string");
  if (it->get<std::string>().empty()) return InvalidArgument(field + ": must not be empty");
  return it->get<std::string>();
}

std::string OptionalString(const json& body, const std::string& field, const std::string& fallback) {
  auto it = body.find(field);
  if (it == body.end() || !it->is_string()) return fallback;
  return it->get<std::string>();
}

}  // namespace paasmaker::api
