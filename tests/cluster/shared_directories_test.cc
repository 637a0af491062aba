// paasmaker.service.filesystem on a cluster: its directories live in
// pacemaker.filesystem_directory, a shared filesystem mounted on the hearts
// that list it in heart.shared_directories. Instances of an application with
// such a service go only to those hearts, and write there as their own
// unprivileged uid.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "app_helpers.h"
#include "core/files.h"
#include "harness.h"
#include "temp_dir.h"

namespace paasmaker::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

class SharedDirectoriesTest : public ClusterTest {};

TEST_F(SharedDirectoriesTest, FilesystemServiceInstancesGoOnlyToHeartsThatReachItsDirectory) {
  // The "mount": a directory instances may pass through.
  const std::string shared = cluster_.dir().path() + "/shared";
  ASSERT_TRUE(files::MakeDirectories(shared, 0711).ok());
  const std::string files_root = shared + "/filesystem";
  cluster_.AddNode("pacemaker", {"pacemaker"}).extra_pacemaker_yaml = ", filesystem_directory: " + files_root;
  cluster_.AddNode("heart-1", {"heart"}).extra_heart_yaml = ", shared_directories: [" + shared + "]";
  cluster_.AddNode("heart-2", {"heart"});
  cluster_.AddNode("router-1", {"router"});
  ASSERT_TRUE(cluster_.StartAll());
  ASSERT_TRUE(cluster_.WaitForRegistration());
  auto listed = cluster_.ListedNodes();
  EXPECT_EQ(listed["heart-1"]["shared_directories"], json::array({shared})) << listed["heart-1"].dump();
  EXPECT_EQ(listed["heart-2"]["shared_directories"], json::array()) << listed["heart-2"].dump();

  TempDir work("pm-shared-dirs");
  std::string copy = CopyExample("python-hello", work.path());
  auto manifest = files::ReadFile(copy + "/manifest.yml");
  ASSERT_TRUE(manifest.ok());
  std::string text = *manifest;
  text.replace(text.find("quantity: 1"), 11, "quantity: 2");
  // Each instance's startup command writes into the service's directory.
  text.replace(text.find("    hostnames:"), 0,
               "    startup:\n      - plugin: paasmaker.startup.shell\n"
               "        parameters: {commands: [\"python3 -c \\\"import json, os; d = json.loads(os.environ['PM_SERVICES'])"
               "['files']['directory']; open(os.path.join(d, 'from-' + str(os.getuid())), 'w').write('ok')\\\"\"]}\n");
  text += "  - name: files\n    plugin: paasmaker.service.filesystem\n    parameters: {}\n";
  ASSERT_TRUE(files::WriteFileAtomically(copy + "/manifest.yml", text).ok());

  DeployResult v1 = Deploy(cluster_, copy, {"--start", "--current"});
  ASSERT_EQ(v1.command.exit_code, 0) << v1.command.output;
  ASSERT_TRUE(WaitForInstances(cluster_, v1.version_id(), 2, "RUNNING"));
  EXPECT_EQ(RunningInstancesPerNode(cluster_, v1.version_id()), (std::map<std::string, int>{{"heart-1", 2}}));

  auto env = RouterGet(router(), "hello.example.com", "/env");
  ASSERT_EQ(env.status, 200) << env.body;
  json vars = json::parse(env.body, nullptr, false);
  ASSERT_FALSE(vars.is_discarded()) << env.body;
  std::string directory = vars["PM_SERVICES"]["files"].value("directory", "");
  EXPECT_EQ(directory.rfind(files_root + "/", 0), 0u) << env.body;
  int written = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    written += entry.path().filename().string().rfind("from-", 0) == 0;
    struct stat st {};
    ASSERT_EQ(::stat(entry.path().c_str(), &st), 0);
    if (::geteuid() == 0) {
      EXPECT_NE(st.st_uid, 0u) << entry.path() << ": written as root";
    }
  }
  EXPECT_EQ(written, ::geteuid() == 0 ? 2 : 1) << directory;  // one uid per instance when the heart is root
}

}  // namespace
}  // namespace paasmaker::testing
