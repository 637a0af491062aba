// PrepareTest: the pacemaker's prepare side over a temp data dir, a SQLite
// store, a test redis and (StartJobs) a real JobManager running the prepare
// plugins; helpers to deploy a source and read the tree back. Shared by
// prepare_test.cc and prepare_commands_test.cc.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "core/archive.h"
#include "core/files.h"
#include "core/ids.h"
#include "core/process.h"
#include "jobs/job_manager.h"
#include "pacemaker/family_contexts.h"
#include "pacemaker/pacemaker_context.h"
#include "pacemaker/prepare/prepare_endpoints.h"
#include "pacemaker/prepare/prepare_jobs.h"
#include "pacemaker/prepare/prepare_user.h"
#include "pacemaker/prepare/scm.h"
#include "pacemaker/services/service_daemons.h"
#include "pacemaker/store/schema.h"
#include "temp_dir.h"
#include "test_redis.h"

namespace paasmaker::pacemaker::prepare {

// `text` at `path`, parent directories made.
inline void Write(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
}

// Runs `command` with /bin/sh; a launch failure fails the test.
inline process::RunResult Sh(const std::string& command) {
  process::LaunchOptions options;
  options.argv = {"/bin/sh", "-c", command};
  auto run = process::Run(options, std::chrono::seconds(60));
  EXPECT_TRUE(run.ok()) << run.status().ToString();
  return run.ok() ? *run : process::RunResult{};
}

class PrepareTest : public ::testing::Test {
 protected:
  using json = nlohmann::json;

  void SetUp() override {
    ASSERT_TRUE(ids::Initialize().ok());
    config_.data_dir = dir_ / "data";
    config_.pacemaker.max_upload_size = 1000;
    config_.redis.jobs.port = redis_.port();
    auto db = sql::Open("sqlite://" + dir_.path() + "/pacemaker.db");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE(sql::Migrate(**db, SchemaMigrations()).ok());
    ctx_ = std::make_unique<PacemakerContext>(config_, std::move(*db), "node-token", registry_, &daemons_);
    node_uuid_ = ids::NewUuid();
    ctx_->node_uuid.Set(node_uuid_);
    auto ws = ctx_->workspaces.Create("Test", "test", {{"tier", "dev"}});
    ASSERT_TRUE(ws.ok()) << ws.status().ToString();
    workspace_id_ = ws->id;
    alice_.kind = Principal::Kind::kUser;
    alice_.user.id = "alice";
    bob_.kind = Principal::Kind::kUser;
    bob_.user.id = "bob";
    super_.kind = Principal::Kind::kSuper;
    auto log = jobs::JobLogs(dir_ / "logs").Open("test-job");
    ASSERT_TRUE(log.ok());
    log_ = *log;
  }

  // Starts a JobManager running the prepare plugins on ctx_->node_uuid.
  void StartJobs() {
    ASSERT_TRUE(RegisterPrepareJobs(registry_, PrepareJobsContextOf(*ctx_)).ok());
    jobs::JobManagerOptions options;
    options.node_uuid = ctx_->node_uuid.Get();
    options.redis = redis_.endpoint();
    options.log_dir = dir_ / "joblogs";
    options.registry = &registry_;
    options.poll_interval = std::chrono::milliseconds(200);
    auto manager = jobs::JobManager::Create(options);
    ASSERT_TRUE(manager.ok());
    manager_ = std::move(*manager);
  }

  // `handler` gets its endpoint group's context from ctx_, as the route table does.
  template <typename Group>
  http::Response Call(void (*handler)(Group&, const http::Request&, http::Response&, const Principal&),
                      const Principal& who, std::vector<std::string> params, std::string body = "",
                      std::map<std::string, std::string> query = {}) {
    http::Request req;
    req.params = std::move(params);
    req.body = std::move(body);
    req.query = std::move(query);
    http::Response res;
    handler(ctx_->EndpointGroup<Group>(), req, res, who);
    return res;
  }

  // Deploys and waits for the tree; returns the root job.
  jobs::Job Deploy(const json& scm) {
    auto res = Call(DeployApplication, super_, {workspace_id_}, json{{"scm", scm}}.dump());
    EXPECT_EQ(res.status, 202) << res.body;
    std::string root = json::parse(res.body)["data"]["job_id"];
    jobs::Job job;
    EXPECT_TRUE(testing::WaitFor(
        [&] {
          auto got = ctx_->job_store.Get(root);
          if (got.ok()) job = *got;
          return got.ok() && jobs::IsFinished(got->state);
        },
        std::chrono::seconds(60)));
    return job;
  }

  jobs::Job JobOfType(const std::string& root, const std::string& type) {
    auto tree = ctx_->job_store.ReadTree(root);
    EXPECT_TRUE(tree.ok());
    for (const auto& job : tree->jobs) {
      if (job.type == type) return job;
    }
    ADD_FAILURE() << "no " << type;
    return {};
  }

  void TearDown() override {
    manager_.reset();
    // A root pacemaker's work dirs live outside the data dir (prepare_user.h).
    if (PrepareAsOtherUser() && !node_uuid_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(std::string(kPrepareTop) + "/" + node_uuid_, ec);
    }
  }

  bool PrepareDirEmpty() {
    std::string dir = WorkDirRoot(config_, node_uuid_);
    return !std::filesystem::exists(dir) || std::filesystem::is_empty(dir);
  }

  // The package of the version `root` prepared, unpacked.
  std::string Unpacked(const jobs::Job& root, const std::string& name) {
    auto version_id = ctx_->job_store.GetContextValue(root.id, "version_id");
    EXPECT_TRUE(version_id.ok() && version_id->has_value());
    if (!version_id.ok() || !version_id->has_value()) return "";
    auto version = ctx_->apps.FindVersion((*version_id)->get<std::string>());
    EXPECT_TRUE(version.ok() && version->has_value());
    if (!version.ok() || !version->has_value()) return "";
    std::string dir = dir_ / name;
    EXPECT_TRUE(archives::Unpack((*version)->package_path, dir).ok());
    return dir;
  }

  ScmContext Scm() { return ScmContext{&ctx_->apps, config_.DataDir(), log_.get(), nullptr}; }

  testing::TempDir dir_{"pm-prepare"};
  testing::TestRedisServer redis_;
  config::NodeConfig config_;
  std::unique_ptr<PacemakerContext> ctx_;
  services::ServiceDaemons daemons_{dir_ / "data", 0, -1};
  jobs::JobRegistry registry_;
  std::unique_ptr<jobs::JobManager> manager_;
  std::string workspace_id_;
  std::string node_uuid_;  // the pacemaker's, as set in SetUp
  Principal alice_, bob_, super_;
  std::shared_ptr<jobs::JobLog> log_;
};

}  // namespace paasmaker::pacemaker::prepare
