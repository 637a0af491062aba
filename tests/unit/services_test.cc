// Service plugins against real files and real redis-servers.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/files.h"
#include "core/ids.h"
#include "core/redis_client.h"
#include "pacemaker/pacemaker_context.h"
#include "pacemaker/services/application_services.h"
#include "pacemaker/services/service_daemons.h"
#include "pacemaker/services/service_plugin.h"
#include "pacemaker/store/schema.h"
#include "temp_dir.h"

namespace paasmaker::pacemaker::services {
namespace {

using nlohmann::json;

class ServicesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ids::Initialize().ok());
    config_.data_dir = dir_.path();
    auto port = testing::FreeTestPortRange(41);  // service_ports below
    ASSERT_TRUE(port.ok());
    config_.service_ports_minimum = *port;
    config_.service_ports_maximum = *port + 40;
    auto db = sql::Open("sqlite://" + dir_.path() + "/pacemaker.db");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE(sql::Migrate(**db, SchemaMigrations()).ok());
    daemons_ = std::make_unique<ServiceDaemons>(config_.DataDir(), config_.service_ports_minimum,
                                                config_.service_ports_maximum);
    ctx_ = std::make_unique<PacemakerContext>(config_, std::move(*db), "node-token", registry_, daemons_.get());
    auto ws = ctx_->workspaces.Create("Test", "test", json::object());
    ASSERT_TRUE(ws.ok()) << ws.status().ToString();
    auto app = ctx_->apps.FindOrCreateApplication(ws->id, "app");
    ASSERT_TRUE(app.ok()) << app.status().ToString();
    app_id_ = app->id;
  }
  void TearDown() override {
    if (daemons_) daemons_->StopAll();
  }

  Result<Service> Ensure(const std::string& name, const std::string& plugin, json parameters, bool* created) {
    model::ManifestService wanted{name, plugin, std::move(parameters)};
    return CreateOrUpdateService(ctx_->apps, MakeServiceContext(ctx_->config, daemons_.get()), app_id_, wanted, created);
  }

  testing::TempDir dir_{"pm-services"};
  config::NodeConfig config_;
  jobs::JobRegistry registry_;  // no trees are launched here
  std::unique_ptr<PacemakerContext> ctx_;
  std::unique_ptr<ServiceDaemons> daemons_;
  std::string app_id_;
};

bool Pings(int port, const std::string& password) {
  redis::Client client({"127.0.0.1", port, password}, std::chrono::milliseconds(500));
  auto reply = client.Command({"PING"});
  return reply.ok() && reply->str == "PONG";
}

TEST_F(ServicesTest, ParametersAreTheCredentials) {
  bool created = false;
  auto service = Ensure("settings", "paasmaker.service.parameters", {{"greeting", "hello"}}, &created);
  ASSERT_TRUE(service.ok()) << service.status().ToString();
  EXPECT_TRUE(created);
  EXPECT_EQ(service->credentials, json({{"greeting", "hello"}}));
  auto again = Ensure("settings", "paasmaker.service.parameters", {{"greeting", "bye"}}, &created);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(created);
  EXPECT_EQ(again->id, service->id);
  EXPECT_EQ(again->credentials["greeting"], "bye");
  auto env = ServicesEnvironment(ctx_->apps, app_id_);
  ASSERT_TRUE(env.ok());
  EXPECT_EQ((*env)["settings"]["greeting"], "bye");
  EXPECT_EQ((*env)["settings"]["provider"], "paasmaker.service.parameters");
}

TEST_F(ServicesTest, PluginCannotChange) {
  bool created = false;
  ASSERT_TRUE(Ensure("s", "paasmaker.service.parameters", json::object(), &created).ok());
  auto changed = Ensure("s", "paasmaker.service.filesystem", json::object(), &created);
  ASSERT_FALSE(changed.ok());
  EXPECT_NE(changed.status().message().find("cannot change its plugin"), std::string::npos);
}

TEST_F(ServicesTest, FilesystemDirectoryIsKeptAndRemoved) {
  bool created = false;
  auto service = Ensure("files", "paasmaker.service.filesystem", json::object(), &created);
  ASSERT_TRUE(service.ok()) << service.status().ToString();
  std::string directory = service->credentials["directory"];
  EXPECT_EQ(directory, config_.DataDir() + "/services/filesystem/" + service->id);
  ASSERT_TRUE(std::filesystem::is_directory(directory));
  ASSERT_TRUE(files::WriteFileAtomically(directory + "/kept", "data").ok());
  auto again = Ensure("files", "paasmaker.service.filesystem", json::object(), &created);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(files::Exists(directory + "/kept"));

  ASSERT_TRUE(RemoveApplicationServices(ctx_->apps, MakeServiceContext(ctx_->config, daemons_.get()), app_id_).ok());
  EXPECT_FALSE(files::Exists(directory));
  auto left = ctx_->apps.ListServices(app_id_);
  ASSERT_TRUE(left.ok());
  EXPECT_TRUE(left->empty());
}

