// Applications, versions, instance types, instances, the routing table
// (SPEC §9). Lifecycle actions start trees (lifecycle/trees.h).
#pragma once

#include "pacemaker/endpoints/endpoint.h"
#include "pacemaker/job_access.h"
#include "pacemaker/lifecycle/lifecycle_context.h"
#include "pacemaker/lifecycle/routing_table.h"
#include "pacemaker/store/application_store.h"
#include "pacemaker/store/node_store.h"
#include "pacemaker/store/workspace_store.h"

namespace paasmaker::pacemaker::endpoints {

struct ApplicationsContext {
  WorkspaceStore& workspaces;
  ApplicationStore& apps;
  NodeStore& nodes;  // node names of instances; routers' table serials
  lifecycle::RoutingTable& routing;
  lifecycle::TreeContext trees;  // what register/start/stop/... start
  NodeLogsContext logs;          // instances' logs, on their hearts
};

PM_ENDPOINT(ApplicationsContext, nlohmann::json, ListApplications);
PM_ENDPOINT(ApplicationsContext, nlohmann::json, ShowApplication);
PM_ENDPOINT(ApplicationsContext, api::Reply, DeleteApplication);
PM_ENDPOINT(ApplicationsContext, nlohmann::json, ListVersions);
PM_ENDPOINT(ApplicationsContext, nlohmann::json, ShowVersion);
PM_ENDPOINT(ApplicationsContext, api::Reply, VersionAction);
PM_ENDPOINT(ApplicationsContext, api::Reply, DeleteVersion);
PM_ENDPOINT(ApplicationsContext, nlohmann::json, VersionInstances);
PM_ENDPOINT(ApplicationsContext, nlohmann::json, ShowInstanceType);
PM_ENDPOINT(ApplicationsContext, api::Reply, ChangeQuantity);
PM_ENDPOINT(ApplicationsContext, nlohmann::json, ShowInstance);
PM_ENDPOINT(ApplicationsContext, api::Reply, InstanceLog);
PM_ENDPOINT(ApplicationsContext, nlohmann::json, RouterTable);

}  // namespace paasmaker::pacemaker::endpoints
