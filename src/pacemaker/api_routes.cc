#include "pacemaker/api_routes.h"

#include <chrono>

#include "core/api_response.h"
#include "core/log.h"
#include "pacemaker/crons/cron_endpoints.h"
#include "pacemaker/endpoints/endpoints.h"
#include "pacemaker/prepare/prepare_endpoints.h"
#include "pacemaker/prepare/uploads.h"
#include "pacemaker/services/service_endpoints.h"

namespace paasmaker::pacemaker {

namespace ep = endpoints;
namespace prep = prepare;
namespace cron = crons;
namespace svc = services;

const std::vector<ApiRoute>& ApiRoutes() {
  static const std::vector<ApiRoute> routes = {
      // method  pattern                                   access               permission        handler
      {"GET",    "/api/v1/information",                    Access::kAny,        "",               ep::Information},
      {"POST",   "/api/v1/login",                          Access::kLogin,      "",               ep::Login},
      {"POST",   "/api/v1/logout",                         Access::kUser,       "",               ep::Logout},
      {"GET",    "/api/v1/me",                             Access::kUser,       "",               ep::Me},

      {"POST",   "/api/v1/nodes/register",                 Access::kNode,       "",               ep::RegisterNode},
      {"POST",   "/api/v1/nodes/redis-access",             Access::kNode,       "",               ep::NodeRedisAccess},
      {"POST",   "/api/v1/nodes/([0-9a-f-]+)/report",      Access::kNode,       "",               ep::ReportNode},
      {"POST",   "/api/v1/nodes/([0-9a-f-]+)/shutdown",    Access::kNode,       "",               ep::ShutdownNode},
      {"GET",    "/api/v1/nodes",                          Access::kPermission, "NODE_LIST",      ep::ListNodes},
      {"GET",    "/api/v1/nodes/([0-9a-f-]+)",             Access::kPermission, "NODE_DETAIL_VIEW", ep::ShowNode},

      {"GET",    "/api/v1/workspaces",                     Access::kUser,       "",               ep::ListWorkspaces},
      {"POST",   "/api/v1/workspaces",                     Access::kPermission, "WORKSPACE_EDIT", ep::CreateWorkspace},
      {"GET",    "/api/v1/workspaces/([0-9a-f-]+)",        Access::kUser,       "",               ep::ShowWorkspace},
      {"POST",   "/api/v1/workspaces/([0-9a-f-]+)",        Access::kPermission, "WORKSPACE_EDIT", ep::EditWorkspace},
      {"DELETE", "/api/v1/workspaces/([0-9a-f-]+)",        Access::kPermission, "WORKSPACE_DELETE", ep::DeleteWorkspace},

      {"GET",    "/api/v1/jobs",                           Access::kUser,       "",               ep::ListJobs},
      {"GET",    "/api/v1/jobs/([0-9a-zA-Z-]+)",           Access::kUser,       "",               ep::ShowJob},
      {"POST",   "/api/v1/jobs/([0-9a-zA-Z-]+)/abort",     Access::kUser,       "",               ep::AbortJob},
      {"GET",    "/api/v1/jobs/([0-9a-zA-Z-]+)/log",       Access::kUser,       "",               ep::JobLog},
      {"GET",    "/api/v1/jobs/([0-9a-zA-Z-]+)/stream",    Access::kUser,       "",               ep::JobStream},

      {"POST",   "/api/v1/uploads",                        Access::kPermission, "FILE_UPLOAD",    prep::CreateUpload},
      {"PUT",    "/api/v1/uploads/([0-9a-f-]+)",           Access::kPermission, "FILE_UPLOAD",    prep::PutUploadChunk},
      {"GET",    "/api/v1/uploads/([0-9a-f-]+)",           Access::kPermission, "FILE_UPLOAD",    prep::ShowUpload},
      {"GET",    "/api/v1/node/packages/([0-9a-f-]+)",     Access::kNode,       "",               prep::ServePackage},

      {"POST",   "/api/v1/workspaces/([0-9a-f-]+)/applications", Access::kUser, "",             prep::DeployApplication},
      {"GET",    "/api/v1/workspaces/([0-9a-f-]+)/applications", Access::kUser, "",             ep::ListApplications},
      {"GET",    "/api/v1/applications/([0-9a-f-]+)",      Access::kUser,       "",               ep::ShowApplication},
      {"DELETE", "/api/v1/applications/([0-9a-f-]+)",      Access::kUser,       "",               ep::DeleteApplication},
      {"GET",    "/api/v1/applications/([0-9a-f-]+)/versions", Access::kUser,   "",               ep::ListVersions},
      {"GET",    "/api/v1/versions/([0-9a-f-]+)",          Access::kUser,       "",               ep::ShowVersion},
      {"DELETE", "/api/v1/versions/([0-9a-f-]+)",          Access::kUser,       "",               ep::DeleteVersion},
      {"POST",   "/api/v1/versions/([0-9a-f-]+)/([a-z]+)", Access::kUser,       "",               ep::VersionAction},
      {"GET",    "/api/v1/versions/([0-9a-f-]+)/instances", Access::kUser,      "",               ep::VersionInstances},
      {"GET",    "/api/v1/instance-types/([0-9a-f-]+)",    Access::kUser,       "",               ep::ShowInstanceType},
      {"POST",   "/api/v1/instance-types/([0-9a-f-]+)/quantity", Access::kUser, "",               ep::ChangeQuantity},
      {"GET",    "/api/v1/instances/([0-9a-f-]+)",         Access::kUser,       "",               ep::ShowInstance},
      {"GET",    "/api/v1/instances/([0-9a-f-]+)/log",     Access::kUser,       "",               ep::InstanceLog},
      {"GET",    "/api/v1/applications/([0-9a-f-]+)/crons", Access::kUser,     "",               cron::ListCrons},
      {"GET",    "/api/v1/applications/([0-9a-f-]+)/crons/([0-9a-zA-Z_-]+)/([0-9]+)/runs", Access::kUser, "", cron::CronRuns},
      {"POST",   "/api/v1/applications/([0-9a-f-]+)/crons/([0-9a-zA-Z_-]+)/([0-9]+)/([a-z]+)", Access::kUser, "", cron::CronAction},
      {"GET",    "/api/v1/applications/([0-9a-f-]+)/services", Access::kUser,  "",               svc::ListServices},
      {"GET",    "/api/v1/applications/([0-9a-f-]+)/services/([0-9a-zA-Z_-]+)", Access::kUser, "", svc::ShowService},
      {"GET",    "/api/v1/applications/([0-9a-f-]+)/services/([0-9a-zA-Z_-]+)/export", Access::kUser, "", svc::ExportService},
      {"POST",   "/api/v1/applications/([0-9a-f-]+)/services/([0-9a-zA-Z_-]+)/import", Access::kUser, "", svc::ImportService},
      {"GET",    "/api/v1/router/stats/([a-z]+)/([0-9a-z-]+)", Access::kUser,   "",               ep::RouterStats},
      {"GET",    "/api/v1/router/stats/([a-z]+)/([0-9a-z-]+)/stream", Access::kUser, "",          ep::RouterStatsStream},
      {"GET",    "/api/v1/router/table",                   Access::kPermission, "SYSTEM_ADMINISTRATION", ep::RouterTable},
      {"GET",    "/api/v1/health/history",                 Access::kPermission, "SYSTEM_OVERVIEW", ep::HealthHistory},

      {"GET",    "/api/v1/users",                          Access::kPermission, "USER_LIST",      ep::ListUsers},
      {"POST",   "/api/v1/users",                          Access::kPermission, "USER_EDIT",      ep::CreateUser},
      {"GET",    "/api/v1/users/([0-9a-f-]+)",             Access::kPermission, "USER_LIST",      ep::ShowUser},
      {"POST",   "/api/v1/users/([0-9a-f-]+)",             Access::kPermission, "USER_EDIT",      ep::EditUser},
      {"POST",   "/api/v1/users/([0-9a-f-]+)/reset-key",   Access::kPermission, "USER_EDIT",      ep::ResetUserKey},
      {"DELETE", "/api/v1/users/([0-9a-f-]+)",             Access::kPermission, "USER_EDIT",      ep::DeleteUser},
      {"POST",   "/api/v1/me/password",                    Access::kUser,       "",               ep::ChangeOwnPassword},
      {"POST",   "/api/v1/me/reset-key",                   Access::kUser,       "",               ep::ResetOwnKey},
      {"GET",    "/api/v1/roles",                          Access::kPermission, "ROLE_LIST",      ep::ListRoles},
      {"POST",   "/api/v1/roles",                          Access::kPermission, "ROLE_EDIT",      ep::CreateRole},
      {"POST",   "/api/v1/roles/allocations",              Access::kPermission, "ROLE_ASSIGN",    ep::AllocateRole},
      {"GET",    "/api/v1/roles/allocations",              Access::kPermission, "ROLE_LIST",      ep::ListAllocations},
      {"DELETE", "/api/v1/roles/allocations/([0-9a-f-]+)", Access::kPermission, "ROLE_ASSIGN",    ep::Unallocate},
      {"GET",    "/api/v1/roles/([0-9a-f-]+)",             Access::kPermission, "ROLE_LIST",      ep::ShowRole},
      {"POST",   "/api/v1/roles/([0-9a-f-]+)",             Access::kPermission, "ROLE_EDIT",      ep::EditRole},
      {"DELETE", "/api/v1/roles/([0-9a-f-]+)",             Access::kPermission, "ROLE_EDIT",      ep::DeleteRole},
  };
  return routes;
}

void InstallApiRoutes(http::Server& server, PacemakerContext& context, PacemakerMetrics* metrics) {
  for (const auto& route : ApiRoutes()) {
    // Node traffic (registration, reports, package fetch) runs on the
    // server's node pool, so no amount of user calls can starve it.
    auto route_class = route.access == Access::kNode ? http::RouteClass::kNode : http::RouteClass::kUser;
    auto answer = [&context, &route](const http::Request& req, http::Response& res) {
      Result<Principal> who = context.auth.Authorize(req, route.access, route.permission);
      if (!who.ok()) {
        if (who.status().code() != StatusCode::kUnauthenticated) {
          PM_LOG_DEBUG("refused {} {}: {}", req.method, req.path, who.status().ToString());
        }
        api::RespondError(res, who.status());
        return;
      }
      route.handler(context, req, res, *who);
    };
    if (metrics == nullptr) {
      server.Route(route.method, route.pattern, answer, route_class);
      continue;
    }
    server.Route(route.method, route.pattern,
                 [answer, metrics, &route, label = RouteLabel(route.pattern)](const http::Request& req,
                                                                              http::Response& res) {
                   auto started = std::chrono::steady_clock::now();
                   answer(req, res);
                   std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
                   metrics->ObserveApiRequest(label, route.method, res.status, took.count());
                 },
                 route_class);
  }
}

}  // namespace paasmaker::pacemaker
