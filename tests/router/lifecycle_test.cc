// The router's nginx as a managed daemon: the stats log it writes, clean
// stops, restarts after a crash, leftovers of earlier runs, start-up errors.
#include <signal.h>

#include <fstream>
#include <sstream>

#include "core/files.h"
#include "core/net.h"
#include "core/process.h"
#include "router/managed_nginx.h"
#include "router/nginx_config.h"
#include "router/stats/stats_line.h"
#include "router_fixture.h"

namespace paasmaker::testing {
namespace {

// The log's lines, but for the readiness checks (served_by "-"), which
// must be exactly those the stats reader skips.
std::vector<std::string> Lines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    router::stats::StatsLine parsed;
    bool health_check = line.find(R"("served_by":"-")") != std::string::npos;
    EXPECT_EQ(health_check, router::stats::StatsLineParser::Parse(line, &parsed) && parsed.health_check) << line;
    if (health_check) {
      EXPECT_EQ(parsed.host, router::kHealthHost) << line;
    } else {
      lines.push_back(line);
    }
  }
  return lines;
}

class LifecycleTest : public RouterFixture {};

TEST_F(LifecycleTest, StatsLogHasOneJsonLinePerRequest) {
  Backend& app = MakeBackend("app");
  AddRoute("app.example.com", app, "vt-42", "node-7", "inst-9");
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Get("app.example.com").status, 200);
  ASSERT_EQ(Get("unknown.example.com").status, 404);

  const std::string log = Prefix() + "/stats.log";
  // Buffered with flush=1s.
  ASSERT_TRUE(WaitFor([&] { return Lines(log).size() >= 4; }, std::chrono::seconds(5)));
  auto lines = Lines(log);
  ASSERT_EQ(lines.size(), 4u);
  int routed = 0;
  for (const auto& line : lines) {
    auto entry = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(entry.is_discarded()) << line;
    EXPECT_TRUE(entry["time"].is_number()) << line;
    EXPECT_GT(entry["time"].get<double>(), 1.6e9) << line;
    EXPECT_TRUE(entry["status"].is_number_integer()) << line;
    EXPECT_TRUE(entry["bytes"].is_number_integer()) << line;
    EXPECT_TRUE(entry["request_time"].is_number()) << line;
    EXPECT_TRUE(entry["upstream_response_time"].is_string()) << line;
    if (entry["host"] == "app.example.com") {
      ++routed;
      EXPECT_EQ(entry["status"], 200);
      EXPECT_GT(entry["bytes"].get<int>(), 0);
      EXPECT_EQ(entry["served_by"], "vt-42 node-7 inst-9");
      EXPECT_NE(entry["upstream_response_time"], "-");
    } else {
      EXPECT_EQ(entry["host"], "unknown.example.com");
      EXPECT_EQ(entry["status"], 404);
      EXPECT_EQ(entry["served_by"], "null null null");
      // nginx lists the cached-route try that sent it to @pm_lookup (or
      // nothing); the stats reader counts no upstream time for a page.
      router::stats::StatsLine parsed;
      ASSERT_TRUE(router::stats::StatsLineParser::Parse(line, &parsed)) << line;
      EXPECT_EQ(parsed.upstream_time_ms, -1) << line;
    }
  }
  EXPECT_EQ(routed, 3);
}

TEST_F(LifecycleTest, StopLeavesNoNginxProcessBehind) {
  auto running = NginxProcessesOf(Prefix());
  EXPECT_GE(running.size(), 2u) << "a master and at least one worker";
  router_->Stop();
  EXPECT_TRUE(NginxProcessesOf(Prefix()).empty());
  EXPECT_FALSE(net::PortAcceptsConnections("127.0.0.1", config_.router.port_direct));
  EXPECT_FALSE(files::Exists(Prefix() + "/nginx.pid"));
}

TEST_F(LifecycleTest, WorkersDoNotRunAsRoot) {
  if (::geteuid() != 0) GTEST_SKIP() << "only meaningful when the node runs as root";
  pid_t master = router_->nginx()->pid();
  for (pid_t pid : NginxProcessesOf(Prefix())) {
    if (pid == master) continue;
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line) && line.rfind("Uid:", 0) != 0) {
    }
    EXPECT_EQ(line.find("\t0\t"), std::string::npos) << "worker " << pid << ": " << line;
  }
}

