// Failure and abort: a failing job or a user abort stops the whole tree.
#include "jobs_fixture.h"

namespace paasmaker::jobs::testing {
namespace {

constexpr const char* kNoop = "paasmaker.job.test.noop";
constexpr const char* kSleep = "paasmaker.job.test.sleep";

class JobFailureTest : public JobsTest {};

TEST_F(JobFailureTest, AFailingLeafAbortsItsTree) {
  auto manager = NewManager("node-a", /*workers=*/4);
  // root
  //  ├─ ok        noop, SUCCESS before the failure
  //  ├─ sleeper   sleep 30, RUNNING when the failure comes
  //  ├─ waiter    noop, WAITING (its child still runs)
  //  │   └─ blocker  sleep 30, RUNNING
  //  └─ failer    fail, runs after `pre`
  //      └─ pre   sleep 0.3
  TreeSpec tree;
  auto root = tree.Add({.type = kNoop, .title = "root"});
  auto ok = tree.Add({.type = kNoop, .title = "ok"}, root);
  auto sleeper = tree.Add({.type = kSleep, .parameters = {{"seconds", 30}}}, root);
  auto waiter = tree.Add({.type = kNoop, .title = "waiter"}, root);
  auto blocker = tree.Add({.type = kSleep, .parameters = {{"seconds", 30}}}, waiter);
  auto failer = tree.Add({.type = "paasmaker.job.test.fail", .parameters = {{"message", "it broke"}}}, root);
  auto pre = tree.Add({.type = kSleep, .parameters = {{"seconds", 0.3}}}, failer);
  ASSERT_TRUE(manager->AddTree(tree.jobs()).ok());
  ASSERT_TRUE(manager->Start(root).ok());
  ASSERT_TRUE(WaitForStarted(sleeper));
  ASSERT_TRUE(WaitForStarted(blocker));

  ASSERT_TRUE(WaitForState(failer, JobState::kFailed));
  EXPECT_EQ(GetJob(failer).summary, "it broke");
  ASSERT_TRUE(WaitForTreeFinished(root, 5s)) << "running jobs were not stopped";

  EXPECT_EQ(StateOf(root), JobState::kAborted);
  EXPECT_EQ(StateOf(ok), JobState::kSuccess);
  EXPECT_EQ(StateOf(pre), JobState::kSuccess);
  EXPECT_EQ(StateOf(waiter), JobState::kAborted);
  EXPECT_EQ(StateOf(sleeper), JobState::kAborted);
  EXPECT_EQ(StateOf(blocker), JobState::kAborted);
  EXPECT_EQ(GetJob(sleeper).summary, "Aborted while sleeping.");
  EXPECT_EQ(GetJob(waiter).summary, "Aborted due to a related job.");

  // Abort handlers ran exactly once: Abort for the jobs that were running,
  // Cancelled for the ones aborted before they ran.
  ASSERT_TRUE(paasmaker::testing::WaitFor(
      [&] { return GetTestJobCounts(waiter).cancels == 1 && GetTestJobCounts(root).cancels == 1; }, 5s));
  EXPECT_EQ(GetTestJobCounts(sleeper).aborts, 1);
  EXPECT_EQ(GetTestJobCounts(blocker).aborts, 1);
  EXPECT_EQ(GetTestJobCounts(ok).aborts, 0);
  EXPECT_EQ(GetTestJobCounts(waiter).starts, 0);
  EXPECT_EQ(GetTestJobCounts(root).starts, 0);
  // A few more full passes must not call any handler again.
  auto passes = manager->stats().full_passes;
  ASSERT_TRUE(paasmaker::testing::WaitFor([&] { return manager->stats().full_passes >= passes + 2; }, 5s));
  EXPECT_EQ(GetTestJobCounts(sleeper).aborts, 1);
  EXPECT_EQ(GetTestJobCounts(blocker).aborts, 1);
  EXPECT_EQ(GetTestJobCounts(waiter).cancels, 1);
  EXPECT_EQ(GetTestJobCounts(root).cancels, 1);
}

TEST_F(JobFailureTest, AUserAbortOfAnyJobAbortsTheWholeTree) {
  auto manager = NewManager("node-a");
  TreeSpec tree;
  auto root = tree.Add({.type = kNoop});
  auto s1 = tree.Add({.type = kSleep, .parameters = {{"seconds", 30}}}, root);
  auto mid = tree.Add({.type = kNoop}, root);
  auto s2 = tree.Add({.type = kSleep, .parameters = {{"seconds", 30}}}, mid);
  ASSERT_TRUE(manager->AddTree(tree.jobs()).ok());
  ASSERT_TRUE(manager->Start(root).ok());
  ASSERT_TRUE(WaitForStarted(s1));
  ASSERT_TRUE(WaitForStarted(s2));

  ASSERT_TRUE(manager->Abort(s2, "Stopped by a user.").ok());
  ASSERT_TRUE(WaitForTreeFinished(root, 5s));
  for (const auto& id : {root, s1, mid, s2}) EXPECT_EQ(StateOf(id), JobState::kAborted) << id;
  EXPECT_EQ(GetTestJobCounts(s1).aborts, 1);
  EXPECT_EQ(GetTestJobCounts(s2).aborts, 1);
  EXPECT_EQ(GetTestJobCounts(s1).starts, 1);
  ASSERT_TRUE(paasmaker::testing::WaitFor([&] { return GetTestJobCounts(mid).cancels == 1; }, 5s));
  EXPECT_EQ(GetTestJobCounts(mid).starts, 0);
}

TEST_F(JobFailureTest, AbortingATreeBeforeItStarts) {
  auto manager = NewManager("node-a");
  TreeSpec tree;
  auto root = tree.Add({.type = kNoop});
  auto child = tree.Add({.type = kNoop}, root);
  ASSERT_TRUE(manager->AddTree(tree.jobs()).ok());
  ASSERT_TRUE(manager->Abort(root, "Not wanted after all.").ok());
  EXPECT_EQ(StateOf(root), JobState::kAborted);
  EXPECT_EQ(GetJob(root).summary, "Not wanted after all.");
  EXPECT_EQ(StateOf(child), JobState::kAborted);
  EXPECT_EQ(manager->Start(root).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(manager->Abort("no-such-job").code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace paasmaker::jobs::testing
