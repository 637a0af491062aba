// ManagedDaemon (src/core/managed_daemon.h): a copy left running by an
// earlier life of the node is adopted when the owner says so (kept, not
// restarted), replaced otherwise, and an adopted copy that dies is relaunched.
#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <thread>
#include <vector>

#include "core/managed_daemon.h"
#include "temp_dir.h"

namespace paasmaker {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

bool WaitFor(const std::function<bool()>& condition, milliseconds timeout = seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return condition();
}

class ManagedDaemonTest : public ::testing::Test {
 protected:
  ManagedDaemon::Options SleepOptions(std::function<bool(pid_t)> adopt = nullptr) {
    ManagedDaemon::Options options;
    options.name = "sleeper";
    options.launch.argv = {"sleep", "60"};
    options.pid_file = dir_.path() + "/sleeper.pid";
    options.ready = [] { return true; };
    options.adopt = std::move(adopt);
    return options;
  }
  // A daemon whose node "crashed": supervision ends, the process lives on.
  // The object is deliberately never destroyed: this test process is the
  // sleeper's parent, and the exit callback of its launch points at it
  // whenever the sleeper dies (for a real node the parent is gone). Kept
  // reachable from a static, so LeakSanitizer does not count it as leaked.
  pid_t LeaveOneRunning() {
    static auto* left_running = new std::vector<ManagedDaemon*>();
    auto* earlier = left_running->emplace_back(new ManagedDaemon(SleepOptions()));
    EXPECT_TRUE(earlier->Start().ok());
    pid_t pid = earlier->pid();
    earlier->Stop(false);
    return pid;
  }
  testing::TempDir dir_{"pm-daemon"};
};

TEST_F(ManagedDaemonTest, AdoptedCopyIsKeptAndStoppedWithTheDaemon) {
  pid_t earlier = LeaveOneRunning();
  ASSERT_GT(earlier, 0);
  pid_t offered = 0;
  ManagedDaemon daemon(SleepOptions([&](pid_t pid) {
    offered = pid;
    return true;
  }));
  ASSERT_TRUE(daemon.Start().ok());
  EXPECT_EQ(offered, earlier);
  EXPECT_EQ(daemon.pid(), earlier);
  EXPECT_EQ(daemon.restarts(), 0);
  daemon.Stop(true);
  EXPECT_TRUE(WaitFor([&] { return !process::PidAlive(earlier); }));
}

TEST_F(ManagedDaemonTest, RefusedCopyIsReplaced) {
  pid_t earlier = LeaveOneRunning();
  ManagedDaemon daemon(SleepOptions([](pid_t) { return false; }));
  ASSERT_TRUE(daemon.Start().ok());
  EXPECT_NE(daemon.pid(), earlier);
  EXPECT_TRUE(WaitFor([&] { return !process::PidAlive(earlier); }));
  daemon.Stop(true);
}

TEST_F(ManagedDaemonTest, AdoptedCopyThatDiesIsRelaunched) {
  pid_t earlier = LeaveOneRunning();
  ManagedDaemon daemon(SleepOptions([](pid_t) { return true; }));
  ASSERT_TRUE(daemon.Start().ok());
  ASSERT_EQ(daemon.pid(), earlier);
  ::kill(earlier, SIGKILL);
  EXPECT_TRUE(WaitFor([&] { return daemon.restarts() == 1 && daemon.pid() != earlier && daemon.pid() > 0; }));
  pid_t relaunched = daemon.pid();
  daemon.Stop(true);
  EXPECT_TRUE(WaitFor([&] { return !process::PidAlive(relaunched); }));
}

}  // namespace
}  // namespace paasmaker
