// `paasmaker doctor -c CONFIG` against real nodes: it finds what a running
// node holds, compares a heart's clock with its pacemaker's, names the
// directory instance uids cannot enter (as root), and starts nothing.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/files.h"
#include "harness.h"

namespace paasmaker::testing {
namespace {

using nlohmann::json;

CommandResult Doctor(const std::string& config_path, bool as_json = false) {
  std::vector<std::string> args = {"doctor", "-c", config_path};
  if (as_json) args.push_back("--json");
  return RunPaasmaker(args);
}

class DoctorClusterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new Cluster();
    cluster_->AddNode("pacemaker", {"pacemaker"});
    cluster_->AddNode("heart-1", {"heart"});  // checked, never started
    ASSERT_TRUE(cluster_->StartNode(cluster_->pacemaker()));
    cluster_->node("heart-1").WriteConfig();
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }
  static Cluster* cluster_;
};
Cluster* DoctorClusterTest::cluster_ = nullptr;

TEST_F(DoctorClusterTest, ARunningNodesOwnConfigShowsItsPortsAndDataDirInUse) {
  auto& pacemaker = cluster_->pacemaker();
  auto r = Doctor(pacemaker.config_path());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  const std::string port = std::to_string(pacemaker.ports().http);
  EXPECT_NE(r.output.find("problem  port http_port"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("127.0.0.1:" + port + " is in use"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("fix: stop what holds it (ss -tanp 'sport = :" + port + "' shows it"),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("a paasmaker node (pid " + std::to_string(pacemaker.pid()) + ") is running with " +
                          pacemaker.data_dir()),
            std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("port redis.jobs.port"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("`paasmaker server` with this config would fail."), std::string::npos) << r.output;
  // It only looked: the node serves on.
  EXPECT_TRUE(pacemaker.running());
  EXPECT_EQ(cluster_->Get("/api/v1/nodes")->status, 200);
}

TEST_F(DoctorClusterTest, AHeartsConfigPassesAndItsClockIsComparedWithThePacemakers) {
  auto& heart = cluster_->node("heart-1");
  auto r = Doctor(heart.config_path());
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("Node 'heart-1' (roles: heart; config: " + heart.config_path() + ")"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("ok       clock offset"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("from the pacemaker at " + cluster_->pacemaker().url()), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("does not exist yet; the node creates it"), std::string::npos) << r.output;
  // Nothing was created or started.
  EXPECT_FALSE(files::Exists(heart.data_dir()));
  EXPECT_FALSE(heart.running());
}

TEST_F(DoctorClusterTest, JsonListsEveryCheckWithItsOutcome) {
  auto r = Doctor(cluster_->pacemaker().config_path(), true);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  json report = json::parse(r.output, nullptr, false);
  ASSERT_TRUE(report.is_object()) << r.output;
  EXPECT_EQ(report["node"], "pacemaker");
  EXPECT_EQ(report["roles"], json::array({"pacemaker"}));
  int problems = 0;
  for (const auto& check : report["checks"]) {
    ASSERT_TRUE(check.contains("name") && check.contains("detail") && check.contains("fix")) << check.dump();
    if (check["outcome"] == "problem") {
      ++problems;
      EXPECT_FALSE(check["fix"].get<std::string>().empty()) << check.dump();
    }
  }
  EXPECT_GE(problems, 2);  // the API port and the data dir at least
  EXPECT_EQ(report["problems"], problems);
}

// (config_test shows `paasmaker server` refusing the same config.)
TEST_F(DoctorClusterTest, ADataDirInstanceUidsCannotReachIsNamedWithTheFix) {
  TempDir hidden;  // mkdtemp: 0700, as /root is
  auto& heart = cluster_->node("heart-1");
  const std::string config_path = hidden / "heart.yml";
  auto yaml = files::ReadFile(heart.config_path());
  ASSERT_TRUE(yaml.ok());
  std::string text = *yaml;
  text.replace(text.find("data_dir: " + heart.data_dir()), ("data_dir: " + heart.data_dir()).size(),
               "data_dir: " + (hidden / "data"));
  ASSERT_TRUE(files::WriteFileAtomically(config_path, text).ok());
  auto r = Doctor(config_path);
  if (::geteuid() != 0) {
    // Unprivileged, instances run as this user: nothing to reach, a warning says so.
    EXPECT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("warning  instance uids"), std::string::npos) << r.output;
    return;
  }
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("problem  instance dirs"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("uid 61000 cannot enter " + hidden.path() + " (mode 0700, owner uid 0)"), std::string::npos)
      << r.output;
  EXPECT_NE(r.output.find("fix: let other users pass through it (chmod o+x " + hidden.path() + ")"), std::string::npos)
      << r.output;
  ::chmod(hidden.path().c_str(), 0711);
  r = Doctor(config_path);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("ok       instance dirs"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace paasmaker::testing
