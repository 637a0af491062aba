#include "pacemaker/health/health_group_tree.h"

#include <algorithm>
#include <fmt/format.h>

#include "pacemaker/health/health_jobs.h"
#include "pacemaker/lifecycle/trees.h"

namespace paasmaker::pacemaker::health {

using nlohmann::json;

namespace {

std::string CheckTitle(const std::string& plugin) {
  if (plugin == job_types::kDownNodes) return "Mark silent nodes DOWN";
  if (plugin == job_types::kStuckJobs) return "Abort jobs waiting on DOWN nodes";
  if (plugin == job_types::kRouterDownInstances) return "Unroute instances that are not RUNNING";
  if (plugin == job_types::kAdjustInstances) return "Keep every RUNNING version at its quantity";
  return plugin;
}

json CheckParameters(const config::HealthCheckConfig& check, const RunParameters& run) {
  json parameters = check.parameters.is_object() ? check.parameters : json::object();
  if (check.plugin == job_types::kDownNodes) {
    if (!parameters.contains("timeout")) parameters["timeout"] = run.node_down_timeout;
    parameters["not_before"] = run.not_before;
  }
  return parameters;
}

}  // namespace

config::HealthGroupConfig DefaultHealthGroup() {
  config::HealthGroupConfig group;
  group.name = kDefaultGroupName;
  group.title = "Health checks (default group)";
  group.period_seconds = kDefaultGroupPeriodSeconds;
  group.checks = {
      {.plugin = job_types::kDownNodes, .order = 10},
      {.plugin = job_types::kStuckJobs, .order = 20},
      {.plugin = job_types::kRouterDownInstances, .order = 20, .parameters = {{"grace", kRouteGraceSeconds}}},
      {.plugin = job_types::kAdjustInstances, .order = 30},
  };
  return group;
}

std::vector<config::HealthGroupConfig> EffectiveHealthGroups(const config::NodeConfig& config) {
  std::vector<config::HealthGroupConfig> groups = config.pacemaker.health_groups;
  bool replaced = std::any_of(groups.begin(), groups.end(), [](const auto& g) { return g.name == kDefaultGroupName; });
  if (config.pacemaker.health_use_default_group && !replaced) groups.insert(groups.begin(), DefaultHealthGroup());
  return groups;
}

std::optional<double> DownNodesTimeout(const config::HealthGroupConfig& group, const RunParameters& run) {
  for (const auto& check : group.checks) {
    if (check.plugin != job_types::kDownNodes) continue;
    return CheckParameters(check, run).value("timeout", run.node_down_timeout);
  }
  return std::nullopt;
}

std::vector<std::vector<config::HealthCheckConfig>> ChecksByOrder(const config::HealthGroupConfig& group) {
  std::vector<config::HealthCheckConfig> sorted = group.checks;
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.order < b.order; });
  std::vector<std::vector<config::HealthCheckConfig>> stages;
  for (const auto& check : sorted) {
    if (stages.empty() || stages.back().front().order != check.order) stages.emplace_back();
    stages.back().push_back(check);
  }
  return stages;
}

std::vector<jobs::JobSpec> BuildGroupTree(const config::HealthGroupConfig& group, const std::string& node,
                                          const RunParameters& run) {
  auto stages = ChecksByOrder(group);
  std::string title = group.title.empty() ? fmt::format("Health checks ({} group)", group.name) : group.title;
  jobs::TreeSpec tree;
  std::string root = tree.Add({.type = lifecycle::job_types::kGroup,
                               .node = node,
                               .title = title,
                               .tags = {"health", "health:" + group.name}});
  if (stages.empty()) return tree.jobs();
  // The later orders travel in the stage job's parameters (StageJob's shape).
  json rest = json::array();
  for (size_t i = 1; i < stages.size(); ++i) {
    json checks = json::array();
    for (const auto& check : stages[i]) {
      checks.push_back(
          {{"type", check.plugin}, {"title", CheckTitle(check.plugin)}, {"parameters", CheckParameters(check, run)}});
    }
    rest.push_back(checks);
  }
  std::string stage = tree.Add({.type = job_types::kStage,
                                .parameters = {{"stages", rest}},
                                .node = node,
                                .title = fmt::format("Health checks, order {}", stages[0].front().order)},
                               root);
  for (const auto& check : stages[0]) {
    tree.Add({.type = check.plugin, .parameters = CheckParameters(check, run), .node = node,
              .title = CheckTitle(check.plugin)},
             stage);
  }
  return tree.jobs();
}

std::vector<const jobs::Job*> RunActions(const jobs::TreeSnapshot& tree) {
  std::vector<const jobs::Job*> actions;
  for (const auto& job : tree.jobs) {
    bool plumbing = job.id == tree.root_id || job.type == job_types::kStage || job.type == lifecycle::job_types::kGroup;
    if (!plumbing && !job.summary.empty()) actions.push_back(&job);
  }
  return actions;
}

bool IsQuietRun(const jobs::TreeSnapshot& tree) {
  if (tree.jobs.empty()) return false;
  for (const auto& job : tree.jobs) {
    if (job.state != jobs::JobState::kSuccess) return false;
  }
  return RunActions(tree).empty();
}

}  // namespace paasmaker::pacemaker::health
