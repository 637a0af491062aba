// Lifecycle of special instance types and failures (SPEC §5.3, §5.5, §6):
// exclusive workers switch at make-current (old stopped before new started),
// standalone workers run unrouted, a failing startup command fails the start
// tree with its output, and a crashed instance is restarted by its heart.
#include <gtest/gtest.h>

#include "app_helpers.h"
#include "core/files.h"
#include "harness.h"
#include "temp_dir.h"

namespace paasmaker::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

class LifecycleWorkersTest : public ClusterTest {
 protected:
  void SetUp() override { StartCluster(2, 1); }

  // Instances of the version's type `type` (from GET /versions/<id>).
  json InstancesOfType(const std::string& version_id, const std::string& type) {
    json data = cluster_.GetData("/api/v1/versions/" + version_id);
    for (const auto& t : data.value("instance_types", json::array())) {
      if (t.value("name", "") == type) return t.value("instances", json::array());
    }
    return json::array();
  }
  std::string StateOfOnly(const std::string& version_id, const std::string& type) {
    json instances = InstancesOfType(version_id, type);
    return instances.size() == 1 ? instances[0].value("state", "") : "(" + std::to_string(instances.size()) + ")";
  }
};

// The job of `type` in the tree whose parameters mention `instance_id`.
json FindJob(const json& tree, const std::string& type, const std::string& instance_id) {
  for (const auto& job : FlattenJobs(tree.contains("job") ? tree["job"] : tree)) {
    if (job.value("type", "") == type && job["parameters"].dump().find(instance_id) != std::string::npos) return job;
  }
  return json();
}

TEST_F(LifecycleWorkersTest, ExclusiveWorkerSwitchesAtMakeCurrentOldStopsFirst) {
  DeployResult v1 = Deploy(cluster_, ExamplesDir() + "/worker-exclusive", {"--start", "--current"});
  ASSERT_EQ(v1.command.exit_code, 0) << v1.command.output;
  EXPECT_TRUE(WaitFor([&] { return StateOfOnly(v1.version_id(), "worker") == "RUNNING"; }, seconds(20)));

  // Started but not current: its exclusive worker does not run.
  TempDir work("pm-excl");
  std::string copy = CopyExample("worker-exclusive", work.path());
  DeployResult v2 = Deploy(cluster_, copy, {"--start"});
  ASSERT_EQ(v2.command.exit_code, 0) << v2.command.output;
  EXPECT_TRUE(WaitFor([&] { return StateOfOnly(v2.version_id(), "web") == "RUNNING"; }, seconds(20)));
  EXPECT_TRUE(InstancesOfType(v2.version_id(), "worker").empty()) << InstancesOfType(v2.version_id(), "worker").dump();
  EXPECT_EQ(StateOfOnly(v1.version_id(), "worker"), "RUNNING");

  std::string old_worker = InstancesOfType(v1.version_id(), "worker")[0]["instance_id"];
  std::string current = VersionAction(cluster_, v2.version_id(), "current");
  ASSERT_EQ(WaitForTree(cluster_, current), "SUCCESS");
  EXPECT_TRUE(WaitFor([&] { return StateOfOnly(v1.version_id(), "worker") == "STOPPED"; }, seconds(20)));
  EXPECT_TRUE(WaitFor([&] { return StateOfOnly(v2.version_id(), "worker") == "RUNNING"; }, seconds(20)));
  EXPECT_EQ(StateOfOnly(v1.version_id(), "web"), "RUNNING");  // the old version keeps serving its own hostname

  // The job tree proves the order: old worker stopped before the new one started.
  json tree = JobTree(cluster_, current);
  std::string new_worker = InstancesOfType(v2.version_id(), "worker")[0]["instance_id"];
  json stop = FindJob(tree, "paasmaker.job.heart.stop", old_worker);
  json start = FindJob(tree, "paasmaker.job.heart.start", new_worker);
  ASSERT_TRUE(stop.is_object() && start.is_object()) << tree.dump(1);
  EXPECT_LE(stop["finished"].get<double>(), start["started"].get<double>()) << tree.dump(1);
}

