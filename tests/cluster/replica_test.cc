// The routing table: a key written to the pacemaker's master table Redis
// appears on a router's local replica.
#include <gtest/gtest.h>

#include "harness.h"

namespace paasmaker::testing {
namespace {

TEST(ReplicaTest, MasterWritesReachTheRouterReplica) {
  Cluster cluster;
  cluster.AddStandardNodes(1, 2);
  // The route below names no instance the pacemaker knows: its health
  // checks would rightly remove it (routerdowninstances), maybe before a
  // replica that is still syncing has seen it.
  cluster.pacemaker().extra_pacemaker_yaml = ", health: {enabled: false}";
  ASSERT_TRUE(cluster.StartAll());
  redis::Client master(cluster.StoreEndpoint("table"));
  redis::Client replica1({"127.0.0.1", cluster.node("router-1").ports().table, cluster.RedisPassword("router"), "router"});
  redis::Client replica2({"127.0.0.1", cluster.node("router-2").ports().table, cluster.RedisPassword("router"), "router"});
  ASSERT_TRUE(master.Command({"SADD", "instances:app.example.com", "127.0.0.1:42600#vt#node#inst"}).ok());
  auto written = master.Command({"INCR", "serial"});
  ASSERT_TRUE(written.ok());
  for (auto* replica : {&replica1, &replica2}) {
    // The serial is written after the route: once it arrives, both have.
    // (The pacemaker's own route may move it on too, never back.)
    EXPECT_TRUE(WaitFor(
        [&] {
          auto serial = replica->Command({"GET", "serial"});
          return serial.ok() && !serial->str.empty() && std::stoll(serial->str) >= written->integer;
        },
        std::chrono::seconds(15)));
    auto members = replica->Command({"SMEMBERS", "instances:app.example.com"});
    ASSERT_TRUE(members.ok());
    ASSERT_EQ(members->elements.size(), 1u);
    EXPECT_EQ(members->elements[0].str, "127.0.0.1:42600#vt#node#inst");
    // A replica is read-only: routers never write the table.
    EXPECT_FALSE(replica->Command({"SET", "x", "y"}).ok());
  }
}

TEST(ReplicaTest, ReplicaStartedBeforeItsMasterSyncsOnceTheMasterIsUp) {
  Cluster cluster;
  cluster.AddStandardNodes(0, 1);
  // The router first: its replica keeps retrying the master.
  ASSERT_TRUE(cluster.node("router-1").Start());
  ASSERT_TRUE(cluster.pacemaker().Start());
  redis::Client master(cluster.StoreEndpoint("table"));
  redis::Client replica({"127.0.0.1", cluster.node("router-1").ports().table, cluster.RedisPassword("router"), "router"});
  ASSERT_TRUE(master.Command({"SET", "replica-probe", "42"}).ok());
  EXPECT_TRUE(WaitFor(
      [&] {
        auto probe = replica.Command({"GET", "replica-probe"});
        return probe.ok() && probe->str == "42";
      },
      std::chrono::seconds(20)));
  EXPECT_TRUE(cluster.WaitForNodeState("router-1", "ACTIVE", std::chrono::seconds(20)));
}

}  // namespace
}  // namespace paasmaker::testing
