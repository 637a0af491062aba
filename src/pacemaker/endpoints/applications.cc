// Applications, versions, instance types, instances, the routing table
// (SPEC §9). Permissions are checked on the application's workspace:
// reading needs WORKSPACE_VIEW there, lifecycle actions APPLICATION_DEPLOY,
// deletion APPLICATION_DELETE, service credentials SERVICE_CREDENTIAL_VIEW.
#include "core/api_response.h"
#include "model/node.h"
#include "pacemaker/endpoints/endpoints.h"
#include "pacemaker/job_access.h"
#include "pacemaker/lifecycle/trees.h"
#include "pacemaker/pacemaker_context.h"

namespace paasmaker::pacemaker::endpoints {

using nlohmann::json;

#define PM_ENDPOINT(name) \
  void name(PacemakerContext& ctx, const http::Request& req, http::Response& res, const Principal& who)

namespace {

Status Require(const Principal& who, const char* permission, const std::string& workspace_id) {
  if (who.Allows(permission, workspace_id)) return Status::Ok();
  return PermissionDenied(std::string("permission ") + permission + " is required on this workspace");
}

// The application and the check that `who` may do `permission` on it.
Result<Application> AccessibleApplication(PacemakerContext& ctx, const std::string& id, const Principal& who,
                                          const char* permission) {
  PM_ASSIGN_OR_RETURN(auto app, ctx.apps.FindApplication(id));
  if (!app) return NotFound("no application " + id);
  PM_RETURN_IF_ERROR(Require(who, permission, app->workspace_id));
  return *app;
}

Result<Version> AccessibleVersion(PacemakerContext& ctx, const std::string& id, const Principal& who,
                                  const char* permission) {
  PM_ASSIGN_OR_RETURN(auto version, ctx.apps.FindVersion(id));
  if (!version) return NotFound("no version " + id);
  PM_RETURN_IF_ERROR(AccessibleApplication(ctx, version->application_id, who, permission).status());
  return *version;
}

Result<json> InstancesJson(PacemakerContext& ctx, const std::vector<Instance>& instances) {
  PM_ASSIGN_OR_RETURN(auto nodes, ctx.nodes.List());
  json list = json::array();
  for (const auto& i : instances) {
    json item = i.ToJson();
    item["node_name"] = "";
    for (const auto& n : nodes) {
      if (n.uuid == i.node_uuid) item["node_name"] = n.name;
    }
    list.push_back(item);
  }
  return list;
}

void RespondJob(http::Response& res, const Result<std::string>& job) {
  if (!job.ok()) return api::RespondError(res, job.status());
  api::RespondData(res, {{"job_id", *job}}, 202);
}

}  // namespace

PM_ENDPOINT(ListApplications) {
  std::string workspace_id = req.params[0];
  auto workspace = ctx.workspaces.Find(workspace_id);
  if (!workspace.ok()) return api::RespondError(res, workspace.status());
  if (!*workspace) return api::RespondError(res, NotFound("no workspace " + workspace_id));
  Status allowed = Require(who, "WORKSPACE_VIEW", workspace_id);
  if (!allowed.ok()) return api::RespondError(res, allowed);
  auto apps = ctx.apps.ListApplications(workspace_id);
  if (!apps.ok()) return api::RespondError(res, apps.status());
  json list = json::array();
  for (const auto& app : *apps) {
    json item = app.ToJson();
    auto current = ctx.apps.CurrentVersion(app.id);
    item["current_version"] = current.ok() && *current ? json((*current)->number) : json();
    list.push_back(item);
  }
  api::RespondData(res, {{"applications", list}});
}

PM_ENDPOINT(ShowApplication) {
  auto app = AccessibleApplication(ctx, req.params[0], who, "WORKSPACE_VIEW");
  if (!app.ok()) return api::RespondError(res, app.status());
  auto versions = ctx.apps.ListVersions(app->id);
  if (!versions.ok()) return api::RespondError(res, versions.status());
  auto services = ctx.apps.ListServices(app->id);
  if (!services.ok()) return api::RespondError(res, services.status());
  bool credentials = who.Allows("SERVICE_CREDENTIAL_VIEW", app->workspace_id);
  json version_list = json::array(), service_list = json::array();
  for (const auto& v : *versions) version_list.push_back(v.ToJson());
  for (const auto& s : *services) service_list.push_back(s.ToJson(credentials));
  api::RespondData(res, {{"application", app->ToJson()}, {"versions", version_list}, {"services", service_list}});
}

PM_ENDPOINT(DeleteApplication) {
  auto app = AccessibleApplication(ctx, req.params[0], who, "APPLICATION_DELETE");
  if (!app.ok()) return api::RespondError(res, app.status());
  RespondJob(res, lifecycle::Lifecycle(ctx).DeleteApplication(*app));
}

PM_ENDPOINT(ListVersions) {
  auto app = AccessibleApplication(ctx, req.params[0], who, "WORKSPACE_VIEW");
  if (!app.ok()) return api::RespondError(res, app.status());
  auto versions = ctx.apps.ListVersions(app->id);
  if (!versions.ok()) return api::RespondError(res, versions.status());
  json list = json::array();
  for (const auto& v : *versions) list.push_back(v.ToJson());
  api::RespondData(res, {{"versions", list}});
}

PM_ENDPOINT(ShowVersion) {
  auto version = AccessibleVersion(ctx, req.params[0], who, "WORKSPACE_VIEW");
  if (!version.ok()) return api::RespondError(res, version.status());
  auto types = ctx.apps.ListInstanceTypes(version->id);
  if (!types.ok()) return api::RespondError(res, types.status());
  json type_list = json::array();
  for (const auto& type : *types) {
    auto instances = ctx.apps.ListInstancesOfType(type.id);
    if (!instances.ok()) return api::RespondError(res, instances.status());
    auto listed = InstancesJson(ctx, *instances);
    if (!listed.ok()) return api::RespondError(res, listed.status());
    json item = type.ToJson();
    item["instances"] = *listed;
    type_list.push_back(item);
  }
  json data = {{"version", version->ToJson()}, {"instance_types", type_list}};
  auto app = ctx.apps.FindApplication(version->application_id);
  if (app.ok() && *app && who.Allows("APPLICATION_VIEW_MANIFEST", (*app)->workspace_id)) {
    data["manifest"] = version->manifest;
  }
  api::RespondData(res, data);
}

PM_ENDPOINT(VersionAction) {
  auto version = AccessibleVersion(ctx, req.params[0], who, "APPLICATION_DEPLOY");
  if (!version.ok()) return api::RespondError(res, version.status());
  const std::string& action = req.params[1];
  lifecycle::Lifecycle lifecycle(ctx);
  if (action == "register") return RespondJob(res, lifecycle.Register(*version));
  if (action == "start") return RespondJob(res, lifecycle.Start(*version));
  if (action == "stop") return RespondJob(res, lifecycle.Stop(*version));
  if (action == "deregister") return RespondJob(res, lifecycle.Deregister(*version));
  if (action == "current") return RespondJob(res, lifecycle.MakeCurrent(*version));
  api::RespondError(res, NotFound("no version action '" + action + "' (register, start, stop, deregister, current)"));
}

PM_ENDPOINT(DeleteVersion) {
  auto version = AccessibleVersion(ctx, req.params[0], who, "APPLICATION_DELETE");
  if (!version.ok()) return api::RespondError(res, version.status());
  RespondJob(res, lifecycle::Lifecycle(ctx).DeleteVersion(*version));
}

PM_ENDPOINT(VersionInstances) {
  auto version = AccessibleVersion(ctx, req.params[0], who, "WORKSPACE_VIEW");
  if (!version.ok()) return api::RespondError(res, version.status());
  auto instances = ctx.apps.ListInstancesOfVersion(version->id);
  if (!instances.ok()) return api::RespondError(res, instances.status());
  auto listed = InstancesJson(ctx, *instances);
  if (!listed.ok()) return api::RespondError(res, listed.status());
  api::RespondData(res, {{"instances", *listed}});
}

PM_ENDPOINT(ShowInstanceType) {
  auto type = ctx.apps.FindInstanceType(req.params[0]);
  if (!type.ok()) return api::RespondError(res, type.status());
  if (!*type) return api::RespondError(res, NotFound("no instance type " + req.params[0]));
  auto version = AccessibleVersion(ctx, (*type)->version_id, who, "WORKSPACE_VIEW");
  if (!version.ok()) return api::RespondError(res, version.status());
  api::RespondData(res, {{"instance_type", (*type)->ToJson()}});
}

PM_ENDPOINT(ChangeQuantity) {
  auto body = api::ParseJsonBody(req);
  if (!body.ok()) return api::RespondError(res, body.status());
  if (!body->contains("quantity") || !(*body)["quantity"].is_number_integer() || (*body)["quantity"].get<int64_t>() < 0) {
    return api::RespondError(res, InvalidArgument("quantity: required, an integer of 0 or more"));
  }
  auto type = ctx.apps.FindInstanceType(req.params[0]);
  if (!type.ok()) return api::RespondError(res, type.status());
  if (!*type) return api::RespondError(res, NotFound("no instance type " + req.params[0]));
  auto version = AccessibleVersion(ctx, (*type)->version_id, who, "APPLICATION_DEPLOY");
  if (!version.ok()) return api::RespondError(res, version.status());
  auto job = lifecycle::Lifecycle(ctx).ChangeQuantity(**type, (*body)["quantity"].get<int64_t>());
  if (!job.ok()) return api::RespondError(res, job.status());
  api::RespondData(res, {{"job_id", *job ? json(**job) : json()}}, *job ? 202 : 200);
}

PM_ENDPOINT(ShowInstance) {
  auto instance = ctx.apps.FindInstance(req.params[0]);
  if (!instance.ok()) return api::RespondError(res, instance.status());
  if (!*instance) return api::RespondError(res, NotFound("no instance " + req.params[0]));
  auto version = AccessibleVersion(ctx, (*instance)->version_id, who, "WORKSPACE_VIEW");
  if (!version.ok()) return api::RespondError(res, version.status());
  auto listed = InstancesJson(ctx, {**instance});
  if (!listed.ok()) return api::RespondError(res, listed.status());
  api::RespondData(res, {{"instance", (*listed)[0]}});
}

PM_ENDPOINT(InstanceLog) {
  auto instance = ctx.apps.FindInstance(req.params[0]);
  if (!instance.ok()) return api::RespondError(res, instance.status());
  if (!*instance) return api::RespondError(res, NotFound("no instance " + req.params[0]));
  auto version = AccessibleVersion(ctx, (*instance)->version_id, who, "WORKSPACE_VIEW");
  if (!version.ok()) return api::RespondError(res, version.status());
  uint64_t offset = std::strtoull(req.Query("offset", "0").c_str(), nullptr, 10);
  auto piece = FetchNodeLog(ctx, (*instance)->node_uuid, "/api/v1/node/instances/" + (*instance)->id + "/log", offset,
                            "instance " + (*instance)->id);
  if (!piece.ok()) return api::RespondError(res, piece.status());
  res.content_type = "text/plain; charset=utf-8";
  res.headers["X-Log-Next-Offset"] = std::to_string(piece->next_offset);
  res.body = std::move(piece->text);
}

PM_ENDPOINT(RouterTable) {
  auto table = ctx.routing.Dump();
  if (!table.ok()) return api::RespondError(res, table.status());
  // Each router's replica: the serial it had reached at its last report.
  auto nodes = ctx.nodes.List();
  if (!nodes.ok()) return api::RespondError(res, nodes.status());
  json routers = json::array();
  int64_t master = (*table)["serial"].get<int64_t>();
  for (const auto& node : *nodes) {
    if (!node.HasRole("router")) continue;
    json serial = node.stats.contains("router_table_serial") ? node.stats["router_table_serial"] : json();
    routers.push_back({{"node", node.uuid},
                       {"name", node.name},
                       {"state", node.state},
                       {"serial", serial},
                       {"lag", serial.is_number_integer() ? json(master - serial.get<int64_t>()) : json()},
                       {"reported", node.last_heard}});
  }
  (*table)["routers"] = routers;
  api::RespondData(res, *table);
}

}  // namespace paasmaker::pacemaker::endpoints
