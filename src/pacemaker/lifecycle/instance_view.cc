#include "pacemaker/lifecycle/instance_view.h"

#include "model/manifest.h"
#include "pacemaker/lifecycle/routing_table.h"

namespace paasmaker::pacemaker::lifecycle {

using nlohmann::json;

namespace {

// The type's startup plugins, stored as [{plugin, parameters}] by
// application_store.cc. Anything else is no step a heart could run (it
// would refuse the spec), so such a spec is not built at all.
Result<std::vector<model::InstanceStartupStep>> StartupSteps(const InstanceType& type) {
  std::vector<model::InstanceStartupStep> steps;
  auto malformed = [&] {
    return Internal("instance type " + type.id + ": its startup is not a list of {plugin, parameters}");
  };
  if (!type.startup.is_array()) return malformed();
  for (const auto& step : type.startup) {
    if (!step.is_object()) return malformed();
    auto plugin = step.find("plugin");
    auto parameters = step.find("parameters");
    if (plugin == step.end() || !plugin->is_string()) return malformed();
    if (parameters != step.end() && !parameters->is_object()) return malformed();
    steps.push_back({.plugin = plugin->get<std::string>(),
                     .parameters = parameters == step.end() ? json::object() : *parameters});
  }
  return steps;
}

}  // namespace

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

Result<model::InstanceSpec> BuildInstanceSpec(ApplicationStore& apps, const InstanceView& view) {
  model::InstanceSpec spec;
  // The version's own manifest says which of the application's services it uses.
  auto manifest = model::ParseManifest(view.version.manifest, view.version.manifest_path);
  if (manifest.ok()) {
    for (const auto& declared : manifest->services) {
      PM_ASSIGN_OR_RETURN(auto service, apps.FindService(view.application.id, declared.name));
      if (!service) continue;
      json credentials = service->credentials.is_object() ? service->credentials : json::object();
      credentials["provider"] = service->plugin;
      spec.services[declared.name] = credentials;
    }
  }
  spec.instance_id = view.instance.id;
  spec.instance_type_id = view.type.id;
  spec.version_id = view.version.id;
  spec.application = {.application_id = view.application.id,
                      .name = view.application.name,
                      .version = view.version.number,
                      .version_id = view.version.id,
                      .workspace = view.workspace.name,
                      .workspace_stub = view.workspace.stub};
  spec.workspace_tags = view.workspace.tags;
  spec.node_tags = view.node ? view.node->tags : json::object();
  spec.instance_type = view.type.name;
  spec.runtime = {.plugin = view.type.runtime_plugin,
                  .version = view.type.runtime_version,
                  .parameters = view.type.runtime_parameters};
  PM_ASSIGN_OR_RETURN(spec.startup, StartupSteps(view.type));
  spec.standalone = view.type.standalone;
  spec.exclusive = view.type.exclusive;
  spec.package = {.url = "/api/v1/node/packages/" + view.version.id,
                  .checksum = view.version.package_checksum,
                  .size = view.version.package_size};
  return spec;
}

}  // namespace paasmaker::pacemaker::lifecycle
