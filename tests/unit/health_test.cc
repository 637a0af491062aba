// The health manager's pure decisions (SPEC §7): which nodes are silent,
// which routed instances leave the table, which instances are surplus, and
// the shape of the default group's tree.
#include <gtest/gtest.h>

#include "pacemaker/health/health_decisions.h"
#include "pacemaker/lifecycle/trees.h"

namespace paasmaker::pacemaker {
namespace {

using nlohmann::json;

model::Node MakeNode(const std::string& uuid, const std::string& state, double last_heard, double score = 0) {
  model::Node n;
  n.uuid = uuid;
  n.name = uuid;
  n.state = state;
  n.last_heard = last_heard;
  n.score = score;
  return n;
}

Instance MakeInstance(const std::string& id, const std::string& node, const std::string& state = kInstanceRunning) {
  Instance i;
  i.id = id;
  i.node_uuid = node;
  i.state = state;
  return i;
}

std::vector<std::string> Ids(const std::vector<Instance>& instances) {
  std::vector<std::string> ids;
  for (const auto& i : instances) ids.push_back(i.id);
  return ids;
}

TEST(HealthSilentNodes, OnlyActiveNodesPastTheTimeoutExceptSelf) {
  std::vector<model::Node> nodes = {MakeNode("fresh", model::kNodeActive, 95),
                                    MakeNode("silent", model::kNodeActive, 80),
                                    MakeNode("already-down", model::kNodeDown, 10),
                                    MakeNode("stopped", model::kNodeStopped, 10),
                                    MakeNode("self", model::kNodeActive, 0)};
  auto silent = health::SilentNodes(nodes, 100, 10, 0, "self");
  ASSERT_EQ(silent.size(), 1u);
  EXPECT_EQ(silent[0].uuid, "silent");
  // Exactly at the timeout is not yet silent.
  EXPECT_TRUE(health::SilentNodes({MakeNode("edge", model::kNodeActive, 90)}, 100, 10, 0, "").empty());
}

TEST(HealthSilentNodes, NothingBeforeTheStartupWait) {
  std::vector<model::Node> nodes = {MakeNode("old", model::kNodeActive, 1)};
  EXPECT_TRUE(health::SilentNodes(nodes, 100, 10, 105, "").empty());
  EXPECT_EQ(health::SilentNodes(nodes, 106, 10, 105, "").size(), 1u);
}

TEST(HealthSilentNodes, NextDeadlineIsTheEarliestWatchedNodeSilence) {
  std::vector<model::Node> nodes = {MakeNode("recent", model::kNodeActive, 95), MakeNode("older", model::kNodeActive, 91),
                                    MakeNode("down", model::kNodeDown, 10), MakeNode("self", model::kNodeActive, 0)};
  auto deadline = health::NextSilenceDeadline(nodes, 10, "self");
  ASSERT_TRUE(deadline.has_value());
  EXPECT_DOUBLE_EQ(*deadline, 101);
  // At the deadline SilentNodes does not list it yet; just after, it does.
  EXPECT_TRUE(health::SilentNodes(nodes, *deadline, 10, 0, "self").empty());
  EXPECT_EQ(health::SilentNodes(nodes, *deadline + 0.01, 10, 0, "self").size(), 1u);
  EXPECT_FALSE(health::NextSilenceDeadline({MakeNode("down", model::kNodeDown, 10)}, 10, "").has_value());
}

TEST(HealthRoutes, EntriesNameTheirInstance) {
  EXPECT_EQ(health::RouteEntryInstance("127.0.0.1:4000#type#node#inst-1"), "inst-1");
  EXPECT_EQ(health::RouteEntryInstance("garbage"), "");
  EXPECT_EQ(health::RouteEntryInstance("a#"), "");
  json dump = {{"serial", 3},
               {"routes",
                {{"a.example", {"1.2.3.4:1#t#n#i1", "1.2.3.4:2#t#n#i2"}}, {"b.example", {"1.2.3.4:1#t#n#i1"}}}}};
  auto routed = health::RoutedInstances(dump);
  ASSERT_EQ(routed.size(), 2u);
  EXPECT_EQ(routed["i1"], (std::vector<std::string>{"a.example", "b.example"}));
  EXPECT_EQ(routed["i2"], (std::vector<std::string>{"a.example"}));
}

TEST(HealthRoutes, UnrouteOnlyUnknownOrLongNotRunning) {
  EXPECT_TRUE(health::ShouldUnroute(nullptr, 100, 5));
  Instance running = MakeInstance("i", "n");
  running.changed = 0;
  EXPECT_FALSE(health::ShouldUnroute(&running, 100, 5));
  Instance starting = MakeInstance("i", "n", kInstanceRegistered);
  starting.changed = 97;  // a start tree may be about to record RUNNING
  EXPECT_FALSE(health::ShouldUnroute(&starting, 100, 5));
  Instance down = MakeInstance("i", "n", kInstanceDown);
  down.changed = 90;
  EXPECT_TRUE(health::ShouldUnroute(&down, 100, 5));
}

TEST(HealthQuantity, StatesOnTheirWayAndErrorCount) {
  for (const char* s : {kInstanceRunning, kInstanceStarting, kInstanceRegistered, kInstanceAllocated, kInstanceError}) {
    EXPECT_TRUE(health::CountsTowardsQuantity(s)) << s;
  }
  for (const char* s : {kInstanceDown, kInstanceStopped, kInstanceDeregistered}) {
    EXPECT_FALSE(health::CountsTowardsQuantity(s)) << s;
  }
}

TEST(ChooseSurplus, FromTheFullestHeartThenWorstScore) {
  std::vector<model::Node> nodes = {MakeNode("a", model::kNodeActive, 0, 0.1), MakeNode("b", model::kNodeActive, 0, 0.9)};
  std::vector<Instance> live = {MakeInstance("a1", "a"), MakeInstance("a2", "a"), MakeInstance("b1", "b")};
  auto victims = lifecycle::ChooseSurplus(live, 2, nodes);
  ASSERT_EQ(victims.size(), 1u);
  EXPECT_EQ(victims[0].node_uuid, "a");  // a holds two
  // Equal counts: the worst score goes first.
  auto two = lifecycle::ChooseSurplus({MakeInstance("a1", "a"), MakeInstance("b1", "b")}, 1, nodes);
  EXPECT_EQ(Ids(two), (std::vector<std::string>{"b1"}));
  // Down to zero, and nothing when at quantity.
  EXPECT_EQ(lifecycle::ChooseSurplus(live, 0, nodes).size(), 3u);
  EXPECT_TRUE(lifecycle::ChooseSurplus(live, 3, nodes).empty());
  EXPECT_TRUE(lifecycle::ChooseSurplus(live, 5, nodes).empty());
}

TEST(ChooseSurplus, UnroutedInstancesGoFirst) {
  // A heart came back with its instance still running (but no longer routed)
  // while its replacement runs on the other heart: the returning one goes.
  std::vector<model::Node> nodes = {MakeNode("a", model::kNodeActive, 0, 0.1), MakeNode("b", model::kNodeActive, 0, 0.9)};
  std::vector<Instance> live = {MakeInstance("a1", "a"), MakeInstance("a2", "a"), MakeInstance("b1", "b")};
  auto victims = lifecycle::ChooseSurplus(live, 2, nodes, {"b1"});
  EXPECT_EQ(Ids(victims), (std::vector<std::string>{"b1"}));
}

}  // namespace
}  // namespace paasmaker::pacemaker
