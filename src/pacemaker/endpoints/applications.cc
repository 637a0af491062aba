// Applications, versions, instance types, instances, the routing table
// (SPEC §9). Permissions are checked on the application's workspace:
// reading needs WORKSPACE_VIEW there, lifecycle actions APPLICATION_DEPLOY,
// deletion APPLICATION_DELETE, service credentials SERVICE_CREDENTIAL_VIEW.
#include "pacemaker/endpoints/applications.h"

#include "core/api_response.h"
#include "model/node.h"
#include "pacemaker/job_access.h"
#include "pacemaker/lifecycle/trees.h"

namespace paasmaker::pacemaker::endpoints {

using nlohmann::json;

namespace {

Status Require(const Principal& who, const char* permission, const std::string& workspace_id) {
  return who.Require(permission, workspace_id);
}

// The application and the check that `who` may do `permission` on it.
Result<Application> AccessibleApplication(ApplicationsContext& ctx, const std::string& id, const Principal& who,
                                          const char* permission) {
  PM_ASSIGN_OR_RETURN(auto app, ctx.apps.FindApplication(id));
  if (!app) return NotFound("no application " + id);
  PM_RETURN_IF_ERROR(Require(who, permission, app->workspace_id));
  return *app;
}

Result<Version> AccessibleVersion(ApplicationsContext& ctx, const std::string& id, const Principal& who,
                                  const char* permission) {
  PM_ASSIGN_OR_RETURN(auto version, ctx.apps.FindVersion(id));
  if (!version) return NotFound("no version " + id);
  PM_RETURN_IF_ERROR(AccessibleApplication(ctx, version->application_id, who, permission).status());
  return *version;
}

Result<json> InstancesJson(ApplicationsContext& ctx, const std::vector<Instance>& instances) {
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

// A started job tree: 202 with its root, which the client follows.
Result<api::Reply> JobReply(Result<std::string> job) {
  PM_ASSIGN_OR_RETURN(std::string root, std::move(job));
  return api::Reply::Accepted({{"job_id", root}});
}

// The instance `id` and the check that `who` may read it.
Result<Instance> AccessibleInstance(ApplicationsContext& ctx, const std::string& id, const Principal& who) {
  PM_ASSIGN_OR_RETURN(auto instance, ctx.apps.FindInstance(id));
  if (!instance) return NotFound("no instance " + id);
  PM_RETURN_IF_ERROR(AccessibleVersion(ctx, instance->version_id, who, "WORKSPACE_VIEW").status());
  return *instance;
}

Result<InstanceType> KnownInstanceType(ApplicationsContext& ctx, const std::string& id) {
  PM_ASSIGN_OR_RETURN(auto type, ctx.apps.FindInstanceType(id));
  if (!type) return NotFound("no instance type " + id);
  return *type;
}

}  // namespace

PM_ENDPOINT(ApplicationsContext, json, ListApplications) {
  std::string workspace_id = req.params[0];
  PM_ASSIGN_OR_RETURN(auto workspace, ctx.workspaces.Find(workspace_id));
  if (!workspace) return NotFound("no workspace " + workspace_id);
  PM_RETURN_IF_ERROR(Require(who, "WORKSPACE_VIEW", workspace_id));
  PM_ASSIGN_OR_RETURN(auto apps, ctx.apps.ListApplications(workspace_id));
  json list = json::array();
  for (const auto& app : apps) {
    json item = app.ToJson();
    auto current = ctx.apps.CurrentVersion(app.id);
    item["current_version"] = current.ok() && *current ? json((*current)->number) : json();
    list.push_back(item);
  }
  return json{{"applications", list}};
}

PM_ENDPOINT(ApplicationsContext, json, ShowApplication) {
  PM_ASSIGN_OR_RETURN(Application app, AccessibleApplication(ctx, req.params[0], who, "WORKSPACE_VIEW"));
  PM_ASSIGN_OR_RETURN(auto versions, ctx.apps.ListVersions(app.id));
  PM_ASSIGN_OR_RETURN(auto services, ctx.apps.ListServices(app.id));
  json version_list = json::array(), service_list = json::array();
  for (const auto& v : versions) version_list.push_back(v.ToJson());
  // Credentials only from the services API, and only when asked for.
  for (const auto& s : services) service_list.push_back(s.ToJson(false));
  return json{{"application", app.ToJson()}, {"versions", version_list}, {"services", service_list}};
}

PM_ENDPOINT(ApplicationsContext, api::Reply, DeleteApplication) {
  PM_ASSIGN_OR_RETURN(Application app, AccessibleApplication(ctx, req.params[0], who, "APPLICATION_DELETE"));
  return JobReply(lifecycle::Lifecycle(ctx.trees).DeleteApplication(app));
}

PM_ENDPOINT(ApplicationsContext, json, ListVersions) {
  PM_ASSIGN_OR_RETURN(Application app, AccessibleApplication(ctx, req.params[0], who, "WORKSPACE_VIEW"));
  PM_ASSIGN_OR_RETURN(auto versions, ctx.apps.ListVersions(app.id));
  json list = json::array();
  for (const auto& v : versions) list.push_back(v.ToJson());
  return json{{"versions", list}};
}

PM_ENDPOINT(ApplicationsContext, json, ShowVersion) {
  PM_ASSIGN_OR_RETURN(Version version, AccessibleVersion(ctx, req.params[0], who, "WORKSPACE_VIEW"));
  PM_ASSIGN_OR_RETURN(auto types, ctx.apps.ListInstanceTypes(version.id));
  json type_list = json::array();
  for (const auto& type : types) {
    PM_ASSIGN_OR_RETURN(auto instances, ctx.apps.ListInstancesOfType(type.id));
    PM_ASSIGN_OR_RETURN(json listed, InstancesJson(ctx, instances));
    json item = type.ToJson();
    item["instances"] = listed;
    type_list.push_back(item);
  }
  json data = {{"version", version.ToJson()}, {"instance_types", type_list}};
  auto app = ctx.apps.FindApplication(version.application_id);
  if (app.ok() && *app && who.Allows("APPLICATION_VIEW_MANIFEST", (*app)->workspace_id)) {
    data["manifest"] = version.manifest;
  }
  return data;
}

PM_ENDPOINT(ApplicationsContext, api::Reply, VersionAction) {
  const std::string& action = req.params[1];
  // Which version gets an application's traffic is routing, a permission of
  // its own (SPEC §9); the other actions are deploying.
  const char* permission = action == "current" ? "APPLICATION_ROUTING" : "APPLICATION_DEPLOY";
  PM_ASSIGN_OR_RETURN(Version version, AccessibleVersion(ctx, req.params[0], who, permission));
  lifecycle::Lifecycle lifecycle(ctx.trees);
  if (action == "register") return JobReply(lifecycle.Register(version));
  if (action == "start") return JobReply(lifecycle.Start(version));
  if (action == "stop") return JobReply(lifecycle.Stop(version));
  if (action == "deregister") return JobReply(lifecycle.Deregister(version));
  if (action == "current") return JobReply(lifecycle.MakeCurrent(version));
  return NotFound("no version action '" + action + "' (register, start, stop, deregister, current)");
}

PM_ENDPOINT(ApplicationsContext, api::Reply, DeleteVersion) {
  PM_ASSIGN_OR_RETURN(Version version, AccessibleVersion(ctx, req.params[0], who, "APPLICATION_DELETE"));
  return JobReply(lifecycle::Lifecycle(ctx.trees).DeleteVersion(version));
}

PM_ENDPOINT(ApplicationsContext, json, VersionInstances) {
  PM_ASSIGN_OR_RETURN(Version version, AccessibleVersion(ctx, req.params[0], who, "WORKSPACE_VIEW"));
  PM_ASSIGN_OR_RETURN(auto instances, ctx.apps.ListInstancesOfVersion(version.id));
  PM_ASSIGN_OR_RETURN(json listed, InstancesJson(ctx, instances));
  return json{{"instances", listed}};
}

PM_ENDPOINT(ApplicationsContext, json, ShowInstanceType) {
  PM_ASSIGN_OR_RETURN(InstanceType type, KnownInstanceType(ctx, req.params[0]));
  PM_RETURN_IF_ERROR(AccessibleVersion(ctx, type.version_id, who, "WORKSPACE_VIEW").status());
  return json{{"instance_type", type.ToJson()}};
}

PM_ENDPOINT(ApplicationsContext, api::Reply, ChangeQuantity) {
  PM_ASSIGN_OR_RETURN(json body, api::ParseJsonBody(req));
  if (!body.contains("quantity") || !body["quantity"].is_number_integer() || body["quantity"].get<int64_t>() < 0) {
    return InvalidArgument("quantity: required, an integer of 0 or more");
  }
  PM_ASSIGN_OR_RETURN(InstanceType type, KnownInstanceType(ctx, req.params[0]));
  PM_RETURN_IF_ERROR(AccessibleVersion(ctx, type.version_id, who, "APPLICATION_DEPLOY").status());
  PM_ASSIGN_OR_RETURN(auto job, lifecycle::Lifecycle(ctx.trees).ChangeQuantity(type, body["quantity"].get<int64_t>()));
  // No job when nothing needs to run (e.g. the version is not registered).
  if (!job) return api::Reply::Data({{"job_id", nullptr}});
  return api::Reply::Accepted({{"job_id", *job}});
}

PM_ENDPOINT(ApplicationsContext, json, ShowInstance) {
  PM_ASSIGN_OR_RETURN(Instance instance, AccessibleInstance(ctx, req.params[0], who));
  PM_ASSIGN_OR_RETURN(json listed, InstancesJson(ctx, {instance}));
  return json{{"instance", listed[0]}};
}

PM_ENDPOINT(ApplicationsContext, api::Reply, InstanceLog) {
  PM_ASSIGN_OR_RETURN(Instance instance, AccessibleInstance(ctx, req.params[0], who));
  uint64_t offset = std::strtoull(req.Query("offset", "0").c_str(), nullptr, 10);
  PM_ASSIGN_OR_RETURN(LogPiece piece,
                      FetchNodeLog(ctx.logs, instance.node_uuid, "/api/v1/node/instances/" + instance.id + "/log",
                                   offset, "instance " + instance.id));
  return LogReply(std::move(piece));
}

PM_ENDPOINT(ApplicationsContext, json, RouterTable) {
  PM_ASSIGN_OR_RETURN(json table, ctx.routing.Dump());
  // Each router's replica: the serial it had reached at its last report.
  PM_ASSIGN_OR_RETURN(auto nodes, ctx.nodes.List());
  json routers = json::array();
  int64_t master = table["serial"].get<int64_t>();
  for (const auto& node : nodes) {
    if (!node.HasRole("router")) continue;
    json serial = node.stats.contains("router_table_serial") ? node.stats["router_table_serial"] : json();
    routers.push_back({{"node", node.uuid},
                       {"name", node.name},
                       {"state", node.state},
                       {"serial", serial},
                       {"lag", serial.is_number_integer() ? json(master - serial.get<int64_t>()) : json()},
                       {"reported", node.last_heard}});
  }
  table["routers"] = routers;
  return table;
}

}  // namespace paasmaker::pacemaker::endpoints
