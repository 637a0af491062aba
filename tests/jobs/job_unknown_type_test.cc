// A node refuses a job whose plugin it does not know: the test types
// (test.shell runs any command) exist on a node only with testing.job_plugins,
// so a default node's registry lacks them, and a job naming one — written
// straight into the jobs Redis, as anyone who reaches it could — ends FAILED
// without anything of it running.
#include <filesystem>

#include "jobs_fixture.h"
#include "plugins/builtin_plugins.h"

namespace paasmaker::jobs::testing {
namespace {

class JobUnknownTypeTest : public JobsTest {
 protected:
  // A manager with the registry a default node builds (no test switch).
  std::unique_ptr<JobManager> NewDefaultManager(const std::string& node) {
    EXPECT_TRUE(plugins::RegisterBuiltinJobs(defaults_).ok());
    auto manager = JobManager::Create({.node_uuid = node,
                                       .redis = redis_.endpoint(),
                                       .log_dir = LogDirFor(node),
                                       .registry = &defaults_,
                                       .poll_interval = 200ms});
    EXPECT_TRUE(manager.ok()) << manager.status().ToString();
    return manager.ok() ? std::move(manager).value() : nullptr;
  }

  JobRegistry defaults_;
};

TEST_F(JobUnknownTypeTest, TheDefaultRegistryHasNoTestJobs) {
  ASSERT_TRUE(plugins::RegisterBuiltinJobs(defaults_).ok());
  for (const auto& name : defaults_.Names()) EXPECT_EQ(name.rfind("paasmaker.job.test.", 0), std::string::npos) << name;
  JobRegistry with_tests;
  ASSERT_TRUE(plugins::RegisterBuiltinJobs(with_tests, {}, plugins::TestJobs::kOn).ok());
  EXPECT_NE(with_tests.Find("paasmaker.job.test.shell"), nullptr);
  // The default registry already refuses such a tree when it is added through it.
  Status refused = defaults_.Validate({.type = "paasmaker.job.test.shell", .parameters = {{"command", "true"}}});
  EXPECT_EQ(refused.code(), StatusCode::kInvalidArgument);
}

TEST_F(JobUnknownTypeTest, AShellJobWrittenIntoRedisFailsOnADefaultNodeAndNeverRuns) {
  auto manager = NewDefaultManager("node-default");
  ASSERT_NE(manager, nullptr);
  const std::string marker = dir_ / "the-command-ran";
  TreeSpec tree;
  auto root = tree.Add({.type = "paasmaker.job.test.noop", .node = "node-default", .title = "root"});
  auto shell = tree.Add({.type = "paasmaker.job.test.shell",
                         .parameters = {{"command", "touch " + marker}},
                         .node = "node-default"},
                        root);
  ASSERT_TRUE(store_.AddTree(tree.jobs()).ok());
  ASSERT_TRUE(store_.StartTree(root).ok());

  ASSERT_TRUE(WaitForState(shell, JobState::kFailed));
  std::string summary = GetJob(shell).summary;
  EXPECT_NE(summary.find("unknown job type 'paasmaker.job.test.shell'"), std::string::npos) << summary;
  ASSERT_TRUE(WaitForTreeFinished(root));
  EXPECT_EQ(StateOf(root), JobState::kAborted);
  EXPECT_FALSE(std::filesystem::exists(marker)) << "the command ran";
  EXPECT_EQ(TotalTestJobStarts(), 0);
  // The job's own log says why, for `paasmaker job log`.
  auto log = manager->logs().Read(shell, 0, 65536);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_NE(log->data.find("Not run: unknown job type 'paasmaker.job.test.shell'"), std::string::npos) << log->data;

  // The manager lives on and refuses the next one the same way.
  TreeSpec again;
  auto second = again.Add({.type = "paasmaker.job.test.shell",
                           .parameters = {{"command", "touch " + marker}},
                           .node = "node-default"});
  ASSERT_TRUE(store_.AddTree(again.jobs()).ok());
  ASSERT_TRUE(store_.StartTree(second).ok());
  ASSERT_TRUE(WaitForState(second, JobState::kFailed));
  EXPECT_FALSE(std::filesystem::exists(marker)) << "the command ran";
}

}  // namespace
}  // namespace paasmaker::jobs::testing
