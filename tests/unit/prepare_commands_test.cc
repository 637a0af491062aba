// Prepare commands: what they run with (a clean environment, never the
// pacemaker's) and, on a root pacemaker, as whom (pacemaker.prepare_uid), and
// that nothing they leave running outlives their job.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/archive.h"
#include "core/files.h"
#include "prepare_fixture.h"

namespace paasmaker::pacemaker::prepare {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Prepare commands that show what they run with, and leave a process behind.
const char kEnvManifest[] = R"(manifest:
  format: 1
application:
  name: envcheck
  prepare:
    commands:
      - plugin: paasmaker.prepare.shell
        parameters:
          commands:
            - env > env.txt
            - id -u > uid.txt
            - (sleep 300 > /dev/null 2>&1 &)
instances:
  - name: web
    runtime:
      plugin: paasmaker.runtime.shell
      version: "1"
      parameters: {launch_command: "python3 -m http.server %(port)d"}
)";

// Real uids of running (not zombie) processes.
std::vector<uid_t> ProcessUids() {
  std::vector<uid_t> uids;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::string pid = entry.path().filename();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream status(entry.path() / "status");
    std::string line;
    bool zombie = false;
    while (std::getline(status, line)) {
      if (line.rfind("State:", 0) == 0) zombie = line.find('Z') != std::string::npos;
      if (line.rfind("Uid:", 0) == 0 && !zombie) uids.push_back(static_cast<uid_t>(std::stoul(line.substr(4))));
    }
  }
  return uids;
}

TEST_F(PrepareTest, PrepareCommandsGetACleanEnvironment) {
  // What the pacemaker process has (credentials, root's PATH) stays there.
  ::setenv("PREPARE_TEST_NODE_SECRET", "must-not-leak", 1);
  ::setenv("PAASMAKER_PREPARE_TEST_TOKEN", "must-not-leak-either", 1);
  StartJobs();
  Write(dir_ / "envapp/manifest.yml", kEnvManifest);
  jobs::Job root = Deploy({{"plugin", "paasmaker.scm.directory"}, {"parameters", {{"path", dir_ / "envapp"}}}});
  ::unsetenv("PREPARE_TEST_NODE_SECRET");
  ::unsetenv("PAASMAKER_PREPARE_TEST_TOKEN");
  ASSERT_EQ(root.state, jobs::JobState::kSuccess) << root.summary;
  std::string unpacked = Unpacked(root, "env-unpacked");
  std::map<std::string, std::string> env;
  std::istringstream lines(*files::ReadFile(unpacked + "/env.txt"));
  for (std::string line; std::getline(lines, line);) {
    size_t eq = line.find('=');
    if (eq != std::string::npos) env[line.substr(0, eq)] = line.substr(eq + 1);
  }
  EXPECT_EQ(env["PATH"], "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  EXPECT_EQ(env["LANG"], "C.UTF-8");
  std::string work_root = WorkDirRoot(config_, node_uuid_) + "/";
  EXPECT_EQ(env["HOME"].rfind(work_root, 0), 0u) << env["HOME"];  // the work dir
  EXPECT_EQ(json::parse(env["PM_METADATA"])["application"]["name"], "envcheck");
  EXPECT_EQ(json::parse(env["PM_SERVICES"]), json::object());
  EXPECT_EQ(env.count("PREPARE_TEST_NODE_SECRET"), 0u);
  EXPECT_EQ(env.count("PAASMAKER_PREPARE_TEST_TOKEN"), 0u);
  // Nothing else of this process's either (the shell adds only its own PWD).
  for (char** e = ::environ; *e != nullptr; ++e) {
    std::string key(*e, std::strchr(*e, '=') - *e);
    if (key == "PATH" || key == "HOME" || key == "LANG" || key == "PWD") continue;
    EXPECT_EQ(env.count(key), 0u) << key << " came from the pacemaker's environment";
  }
}

TEST_F(PrepareTest, AsRootPrepareCommandsRunUnprivilegedAndLeaveNothingRunning) {
  if (!PrepareAsOtherUser()) GTEST_SKIP() << "needs root: only a root pacemaker switches the prepare uid";
  // Its own uid: the check for leftovers must not see another test's prepare.
  config_.pacemaker.prepare_uid = 60997;
  StartJobs();
  Write(dir_ / "uidapp/manifest.yml", kEnvManifest);
  jobs::Job root = Deploy({{"plugin", "paasmaker.scm.directory"}, {"parameters", {{"path", dir_ / "uidapp"}}}});
  ASSERT_EQ(root.state, jobs::JobState::kSuccess) << root.summary;
  std::string unpacked = Unpacked(root, "uid-unpacked");
  EXPECT_EQ(*files::ReadFile(unpacked + "/uid.txt"), "60997\n");
  std::string commands_log =
      *files::ReadFile(*manager_->logs().PathFor(JobOfType(root.id, "paasmaker.job.prepare.commands").id));
  EXPECT_NE(commands_log.find("Prepare commands run as uid 60997."), std::string::npos) << commands_log;
  // The `sleep 300` it left in the background is gone with the job.
  auto uids = ProcessUids();
  EXPECT_EQ(std::count(uids.begin(), uids.end(), 60997u), 0);
}

}  // namespace
}  // namespace paasmaker::pacemaker::prepare
