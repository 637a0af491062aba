#include "model/manifest.h"

#include <gtest/gtest.h>

#include <string>

namespace paasmaker::model {
namespace {

// The example of SPEC §8.1, verbatim.
const char kSpecExample[] = R"(manifest:
  format: 1
application:
  name: my-app                      # ^[-A-Za-z0-9.]+$
  tags: {}
  prepare:
    runtime: {plugin: paasmaker.runtime.shell, version: "1"}
    commands:
      - plugin: paasmaker.prepare.shell
        parameters: {commands: ["make assets"]}
instances:
  - name: web
    quantity: 2
    runtime:
      plugin: paasmaker.runtime.shell
      version: "1"
      parameters: {launch_command: "python3 app.py --port=%(port)d"}
    startup:
      - plugin: paasmaker.startup.shell
        parameters: {commands: ["./migrate.sh"]}
    placement: {plugin: paasmaker.placement.default, parameters: {tags: {zone: a}}}
    hostnames: [my-app.example.com, "*.my-app.example.com"]
    exclusive: false
    standalone: false
    crons:
      - {runspec: "*/5 * * * *", uri: /tasks/cleanup, username: null, password: null}
services:
  - name: settings
    plugin: paasmaker.service.parameters
    parameters: {greeting: hello}
)";

// The shape of the original's sample manifests: block style, unquoted
// versions, `%(port)d` in the launch command, labels on prepare steps.
const char kOriginalStyle[] = R"(manifest:
  format: 1

application:
  name: tornado-simple
  prepare:
    runtime:
      plugin: paasmaker.runtime.shell
      version: 1
    commands:
      - plugin: paasmaker.prepare.shell
        name: Write a file
        parameters:
          commands:
            - echo "foo" > bar.txt

instances:
  - name: web
    quantity: 1
    runtime:
      plugin: paasmaker.runtime.shell
      parameters:
        launch_command: python app.py --port=%(port)d
        start_timeout: 30
      version: 1
    startup:
      - plugin: paasmaker.startup.shell
        parameters:
          commands:
            - echo "startup"
    placement:
      plugin: paasmaker.placement.default

services:
  - name: variables
    plugin: paasmaker.service.parameters
    parameters:
      one: Two
      count: 3
      ratio: 0.5
      enabled: yes
      quoted: "42"
      nothing: ~
)";

const char kMinimal[] = R"(manifest: {format: 1}
application: {name: hello}
instances:
  - name: web
    runtime:
      plugin: paasmaker.runtime.shell
      version: "1"
      parameters: {launch_command: "python3 -m http.server %(port)d"}
)";

