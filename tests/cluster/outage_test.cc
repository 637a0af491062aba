// Nodes carry on while the pacemaker is away and catch up when it returns;
// a pacemaker that lost its records gets the nodes back under their UUIDs.
#include <gtest/gtest.h>
#include <unistd.h>

#include "core/net.h"
#include "harness.h"

namespace paasmaker::testing {
namespace {

TEST(OutageTest, HeartsKeepRunningAndReportAgainAfterPacemakerRestart) {
  Cluster cluster;
  cluster.AddStandardNodes(2, 1);
  ASSERT_TRUE(cluster.StartAll());
  ASSERT_TRUE(cluster.WaitForRegistration());
  std::string heart_uuid = cluster.node("heart-1").Uuid();
  ASSERT_FALSE(heart_uuid.empty());

  cluster.pacemaker().Kill();
  ASSERT_FALSE(cluster.pacemaker().running());
  // With the pacemaker gone, hearts and the router stay up and serve their
  // own HTTP; their reports fail and are retried.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (std::chrono::steady_clock::now() < deadline) {
    for (const char* name : {"heart-1", "heart-2", "router-1"}) {
      ASSERT_TRUE(cluster.node(name).running()) << name << " died:\n" << cluster.node(name).Output();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_NE(cluster.node("heart-1").Output().find("cannot reach the pacemaker"), std::string::npos);

  ASSERT_TRUE(cluster.pacemaker().Start());
  double restarted_at = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_TRUE(WaitFor(
      [&] {
        auto nodes = cluster.ListedNodes();
        if (nodes.size() != 4) return false;
        for (auto& [name, node] : nodes) {
          if (node["state"] != "ACTIVE" || node["last_heard"].get<double>() < restarted_at) return false;
        }
        return true;
      },
      std::chrono::seconds(20)));
  EXPECT_EQ(cluster.node("heart-1").Uuid(), heart_uuid);
}

TEST(OutageTest, NodesRegisterAgainWhenThePacemakerLostTheirRecords) {
  Cluster cluster;
  cluster.AddStandardNodes(2, 0);
  ASSERT_TRUE(cluster.StartAll());
  ASSERT_TRUE(cluster.WaitForRegistration());
  std::string heart1 = cluster.node("heart-1").Uuid();
  std::string heart2 = cluster.node("heart-2").Uuid();

  ASSERT_TRUE(cluster.pacemaker().Stop());
  // A new, empty database: the pacemaker knows no node.
  for (const char* f : {"/paasmaker.db", "/paasmaker.db-wal", "/paasmaker.db-shm"}) {
    ::unlink((cluster.pacemaker().data_dir() + f).c_str());
  }
  ASSERT_TRUE(cluster.pacemaker().Start());
  EXPECT_TRUE(WaitFor(
      [&] {
        auto nodes = cluster.ListedNodes();
        return nodes.size() == 3 && nodes["heart-1"]["uuid"] == heart1 && nodes["heart-2"]["uuid"] == heart2 &&
               nodes["heart-1"]["state"] == "ACTIVE" && nodes["heart-2"]["state"] == "ACTIVE";
      },
      std::chrono::seconds(20)))
      << cluster.node("heart-1").Output();
}

}  // namespace
}  // namespace paasmaker::testing
