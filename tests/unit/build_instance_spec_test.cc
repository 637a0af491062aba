// BuildInstanceSpec over a real SQLite store gives the typed
// model::InstanceSpec; its JSON is what the heart parses back unchanged.
#include <gtest/gtest.h>

#include <string>

#include "lifecycle_fixture.h"
#include "model/instance_spec.h"
#include "pacemaker/lifecycle/instance_view.h"

namespace paasmaker::pacemaker::lifecycle {
namespace {

using nlohmann::json;

class BuildInstanceSpecTest : public LifecycleTest {
 protected:
  InstanceView Load(const std::string& instance_id) {
    auto view = LoadInstance(InstanceSources{ctx_->apps, ctx_->workspaces, ctx_->nodes}, instance_id);
    EXPECT_TRUE(view.ok()) << view.status().ToString();
    return view.ok() ? *view : InstanceView{};
  }
};

TEST_F(BuildInstanceSpecTest, TheSpecIsTyped) {
  Service service{.id = {}, .application_id = app_.id, .name = "settings", .plugin = "paasmaker.service.parameters"};
  service.credentials = {{"greeting", "hello"}};
  ASSERT_TRUE(ctx_->apps.SaveService(service).ok());
  Version v = NewVersion(kVersionReady);
  ASSERT_TRUE(ctx_->apps.SetVersionPackage(v.id, "/data/packages/p.tar.gz", "abcd", 1234).ok());
  Instance instance = Place(Type(v, "web"), Heart("h1"), kInstanceAllocated);

  auto spec = BuildInstanceSpec(ctx_->apps, Load(instance.id));
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  const model::InstanceSpec& s = *spec;
  EXPECT_EQ(s.instance_id, instance.id);
  EXPECT_EQ(s.instance_type_id, instance.instance_type_id);
  EXPECT_EQ(s.version_id, v.id);
  EXPECT_EQ(s.application.application_id, app_.id);
  EXPECT_EQ(s.application.name, "shop");
  EXPECT_EQ(s.application.version, 1);
  EXPECT_EQ(s.application.version_id, v.id);
  EXPECT_EQ(s.application.workspace, "Team Blue");
  EXPECT_EQ(s.application.workspace_stub, "blue");
  EXPECT_EQ(s.workspace_tags, json({{"tier", "dev"}}));
  EXPECT_EQ(s.node_tags, json({{"zone", "h1"}}));
  EXPECT_EQ(s.instance_type, "web");
  EXPECT_EQ(s.runtime.plugin, "paasmaker.runtime.shell");
  EXPECT_EQ(s.runtime.version, "1");
  EXPECT_EQ(s.runtime.parameters, json({{"launch_command", "python3 app.py %(port)d"}}));
  ASSERT_EQ(s.startup.size(), 1u);
  EXPECT_EQ(s.startup[0].plugin, "paasmaker.startup.shell");
  EXPECT_EQ(s.startup[0].parameters, json({{"commands", {"./migrate.sh"}}}));
  EXPECT_FALSE(s.standalone);
  EXPECT_FALSE(s.exclusive);
  EXPECT_EQ(s.package.url, "/api/v1/node/packages/" + v.id);
  EXPECT_EQ(s.package.checksum, "abcd");
  EXPECT_EQ(s.package.size, 1234);
  EXPECT_EQ(s.services, json({{"settings", {{"greeting", "hello"}, {"provider", "paasmaker.service.parameters"}}}}));

  // What the heart receives parses back into the same spec.
  auto parsed = model::ParseInstanceSpec(model::ToJson(s));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, s);

  auto worker = BuildInstanceSpec(ctx_->apps, Load(Place(Type(v, "worker"), Heart("h2"), kInstanceAllocated).id));
  ASSERT_TRUE(worker.ok()) << worker.status().ToString();
  EXPECT_TRUE(worker->standalone);
  EXPECT_TRUE(worker->exclusive);
  EXPECT_TRUE(worker->startup.empty());
}

TEST_F(BuildInstanceSpecTest, AnInstanceOnAnUnknownNodeHasNoNodeTags) {
  Version v = NewVersion(kVersionReady);
  model::Node ghost;
  ghost.uuid = "never-registered";
  Instance instance = Place(Type(v, "web"), ghost, kInstanceAllocated);
  auto spec = BuildInstanceSpec(ctx_->apps, Load(instance.id));
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->node_tags, json::object());
}

}  // namespace
}  // namespace paasmaker::pacemaker::lifecycle
