// The lifecycle trees' shapes: which jobs, under which parents, on which
// node. The per-instance chains are pure; the Lifecycle trees are launched
// into a real job store (redis-server) and read back, with nothing running
// them. Trees are compared as indented text, children sorted, so a test
// reads like the tree it expects:
//
//   version.state @pacemaker            root (runs last)
//     placement.select @pacemaker       its child (runs first)
#include "pacemaker/lifecycle/trees.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "lifecycle_fixture.h"
#include "pacemaker/family_contexts.h"

namespace paasmaker::pacemaker::lifecycle {
namespace {

using nlohmann::json;
namespace t = job_types;

std::string ShortType(const std::string& type) {
  const std::string prefix = "paasmaker.job.";
  return type.rfind(prefix, 0) == 0 ? type.substr(prefix.size()) : type;
}

// Jobs by parent, from either JobSpecs (chains) or Jobs (a stored tree).
struct Shape {
  std::map<std::string, std::vector<std::string>> children;  // parent id -> child ids
  std::map<std::string, std::string> line;                   // id -> "type @node"

  template <typename J>
  static Shape Of(const std::vector<J>& jobs, const std::map<std::string, std::string>& node_names) {
    Shape shape;
    for (const auto& job : jobs) {
      auto name = node_names.find(job.node);
      shape.line[job.id] = ShortType(job.type) + " @" + (name == node_names.end() ? job.node : name->second);
      shape.children[job.parent_id].push_back(job.id);
    }
    return shape;
  }

  std::string Render(const std::string& id, int depth) const {
    std::string out = std::string(2 * depth, ' ') + line.at(id) + "\n";
    std::vector<std::string> below;
    auto kids = children.find(id);
    if (kids != children.end()) {
      for (const auto& child : kids->second) below.push_back(Render(child, depth + 1));
    }
    std::sort(below.begin(), below.end());
    for (const auto& text : below) out += text;
    return out;
  }

  // Every tree hanging from `parent_id` ("" for roots).
  std::string RenderFrom(const std::string& parent_id) const {
    std::vector<std::string> trees;
    auto tops = children.find(parent_id);
    if (tops != children.end()) {
      for (const auto& id : tops->second) trees.push_back(Render(id, 0));
    }
    std::sort(trees.begin(), trees.end());
    std::string out;
    for (const auto& text : trees) out += text;
    return out;
  }
};

// ---------------------------------------------------------------------------
// The per-instance chains (pure)

class ChainTest : public ::testing::Test {
 protected:
  ChainTest() {
    instance_.id = "0123456789abcdef";
    instance_.node_uuid = "heart-uuid";
  }

  std::string Render(std::vector<jobs::JobSpec> chain) {
    std::vector<jobs::JobSpec> out;
    AppendChain("parent", std::move(chain), &out);
    return Shape::Of(out, names_).RenderFrom("parent");
  }

