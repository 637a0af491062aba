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

#include "config/node_config.h"
#include "core/http.h"
#include "jobs/job_store.h"
#include "pacemaker/auth.h"
#include "pacemaker/endpoints/endpoint.h"
#include "pacemaker/node_uuid.h"
#include "pacemaker/store/application_store.h"
#include "pacemaker/store/workspace_store.h"

namespace paasmaker::pacemaker::prepare {

struct PrepareEndpointsContext {
  const config::NodeConfig& config;  // where the prepare tree works (prepare_jobs.h)
  const NodeUuid& node_uuid;         // the prepare jobs run on this node
  WorkspaceStore& workspaces;
  ApplicationStore& apps;     // uploads named by a deploy; packages served
  jobs::JobStore& job_store;  // where the prepare tree goes
};

// req.params[0] = workspace id. Body {"scm": {"plugin", "parameters"}, "manifest_path"?}.
PM_ENDPOINT(PrepareEndpointsContext, api::Reply, DeployApplication);
void DeployApplication(PrepareEndpointsContext& ctx, const http::Request& req, http::Response& res,
                       const Principal& who);
// req.params[0] = version id.
PM_ENDPOINT(PrepareEndpointsContext, api::Reply, ServePackage);
void ServePackage(PrepareEndpointsContext& ctx, const http::Request& req, http::Response& res, const Principal& who);

}  // namespace paasmaker::pacemaker::prepare