// 1-based line of the first line of `text` containing `needle`.
int LineOf(const std::string& text, const std::string& needle) {
  size_t at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  int line = 1;
  for (size_t i = 0; i < at && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}

std::string Errors(const std::string& text, const PluginCatalog& known = PluginCatalog()) {
  auto m = ParseManifest(text, "manifest.yml", known);
  EXPECT_FALSE(m.ok()) << "accepted:\n" << text;
  if (m.ok()) return "";
  EXPECT_EQ(m.status().code(), StatusCode::kInvalidArgument);
  return m.status().message();
}

// The minimal manifest with `replace` put in place of `find`.
std::string Minimal(const std::string& find, const std::string& replace) {
  std::string text = kMinimal;
  size_t at = text.find(find);
  EXPECT_NE(at, std::string::npos) << find;
  return text.replace(at, find.size(), replace);
}

#define EXPECT_CONTAINS(haystack, needle) EXPECT_NE((haystack).find(needle), std::string::npos) << (haystack)

TEST(ManifestTest, SpecExampleParses) {
  auto m = ParseManifest(kSpecExample, "manifest.yml", PluginCatalog());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->format, 1);
  EXPECT_EQ(m->application.name, "my-app");
  EXPECT_EQ(m->application.tags, nlohmann::json::object());
  EXPECT_EQ(m->application.prepare.runtime.plugin, "paasmaker.runtime.shell");
  EXPECT_EQ(m->application.prepare.runtime.version, "1");
  ASSERT_EQ(m->application.prepare.commands.size(), 1u);
  EXPECT_EQ(m->application.prepare.commands[0].plugin, "paasmaker.prepare.shell");
  EXPECT_EQ(m->application.prepare.commands[0].parameters, nlohmann::json::parse(R"({"commands":["make assets"]})"));

  ASSERT_EQ(m->instances.size(), 1u);
  const ManifestInstance& web = m->instances[0];
  EXPECT_EQ(web.name, "web");
  EXPECT_EQ(web.quantity, 2);
  EXPECT_EQ(web.runtime.plugin, "paasmaker.runtime.shell");
  EXPECT_EQ(web.runtime.version, "1");
  EXPECT_EQ(web.runtime.parameters["launch_command"], "python3 app.py --port=%(port)d");
  ASSERT_EQ(web.startup.size(), 1u);
  EXPECT_EQ(web.startup[0].plugin, "paasmaker.startup.shell");
  EXPECT_EQ(web.startup[0].parameters["commands"][0], "./migrate.sh");
  EXPECT_EQ(web.placement.plugin, "paasmaker.placement.default");
  EXPECT_EQ(web.placement.parameters, nlohmann::json::parse(R"({"tags":{"zone":"a"}})"));
  EXPECT_EQ(web.hostnames, (std::vector<std::string>{"my-app.example.com", "*.my-app.example.com"}));
  EXPECT_FALSE(web.exclusive);
  EXPECT_FALSE(web.standalone);
  ASSERT_EQ(web.crons.size(), 1u);
  EXPECT_EQ(web.crons[0].runspec, "*/5 * * * *");
  EXPECT_EQ(web.crons[0].uri, "/tasks/cleanup");
  EXPECT_EQ(web.crons[0].username, "");
  EXPECT_EQ(web.crons[0].password, "");

  ASSERT_EQ(m->services.size(), 1u);
  EXPECT_EQ(m->services[0].name, "settings");
  EXPECT_EQ(m->services[0].plugin, "paasmaker.service.parameters");
  EXPECT_EQ(m->services[0].parameters, nlohmann::json::parse(R"({"greeting":"hello"})"));
  EXPECT_EQ(m->FindInstance("web"), &m->instances[0]);
  EXPECT_EQ(m->FindService("settings"), &m->services[0]);
  EXPECT_EQ(m->FindInstance("worker"), nullptr);
}

TEST(ManifestTest, OriginalStyleManifestKeepsPortPlaceholder) {
  auto m = ParseManifest(kOriginalStyle, "manifest.yml", PluginCatalog());
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->application.name, "tornado-simple");
  EXPECT_EQ(m->application.prepare.runtime.version, "1");
  EXPECT_EQ(m->application.prepare.commands[0].label, "Write a file");
  EXPECT_EQ(m->application.prepare.commands[0].parameters["commands"][0], "echo \"foo\" > bar.txt");
  const ManifestInstance& web = m->instances.at(0);
  EXPECT_EQ(web.runtime.version, "1");
  EXPECT_EQ(web.runtime.parameters["launch_command"], "python app.py --port=%(port)d");
  EXPECT_EQ(web.runtime.parameters["start_timeout"], 30);
  // Parameters keep YAML's types, as the original's PyYAML read them.
  const nlohmann::json& p = m->services.at(0).parameters;
  EXPECT_EQ(p["one"], "Two");
  EXPECT_EQ(p["count"], 3);
  EXPECT_DOUBLE_EQ(p["ratio"].get<double>(), 0.5);
  EXPECT_EQ(p["enabled"], true);
  EXPECT_EQ(p["quoted"], "42");
  EXPECT_TRUE(p["nothing"].is_null());
}

