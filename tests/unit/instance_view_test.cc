// LoadInstance, HostnamesOf and BuildInstanceSpec over a real SQLite store:
// what a heart is told about an instance, and which hostnames route to it.
#include "pacemaker/lifecycle/instance_view.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lifecycle_fixture.h"

namespace paasmaker::pacemaker::lifecycle {
namespace {

using nlohmann::json;

class InstanceViewTest : public LifecycleTest {
 protected:
  InstanceSources Sources() { return InstanceSources{ctx_->apps, ctx_->workspaces, ctx_->nodes}; }
  // The spec as the register job carries it.
  Result<json> SpecJson(const InstanceView& view) {
    PM_ASSIGN_OR_RETURN(model::InstanceSpec spec, BuildInstanceSpec(ctx_->apps, view));
    return model::ToJson(spec);
  }
  InstanceView Load(const std::string& instance_id) {
    auto view = LoadInstance(Sources(), instance_id);
    EXPECT_TRUE(view.ok()) << view.status().ToString();
    return view.ok() ? *view : InstanceView{};
  }

  void SaveService(const std::string& name, const std::string& plugin, json credentials) {
    Service service{.id = {}, .application_id = app_.id, .name = name, .plugin = plugin};
    service.credentials = std::move(credentials);
    ASSERT_TRUE(ctx_->apps.SaveService(service).ok());
  }
};

TEST_F(InstanceViewTest, LoadInstanceGathersEverythingAboutIt) {
  Version v = NewVersion(kVersionReady);
  model::Node heart = Heart("h1");
  Instance instance = Place(Type(v, "web"), heart, kInstanceRunning);
  InstanceView view = Load(instance.id);
  EXPECT_EQ(view.instance.id, instance.id);
  EXPECT_EQ(view.instance.state, kInstanceRunning);
  EXPECT_EQ(view.type.name, "web");
  EXPECT_EQ(view.version.id, v.id);
  EXPECT_EQ(view.application.id, app_.id);
  EXPECT_EQ(view.workspace.stub, "blue");
  ASSERT_TRUE(view.node.has_value());
  EXPECT_EQ(view.node->name, "h1");
}

TEST_F(InstanceViewTest, AnInstanceOnAForgottenNodeLoadsWithoutIt) {
  Version v = NewVersion(kVersionReady);
  model::Node ghost;
  ghost.uuid = "never-registered";
  Instance instance = Place(Type(v, "web"), ghost, kInstanceRunning);
  InstanceView view = Load(instance.id);
  EXPECT_FALSE(view.node.has_value());

  auto spec = SpecJson(view);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ((*spec)["node_tags"], json::object());
}

TEST_F(InstanceViewTest, AnUnknownInstanceIsNotFound) {
  auto view = LoadInstance(Sources(), "no-such-instance");
  ASSERT_FALSE(view.ok());
  EXPECT_EQ(view.status().code(), StatusCode::kNotFound);
}

TEST_F(InstanceViewTest, HostnamesFollowWhetherTheVersionIsCurrent) {
  Version v = NewVersion(kVersionRunning);
  Instance instance = Place(Type(v, "web"), Heart("h1"), kInstanceRunning);
  const std::string cluster = "pm.example.net";
  const std::string version_host = "1.web.shop.blue.pm.example.net";
  const std::string type_host = "web.shop.blue.pm.example.net";

  InstanceView view = Load(instance.id);
  EXPECT_EQ(HostnamesOf(view, cluster, HostnameSet::kAll), (std::vector<std::string>{version_host}));
  EXPECT_EQ(HostnamesOf(view, cluster, HostnameSet::kCurrent),
            (std::vector<std::string>{type_host, "shop.example.com"}));
  EXPECT_EQ(HostnamesOf(view, cluster, HostnameSet::kEvery),
            (std::vector<std::string>{version_host, type_host, "shop.example.com"}));

  ASSERT_TRUE(ctx_->apps.MakeCurrent(v.id).ok());
  InstanceView current = Load(instance.id);
  EXPECT_EQ(HostnamesOf(current, cluster, HostnameSet::kAll),
            (std::vector<std::string>{version_host, type_host, "shop.example.com"}));
}

TEST_F(InstanceViewTest, TheSpecTellsTheHeartHowToRunTheInstance) {
  Version v = NewVersion(kVersionReady);
  ASSERT_TRUE(ctx_->apps.SetVersionPackage(v.id, "/data/packages/p.tar.gz", "sha256:abcd", 1234).ok());
  model::Node heart = Heart("h1");
  Instance instance = Place(Type(v, "web"), heart, kInstanceAllocated);
  auto spec = SpecJson(Load(instance.id));
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  const json& s = *spec;

  EXPECT_EQ(s["instance_id"], instance.id);
  EXPECT_EQ(s["instance_type_id"], instance.instance_type_id);
  EXPECT_EQ(s["version_id"], v.id);
  EXPECT_EQ(s["instance_type"], "web");
  EXPECT_EQ(s["application"], json({{"application_id", app_.id},
                                    {"name", "shop"},
                                    {"version", 1},
                                    {"version_id", v.id},
                                    {"workspace", "Team Blue"},
                                    {"workspace_stub", "blue"}}));
  EXPECT_EQ(s["workspace_tags"], json({{"tier", "dev"}}));
  EXPECT_EQ(s["node_tags"], json({{"zone", "h1"}}));
  EXPECT_EQ(s["runtime"], json({{"plugin", "paasmaker.runtime.shell"},
                                {"version", "1"},
                                {"parameters", {{"launch_command", "python3 app.py %(port)d"}}}}));
  ASSERT_EQ(s["startup"].size(), 1u);
  EXPECT_EQ(s["startup"][0]["plugin"], "paasmaker.startup.shell");
  EXPECT_EQ(s["standalone"], false);
  EXPECT_EQ(s["exclusive"], false);
  EXPECT_EQ(s["package"],
            json({{"url", "/api/v1/node/packages/" + v.id}, {"checksum", "sha256:abcd"}, {"size", 1234}}));
  EXPECT_EQ(s["package"].dump().find("/data/packages"), std::string::npos) << "the pacemaker's path stays private";
  EXPECT_EQ(s["services"], json::object()) << "no service exists yet";

  auto worker = SpecJson(Load(Place(Type(v, "worker"), heart, kInstanceAllocated).id));
  ASSERT_TRUE(worker.ok());
  EXPECT_EQ((*worker)["standalone"], true);
  EXPECT_EQ((*worker)["exclusive"], true);
}

TEST_F(InstanceViewTest, TheSpecCarriesOnlyTheServicesTheVersionDeclares) {
  SaveService("settings", "paasmaker.service.parameters", {{"greeting", "hello"}});
  SaveService("legacy", "paasmaker.service.parameters", {{"old", true}});  // not in this manifest
  Version v = NewVersion(kVersionReady);
  Instance instance = Place(Type(v, "web"), Heart("h1"), kInstanceAllocated);
  auto spec = SpecJson(Load(instance.id));
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ((*spec)["services"],
            json({{"settings", {{"greeting", "hello"}, {"provider", "paasmaker.service.parameters"}}}}));
}

}  // namespace
}  // namespace paasmaker::pacemaker::lifecycle