  Instance instance_;
  std::map<std::string, std::string> names_ = {{"pm-uuid", "pacemaker"}, {"heart-uuid", "heart"}};
};

TEST_F(ChainTest, AppendChainHangsEachJobUnderTheOneBefore) {
  std::vector<jobs::JobSpec> out = {jobs::JobSpec{.id = "existing"}};
  AppendChain("root", {jobs::JobSpec{.type = "a"}, jobs::JobSpec{.type = "b"}, jobs::JobSpec{.type = "c"}}, &out);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[1].parent_id, "root");
  EXPECT_EQ(out[2].parent_id, out[1].id);
  EXPECT_EQ(out[3].parent_id, out[2].id);
  for (size_t i = 1; i < out.size(); ++i) EXPECT_FALSE(out[i].id.empty());
  EXPECT_NE(out[1].id, out[2].id);
}

TEST_F(ChainTest, StopRemovesRoutesThenStopsThenMarksStopped) {
  EXPECT_EQ(Render(StopChain(instance_, "pm-uuid", /*heart_alive=*/true)),
            "instance.state @pacemaker\n"
            "  heart.stop @heart\n"
            "    routing.update @pacemaker\n");
  auto chain = StopChain(instance_, "pm-uuid", true);
  EXPECT_EQ(chain[0].parameters, json({{"instance_ids", json::array({instance_.id})}, {"state", kInstanceStopped}}));
  EXPECT_EQ(chain[1].parameters, json({{"instance_id", instance_.id}}));
  EXPECT_EQ(chain[2].parameters,
            json({{"instance_ids", json::array({instance_.id})}, {"operation", "remove"}, {"which", "all"}}));
}

TEST_F(ChainTest, AStopOnADeadHeartSkipsTheHeart) {
  EXPECT_EQ(Render(StopChain(instance_, "pm-uuid", /*heart_alive=*/false)),
            "instance.state @pacemaker\n"
            "  routing.update @pacemaker\n");
}

TEST_F(ChainTest, StartRegistersStoresThePortRunsStartupStartsAndRoutes) {
  json spec = {{"instance_id", instance_.id}};
  EXPECT_EQ(Render(StartChain(instance_, spec, "pm-uuid", /*start=*/true, /*routed=*/true)),
            "routing.update @pacemaker\n"
            "  heart.start @heart\n"
            "    heart.startup @heart\n"
            "      instance.store @pacemaker\n"
            "        heart.register @heart\n");
  auto chain = StartChain(instance_, spec, "pm-uuid", true, true);
  EXPECT_EQ(chain.back().parameters, json({{"instance", spec}}));
  EXPECT_EQ(chain.front().parameters["operation"], "add");
}

TEST_F(ChainTest, AStandaloneStartIsMarkedRunningInsteadOfRouted) {
  auto chain = StartChain(instance_, json::object(), "pm-uuid", /*start=*/true, /*routed=*/false);
  EXPECT_EQ(Render(chain),
            "instance.state @pacemaker\n"
            "  heart.start @heart\n"
            "    heart.startup @heart\n"
            "      instance.store @pacemaker\n"
            "        heart.register @heart\n");
  EXPECT_EQ(chain.front().parameters["state"], kInstanceRunning);
}

TEST_F(ChainTest, ARegisterOnlyStopsAfterThePortIsStored) {
  EXPECT_EQ(Render(StartChain(instance_, json::object(), "pm-uuid", /*start=*/false, /*routed=*/true)),
            "instance.store @pacemaker\n"
            "  heart.register @heart\n");
}

TEST_F(ChainTest, RemoveStopsFirstThenDeregisters) {
  EXPECT_EQ(Render(RemoveChain(instance_, "pm-uuid", /*heart_alive=*/true)),
            "instance.state @pacemaker\n"
            "  heart.deregister @heart\n"
            "    instance.state @pacemaker\n"
            "      heart.stop @heart\n"
            "        routing.update @pacemaker\n");
  EXPECT_EQ(RemoveChain(instance_, "pm-uuid", true).front().parameters["state"], kInstanceDeregistered);
  EXPECT_EQ(Render(RemoveChain(instance_, "pm-uuid", /*heart_alive=*/false)),
            "instance.state @pacemaker\n"
            "  instance.state @pacemaker\n"
            "    routing.update @pacemaker\n");
}

// ---------------------------------------------------------------------------
// ChooseSurplus (pure)

Instance On(const std::string& id, const std::string& node) {
  Instance instance;
  instance.id = id;
  instance.node_uuid = node;
  return instance;
}

std::vector<std::string> Ids(const std::vector<Instance>& instances) {
  std::vector<std::string> ids;
  for (const auto& i : instances) ids.push_back(i.id);
  return ids;
}

std::vector<model::Node> Scored(std::map<std::string, double> scores) {
  std::vector<model::Node> nodes;
  for (const auto& [uuid, score] : scores) {
    model::Node node;
    node.uuid = uuid;
    node.score = score;
    nodes.push_back(node);
  }
  return nodes;
}

TEST(ChooseSurplusTest, TheCrowdedHeartLosesFirstThenTheWorstScore) {
  std::vector<Instance> live = {On("a1", "a"), On("a2", "a"), On("b1", "b"), On("c1", "c")};
  auto nodes = Scored({{"a", 0.1}, {"b", 0.9}, {"c", 0.5}});
  EXPECT_EQ(Ids(ChooseSurplus(live, 3, nodes)), (std::vector<std::string>{"a1"}));
  auto two = Ids(ChooseSurplus(live, 2, nodes));
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].substr(0, 1), "a");  // a held two
  EXPECT_EQ(two[1], "b1");              // then the worst score
  EXPECT_TRUE(ChooseSurplus(live, 4, nodes).empty());
  EXPECT_EQ(ChooseSurplus(live, 0, nodes).size(), 4u);
}

