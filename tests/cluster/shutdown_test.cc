// Clean shutdown: SIGTERM leaves no child behind, a stopping node is marked
// STOPPED, one data dir serves one node, managed daemons are restarted when
// they die, and unmanaged Redis servers are used but never stopped.
#include <gtest/gtest.h>
#include <signal.h>

#include "core/files.h"
#include "harness.h"
#include "test_redis.h"

namespace paasmaker::testing {
namespace {

TEST(ShutdownTest, SigtermToEveryNodeLeavesNoProcessBehind) {
  Cluster cluster;
  cluster.AddStandardNodes(2, 1);
  ASSERT_TRUE(cluster.StartAll());
  ASSERT_TRUE(cluster.WaitForRegistration());
  ASSERT_FALSE(cluster.StrayProcesses().empty());  // the nodes and their redis-servers

  // A heart that stops says so: the pacemaker marks it STOPPED.
  ASSERT_TRUE(cluster.node("heart-2").Stop());
  EXPECT_TRUE(cluster.WaitForNodeState("heart-2", "STOPPED", std::chrono::seconds(10)));

  auto started = std::chrono::steady_clock::now();
  for (auto& node : cluster.nodes()) node->Signal(SIGTERM);
  EXPECT_TRUE(WaitFor([&] { return cluster.StrayProcesses().empty(); }, std::chrono::seconds(10)))
      << "still running: " << cluster.StrayProcesses().size();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  for (auto& node : cluster.nodes()) {
    // Gone from /proc does not mean reaped yet: wait for the exit status.
    auto exit = node->WaitForExit(std::chrono::seconds(5));
    ASSERT_TRUE(exit.has_value()) << node->name();
    EXPECT_TRUE(exit->exited && exit->exit_code == 0) << node->name() << ": " << exit->Describe() << "\noutput:\n" << node->Output();
  }
}

TEST(ShutdownTest, OneDataDirServesOneNode) {
  Cluster cluster;
  cluster.AddNode("pacemaker", {"pacemaker", "heart"});
  ASSERT_TRUE(cluster.StartAll());
  auto second = RunPaasmaker({"server", "-c", cluster.pacemaker().config_path()});
  EXPECT_NE(second.exit_code, 0);
  EXPECT_NE(second.output.find("already using this data directory"), std::string::npos) << second.output;
  EXPECT_TRUE(cluster.pacemaker().running());
}

TEST(ShutdownTest, ManagedRedisThatDiesIsRestarted) {
  Cluster cluster;
  cluster.AddNode("pacemaker", {"pacemaker"});
  ASSERT_TRUE(cluster.StartAll());
  std::string pid_file = cluster.pacemaker().data_dir() + "/redis/jobs/redis.pid";
  pid_t first = std::atoi(files::ReadFile(pid_file).value_or("0").c_str());
  ASSERT_GT(first, 0);
  ::kill(first, SIGKILL);
  redis::Client jobs(cluster.StoreEndpoint("jobs"), std::chrono::milliseconds(200));
  EXPECT_TRUE(WaitFor(
      [&] {
        pid_t now = std::atoi(files::ReadFile(pid_file).value_or("0").c_str());
        return now != first && now > 0 && jobs.Ping().ok();
      },
      std::chrono::seconds(15)));
}

TEST(ShutdownTest, UnmanagedRedisIsUsedAndLeftRunning) {
  TestRedisServer table, stats, jobs;
  ASSERT_TRUE(table.started() && stats.started() && jobs.started());
  Cluster cluster;
  auto& pm = cluster.AddNode("pacemaker", {"pacemaker"});
  pm.redis_yaml_override = "redis:\n  table: {port: " + std::to_string(table.port()) +
                           ", managed: false}\n  stats: {port: " + std::to_string(stats.port()) +
                           ", managed: false}\n  jobs: {port: " + std::to_string(jobs.port()) + ", managed: false}\n";
  ASSERT_TRUE(cluster.StartAll());
  EXPECT_FALSE(files::Exists(pm.data_dir() + "/redis/table/redis.conf"));
  ASSERT_TRUE(pm.Stop());
  for (auto* server : {&table, &stats, &jobs}) {
    redis::Client client(server->endpoint());
    EXPECT_TRUE(client.Ping().ok()) << "port " << server->port();
  }
  EXPECT_TRUE(cluster.StrayProcesses().empty());
}

}  // namespace
}  // namespace paasmaker::testing
