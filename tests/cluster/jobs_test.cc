// The job system across real nodes: a job runs on the node it is assigned
// to; its log is served through the pacemaker, live; a node killed with a job
// running aborts it when it comes back; users abort trees through the CLI.
#include <gtest/gtest.h>

#include "core/files.h"
#include "harness.h"
#include "jobs/job_store.h"

namespace paasmaker::testing {
namespace {

using nlohmann::json;

class JobsClusterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new Cluster();
    cluster_->AddStandardNodes(2, 0);
    cluster_->EnableTestJobs();
    ASSERT_TRUE(cluster_->StartAll());
    ASSERT_TRUE(cluster_->WaitForRegistration());
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }

  void SetUp() override {
    redis_ = std::make_unique<redis::Client>(cluster_->StoreEndpoint("jobs"));
    store_ = std::make_unique<jobs::JobStore>(redis_.get());
  }

  // A root (noop, on the pacemaker) over `children`; started at once.
  std::string StartTree(std::vector<jobs::JobSpec> children) {
    jobs::TreeSpec tree;
    std::string root = tree.Add({.type = "paasmaker.job.test.noop", .node = cluster_->pacemaker().Uuid(),
                                 .title = "root", .tags = {"test"}});
    for (auto& child : children) tree.Add(child, root);
    EXPECT_TRUE(store_->AddTree(tree.jobs()).ok());
    EXPECT_TRUE(store_->StartTree(root).ok());
    return root;
  }

  std::string State(const std::string& id) {
    auto job = store_->Get(id);
    return job.ok() ? std::string(jobs::JobStateName(job->state)) : "?";
  }

  bool WaitForState(const std::string& id, const std::string& state, std::chrono::seconds timeout) {
    return WaitFor([&] { return State(id) == state; }, timeout, std::chrono::milliseconds(50));
  }

  std::map<std::string, std::string> CliEnv() {
    return {{"PAASMAKER_REMOTE", cluster_->pacemaker().url()}, {"PAASMAKER_KEY", cluster_->admin_key()}};
  }

  static Cluster* cluster_;
  std::unique_ptr<redis::Client> redis_;
  std::unique_ptr<jobs::JobStore> store_;
};
Cluster* JobsClusterTest::cluster_ = nullptr;

std::string LogPath(ClusterNode& node, const std::string& job_id) {
  return node.data_dir() + "/jobs/logs/" + job_id.substr(0, 2) + "/" + job_id + ".log";
}

TEST_F(JobsClusterTest, AJobRunsOnItsNodeOnlyAndItsLogIsServedByThePacemaker) {
  jobs::JobSpec on_heart2{.type = "paasmaker.job.test.shell",
                          .parameters = {{"command", "echo ran-on-$PPID-here"}},
                          .node = cluster_->node("heart-2").Uuid(),
                          .title = "on heart-2"};
  on_heart2.id = "11111111-aaaa-4bbb-8ccc-" + std::string("000000000001");
  std::string root = StartTree({on_heart2});
  ASSERT_TRUE(WaitForState(root, "SUCCESS", std::chrono::seconds(30))) << State(on_heart2.id);

  EXPECT_TRUE(files::Exists(LogPath(cluster_->node("heart-2"), on_heart2.id)));
  EXPECT_FALSE(files::Exists(LogPath(cluster_->node("heart-1"), on_heart2.id)));
  EXPECT_FALSE(files::Exists(LogPath(cluster_->pacemaker(), on_heart2.id)));

  auto log = cluster_->Get("/api/v1/jobs/" + on_heart2.id + "/log");
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->status, 200);
  EXPECT_NE(log->body.find("ran-on-"), std::string::npos) << log->body;

  auto tree = cluster_->GetData("/api/v1/jobs/" + root);
  ASSERT_TRUE(tree.contains("job")) << tree.dump();
  EXPECT_EQ(tree["job"]["state"], "SUCCESS");
  ASSERT_EQ(tree["job"]["children"].size(), 1u);
  EXPECT_EQ(tree["job"]["children"][0]["node"], cluster_->node("heart-2").Uuid());

  auto shown = RunPaasmaker({"job", "show", root}, CliEnv());
  EXPECT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_NE(shown.output.find("SUCCESS"), std::string::npos) << shown.output;
}

