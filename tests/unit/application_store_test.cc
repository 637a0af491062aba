// ApplicationStore on both SQL backends: every TEST_P runs on SQLite in a
// temp dir and on the shared throwaway PostgreSQL (test_databases.h), over
// the real schema migrations, so the two cannot drift apart unnoticed.
#include "pacemaker/store/application_store.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/ids.h"
#include "pacemaker/store/schema.h"
#include "pacemaker/store/workspace_store.h"
#include "temp_dir.h"
#include "test_databases.h"

namespace paasmaker::pacemaker {
namespace {

using nlohmann::json;
namespace support = paasmaker::testing;

// Two instance types (sorted: web before worker) and one service.
const char kManifest[] = R"(manifest:
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
    placement: {plugin: paasmaker.placement.default, parameters: {tags: {zone: a}}}
    hostnames: [shop.example.com, "*.shop.example.com"]
    crons:
      - {runspec: "*/5 * * * *", uri: /tasks/cleanup}
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

class ApplicationStoreTest : public ::testing::TestWithParam<support::Backend> {
 protected:
  void SetUp() override {
    auto db = support::OpenPacemakerDatabase(GetParam(), dir_.path());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    workspaces_ = std::make_unique<WorkspaceStore>(*db_);
    apps_ = std::make_unique<ApplicationStore>(*db_);
    auto ws = workspaces_->Create("Team Blue", "blue", json::object());
    ASSERT_TRUE(ws.ok()) << ws.status().ToString();
    workspace_ = ws->id;
    auto manifest = model::ParseManifest(kManifest, "manifest.yml");
    ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
    manifest_ = *manifest;
  }

  Application App(const std::string& name) {
    auto app = apps_->FindOrCreateApplication(workspace_, name);
    EXPECT_TRUE(app.ok()) << app.status().ToString();
    return app.ok() ? *app : Application{};
  }

  Version NewVersion(const std::string& application_id) {
    auto version = apps_->CreateVersion(application_id, manifest_, kManifest, "manifest.yml",
                                        {{"plugin", "paasmaker.scm.tarball"}, {"parameters", {{"upload", "u1"}}}});
    EXPECT_TRUE(version.ok()) << version.status().ToString();
    return version.ok() ? *version : Version{};
  }

  InstanceType TypeNamed(const std::string& version_id, const std::string& name) {
    auto types = apps_->ListInstanceTypes(version_id);
    EXPECT_TRUE(types.ok()) << types.status().ToString();
    if (types.ok()) {
      for (const auto& type : *types) {
        if (type.name == name) return type;
      }
    }
    ADD_FAILURE() << "no instance type " << name;
    return {};
  }

  int64_t Count(const std::string& table) {
    auto rows = db_->Query("SELECT COUNT(*) AS n FROM " + table);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() && !rows->empty() ? rows->front().GetInt("n") : -1;
  }

  support::TempDir dir_{"pm-appstore"};
  std::unique_ptr<sql::Database> db_;
  std::unique_ptr<WorkspaceStore> workspaces_;
  std::unique_ptr<ApplicationStore> apps_;
  std::string workspace_;
  model::Manifest manifest_;
};

INSTANTIATE_TEST_SUITE_P(Backends, ApplicationStoreTest, support::BothBackends(), support::BackendParamName);

TEST_P(ApplicationStoreTest, FindOrCreateApplicationIsOnePerNameAndWorkspace) {
  Application first = App("shop");
  Application again = App("shop");
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(again.created, first.created);

  auto other_ws = workspaces_->Create("Team Red", "red", json::object());
  ASSERT_TRUE(other_ws.ok());
  auto elsewhere = apps_->FindOrCreateApplication(other_ws->id, "shop");
  ASSERT_TRUE(elsewhere.ok());
  EXPECT_NE(elsewhere->id, first.id);

  App("blog");
  auto listed = apps_->ListApplications(workspace_);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].name, "blog");  // by name
  EXPECT_EQ((*listed)[1].name, "shop");

