#include "pacemaker/lifecycle/lifecycle_jobs.h"

#include <fmt/format.h>

#include <filesystem>
#include <map>

#include "core/log.h"
#include "jobs/job_context.h"
#include "jobs/job_parameters.h"
#include "jobs/role_job.h"
#include "pacemaker/crons/cron_secret.h"
#include "pacemaker/lifecycle/instance_view.h"
#include "pacemaker/lifecycle/placement.h"
#include "pacemaker/lifecycle/trees.h"
#include "pacemaker/services/application_services.h"
#include "pacemaker/services/service_plugin.h"
#include "pacemaker/stats/traffic_stats.h"

namespace paasmaker::pacemaker::lifecycle {

using nlohmann::json;
namespace t = job_types;

namespace {

using Context = LifecycleJobsContext;
using jobs::ParameterCheck;

// Every lifecycle job runs on the pacemaker (jobs/role_job.h).
class LifecycleJob : public jobs::RoleJob<Context> {
 public:
  LifecycleJob(std::string name, std::optional<Context> ctx) : RoleJob(std::move(name), std::move(ctx), "pacemaker") {}
};

Result<InstanceView> Load(const Context& ctx, const std::string& instance_id) {
  return LoadInstance(InstanceSources{ctx.apps, ctx.workspaces, ctx.nodes}, instance_id);
}

// The stats API sums version types per workspace, application and version;
// the routing writer is what knows which belong where. Best effort: a
// missing set entry only hides traffic from a sum, it never loses any.
void RecordForStats(const Context& ctx, const InstanceView& view, jobs::JobContext& c) {
  Status recorded = stats::RecordVersionType(ctx.stats_redis, view.workspace.id, view.application.id,
                                             view.version.id, view.type.id);
  if (!recorded.ok()) c.log().Warning("stats sets not updated: " + recorded.ToString());
}

class GroupJob : public LifecycleJob {
 public:
  using LifecycleJob::LifecycleJob;
  Status ValidateParameters(const json& p) const override { return ParameterCheck(p); }
  Result<std::string> Run(const Context&, jobs::JobContext& c) const override {
    return c.job().title.empty() ? std::string("Done.") : c.job().title + ": done.";
  }
};

class SelectJob : public LifecycleJob {
 public:
  using LifecycleJob::LifecycleJob;
  Status ValidateParameters(const json& p) const override {
    return ParameterCheck(p).String("instance_type_id").OneOf("mode", {"register", "start"}).OptionalBool("force_exclusive");
  }