TEST_F(JobsClusterTest, FollowStreamsTheLogOfAJobOnAnotherNodeLive) {
  jobs::JobSpec slow{.type = "paasmaker.job.test.shell",
                     .parameters = {{"command", "for i in 1 2 3 4 5 6; do echo line-$i; sleep 0.5; done"}},
                     .node = cluster_->node("heart-1").Uuid(),
                     .title = "slow printer"};
  slow.id = "22222222-aaaa-4bbb-8ccc-000000000002";
  std::string root = StartTree({slow});

  process::LaunchOptions o;
  o.argv = {PaasmakerBinary(), "job", "follow", root};
  o.env = CliEnv();
  o.output_file = cluster_->dir() / "follow.out";
  auto follower = process::Launch(o);
  ASSERT_TRUE(follower.ok());
  // Live: the first line reaches the follower while the job still runs.
  ASSERT_TRUE(WaitFor([&] { return files::ReadFile(o.output_file).value_or("").find("line-1") != std::string::npos; },
                      std::chrono::seconds(20)));
  EXPECT_EQ(State(slow.id), "RUNNING");
  auto exit = (*follower)->Wait(std::chrono::seconds(30));
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->exit_code, 0) << files::ReadFile(o.output_file).value_or("");
  std::string output = files::ReadFile(o.output_file).value_or("");
  EXPECT_NE(output.find("line-6"), std::string::npos) << output;
  EXPECT_NE(output.find("SUCCESS"), std::string::npos) << output;
}

TEST_F(JobsClusterTest, FollowExitsNonZeroWhenTheTreeFails) {
  std::string root = StartTree({{.type = "paasmaker.job.test.fail", .parameters = {{"message", "broken on purpose"}},
                                 .node = cluster_->node("heart-1").Uuid()}});
  auto followed = RunPaasmaker({"job", "follow", root}, CliEnv());
  EXPECT_NE(followed.exit_code, 0) << followed.output;
  EXPECT_NE(followed.output.find("broken on purpose"), std::string::npos) << followed.output;
}

TEST_F(JobsClusterTest, UserAbortThroughTheCli) {
  jobs::JobSpec sleeper{.type = "paasmaker.job.test.sleep", .parameters = {{"seconds", 60}},
                        .node = cluster_->node("heart-2").Uuid()};
  sleeper.id = "33333333-aaaa-4bbb-8ccc-000000000003";
  std::string root = StartTree({sleeper});
  ASSERT_TRUE(WaitForState(sleeper.id, "RUNNING", std::chrono::seconds(20)));
  auto aborted = RunPaasmaker({"job", "abort", root}, CliEnv());
  EXPECT_EQ(aborted.exit_code, 0) << aborted.output;
  EXPECT_TRUE(WaitForState(sleeper.id, "ABORTED", std::chrono::seconds(20)));
  EXPECT_EQ(State(root), "ABORTED");
}

TEST_F(JobsClusterTest, ANodeKilledWithARunningJobAbortsItWhenItRestarts) {
  jobs::JobSpec sleeper{.type = "paasmaker.job.test.sleep", .parameters = {{"seconds", 120}},
                        .node = cluster_->node("heart-1").Uuid()};
  sleeper.id = "44444444-aaaa-4bbb-8ccc-000000000004";
  std::string root = StartTree({sleeper});
  ASSERT_TRUE(WaitForState(sleeper.id, "RUNNING", std::chrono::seconds(20)));
  cluster_->node("heart-1").Kill();
  EXPECT_EQ(State(sleeper.id), "RUNNING");  // nobody else may take it over
  ASSERT_TRUE(cluster_->node("heart-1").Start());
  EXPECT_TRUE(WaitForState(sleeper.id, "ABORTED", std::chrono::seconds(20)));
  EXPECT_TRUE(WaitForState(root, "ABORTED", std::chrono::seconds(10)));
}

TEST_F(JobsClusterTest, JobsOfAnotherWorkspaceAreForbidden) {
  std::string root = StartTree({});
  auto created = cluster_->Post("/api/v1/users", {{"login", "outsider"}, {"password", "long enough password"}});
  ASSERT_TRUE(created.ok());
  std::string key = json::parse(created->body)["data"]["user"]["api_key"];
  auto view = cluster_->Get("/api/v1/jobs/" + root, key);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->status, 403);
  auto abort = cluster_->Post("/api/v1/jobs/" + root + "/abort", json::object(), key);
  ASSERT_TRUE(abort.ok());
  EXPECT_EQ(abort->status, 403);
  auto node_token = cluster_->Get("/api/v1/jobs/" + root, cluster_->node_token());
  ASSERT_TRUE(node_token.ok());
  EXPECT_EQ(node_token->status, 403);
}

}  // namespace
}  // namespace paasmaker::testing
