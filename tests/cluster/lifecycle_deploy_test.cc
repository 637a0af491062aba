// Application lifecycle end to end (SPEC §4–§8): deploy the Python example
// through the CLI, reach it through the router by its manifest and version
// hostnames, spread instances over two hearts, switch to version 2, stop and
// deregister version 1.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "app_helpers.h"
#include "core/files.h"
#include "harness.h"
#include "temp_dir.h"

namespace paasmaker::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

class LifecycleDeployTest : public ClusterTest {
 protected:
  void SetUp() override { StartCluster(2, 1); }

  std::map<std::string, int> RunningPerNode(const std::string& version_id) {
    std::map<std::string, int> per_node;
    auto names = NodeNames();
    for (const auto& i : VersionInstances(cluster_, version_id)) {
      if (i.value("state", "") == "RUNNING") ++per_node[names[i.value("node", "")]];
    }
    return per_node;
  }

  int CountInState(const std::string& version_id, const std::string& state) {
    int count = 0;
    for (const auto& i : VersionInstances(cluster_, version_id)) count += i.value("state", "") == state;
    return count;
  }

  std::string WebTypeId(const std::string& version_id) {
    json data = cluster_.GetData("/api/v1/versions/" + version_id);
    for (const auto& type : data.value("instance_types", json::array())) {
      if (type.value("name", "") == "web") return type.value("instance_type_id", "");
    }
    return "";
  }

  void SetQuantity(const std::string& type_id, int quantity) {
    auto response = cluster_.Post("/api/v1/instance-types/" + type_id + "/quantity", {{"quantity", quantity}});
    ASSERT_TRUE(response.ok()) << response.status().ToString();
    json body = json::parse(response->body);
    ASSERT_EQ(response->status, 202) << response->body;
    EXPECT_EQ(WaitForTree(cluster_, body["data"]["job_id"]), "SUCCESS");
  }
};

TEST_F(LifecycleDeployTest, DeployStartCurrentServesBothHostnamesWithServices) {
  DeployResult v1 = Deploy(cluster_, ExamplesDir() + "/python-hello", {"--start", "--current", "--follow"});
  ASSERT_EQ(v1.command.exit_code, 0) << v1.command.output;
  ASSERT_FALSE(v1.version_id().empty()) << v1.command.output;

  ASSERT_TRUE(WaitForRoutedBody(router(), "hello.example.com", "Hello from Paasmaker"))
      << RouterGet(router(), "hello.example.com").status;
  auto by_version = RouterGet(router(), VersionHost(1, "web", "hello"));
  EXPECT_EQ(by_version.status, 200);
  EXPECT_NE(by_version.body.find("Hello from Paasmaker"), std::string::npos);

  // The declared service's credentials reach the instance.
  auto env = RouterGet(router(), "hello.example.com", "/env");
  ASSERT_EQ(env.status, 200) << env.body;
  json vars = json::parse(env.body, nullptr, false);
  ASSERT_FALSE(vars.is_discarded()) << env.body;
  EXPECT_EQ(vars["PM_SERVICES"]["settings"]["greeting"], "hello") << env.body;
  EXPECT_EQ(vars["PM_SERVICES"]["settings"]["provider"], "paasmaker.service.parameters") << env.body;
  EXPECT_EQ(vars["PM_METADATA"]["application"]["name"], "hello") << env.body;

  // The prepare job's answer names the version it made (the CLI reads it there).
  json prepared = cluster_.GetData("/api/v1/jobs/" + v1.json["jobs"].value("prepare", ""));
  EXPECT_EQ(prepared["context"].value("version_id", ""), v1.version_id()) << prepared.dump();
  EXPECT_EQ(v1.command.output.find("does not name its version"), std::string::npos) << v1.command.output;

  // The job API shows that a register job carries credentials, never their values.
  std::string start_tree = JobTree(cluster_, v1.json["jobs"].value("start", "")).dump();
  EXPECT_NE(start_tree.find("paasmaker.job.heart.register"), std::string::npos);
  EXPECT_EQ(start_tree.find("greeting"), std::string::npos) << start_tree;
  EXPECT_NE(start_tree.find("(hidden)"), std::string::npos);

  // The instance's output is readable through the pacemaker.
  auto logs = RunClient(cluster_, {"logs", v1.version_id()});
  EXPECT_EQ(logs.exit_code, 0) << logs.output;
  EXPECT_NE(logs.output.find("GET /env"), std::string::npos) << logs.output;
}

