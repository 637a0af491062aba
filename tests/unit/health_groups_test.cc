// Health-check groups (SPEC §2 pacemaker.health.groups, §7): reading and
// validating them from the node configuration, the default group, and the
// tree of one run (orders → stages).
#include <gtest/gtest.h>

#include <set>

#include "config/node_config.h"
#include "jobs/job_registry.h"
#include "pacemaker/health/health_group_tree.h"
#include "pacemaker/health/health_jobs.h"
#include "pacemaker/lifecycle/trees.h"

namespace paasmaker::pacemaker::health {
namespace {

using nlohmann::json;

Result<config::NodeConfig> Parse(const std::string& health_yaml) {
  return config::ParseNodeConfig("pacemaker:\n  health:\n" + health_yaml, "node.yml");
}

std::string Problems(const std::string& health_yaml) {
  auto c = Parse(health_yaml);
  return c.ok() ? std::string("(no problem)") : c.status().message();
}

std::vector<std::string> Types(const json& checks) {
  std::vector<std::string> types;
  for (const auto& c : checks) types.push_back(c["type"].get<std::string>());
  return types;
}

TEST(HealthGroupsConfig, ReadsGroupsWithTheirChecksAndParameters) {
  auto c = Parse(R"(    use_default_group: false
    groups:
      - name: routes
        title: Routes only
        period: 10
        plugins:
          - plugin: paasmaker.health.routerdowninstances
            order: 10
            parameters: {grace: 20, note: "30", nested: {list: [1, true]}}
          - {plugin: paasmaker.health.stuckjobs, order: 5}
)");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->pacemaker.health_use_default_group);
  ASSERT_EQ(c->pacemaker.health_groups.size(), 1u);
  const auto& g = c->pacemaker.health_groups[0];
  EXPECT_EQ(g.name, "routes");
  EXPECT_EQ(g.title, "Routes only");
  EXPECT_DOUBLE_EQ(g.period_seconds, 10);
  ASSERT_EQ(g.checks.size(), 2u);
  EXPECT_EQ(g.checks[0].plugin, "paasmaker.health.routerdowninstances");
  EXPECT_EQ(g.checks[0].order, 10);
  EXPECT_EQ(g.checks[0].parameters, (json{{"grace", 20}, {"note", "30"}, {"nested", {{"list", {1, true}}}}}));
  EXPECT_EQ(g.checks[1].parameters, json::object());
  EXPECT_TRUE(EffectiveHealthGroups(*c).size() == 1 && EffectiveHealthGroups(*c)[0].name == "routes");
}

TEST(HealthGroupsConfig, ProblemsNameTheKeyPath) {
  std::string m = Problems(R"(    groups:
      - name: a
        period: 0
        plugins: [{plugin: paasmaker.health.nosuch, order: 1}]
      - name: a
        period: -2
        plugins: [{plugin: paasmaker.health.downnodes, order: first}]
      - period: 1
        plugins: [{plugin: paasmaker.health.downnodes}]
      - name: b
        period: often
)");
  EXPECT_NE(m.find("pacemaker.health.groups[0].period: must be above 0 seconds"), std::string::npos) << m;
  EXPECT_NE(m.find("pacemaker.health.groups[0].plugins[0].plugin: unknown health check \"paasmaker.health.nosuch\""),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("pacemaker.health.groups[1].name: duplicate group name \"a\""), std::string::npos) << m;
  EXPECT_NE(m.find("pacemaker.health.groups[1].period: must be above 0 seconds"), std::string::npos) << m;
  EXPECT_NE(m.find("pacemaker.health.groups[1].plugins[0].order: expected an integer"), std::string::npos) << m;
  EXPECT_NE(m.find("pacemaker.health.groups[2].name: is required"), std::string::npos) << m;
  EXPECT_NE(m.find("pacemaker.health.groups[2].plugins[0].order: is required"), std::string::npos) << m;
  EXPECT_NE(m.find("pacemaker.health.groups[3].period: expected a number"), std::string::npos) << m;
  EXPECT_EQ(m.find("pacemaker.health.groups[3].period: must be above"), std::string::npos) << m;
  EXPECT_NE(m.find("pacemaker.health.groups[3].plugins: is required"), std::string::npos) << m;
  EXPECT_NE(m.find("node.yml:"), std::string::npos) << m;
}

TEST(HealthGroupsConfig, RefusesNegativeOrdersAndUnknownKeys) {
  std::string m = Problems(R"(    groups:
      - name: a
        period: 1
        every: 2
        plugins: [{plugin: paasmaker.health.downnodes, order: -1, params: {}}]
)");
  EXPECT_NE(m.find("pacemaker.health.groups[0].plugins[0].order: must be between 0"), std::string::npos) << m;
  EXPECT_NE(m.find("unknown key \"pacemaker.health.groups[0].every\""), std::string::npos) << m;
  EXPECT_NE(m.find("unknown key \"pacemaker.health.groups[0].plugins[0].params\""), std::string::npos) << m;
}

TEST(HealthGroupsConfig, DefaultGroupUnlessDisabledOrReplaced) {
  auto defaults = Parse("    enabled: true\n");
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  auto groups = EffectiveHealthGroups(*defaults);
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].name, "default");
  EXPECT_DOUBLE_EQ(groups[0].period_seconds, 2);