TEST(ManifestTest, Defaults) {
  auto m = ParseManifest(kMinimal, "manifest.yml");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const ManifestInstance& web = m->instances.at(0);
  EXPECT_EQ(web.quantity, 1);
  EXPECT_FALSE(web.exclusive);
  EXPECT_FALSE(web.standalone);
  EXPECT_EQ(web.placement.plugin, "paasmaker.placement.default");
  EXPECT_EQ(web.placement.parameters, nlohmann::json::object());
  EXPECT_TRUE(web.startup.empty());
  EXPECT_TRUE(web.hostnames.empty());
  EXPECT_TRUE(web.crons.empty());
  EXPECT_TRUE(m->services.empty());
  EXPECT_TRUE(m->application.prepare.runtime.plugin.empty());
  EXPECT_TRUE(m->application.prepare.commands.empty());
  EXPECT_EQ(m->application.tags, nlohmann::json::object());

  // Placement parameters without a plugin go to the default plugin.
  auto tagged = ParseManifest(Minimal("    runtime:", "    placement: {parameters: {tags: {zone: b}}}\n    runtime:"),
                              "manifest.yml");
  ASSERT_TRUE(tagged.ok()) << tagged.status().ToString();
  EXPECT_EQ(tagged->instances[0].placement.plugin, "paasmaker.placement.default");
  EXPECT_EQ(tagged->instances[0].placement.parameters["tags"]["zone"], "b");
}

TEST(ManifestTest, ReportsEveryMistakeAtOnce) {
  const std::string text = R"(manifest: {format: 1}
application:
  name: shop
instances:
  - name: web
    quantity: -1
    runtime: {plugin: paasmaker.runtime.shell, version: "1", parameters: {launch_command: "run %(port)d"}}
  - name: api
    runtime: {plugin: paasmaker.runtime.perl, version: "7"}
    crons:
      - {runspec: "61 * * * *", uri: /tick}
  - name: web
    runtime: {plugin: paasmaker.runtime.shell, version: "1", parameters: {launch_command: "run %(port)d"}}
    hostname: [web.example.com]
)";
  const std::string errors = Errors(text);
  EXPECT_CONTAINS(errors, "invalid manifest (5 problems):");
  EXPECT_CONTAINS(errors, "manifest.yml:" + std::to_string(LineOf(text, "quantity: -1")) +
                              ": instances[0].quantity: must be 0 or more, got -1");
  EXPECT_CONTAINS(errors, "manifest.yml:" + std::to_string(LineOf(text, "runtime.perl")) +
                              ": instances[1].runtime.plugin: no such runtime \"paasmaker.runtime.perl\"");
  EXPECT_CONTAINS(errors, "manifest.yml:" + std::to_string(LineOf(text, "61 *")) +
                              ": instances[1].crons[0].runspec: bad cron spec \"61 * * * *\": minute: 61 is out of "
                              "range 0-59");
  EXPECT_CONTAINS(errors, "manifest.yml:" + std::to_string(LineOf(text, "  - name: web\n    runtime")) +
                              ": instances[2].name: duplicate instance type name \"web\" (also instances[0].name)");
  EXPECT_CONTAINS(errors, "manifest.yml:" + std::to_string(LineOf(text, "hostname:")) +
                              ": unknown key \"instances[2].hostname\"");
}

TEST(ManifestTest, EmptyDocumentNamesWhatIsRequired) {
  const std::string errors = Errors("");
  EXPECT_CONTAINS(errors, "manifest: is required (manifest: {format: 1})");
  EXPECT_CONTAINS(errors, "application: is required");
  EXPECT_CONTAINS(errors, "instances: is required");
}

TEST(ManifestTest, RequiredFields) {
  const std::string text = R"(manifest: {}
application: {tags: {a: b}}
instances:
  - quantity: 1
  - name: worker
    runtime: {version: "1"}
  - name: site
    runtime: {plugin: paasmaker.runtime.static, version: "1"}
  - name: shell
    runtime: {plugin: paasmaker.runtime.shell, version: "1", parameters: {launch_command: ""}}
  - name: noversion
    runtime: {plugin: paasmaker.runtime.shell, parameters: {launch_command: x}}
services:
  - plugin: paasmaker.service.parameters
  - name: cache
)";
  const std::string errors = Errors(text);
  EXPECT_CONTAINS(errors, "manifest.format: is required");
  EXPECT_CONTAINS(errors, "application.name: is required");
  EXPECT_CONTAINS(errors, "instances[0].name: is required");
  EXPECT_CONTAINS(errors, "instances[0].runtime: is required");
  EXPECT_CONTAINS(errors, "instances[1].runtime.plugin: is required");
  EXPECT_CONTAINS(errors, "instances[2].runtime.parameters.document_root: is required by paasmaker.runtime.static");
  EXPECT_CONTAINS(errors, "instances[3].runtime.parameters.launch_command: must be a non-empty string");
  EXPECT_CONTAINS(errors, "instances[4].runtime.version: is required (versions of paasmaker.runtime.shell: 1)");
  EXPECT_CONTAINS(errors, "services[0].name: is required");
  EXPECT_CONTAINS(errors, "services[1].plugin: is required");
  EXPECT_CONTAINS(Errors(Minimal("parameters: {launch_command: \"python3 -m http.server %(port)d\"}", "")),
                  "instances[0].runtime.parameters.launch_command: is required by paasmaker.runtime.shell");
  EXPECT_CONTAINS(Errors(Minimal("instances:\n  - name: web", "instances: []\nx:\n  - name: web")),
                  "instances: must list at least one instance type");
}

