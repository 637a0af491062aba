#include "pacemaker/health/health_jobs.h"

#include <fmt/format.h>

#include <map>
#include <mutex>
#include <set>

#include "core/ids.h"
#include "jobs/job_context.h"
#include "jobs/job_parameters.h"
#include "jobs/job_store.h"
#include "jobs/role_job.h"
#include "pacemaker/health/health_decisions.h"
#include "pacemaker/lifecycle/instance_view.h"
#include "pacemaker/lifecycle/trees.h"
#include "pacemaker/store/schema.h"

namespace paasmaker::pacemaker::health {

using nlohmann::json;
namespace t = job_types;

namespace {

using Context = HealthJobsContext;
using jobs::ParameterCheck;

// Every health check is a pacemaker job (jobs/role_job.h). A check that
// changed nothing returns an empty summary (what it looked at goes to its
// log), so a run's non-empty summaries are exactly its corrective actions
// (GET /api/v1/health/history).
class HealthJob : public jobs::RoleJob<Context> {
 public:
  HealthJob(std::string name, std::optional<Context> ctx) : RoleJob(std::move(name), std::move(ctx), "pacemaker") {}
};

// Removes every route of an instance (all its possible hostnames).
Result<bool> Unroute(const Context& ctx, const std::string& instance_id, jobs::JobContext& c) {
  PM_ASSIGN_OR_RETURN(auto view, lifecycle::LoadInstance(lifecycle::InstanceSources{ctx.apps, ctx.workspaces, ctx.nodes}, instance_id));
  if (view.type.standalone) return false;
  auto hostnames = lifecycle::HostnamesOf(view, ctx.config.pacemaker.cluster_hostname, lifecycle::HostnameSet::kEvery);
  PM_ASSIGN_OR_RETURN(int64_t serial, ctx.routing.Remove(hostnames, instance_id));
  c.log().Info(fmt::format("removed instance {} from {} (serial {})", instance_id, json(hostnames).dump(), serial));
  return true;
}

class DownNodesJob : public HealthJob {
 public:
  using HealthJob::HealthJob;
  Status ValidateParameters(const json& p) const override {
    return ParameterCheck(p).OptionalNumber("timeout").OptionalNumber("not_before");
  }
  Result<std::string> Run(const Context& ctx, jobs::JobContext& c) const override {
    double timeout = c.parameters().value("timeout", ctx.config.pacemaker.node_down_timeout);
    double not_before = c.parameters().value("not_before", 0.0);
    double now = NowSeconds();
    if (now < not_before) {
      c.log().Info(fmt::format("pacemaker recently started: nodes have {:.1f} s more to report in", not_before - now));
      return std::string();
    }
    PM_ASSIGN_OR_RETURN(auto nodes, ctx.nodes.List());
    std::vector<std::string> lines;
    for (const auto& node : SilentNodes(nodes, now, timeout, not_before, ctx.node_uuid.Get())) {
      // Conditional, so a report arriving meanwhile wins over this decision.
      PM_ASSIGN_OR_RETURN(bool marked, ctx.nodes.MarkDownIfSilent(node.uuid, now - timeout));
      if (!marked) continue;
      int down = 0, unrouted = 0;
      PM_ASSIGN_OR_RETURN(auto instances, ctx.apps.ListInstancesOnNode(node.uuid));
      for (const auto& instance : instances) {
        if (!IsLiveInstanceState(instance.state)) continue;
        PM_RETURN_IF_ERROR(ctx.apps.SetInstanceState(instance.id, kInstanceDown));
        ++down;
        PM_ASSIGN_OR_RETURN(bool removed, Unroute(ctx, instance.id, c));
        unrouted += removed;
      }
      std::string line = fmt::format("node {} silent for {:.1f} s: marked DOWN, {} instance(s) DOWN, {} route(s) removed",
                                     node.name, now - node.last_heard, down, unrouted);
      c.log().Warning(line);
      lines.push_back(line);
    }
    if (lines.empty()) {
      c.log().Info("every node reported in time");
      return std::string();
    }
    std::string summary;
    for (const auto& line : lines) summary += (summary.empty() ? "" : "; ") + line;
    return summary;
  }
};

class StuckJobsJob : public HealthJob {
 public:
  using HealthJob::HealthJob;
  Status ValidateParameters(const json& p) const override { return ParameterCheck(p); }
  Result<std::string> Run(const Context& ctx, jobs::JobContext& c) const override {
    PM_ASSIGN_OR_RETURN(auto nodes, ctx.nodes.List());
    std::set<std::string> roots;
    for (const auto& node : nodes) {
      if (node.state != model::kNodeDown) continue;
      PM_ASSIGN_OR_RETURN(auto job_ids, ctx.job_store.QueuedOrRunningOn(node.uuid));
      for (const auto& id : job_ids) {
        auto job = ctx.job_store.Get(id);
        if (!job.ok() || jobs::IsFinished(job->state)) continue;
        if (roots.insert(job->root_id).second) {
          c.log().Warning(fmt::format("job {} ({}) is {} on DOWN node {}: aborting its tree {}", job->id, job->type,
                                      jobs::JobStateName(job->state), node.name, job->root_id));
        }
      }
    }
    for (const auto& root : roots) {
      PM_RETURN_IF_ERROR(ctx.job_store.AbortTree(root, "its node is DOWN (health check)"));
    }
    if (roots.empty()) {
      c.log().Info("no job waits on a DOWN node");
      return std::string();
    }
    return fmt::format("aborted {} job tree(s) waiting on DOWN nodes", roots.size());
  }
};

class RouterDownInstancesJob : public HealthJob {
 public:
  using HealthJob::HealthJob;
  Status ValidateParameters(const json& p) const override { return ParameterCheck(p).OptionalNumber("grace"); }
  Result<std::string> Run(const Context& ctx, jobs::JobContext& c) const override {
    double grace = c.parameters().value("grace", kRouteGraceSeconds);
    PM_ASSIGN_OR_RETURN(json dump, ctx.routing.Dump());
    double now = NowSeconds();
    int removed = 0;
    auto routed = RoutedInstances(dump);
    for (const auto& [id, hostnames] : routed) {
      PM_ASSIGN_OR_RETURN(auto instance, ctx.apps.FindInstance(id));
      if (!ShouldUnroute(instance ? &*instance : nullptr, now, grace)) continue;
      PM_ASSIGN_OR_RETURN(int64_t serial, ctx.routing.Remove(hostnames, id));
      c.log().Warning(fmt::format("instance {} is {}: removed from {} (serial {})", id,
                                  instance ? instance->state : std::string("unknown"), json(hostnames).dump(), serial));
      ++removed;
    }
    std::string result = fmt::format("{} routed instance(s) checked, {} removed", routed.size(), removed);
    c.log().Info(result);
    return removed == 0 ? std::string() : result;
  }
};

class AdjustInstancesJob : public HealthJob {
 public:
  using HealthJob::HealthJob;
  Status ValidateParameters(const json& p) const override { return ParameterCheck(p); }

