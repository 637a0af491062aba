// Restarts by policy, stopping whole groups, re-adoption by a new Heart.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>

#include "core/files.h"
#include "core/process.h"
#include "heart/restart_policy.h"
#include "heart_fixture.h"

namespace paasmaker::heart {
namespace {

using std::chrono::seconds;

TEST_F(HeartFixture, KilledInstanceIsRestarted) {
  // Shared: the callback may still run during TearDown's stops.
  auto changes = std::make_shared<std::atomic<int>>(0);
  heart_->Stop();
  heart_->SetOnChange([changes] { ++*changes; });
  ASSERT_TRUE(heart_->Start().ok());
  MustRegister(Spec("i-crash", "v1", Shell("exec sleep 1000", 10, 0.1), true));
  ASSERT_TRUE(heart_->StartInstance("i-crash", Log("crash")).ok());
  pid_t first = heart_->Find("i-crash")->pid;
  int before = changes->load();
  ::kill(first, SIGKILL);
  ASSERT_TRUE(testing::WaitFor([&] {
    auto s = heart_->Find("i-crash");
    return s->state == "RUNNING" && s->pid != first && s->pid != 0;
  }, seconds(10)));
  auto status = heart_->Find("i-crash");
  EXPECT_EQ(status->restarts, 1);
  EXPECT_NE(status->last_exit.find("signal 9"), std::string::npos) << status->last_exit;
  EXPECT_TRUE(testing::WaitFor([&] { return changes->load() > before; }, seconds(5)));
}

TEST_F(HeartFixture, GivesUpAfterThePolicysRestarts) {
  // Runs 0.3 s, then crashes, every time: 1 immediate + 5 backoff restarts.
  MustRegister(Spec("i-flap", "v1", Shell("sleep 0.3; exit 3", 10, 0.1), true));
  ASSERT_TRUE(heart_->StartInstance("i-flap", Log("flap")).ok());
  ASSERT_TRUE(testing::WaitFor([&] {
    auto s = heart_->Find("i-flap");
    return s->state == "ERROR" && s->pid == 0 && s->restarts == 1 + kMaxBackoffRestarts;
  }, seconds(30)));
  EXPECT_EQ(heart_->Find("i-flap")->last_exit, "exited with code 3");
  // A start job starts it afresh.
  ASSERT_TRUE(heart_->StartInstance("i-flap", Log("flap2")).ok());
  EXPECT_EQ(heart_->Find("i-flap")->restarts, 0);
}

TEST_F(HeartFixture, StopKillsTheWholeProcessGroup) {
  config_.heart.stop_grace = 0.5;
  MustRegister(Spec("i-group", "v1", Shell("trap '' TERM; sleep 1000 & sleep 1001 & wait", 10, 0.1), true));
  ASSERT_TRUE(heart_->StartInstance("i-group", Log("group")).ok());
  pid_t pid = heart_->Find("i-group")->pid;
  ASSERT_TRUE(testing::WaitFor([&] { return files::Exists("/proc/" + std::to_string(pid)); }, seconds(1)));
  ASSERT_TRUE(heart_->StopInstance("i-group", Log("group-stop")).ok());
  EXPECT_TRUE(testing::WaitFor([&] { return ::kill(-pid, 0) != 0 && errno == ESRCH; }, seconds(2)));
  EXPECT_EQ(heart_->Find("i-group")->state, "STOPPED");
}

TEST_F(HeartFixture, NewHeartReadoptsRunningInstances) {
  MustRegister(Spec("i-keep", "v1", Shell("while true; do echo tick; sleep 0.1; done", 10, 0.1), true));
  ASSERT_TRUE(heart_->StartInstance("i-keep", Log("keep")).ok());
  pid_t pid = heart_->Find("i-keep")->pid;
  heart_.reset();  // the node stops; the instance keeps running
  ASSERT_TRUE(process::PidAlive(pid));

  heart_ = NewHeart();
  auto status = heart_->Find("i-keep");
  EXPECT_EQ(status->state, "RUNNING");
  EXPECT_EQ(status->pid, pid);
  std::string log = heart_->LogPath("i-keep");
  auto size_now = [&] { auto d = files::ReadFile(log); return d.ok() ? d->size() : 0; };
  size_t before = size_now();
  EXPECT_TRUE(testing::WaitFor([&] { return size_now() > before + 20; }, seconds(5)));  // output still copied

  // Not our child any more: its exit is found by polling, then the policy restarts it.
  ::kill(-pid, SIGKILL);
  ASSERT_TRUE(testing::WaitFor([&] {
    auto s = heart_->Find("i-keep");
    return s->state == "RUNNING" && s->pid != pid && s->pid != 0;
  }, seconds(10)));
  EXPECT_EQ(heart_->Find("i-keep")->restarts, 1);
}

TEST_F(HeartFixture, NewHeartRestartsInstancesThatDiedMeanwhile) {
  MustRegister(Spec("i-gone", "v1", Shell("exec sleep 1000", 10, 0.1), true));
  ASSERT_TRUE(heart_->StartInstance("i-gone", Log("gone")).ok());
  pid_t pid = heart_->Find("i-gone")->pid;
  heart_.reset();
  ::kill(-pid, SIGKILL);
  ASSERT_TRUE(testing::WaitFor([&] { return !process::PidAlive(pid); }, seconds(5)));
  heart_ = NewHeart();
  ASSERT_TRUE(testing::WaitFor([&] {
    auto s = heart_->Find("i-gone");
    return s->state == "RUNNING" && s->pid != pid && s->pid != 0;
  }, seconds(10)));
}

}  // namespace
}  // namespace paasmaker::heart