TEST(ManifestTest, UnknownPluginsOfEachKind) {
  const std::string text = R"(manifest: {format: 1}
application:
  name: app
  prepare:
    runtime: {plugin: paasmaker.runtime.java, version: "3"}
    commands: [{plugin: paasmaker.prepare.pip}]
instances:
  - name: web
    runtime: {plugin: paasmaker.runtime.shell, version: "2", parameters: {launch_command: x}}
    startup: [{plugin: paasmaker.startup.magic}]
    placement: {plugin: paasmaker.placement.random}
services:
  - {name: db, plugin: paasmaker.service.mysql}
)";
  const std::string errors = Errors(text);
  EXPECT_CONTAINS(errors, "application.prepare.runtime.plugin: no such runtime \"paasmaker.runtime.java\"");
  EXPECT_CONTAINS(errors, "application.prepare.commands[0].plugin: no such prepare plugin \"paasmaker.prepare.pip\"");
  EXPECT_CONTAINS(errors,
                  "instances[0].runtime.version: runtime paasmaker.runtime.shell has no version \"2\" (it offers: 1)");
  EXPECT_CONTAINS(errors, "instances[0].startup[0].plugin: no such startup plugin \"paasmaker.startup.magic\"");
  EXPECT_CONTAINS(errors, "instances[0].placement.plugin: no such placement plugin \"paasmaker.placement.random\"");
  EXPECT_CONTAINS(errors, "services[0].plugin: no such service plugin \"paasmaker.service.mysql\"");
  EXPECT_CONTAINS(errors, "(6 problems)");
}

TEST(ManifestTest, CallerCatalogDecidesWhatExists) {
  const std::string php = Minimal("plugin: paasmaker.runtime.shell\n      version: \"1\"",
                                  "plugin: paasmaker.runtime.perl\n      version: \"8.2\"");
  EXPECT_CONTAINS(Errors(php), "no such runtime \"paasmaker.runtime.perl\"");
  PluginCatalog known;
  known.runtimes["paasmaker.runtime.perl"] = {"8.1", "8.2"};
  auto m = ParseManifest(php, "manifest.yml", known);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->instances[0].runtime.version, "8.2");

  // Without the default placement plugin even an implicit placement fails.
  EXPECT_CONTAINS(Errors(kMinimal, PluginCatalog::Empty()), "the default placement plugin");
}

TEST(ManifestTest, BadNames) {
  const std::string text = R"(manifest: {format: 1}
application: {name: "my app!"}
instances:
  - name: Web_1
    runtime: {plugin: paasmaker.runtime.shell, version: "1", parameters: {launch_command: x}}
  - name: -worker
    runtime: {plugin: paasmaker.runtime.shell, version: "1", parameters: {launch_command: x}}
  - name: a234567890123456789012345678901234567890123456789012345678901234
    runtime: {plugin: paasmaker.runtime.shell, version: "1", parameters: {launch_command: x}}
services:
  - {name: My.Db, plugin: paasmaker.service.parameters}
  - {name: ok, plugin: paasmaker.service.parameters}
  - {name: ok, plugin: paasmaker.service.filesystem}
)";
  const std::string errors = Errors(text);
  EXPECT_CONTAINS(errors, "application.name: \"my app!\" may only contain letters, digits, '-' and '.'");
  EXPECT_CONTAINS(errors, "instances[0].name: \"Web_1\" must be 1-63 lower-case letters");
  EXPECT_CONTAINS(errors, "instances[1].name: \"-worker\" must be");
  EXPECT_CONTAINS(errors, "instances[2].name: \"a2345");
  EXPECT_CONTAINS(errors, "services[0].name: \"My.Db\" must be");
  EXPECT_CONTAINS(errors, "services[2].name: duplicate service name \"ok\" (also services[1].name)");
  EXPECT_CONTAINS(errors, "(6 problems)");
  // Letters, digits, dots and dashes are fine for an application.
  EXPECT_TRUE(ParseManifest(Minimal("name: hello", "name: My-App.v2"), "m.yml").ok());
}