  auto by_name = apps_->FindApplicationByName(workspace_, "shop");
  ASSERT_TRUE(by_name.ok());
  ASSERT_TRUE(by_name->has_value());
  EXPECT_EQ((*by_name)->id, first.id);
  auto missing = apps_->FindApplicationByName(workspace_, "nothing");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_P(ApplicationStoreTest, VersionsAreNumberedPerApplicationAndStartNew) {
  Application shop = App("shop");
  Application blog = App("blog");
  EXPECT_EQ(NewVersion(shop.id).number, 1);
  EXPECT_EQ(NewVersion(shop.id).number, 2);
  EXPECT_EQ(NewVersion(blog.id).number, 1);
  Version third = NewVersion(shop.id);
  EXPECT_EQ(third.number, 3);

  auto found = apps_->FindVersion(third.id);
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  const Version& v = **found;
  EXPECT_EQ(v.state, kVersionNew);
  EXPECT_FALSE(v.is_current);
  EXPECT_EQ(v.manifest, kManifest);
  EXPECT_EQ(v.manifest_path, "manifest.yml");
  EXPECT_EQ(v.source["parameters"]["upload"], "u1");

  auto listed = apps_->ListVersions(shop.id);
  ASSERT_TRUE(listed.ok());
  std::vector<int64_t> numbers;
  for (const auto& version : *listed) numbers.push_back(version.number);
  EXPECT_EQ(numbers, (std::vector<int64_t>{1, 2, 3}));
}

TEST_P(ApplicationStoreTest, ConcurrentDeploysNeverShareAVersionNumber) {
  Application shop = App("shop");
  constexpr int kThreads = 4;
  constexpr int kEach = 5;
  std::vector<std::thread> threads;
  std::vector<std::vector<int64_t>> numbers(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto v = apps_->CreateVersion(shop.id, manifest_, kManifest, "manifest.yml", json::object());
        if (v.ok()) numbers[t].push_back(v->number);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<int64_t> all;
  for (const auto& list : numbers) all.insert(list.begin(), list.end());
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kEach));
  EXPECT_EQ(*all.begin(), 1);
  EXPECT_EQ(*all.rbegin(), kThreads * kEach);
}

TEST_P(ApplicationStoreTest, InstanceTypesAreCopiedFromTheManifest) {
  Version v = NewVersion(App("shop").id);
  auto types = apps_->ListInstanceTypes(v.id);
  ASSERT_TRUE(types.ok());
  ASSERT_EQ(types->size(), 2u);
  const InstanceType& web = (*types)[0];
  const InstanceType& worker = (*types)[1];
  EXPECT_EQ(web.name, "web");
  EXPECT_EQ(web.version_id, v.id);
  EXPECT_EQ(web.quantity, 2);
  EXPECT_EQ(web.runtime_plugin, "paasmaker.runtime.shell");
  EXPECT_EQ(web.runtime_version, "1");
  EXPECT_EQ(web.runtime_parameters["launch_command"], "python3 app.py %(port)d");
  ASSERT_EQ(web.startup.size(), 1u);
  EXPECT_EQ(web.startup[0]["plugin"], "paasmaker.startup.shell");
  EXPECT_EQ(web.startup[0]["parameters"]["commands"][0], "./migrate.sh");
  EXPECT_EQ(web.placement["plugin"], "paasmaker.placement.default");
  EXPECT_EQ(web.placement["parameters"]["tags"]["zone"], "a");
  EXPECT_EQ(web.hostnames, (std::vector<std::string>{"shop.example.com", "*.shop.example.com"}));
  ASSERT_EQ(web.crons.size(), 1u);
  EXPECT_EQ(web.crons[0]["runspec"], "*/5 * * * *");
  EXPECT_EQ(web.crons[0]["uri"], "/tasks/cleanup");
  EXPECT_FALSE(web.exclusive);
  EXPECT_FALSE(web.standalone);
  EXPECT_EQ(worker.name, "worker");
  EXPECT_EQ(worker.quantity, 1);
  EXPECT_TRUE(worker.exclusive);
  EXPECT_TRUE(worker.standalone);

  auto found = apps_->FindInstanceType(web.id);
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->hostnames, web.hostnames);
}

TEST_P(ApplicationStoreTest, AVersionOfNoApplicationIsRefusedAndLeavesNothing) {
  auto v = apps_->CreateVersion("no-such-application", manifest_, kManifest, "manifest.yml", json::object());
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kFailedPrecondition) << v.status().ToString();
  EXPECT_EQ(Count("versions"), 0);
  EXPECT_EQ(Count("instance_types"), 0);
}