TEST(ChooseSurplusTest, InstancesNamedFirstGoFirst) {
  std::vector<Instance> live = {On("a1", "a"), On("a2", "a"), On("b1", "b")};
  auto nodes = Scored({{"a", 0.1}, {"b", 0.9}});
  EXPECT_EQ(Ids(ChooseSurplus(live, 2, nodes, {"b1"})), (std::vector<std::string>{"b1"}));
}

// ---------------------------------------------------------------------------
// Lifecycle trees, launched into a real job store

class LifecycleTreesTest : public LifecycleTest {
 protected:
  LifecycleTreesTest() { UseJobsRedis(); }

  void SetUp() override {
    LifecycleTest::SetUp();
    names_[pacemaker_] = "pacemaker";
  }

  model::Node HeartNamed(const std::string& name, const std::string& state = model::kNodeActive) {
    model::Node node = Heart(name, state);
    names_[node.uuid] = name;
    return node;
  }

  // The stored tree of `root`, with its root checked.
  jobs::TreeSnapshot Read(const std::string& root) {
    auto tree = ctx_->job_store.ReadTree(root);
    EXPECT_TRUE(tree.ok()) << tree.status().ToString();
    return tree.ok() ? *tree : jobs::TreeSnapshot{};
  }

  std::string Render(const std::string& root) { return Shape::Of(Read(root).jobs, names_).RenderFrom(""); }

  // The job of `type` whose parameters include `having` (not by position:
  // siblings' order in the store is not part of the contract).
  const jobs::Job* Find(const jobs::TreeSnapshot& tree, const std::string& type, const json& having = json::object()) {
    for (const auto& job : tree.jobs) {
      if (job.type != type) continue;
      bool matches = true;
      for (const auto& [key, value] : having.items()) matches &= job.parameters.value(key, json()) == value;
      if (matches) return &job;
    }
    ADD_FAILURE() << "no " << type << " with " << having.dump();
    return nullptr;
  }

  jobs::Job Root(const std::string& root) {
    auto job = ctx_->job_store.Get(root);
    EXPECT_TRUE(job.ok()) << job.status().ToString();
    return job.ok() ? *job : jobs::Job{};
  }

  std::set<std::string> TagsOf(const std::string& root) {
    std::vector<std::string> tags = Root(root).tags;
    return {tags.begin(), tags.end()};
  }

  std::set<std::string> VersionTags(const Version& v) {
    return {"workspace:" + workspace_.id, "application:" + app_.id, "application_version:" + v.id};
  }

  Lifecycle lifecycle() { return Lifecycle(TreeContextOf(*ctx_)); }

  std::map<std::string, std::string> names_;
};

TEST_F(LifecycleTreesTest, RegisterSelectsLocationsForEveryTypeUnderTheVersionState) {
  Version v = NewVersion(kVersionPrepared);
  auto root = lifecycle().Register(v);
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(Render(*root),
            "version.state @pacemaker\n"
            "  placement.select @pacemaker\n"
            "  placement.select @pacemaker\n");
  jobs::TreeSnapshot tree = Read(*root);
  EXPECT_EQ(Root(*root).parameters, json({{"version_id", v.id}, {"state", kVersionReady}}));
  std::vector<std::string> types;
  for (const auto& job : tree.jobs) {
    if (job.type != t::kSelect) continue;
    EXPECT_EQ(job.parameters["mode"], "register");
    types.push_back(job.parameters["instance_type_id"]);
  }
  std::sort(types.begin(), types.end());
  std::vector<std::string> expected = {Type(v, "web").id, Type(v, "worker").id};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(types, expected);
  EXPECT_EQ(TagsOf(*root), VersionTags(v));
}

