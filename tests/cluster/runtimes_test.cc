// Language runtimes through the whole cluster (SPEC §5.4, issue 17): the
// python, node and php examples deploy from source with their dependencies
// installed at prepare (offline: local packages only) and answer through the
// router; a manifest asking for python 9 fails placement naming what each
// heart has; the original's manifests, which launch `python app.py` (no
// `python` on Debian 12) and read PM_PORT, run under the shell and the python
// runtime; a requirement no index can give fails with the offline advice.
#include <gtest/gtest.h>

#include "app_helpers.h"
#include "core/files.h"
#include "harness.h"
#include "temp_dir.h"

namespace paasmaker::testing {
namespace {

using nlohmann::json;

class RuntimesTest : public ClusterTest {
 protected:
  void SetUp() override { StartCluster(2, 1); }

  // The heart-reported versions of `plugin` by node name.
  std::map<std::string, json> ReportedVersions(const std::string& plugin) {
    std::map<std::string, json> versions;
    for (const auto& [name, node] : cluster_.ListedNodes()) {
      if (node.contains("runtimes") && node["runtimes"].contains(plugin)) versions[name] = node["runtimes"][plugin];
    }
    return versions;
  }

  TempDir work_{"pm-runtimes"};
};

TEST_F(RuntimesTest, HeartsReportTheInterpreterVersions) {
  auto python = ReportedVersions("paasmaker.runtime.python");
  ASSERT_EQ(python.count("heart-1"), 1u);
  ASSERT_EQ(python["heart-1"].size(), 1u) << python["heart-1"].dump();
  EXPECT_EQ(python["heart-1"][0].get<std::string>().rfind("3.", 0), 0u) << python["heart-1"].dump();
  EXPECT_EQ(ReportedVersions("paasmaker.runtime.node").count("heart-2"), 1u);
  EXPECT_EQ(ReportedVersions("paasmaker.runtime.php").count("heart-2"), 1u);
  EXPECT_EQ(ReportedVersions("paasmaker.runtime.shell").count("heart-1"), 1u);
}

TEST_F(RuntimesTest, PythonNodeAndPhpExamplesServeWithTheirDependencies) {
  DeployResult python = DeployServed(ExamplesDir() + "/python-requirements", "pyreq.example.com",
                                     "Hello from the greeting package, python-requirements!");
  std::string prepare_log = TreeLogs(cluster_, python.json["jobs"].value("prepare", ""));
  EXPECT_NE(prepare_log.find("pip install -r requirements.txt"), std::string::npos) << prepare_log;
  DeployServed(ExamplesDir() + "/node-hello", "node.example.com", "Hello from the greeting package, node-hello!");
  DeployServed(ExamplesDir() + "/php-hello", "php.example.com", "Hello from PHP 8.");
  EXPECT_TRUE(WaitForRoutedBody(router(), "php.example.com", "application php-hello"));
}

TEST_F(RuntimesTest, AnUnmetVersionFailsPlacementNamingWhatHeartsHave) {
  std::string dir = CopyExample("python-requirements", work_.path());
  auto manifest = files::ReadFile(dir + "/manifest.yml");
  ASSERT_TRUE(manifest.ok());
  std::string text = *manifest;
  text.replace(text.find("version: \"3\""), 12, "version: \"9\"");
  ASSERT_TRUE(files::WriteFileAtomically(dir + "/manifest.yml", text).ok());
  DeployResult result = Deploy(cluster_, dir, {"--start", "--follow"});
  EXPECT_NE(result.command.exit_code, 0) << result.command.output;
  std::string python_version = ReportedVersions("paasmaker.runtime.python")["heart-1"][0];
  for (const std::string& needle : {std::string("no heart has paasmaker.runtime.python 9; hearts have: "),
                                    "heart-1 " + python_version, "heart-2 " + python_version}) {
    EXPECT_NE(result.command.output.find(needle), std::string::npos) << needle << "\n" << result.command.output;
  }
}

// As the original's tutorial: `python app.py`, the port from PM_PORT.
TEST_F(RuntimesTest, OriginalManifestsLaunchingPythonAppPyRun) {
  std::string dir = work_.path() + "/original";
  ASSERT_TRUE(files::MakeDirectories(dir).ok());
  ASSERT_TRUE(files::WriteFileAtomically(dir + "/app.py",
                                         "import os, sys\n"
                                         "from http.server import BaseHTTPRequestHandler, HTTPServer\n"
                                         "class H(BaseHTTPRequestHandler):\n"
                                         "    def do_GET(self):\n"
                                         "        body = ('original app on ' + sys.executable).encode()\n"
                                         "        self.send_response(200)\n"
                                         "        self.send_header('Content-Length', str(len(body)))\n"
                                         "        self.end_headers()\n"
                                         "        self.wfile.write(body)\n"
                                         "HTTPServer(('0.0.0.0', int(os.environ['PM_PORT'])), H).serve_forever()\n")
                  .ok());
  ASSERT_TRUE(files::WriteFileAtomically(dir + "/manifest.yml",
                                         "manifest:\n  format: 1\n"
                                         "application:\n  name: original\n"
                                         "instances:\n"
                                         "  - name: web\n"
                                         "    quantity: 1\n"
                                         "    runtime:\n"
                                         "      plugin: paasmaker.runtime.shell\n"
                                         "      version: 1\n"
                                         "      parameters:\n"
                                         "        launch_command: python app.py\n"
                                         "    hostnames: [original-shell.example.com]\n"
                                         "  - name: py\n"
                                         "    quantity: 1\n"
                                         "    runtime:\n"
                                         "      plugin: paasmaker.runtime.python\n"
                                         "      version: 3\n"
                                         "      parameters:\n"
                                         "        launch_command: python app.py\n"
                                         "    hostnames: [original-python.example.com]\n")
                  .ok());
  DeployResult result = Deploy(cluster_, dir, {"--start", "--current"});
  ASSERT_EQ(result.command.exit_code, 0) << result.command.output;
  EXPECT_TRUE(WaitForRoutedBody(router(), "original-shell.example.com", "original app on "));
  EXPECT_TRUE(WaitForRoutedBody(router(), "original-python.example.com", "original app on "));
}

TEST_F(RuntimesTest, ARequirementNoIndexHasFailsWithOfflineAdvice) {
  std::string dir = CopyExample("python-requirements", work_.path());
  ASSERT_TRUE(files::WriteFileAtomically(dir + "/requirements.txt", "paasmaker-no-such-package==1.0\n").ok());
  DeployResult result = Deploy(cluster_, dir, {"--follow"});
  EXPECT_NE(result.command.exit_code, 0) << result.command.output;
  for (const char* needle : {"paasmaker-no-such-package", "pip could not install requirements.txt", "--find-links"}) {
    EXPECT_NE(result.command.output.find(needle), std::string::npos) << needle << "\n" << result.command.output;
  }
}

}  // namespace
}  // namespace paasmaker::testing
