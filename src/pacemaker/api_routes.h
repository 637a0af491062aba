// The pacemaker's HTTP API: every route in one table (api_routes.cc), each
// with the credentials it accepts. Handlers live in endpoints/ and prepare/,
// one file per resource; they receive the authenticated principal and
// return their answer as a value, which the table's one wrapper writes
// (api::Respond: an error becomes its HttpStatusFor code).
#pragma once

#include <nlohmann/json.hpp>

#include "core/api_response.h"
#include "core/http.h"
#include "pacemaker/auth.h"
#include "pacemaker/pacemaker_context.h"

// A handler answering `answer` (nlohmann::json: data with 200; api::Reply:
// any other answer), or the Status that says why not.
#define PM_ENDPOINT(answer, name) \
  Result<answer> name(PacemakerContext& ctx, const http::Request& req, const Principal& who)

namespace paasmaker::pacemaker {

// Either shape of handler, so the table lists both alike.
class ApiHandler {
 public:
  using Json = Result<nlohmann::json> (*)(PacemakerContext&, const http::Request&, const Principal&);
  using Full = Result<api::Reply> (*)(PacemakerContext&, const http::Request&, const Principal&);
  ApiHandler(Json handler) : json_(handler) {}  // NOLINT: implicit, for the table
  ApiHandler(Full handler) : full_(handler) {}  // NOLINT

  void operator()(PacemakerContext& ctx, const http::Request& req, http::Response& res, const Principal& who) const;

 private:
  Json json_ = nullptr;
  Full full_ = nullptr;
};

struct ApiRoute {
  std::string method;
  std::string pattern;  // regex; groups become Request::params
  Access access;
  std::string permission;  // for Access::kPermission
  ApiHandler handler;
};

const std::vector<ApiRoute>& ApiRoutes();

// Installs every route of the table on `server`, wrapped with authentication
// and error handling.
void InstallApiRoutes(http::Server& server, PacemakerContext& context);

}  // namespace paasmaker::pacemaker