TEST_F(LifecycleTest, KilledMasterIsRestartedAndItsOrphansCleared) {
  Backend& app = MakeBackend("app");
  AddRoute("app.example.com", app);
  pid_t master = router_->nginx()->pid();
  ASSERT_GT(master, 0);
  // SIGKILL the master alone: its workers live on, holding the ports.
  ::kill(master, SIGKILL);
  ASSERT_TRUE(WaitFor(
      [&] {
        pid_t now = router_->nginx()->pid();
        return now != master && now != 0 && router_->nginx()->Answers(now);
      },
      std::chrono::seconds(15)));
  EXPECT_EQ(GetJson("app.example.com")["name"], "app");
  router_->Stop();
  EXPECT_TRUE(NginxProcessesOf(Prefix()).empty());
}

TEST_F(LifecycleTest, LeftoversOfAnEarlierRunAreReplaced) {
  router_->Stop();
  // An earlier life of the node: nginx started with the same files, then the
  // master died (SIGKILL) leaving its workers — and the ports — behind.
  auto settings = router_->Settings();
  ASSERT_TRUE(settings.ok());
  process::LaunchOptions launch;
  launch.argv = {"/usr/sbin/nginx", "-p", settings->prefix + "/", "-c", settings->ConfigFile(),
                 "-e", settings->ErrorLog(), "-g", "daemon off;"};
  launch.working_dir = settings->prefix;
  launch.output_file = settings->ErrorLog();
  auto old = process::Launch(launch);
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  ASSERT_TRUE(WaitFor([&] { return router::ManagedNginx(*settings, "").Answers((*old)->pid()); },
                      std::chrono::seconds(10)));
  ASSERT_TRUE(files::WriteFileAtomically(settings->PidFile(), std::to_string((*old)->pid()) + "\n").ok());
  ::kill((*old)->pid(), SIGKILL);
  (*old)->Wait(std::chrono::seconds(5));
  ASSERT_FALSE(NginxProcessesOf(Prefix()).empty()) << "orphaned workers keep running";

  Backend& app = MakeBackend("app");
  AddRoute("app.example.com", app);
  router::Router again(config_, redis_->endpoint());
  Status started = again.Start();
  ASSERT_TRUE(started.ok()) << started.ToString();
  EXPECT_EQ(GetJson("app.example.com")["name"], "app");
  again.Stop();
  EXPECT_TRUE(NginxProcessesOf(Prefix()).empty());
}

TEST_F(LifecycleTest, BusyPortIsAClearError) {
  router_->Stop();
  http::Server squatter(1);
  ASSERT_TRUE(squatter.Start("0.0.0.0", config_.router.port_80).ok());
  router::Router again(config_, redis_->endpoint());
  Status started = again.Start();
  EXPECT_EQ(started.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(started.message().find("router.nginx.port_80 " + std::to_string(config_.router.port_80)),
            std::string::npos)
      << started.ToString();
  EXPECT_TRUE(NginxProcessesOf(Prefix()).empty());
}

TEST_F(LifecycleTest, StartFailsWhenLuaCannotLoad) {
  router_->Stop();
  // A wrapper that breaks our Lua after Start() wrote it, then runs nginx.
  const std::string wrapper = dir_->path() + "/broken-nginx.sh";
  const std::string script = "#!/bin/sh\n"
                             "echo 'this is not lua(' > " + Prefix() + "/lua/paasmaker/router.lua\n"
                             "exec /usr/sbin/nginx \"$@\"\n";
  ASSERT_TRUE(files::WriteFileAtomically(wrapper, script, 0755).ok());
  config_.router.nginx_binary = wrapper;
  router::Router broken(config_, redis_->endpoint());
  Status started = broken.Start();
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.message().find("router.lua"), std::string::npos)
      << "the error log tail names the cause: " << started.ToString();
  EXPECT_TRUE(NginxProcessesOf(Prefix()).empty());
}

TEST_F(LifecycleTest, MissingBinaryIsAClearError) {
  router_->Stop();
  config_.router.nginx_binary = "/nonexistent/nginx";
  router::Router again(config_, redis_->endpoint());
  Status started = again.Start();
  EXPECT_EQ(started.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(started.message().find("/nonexistent/nginx"), std::string::npos) << started.ToString();
}

TEST_F(LifecycleTest, UnmanagedNginxOnlyGetsItsFiles) {
  router_->Stop();
  config_.router.nginx_managed = false;
  router::Router again(config_, redis_->endpoint());
  ASSERT_TRUE(again.Start().ok());
  EXPECT_EQ(again.nginx(), nullptr);
  EXPECT_TRUE(files::Exists(Prefix() + "/nginx.conf"));
  EXPECT_TRUE(files::Exists(Prefix() + "/lua/paasmaker/router.lua"));
  EXPECT_TRUE(NginxProcessesOf(Prefix()).empty());
}

}  // namespace
}  // namespace paasmaker::testing