TEST_F(LifecycleDeployTest, QuantitySpreadsOverHeartsAndVersionTwoTakesOver) {
  DeployResult v1 = Deploy(cluster_, ExamplesDir() + "/python-hello", {"--start", "--current"});
  ASSERT_EQ(v1.command.exit_code, 0) << v1.command.output;
  std::string type_id = WebTypeId(v1.version_id());
  ASSERT_FALSE(type_id.empty());

  SetQuantity(type_id, 2);
  ASSERT_TRUE(WaitForInstances(cluster_, v1.version_id(), 2, "RUNNING"));
  auto two = RunningPerNode(v1.version_id());
  EXPECT_EQ(two, (std::map<std::string, int>{{"heart-1", 1}, {"heart-2", 1}}));

  SetQuantity(type_id, 3);
  ASSERT_TRUE(WaitForInstances(cluster_, v1.version_id(), 3, "RUNNING"));
  auto three = RunningPerNode(v1.version_id());
  ASSERT_EQ(three.size(), 2u);
  std::multiset<int> counts = {three["heart-1"], three["heart-2"]};
  EXPECT_EQ(counts, (std::multiset<int>{1, 2}));

  // Fewer: the surplus goes from the heart that has two.
  SetQuantity(type_id, 2);
  EXPECT_EQ(RunningPerNode(v1.version_id()), (std::map<std::string, int>{{"heart-1", 1}, {"heart-2", 1}}));
  EXPECT_EQ(CountInState(v1.version_id(), "DEREGISTERED"), 1);

  // Version 2: a visibly different copy.
  TempDir work("pm-v2");
  std::string copy = CopyExample("python-hello", work.path());
  ASSERT_TRUE(files::WriteFileAtomically(copy + "/VERSION", "two").ok());
  DeployResult v2 = Deploy(cluster_, copy, {"--start", "--current"});
  ASSERT_EQ(v2.command.exit_code, 0) << v2.command.output;
  ASSERT_TRUE(WaitForRoutedBody(router(), "hello.example.com", "VERSION: two"));
  // Every request on the manifest hostname now reaches v2 ...
  for (int i = 0; i < 10; ++i) {
    auto response = RouterGet(router(), "hello.example.com");
    EXPECT_NE(response.body.find("VERSION: two"), std::string::npos) << response.status;
  }
  // ... while v1 keeps its version hostname.
  auto old = RouterGet(router(), VersionHost(1, "web", "hello"));
  EXPECT_EQ(old.status, 200);
  EXPECT_EQ(old.body.find("VERSION: two"), std::string::npos);
  EXPECT_TRUE(WaitForRoutedBody(router(), VersionHost(2, "web", "hello"), "VERSION: two"));

  // Stop v1: its instances STOPPED, its routes gone.
  std::string stop = VersionAction(cluster_, v1.version_id(), "stop");
  ASSERT_EQ(WaitForTree(cluster_, stop), "SUCCESS");
  EXPECT_TRUE(WaitFor([&] { return CountInState(v1.version_id(), "STOPPED") == 2; }, seconds(15)));
  json table = cluster_.GetData("/api/v1/router/table");
  for (const auto& i : VersionInstances(cluster_, v1.version_id())) {
    EXPECT_EQ(table.dump().find(i.value("instance_id", "")), std::string::npos) << table.dump();
  }
  EXPECT_TRUE(WaitFor([&] { return RouterGet(router(), VersionHost(1, "web", "hello")).status == 404; }, seconds(5)));
  EXPECT_EQ(RouterGet(router(), "hello.example.com").status, 200);

  // Deregister v1: its instance directories are gone from the hearts.
  std::vector<std::string> dirs;
  for (const auto& i : VersionInstances(cluster_, v1.version_id())) {
    for (const char* heart : {"heart-1", "heart-2"}) {
      dirs.push_back(cluster_.node(heart).data_dir() + "/instances/instance/" + i.value("instance_id", ""));
    }
  }
  std::string deregister = VersionAction(cluster_, v1.version_id(), "deregister");
  ASSERT_EQ(WaitForTree(cluster_, deregister), "SUCCESS");
  for (const auto& dir : dirs) EXPECT_FALSE(std::filesystem::exists(dir)) << dir;
  json version = cluster_.GetData("/api/v1/versions/" + v1.version_id());
  EXPECT_EQ(version["version"]["state"], "PREPARED");

  // A current version cannot be deleted; a deregistered one can.
  auto refused = RunClient(cluster_, {"version", "delete", v2.version_id()});
  EXPECT_NE(refused.exit_code, 0) << refused.output;
  EXPECT_NE(refused.output.find("current"), std::string::npos) << refused.output;
  auto deleted = RunClient(cluster_, {"version", "delete", v1.version_id(), "--wait"});
  EXPECT_EQ(deleted.exit_code, 0) << deleted.output;
  auto gone = cluster_.Get("/api/v1/versions/" + v1.version_id());
  ASSERT_TRUE(gone.ok());
  EXPECT_EQ(gone->status, 404);
  // The application cannot be deleted while v2 runs.
  auto app_refused = RunClient(cluster_, {"app", "delete", v1.application_id()});
  EXPECT_NE(app_refused.exit_code, 0) << app_refused.output;
}