TEST_F(LifecycleWorkersTest, StandaloneWorkerRunsWithoutRoute) {
  DeployResult v1 = Deploy(cluster_, ExamplesDir() + "/worker-standalone", {"--start", "--current"});
  ASSERT_EQ(v1.command.exit_code, 0) << v1.command.output;
  ASSERT_TRUE(WaitFor([&] { return StateOfOnly(v1.version_id(), "worker") == "RUNNING"; }, seconds(20)));
  json worker = InstancesOfType(v1.version_id(), "worker")[0];
  EXPECT_EQ(worker.value("port", -1), 0);
  json table = cluster_.GetData("/api/v1/router/table");
  EXPECT_EQ(table.dump().find(worker.value("instance_id", "")), std::string::npos);
  EXPECT_TRUE(table["routes"].contains("worker-standalone.example.com")) << table.dump();
}

TEST_F(LifecycleWorkersTest, FailingStartupCommandFailsTheTreeWithItsOutput) {
  DeployResult v1 = Deploy(cluster_, ExamplesDir() + "/startup-fails", {"--start"});
  EXPECT_NE(v1.command.exit_code, 0) << v1.command.output;
  ASSERT_FALSE(v1.version_id().empty()) << v1.command.output;
  ASSERT_TRUE(WaitFor([&] { return StateOfOnly(v1.version_id(), "web") == "ERROR"; }, seconds(20)))
      << InstancesOfType(v1.version_id(), "web").dump();

  // The start tree failed, and its failed job carries the command's output.
  json jobs = cluster_.GetData("/api/v1/jobs?tag=application_version:" + v1.version_id());
  std::string failure;
  for (const auto& root : jobs.value("jobs", json::array())) {
    if (root.value("state", "") == "SUCCESS") continue;  // a failed tree's root ends ABORTED
    for (const auto& job : FlattenJobs(JobTree(cluster_, root["job_id"])["job"])) {
      if (job.value("state", "") == "FAILED") failure += job.value("summary", "") + "\n";
      if (job.value("type", "") == "paasmaker.job.heart.startup") {
        auto log = cluster_.Get("/api/v1/jobs/" + job["job_id"].get<std::string>() + "/log");
        if (log.ok()) failure += log->body;
      }
    }
  }
  EXPECT_NE(failure.find("migration failed: table users missing"), std::string::npos) << failure;
  // Nothing half-done: no route to the app, the version not RUNNING.
  json table = cluster_.GetData("/api/v1/router/table");
  EXPECT_FALSE(table["routes"].contains("startup-fails.example.com")) << table.dump();
  json version = cluster_.GetData("/api/v1/versions/" + v1.version_id());
  EXPECT_NE(version["version"]["state"], "RUNNING");
}

TEST_F(LifecycleWorkersTest, CrashedInstanceIsRestartedByItsHeart) {
  DeployResult v1 = Deploy(cluster_, ExamplesDir() + "/crashy", {"--start", "--current"});
  ASSERT_EQ(v1.command.exit_code, 0) << v1.command.output;
  ASSERT_TRUE(WaitForRoutedBody(router(), "crashy.example.com", ""));
  // Every third request makes it exit; the heart restarts it and the
  // pacemaker hears of it. (Requests go on until that is seen: one lost to a
  // busy machine must not hide the restart.)
  std::vector<int> statuses;
  ASSERT_TRUE(WaitFor(
      [&] {
        statuses.push_back(RouterGet(router(), "crashy.example.com").status);
        json instances = InstancesOfType(v1.version_id(), "web");
        return instances.size() == 1 && instances[0].value("restarts", 0) >= 1 &&
               instances[0].value("state", "") == "RUNNING";
      },
      seconds(30), std::chrono::milliseconds(200)))
      << InstancesOfType(v1.version_id(), "web").dump() << "\nstatuses: " << json(statuses).dump();
  EXPECT_NE(InstancesOfType(v1.version_id(), "web")[0].value("last_exit", "").find("1"), std::string::npos);
  EXPECT_TRUE(WaitForRoutedBody(router(), "crashy.example.com", ""));
  auto pacemaker_log = files::ReadFile(cluster_.pacemaker().data_dir() + "/paasmaker.log");
  ASSERT_TRUE(pacemaker_log.ok());
  EXPECT_NE(pacemaker_log->find("(restarts 1"), std::string::npos);
}

}  // namespace
}  // namespace paasmaker::testing
