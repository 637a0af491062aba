#include "core/api_response.h"

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

void RespondError(http::Response& response, const Status& status) {
  response.status = HttpStatusFor(status);
  response.content_type = "application/json";
  if (response.status == 401) response.headers["WWW-Authenticate"] = "Bearer";
  response.body = json{{"data", nullptr}, {"errors", json::array({status.message()})}}.dump();
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
