// API endpoint handlers, one file per resource. The route table
// (api_routes.cc) says who may call them and writes what they return.
#pragma once

#include "pacemaker/api_routes.h"

namespace paasmaker::pacemaker::endpoints {

// information.cc
PM_ENDPOINT(nlohmann::json, Information);
PM_ENDPOINT(api::Reply, Login);
// nodes.cc
PM_ENDPOINT(api::Reply, RegisterNode);
PM_ENDPOINT(nlohmann::json, NodeRedisAccess);
PM_ENDPOINT(nlohmann::json, ReportNode);
PM_ENDPOINT(nlohmann::json, ShutdownNode);
PM_ENDPOINT(nlohmann::json, ListNodes);
PM_ENDPOINT(nlohmann::json, ShowNode);
// workspaces.cc
PM_ENDPOINT(nlohmann::json, ListWorkspaces);
PM_ENDPOINT(api::Reply, CreateWorkspace);
PM_ENDPOINT(nlohmann::json, ShowWorkspace);
PM_ENDPOINT(nlohmann::json, DeleteWorkspace);
// users.cc
PM_ENDPOINT(nlohmann::json, ListUsers);
PM_ENDPOINT(api::Reply, CreateUser);
PM_ENDPOINT(nlohmann::json, ListRoles);
PM_ENDPOINT(api::Reply, CreateRole);
PM_ENDPOINT(api::Reply, AllocateRole);

// jobs.cc
PM_ENDPOINT(nlohmann::json, ListJobs);
PM_ENDPOINT(nlohmann::json, ShowJob);
PM_ENDPOINT(nlohmann::json, AbortJob);
PM_ENDPOINT(api::Reply, JobLog);
PM_ENDPOINT(api::Reply, JobStream);

// applications.cc
PM_ENDPOINT(nlohmann::json, ListApplications);
PM_ENDPOINT(nlohmann::json, ShowApplication);
PM_ENDPOINT(api::Reply, DeleteApplication);
PM_ENDPOINT(nlohmann::json, ListVersions);
PM_ENDPOINT(nlohmann::json, ShowVersion);
PM_ENDPOINT(api::Reply, VersionAction);
PM_ENDPOINT(api::Reply, DeleteVersion);
PM_ENDPOINT(nlohmann::json, VersionInstances);
PM_ENDPOINT(nlohmann::json, ShowInstanceType);
PM_ENDPOINT(api::Reply, ChangeQuantity);
PM_ENDPOINT(nlohmann::json, ShowInstance);
PM_ENDPOINT(api::Reply, InstanceLog);
PM_ENDPOINT(nlohmann::json, RouterTable);
// router_stats.cc
PM_ENDPOINT(nlohmann::json, RouterStats);
PM_ENDPOINT(api::Reply, RouterStatsStream);
// health.cc
PM_ENDPOINT(nlohmann::json, HealthHistory);

}  // namespace paasmaker::pacemaker::endpoints
