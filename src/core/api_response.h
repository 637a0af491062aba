// The JSON envelope of every API answer: {"data": ..., "errors": [...]}.
//
// HttpStatusFor is the ONE place a StatusCode becomes an HTTP status.
// Thread safe (pure functions).
#pragma once

#include <nlohmann/json.hpp>

#include "core/http.h"
#include "core/result.h"

namespace paasmaker::api {

int HttpStatusFor(const Status& status);

void RespondData(http::Response& response, nlohmann::json data, int http_status = 200);
void RespondError(http::Response& response, const Status& status);

// The request body as a JSON object; a clear 400-worthy error otherwise.
Result<nlohmann::json> ParseJsonBody(const http::Request& request);

// Field readers that name the field in their errors ("name: required").
Result<std::string> RequiredString(const nlohmann::json& body, const std::string& field);
std::string OptionalString(const nlohmann::json& body, const std::string& field, const std::string& fallback = "");

}  // namespace paasmaker::api
