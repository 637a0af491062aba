// Faults under load (issue 6 acceptance): the pacemaker killed -9 for 30 s,
// the routing table master away, the jobs Redis killed during a start tree.
// The cluster keeps serving and converges once the part is back.
#include <gtest/gtest.h>

#include <signal.h>

#include <memory>
#include <set>
#include <thread>

#include "app_helpers.h"
#include "core/files.h"
#include "harness.h"
#include "temp_dir.h"

namespace paasmaker::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

constexpr const char* kHost = "hello.example.com";

class FaultsTest : public ClusterTest {
 protected:
  void SetUp() override { StartCluster(2, 1); }
  int64_t SettledRequests(const std::string& version_id) { return Settled("version", version_id); }
};

// The pacemaker killed -9 for 30 s under load: routers go on routing from
// their replicas and hearts go on running; when it is back every node is
// ACTIVE again, no instance was replaced, and the stats count every request.
TEST_F(FaultsTest, PacemakerKilledUnderLoadFailsNoRequestAndConverges) {
  DeployResult v1 = DeployServed(ExamplesDir() + "/python-hello", kHost, "Hello from Paasmaker");
  ASSERT_EQ(v1.command.exit_code, 0);
  std::set<std::string> instances_before;
  for (const auto& i : VersionInstances(cluster_, v1.version_id())) instances_before.insert(i.value("instance_id", ""));
  int64_t before = SettledRequests(v1.version_id());

  auto start = std::chrono::steady_clock::now();
  auto poller = std::make_unique<RequestPoller>(router(), kHost);
  cluster_.pacemaker().Kill();
  HoldLoadUntil(start, seconds(30));
  ASSERT_TRUE(cluster_.pacemaker().Start());
  for (const char* name : {"heart-1", "heart-2", "router-1"}) {
    EXPECT_TRUE(cluster_.WaitForNodeState(name, "ACTIVE", seconds(30))) << name;
  }
  HoldLoadUntil(start, seconds(40));
  poller->Stop();
  EXPECT_GT(poller->total(), 300);
  EXPECT_EQ(poller->failed(), 0) << poller->Describe();

  std::set<std::string> instances_after;
  for (const auto& i : VersionInstances(cluster_, v1.version_id())) {
    EXPECT_EQ(i.value("state", ""), "RUNNING") << i.dump();
    instances_after.insert(i.value("instance_id", ""));
  }
  EXPECT_EQ(instances_after, instances_before);
  EXPECT_EQ(SettledRequests(v1.version_id()), before + poller->total());
}

// The routing table master unreachable for 10 s (SIGSTOP) under load, then
// killed -9: routers go on serving from their replicas; once it is back, a
// route change (a new version made current) reaches the replica and is served.
TEST_F(FaultsTest, TableMasterAwayRoutersKeepServingAndResyncOnReturn) {
  DeployResult v1 = DeployServed(ExamplesDir() + "/python-hello", kHost, "Hello from Paasmaker");
  ASSERT_EQ(v1.command.exit_code, 0);
  auto pid_text = files::ReadFile(cluster_.pacemaker().data_dir() + "/redis/table/redis.pid");
  ASSERT_TRUE(pid_text.ok());
  pid_t table_pid = std::stoi(*pid_text);

  auto start = std::chrono::steady_clock::now();
  RequestPoller poller(router(), kHost);
  ASSERT_EQ(::kill(table_pid, SIGSTOP), 0);
  HoldLoadUntil(start, seconds(10));
  ::kill(table_pid, SIGCONT);
  poller.Stop();
  EXPECT_GT(poller.total(), 100);
  EXPECT_EQ(poller.failed(), 0) << poller.Describe() << "\n" << RouterErrors(router());

  TempDir work("pm-table");
  std::string copy = CopyExample("python-hello", work.path());
  ASSERT_TRUE(files::WriteFileAtomically(copy + "/VERSION", "after the outage").ok());
  DeployResult v2 = Deploy(cluster_, copy, {"--start", "--current"});
  ASSERT_EQ(v2.command.exit_code, 0) << v2.command.output;
  EXPECT_TRUE(WaitForRoutedBody(router(), kHost, "VERSION: after the outage"));

  // Now killed -9: its node restarts it from its append-only file; routers
  // serve throughout, and a change made once it is back reaches them.
  const std::string pid_file = cluster_.pacemaker().data_dir() + "/redis/table/redis.pid";
  RequestPoller during_kill(router(), kHost);
  ASSERT_EQ(::kill(table_pid, SIGKILL), 0);  // the same process as before: SIGSTOP/SIGCONT kept it
  ASSERT_TRUE(WaitFor(
      [&] {
        auto text = files::ReadFile(pid_file);
        return text.ok() && std::atoi(text->c_str()) > 0 && std::atoi(text->c_str()) != table_pid;
      },
      seconds(30)));
  ASSERT_TRUE(files::WriteFileAtomically(copy + "/VERSION", "after the kill").ok());
  DeployResult v3 = Deploy(cluster_, copy, {"--start", "--current"});
  ASSERT_EQ(v3.command.exit_code, 0) << v3.command.output;
  EXPECT_TRUE(WaitForRoutedBody(router(), kHost, "VERSION: after the kill"));
  during_kill.Stop();
  EXPECT_GT(during_kill.total(), 20);
  EXPECT_EQ(during_kill.failed(), 0) << during_kill.Describe() << "\n" << RouterErrors(router());
}

