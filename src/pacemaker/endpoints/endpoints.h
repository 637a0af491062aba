// API endpoint handlers, one file per resource. Each has the ApiHandler
// signature; the route table (api_routes.cc) says who may call them.
#pragma once

#include "pacemaker/api_routes.h"

namespace paasmaker::pacemaker::endpoints {

#define PM_ENDPOINT(name) \
  void name(PacemakerContext& ctx, const http::Request& req, http::Response& res, const Principal& who)

// information.cc
PM_ENDPOINT(Information);
PM_ENDPOINT(Login);
// nodes.cc
PM_ENDPOINT(RegisterNode);
PM_ENDPOINT(NodeRedisAccess);
PM_ENDPOINT(ReportNode);
PM_ENDPOINT(ShutdownNode);
PM_ENDPOINT(ListNodes);
PM_ENDPOINT(ShowNode);
// workspaces.cc
PM_ENDPOINT(ListWorkspaces);
PM_ENDPOINT(CreateWorkspace);
PM_ENDPOINT(ShowWorkspace);
PM_ENDPOINT(DeleteWorkspace);
// users.cc
PM_ENDPOINT(ListUsers);
PM_ENDPOINT(CreateUser);
PM_ENDPOINT(ListRoles);
PM_ENDPOINT(CreateRole);
PM_ENDPOINT(AllocateRole);

// jobs.cc
PM_ENDPOINT(ListJobs);
PM_ENDPOINT(ShowJob);
PM_ENDPOINT(AbortJob);
PM_ENDPOINT(JobLog);
PM_ENDPOINT(JobStream);

// applications.cc
PM_ENDPOINT(ListApplications);
PM_ENDPOINT(ShowApplication);
PM_ENDPOINT(DeleteApplication);
PM_ENDPOINT(ListVersions);
PM_ENDPOINT(ShowVersion);
PM_ENDPOINT(VersionAction);
PM_ENDPOINT(DeleteVersion);
PM_ENDPOINT(VersionInstances);
PM_ENDPOINT(ShowInstanceType);
PM_ENDPOINT(ChangeQuantity);
PM_ENDPOINT(ShowInstance);
PM_ENDPOINT(InstanceLog);
PM_ENDPOINT(RouterTable);
// router_stats.cc
PM_ENDPOINT(RouterStats);
// health.cc
PM_ENDPOINT(HealthHistory);
PM_ENDPOINT(RouterStatsStream);

#undef PM_ENDPOINT

}  // namespace paasmaker::pacemaker::endpoints