TEST_F(LifecycleTreesTest, RegisteringARunningVersionKeepsItRunning) {
  Version v = NewVersion(kVersionRunning);
  auto root = lifecycle().Register(v);
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(Root(*root).parameters["state"], kVersionRunning);
}

TEST_F(LifecycleTreesTest, ANewVersionCannotBeRegisteredOrStarted) {
  Version v = NewVersion(kVersionNew);
  for (auto result : {lifecycle().Register(v), lifecycle().Start(v)}) {
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_NE(result.status().message().find("not prepared"), std::string::npos);
  }
}

TEST_F(LifecycleTreesTest, NoTreeBeforeThePacemakerKnowsItsOwnUuid) {
  Version v = NewVersion(kVersionPrepared);
  ctx_->node_uuid.Set("");
  auto root = lifecycle().Register(v);
  ASSERT_FALSE(root.ok());
  EXPECT_EQ(root.status().code(), StatusCode::kUnavailable);
}

TEST_F(LifecycleTreesTest, StartSelectsInModeStartUnderARunningVersionState) {
  Version v = NewVersion(kVersionReady);
  auto root = lifecycle().Start(v);
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(Render(*root),
            "version.state @pacemaker\n"
            "  placement.select @pacemaker\n"
            "  placement.select @pacemaker\n");
  jobs::TreeSnapshot tree = Read(*root);
  EXPECT_EQ(Root(*root).parameters["state"], kVersionRunning);
  for (const auto& job : tree.jobs) {
    if (job.type == t::kSelect) {
      EXPECT_EQ(job.parameters["mode"], "start");
    }
  }
}

TEST_F(LifecycleTreesTest, StopStopsActiveInstancesAndSkipsDeadHearts) {
  Version v = NewVersion(kVersionRunning);
  model::Node h1 = HeartNamed("h1");
  model::Node gone = HeartNamed("gone", model::kNodeDown);
  Place(Type(v, "web"), h1, kInstanceRunning);
  Place(Type(v, "web"), gone, kInstanceRunning);
  Place(Type(v, "worker"), h1, kInstanceRegistered);  // registered only: nothing to stop
  auto root = lifecycle().Stop(v);
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(Render(*root),
            "version.state @pacemaker\n"
            "  instance.state @pacemaker\n"
            "    heart.stop @h1\n"
            "      routing.update @pacemaker\n"
            "  instance.state @pacemaker\n"
            "    routing.update @pacemaker\n");
  EXPECT_EQ(Root(*root).parameters["state"], kVersionReady);
}

