// API handlers of the prepare side (the route table wires them):
//
//   POST /api/v1/workspaces/<ws>/applications   DeployApplication (Access::kUser;
//        checks APPLICATION_DEPLOY on <ws>): validates, builds and starts a
//        prepare tree; 202 {"job_id": root}
//   GET  /api/v1/node/packages/<version_id>     ServePackage (node token):
//        the package bytes, streamed, with X-Paasmaker-Checksum
//
// Each also comes written into a Response, as the route table writes it,
// for callers that hold one rather than a server (the prepare unit tests).
// Thread safe.
#pragma once

#include "core/http.h"
#include "pacemaker/api_routes.h"
#include "pacemaker/auth.h"
#include "pacemaker/pacemaker_context.h"

namespace paasmaker::pacemaker::prepare {

// req.params[0] = workspace id. Body {"scm": {"plugin", "parameters"}, "manifest_path"?}.
PM_ENDPOINT(api::Reply, DeployApplication);
void DeployApplication(PacemakerContext& ctx, const http::Request& req, http::Response& res, const Principal& who);
// req.params[0] = version id.
PM_ENDPOINT(api::Reply, ServePackage);
void ServePackage(PacemakerContext& ctx, const http::Request& req, http::Response& res, const Principal& who);

}  // namespace paasmaker::pacemaker::prepare
