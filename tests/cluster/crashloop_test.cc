// A crash-looping application (SPEC §5.5, §7): examples/crash-loop exits
// with status 1 right after every start. Its heart restarts it by the
// restart policy — immediate restarts, then backoff — until the policy gives
// up and leaves it ERROR; the health manager does not replace it on the
// other heart (it would crash there too); python-hello, deployed beside it,
// keeps serving through the router the whole time. The health history API
// and CLI show the runs and the route the health checks removed.
//
// Cluster: pacemaker+router, heart-1, heart-2. Hearts' restart policy: 2
// immediate restarts, then backoff from 1.5 s doubling up to 3 s (5 backoff
// restarts, fixed in restart_policy.h): delays 0, 0, 1.5, 3, 3, 3, 3 s, then
// ERROR. The pacemaker runs a second health group, `routes` (every 1 s).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <thread>

#include "app_helpers.h"
#include "harness.h"

namespace paasmaker::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

constexpr int kImmediateRestarts = 2;
constexpr double kBackoffInitial = 1.5;
constexpr double kBackoffMax = 3;
constexpr int kBackoffRestarts = 5;  // heart::kMaxBackoffRestarts
constexpr int kRestarts = kImmediateRestarts + kBackoffRestarts;
constexpr const char* kHelloHost = "hello.example.com";

// The unix times after `marker` on the lines of `text` that have it.
std::vector<double> TimesAfter(const std::string& text, const std::string& marker) {
  std::vector<double> times;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    size_t at = line.find(marker);
    if (at != std::string::npos) times.push_back(std::strtod(line.c_str() + at + marker.size(), nullptr));
  }
  return times;
}

class CrashLoopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& pacemaker = cluster_.AddNode("pacemaker", {"pacemaker", "router"});
    pacemaker.extra_pacemaker_yaml =
        ", health: {groups: [{name: routes, title: Routes only, period: 1, plugins: "
        "[{plugin: paasmaker.health.routerdowninstances, order: 10, parameters: {grace: 5}}]}]}";
    std::ostringstream policy;
    policy << ", restart_policy: {immediate_restarts: " << kImmediateRestarts << ", backoff_initial: " << kBackoffInitial
           << ", backoff_max: " << kBackoffMax << "}";
    cluster_.AddNode("heart-1", {"heart"}).extra_heart_yaml = policy.str();
    cluster_.AddNode("heart-2", {"heart"}).extra_heart_yaml = policy.str();
    ASSERT_TRUE(cluster_.StartAll());
    ASSERT_TRUE(cluster_.WaitForRegistration());
  }

  ClusterNode& router() { return cluster_.node("pacemaker"); }

  json Instance(const std::string& id) { return cluster_.GetData("/api/v1/instances/" + id).value("instance", json::object()); }

  json History(const std::string& query) { return cluster_.GetData("/api/v1/health/history" + query); }

  Cluster cluster_;
};

