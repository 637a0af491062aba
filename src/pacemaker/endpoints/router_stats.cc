// Traffic statistics (SPEC §3, §9): GET /api/v1/router/stats/<kind>/<id>
// [?history=SECONDS&metric=requests]. Reading an application's, version's or
// version type's traffic needs WORKSPACE_VIEW on its workspace; a node's or
// the unrouted traffic (vt "null") needs SYSTEM_OVERVIEW.
#include <ctime>

#include "core/api_response.h"
#include "pacemaker/endpoints/endpoints.h"
#include "pacemaker/pacemaker_context.h"
#include "pacemaker/stats/traffic_stats.h"

namespace paasmaker::pacemaker::endpoints {

using nlohmann::json;

namespace {

// The workspace the statistics belong to ("" = none: system-wide).
Result<std::string> WorkspaceOf(PacemakerContext& ctx, const std::string& kind, const std::string& id) {
  std::string version_id;
  if (kind == "workspace") return id;
  if (kind == "node" || (kind == "vt" && id == "null")) return std::string();
  if (kind == "vt") {
    PM_ASSIGN_OR_RETURN(auto type, ctx.apps.FindInstanceType(id));
    if (!type) return NotFound("no instance type " + id);
    version_id = type->version_id;
  }
  std::string application_id = id;
  if (kind == "version" || kind == "vt") {
    PM_ASSIGN_OR_RETURN(auto version, ctx.apps.FindVersion(version_id.empty() ? id : version_id));
    if (!version) return NotFound("no version " + (version_id.empty() ? id : version_id));
    application_id = version->application_id;
  } else if (kind != "application") {
    return InvalidArgument("kind: '" + kind + "' is not one of workspace, application, version, vt, node");
  }
  PM_ASSIGN_OR_RETURN(auto app, ctx.apps.FindApplication(application_id));
  if (!app) return NotFound("no application " + application_id);
  return app->workspace_id;
}

}  // namespace

void RouterStats(PacemakerContext& ctx, const http::Request& req, http::Response& res, const Principal& who) {
  const std::string& kind = req.params[0];
  const std::string& id = req.params[1];
  auto workspace = WorkspaceOf(ctx, kind, id);
  if (!workspace.ok()) return api::RespondError(res, workspace.status());
  bool allowed = workspace->empty() ? who.Allows("SYSTEM_OVERVIEW") : who.Allows("WORKSPACE_VIEW", *workspace);
  if (!allowed) return api::RespondError(res, PermissionDenied("not allowed to read these statistics"));
  auto totals = stats::Totals(ctx.stats_redis, kind, id);
  if (!totals.ok()) return api::RespondError(res, totals.status());
  json data = {{"kind", kind}, {"id", id}, {"totals", *totals}};
  std::string history = req.Query("history");
  if (!history.empty()) {
    int64_t seconds = std::strtoll(history.c_str(), nullptr, 10);
    auto points = stats::History(ctx.stats_redis, kind, id, req.Query("metric", "requests"), seconds,
                                 static_cast<int64_t>(std::time(nullptr)));
    if (!points.ok()) return api::RespondError(res, points.status());
    data["history"] = *points;
  }
  api::RespondData(res, data);
}

}  // namespace paasmaker::pacemaker::endpoints