// pacemaker.filesystem_directory (a shared mount on a cluster) holds the
// directories; every instance uid may write in its application's, and the
// directory above can be passed through but not listed.
TEST_F(ServicesTest, FilesystemDirectoryIsInTheConfiguredSharedDirectoryWritableByInstances) {
  const std::string shared = dir_.path() + "/mnt/shared";
  ServiceContext context{config_.DataDir(), shared, daemons_.get()};
  bool created = false;
  auto service = CreateOrUpdateService(ctx_->apps, context, app_id_,
                                       model::ManifestService{"files", "paasmaker.service.filesystem", json::object()},
                                       &created);
  ASSERT_TRUE(service.ok()) << service.status().ToString();
  std::string directory = service->credentials["directory"];
  EXPECT_EQ(directory, shared + "/" + service->id);
  auto mode = [](const std::string& path) {
    return std::filesystem::status(path).permissions() & std::filesystem::perms::all;
  };
  EXPECT_EQ(mode(directory), std::filesystem::perms::all);
  using p = std::filesystem::perms;
  EXPECT_EQ(mode(shared), p::owner_all | p::group_exec | p::others_exec);
  ASSERT_TRUE(FindServicePlugin("paasmaker.service.filesystem")->Remove(*service, context).ok());
  EXPECT_FALSE(files::Exists(directory));
}

TEST_F(ServicesTest, ManagedRedisAnswersWithItsPasswordKeepsItAndIsRemoved) {
  bool created = false;
  auto service = Ensure("cache", "paasmaker.service.managedredis", json::object(), &created);
  ASSERT_TRUE(service.ok()) << service.status().ToString();
  const json& c = service->credentials;
  ASSERT_TRUE(c.contains("port") && c.contains("password") && c.contains("host"));
  int port = c["port"];
  std::string password = c["password"];
  EXPECT_EQ(c["host"], "127.0.0.1");
  EXPECT_GE(port, config_.service_ports_minimum);
  EXPECT_LE(port, config_.service_ports_maximum);
  EXPECT_GE(password.size(), 32u);
  EXPECT_TRUE(Pings(port, password));
  EXPECT_FALSE(Pings(port, "")) << "the redis must require its password";
  // The config file holds the password: private.
  std::string dir = config_.DataDir() + "/services/redis/" + service->id;
  EXPECT_EQ(std::filesystem::status(dir + "/redis.conf").permissions() & std::filesystem::perms::others_read,
            std::filesystem::perms::none);

  // A second service gets another port.
  auto other = Ensure("other", "paasmaker.service.managedredis", json::object(), &created);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  EXPECT_NE(other->credentials["port"], port);

  // An update keeps port and password.
  auto again = Ensure("cache", "paasmaker.service.managedredis", json::object(), &created);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(created);
  EXPECT_EQ(again->credentials, c);

  // A pacemaker restart starts it again with the same settings.
  daemons_->StopAll();
  EXPECT_FALSE(Pings(port, password));
  daemons_ = std::make_unique<ServiceDaemons>(config_.DataDir(), config_.service_ports_minimum,
                                              config_.service_ports_maximum);
  ASSERT_TRUE(StartManagedServices(ctx_->workspaces, ctx_->apps, *daemons_).ok());
  EXPECT_TRUE(Pings(port, password));

  ASSERT_TRUE(RemoveApplicationServices(ctx_->apps, MakeServiceContext(ctx_->config, daemons_.get()), app_id_).ok());
  EXPECT_FALSE(Pings(port, password));
  EXPECT_FALSE(files::Exists(dir));
  EXPECT_FALSE(daemons_->IsRunning(service->id));
}

TEST_F(ServicesTest, ManagedRedisNeedsThePacemaker) {
  model::ManifestService wanted{"cache", "paasmaker.service.managedredis", json::object()};
  bool created = false;
  auto service = CreateOrUpdateService(ctx_->apps, MakeServiceContext(ctx_->config, nullptr), app_id_, wanted, &created);
  ASSERT_FALSE(service.ok());
  EXPECT_NE(service.status().message().find("pacemaker"), std::string::npos);
}

TEST_F(ServicesTest, UnknownPluginAndBadParameters) {
  bool created = false;
  EXPECT_FALSE(Ensure("x", "paasmaker.service.nope", json::object(), &created).ok());
  auto bad = Ensure("x", "paasmaker.service.parameters", json::array({1}), &created);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("parameters"), std::string::npos);
}

}  // namespace
}  // namespace paasmaker::pacemaker::services
