// PlaceInstances (paasmaker.placement.default): which hearts qualify, how
// instances spread, and what it says when no heart can take them.
#include "pacemaker/lifecycle/placement.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace paasmaker::pacemaker::lifecycle {
namespace {

using nlohmann::json;

model::Node Heart(const std::string& name, double score = 0.5, json tags = json::object()) {
  model::Node node;
  node.uuid = "uuid-" + name;
  node.name = name;
  node.roles = {"heart"};
  node.tags = std::move(tags);
  node.runtimes = {{"paasmaker.runtime.shell", json::array({"1"})}, {"paasmaker.runtime.static", json::array({"1"})}};
  node.score = score;
  return node;
}

PlacementRequest Shell(int count, json tags = json::object()) {
  PlacementRequest request;
  request.runtime_plugin = "paasmaker.runtime.shell";
  request.runtime_version = "1";
  request.required_tags = std::move(tags);
  request.count = count;
  return request;
}

std::map<std::string, int> PerNode(const PlacementDecision& decision) {
  std::map<std::string, int> counts;
  for (const auto& uuid : decision.nodes) ++counts[uuid];
  return counts;
}

TEST(PlacementTest, OneInstanceGoesToTheBestScore) {
  auto decision = PlaceInstances({Heart("a", 0.9), Heart("b", 0.1), Heart("c", 0.5)}, Shell(1));
  ASSERT_TRUE(decision.ok()) << decision.status().ToString();
  EXPECT_EQ(decision->nodes, (std::vector<std::string>{"uuid-b"}));
}

TEST(PlacementTest, EqualScoresAreDecidedByName) {
  auto decision = PlaceInstances({Heart("zulu"), Heart("alpha"), Heart("mike")}, Shell(1));
  ASSERT_TRUE(decision.ok());
  EXPECT_EQ(decision->nodes, (std::vector<std::string>{"uuid-alpha"}));
}

TEST(PlacementTest, InstancesSpreadBeforeAnyHeartGetsTwo) {
  auto decision = PlaceInstances({Heart("a", 0.2), Heart("b", 0.1)}, Shell(3));
  ASSERT_TRUE(decision.ok());
  // b (better score) first, then a (it has none), then b again: 2 + 1.
  EXPECT_EQ(decision->nodes, (std::vector<std::string>{"uuid-b", "uuid-a", "uuid-b"}));

  auto four = PlaceInstances({Heart("a"), Heart("b"), Heart("c"), Heart("d")}, Shell(4));
  ASSERT_TRUE(four.ok());
  EXPECT_EQ(PerNode(*four), (std::map<std::string, int>{{"uuid-a", 1}, {"uuid-b", 1}, {"uuid-c", 1}, {"uuid-d", 1}}));
}

TEST(PlacementTest, ExistingInstancesOfTheTypeCount) {
  PlacementRequest request = Shell(2);
  request.existing = {{"uuid-a", 2}, {"uuid-b", 1}};
  auto decision = PlaceInstances({Heart("a", 0.0), Heart("b", 0.5), Heart("c", 0.9)}, request);
  ASSERT_TRUE(decision.ok());
  // c has none, so it goes first despite its score; then b (1) beats a (2).
  EXPECT_EQ(decision->nodes, (std::vector<std::string>{"uuid-c", "uuid-b"}));
}

TEST(PlacementTest, MoreInstancesThanHeartsDoubleUp) {
  auto decision = PlaceInstances({Heart("only")}, Shell(3));
  ASSERT_TRUE(decision.ok());
  EXPECT_EQ(decision->nodes, (std::vector<std::string>(3, "uuid-only")));
}

TEST(PlacementTest, ZeroInstancesPlaceNothing) {
  auto decision = PlaceInstances({Heart("a")}, Shell(0));
  ASSERT_TRUE(decision.ok());
  EXPECT_TRUE(decision->nodes.empty());
}

TEST(PlacementTest, EveryRequiredTagMustMatch) {
  std::vector<model::Node> nodes = {Heart("a", 0.1, {{"zone", "a"}}), Heart("b", 0.2, {{"zone", "b"}, {"ssd", true}}),
                                    Heart("c", 0.3, {{"zone", "b"}})};
  auto zone_b = PlaceInstances(nodes, Shell(2, {{"zone", "b"}}));
  ASSERT_TRUE(zone_b.ok());
  EXPECT_EQ(PerNode(*zone_b), (std::map<std::string, int>{{"uuid-b", 1}, {"uuid-c", 1}}));

  auto ssd = PlaceInstances(nodes, Shell(2, {{"zone", "b"}, {"ssd", true}}));
  ASSERT_TRUE(ssd.ok());
  EXPECT_EQ(ssd->nodes, (std::vector<std::string>{"uuid-b", "uuid-b"}));

  auto typed = PlaceInstances(nodes, Shell(1, {{"ssd", "true"}}));
  ASSERT_FALSE(typed.ok()) << "the string \"true\" is not the boolean true";
}

TEST(PlacementTest, OnlyActiveHeartsWithTheRuntimeVersionQualify) {
  model::Node router = Heart("router", 0.0);
  router.roles = {"router"};
  model::Node down = Heart("down", 0.0);
  down.state = model::kNodeDown;
  model::Node old_shell = Heart("old", 0.0);
  old_shell.runtimes = {{"paasmaker.runtime.shell", json::array({"0"})}};
  model::Node static_only = Heart("static", 0.0);
  static_only.runtimes = {{"paasmaker.runtime.static", json::array({"1"})}};
  model::Node good = Heart("good", 0.9);

  auto decision = PlaceInstances({router, down, old_shell, static_only, good}, Shell(2));
  ASSERT_TRUE(decision.ok()) << decision.status().ToString();
  EXPECT_EQ(decision->nodes, (std::vector<std::string>{"uuid-good", "uuid-good"}));
  std::string log;
  for (const auto& line : decision->explanation) log += line + "\n";
  EXPECT_NE(log.find("router (uuid-router): not a heart"), std::string::npos) << log;
  EXPECT_NE(log.find("down (uuid-down): state DOWN"), std::string::npos) << log;
  EXPECT_NE(log.find("old (uuid-old): no runtime paasmaker.runtime.shell version 1"), std::string::npos) << log;
  EXPECT_NE(log.find("candidate good"), std::string::npos) << log;
}

TEST(PlacementTest, NoSuitableHeartSaysWhyForEachNode) {
  model::Node stopped = Heart("stopped");
  stopped.state = model::kNodeStopped;
  auto decision = PlaceInstances({Heart("a", 0.1, {{"zone", "a"}}), Heart("b"), stopped}, Shell(1, {{"zone", "b"}}));
  ASSERT_FALSE(decision.ok());
  EXPECT_EQ(decision.status().code(), StatusCode::kFailedPrecondition);
  const std::string& message = decision.status().message();
  EXPECT_NE(message.find("no heart can run paasmaker.runtime.shell version 1 with tags"), std::string::npos) << message;
  EXPECT_NE(message.find("a (uuid-a): tag zone is \"a\", wanted \"b\""), std::string::npos) << message;
  EXPECT_NE(message.find("b (uuid-b): no tag zone"), std::string::npos) << message;
  EXPECT_NE(message.find("stopped (uuid-stopped): state STOPPED"), std::string::npos) << message;
}

// A filesystem service's directory: only hearts that report it (or a
// directory above it) as mounted qualify; the others are told why.
TEST(PlacementTest, SharedDirectoriesGoOnlyToHeartsThatReachThem) {
  model::Node mounted = Heart("mounted", 0.9);
  mounted.shared_directories = {"/srv/shared/"};
  model::Node elsewhere = Heart("elsewhere", 0.1);
  elsewhere.shared_directories = {"/srv/shared-other"};
  PlacementRequest request = Shell(2);
  request.required_directories = {"/srv/shared/filesystem"};
  auto decision = PlaceInstances({mounted, elsewhere, Heart("bare", 0.0)}, request);
  ASSERT_TRUE(decision.ok()) << decision.status().ToString();
  EXPECT_EQ(PerNode(*decision), (std::map<std::string, int>{{"uuid-mounted", 2}}));

  auto refused = PlaceInstances({elsewhere, Heart("bare")}, request);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find(
                "bare (uuid-bare): does not reach the shared directory /srv/shared/filesystem (heart.shared_directories)"),
            std::string::npos)
      << refused.status().message();
}

TEST(PlacementTest, NoNodesAtAllIsSaidSo) {
  auto decision = PlaceInstances({}, Shell(1));
  ASSERT_FALSE(decision.ok());
  EXPECT_EQ(decision.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(decision.status().message().find("no nodes are registered"), std::string::npos);
}

TEST(PlacementTest, ParametersTakeOnlyATagsMapping) {
  EXPECT_TRUE(ValidatePlacementParameters(json::object()).ok());
  EXPECT_TRUE(ValidatePlacementParameters({{"tags", {{"zone", "a"}}}}).ok());
  EXPECT_EQ(ValidatePlacementParameters(json::array()).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidatePlacementParameters({{"tags", "zone=a"}}).code(), StatusCode::kInvalidArgument);
  Status unknown = ValidatePlacementParameters({{"spread", true}});
  EXPECT_EQ(unknown.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.message().find("spread"), std::string::npos);
}

}  // namespace
}  // namespace paasmaker::pacemaker::lifecycle
