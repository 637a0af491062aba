// The pacemaker's HTTP API: every route in one table (api_routes.cc), each
// with the credentials it accepts. Handlers live in endpoints/, one file per
// resource, and receive the authenticated principal.
#pragma once

#include <functional>

#include "core/http.h"
#include "pacemaker/auth.h"
#include "pacemaker/pacemaker_context.h"

namespace paasmaker::pacemaker {

using ApiHandler = std::function<void(PacemakerContext&, const http::Request&, http::Response&, const Principal&)>;

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