TEST_P(ApplicationStoreTest, OneVersionIsCurrentAtATime) {
  Application shop = App("shop");
  Version one = NewVersion(shop.id);
  Version two = NewVersion(shop.id);
  Version blog = NewVersion(App("blog").id);
  auto none = apps_->CurrentVersion(shop.id);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  ASSERT_TRUE(apps_->MakeCurrent(blog.id).ok());
  ASSERT_TRUE(apps_->MakeCurrent(one.id).ok());
  ASSERT_TRUE(apps_->MakeCurrent(two.id).ok());
  auto current = apps_->CurrentVersion(shop.id);
  ASSERT_TRUE(current.ok());
  ASSERT_TRUE(current->has_value());
  EXPECT_EQ((*current)->id, two.id);
  auto first = apps_->FindVersion(one.id);
  ASSERT_TRUE(first.ok() && first->has_value());
  EXPECT_FALSE((*first)->is_current);
  auto other = apps_->FindVersion(blog.id);
  ASSERT_TRUE(other.ok() && other->has_value());
  EXPECT_TRUE((*other)->is_current) << "another application's current version is left alone";

  Status unknown = apps_->MakeCurrent("no-such-version");
  EXPECT_EQ(unknown.code(), StatusCode::kNotFound) << unknown.ToString();
}

TEST_P(ApplicationStoreTest, VersionFieldsAreUpdatedAndUnknownVersionsAreNotFound) {
  Version v = NewVersion(App("shop").id);
  ASSERT_TRUE(apps_->SetVersionState(v.id, kVersionPrepared).ok());
  ASSERT_TRUE(apps_->SetVersionRevision(v.id, "abc123").ok());
  ASSERT_TRUE(apps_->SetVersionPackage(v.id, "/packages/x.tar.gz", "sha256:ff", 4096).ok());
  auto found = apps_->FindVersion(v.id);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->state, kVersionPrepared);
  EXPECT_EQ((*found)->scm_revision, "abc123");
  EXPECT_EQ((*found)->package_path, "/packages/x.tar.gz");
  EXPECT_EQ((*found)->package_checksum, "sha256:ff");
  EXPECT_EQ((*found)->package_size, 4096);
  EXPECT_GE((*found)->updated, v.created);
  EXPECT_FALSE((*found)->ToJson().contains("package_path")) << "the package path stays inside the pacemaker";

  EXPECT_EQ(apps_->SetVersionState("nope", kVersionReady).code(), StatusCode::kNotFound);
  EXPECT_EQ(apps_->SetVersionRevision("nope", "x").code(), StatusCode::kNotFound);
  EXPECT_EQ(apps_->SetVersionPackage("nope", "p", "c", 1).code(), StatusCode::kNotFound);
}

TEST_P(ApplicationStoreTest, QuantityMustBeZeroOrMoreOnAKnownType) {
  Version v = NewVersion(App("shop").id);
  InstanceType web = TypeNamed(v.id, "web");
  ASSERT_TRUE(apps_->SetQuantity(web.id, 0).ok());
  ASSERT_TRUE(apps_->SetQuantity(web.id, 5).ok());
  auto found = apps_->FindInstanceType(web.id);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->quantity, 5);
  EXPECT_EQ(apps_->SetQuantity(web.id, -1).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(apps_->SetQuantity("nope", 1).code(), StatusCode::kNotFound);
}

TEST_P(ApplicationStoreTest, InstancesStartAllocatedAndAreListedByTypeVersionAndNode) {
  Version v = NewVersion(App("shop").id);
  InstanceType web = TypeNamed(v.id, "web");
  InstanceType worker = TypeNamed(v.id, "worker");
  auto a = apps_->CreateInstance(web, "node-1");
  auto b = apps_->CreateInstance(web, "node-2");
  auto c = apps_->CreateInstance(worker, "node-1");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->state, kInstanceAllocated);
  EXPECT_EQ(a->port, 0);
  EXPECT_EQ(a->version_id, v.id);

  auto ids_of = [](const Result<std::vector<Instance>>& list) {
    std::set<std::string> out;
    if (list.ok()) {
      for (const auto& i : *list) out.insert(i.id);
    }
    return out;
  };
  EXPECT_EQ(ids_of(apps_->ListInstancesOfType(web.id)), (std::set<std::string>{a->id, b->id}));
  EXPECT_EQ(ids_of(apps_->ListInstancesOfVersion(v.id)), (std::set<std::string>{a->id, b->id, c->id}));
  EXPECT_EQ(ids_of(apps_->ListInstancesOnNode("node-1")), (std::set<std::string>{a->id, c->id}));
  EXPECT_TRUE(ids_of(apps_->ListInstancesOnNode("node-9")).empty());

  ASSERT_TRUE(apps_->SetInstanceState(a->id, kInstanceRunning).ok());
  ASSERT_TRUE(apps_->SetInstancePort(a->id, 42001).ok());
  auto found = apps_->FindInstance(a->id);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->state, kInstanceRunning);
  EXPECT_EQ((*found)->port, 42001);

  EXPECT_EQ(apps_->SetInstanceState(a->id, "DANCING").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(apps_->SetInstanceState("nope", kInstanceRunning).code(), StatusCode::kNotFound);
  EXPECT_EQ(apps_->SetInstancePort("nope", 1).code(), StatusCode::kNotFound);

  ASSERT_TRUE(apps_->DeleteInstance(b->id).ok());
  EXPECT_EQ(ids_of(apps_->ListInstancesOfType(web.id)), (std::set<std::string>{a->id}));
  EXPECT_EQ(apps_->DeleteInstance(b->id).code(), StatusCode::kNotFound);
}

