// Language runtimes (SPEC §5.4): version matching, the interpreters'
// version lines, what a heart offers, default launch commands and the
// environment, placement's error for an unmet version, dependency installs.
#include <gtest/gtest.h>

#include "core/files.h"
#include "heart/interpreters.h"
#include "heart/language_runtimes.h"
#include "heart/runtime.h"
#include "model/runtime_names.h"
#include "model/runtime_versions.h"
#include "pacemaker/lifecycle/placement.h"
#include "pacemaker/prepare/dependencies.h"
#include "temp_dir.h"

#include <filesystem>

namespace paasmaker {
namespace {

using nlohmann::json;
using testing::TempDir;

TEST(RuntimeVersionsTest, ExactOrDottedPrefixMatches) {
  EXPECT_TRUE(model::VersionMatches("3.11.2", "3.11.2"));
  EXPECT_TRUE(model::VersionMatches("3", "3.11.2"));
  EXPECT_TRUE(model::VersionMatches("3.11", "3.11.2"));
  EXPECT_TRUE(model::VersionMatches("", "3.11.2"));
  EXPECT_FALSE(model::VersionMatches("3.1", "3.11.2"));
  EXPECT_FALSE(model::VersionMatches("9", "3.11.2"));
  EXPECT_FALSE(model::VersionMatches("3.11.2.1", "3.11.2"));
  EXPECT_TRUE(model::AnyVersionMatches("1", {"0", "1"}));
  EXPECT_FALSE(model::AnyVersionMatches("1", {}));
}

TEST(RuntimeVersionsTest, InterpreterVersionLinesAreParsed) {
  EXPECT_EQ(model::ParseInterpreterVersion("Python 3.11.2\n"), "3.11.2");
  EXPECT_EQ(model::ParseInterpreterVersion("v20.20.2\n"), "20.20.2");
  EXPECT_EQ(model::ParseInterpreterVersion("PHP 8.2.36 (cli) (built: Nov 18 2026 20:02:04) (NTS)\nCopyright (c)"),
            "8.2.36");
  EXPECT_EQ(model::ParseInterpreterVersion("ruby 3.1.2p20 (2022-04-12 revision 4491bb740a) [x86_64-linux-gnu]"),
            "3.1.2");
  EXPECT_EQ(model::ParseInterpreterVersion("sh: 1: python3: not found"), std::nullopt);
  EXPECT_EQ(model::ParseInterpreterVersion(""), std::nullopt);
}

TEST(RuntimeVersionsTest, LanguageRuntimesWithoutVersionsAreDetected) {
  heart::RuntimeVersions configured = {{model::kShellRuntime, {"1"}},
                                       {model::kPythonRuntime, {}},
                                       {model::kRubyRuntime, {}},
                                       {model::kPhpRuntime, {"8.1"}}};
  std::vector<std::string> why_not;
  auto offered = heart::ResolveRuntimeVersions(
      configured,
      [](const std::string& plugin) -> Result<std::string> {
        if (plugin == model::kPythonRuntime) return std::string("3.11.2");
        return NotFound("`ruby -v`: not installed on the system PATH");
      },
      &why_not);
  EXPECT_EQ(offered[model::kShellRuntime], std::vector<std::string>{"1"});
  EXPECT_EQ(offered[model::kPythonRuntime], std::vector<std::string>{"3.11.2"});
  EXPECT_EQ(offered[model::kPhpRuntime], std::vector<std::string>{"8.1"});  // configured: kept, not detected
  EXPECT_EQ(offered.count(model::kRubyRuntime), 0u);
  ASSERT_EQ(why_not.size(), 1u);
  EXPECT_NE(why_not[0].find("paasmaker.runtime.ruby: `ruby -v`: not installed"), std::string::npos);
}

TEST(RuntimeVersionsTest, ThisMachinesPythonIsDetected) {
  auto version = heart::DetectInterpreterVersion(model::kPythonRuntime);
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(version->rfind("3.", 0), 0u) << *version;
  EXPECT_FALSE(heart::DetectInterpreterVersion(model::kShellRuntime).ok());
}

model::InstanceSpec Spec(const std::string& plugin, json parameters = json::object(), bool standalone = false) {
  model::InstanceSpec spec;
  spec.instance_id = "i-1";
  spec.version_id = "v-1";
  spec.runtime.plugin = plugin;
  spec.runtime.parameters = std::move(parameters);
  spec.standalone = standalone;
  return spec;
}

std::string Line(const model::InstanceSpec& spec, const std::string& dir = "/nonexistent") {
  auto command = heart::BuildRuntimeCommand(spec, 4100, dir, "/self", "127.0.0.9");
  EXPECT_TRUE(command.ok()) << command.status().ToString();
  if (!command.ok() || command->argv.size() != 3) return "";
  EXPECT_EQ(command->argv[0], "/bin/sh");
  return command->argv[2];
}

TEST(LanguageRuntimeTest, DefaultLaunchCommands) {
  EXPECT_EQ(Line(Spec(model::kPythonRuntime)), "exec python3 'app.py'");
  EXPECT_EQ(Line(Spec(model::kPythonRuntime, {{"script", "web.py"}})), "exec python3 'web.py'");
  std::string wsgi = Line(Spec(model::kPythonRuntime, {{"wsgi_module", "site.wsgi:app"}}));
  EXPECT_NE(wsgi.find("exec python3 -m gunicorn --bind '127.0.0.9:4100' 'site.wsgi:app'"), std::string::npos) << wsgi;
  EXPECT_NE(wsgi.find("wsgiref"), std::string::npos) << wsgi;
  EXPECT_EQ(Line(Spec(model::kPhpRuntime, {{"document_root", "public"}})), "exec php -S '127.0.0.9:4100' -t 'public'");
  EXPECT_EQ(Line(Spec(model::kPhpRuntime)), "exec php -S '127.0.0.9:4100' -t '.'");
  EXPECT_EQ(Line(Spec(model::kNodeRuntime)), "exec node 'server.js'");
  EXPECT_EQ(Line(Spec(model::kRubyRuntime)), "exec ruby app.rb");
  // A launch_command wins, the port substituted as for the shell runtime.
  EXPECT_EQ(Line(Spec(model::kPythonRuntime, {{"launch_command", "python app.py --port=%(port)d"}})),
            "python app.py --port=4100");
}

TEST(LanguageRuntimeTest, NodeAndRubyDefaultsFollowTheAppsFiles) {
  TempDir dir("pm-langrt");
  ASSERT_TRUE(files::WriteFileAtomically(dir.path() + "/package.json", R"({"main": "lib/main.js"})").ok());
  EXPECT_EQ(Line(Spec(model::kNodeRuntime), dir.path()), "exec node 'lib/main.js'");
  ASSERT_TRUE(files::WriteFileAtomically(dir.path() + "/package.json", R"({"scripts": {"start": "node x.js"}})").ok());
  EXPECT_EQ(Line(Spec(model::kNodeRuntime), dir.path()), "exec npm start");
  ASSERT_TRUE(files::WriteFileAtomically(dir.path() + "/config.ru", "run ->(e) { [200, {}, ['ok']] }\n").ok());
  EXPECT_EQ(Line(Spec(model::kRubyRuntime), dir.path()), "exec rackup -p 4100 -o '127.0.0.9'");
  ASSERT_TRUE(files::WriteFileAtomically(dir.path() + "/Gemfile", "source 'https://rubygems.org'\n").ok());
  EXPECT_EQ(Line(Spec(model::kRubyRuntime), dir.path()), "exec bundle exec rackup -p 4100 -o '127.0.0.9'");
}

TEST(LanguageRuntimeTest, ParametersAreChecked) {
  EXPECT_TRUE(heart::CheckRunnable(Spec(model::kPythonRuntime)).ok());
  EXPECT_TRUE(heart::CheckRunnable(Spec(model::kRubyRuntime, json::object(), /*standalone=*/true)).ok());
  auto message = [](const model::InstanceSpec& spec) { return heart::CheckRunnable(spec).message(); };
  EXPECT_NE(message(Spec(model::kPythonRuntime, {{"wsgi_module", "bad module"}})).find("wsgi_module"),
            std::string::npos);
  EXPECT_NE(message(Spec(model::kPythonRuntime, {{"wsgi_module", "app"}}, true)).find("standalone"), std::string::npos);
  EXPECT_NE(message(Spec(model::kPhpRuntime, {{"document_root", "../etc"}})).find("inside the instance"),
            std::string::npos);
  EXPECT_NE(message(Spec(model::kPhpRuntime, json::object(), true)).find("standalone"), std::string::npos);
  EXPECT_NE(message(Spec(model::kNodeRuntime, {{"launch_command", 3}})).find("launch_command"), std::string::npos);
  EXPECT_EQ(heart::ShellQuote("it's"), "'it'\\''s'");
}

TEST(LanguageRuntimeTest, EnvironmentGivesPythonItsPackagesAndEveryoneAPython) {
  auto env = heart::InstanceEnvironment(Spec(model::kPythonRuntime), 4100, "/w/instance/i-1", "127.0.0.9",
                                        "/w/runtime-bin");
  EXPECT_EQ(env["PYTHONPATH"], "/w/instance/i-1/.paasmaker/python-packages");
  EXPECT_EQ(env["PATH"].rfind("/w/instance/i-1/.paasmaker/python-packages/bin:", 0), 0u) << env["PATH"];
  EXPECT_EQ(env["PM_PORT"], "4100");
  auto shell = heart::InstanceEnvironment(Spec(model::kShellRuntime, {{"launch_command", "python app.py"}}), 4100,
                                          "/w/instance/i-1", "127.0.0.9", "/w/runtime-bin");
  EXPECT_EQ(shell.count("PYTHONPATH"), 0u);
  // After the system dirs: a system `python` still comes first.
  EXPECT_NE(shell["PATH"].find("/bin:/w/runtime-bin"), std::string::npos) << shell["PATH"];
  auto node = heart::InstanceEnvironment(Spec(model::kNodeRuntime), 4100, "/d", "127.0.0.9", "");
  EXPECT_EQ(node["PATH"].rfind("/d/node_modules/.bin:", 0), 0u);
}

TEST(LanguageRuntimeTest, ToolsDirLinksPython) {
  TempDir dir("pm-tools");
  ASSERT_TRUE(heart::PrepareToolsDir(dir.path() + "/bin").ok());
  auto target = std::filesystem::read_symlink(dir.path() + "/bin/python");
  EXPECT_EQ(target.filename().string(), "python3");
}

model::Node Heart(const std::string& name, json runtimes) {
  model::Node node;
  node.uuid = "uuid-" + name;
  node.name = name;
  node.roles = {"heart"};
  node.runtimes = std::move(runtimes);
  return node;
}

TEST(LanguageRuntimeTest, PlacementMatchesPrefixesAndNamesWhatHeartsHave) {
  std::vector<model::Node> nodes = {Heart("heart-1", {{model::kPythonRuntime, {"3.11.2"}}}),
                                    Heart("heart-2", {{model::kShellRuntime, {"1"}}})};
  pacemaker::lifecycle::PlacementRequest request;
  request.runtime_plugin = model::kPythonRuntime;
  request.runtime_version = "3.11";
  auto placed = pacemaker::lifecycle::PlaceInstances(nodes, request);
  ASSERT_TRUE(placed.ok()) << placed.status().ToString();
  EXPECT_EQ(placed->nodes, std::vector<std::string>{"uuid-heart-1"});
  request.runtime_version = "";
  EXPECT_TRUE(pacemaker::lifecycle::PlaceInstances(nodes, request).ok());
  request.runtime_version = "9";
  auto refused = pacemaker::lifecycle::PlaceInstances(nodes, request);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message().rfind(
                "no heart has paasmaker.runtime.python 9; hearts have: heart-1 3.11.2, heart-2 none\n", 0),
            0u)
      << refused.status().message();
}

TEST(DependencyInstallsTest, EachRuntimeInstallsWhatItsFilesAsk) {
  TempDir dir("pm-deps");
  for (const char* file : {"requirements.txt", "package.json", "package-lock.json"}) {
    ASSERT_TRUE(files::WriteFileAtomically(dir.path() + "/" + file, "{}").ok());
  }
  model::Manifest manifest;
  manifest.instances.resize(2);
  manifest.instances[0].runtime.plugin = model::kPythonRuntime;
  manifest.instances[1].runtime.plugin = model::kShellRuntime;
  auto installs = pacemaker::prepare::DependencyInstalls(manifest, dir.path());
  ASSERT_TRUE(installs.ok()) << installs.status().ToString();
  ASSERT_EQ(installs->size(), 1u);  // package.json: no node runtime in this manifest
  EXPECT_NE((*installs)[0].command.find("pip install --target .paasmaker/python-packages -r requirements.txt"),
            std::string::npos);
  EXPECT_NE((*installs)[0].offline_hint.find("--find-links"), std::string::npos);

  manifest.instances[1].runtime.plugin = model::kNodeRuntime;
  installs = pacemaker::prepare::DependencyInstalls(manifest, dir.path());
  ASSERT_TRUE(installs.ok());
  ASSERT_EQ(installs->size(), 2u);
  EXPECT_NE((*installs)[1].command.find("npm ci"), std::string::npos);
  std::filesystem::remove(dir.path() + "/package-lock.json");
  installs = pacemaker::prepare::DependencyInstalls(manifest, dir.path());
  ASSERT_TRUE(installs.ok());
  EXPECT_NE((*installs)[1].command.find("npm install"), std::string::npos);
}

TEST(DependencyInstallsTest, ComposerJsonWithoutComposerNamesIt) {
  if (files::Exists("/usr/bin/composer") || files::Exists("/usr/local/bin/composer")) {
    GTEST_SKIP() << "composer is installed here: the refusal cannot be seen";
  }
  TempDir dir("pm-deps");
  ASSERT_TRUE(files::WriteFileAtomically(dir.path() + "/composer.json", "{}").ok());
  model::Manifest manifest;
  manifest.instances.resize(1);
  manifest.instances[0].runtime.plugin = model::kPhpRuntime;
  auto installs = pacemaker::prepare::DependencyInstalls(manifest, dir.path());
  ASSERT_FALSE(installs.ok());
  EXPECT_NE(installs.status().message().find("composer is not installed"), std::string::npos)
      << installs.status().message();
}

}  // namespace
}  // namespace paasmaker
