// Errors that explain (issue 15 acceptance): when a deploy fails, the CLI's
// stderr holds the cause itself — every problem of a bad manifest, the last
// output lines of an instance that exits at start, a startup command's
// message — and the exit code is non-zero. `--follow` shows a compact tree
// (state lines, no job logs) and `--verbose` the job logs too.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "app_helpers.h"
#include "core/files.h"
#include "harness.h"
#include "temp_dir.h"

namespace paasmaker::testing {
namespace {

class CliErrorsTest : public ClusterTest {
 protected:
  void SetUp() override { StartCluster(1, 1); }

  // An application directory holding just `manifest`.
  std::string AppWith(const std::string& name, const std::string& manifest) {
    std::string dir = work_.path() + "/" + name;
    EXPECT_TRUE(files::MakeDirectories(dir).ok());
    EXPECT_TRUE(files::WriteFileAtomically(dir + "/manifest.yml", manifest).ok());
    return dir;
  }
  static std::string Show(const SplitCommandResult& r) {
    return "exit " + std::to_string(r.exit_code) + "\n--- stdout\n" + r.output + "\n--- stderr\n" + r.error_output;
  }

  // Lines "[xxxxxxxx] ..." of a follower's output that are not state lines.
  static int JobLogLines(const std::string& output) {
    static const std::regex kJobLine(R"(^\[[0-9a-f]{8}\] (.*)$)");
    static const std::regex kStateLine(R"(^(NEW|WAITING|RUNNING|SUCCESS|FAILED|ABORTED)( |$))");
    int logs = 0;
    std::istringstream lines(output);
    std::smatch match;
    for (std::string line; std::getline(lines, line);) {
      if (!std::regex_match(line, match, kJobLine)) continue;
      std::string rest = match[1];
      if (!std::regex_search(rest, kStateLine)) ++logs;
    }
    return logs;
  }

  TempDir work_{"pm-cli-errors"};
};

TEST_F(CliErrorsTest, ManifestWithThreeMistakesPutsAllThreeOnStderr) {
  std::string dir = AppWith("bad-manifest",
                            "manifest:\n  format: 1\n"
                            "application:\n  name: 'no spaces allowed'\n"  // 1
                            "instances:\n"
                            "  - name: web\n    quantity: -2\n"  // 2
                            "    runtime: {plugin: paasmaker.runtime.shell, version: '1',"
                            " parameters: {launch_command: 'true'}}\n"
                            "    crons: [{runspec: '99 * * * *', uri: /tick}]\n");  // 3
  for (const char* mode : {"--follow", "--verbose"}) {
    SplitCommandResult result = RunClientSplit(cluster_, {"deploy", dir, mode});
    EXPECT_NE(result.exit_code, 0) << mode << "\n" << Show(result);
    for (const char* needle : {"application.name", "instances[0].quantity", "instances[0].crons[0].runspec"}) {
      EXPECT_NE(result.error_output.find(needle), std::string::npos) << mode << ": " << needle << "\n"
                                                                      << Show(result);
    }
  }
}

TEST_F(CliErrorsTest, InstanceThatExitsAtStartPutsItsLastOutputOnStderr) {
  std::string dir = AppWith(
      "dies-at-start",
      "manifest:\n  format: 1\n"
      "application:\n  name: dies-at-start\n"
      "instances:\n"
      "  - name: web\n    quantity: 1\n"
      "    runtime:\n      plugin: paasmaker.runtime.shell\n      version: '1'\n"
      "      parameters:\n"
      "        launch_command: >-\n"
      "          sh -c 'for i in 1 2 3 4 5 6 7 8; do echo booting step $i; done;\n"
      "          echo fatal: cannot open settings.ini >&2; exit 3'\n"
      "    hostnames: [dies.example.com]\n");
  SplitCommandResult result = RunClientSplit(cluster_, {"deploy", dir, "--start", "--follow"});
  EXPECT_NE(result.exit_code, 0) << Show(result);
  // The instance's own last lines, not only "ended FAILED".
  EXPECT_NE(result.error_output.find("fatal: cannot open settings.ini"), std::string::npos) << Show(result);
  EXPECT_NE(result.error_output.find("booting step 8"), std::string::npos) << Show(result);
  // The compact view: state lines on stdout, no job log lines.
  EXPECT_NE(result.output.find("FAILED"), std::string::npos) << Show(result);
}

TEST_F(CliErrorsTest, FailingStartupCommandPutsItsMessageOnStderr) {
  SplitCommandResult result = RunClientSplit(cluster_, {"deploy", ExamplesDir() + "/startup-fails", "--start"});
  EXPECT_NE(result.exit_code, 0) << Show(result);
  EXPECT_NE(result.error_output.find("migration failed: table users missing"), std::string::npos) << Show(result);
}

TEST_F(CliErrorsTest, FollowIsCompactAndVerboseStreamsTheJobLogs) {
  SplitCommandResult compact = RunClientSplit(cluster_, {"deploy", ExamplesDir() + "/python-hello", "--follow"});
  ASSERT_EQ(compact.exit_code, 0) << Show(compact);
  SplitCommandResult verbose = RunClientSplit(cluster_, {"deploy", ExamplesDir() + "/python-hello", "--verbose"});
  ASSERT_EQ(verbose.exit_code, 0) << Show(verbose);
  // Both show each job reaching SUCCESS, one line per job state.
  EXPECT_NE(compact.output.find("] SUCCESS"), std::string::npos) << Show(compact);
  EXPECT_NE(verbose.output.find("] SUCCESS"), std::string::npos) << Show(verbose);
  // Only --verbose prints the jobs' log lines: "[id] text" lines whose
  // text is not a job state.
  EXPECT_EQ(JobLogLines(compact.output), 0) << Show(compact);
  EXPECT_GT(JobLogLines(verbose.output), 0) << Show(verbose);
  EXPECT_NE(compact.output.find("Job tree finished: SUCCESS"), std::string::npos) << Show(compact);
}

}  // namespace
}  // namespace paasmaker::testing
