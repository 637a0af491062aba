// JobStore against a real redis-server: the atomic transitions, driven by
// hand (no manager), and the job.status messages they publish.
#include <mutex>
#include <vector>

#include "jobs_fixture.h"

namespace paasmaker::jobs::testing {
namespace {

constexpr const char* kNode = "node-a";
constexpr const char* kNoop = "paasmaker.job.test.noop";

JobSpec Spec(const std::string& title, const std::string& node = kNode) {
  return JobSpec{.type = kNoop, .node = node, .title = title};
}

std::vector<std::string> Ids(const std::vector<Job>& jobs) {
  std::vector<std::string> ids;
  for (const auto& job : jobs) ids.push_back(job.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

class JobStoreTest : public JobsTest {};

TEST_F(JobStoreTest, LeavesAreReadyFirstAndParentsAfterTheirChildren) {
  TreeSpec tree;
  auto root = tree.Add(Spec("root"));
  auto a = tree.Add(Spec("a"), root);
  auto b = tree.Add(Spec("b"), root);
  ASSERT_TRUE(store_.AddTree(tree.jobs()).ok());
  EXPECT_EQ(GetJob(root).state, JobState::kNew);
  EXPECT_EQ(GetJob(a).root_id, root);
  EXPECT_EQ(GetJob(a).parent_id, root);

  // NEW jobs are not executable.
  EXPECT_TRUE(store_.Claim(kNode, "r1", 10)->empty());
  ASSERT_TRUE(store_.StartTree(a).ok());  // any job of the tree starts all of it
  EXPECT_EQ(GetJob(root).state, JobState::kWaiting);

  auto claimed = store_.Claim(kNode, "r1", 10);
  ASSERT_TRUE(claimed.ok()) << claimed.status().ToString();
  EXPECT_EQ(Ids(*claimed), Sorted({a, b}));
  EXPECT_EQ(GetJob(a).state, JobState::kRunning);
  EXPECT_GT(GetJob(a).started, 0);

  ASSERT_TRUE(store_.Finish({a, "r1", JobState::kSuccess, "a done", {{"from-a", {{"n", 1}}}}}).ok());
  EXPECT_TRUE(store_.Claim(kNode, "r1", 10)->empty()) << "root must wait for b";
  ASSERT_TRUE(store_.Finish({b, "r1", JobState::kSuccess, "b done", {}}).ok());

  claimed = store_.Claim(kNode, "r1", 10);
  ASSERT_TRUE(claimed.ok());
  EXPECT_EQ(Ids(*claimed), std::vector<std::string>{root});
  auto value = store_.GetContextValue(root, "from-a");
  ASSERT_TRUE(value.ok() && value->has_value());
  EXPECT_EQ((**value)["n"], 1);
  ASSERT_TRUE(store_.Finish({root, "r1", JobState::kSuccess, "all done", {}}).ok());
  EXPECT_EQ(GetJob(root).summary, "all done");
  EXPECT_EQ(*store_.FinishedRootsBefore(store_.Now() + 1, 0, 10), std::vector<std::string>{root});
}

TEST_F(JobStoreTest, AJobIsClaimedOnceAndOnlyByItsNode) {
  TreeSpec tree;
  auto root = tree.Add(Spec("root", "node-b"));
  ASSERT_TRUE(store_.AddTree(tree.jobs()).ok());
  ASSERT_TRUE(store_.StartTree(root).ok());
  EXPECT_TRUE(store_.Claim(kNode, "r1", 10)->empty());
  EXPECT_EQ(store_.Claim("node-b", "r2", 10)->size(), 1u);
  EXPECT_TRUE(store_.Claim("node-b", "r3", 10)->empty());
}

TEST_F(JobStoreTest, AFinishedStateIsNeverOverwritten) {
  TreeSpec tree;
  auto root = tree.Add(Spec("root"));
  ASSERT_TRUE(store_.AddTree(tree.jobs()).ok());
  // Not running yet: cannot finish.
  EXPECT_EQ(store_.Finish({root, "r1", JobState::kSuccess, "", {}}).code(),
            StatusCode::kFailedPrecondition);
  ASSERT_TRUE(store_.StartTree(root).ok());
  ASSERT_EQ(store_.Claim(kNode, "r1", 1)->size(), 1u);
  // Another runner cannot finish it.
  EXPECT_EQ(store_.Finish({root, "r2", JobState::kFailed, "", {}}).code(),
            StatusCode::kFailedPrecondition);
  ASSERT_TRUE(store_.Finish({root, "r1", JobState::kSuccess, "ok", {}}).ok());
  // A resend by the same runner is accepted but changes nothing.
  EXPECT_TRUE(store_.Finish({root, "r1", JobState::kFailed, "late", {}}).ok());
  EXPECT_EQ(store_.Finish({root, "r2", JobState::kFailed, "late", {}}).code(),
            StatusCode::kFailedPrecondition);
  ASSERT_TRUE(store_.AbortTree(root, "too late").ok());
  EXPECT_EQ(GetJob(root).state, JobState::kSuccess);
  EXPECT_EQ(GetJob(root).summary, "ok");
}

TEST_F(JobStoreTest, FailureAbortsWhatHasNotStartedAndFlagsWhatRuns) {
  TreeSpec tree;
  auto root = tree.Add(Spec("root"));
  auto done = tree.Add(Spec("done"), root);
  auto failing = tree.Add(Spec("failing"), root);
  auto running = tree.Add(Spec("running"), root);
  auto waiting = tree.Add(Spec("waiting"), root);
  auto under_waiting = tree.Add(Spec("under waiting", "node-b"), waiting);
  ASSERT_TRUE(store_.AddTree(tree.jobs()).ok());
  ASSERT_TRUE(store_.StartTree(root).ok());
  ASSERT_EQ(store_.Claim(kNode, "r1", 10)->size(), 3u);  // done, failing, running
  ASSERT_TRUE(store_.Finish({done, "r1", JobState::kSuccess, "", {}}).ok());
  ASSERT_TRUE(store_.Finish({failing, "r1", JobState::kFailed, "boom", {}}).ok());

  EXPECT_EQ(GetJob(failing).state, JobState::kFailed);
  EXPECT_EQ(GetJob(done).state, JobState::kSuccess);
  EXPECT_EQ(GetJob(root).state, JobState::kAborted);
  EXPECT_EQ(GetJob(waiting).state, JobState::kAborted);
  EXPECT_EQ(GetJob(under_waiting).state, JobState::kAborted);
  EXPECT_EQ(GetJob(running).state, JobState::kRunning);  // its node is asked to stop it
  EXPECT_TRUE((*store_.TreesAborting({root}))[root]);
  EXPECT_TRUE(store_.Claim("node-b", "r2", 10)->empty());
  ASSERT_TRUE(store_.Finish({running, "r1", JobState::kAborted, "stopped", {}}).ok());
  EXPECT_EQ(GetJob(running).state, JobState::kAborted);

  // Jobs aborted before they ran are queued for their node's Cancelled hook.
  EXPECT_EQ(Sorted(*store_.TakeCancelled(kNode, 10)), Sorted({root, waiting}));
  EXPECT_EQ(*store_.TakeCancelled("node-b", 10), std::vector<std::string>{under_waiting});
  EXPECT_TRUE(store_.TakeCancelled(kNode, 10)->empty());
  // An aborted tree cannot be started again, nor grafted into.
  EXPECT_EQ(store_.StartTree(root).code(), StatusCode::kFailedPrecondition);
}

TEST_F(JobStoreTest, GraftingOnlyUnderWaitingJobs) {
  TreeSpec tree;
  auto root = tree.Add(Spec("root"));
  auto child = tree.Add(Spec("child"), root);
  ASSERT_TRUE(store_.AddTree(tree.jobs()).ok());
  ASSERT_TRUE(store_.StartTree(root).ok());
  ASSERT_EQ(store_.Claim(kNode, "r1", 10)->size(), 1u);  // child RUNNING, root WAITING

  TreeSpec under_running;
  under_running.Add(Spec("x"), child);
  EXPECT_EQ(store_.Graft(under_running.jobs()).code(), StatusCode::kFailedPrecondition);

  TreeSpec graft;
  auto g1 = graft.Add(Spec("g1"), root);
  auto g2 = graft.Add(Spec("g2"), g1);
  ASSERT_TRUE(store_.Graft(graft.jobs()).ok());
  EXPECT_EQ(GetJob(g1).state, JobState::kWaiting);  // grafts are executable at once
  EXPECT_EQ(GetJob(g2).root_id, root);

  ASSERT_TRUE(store_.Finish({child, "r1", JobState::kSuccess, "", {}}).ok());
  auto claimed = store_.Claim(kNode, "r1", 10);
  EXPECT_EQ(Ids(*claimed), std::vector<std::string>{g2}) << "root now waits for the graft too";
  ASSERT_TRUE(store_.Finish({g2, "r1", JobState::kSuccess, "", {}}).ok());
  EXPECT_EQ(Ids(*store_.Claim(kNode, "r1", 10)), std::vector<std::string>{g1});
  ASSERT_TRUE(store_.Finish({g1, "r1", JobState::kSuccess, "", {}}).ok());
  EXPECT_EQ(Ids(*store_.Claim(kNode, "r1", 10)), std::vector<std::string>{root});

  TreeSpec under_missing;
  under_missing.Add(Spec("y"), "no-such-job");
  EXPECT_EQ(store_.Graft(under_missing.jobs()).code(), StatusCode::kNotFound);
  // The store needs explicit ids; an existing id is refused.
  EXPECT_EQ(store_.AddTree({Spec("no id")}).code(), StatusCode::kInvalidArgument);
  TreeSpec again;
  again.Add(JobSpec{.id = root, .type = kNoop, .node = kNode});
  EXPECT_EQ(store_.AddTree(again.jobs()).code(), StatusCode::kAlreadyExists);
}

TEST_F(JobStoreTest, RecoveryAbortsJobsOfAnEarlierRunner) {
  TreeSpec tree;
  auto root = tree.Add(Spec("root"));
  auto child = tree.Add(Spec("child"), root);
  ASSERT_TRUE(store_.AddTree(tree.jobs()).ok());
  ASSERT_TRUE(store_.StartTree(root).ok());
  ASSERT_EQ(store_.Claim(kNode, "old-life", 10)->size(), 1u);

  // The new runner's own jobs are left alone; orphans are reported to it.
  EXPECT_TRUE(store_.RecoverNode(kNode, "old-life", "restart")->empty());
  EXPECT_EQ(Ids(*store_.FindOrphans(kNode, "old-life", {})), std::vector<std::string>{child});
  EXPECT_TRUE(store_.FindOrphans(kNode, "old-life", {child})->empty());

  EXPECT_EQ(*store_.RecoverNode(kNode, "new-life", "node restarted"), std::vector<std::string>{child});
  EXPECT_EQ(GetJob(child).state, JobState::kAborted);
  EXPECT_EQ(GetJob(child).summary, "node restarted");
  EXPECT_EQ(GetJob(root).state, JobState::kAborted);
  // The old runner's late result is refused.
  EXPECT_EQ(store_.Finish({child, "old-life", JobState::kSuccess, "", {}}).code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(JobStoreTest, PublishesEveryStateChange) {
  std::mutex mutex;
  std::vector<nlohmann::json> messages;
  std::atomic<bool> subscribed{false};
  redis::Subscriber subscriber(
      redis_.endpoint(), {kJobStatusChannel},
      [&](const std::string&, const std::string& message) {
        std::lock_guard<std::mutex> lock(mutex);
        messages.push_back(nlohmann::json::parse(message));
      },
      [&] { subscribed = true; });
  ASSERT_TRUE(paasmaker::testing::WaitFor([&] { return subscribed.load(); }, 5s));

  TreeSpec tree;
  auto root = tree.Add(Spec("root"));
  ASSERT_TRUE(store_.AddTree(tree.jobs()).ok());
  ASSERT_TRUE(store_.StartTree(root).ok());
  ASSERT_EQ(store_.Claim(kNode, "r1", 1)->size(), 1u);
  ASSERT_TRUE(store_.Finish({root, "r1", JobState::kSuccess, "done", {}}).ok());

  ASSERT_TRUE(paasmaker::testing::WaitFor(
      [&] {
        std::lock_guard<std::mutex> lock(mutex);
        return messages.size() >= 4;
      },
      5s));
  std::lock_guard<std::mutex> lock(mutex);
  std::vector<std::string> states;
  for (const auto& m : messages) {
    EXPECT_EQ(m["job_id"], root);
    EXPECT_EQ(m["root_id"], root);
    EXPECT_EQ(m["node"], kNode);
    states.push_back(m["state"]);
  }
  EXPECT_EQ(states, (std::vector<std::string>{"NEW", "WAITING", "RUNNING", "SUCCESS"}));
}

}  // namespace
}  // namespace paasmaker::jobs::testing