// A clean node stop suspends its instances (no process left behind); at the
// node's return they run and serve again.
TEST_F(LifecycleDeployTest, HeartStopSuspendsInstancesAndItsReturnResumesThem) {
  DeployResult v1 = DeployServed(ExamplesDir() + "/python-hello", "hello.example.com", "Hello from Paasmaker");
  ASSERT_EQ(v1.command.exit_code, 0);
  json instances = VersionInstances(cluster_, v1.version_id());
  ASSERT_EQ(instances.size(), 1u);
  std::string heart_name = NodeNames()[instances[0].value("node", "")];
  ClusterNode& heart = cluster_.node(heart_name);
  ASSERT_FALSE(ProcessesUnder(heart.data_dir() + "/instances").empty());

  ASSERT_TRUE(heart.Stop());
  EXPECT_TRUE(ProcessesUnder(heart.data_dir() + "/instances").empty());

  ASSERT_TRUE(heart.Start());
  EXPECT_TRUE(WaitForRoutedBody(router(), "hello.example.com", "Hello from Paasmaker"));
  EXPECT_TRUE(WaitForInstances(cluster_, v1.version_id(), 1, "RUNNING", seconds(20)));
}

// kill -9 of the heart process alone: its instances keep serving, and the
// restarted heart re-adopts the same processes instead of starting new ones.
TEST_F(LifecycleDeployTest, KilledHeartProcessLeavesInstancesServingAndReadoptsThem) {
  DeployResult v1 = DeployServed(ExamplesDir() + "/python-hello", "hello.example.com", "Hello from Paasmaker");
  ASSERT_EQ(v1.command.exit_code, 0);
  json instances = VersionInstances(cluster_, v1.version_id());
  ASSERT_EQ(instances.size(), 1u);
  ClusterNode& heart = cluster_.node(NodeNames()[instances[0].value("node", "")]);
  std::vector<pid_t> before = ProcessesUnder(heart.data_dir() + "/instances");
  ASSERT_FALSE(before.empty());

  // Under load from before the kill until after the heart is back.
  RequestPoller poller(router(), "hello.example.com");
  heart.Kill();
  EXPECT_TRUE(WaitFor([&] { return poller.total() >= 20; }, seconds(20)));
  EXPECT_EQ(ProcessesUnder(heart.data_dir() + "/instances"), before);

  ASSERT_TRUE(heart.Start());
  ASSERT_TRUE(cluster_.WaitForNodeState(heart.name(), "ACTIVE", seconds(15)));
  EXPECT_TRUE(WaitForInstances(cluster_, v1.version_id(), 1, "RUNNING", seconds(15)));
  EXPECT_EQ(ProcessesUnder(heart.data_dir() + "/instances"), before);
  int after_restart = poller.total();
  EXPECT_TRUE(WaitFor([&] { return poller.total() >= after_restart + 20; }, seconds(20)));
  poller.Stop();
  EXPECT_EQ(poller.failed(), 0) << poller.Describe() << "\n" << RouterErrors(router());
}

}  // namespace
}  // namespace paasmaker::testing