TEST(ManifestTest, WrongTypesAndUnknownKeys) {
  const std::string text = R"(manifest: {format: 1}
application: {name: app, tags: [a, b], colour: blue}
instances:
  - name: web
    quantity: 2.5
    exclusive: maybe
    runtime: {plugin: paasmaker.runtime.shell, version: "1", parameters: [launch_command]}
    startup: {plugin: paasmaker.startup.shell}
    crons: [{runspec: "* * * * *", uri: tick, when: now}]
services: {name: db}
extra: 1
)";
  const std::string errors = Errors(text);
  EXPECT_CONTAINS(errors, "application.tags: expected a mapping");
  EXPECT_CONTAINS(errors, "unknown key \"application.colour\"");
  EXPECT_CONTAINS(errors, "instances[0].quantity: expected an integer, got \"2.5\"");
  EXPECT_CONTAINS(errors, "instances[0].exclusive: expected true or false, got \"maybe\"");
  EXPECT_CONTAINS(errors, "instances[0].runtime.parameters: expected a mapping");
  EXPECT_CONTAINS(errors, "instances[0].startup: expected a list");
  EXPECT_CONTAINS(errors, "instances[0].crons[0].uri: \"tick\" must be a path starting with '/'");
  EXPECT_CONTAINS(errors, "unknown key \"instances[0].crons[0].when\"");
  EXPECT_CONTAINS(errors, "services: expected a list");
  EXPECT_CONTAINS(errors, "manifest.yml:11: unknown key \"extra\"");
}

TEST(ManifestTest, UnsupportedFormat) {
  EXPECT_CONTAINS(Errors(Minimal("format: 1", "format: 2")),
                  "manifest.yml:1: manifest.format: unsupported format 2; this version reads format 1");
  EXPECT_CONTAINS(Errors(Minimal("format: 1", "format: one")), "manifest.format: expected an integer");
}

TEST(ManifestTest, Hostnames) {
  auto m = ParseManifest(Minimal("    runtime:", "    hostnames: [Shop.Example.COM, \"*.shop.example.com\", localhost]\n"
                                                 "    runtime:"),
                         "manifest.yml");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  // Lower-cased, as the router matches them.
  EXPECT_EQ(m->instances[0].hostnames,
            (std::vector<std::string>{"shop.example.com", "*.shop.example.com", "localhost"}));

  const std::string errors = Errors(Minimal(
      "    runtime:",
      "    hostnames: [\"foo..com\", -a.com, \"*.\", \"a.*.com\", \"under_score.com\", ok.com, OK.com, [x]]\n"
      "    runtime:"));
  EXPECT_CONTAINS(errors, "instances[0].hostnames[0]: not a valid hostname \"foo..com\": empty label");
  EXPECT_CONTAINS(errors, "instances[0].hostnames[1]: not a valid hostname \"-a.com\"");
  EXPECT_CONTAINS(errors, "instances[0].hostnames[2]: not a valid hostname \"*.\": a wildcard needs a domain");
  EXPECT_CONTAINS(errors, "instances[0].hostnames[3]: not a valid hostname \"a.*.com\": a wildcard is only allowed");
  EXPECT_CONTAINS(errors, "instances[0].hostnames[4]: not a valid hostname \"under_score.com\"");
  EXPECT_CONTAINS(errors, "instances[0].hostnames[6]: hostname \"ok.com\" is already used by instances[0].hostnames[5]");
  EXPECT_CONTAINS(errors, "instances[0].hostnames[7]: expected a hostname");
  EXPECT_CONTAINS(errors, "(7 problems)");
}