TEST_F(CrashLoopTest, RestartsFollowThePolicyThenErrorWithoutReplacementWhileOthersServe) {
  DeployResult hello = Deploy(cluster_, ExamplesDir() + "/python-hello", {"--start", "--current"});
  ASSERT_EQ(hello.command.exit_code, 0) << hello.command.output;
  ASSERT_TRUE(WaitForRoutedBody(router(), kHelloHost, "Hello from Paasmaker"));
  RequestPoller poller(router(), kHelloHost);

  DeployResult crash = Deploy(cluster_, ExamplesDir() + "/crash-loop", {"--start", "--current"});
  ASSERT_EQ(crash.command.exit_code, 0) << crash.command.output;  // its first start got ready
  json instances = VersionInstances(cluster_, crash.version_id());
  ASSERT_EQ(instances.size(), 1u) << instances.dump();
  std::string id = instances[0].value("instance_id", "");
  std::string node = instances[0].value("node", "");

  // The policy gives up after its last restart: ERROR with every restart counted.
  ASSERT_TRUE(WaitFor(
      [&] {
        json i = Instance(id);
        return i.value("state", "") == "ERROR" && i.value("restarts", 0) == kRestarts;
      },
      seconds(60)))
      << Instance(id).dump();
  json final_instance = Instance(id);
  EXPECT_NE(final_instance.value("last_exit", "").find("exited with code 1"), std::string::npos)
      << final_instance.dump();

  // What the user sees with `paasmaker logs`: each start and exit with its time.
  CommandResult logs;
  std::vector<double> starts, exits;
  ASSERT_TRUE(WaitFor(
      [&] {
        logs = RunClient(cluster_, {"logs", id});
        starts = TimesAfter(logs.output, "crash-loop: started at ");
        exits = TimesAfter(logs.output, "crash-loop: exiting with status 1 at ");
        return logs.exit_code == 0 && exits.size() == kRestarts + 1u;
      },
      seconds(10)))
      << logs.output;
  ASSERT_EQ(starts.size(), kRestarts + 1u) << logs.output;
  std::ostringstream gaps;
  for (int n = 0; n < kRestarts; ++n) {
    double gap = starts[n + 1] - exits[n];
    gaps << " " << gap;
    if (n < kImmediateRestarts) {
      EXPECT_LT(gap, 1.0) << "restart " << n + 1 << " should be immediate";
    } else {
      double delay = std::min(kBackoffMax, kBackoffInitial * (1 << (n - kImmediateRestarts)));
      EXPECT_GE(gap, delay - 0.05) << "restart " << n + 1 << " came before its backoff of " << delay << " s";
      EXPECT_LT(gap, delay + 1.5) << "restart " << n + 1 << " came long after its backoff of " << delay << " s";
    }
  }
  std::cout << "[crashloop] exit → next start gaps (s):" << gaps.str() << std::endl;

  // No replacement: after several more runs of the default group (which
  // holds adjustinstances) the type still has its one ERROR instance.
  std::string newest_run;
  {
    json runs = History("?group=default&limit=1").value("runs", json::array());
    ASSERT_FALSE(runs.empty());
    newest_run = runs[0].value("job_id", "");
  }
  ASSERT_TRUE(WaitFor(
      [&] {
        json runs = History("?group=default&limit=10").value("runs", json::array());
        int later_finished = 0;
        for (const auto& run : runs) {
          if (run.value("job_id", "") == newest_run) break;
          later_finished += run.value("state", "") == "SUCCESS";
        }
        return later_finished >= 3;
      },
      seconds(30)));
  instances = VersionInstances(cluster_, crash.version_id());
  ASSERT_EQ(instances.size(), 1u) << "the crash-looping instance was replaced: " << instances.dump();
  EXPECT_EQ(instances[0].value("state", ""), "ERROR");
  EXPECT_EQ(instances[0].value("node", ""), node);

  // The health history: runs of both groups, and the route of the ERROR
  // instance removed by a routerdowninstances check.
  json all = History("?limit=50");
  ASSERT_FALSE(all.value("runs", json::array()).empty()) << all.dump();
  for (const auto& run : all["runs"]) {
    EXPECT_FALSE(run.value("job_id", "").empty());
    EXPECT_TRUE(run.value("group", "") == "default" || run.value("group", "") == "routes") << run.dump();
    EXPECT_TRUE(run.contains("started") && run.contains("finished") && run["actions"].is_array()) << run.dump();
  }
  json routes = History("?group=routes&limit=5");
  ASSERT_FALSE(routes.value("runs", json::array()).empty()) << routes.dump();
  for (const auto& run : routes["runs"]) EXPECT_EQ(run.value("title", ""), "Routes only");
  std::string removal;
  ASSERT_TRUE(WaitFor(
      [&] {
        for (const auto& run : History("?only_actions=true&limit=100").value("runs", json::array())) {
          EXPECT_FALSE(run["actions"].empty()) << run.dump();
          for (const auto& action : run["actions"]) {
            if (action.value("type", "") == "paasmaker.health.routerdowninstances") removal = action.value("summary", "");
          }
        }
        return !removal.empty();
      },
      seconds(20)));
  EXPECT_NE(removal.find("1 removed"), std::string::npos) << removal;
  CommandResult cli = RunClient(cluster_, {"health", "history", "--actions", "--limit", "100"});
  EXPECT_EQ(cli.exit_code, 0) << cli.output;
  EXPECT_NE(cli.output.find("ACTIONS"), std::string::npos) << cli.output;
  EXPECT_NE(cli.output.find(removal), std::string::npos) << cli.output;
  std::cout << "[crashloop] paasmaker health history --actions:\n" << cli.output << std::endl;

  poller.Stop();
  std::cout << "[crashloop] python-hello during the loop: " << poller.Describe() << std::endl;
  EXPECT_GT(poller.total(), 50);
  EXPECT_EQ(poller.failed(), 0) << poller.Describe() << "\n" << RouterErrors(router());
}

}  // namespace
}  // namespace paasmaker::testing