  Result<std::string> Run(const Context& ctx, jobs::JobContext& c) const override {
    PM_ASSIGN_OR_RETURN(auto versions, ctx.apps.ListVersionsInState(kVersionRunning));
    PM_ASSIGN_OR_RETURN(auto nodes, ctx.nodes.List());
    std::set<std::string> active;
    for (const auto& n : nodes) {
      if (n.state == model::kNodeActive) active.insert(n.uuid);
    }
    PM_ASSIGN_OR_RETURN(json dump, ctx.routing.Dump());
    auto routed = RoutedInstances(dump);
    lifecycle::Lifecycle lifecycle(ctx.trees);
    std::vector<std::string> actions;
    int checked = 0;
    for (const auto& listed : versions) {
      // Again, one by one: an earlier action may have changed a later version.
      PM_ASSIGN_OR_RETURN(auto version, ctx.apps.FindVersion(listed.id));
      if (!version || version->state != kVersionRunning) continue;
      PM_ASSIGN_OR_RETURN(bool busy, ApplicationBusy(ctx, version->application_id));
      if (busy) {
        c.log().Info(fmt::format("version {}: its application has a tree under way: left alone this time",
                                 version->id));
        continue;
      }
      PM_ASSIGN_OR_RETURN(auto types, ctx.apps.ListInstanceTypes(version->id));
      for (const auto& type : types) {
        // Exclusive types run only in the current version.
        if (type.exclusive && !version->is_current) continue;
        ++checked;
        PM_ASSIGN_OR_RETURN(auto instances, ctx.apps.ListInstancesOfType(type.id));
        std::vector<Instance> running;
        std::set<std::string> unrouted;
        int64_t counted = 0;
        for (const auto& i : instances) {
          if (!active.count(i.node_uuid)) continue;
          counted += CountsTowardsQuantity(i.state);
          if (i.state != kInstanceRunning) continue;
          running.push_back(i);
          if (!type.standalone && !routed.count(i.id)) unrouted.insert(i.id);
        }
        if (counted < type.quantity) {
          if (RecentlyFailed(ctx, type.id)) continue;
          std::string title = fmt::format("Health: start {} of {} missing instance(s) of {}",
                                          type.quantity - counted, type.quantity, type.name);
          PM_ASSIGN_OR_RETURN(std::string root, lifecycle.StartType(type, title));
          Remember(type.id, root);
          actions.push_back(title + " (job " + root + ")");
        } else if (static_cast<int64_t>(running.size()) > type.quantity) {
          if (RecentlyFailed(ctx, type.id)) continue;
          auto victims = lifecycle::ChooseSurplus(running, type.quantity, nodes, unrouted);
          std::string title = fmt::format("Health: stop {} surplus instance(s) of {} ({} RUNNING, quantity {})",
                                          victims.size(), type.name, running.size(), type.quantity);
          PM_ASSIGN_OR_RETURN(std::string root, lifecycle.RemoveInstances(type, victims, title));
          Remember(type.id, root);
          actions.push_back(title + " (job " + root + ")");
        }
      }
    }
    for (const auto& action : actions) c.log().Info(action);
    if (actions.empty()) {
      c.log().Info(fmt::format("{} instance type(s) at their quantity", checked));
      return std::string();
    }
    std::string summary;
    for (const auto& action : actions) summary += (summary.empty() ? "" : "; ") + action;
    return summary;
  }

