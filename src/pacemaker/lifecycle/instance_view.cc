#include "pacemaker/lifecycle/instance_view.h"

#include "model/manifest.h"
#include "pacemaker/lifecycle/routing_table.h"

namespace paasmaker::pacemaker::lifecycle {

using nlohmann::json;

Result<InstanceView> LoadInstance(PacemakerContext& ctx, const std::string& instance_id) {
  return LoadInstance(InstanceSources{ctx.apps, ctx.workspaces, ctx.nodes}, instance_id);
}

Result<InstanceView> LoadInstance(const InstanceSources& ctx, const std::string& instance_id) {
  InstanceView view;
  PM_ASSIGN_OR_RETURN(auto instance, ctx.apps.FindInstance(instance_id));
  if (!instance) return NotFound("no instance " + instance_id);
  view.instance = *instance;
  PM_ASSIGN_OR_RETURN(auto type, ctx.apps.FindInstanceType(instance->instance_type_id));
  if (!type) return NotFound("no instance type " + instance->instance_type_id);
  view.type = *type;
  PM_ASSIGN_OR_RETURN(auto version, ctx.apps.FindVersion(type->version_id));
  if (!version) return NotFound("no version " + type->version_id);
  view.version = *version;
  PM_ASSIGN_OR_RETURN(auto app, ctx.apps.FindApplication(version->application_id));
  if (!app) return NotFound("no application " + version->application_id);
  view.application = *app;
  PM_ASSIGN_OR_RETURN(auto workspace, ctx.workspaces.Find(app->workspace_id));
  if (!workspace) return NotFound("no workspace " + app->workspace_id);
  view.workspace = *workspace;
  PM_ASSIGN_OR_RETURN(view.node, ctx.nodes.Find(instance->node_uuid));
  return view;
}

std::vector<std::string> HostnamesOf(const InstanceView& view, const std::string& cluster_hostname, HostnameSet set) {
  HostnameParts parts{view.version.number, view.type.name, view.application.name, view.workspace.stub,
                      cluster_hostname};
  std::vector<std::string> hostnames;
  if (set != HostnameSet::kCurrent) hostnames.push_back(VersionHostname(parts));
  if (set == HostnameSet::kCurrent || set == HostnameSet::kEvery ||
      (set == HostnameSet::kAll && view.version.is_current)) {
    hostnames.push_back(TypeHostname(parts));
    hostnames.insert(hostnames.end(), view.type.hostnames.begin(), view.type.hostnames.end());
  }
  return hostnames;
}

Result<json> BuildInstanceSpec(PacemakerContext& ctx, const InstanceView& view) {
  return BuildInstanceSpec(ctx.apps, view);
}

Result<json> BuildInstanceSpec(ApplicationStore& apps, const InstanceView& view) {
  // The version's own manifest says which of the application's services it uses.
  json services = json::object();
  auto manifest = model::ParseManifest(view.version.manifest, view.version.manifest_path);
  if (manifest.ok()) {
    for (const auto& declared : manifest->services) {
      PM_ASSIGN_OR_RETURN(auto service, apps.FindService(view.application.id, declared.name));
      if (!service) continue;
      json credentials = service->credentials.is_object() ? service->credentials : json::object();
      credentials["provider"] = service->plugin;
      services[declared.name] = credentials;
    }
  }
  json application = {{"application_id", view.application.id}, {"name", view.application.name},
                      {"version", view.version.number},        {"version_id", view.version.id},
                      {"workspace", view.workspace.name},      {"workspace_stub", view.workspace.stub}};
  return json{{"instance_id", view.instance.id},
              {"instance_type_id", view.type.id},
              {"version_id", view.version.id},
              {"application", application},
              {"workspace_tags", view.workspace.tags},
              {"node_tags", view.node ? view.node->tags : json::object()},
              {"instance_type", view.type.name},
              {"runtime", {{"plugin", view.type.runtime_plugin},
                           {"version", view.type.runtime_version},
                           {"parameters", view.type.runtime_parameters}}},
              {"startup", view.type.startup},
              {"standalone", view.type.standalone},
              {"exclusive", view.type.exclusive},
              {"package", {{"url", "/api/v1/node/packages/" + view.version.id},
                           {"checksum", view.version.package_checksum},
                           {"size", view.version.package_size}}},
              {"services", services}};
}

}  // namespace paasmaker::pacemaker::lifecycle