  auto replaced = Parse(R"(    groups:
      - {name: default, period: 30, plugins: [{plugin: paasmaker.health.downnodes, order: 1}]}
      - {name: other, period: 5, plugins: [{plugin: paasmaker.health.stuckjobs, order: 1}]}
)");
  ASSERT_TRUE(replaced.ok()) << replaced.status().ToString();
  groups = EffectiveHealthGroups(*replaced);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].name, "default");
  EXPECT_DOUBLE_EQ(groups[0].period_seconds, 30);
  EXPECT_EQ(groups[1].name, "other");

  auto added = Parse("    groups:\n      - {name: other, period: 5, plugins: [{plugin: paasmaker.health.stuckjobs, order: 1}]}\n");
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  groups = EffectiveHealthGroups(*added);
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].name, "default");
  EXPECT_EQ(groups[1].name, "other");
}

TEST(HealthGroupsConfig, EveryNamedCheckIsARegisteredJob) {
  jobs::JobRegistry registry;
  ASSERT_TRUE(RegisterHealthJobs(registry, std::nullopt).ok());
  auto names = registry.Names();
  std::set<std::string> registered(names.begin(), names.end());
  for (const char* check : config::kHealthCheckPlugins) EXPECT_TRUE(registered.count(check)) << check;
  // The default group's parameters pass the checks' own validation (the
  // root's type is a lifecycle job, registered elsewhere).
  for (const auto& spec : BuildGroupTree(DefaultHealthGroup(), "node-1", {})) {
    if (spec.type == lifecycle::job_types::kGroup) continue;
    EXPECT_TRUE(registry.Validate(spec).ok()) << spec.type << ": " << registry.Validate(spec).ToString();
  }
}

TEST(HealthGroupTree, DefaultGroupOrdersBecomeStages) {
  auto tree = BuildGroupTree(DefaultHealthGroup(), "node-1", {.node_down_timeout = 7, .not_before = 1000});
  // root ← stage(order 10) ← downnodes; stuckjobs + routerdowninstances and
  // adjustinstances travel in the stage's parameters.
  ASSERT_EQ(tree.size(), 3u);
  const auto& root = tree[0];
  EXPECT_EQ(root.type, lifecycle::job_types::kGroup);
  EXPECT_EQ(root.tags, (std::vector<std::string>{"health", "health:default"}));
  EXPECT_EQ(root.node, "node-1");
  const auto& stage = tree[1];
  EXPECT_EQ(stage.type, job_types::kStage);
  EXPECT_EQ(stage.parent_id, root.id);
  EXPECT_EQ(stage.title, "Health checks, order 10");
  const auto& down = tree[2];
  EXPECT_EQ(down.type, job_types::kDownNodes);
  EXPECT_EQ(down.parent_id, stage.id);
  EXPECT_EQ(down.parameters, (json{{"timeout", 7.0}, {"not_before", 1000.0}}));
  const json& rest = stage.parameters["stages"];
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(Types(rest[0]), (std::vector<std::string>{job_types::kStuckJobs, job_types::kRouterDownInstances}));
  EXPECT_EQ(rest[0][1]["parameters"], (json{{"grace", kRouteGraceSeconds}}));
  EXPECT_EQ(Types(rest[1]), (std::vector<std::string>{job_types::kAdjustInstances}));
}

