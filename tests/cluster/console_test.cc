// The web console in a real Chromium (Debian's, driven by playwright-core)
// against a real cluster: a pacemaker, two hearts and a router. Each test
// runs one scenario of web/tests/console_test.mjs, which drives the pages
// and checks what they show; this file starts the cluster, makes what a
// scenario needs through the API (users, a view-only role, archives, an app
// with hostile names) and hands it over in the environment. Screenshots of
// every page checked (and of any failure) go to <build dir>/console-screenshots.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "app_helpers.h"
#include "core/files.h"
#include "harness.h"

namespace paasmaker::testing {
namespace {

using nlohmann::json;

constexpr const char* kViewerPassword = "viewer-password-1";
constexpr const char* kXssWorkspaceName = "<img src=x onerror=\"window.__xss=1\">";

// Packs a directory as a .tar.gz, as a user would before uploading it.
std::string Pack(const std::string& dir, const std::string& archive) {
  process::LaunchOptions tar;
  tar.argv = {"tar", "-C", dir, "-czf", archive, "."};
  auto packed = process::Run(tar, std::chrono::seconds(30));
  EXPECT_TRUE(packed.ok() && packed->exit.exited && packed->exit.exit_code == 0) << archive;
  return archive;
}

std::string Data(const Result<http::ClientResponse>& answer, const std::string& what) {
  EXPECT_TRUE(answer.ok()) << what;
  if (!answer.ok()) return "";
  EXPECT_LT(answer->status, 300) << what << ": " << answer->body;
  return answer->body;
}

class ConsoleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new Cluster();
    cluster_->AddStandardNodes(2, 1);
    ASSERT_TRUE(cluster_->StartAll());
    ASSERT_TRUE(cluster_->WaitForRegistration());
    Cluster& c = *cluster_;
    std::string dir = c.dir().path();

    auto credentials = json::parse(files::ReadFile(c.pacemaker().data_dir() + "/admin_credentials.json").value());
    env_["PM_URL"] = c.pacemaker().url();
    env_["PM_ADMIN_USER"] = credentials["username"];
    env_["PM_ADMIN_PASSWORD"] = credentials["password"];
    env_["PM_ROUTER_PORT"] = std::to_string(c.node("router-1").ports().router_direct);
    env_["PM_SCREENSHOTS"] = PAASMAKER_SCREENSHOT_DIR;
    env_["PM_HELLO_HOST"] = "hello.example.com";
    env_["PM_CLUSTER_HOSTNAME"] = "local.paasmaker.net";  // the default; the router serves pacemaker.<it>
    env_["PM_SITE_DIRECTORY"] = ExamplesDir() + "/static-site";
    env_["PM_HELLO_ARCHIVE"] = Pack(ExamplesDir() + "/python-hello", dir + "/python-hello.tar.gz");
    env_["PM_FAILING_ARCHIVE"] = Pack(ExamplesDir() + "/startup-fails", dir + "/startup-fails.tar.gz");
    json workspaces = c.GetData("/api/v1/workspaces");
    env_["PM_WORKSPACE"] = workspaces["workspaces"][0]["id"];

    // A view-only user: a role with the view permissions only.
    json viewer = json::parse(Data(c.Post("/api/v1/users", {{"login", "viewer"}, {"password", kViewerPassword}}),
                                   "create the viewer"));
    json role = json::parse(Data(c.Post("/api/v1/roles", {{"name", "Viewer"},
                                                           {"permissions", {"WORKSPACE_LIST", "WORKSPACE_VIEW"}}}),
                                 "create the view-only role"));
    Data(c.Post("/api/v1/roles/allocations",
                {{"user_id", viewer["data"]["user"]["id"]}, {"role_id", role["data"]["role"]["id"]}}),
         "allocate it");
    env_["PM_VIEWER_USER"] = "viewer";
    env_["PM_VIEWER_PASSWORD"] = kViewerPassword;
    DeployResult site = Deploy(c, ExamplesDir() + "/static-site", {"--start"});
    ASSERT_EQ(site.command.exit_code, 0) << site.command.output;
    env_["PM_APPLICATION"] = site.application_id();
    env_["PM_VERSION"] = site.version_id();

