// `paasmaker server` with no config runs a working single-node cluster; bad
// configs are refused with a message naming the key and line, and nothing is
// left running.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/files.h"
#include "core/net.h"
#include "harness.h"

namespace paasmaker::testing {
namespace {

using nlohmann::json;

CommandResult ServerWithConfig(const TempDir& dir, const std::string& yaml) {
  std::string path = dir / "node.yml";
  EXPECT_TRUE(files::WriteFileAtomically(path, yaml).ok());
  return RunPaasmaker({"server", "-c", path}, {}, dir.path());
}

TEST(ConfigTest, UnknownKeyIsRefusedWithKeyAndLine) {
  TempDir dir;
  auto r = ServerWithConfig(dir, "my_name: a\ndata_dir: " + (dir / "data") + "\nhttp_prot: 1\n");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("node.yml:3: unknown key \"http_prot\""), std::string::npos) << r.output;
  EXPECT_FALSE(files::Exists(dir / "data"));  // refused before anything started
}

TEST(ConfigTest, WrongTypeIsRefusedWithKeyAndLine) {
  TempDir dir;
  auto r = ServerWithConfig(dir, "redis:\n  table:\n    port: lots\n");
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("node.yml:3: redis.table.port: expected an integer, got \"lots\""), std::string::npos)
      << r.output;
}

TEST(ConfigTest, UnreadableFileIsRefused) {
  TempDir dir;
  auto r = RunPaasmaker({"server", "-c", dir / "missing.yml"}, {}, dir.path());
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("missing.yml"), std::string::npos) << r.output;
}

TEST(ConfigTest, BusyPortFailsCleanlyWithNothingLeftRunning) {
  Cluster cluster;
  auto& pm = cluster.AddNode("pacemaker", {"pacemaker"});
  // Occupy the node's HTTP port first.
  http::Server blocker(2);
  ASSERT_TRUE(blocker.Start("127.0.0.1", pm.ports().http).ok());
  pm.WriteConfig();
  auto r = RunPaasmaker({"server", "-c", pm.config_path()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find(std::to_string(pm.ports().http)), std::string::npos) << r.output;
  // The redis-servers it had started are gone again.
  EXPECT_TRUE(WaitFor([&] { return cluster.StrayProcesses().empty(); }, std::chrono::seconds(10)));
}

// A first hour as root with the project in /root: every deploy used to fail
// later with "Permission denied" inside the instance. The node refuses to
// start instead, naming the directory its instance uids cannot enter.
TEST(ConfigTest, RootHeartRefusesAWorkingDirItsInstanceUidsCannotReach) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root: only a root heart runs instances under other uids";
  Cluster cluster;
  cluster.AddNode("pacemaker", {"pacemaker"});  // its ports only: the heart stops before it would register
  auto& heart = cluster.AddNode("heart-1", {"heart"});
  std::string private_dir = cluster.dir() / "private";
  ASSERT_TRUE(files::MakeDirectories(private_dir, 0700).ok());
  ASSERT_EQ(::chmod(private_dir.c_str(), 0700), 0);
  heart.extra_heart_yaml = ", working_dir: " + private_dir + "/work";
  heart.WriteConfig();
  auto r = RunPaasmaker({"server", "-c", heart.config_path()});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.output.find("cannot enter " + private_dir + " (mode 0700"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("chmod o+x " + private_dir), std::string::npos) << r.output;
  EXPECT_TRUE(WaitFor([&] { return cluster.StrayProcesses().empty(); }, std::chrono::seconds(10)));
}

// The README's first command ends in `paasmaker server` with no config.
TEST(ConfigTest, NoConfigRunsASingleNodeClusterInDotData) {
  // Other tests never take these ports (FreeTestPort), but a run just before
  // this one may have left them briefly unbindable while connections close.
  for (int port : {42500, 42510, 42512, 42513, 42530, 42531, 42532}) {
    ASSERT_TRUE(WaitFor([&] { return net::PortIsFree("127.0.0.1", port); }, std::chrono::seconds(90)))
        << "default port " << port << " is in use on this machine";
  }
  Cluster cluster;  // for its temp dir and stray-process safety net
  process::LaunchOptions o;
  o.argv = {PaasmakerBinary(), "server"};
  o.working_dir = cluster.dir().path();
  o.output_file = cluster.dir() / "server.out";
  auto server = process::Launch(o);
  ASSERT_TRUE(server.ok());
  std::string key_file = cluster.dir() / "data/admin_api_key";
  ASSERT_TRUE(WaitFor([&] { return files::Exists(key_file); }, std::chrono::seconds(30)))
      << files::ReadFile(o.output_file).value_or("");
  std::string key = *files::ReadFile(key_file);
  key.pop_back();
  std::string banner;
  EXPECT_TRUE(WaitFor(
      [&] {
        banner = files::ReadFile(o.output_file).value_or("");
        return banner.find("admin credentials") != std::string::npos;
      },
      std::chrono::seconds(10)));
  EXPECT_NE(banner.find("http://127.0.0.1:42500"), std::string::npos) << banner;
  EXPECT_NE(banner.find("data/admin_credentials.json"), std::string::npos) << banner;

  json listed;
  EXPECT_TRUE(WaitFor(
      [&] {
        auto r = RunPaasmaker({"node", "list", "--json"}, {{"PAASMAKER_KEY", key}, {"PAASMAKER_REMOTE", "http://127.0.0.1:42500"}});
        if (r.exit_code != 0) return false;
        listed = json::parse(r.output, nullptr, false);
        return !listed.is_discarded() && listed["nodes"].size() == 1 && listed["nodes"][0]["state"] == "ACTIVE";
      },
      std::chrono::seconds(20)));
  ASSERT_EQ(listed["nodes"].size(), 1u);
  EXPECT_EQ(listed["nodes"][0]["roles"], json::array({"pacemaker", "heart", "router"}));

  auto credentials = json::parse(*files::ReadFile(cluster.dir() / "data/admin_credentials.json"));
  EXPECT_EQ(credentials["username"], "admin");
  EXPECT_EQ(credentials["api_key"], key);

  (*server)->Signal(SIGTERM);
  auto exit = (*server)->Wait(std::chrono::seconds(10));
  ASSERT_TRUE(exit.has_value());
  EXPECT_EQ(exit->exit_code, 0);
  EXPECT_TRUE(WaitFor([&] { return cluster.StrayProcesses().empty(); }, std::chrono::seconds(10)));
}

}  // namespace
}  // namespace paasmaker::testing