 private:
  // A lifecycle tree of the application (a deploy, a quantity change, a
  // make-current of another version — which stops this one's exclusive
  // instances — or one of ours) is unfinished: acting now would race it,
  // e.g. place twice or restart what it just stopped.
  static Result<bool> ApplicationBusy(const Context& ctx, const std::string& application_id) {
    PM_ASSIGN_OR_RETURN(auto page, ctx.job_store.ListRootsByTag("application:" + application_id, 0, 10));
    for (const auto& root : page.root_ids) {
      auto job = ctx.job_store.Get(root);
      if (job.ok() && !jobs::IsFinished(job->state)) return true;
    }
    return false;
  }

  bool RecentlyFailed(const Context& ctx, const std::string& type_id) const {
    std::string root;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = started_.find(type_id);
      if (it == started_.end()) return false;
      root = it->second;
    }
    auto job = ctx.job_store.Get(root);
    if (!job.ok()) return false;  // archived: long finished
    if (!jobs::IsFinished(job->state)) return true;
    return job->state != jobs::JobState::kSuccess && ctx.job_store.Now() - job->finished < kRetryAfterFailureSeconds;
  }

  void Remember(const std::string& type_id, const std::string& root) const {
    std::lock_guard<std::mutex> lock(mutex_);
    started_[type_id] = root;
  }

  // Across runs (a plugin outlives its runs): the last tree started per type,
  // so a failing type is retried only after kRetryAfterFailureSeconds.
  mutable std::mutex mutex_;
  mutable std::map<std::string, std::string> started_;
};

Status CheckStages(const json& p) {
  if (!p["stages"].is_array()) return InvalidArgument("parameters: 'stages' must be a list of stages");
  for (const auto& stage : p["stages"]) {
    if (!stage.is_array()) return InvalidArgument("parameters: each of 'stages' must be a list of checks");
    for (const auto& check : stage) {
      if (!check.is_object() || !check.contains("type") || !check["type"].is_string()) {
        return InvalidArgument("parameters: each check of 'stages' needs a 'type'");
      }
    }
  }
  return Status::Ok();
}

// Runs after every check of one order has succeeded: grafts the next order
// (with a stage job above it for the orders after that) under the root.
class StageJob : public HealthJob {
 public:
  using HealthJob::HealthJob;
  Status ValidateParameters(const json& p) const override { return ParameterCheck(p).Present("stages").Also(CheckStages); }
  Result<std::string> Run(const Context&, jobs::JobContext& c) const override {
    json stages = c.parameters()["stages"];
    if (stages.empty()) return std::string("last order of checks done");
    json next = stages[0];
    stages.erase(stages.begin());
    std::vector<jobs::JobSpec> graft = {jobs::JobSpec{.id = ids::NewUuid(),
                                                      .parent_id = c.job().parent_id,
                                                      .type = t::kStage,
                                                      .parameters = {{"stages", stages}},
                                                      .node = c.job().node,
                                                      .title = "Next order of health checks"}};
    for (const auto& check : next) {
      graft.push_back(jobs::JobSpec{.id = ids::NewUuid(),
                                    .parent_id = graft.front().id,
                                    .type = check["type"].get<std::string>(),
                                    .parameters = check.value("parameters", json::object()),
                                    .node = c.job().node,
                                    .title = check.value("title", check["type"].get<std::string>())});
    }
    PM_RETURN_IF_ERROR(c.Graft(std::move(graft)).status());
    return fmt::format("{} check(s) of the next order grafted", next.size());
  }
};

}  // namespace

Status RegisterHealthJobs(jobs::JobRegistry& registry, const std::optional<HealthJobsContext>& ctx) {
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<DownNodesJob>(t::kDownNodes, ctx)));
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<StuckJobsJob>(t::kStuckJobs, ctx)));
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<RouterDownInstancesJob>(t::kRouterDownInstances, ctx)));
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<AdjustInstancesJob>(t::kAdjustInstances, ctx)));
  PM_RETURN_IF_ERROR(registry.Register(std::make_shared<StageJob>(t::kStage, ctx)));
  return Status::Ok();
}

}  // namespace paasmaker::pacemaker::health