// The jobs Redis killed -9 while a start tree runs (its startup command
// takes a few seconds): the managed Redis comes back with its data and the
// tree completes; the app is served.
TEST_F(FaultsTest, JobsRedisKilledDuringAStartTreeTheTreeCompletes) {
  TempDir work("pm-jobs-redis");
  std::string copy = CopyExample("python-hello", work.path());
  auto manifest = files::ReadFile(copy + "/manifest.yml");
  ASSERT_TRUE(manifest.ok());
  std::string slow = *manifest;
  slow.replace(slow.find("    hostnames:"), 0,
               "    startup:\n      - plugin: paasmaker.startup.shell\n"
               "        parameters: {commands: [\"sleep 4\"]}\n");
  ASSERT_TRUE(files::WriteFileAtomically(copy + "/manifest.yml", slow).ok());
  DeployResult v1 = Deploy(cluster_, copy);
  ASSERT_EQ(v1.command.exit_code, 0) << v1.command.output;

  std::string start = VersionAction(cluster_, v1.version_id(), "start");
  ASSERT_FALSE(start.empty());
  // Once the startup command runs, kill the jobs Redis under the tree.
  ASSERT_TRUE(WaitFor(
      [&] {
        for (const auto& job : FlattenJobs(JobTree(cluster_, start)["job"])) {
          if (job.value("type", "") == "paasmaker.job.heart.startup" && job.value("state", "") == "RUNNING") return true;
        }
        return false;
      },
      seconds(30)));
  auto pid_text = files::ReadFile(cluster_.pacemaker().data_dir() + "/redis/jobs/redis.pid");
  ASSERT_TRUE(pid_text.ok());
  ASSERT_EQ(::kill(std::stoi(*pid_text), SIGKILL), 0);
  EXPECT_EQ(WaitForTree(cluster_, start, seconds(60)), "SUCCESS");
  EXPECT_TRUE(WaitForInstances(cluster_, v1.version_id(), 1, "RUNNING"));
}

// The stats pipeline through two routers (issue 5): N requests of known
// status show up as exactly N in the version's totals, although the stats
// Redis is killed -9 (and restarted by its node) and router-1's log is
// rotated the way logrotate does it (rename, then USR1 to nginx) mid-stream.
class StatsFaultsTest : public ClusterTest {
 protected:
  void SetUp() override { StartCluster(1, 2); }
  static pid_t PidIn(const std::string& pid_file) {
    auto text = files::ReadFile(pid_file);
    return text.ok() ? static_cast<pid_t>(std::atoi(text->c_str())) : 0;
  }
};

TEST_F(StatsFaultsTest, TotalsExactAcrossStatsRedisRestartAndLogRotation) {
  DeployResult v1 = DeployServed(ExamplesDir() + "/python-hello", kHost, "Hello from Paasmaker");
  ASSERT_EQ(v1.command.exit_code, 0);
  ASSERT_TRUE(WaitForRoutedBody(router(2), kHost, "Hello from Paasmaker"));
  int64_t before = Settled("version", v1.version_id());
  json totals_before = Totals("version", v1.version_id());

  int sent = 0;
  auto send = [&](int count) {
    for (int i = 0; i < count; ++i, ++sent) {
      auto response = RouterGet(router(1 + sent % 2), kHost);
      ASSERT_EQ(response.status, 200) << "request " << sent << ": " << response.error;
    }
  };
  send(30);
  const std::string stats_pid_file = cluster_.pacemaker().data_dir() + "/redis/stats/redis.pid";
  pid_t stats_pid = PidIn(stats_pid_file);
  ASSERT_GT(stats_pid, 0);
  ASSERT_EQ(::kill(stats_pid, SIGKILL), 0);
  send(30);  // while it is down or coming back
  ASSERT_TRUE(WaitFor([&] { return PidIn(stats_pid_file) > 0 && PidIn(stats_pid_file) != stats_pid; }, seconds(30)));
  send(30);

  const std::string nginx_dir = router(1).data_dir() + "/nginx";
  ASSERT_EQ(::rename((nginx_dir + "/stats.log").c_str(), (nginx_dir + "/stats.log.1").c_str()), 0);
  send(10);  // still written to the renamed file until nginx reopens
  pid_t nginx = PidIn(nginx_dir + "/nginx.pid");
  ASSERT_GT(nginx, 0);
  ASSERT_EQ(::kill(nginx, SIGUSR1), 0);
  ASSERT_TRUE(WaitFor([&] { return files::ReadFile(nginx_dir + "/stats.log").ok(); }, seconds(10)));
  send(30);

  int64_t expected = before + sent;
  EXPECT_TRUE(WaitFor([&] { return Totals("version", v1.version_id()).value("requests", int64_t{0}) >= expected; },
                      seconds(30)));
  EXPECT_EQ(Settled("version", v1.version_id()), expected);
  json after = Totals("version", v1.version_id());
  EXPECT_EQ(after.value("2xx", int64_t{0}), totals_before.value("2xx", int64_t{0}) + sent) << after.dump();
}

}  // namespace
}  // namespace paasmaker::testing