TEST_P(ApplicationStoreTest, AnInstanceOfNoTypeIsRefused) {
  InstanceType ghost;
  ghost.id = "no-such-type";
  ghost.version_id = "no-such-version";
  auto created = apps_->CreateInstance(ghost, "node-1");
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), StatusCode::kFailedPrecondition) << created.status().ToString();
}

TEST_P(ApplicationStoreTest, AReportChangesOnlyItsOwnHeartsInstanceAndOnlyWhenSomethingDiffers) {
  Version v = NewVersion(App("shop").id);
  auto instance = apps_->CreateInstance(TypeNamed(v.id, "web"), "node-1");
  ASSERT_TRUE(instance.ok());
  ApplicationStore::InstanceReport report{instance->id, kInstanceRunning, 42010, 2, "exited with code 1"};

  auto from_elsewhere = apps_->ApplyInstanceReport("node-2", report);
  ASSERT_TRUE(from_elsewhere.ok());
  EXPECT_FALSE(*from_elsewhere);
  auto untouched = apps_->FindInstance(instance->id);
  ASSERT_TRUE(untouched.ok() && untouched->has_value());
  EXPECT_EQ((*untouched)->state, kInstanceAllocated);

  auto applied = apps_->ApplyInstanceReport("node-1", report);
  ASSERT_TRUE(applied.ok());
  EXPECT_TRUE(*applied);
  auto again = apps_->ApplyInstanceReport("node-1", report);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again) << "the same report twice changes nothing";
  report.restarts = 3;
  auto restarted = apps_->ApplyInstanceReport("node-1", report);
  ASSERT_TRUE(restarted.ok());
  EXPECT_TRUE(*restarted);

  auto found = apps_->FindInstance(instance->id);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->state, kInstanceRunning);
  EXPECT_EQ((*found)->port, 42010);
  EXPECT_EQ((*found)->restarts, 3);
  EXPECT_EQ((*found)->last_exit, "exited with code 1");

  report.state = "DANCING";
  auto bad = apps_->ApplyInstanceReport("node-1", report);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
}

TEST_P(ApplicationStoreTest, ServicesAreSavedByNameAndKeepTheirIdentity) {
  Application shop = App("shop");
  Service db_service;
  db_service.application_id = shop.id;
  db_service.name = "db";
  db_service.plugin = "paasmaker.service.postgres";
  db_service.parameters = {{"size", "small"}};
  db_service.credentials = {{"password", "s3cret"}};
  auto saved = apps_->SaveService(db_service);
  ASSERT_TRUE(saved.ok()) << saved.status().ToString();
  EXPECT_FALSE(saved->id.empty());

  db_service.credentials = {{"password", "rotated"}};
  auto updated = apps_->SaveService(db_service);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->id, saved->id);
  EXPECT_EQ(updated->created, saved->created);

  auto found = apps_->FindService(shop.id, "db");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->credentials["password"], "rotated");
  EXPECT_EQ((*found)->parameters["size"], "small");
  EXPECT_FALSE((*found)->ToJson(false).contains("credentials"));
  EXPECT_EQ((*found)->ToJson(true)["credentials"]["password"], "rotated");

  Service cache{.id = {}, .application_id = shop.id, .name = "cache", .plugin = "paasmaker.service.managedredis"};
  ASSERT_TRUE(apps_->SaveService(cache).ok());
  auto listed = apps_->ListServices(shop.id);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].name, "cache");  // by name
  EXPECT_EQ((*listed)[1].name, "db");

  auto by_id = apps_->FindServiceById(saved->id);
  ASSERT_TRUE(by_id.ok() && by_id->has_value());
  EXPECT_EQ((*by_id)->name, "db");
  ASSERT_TRUE(apps_->DeleteService(saved->id).ok());
  EXPECT_EQ(apps_->DeleteService(saved->id).code(), StatusCode::kNotFound);
  auto gone = apps_->FindService(shop.id, "db");
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
}

