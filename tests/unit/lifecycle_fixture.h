// LifecycleTest: a PacemakerContext over SQLite in a temp dir with one
// workspace, one application "shop" (types web ×2 and worker, exclusive and
// standalone) and helpers to make versions, hearts and instances. With
// UseJobsRedis() the job store is a real redis-server, so trees the
// lifecycle launches can be read back; nothing runs them. Shared by
// instance_view_test.cc and lifecycle_trees_test.cc.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/ids.h"
#include "jobs/job_registry.h"
#include "pacemaker/pacemaker_context.h"
#include "pacemaker/store/schema.h"
#include "plugins/builtin_plugins.h"
#include "temp_dir.h"
#include "test_redis.h"

namespace paasmaker::pacemaker::lifecycle {

inline constexpr const char kShopManifest[] = R"(manifest:
  format: 1
application:
  name: shop
instances:
  - name: web
    quantity: 2
    runtime:
      plugin: paasmaker.runtime.shell
      version: "1"
      parameters: {launch_command: "python3 app.py %(port)d"}
    startup:
      - plugin: paasmaker.startup.shell
        parameters: {commands: ["./migrate.sh"]}
    hostnames: [shop.example.com]
  - name: worker
    runtime:
      plugin: paasmaker.runtime.shell
      version: "1"
      parameters: {launch_command: "python3 worker.py"}
    exclusive: true
    standalone: true
services:
  - name: settings
    plugin: paasmaker.service.parameters
    parameters: {greeting: hello}
)";

class LifecycleTest : public ::testing::Test {
 protected:
  using json = nlohmann::json;

  // Call before SetUp (from the derived fixture's constructor).
  void UseJobsRedis() { redis_ = std::make_unique<testing::TestRedisServer>(); }

  void SetUp() override {
    ASSERT_TRUE(ids::Initialize().ok());
    config_.data_dir = dir_ / "data";
    config_.my_name = "pacemaker";
    if (redis_) {
      ASSERT_TRUE(redis_->started());
      config_.redis.jobs.port = redis_->port();
    }
    auto db = sql::Open("sqlite://" + dir_.path() + "/pacemaker.db");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE(sql::Migrate(**db, SchemaMigrations()).ok());
    // Every built-in job type, as on a node: the trees the lifecycle
    // launches are validated against it.
    ASSERT_TRUE(plugins::RegisterBuiltinJobs(registry_).ok());
    ctx_ = std::make_unique<PacemakerContext>(config_, std::move(*db), "node-token", registry_, nullptr);
    pacemaker_ = ids::NewUuid();
    ctx_->node_uuid.Set(pacemaker_);
    auto ws = ctx_->workspaces.Create("Team Blue", "blue", {{"tier", "dev"}});
    ASSERT_TRUE(ws.ok()) << ws.status().ToString();
    workspace_ = *ws;
    auto app = ctx_->apps.FindOrCreateApplication(workspace_.id, "shop");
    ASSERT_TRUE(app.ok()) << app.status().ToString();
    app_ = *app;
    auto manifest = model::ParseManifest(kShopManifest, "manifest.yml");
    ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
    manifest_ = *manifest;
  }

  // A new version of shop in `state`, read back from the store.
  Version NewVersion(const std::string& state) {
    auto created = ctx_->apps.CreateVersion(app_.id, manifest_, kShopManifest, "manifest.yml", json::object());
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    if (!created.ok()) return {};
    EXPECT_TRUE(ctx_->apps.SetVersionState(created->id, state).ok());
    return Reload(*created);
  }

  Version Reload(const Version& version) {
    auto found = ctx_->apps.FindVersion(version.id);
    EXPECT_TRUE(found.ok() && found->has_value());
    return found.ok() && found->has_value() ? **found : Version{};
  }

  InstanceType Type(const Version& version, const std::string& name) {
    auto types = ctx_->apps.ListInstanceTypes(version.id);
    EXPECT_TRUE(types.ok());
    if (types.ok()) {
      for (const auto& type : *types) {
        if (type.name == name) return type;
      }
    }
    ADD_FAILURE() << "no instance type " << name;
    return {};
  }

  // A heart named `name` (uuid "uuid-<name>") in `state`.
  model::Node Heart(const std::string& name, const std::string& state = model::kNodeActive, double score = 0.5) {
    model::Node node;
    node.uuid = "uuid-" + name;
    node.name = name;
    node.route = "127.0.0.1";
    node.api_port = 42500;
    node.roles = {"heart"};
    node.tags = {{"zone", name}};
    node.runtimes = {{"paasmaker.runtime.shell", json::array({"1"})}};
    node.score = score;
    node.state = state;
    EXPECT_TRUE(ctx_->nodes.Save(node).ok());
    return node;
  }

  Instance Place(const InstanceType& type, const model::Node& node, const std::string& state) {
    auto instance = ctx_->apps.CreateInstance(type, node.uuid);
    EXPECT_TRUE(instance.ok()) << instance.status().ToString();
    if (!instance.ok()) return {};
    EXPECT_TRUE(ctx_->apps.SetInstanceState(instance->id, state).ok());
    instance->state = state;
    return *instance;
  }

  testing::TempDir dir_{"pm-lifecycle"};
  std::unique_ptr<testing::TestRedisServer> redis_;
  config::NodeConfig config_;
  jobs::JobRegistry registry_;
  std::unique_ptr<PacemakerContext> ctx_;
  std::string pacemaker_;
  Workspace workspace_;
  Application app_;
  model::Manifest manifest_;
};

}  // namespace paasmaker::pacemaker::lifecycle