TEST(HealthGroupTree, SameOrderInParallelLowerFirstConfiguredTimeoutKept) {
  config::HealthGroupConfig group;
  group.name = "mine";
  group.period_seconds = 5;
  group.checks = {{.plugin = job_types::kAdjustInstances, .order = 50},
                  {.plugin = job_types::kStuckJobs, .order = 3},
                  {.plugin = job_types::kDownNodes, .order = 3, .parameters = {{"timeout", 42}}}};
  auto by_order = ChecksByOrder(group);
  ASSERT_EQ(by_order.size(), 2u);
  EXPECT_EQ(by_order[0].size(), 2u);
  auto tree = BuildGroupTree(group, "n", {.node_down_timeout = 7, .not_before = 5});
  ASSERT_EQ(tree.size(), 4u);  // root, stage, two order-3 checks
  EXPECT_EQ(tree[0].tags, (std::vector<std::string>{"health", "health:mine"}));
  EXPECT_EQ(tree[0].title, "Health checks (mine group)");
  EXPECT_EQ(tree[2].type, job_types::kStuckJobs);
  EXPECT_EQ(tree[3].type, job_types::kDownNodes);
  EXPECT_EQ(tree[2].parent_id, tree[1].id);
  EXPECT_EQ(tree[3].parent_id, tree[1].id);
  EXPECT_EQ(tree[3].parameters, (json{{"timeout", 42}, {"not_before", 5.0}}));
  EXPECT_EQ(Types(tree[1].parameters["stages"][0]), (std::vector<std::string>{job_types::kAdjustInstances}));

  config::HealthGroupConfig single{.name = "one", .title = "", .period_seconds = 1, .checks = {{.plugin = job_types::kStuckJobs}}};
  auto one = BuildGroupTree(single, "n", {});
  ASSERT_EQ(one.size(), 3u);
  EXPECT_EQ(one[1].parameters["stages"], json::array());
}

// A finished run of the default group, every job SUCCESS with no summary.
jobs::TreeSnapshot QuietRun() {
  jobs::TreeSnapshot tree;
  tree.root_id = "root";
  auto add = [&](std::string id, std::string type, std::string summary) {
    jobs::Job job;
    job.id = std::move(id);
    job.type = std::move(type);
    job.state = jobs::JobState::kSuccess;
    job.summary = std::move(summary);
    tree.jobs.push_back(std::move(job));
  };
  add("root", lifecycle::job_types::kGroup, "All checks done");
  add("stage", job_types::kStage, "Ran 1 check(s)");
  add("down", job_types::kDownNodes, "");
  add("adjust", job_types::kAdjustInstances, "");
  return tree;
}

TEST(HealthGroupTree, QuietRunsSucceededWithoutAnActionOutsideThePlumbing) {
  EXPECT_TRUE(RunActions(QuietRun()).empty());
  EXPECT_TRUE(IsQuietRun(QuietRun()));

  auto acted = QuietRun();
  acted.jobs[3].summary = "Started 1 instance of app v1";
  ASSERT_EQ(RunActions(acted).size(), 1u);
  EXPECT_EQ(RunActions(acted)[0]->id, "adjust");
  EXPECT_FALSE(IsQuietRun(acted));

  auto failed = QuietRun();
  failed.jobs[2].state = jobs::JobState::kFailed;
  EXPECT_FALSE(IsQuietRun(failed)) << "a failure stays visible";
  auto running = QuietRun();
  running.jobs[0].state = jobs::JobState::kRunning;
  EXPECT_FALSE(IsQuietRun(running));
  EXPECT_FALSE(IsQuietRun(jobs::TreeSnapshot{}));
}

TEST(HealthGroupsConfig, QuietRunMaxAgeDefaultsToTenMinutes) {
  EXPECT_EQ(Parse("    enabled: true\n")->pacemaker.health_quiet_run_max_age, 600);
  EXPECT_EQ(Parse("    quiet_run_max_age: 5\n")->pacemaker.health_quiet_run_max_age, 5);
  EXPECT_NE(Problems("    quiet_run_max_age: 0\n").find("quiet_run_max_age"), std::string::npos);
}

}  // namespace
}  // namespace paasmaker::pacemaker::health
