// Sources and prepare through the whole cluster (SPEC §8): bad archives and
// bad manifests are refused with errors that say why, and a static site is
// deployed from a tarball and served by the static runtime.
#include <gtest/gtest.h>

#include "app_helpers.h"
#include "core/files.h"
#include "core/process.h"
#include "harness.h"
#include "temp_dir.h"

namespace paasmaker::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

class LifecycleSourcesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_.AddStandardNodes(2, 1);
    ASSERT_TRUE(cluster_.StartAll());
    ASSERT_TRUE(cluster_.WaitForRegistration());
  }

  // Builds a .tar.gz with python3's tarfile: members given as (name, kind, data/target).
  std::string MakeTarball(const std::string& name, const std::string& python_members) {
    std::string path = work_.path() + "/" + name;
    std::string script = "import io, tarfile, sys\n"
                         "t = tarfile.open(sys.argv[1], 'w:gz')\n"
                         "def add(name, data=b'', link=None):\n"
                         "    info = tarfile.TarInfo(name)\n"
                         "    if link is not None:\n"
                         "        info.type = tarfile.SYMTYPE; info.linkname = link\n"
                         "    else:\n"
                         "        info.size = len(data)\n"
                         "    t.addfile(info, io.BytesIO(data) if link is None else None)\n"
                         "add('manifest.yml', open(sys.argv[2], 'rb').read())\n" +
                         python_members + "t.close()\n";
    process::LaunchOptions options;
    options.argv = {"python3", "-c", script, path, ExamplesDir() + "/python-hello/manifest.yml"};
    auto run = process::Run(options, seconds(30));
    EXPECT_TRUE(run.ok() && run->exit.exited && run->exit.exit_code == 0) << (run.ok() ? run->output : "");
    return path;
  }

  Cluster cluster_;
  TempDir work_{"pm-sources"};
};

TEST_F(LifecycleSourcesTest, ArchivesThatEscapeAreRefusedWithTheReason) {
  struct Case {
    const char* name;
    const char* members;
    const char* reason;
  } cases[] = {
      {"dotdot.tar.gz", "add('../escape.txt', b'x')\n", "'..'"},
      {"absolute.tar.gz", "add('/tmp/pm-absolute-escape.txt', b'x')\n", "absolute path"},
      {"symlink.tar.gz", "add('passwd', link='../../../../etc/passwd')\n", "outside"},
  };
  for (const auto& c : cases) {
    std::string tarball = MakeTarball(c.name, c.members);
    DeployResult result = Deploy(cluster_, tarball, {"--follow"});
    EXPECT_NE(result.command.exit_code, 0) << c.name << "\n" << result.command.output;
    EXPECT_NE(result.command.output.find(c.reason), std::string::npos) << c.name << "\n" << result.command.output;
  }
}

TEST_F(LifecycleSourcesTest, ManifestWithFiveMistakesReportsAllFive) {
  std::string dir = CopyExample("python-hello", work_.path());
  std::string manifest =
      "manifest:\n  format: 1\n"
      "application:\n  name: 'bad name!'\n"                                   // 1: bad name
      "instances:\n"
      "  - name: web\n    quantity: -1\n"                                     // 2: negative quantity
      "    runtime: {plugin: paasmaker.runtime.nope, version: '1', parameters: {}}\n"  // 3: unknown runtime
      "    crons: [{runspec: '61 * * * *', uri: /x}]\n"                        // 4: bad cron
      "  - name: web\n"                                                       // 5: duplicate name
      "    runtime: {plugin: paasmaker.runtime.shell, version: '1', parameters: {launch_command: 'true'}}\n";
  ASSERT_TRUE(files::WriteFileAtomically(dir + "/manifest.yml", manifest).ok());
  DeployResult result = Deploy(cluster_, dir, {"--follow"});
  EXPECT_NE(result.command.exit_code, 0) << result.command.output;
  for (const char* needle : {"application.name", "instances[0].quantity", "instances[0].runtime.plugin",
                             "instances[0].crons[0].runspec", "instances[1].name"}) {
    EXPECT_NE(result.command.output.find(needle), std::string::npos) << needle << "\n" << result.command.output;
  }
}

TEST_F(LifecycleSourcesTest, StaticSiteFromATarballIsServed) {
  std::string tarball = work_.path() + "/static-site.tar.gz";
  process::LaunchOptions options;
  options.argv = {"tar", "-czf", tarball, "-C", ExamplesDir() + "/static-site", "."};
  auto packed = process::Run(options, seconds(30));
  ASSERT_TRUE(packed.ok() && packed->exit.exit_code == 0);
  DeployResult result = Deploy(cluster_, tarball, {"--start", "--current"});
  ASSERT_EQ(result.command.exit_code, 0) << result.command.output;
  auto& router = cluster_.node("router-1");
  EXPECT_TRUE(WaitFor([&] { return RouterGet(router, "static.example.com").status == 200; }, seconds(20)));
  auto page = RouterGet(router, "static.example.com", "/index.html");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(RouterGet(router, "static.example.com", "/missing.html").status, 404);
}

}  // namespace
}  // namespace paasmaker::testing