TEST(ManifestTest, StandaloneCannotBeRouted) {
  const std::string errors = Errors(Minimal(
      "    runtime:",
      "    standalone: true\n    hostnames: [worker.example.com]\n    crons: [{runspec: '@daily', uri: /x}]\n"
      "    runtime:"));
  EXPECT_CONTAINS(errors, "instances[0].hostnames: a standalone instance has no port, so it cannot be routed");
  EXPECT_CONTAINS(errors, "instances[0].crons: a standalone instance has no port");
  // Standalone on its own is fine: a worker.
  auto m = ParseManifest(Minimal("    runtime:", "    standalone: true\n    runtime:"), "manifest.yml");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_TRUE(m->instances[0].standalone);
}

TEST(ManifestTest, Crons) {
  auto m = ParseManifest(Minimal("    runtime:",
                                 "    crons:\n"
                                 "      - {runspec: '0 3 * * mon', uri: /weekly, username: bob, password: s3cret}\n"
                                 "      - {runspec: '0 9 * * *', uri: /morning, timezone: Europe/Berlin}\n"
                                 "    runtime:"),
                         "manifest.yml");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->instances[0].crons.at(0).timezone, "UTC");
  EXPECT_EQ(m->instances[0].crons.at(1).timezone, "Europe/Berlin");
  EXPECT_EQ(m->instances[0].crons.at(0).username, "bob");
  EXPECT_EQ(m->instances[0].crons.at(0).password, "s3cret");

  const std::string errors = Errors(Minimal("    runtime:",
                                            "    crons:\n"
                                            "      - {runspec: '* * *', uri: /a}\n"
                                            "      - {runspec: '*/0 * * * *', uri: /b}\n"
                                            "      - {uri: /c, password: x}\n"
                                            "      - {runspec: '@daily'}\n"
                                            "      - {runspec: '*/10 * * * * *', uri: /e, concurrency: sometimes}\n"
                                            "      - {runspec: '0 9 * * *', uri: /f, timezone: Mars/Olympus}\n"
                                            "    runtime:"));
  EXPECT_CONTAINS(errors, "instances[0].crons[5].timezone: unknown time zone \"Mars/Olympus\"");
  EXPECT_CONTAINS(errors, "instances[0].crons[0].runspec: bad cron spec \"* * *\": expected 5 fields");
  EXPECT_CONTAINS(errors, "instances[0].crons[1].runspec: bad cron spec \"*/0 * * * *\": minute: step");
  EXPECT_CONTAINS(errors, "instances[0].crons[2].runspec: is required");
  EXPECT_CONTAINS(errors, "instances[0].crons[2].password: a password needs a username");
  EXPECT_CONTAINS(errors, "instances[0].crons[3].uri: is required");
  EXPECT_CONTAINS(errors, "instances[0].crons[4].concurrency: \"sometimes\" is neither \"forbid\"");
  EXPECT_EQ(errors.find("instances[0].crons[4].runspec"), std::string::npos) << errors;  // seconds are fine
}

TEST(ManifestTest, SyntaxErrorNamesTheLine) {
  auto m = ParseManifest("manifest: {format: 1}\napplication: [unclosed\n", "app/manifest.yml");
  ASSERT_FALSE(m.ok());
  EXPECT_CONTAINS(m.status().message(), "app/manifest.yml:");
  EXPECT_CONTAINS(m.status().message(), "YAML syntax error");
}

TEST(ManifestTest, ProblemsAreOrderedByLine) {
  const std::string errors = Errors(R"(manifest: {format: 1}
bogus: 1
application: {name: "a b"}
instances: []
)");
  EXPECT_LT(errors.find("manifest.yml:2:"), errors.find("manifest.yml:3:"));
  EXPECT_LT(errors.find("manifest.yml:3:"), errors.find("manifest.yml:4:"));
}

}  // namespace
}  // namespace paasmaker::model