TEST_P(ApplicationStoreTest, DeletingAVersionTakesItsTypesAndInstancesOnly) {
  Application shop = App("shop");
  Version one = NewVersion(shop.id);
  Version two = NewVersion(shop.id);
  ASSERT_TRUE(apps_->CreateInstance(TypeNamed(one.id, "web"), "node-1").ok());
  ASSERT_TRUE(apps_->CreateInstance(TypeNamed(two.id, "web"), "node-1").ok());
  ASSERT_TRUE(apps_->DeleteVersion(one.id).ok());
  EXPECT_EQ(Count("versions"), 1);
  EXPECT_EQ(Count("instance_types"), 2);  // version two's
  EXPECT_EQ(Count("instances"), 1);
  EXPECT_EQ(apps_->DeleteVersion(one.id).code(), StatusCode::kNotFound);
}

TEST_P(ApplicationStoreTest, DeletingAnApplicationTakesEverythingOfItAndNothingElse) {
  Application shop = App("shop");
  Application blog = App("blog");
  Version shop_v = NewVersion(shop.id);
  Version blog_v = NewVersion(blog.id);
  ASSERT_TRUE(apps_->CreateInstance(TypeNamed(shop_v.id, "web"), "node-1").ok());
  ASSERT_TRUE(apps_->CreateInstance(TypeNamed(blog_v.id, "web"), "node-1").ok());
  ASSERT_TRUE(apps_->SaveService({.id = {}, .application_id = shop.id, .name = "db", .plugin = "p"}).ok());
  ASSERT_TRUE(apps_->SaveService({.id = {}, .application_id = blog.id, .name = "db", .plugin = "p"}).ok());

  ASSERT_TRUE(apps_->DeleteApplication(shop.id).ok());
  auto gone = apps_->FindApplication(shop.id);
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  EXPECT_EQ(Count("applications"), 1);
  EXPECT_EQ(Count("versions"), 1);
  EXPECT_EQ(Count("instance_types"), 2);
  EXPECT_EQ(Count("instances"), 1);
  EXPECT_EQ(Count("services"), 1);
  auto blog_instances = apps_->ListInstancesOfVersion(blog_v.id);
  ASSERT_TRUE(blog_instances.ok());
  EXPECT_EQ(blog_instances->size(), 1u);

  EXPECT_EQ(apps_->DeleteApplication(shop.id).code(), StatusCode::kNotFound);
}

TEST_P(ApplicationStoreTest, UploadsCountReceivedBytesUntilComplete) {
  auto upload = apps_->CreateUpload("user-1", "source.tar.gz", 100, "/uploads/u1");
  ASSERT_TRUE(upload.ok());
  EXPECT_FALSE(upload->complete());
  ASSERT_TRUE(apps_->SetUploadReceived(upload->id, 60).ok());
  auto partial = apps_->FindUpload(upload->id);
  ASSERT_TRUE(partial.ok() && partial->has_value());
  EXPECT_EQ((*partial)->received, 60);
  EXPECT_FALSE((*partial)->complete());
  ASSERT_TRUE(apps_->SetUploadReceived(upload->id, 100).ok());
  auto done = apps_->FindUpload(upload->id);
  ASSERT_TRUE(done.ok() && done->has_value());
  EXPECT_TRUE((*done)->complete());
  EXPECT_EQ((*done)->path, "/uploads/u1");
  EXPECT_EQ((*done)->user_id, "user-1");

  ASSERT_TRUE(apps_->DeleteUpload(upload->id).ok());
  EXPECT_EQ(apps_->DeleteUpload(upload->id).code(), StatusCode::kNotFound);
  EXPECT_EQ(apps_->SetUploadReceived(upload->id, 1).code(), StatusCode::kNotFound);
}

TEST(InstanceStatesTest, LiveStatesAreTheOnesThatOccupyAHeart) {
  for (const char* state : {kInstanceAllocated, kInstanceRegistered, kInstanceStarting, kInstanceRunning,
                            kInstanceSuspended, kInstanceStopped}) {
    EXPECT_TRUE(IsInstanceState(state)) << state;
    EXPECT_TRUE(IsLiveInstanceState(state)) << state;
  }
  for (const char* state : {kInstanceError, kInstanceDown, kInstanceDeregistered}) {
    EXPECT_TRUE(IsInstanceState(state)) << state;
    EXPECT_FALSE(IsLiveInstanceState(state)) << state;
  }
  EXPECT_FALSE(IsInstanceState("running"));
  EXPECT_FALSE(IsInstanceState(""));
}

}  // namespace
}  // namespace paasmaker::pacemaker