    // Hostile text where users and apps put text: a workspace name, a
    // manifest value and the output of a startup command.
    json hostile = json::parse(Data(c.Post("/api/v1/workspaces", {{"name", kXssWorkspaceName}, {"stub", "xss"}}),
                                    "create the hostile workspace"));
    std::string app_dir = dir + "/xss-app";
    std::filesystem::create_directories(app_dir);
    std::ofstream(app_dir + "/manifest.yml") << R"(manifest:
  format: 1
application:
  name: xss-app
instances:
  - name: web
    quantity: 1
    runtime:
      plugin: paasmaker.runtime.shell
      version: "1"
      parameters: {launch_command: "sleep 60", note: "<img src=x onerror=window.__xss=3>"}
    startup:
      - plugin: paasmaker.startup.shell
        parameters:
          commands:
            - "echo '<script>window.__xss=2</script>'; echo '<img src=x onerror=window.__xss=4>'; exit 1"
    hostnames: [xss.example.com]
)";
    DeployResult xss = Deploy(c, app_dir, {"--workspace", "xss"});
    ASSERT_EQ(xss.command.exit_code, 0) << xss.command.output;
    env_["PM_XSS_WORKSPACE_NAME"] = kXssWorkspaceName;
    env_["PM_XSS_VERSION"] = xss.version_id();
    std::string start = VersionAction(c, xss.version_id(), "start");
    ASSERT_EQ(WaitForTree(c, start), "ABORTED");  // a failed job aborts the rest of its tree
    env_["PM_XSS_JOB"] = start;
    (void)hostile;
  }

  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }

  // Runs one scenario in Chromium; its output says which check failed.
  static void RunScenario(const std::string& scenario) {
    ASSERT_NE(cluster_, nullptr);
    process::LaunchOptions options;
    options.argv = {"node", PAASMAKER_SOURCE_DIR "/web/tests/console_test.mjs", scenario};
    options.env = env_;
    options.working_dir = PAASMAKER_SOURCE_DIR "/web";
    options.output_file = cluster_->dir().path() + "/console-" + scenario + ".out";
    auto run = process::Run(options, std::chrono::seconds(240));
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    std::string output = run->output + files::ReadFile(options.output_file).value_or("");
    EXPECT_TRUE(run->exit.exited && run->exit.exit_code == 0)
        << scenario << ": " << run->exit.Describe() << "\n" << output << "\npacemaker:\n"
        << Tail(cluster_->pacemaker().Output(), 20);
  }

  static Cluster* cluster_;
  static std::map<std::string, std::string> env_;
};

Cluster* ConsoleTest::cluster_ = nullptr;
std::map<std::string, std::string> ConsoleTest::env_;

TEST_F(ConsoleTest, SignInWrongPasswordAndSignedOutRedirect) { RunScenario("signin"); }

TEST_F(ConsoleTest, APostWithoutTheCsrfTokenIsRefused) { RunScenario("csrf"); }

TEST_F(ConsoleTest, DeployStartMakeCurrentScaleAndSeeTraffic) { RunScenario("deploy"); }

TEST_F(ConsoleTest, AFailingStartupShowsTheCommandsOutput) { RunScenario("startup_fails"); }

TEST_F(ConsoleTest, AViewOnlyUserSeesNoActionsAndIsRefused) { RunScenario("viewer"); }

TEST_F(ConsoleTest, NamesAndLogLinesFromUsersAndAppsNeverRun) { RunScenario("xss"); }

TEST_F(ConsoleTest, EveryPageShowsWhatItShould) { RunScenario("pages"); }

TEST_F(ConsoleTest, ADirectoryIsZippedInTheBrowserAndDeployed) { RunScenario("deploy_directory"); }

TEST_F(ConsoleTest, TheConsoleWorksThroughARouter) { RunScenario("via_router"); }

// Last: it changes the viewer's password.
TEST_F(ConsoleTest, OnesOwnProfileResetsTheKeyAndChangesThePassword) { RunScenario("profile"); }

// The API the nodes page reads: a node's instances come with it.
TEST_F(ConsoleTest, ANodeIsShownWithTheInstancesOnIt) {
  std::vector<std::string> seen;
  for (const char* heart : {"heart-1", "heart-2"}) {
    json shown = cluster_->GetData("/api/v1/nodes/" + cluster_->node(heart).Uuid());
    ASSERT_TRUE(shown["instances"].is_array()) << shown.dump();
    for (const auto& instance : shown["instances"]) seen.push_back(instance.value("version_id", ""));
  }
  EXPECT_NE(std::find(seen.begin(), seen.end(), env_["PM_VERSION"]), seen.end())
      << "the static site's instance is on one of the hearts";
}

}  // namespace
}  // namespace paasmaker::testing
