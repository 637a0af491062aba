#include <gtest/gtest.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>

#include "core/files.h"
#include "core/process.h"
#include "temp_dir.h"

namespace paasmaker {
namespace {

using testing::TempDir;
using testing::WaitFor;

TEST(ProcessTest, RunCapturesOutputEnvAndCwd) {
  TempDir dir;
  process::LaunchOptions o;
  o.argv = {"/bin/sh", "-c", "echo \"$GREETING from $(pwd)\"; echo err >&2; exit 3"};
  o.env = {{"GREETING", "hello"}};
  o.working_dir = dir.path();
  auto r = process::Run(o, std::chrono::seconds(10));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->exit.exited);
  EXPECT_EQ(r->exit.exit_code, 3);
  EXPECT_NE(r->output.find("hello from " + dir.path()), std::string::npos) << r->output;
  EXPECT_NE(r->output.find("err"), std::string::npos);
}

TEST(ProcessTest, MissingProgramIsAnError) {
  process::LaunchOptions o;
  o.argv = {"/nonexistent/program"};
  auto r = process::Launch(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/nonexistent/program"), std::string::npos);
}

TEST(ProcessTest, ExitCallbackAndOutputFile) {
  TempDir dir;
  std::atomic<int> code{-1};
  process::LaunchOptions o;
  o.argv = {"/bin/sh", "-c", "echo line; exit 7"};
  o.output_file = dir / "out.log";
  auto p = process::Launch(o, [&](const process::ExitInfo& info) { code = info.exit_code; });
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(WaitFor([&] { return code.load() == 7; }, std::chrono::seconds(5)));
  EXPECT_EQ(*files::ReadFile(dir / "out.log"), "line\n");
}

// Only 0-2 and what inherit_fds names reach the program: a descriptor
// opened here without O_CLOEXEC (as Asio opens its sockets) does not.
TEST(ProcessTest, OnlyNamedDescriptorsAreInherited) {
  TempDir dir;
  int leaked = ::open((dir / "leaked").c_str(), O_WRONLY | O_CREAT, 0600);
  int passed = ::open((dir / "passed").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  ASSERT_GE(leaked, 0);
  ASSERT_GE(passed, 0);
  process::LaunchOptions o;
  std::string check = "for fd in " + std::to_string(leaked) + " " + std::to_string(passed) +
                      "; do if [ -e /proc/self/fd/$fd ]; then echo open-$fd; else echo shut-$fd; fi; done";
  o.argv = {"/bin/sh", "-c", check};
  o.inherit_fds = {passed};
  auto r = process::Run(o, std::chrono::seconds(10));
  ::close(leaked);
  ::close(passed);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_NE(r->output.find("shut-" + std::to_string(leaked)), std::string::npos) << r->output;
  EXPECT_NE(r->output.find("open-" + std::to_string(passed)), std::string::npos) << r->output;
}

TEST(ProcessTest, StopKillsTheWholeGroupEvenIfTermIsIgnored) {
  TempDir dir;
  process::LaunchOptions o;
  // A parent that ignores SIGTERM, with a grandchild that records its pid.
  o.argv = {"/bin/sh", "-c", "trap '' TERM; sleep 300 & echo $! > " + (dir / "child.pid") + "; wait"};
  auto p = process::Launch(o);
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(WaitFor([&] { return files::ReadFile(dir / "child.pid").ok() &&
                                   !files::ReadFile(dir / "child.pid")->empty(); },
                      std::chrono::seconds(5)));
  pid_t grandchild = std::atoi(files::ReadFile(dir / "child.pid")->c_str());
  auto info = (*p)->Stop(std::chrono::milliseconds(300));
  EXPECT_TRUE(info.signaled);
  EXPECT_EQ(info.signal, SIGKILL);
  EXPECT_TRUE(WaitFor([&] { return !process::PidAlive(grandchild); }, std::chrono::seconds(5)));
}

TEST(ProcessTest, RunTimesOut) {
  process::LaunchOptions o;
  o.argv = {"sleep", "30"};
  auto r = process::Run(o, std::chrono::milliseconds(200));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kTimeout);
}

}  // namespace
}  // namespace paasmaker
