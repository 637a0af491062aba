// The JSON envelope of every API answer: {"data": ..., "errors": [...]}.
//
// HttpStatusFor is the ONE place a StatusCode becomes an HTTP status.
// Handlers return their answer as a value (Result<json> for data with 200,
// Result<Reply> otherwise) and Respond writes it: an error as its status's
// HTTP code with the message in "errors" and the Status's detail, if any, as
// "data". Thread safe (pure functions).
#pragma once

#include <nlohmann/json.hpp>

#include "core/http.h"
#include "core/result.h"

namespace paasmaker::api {

int HttpStatusFor(const Status& status);

// A successful answer other than JSON data with 200: a made resource, a
// started job, or a body of its own (a log, a stream) with its headers.
struct Reply {
  static Reply Data(nlohmann::json data);      // 200, for handlers whose answer varies
  static Reply Created(nlohmann::json data);   // 201
  static Reply Accepted(nlohmann::json data);  // 202: work (a job tree) has started

  http::Response response;
};

void Respond(http::Response& response, Result<nlohmann::json> data);
void Respond(http::Response& response, Result<Reply> reply);

void RespondData(http::Response& response, nlohmann::json data, int http_status = 200);
void RespondError(http::Response& response, const Status& status);

// Makes `response` a server-sent event stream: its type, no caching, and no
// buffering by an nginx in front (a router serving pacemaker.<cluster_hostname>
// then passes each event on at once).
void BeginEventStream(http::Response& response);

// Makes `response` stream the open file `fd` from where it stands, in
// 256 KiB steps (a package or a dump may be far larger than we want in
// memory; the server holds the next step back while a slow client has not
// taken what was sent). Takes `fd`: it is closed when the stream ends or is
// dropped unrun. Sets X-Paasmaker-Size to the file's size.
void StreamFile(http::Response& response, int fd);

// The request body as a JSON object; a clear 400-worthy error otherwise.
Result<nlohmann::json> ParseJsonBody(const http::Request& request);

// Field readers that name the field in their errors ("name: required").
Result<std::string> RequiredString(const nlohmann::json& body, const std::string& field);
std::string OptionalString(const nlohmann::json& body, const std::string& field, const std::string& fallback = "");

}  // namespace paasmaker::api