  Result<std::string> Run(const Context& ctx, jobs::JobContext& c) const override {
    const json& p = c.parameters();
    bool start = p["mode"] == "start";
    bool force_exclusive = p.value("force_exclusive", false);
    PM_ASSIGN_OR_RETURN(auto type, ctx.apps.FindInstanceType(p["instance_type_id"].get<std::string>()));
    if (!type) return NotFound("no instance type " + p["instance_type_id"].get<std::string>());
    PM_ASSIGN_OR_RETURN(auto version, ctx.apps.FindVersion(type->version_id));
    if (!version) return NotFound("no version " + type->version_id);
    if (start && type->exclusive && !version->is_current && !force_exclusive) {
      return fmt::format("{} is exclusive: it runs only in the current version; not started", type->name);
    }
    PM_ASSIGN_OR_RETURN(auto nodes, ctx.nodes.List());
    std::map<std::string, const model::Node*> by_uuid;
    for (const auto& n : nodes) by_uuid[n.uuid] = &n;
    PM_ASSIGN_OR_RETURN(auto instances, ctx.apps.ListInstancesOfType(type->id));
    std::vector<Instance> live;
    PlacementRequest request;
    PM_ASSIGN_OR_RETURN(auto services, ctx.apps.ListServices(version->application_id));
    for (const auto& service : services) {
      if (service.plugin == services::kFilesystemServicePlugin) {
        request.required_directories = {ctx.config.FilesystemDirectory()};
      }
    }
    for (const auto& i : instances) {
      auto node = by_uuid.find(i.node_uuid);
      bool active = node != by_uuid.end() && node->second->state == model::kNodeActive;
      if (!active || !IsLiveInstanceState(i.state)) continue;
      live.push_back(i);
      ++request.existing[i.node_uuid];
    }
    int64_t missing = type->quantity - static_cast<int64_t>(live.size());
    c.log().Info(fmt::format("{}: quantity {}, {} live instance(s) on active hearts", type->name, type->quantity,
                              live.size()));
    if (missing > 0) {
      request.runtime_plugin = type->runtime_plugin;
      request.runtime_version = type->runtime_version;
      if (type->placement.contains("parameters") && type->placement["parameters"].contains("tags")) {
        request.required_tags = type->placement["parameters"]["tags"];
      }
      request.count = static_cast<int>(missing);
      auto decision = PlaceInstances(nodes, request);
      if (!decision.ok()) return decision.status();
      for (const auto& line : decision->explanation) c.log().Info(line);
      for (const auto& uuid : decision->nodes) {
        PM_ASSIGN_OR_RETURN(auto created, ctx.apps.CreateInstance(*type, uuid));
        live.push_back(created);
      }
    }
    std::vector<jobs::JobSpec> graft;
    int chains = 0;
    for (const auto& instance : live) {
      if (!start && instance.state != kInstanceAllocated) continue;
      if (start && instance.state == kInstanceRunning) {
        if (type->standalone) continue;
        // Already running: make sure it is routed (adding is idempotent).
        AppendChain(c.job().parent_id,
                    {jobs::JobSpec{.type = t::kRoutingUpdate,
                                   .parameters = {{"instance_ids", json::array({instance.id})},
                                                  {"operation", "add"},
                                                  {"which", "all"}},
                                   .node = c.job().node,
                                   .title = "Route instance " + instance.id.substr(0, 8)}},
                    &graft);
        continue;
      }
      PM_ASSIGN_OR_RETURN(auto view, Load(ctx, instance.id));
      PM_ASSIGN_OR_RETURN(auto spec, BuildInstanceSpec(ctx.apps, view));
      spec.cron_secret = crons::CronSecret(ctx.node_token, view.application.id);
      AppendChain(c.job().parent_id, StartChain(instance, model::ToJson(spec), c.job().node, start, !type->standalone),
                  &graft);
      ++chains;
    }
    if (graft.empty()) return fmt::format("{}: nothing to do ({} instance(s) already in place)", type->name, live.size());
    PM_RETURN_IF_ERROR(c.Graft(std::move(graft)).status());
    return fmt::format("{}: {} instance(s) to {}", type->name, chains, start ? "start" : "register");
  }
};

class InstanceStoreJob : public LifecycleJob {
 public:
  using LifecycleJob::LifecycleJob;
  Status ValidateParameters(const json& p) const override { return ParameterCheck(p).String("instance_id"); }
  Result<std::string> Run(const Context& ctx, jobs::JobContext& c) const override {
    std::string id = c.parameters()["instance_id"];
    PM_ASSIGN_OR_RETURN(json port, c.Get("port-" + id));
    if (!port.is_number_integer()) return Internal("the heart left no port for instance " + id);
    PM_RETURN_IF_ERROR(ctx.apps.SetInstancePort(id, port.get<int64_t>()));
    PM_RETURN_IF_ERROR(ctx.apps.SetInstanceState(id, kInstanceRegistered));
    return fmt::format("instance {} registered on port {}", id.substr(0, 8), port.get<int64_t>());
  }
};

class RoutingUpdateJob : public LifecycleJob {
 public:
  using LifecycleJob::LifecycleJob;
  Status ValidateParameters(const json& p) const override {
    return ParameterCheck(p).StringList("instance_ids").OneOf("operation", {"add", "remove"}).OneOf("which", {"all", "current"});
  }
  Result<std::string> Run(const Context& ctx, jobs::JobContext& c) const override {
    const json& p = c.parameters();
    bool add = p["operation"] == "add";
    bool current = p["which"] == "current";
    const std::string& cluster = ctx.config.pacemaker.cluster_hostname;
    int changed = 0;
    for (const auto& id_json : p["instance_ids"]) {
      std::string id = id_json;
      PM_ASSIGN_OR_RETURN(auto view, Load(ctx, id));
      if (view.type.standalone) continue;
      HostnameSet set = current ? HostnameSet::kCurrent : (add ? HostnameSet::kAll : HostnameSet::kEvery);
      auto hostnames = HostnamesOf(view, cluster, set);
      if (add) {
        if (!view.node) return FailedPrecondition("instance " + id + " has no known node");
        if (view.instance.port <= 0) return FailedPrecondition("instance " + id + " has no port");
        std::string entry = RouteEntry(view.node->route, view.instance.port, view.type.id, view.node->uuid, id);
        PM_ASSIGN_OR_RETURN(int64_t serial, ctx.routing.Add(hostnames, entry, id));
        c.log().Info(fmt::format("added {} to {} (serial {})", entry, json(hostnames).dump(), serial));
        RecordForStats(ctx, view, c);
        if (!current) PM_RETURN_IF_ERROR(ctx.apps.SetInstanceState(id, kInstanceRunning));
      } else {
        PM_ASSIGN_OR_RETURN(int64_t serial, ctx.routing.Remove(hostnames, id));
        c.log().Info(fmt::format("removed instance {} from {} (serial {})", id, json(hostnames).dump(), serial));
      }
      ++changed;
    }
    return fmt::format("{} {} instance(s) {} the routing table", add ? "added" : "removed", changed,
                       add ? "to" : "from");
  }
};

class VersionStateJob : public LifecycleJob {
 public:
  using LifecycleJob::LifecycleJob;
  Status ValidateParameters(const json& p) const override { return ParameterCheck(p).String("version_id").String("state"); }
  Result<std::string> Run(const Context& ctx, jobs::JobContext& c) const override {
    std::string id = c.parameters()["version_id"];
    std::string state = c.parameters()["state"];
    PM_RETURN_IF_ERROR(ctx.apps.SetVersionState(id, state));
    return c.job().title + ": version is " + state;
  }
};

class VersionCurrentJob : public LifecycleJob {
 public:
  using LifecycleJob::LifecycleJob;
  Status ValidateParameters(const json& p) const override { return ParameterCheck(p).String("version_id"); }
  Result<std::string> Run(const Context& ctx, jobs::JobContext& c) const override {
    std::string id = c.parameters()["version_id"];
    PM_RETURN_IF_ERROR(ctx.apps.MakeCurrent(id));
    PM_ASSIGN_OR_RETURN(auto instances, ctx.apps.ListInstancesOfVersion(id));
    int routed = 0;
    for (const auto& instance : instances) {
      if (instance.state != kInstanceRunning) continue;
      PM_ASSIGN_OR_RETURN(auto view, Load(ctx, instance.id));
      if (view.type.standalone || !view.node || instance.port <= 0) continue;
      auto hostnames = HostnamesOf(view, ctx.config.pacemaker.cluster_hostname, HostnameSet::kCurrent);
      std::string entry = RouteEntry(view.node->route, instance.port, view.type.id, view.node->uuid, instance.id);
      PM_ASSIGN_OR_RETURN(int64_t serial, ctx.routing.Add(hostnames, entry, instance.id));
      c.log().Info(fmt::format("added {} to {} (serial {})", entry, json(hostnames).dump(), serial));
      ++routed;
    }
    return fmt::format("version is current; {} instance(s) routed on its current hostnames", routed);
  }
};

class InstanceStateJob : public LifecycleJob {
 public:
  using LifecycleJob::LifecycleJob;
  Status ValidateParameters(const json& p) const override {
    return ParameterCheck(p).StringList("instance_ids").String("state").Also([](const json& checked) {
      return IsInstanceState(checked["state"]) ? Status::Ok() : InvalidArgument("parameters: 'state' is not an instance state");
    });
  }
  Result<std::string> Run(const Context& ctx, jobs::JobContext& c) const override {
    std::string state = c.parameters()["state"];
    for (const auto& id : c.parameters()["instance_ids"]) {
      PM_RETURN_IF_ERROR(ctx.apps.SetInstanceState(id.get<std::string>(), state));
    }
    return fmt::format("{} instance(s) {}", c.parameters()["instance_ids"].size(), state);
  }
};

void RemovePackage(const Version& version) {
  if (version.package_path.empty()) return;
  std::error_code ignored;
  std::filesystem::remove(version.package_path, ignored);
}

class VersionDeleteJob : public LifecycleJob {
 public:
  using LifecycleJob::LifecycleJob;
  Status ValidateParameters(const json& p) const override { return ParameterCheck(p).String("version_id"); }
  Result<std::string> Run(const Context& ctx, jobs::JobContext& c) const override {
    PM_ASSIGN_OR_RETURN(auto version, ctx.apps.FindVersion(c.parameters()["version_id"].get<std::string>()));
    if (!version) return std::string("already deleted");
    RemovePackage(*version);
    PM_RETURN_IF_ERROR(ctx.apps.DeleteVersion(version->id));
    return fmt::format("version {} deleted", version->number);
  }
};

class ApplicationDeleteJob : public LifecycleJob {
 public:
  using LifecycleJob::LifecycleJob;
  Status ValidateParameters(const json& p) const override { return ParameterCheck(p).String("application_id"); }
  Result<std::string> Run(const Context& ctx, jobs::JobContext& c) const override {
    std::string id = c.parameters()["application_id"];
    PM_ASSIGN_OR_RETURN(auto app, ctx.apps.FindApplication(id));
    if (!app) return std::string("already deleted");
    PM_RETURN_IF_ERROR(services::RemoveApplicationServices(ctx.apps, ctx.services, id).WithContext("removing services"));
    c.log().Info("services removed");
    PM_ASSIGN_OR_RETURN(auto versions, ctx.apps.ListVersions(id));
    for (const auto& v : versions) RemovePackage(v);
    PM_RETURN_IF_ERROR(ctx.apps.DeleteApplication(id));
    return "application " + app->name + " deleted";
  }
};

}  // namespace

Status RegisterLifecycleJobs(jobs::JobRegistry& registry, const std::optional<LifecycleJobsContext>& ctx) {
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<GroupJob>(t::kGroup, ctx)));
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<SelectJob>(t::kSelect, ctx)));
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<InstanceStoreJob>(t::kInstanceStore, ctx)));
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<RoutingUpdateJob>(t::kRoutingUpdate, ctx)));
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<VersionStateJob>(t::kVersionState, ctx)));
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<VersionCurrentJob>(t::kVersionCurrent, ctx)));
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<InstanceStateJob>(t::kInstanceState, ctx)));
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<VersionDeleteJob>(t::kVersionDelete, ctx)));
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<ApplicationDeleteJob>(t::kApplicationDelete, ctx)));
  return Status::Ok();
}

}  // namespace paasmaker::pacemaker::lifecycle