TEST_F(LifecycleTreesTest, OnlyARunningOrReadyVersionCanBeStopped) {
  Version v = NewVersion(kVersionPrepared);
  auto root = lifecycle().Stop(v);
  ASSERT_FALSE(root.ok());
  EXPECT_EQ(root.status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(LifecycleTreesTest, DeregisterForgetsEveryLiveInstance) {
  Version v = NewVersion(kVersionReady);
  model::Node h1 = HeartNamed("h1");
  model::Node gone = HeartNamed("gone", model::kNodeDown);
  Place(Type(v, "web"), h1, kInstanceRegistered);
  Place(Type(v, "web"), gone, kInstanceRegistered);
  Place(Type(v, "worker"), h1, kInstanceDeregistered);  // already gone
  auto root = lifecycle().Deregister(v);
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(Render(*root),
            "version.state @pacemaker\n"
            "  instance.state @pacemaker\n"
            "  instance.state @pacemaker\n"
            "    heart.deregister @h1\n");
  EXPECT_EQ(Root(*root).parameters["state"], kVersionPrepared);
  jobs::TreeSnapshot tree = Read(*root);
  EXPECT_NE(Find(tree, t::kInstanceState, {{"state", kInstanceDeregistered}}), nullptr);

  Version running = NewVersion(kVersionRunning);
  auto refused = lifecycle().Deregister(running);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(LifecycleTreesTest, MakeCurrentSwitchesRoutesThenSwapsExclusiveInstances) {
  model::Node h1 = HeartNamed("h1");
  Version old_version = NewVersion(kVersionRunning);
  ASSERT_TRUE(ctx_->apps.MakeCurrent(old_version.id).ok());
  Instance old_web = Place(Type(old_version, "web"), h1, kInstanceRunning);
  Instance old_worker = Place(Type(old_version, "worker"), h1, kInstanceRunning);
  Version v = NewVersion(kVersionRunning);

  auto root = lifecycle().MakeCurrent(v);
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  // Runs bottom-up: the old exclusive worker stops, the new one starts, the
  // current hostnames switch to v, and only then do v-1's current routes go.
  EXPECT_EQ(Render(*root),
            "group @pacemaker\n"
            "  routing.update @pacemaker\n"
            "    version.current @pacemaker\n"
            "      group @pacemaker\n"
            "        placement.select @pacemaker\n"
            "          group @pacemaker\n"
            "            instance.state @pacemaker\n"
            "              heart.stop @h1\n"
            "                routing.update @pacemaker\n");
  jobs::TreeSnapshot tree = Read(*root);
  const jobs::Job* remove = Find(tree, t::kRoutingUpdate, {{"which", "current"}});
  ASSERT_NE(remove, nullptr);
  EXPECT_EQ(remove->parameters["operation"], "remove");
  std::vector<std::string> removed = remove->parameters["instance_ids"];
  std::sort(removed.begin(), removed.end());
  std::vector<std::string> old_ids = {old_web.id, old_worker.id};
  std::sort(old_ids.begin(), old_ids.end());
  EXPECT_EQ(removed, old_ids);
  const jobs::Job* select = Find(tree, t::kSelect);
  ASSERT_NE(select, nullptr);
  EXPECT_EQ(select->parameters,
            json({{"instance_type_id", Type(v, "worker").id}, {"mode", "start"}, {"force_exclusive", true}}));
  const jobs::Job* stop = Find(tree, t::kHeartStop);
  ASSERT_NE(stop, nullptr);
  EXPECT_EQ(stop->parameters["instance_id"], old_worker.id);
  const jobs::Job* current = Find(tree, t::kVersionCurrent);
  ASSERT_NE(current, nullptr);
  EXPECT_EQ(current->parameters, json({{"version_id", v.id}}));
}

TEST_F(LifecycleTreesTest, TheFirstCurrentVersionHasNoRoutesToRemove) {
  Version v = NewVersion(kVersionRunning);
  auto root = lifecycle().MakeCurrent(v);
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(Render(*root),
            "group @pacemaker\n"
            "  version.current @pacemaker\n"
            "    group @pacemaker\n"
            "      placement.select @pacemaker\n"
            "        group @pacemaker\n");
}

TEST_F(LifecycleTreesTest, OnlyARunningVersionCanBeMadeCurrent) {
  Version v = NewVersion(kVersionReady);
  auto root = lifecycle().MakeCurrent(v);
  ASSERT_FALSE(root.ok());
  EXPECT_EQ(root.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(root.status().message().find("start it"), std::string::npos);
}

TEST_F(LifecycleTreesTest, DeleteVersionIsOneJobAndOnlyForAnIdleVersion) {
  Version v = NewVersion(kVersionPrepared);
  auto root = lifecycle().DeleteVersion(v);
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(Render(*root), "version.delete @pacemaker\n");
  EXPECT_EQ(Root(*root).parameters, json({{"version_id", v.id}}));
  EXPECT_EQ(TagsOf(*root), VersionTags(v));

  Version ready = NewVersion(kVersionReady);
  EXPECT_EQ(lifecycle().DeleteVersion(ready).status().code(), StatusCode::kFailedPrecondition);
  Version current = NewVersion(kVersionPrepared);
  ASSERT_TRUE(ctx_->apps.MakeCurrent(current.id).ok());
  auto refused = lifecycle().DeleteVersion(Reload(current));
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("is current"), std::string::npos);
}

TEST_F(LifecycleTreesTest, DeleteApplicationIsOneJobOnceNoVersionIsRegistered) {
  NewVersion(kVersionPrepared);
  auto root = lifecycle().DeleteApplication(app_);
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(Render(*root), "application.delete @pacemaker\n");
  EXPECT_EQ(TagsOf(*root), (std::set<std::string>{"workspace:" + workspace_.id, "application:" + app_.id}));

  NewVersion(kVersionReady);
  auto refused = lifecycle().DeleteApplication(app_);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
}

TEST_F(LifecycleTreesTest, MoreQuantitySelectsLocations) {
  Version v = NewVersion(kVersionRunning);
  InstanceType web = Type(v, "web");
  Place(web, HeartNamed("h1"), kInstanceRunning);
  auto root = lifecycle().ChangeQuantity(web, 3);
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  ASSERT_TRUE(root->has_value());
  EXPECT_EQ(Render(**root),
            "group @pacemaker\n"
            "  placement.select @pacemaker\n");
  jobs::TreeSnapshot tree = Read(**root);
  const jobs::Job* select = Find(tree, t::kSelect);
  ASSERT_NE(select, nullptr);
  EXPECT_EQ(select->parameters, json({{"instance_type_id", web.id}, {"mode", "start"}}));
  auto stored = ctx_->apps.FindInstanceType(web.id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->quantity, 3);
}

TEST_F(LifecycleTreesTest, LessQuantityRemovesTheSurplus) {
  Version v = NewVersion(kVersionReady);
  InstanceType web = Type(v, "web");
  model::Node h1 = HeartNamed("h1");
  model::Node h2 = HeartNamed("h2");
  Place(web, h1, kInstanceRegistered);
  Place(web, h1, kInstanceRegistered);
  Place(web, h2, kInstanceRegistered);
  auto root = lifecycle().ChangeQuantity(web, 1);
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  ASSERT_TRUE(root->has_value());
  // One from h1 (it held two) goes first, then either; h2 or h1 keeps one.
  std::string shape = Render(**root);
  EXPECT_EQ(std::count(shape.begin(), shape.end(), '\n'), 11) << shape;
  EXPECT_NE(shape.find("  instance.state @pacemaker\n"
                       "    heart.deregister @h1\n"
                       "      instance.state @pacemaker\n"
                       "        heart.stop @h1\n"
                       "          routing.update @pacemaker\n"),
            std::string::npos)
      << shape;
}

TEST_F(LifecycleTreesTest, QuantityOfAnIdleVersionIsOnlyStored) {
  Version v = NewVersion(kVersionPrepared);
  InstanceType web = Type(v, "web");
  auto root = lifecycle().ChangeQuantity(web, 4);
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_FALSE(root->has_value());
  auto stored = ctx_->apps.FindInstanceType(web.id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->quantity, 4);
}

TEST_F(LifecycleTreesTest, RemoveInstancesSkipsTheHeartsThatAreGone) {
  Version v = NewVersion(kVersionRunning);
  InstanceType web = Type(v, "web");
  Instance on_live = Place(web, HeartNamed("h1"), kInstanceRunning);
  Instance on_dead = Place(web, HeartNamed("gone", model::kNodeDown), kInstanceRunning);
  auto root = lifecycle().RemoveInstances(web, {on_live, on_dead}, "Remove two");
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(Render(*root),
            "group @pacemaker\n"
            "  instance.state @pacemaker\n"
            "    heart.deregister @h1\n"
            "      instance.state @pacemaker\n"
            "        heart.stop @h1\n"
            "          routing.update @pacemaker\n"
            "  instance.state @pacemaker\n"
            "    instance.state @pacemaker\n"
            "      routing.update @pacemaker\n");
  EXPECT_EQ(Root(*root).title, "Remove two");
}

TEST_F(LifecycleTreesTest, StartTypeIsAGroupOverOneSelect) {
  Version v = NewVersion(kVersionRunning);
  InstanceType web = Type(v, "web");
  auto root = lifecycle().StartType(web, "Top up web");
  ASSERT_TRUE(root.ok()) << root.status().ToString();
  EXPECT_EQ(Render(*root),
            "group @pacemaker\n"
            "  placement.select @pacemaker\n");
  jobs::TreeSnapshot tree = Read(*root);
  const jobs::Job* select = Find(tree, t::kSelect);
  ASSERT_NE(select, nullptr);
  EXPECT_EQ(select->parameters, json({{"instance_type_id", web.id}, {"mode", "start"}}));
}

}  // namespace
}  // namespace paasmaker::pacemaker::lifecycle
