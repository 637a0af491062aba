// Traffic through the router while things change (issue 5 acceptance): a
// make-current under continuous load, an instance killed under load, and
// the router role killed -9 mid-stream — no failed request, and the stats
// count every request exactly once.
#include <gtest/gtest.h>

#include <signal.h>

#include <memory>
#include <set>
#include <thread>

#include "app_helpers.h"
#include "core/files.h"
#include "harness.h"
#include "temp_dir.h"

namespace paasmaker::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

constexpr const char* kHost = "hello.example.com";

class TrafficTest : public ClusterTest {
 protected:
  void SetUp() override { StartCluster(2, 1); }
  int64_t Requests(const std::string& version_id) { return Totals("version", version_id).value("requests", int64_t{0}); }
  int64_t SettledRequests(const std::string& version_id) { return Settled("version", version_id); }
};

TEST_F(TrafficTest, MakeCurrentUnderLoadFailsNoRequest) {
  DeployResult v1 = DeployServed(ExamplesDir() + "/python-hello", kHost, "Hello from Paasmaker");
  ASSERT_EQ(v1.command.exit_code, 0);

  auto start = std::chrono::steady_clock::now();
  RequestPoller poller(router(), kHost);
  TempDir work("pm-traffic");
  std::string copy = CopyExample("python-hello", work.path());
  ASSERT_TRUE(files::WriteFileAtomically(copy + "/VERSION", "two").ok());
  DeployResult v2 = Deploy(cluster_, copy, {"--start", "--current"});
  ASSERT_EQ(v2.command.exit_code, 0) << v2.command.output;
  EXPECT_TRUE(WaitForRoutedBody(router(), kHost, "VERSION: two"));
  HoldLoadUntil(start, seconds(20));
  poller.Stop();
  EXPECT_GT(poller.total(), 100);
  EXPECT_EQ(poller.failed(), 0) << poller.Describe() << "\n" << RouterErrors(router());
}

TEST_F(TrafficTest, KilledInstanceUnderLoadFailsNoRequest) {
  DeployResult v1 = Deploy(cluster_, ExamplesDir() + "/python-hello", {"--start", "--current"});
  ASSERT_EQ(v1.command.exit_code, 0) << v1.command.output;
  json version = cluster_.GetData("/api/v1/versions/" + v1.version_id());
  std::string type_id = version["instance_types"][0]["instance_type_id"];
  auto response = cluster_.Post("/api/v1/instance-types/" + type_id + "/quantity", {{"quantity", 2}});
  ASSERT_TRUE(response.ok() && response->status == 202);
  ASSERT_TRUE(WaitForInstances(cluster_, v1.version_id(), 2, "RUNNING"));
  ASSERT_TRUE(WaitForRoutedBody(router(), kHost, "Hello from Paasmaker"));

  RequestPoller poller(router(), kHost);
  auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(1));  // load before the kill
  auto victims = ProcessesUnder(cluster_.node("heart-2").data_dir() + "/instances");
  ASSERT_FALSE(victims.empty());
  for (pid_t pid : victims) ::kill(pid, SIGKILL);
  HoldLoadUntil(start, seconds(6));
  poller.Stop();
  EXPECT_GT(poller.total(), 50);
  EXPECT_EQ(poller.failed(), 0) << poller.Describe() << "\n" << RouterErrors(router());
  // Its heart restarted it (a new process).
  EXPECT_TRUE(WaitForInstances(cluster_, v1.version_id(), 2, "RUNNING"));
}

// The router role killed -9 while nginx goes on serving and logging: when
// the role is back, its reader resumes from the position in the stats
// Redis, so the totals equal exactly what was sent.
TEST_F(TrafficTest, RouterRoleKilledMidStreamLosesAndDoublesNothing) {
  DeployResult v1 = DeployServed(ExamplesDir() + "/python-hello", kHost, "Hello from Paasmaker");
  ASSERT_EQ(v1.command.exit_code, 0);
  int64_t before = SettledRequests(v1.version_id());

  int sent = 0;
  auto send = [&](int count) {
    for (int i = 0; i < count; ++i) {
      auto response = RouterGet(router(), kHost);
      ASSERT_EQ(response.status, 200) << "request " << sent << ": " << response.body << "\nnginx error log:\n"
                                      << files::ReadFile(router().data_dir() + "/nginx/error.log").value_or("")
                                      << "\nrouter output:\n" << router().Output();
      ++sent;
    }
  };
  send(40);
  router().Kill();  // the node process only: its nginx keeps serving
  ASSERT_EQ(RouterGet(router(), kHost).status, 200) << router().Output() << "\nnginx error log:\n"
                                                    << files::ReadFile(router().data_dir() + "/nginx/error.log").value_or("");
  ++sent;
  send(29);
  pid_t nginx_master = std::atoi(files::ReadFile(router().data_dir() + "/nginx/nginx.pid").value_or("0").c_str());
  ASSERT_TRUE(router().Start());
  // The restarted role adopts the nginx that kept serving (reloaded, not
  // replaced), so requests never stop being answered.
  send(10);
  ASSERT_TRUE(WaitFor([&] { return router().Output().find("router nginx adopted") != std::string::npos; }, seconds(20)))
      << router().Output();
  EXPECT_EQ(std::atoi(files::ReadFile(router().data_dir() + "/nginx/nginx.pid").value_or("0").c_str()), nginx_master);
  send(20);
  EXPECT_TRUE(WaitFor([&] { return Requests(v1.version_id()) >= before + sent; }, seconds(20)));
  EXPECT_EQ(SettledRequests(v1.version_id()), before + sent);
}

}  // namespace
}  // namespace paasmaker::testing
