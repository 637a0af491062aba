// Outages: the jobs Redis dies and comes back mid-tree; a manager dies while
// a job runs and its node's next manager takes over.
#include "jobs_fixture.h"

namespace paasmaker::jobs::testing {
namespace {

constexpr const char* kNoop = "paasmaker.job.test.noop";
constexpr const char* kSleep = "paasmaker.job.test.sleep";

class JobOutageTest : public JobsTest {};

TEST_F(JobOutageTest, ATreeCompletesAfterRedisRestartsWithoutRunningAnythingTwice) {
  auto manager = NewManager("node-a");
  TreeSpec tree;
  auto root = tree.Add({.type = kNoop, .title = "root"});
  auto quick = tree.Add({.type = kNoop, .title = "quick"}, root);
  auto sleeper = tree.Add({.type = kSleep, .parameters = {{"seconds", 1.0}}}, root);
  ASSERT_TRUE(manager->AddTree(tree.jobs()).ok());
  ASSERT_TRUE(manager->Start(root).ok());
  ASSERT_TRUE(WaitForState(quick, JobState::kSuccess));
  ASSERT_TRUE(WaitForStarted(sleeper));

  // The test server keeps no data across a kill, so snapshot it first, as a
  // persistent production Redis would have its data: the tree "stands" here.
  ASSERT_TRUE(client_.Command({"SAVE"}).ok());
  redis_.Kill();

  // The sleeper ends while Redis is away: its result waits in memory.
  ASSERT_TRUE(paasmaker::testing::WaitFor([&] { return manager->stats().unwritten == 1; }, 5s));
  EXPECT_EQ(manager->stats().running, 0u);
  ASSERT_TRUE(redis_.Restart());

  ASSERT_TRUE(WaitForState(root, JobState::kSuccess, 10s));
  EXPECT_EQ(StateOf(sleeper), JobState::kSuccess);
  EXPECT_EQ(GetTestJobCounts(sleeper).starts, 1);
  EXPECT_EQ(GetTestJobCounts(quick).starts, 1);
  EXPECT_EQ(GetTestJobCounts(root).starts, 1);
  // Written while Redis was away, kept, then written once it was back.
  auto end = store_.GetContextValue(root, "sleep." + sleeper + ".end");
  ASSERT_TRUE(end.ok() && end->has_value());
  EXPECT_EQ(manager->stats().unwritten, 0u);
}

TEST_F(JobOutageTest, JobsWaitWhileRedisIsDownAndRunWhenItReturns) {
  auto manager = NewManager("node-a");
  ASSERT_TRUE(paasmaker::testing::WaitFor([&] { return manager->stats().recovered; }, 5s));
  TreeSpec tree;
  auto root = tree.Add({.type = kNoop});
  ASSERT_TRUE(manager->AddTree(tree.jobs()).ok());
  ASSERT_TRUE(client_.Command({"SAVE"}).ok());  // the NEW tree survives the restart
  redis_.Kill();
  EXPECT_EQ(manager->Start(root).code(), StatusCode::kUnavailable);
  ASSERT_TRUE(redis_.Restart());
  ASSERT_TRUE(paasmaker::testing::WaitFor([&] { return manager->Start(root).ok(); }, 5s));
  ASSERT_TRUE(WaitForState(root, JobState::kSuccess));
  EXPECT_EQ(GetTestJobCounts(root).starts, 1);
}

TEST_F(JobOutageTest, ARestartedManagerAbortsWhatItsNodeWasRunning) {
  auto manager = NewManager("node-a");
  TreeSpec tree;
  auto root = tree.Add({.type = kNoop});
  auto sleeper = tree.Add({.type = kSleep, .parameters = {{"seconds", 30}}}, root);
  ASSERT_TRUE(manager->AddTree(tree.jobs()).ok());
  ASSERT_TRUE(manager->Start(root).ok());
  ASSERT_TRUE(WaitForStarted(sleeper));

  manager.reset();  // like a crash: nothing more is written
  EXPECT_EQ(StateOf(sleeper), JobState::kRunning);

  auto restarted = NewManager("node-a");
  ASSERT_TRUE(WaitForState(sleeper, JobState::kAborted));
  EXPECT_NE(GetJob(sleeper).summary.find("restarted"), std::string::npos) << GetJob(sleeper).summary;
  ASSERT_TRUE(WaitForState(root, JobState::kAborted));
  EXPECT_EQ(GetTestJobCounts(sleeper).starts, 1);
  EXPECT_EQ(GetTestJobCounts(root).starts, 0);
}

TEST_F(JobOutageTest, DrainLetsRunningJobsFinishAndStopsClaiming) {
  auto manager = NewManager("node-a");
  TreeSpec tree;
  auto root = tree.Add({.type = kNoop});
  auto sleeper = tree.Add({.type = kSleep, .parameters = {{"seconds", 0.3}}}, root);
  ASSERT_TRUE(manager->AddTree(tree.jobs()).ok());
  ASSERT_TRUE(manager->Start(root).ok());
  ASSERT_TRUE(WaitForState(sleeper, JobState::kRunning));  // claimed, maybe not started yet
  ASSERT_TRUE(manager->Drain(5s).ok());
  EXPECT_EQ(StateOf(sleeper), JobState::kSuccess);
  // The root became ready, but a draining manager claims nothing new.
  auto passes = manager->stats().full_passes;
  ASSERT_TRUE(paasmaker::testing::WaitFor([&] { return manager->stats().full_passes >= passes + 2; }, 5s));
  EXPECT_EQ(StateOf(root), JobState::kWaiting);
}

}  // namespace
}  // namespace paasmaker::jobs::testing
