// model::InstanceSpec: parsed once from the JSON the pacemaker sends (and the
// heart's catalog keeps), written back in exactly that JSON; every malformed
// field refused with its name. Also the heart's side: an old catalog file
// loads and is saved unchanged, and what it cannot run is refused.
#include "model/instance_spec.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "core/files.h"
#include "heart/instance_catalog.h"
#include "heart/runtime.h"
#include "temp_dir.h"

namespace paasmaker::model {
namespace {

using nlohmann::json;

// A spec as BuildInstanceSpec sends it: every key (docs/lifecycle.md).
json FullSpec() {
  return json::parse(R"({
    "instance_id": "i-1", "instance_type_id": "t-1", "version_id": "v-1",
    "application": {"application_id": "a-1", "name": "hello", "version": 3, "version_id": "v-1",
                    "workspace": "Default", "workspace_stub": "default"},
    "workspace_tags": {"team": "a"}, "node_tags": {"zone": "z1", "rack": 4},
    "instance_type": "web",
    "runtime": {"plugin": "paasmaker.runtime.shell", "version": "1",
                "parameters": {"launch_command": "python3 app.py %(port)d", "start_timeout": 5}},
    "startup": [{"plugin": "paasmaker.startup.shell", "parameters": {"commands": ["./migrate.sh"]}}],
    "standalone": false, "exclusive": true,
    "package": {"url": "/api/v1/node/packages/v-1", "checksum": "abc123", "size": 1234},
    "services": {"settings": {"greeting": "hello", "provider": "paasmaker.service.parameters"}},
    "cron": {"secret": "0123abcd"}
  })");
}

TEST(InstanceSpecTest, AFullSpecRoundTripsExactly) {
  auto spec = ParseInstanceSpec(FullSpec());
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(ToJson(*spec), FullSpec());
  EXPECT_EQ(ToJson(*spec).dump(), FullSpec().dump()) << "the same text on the wire and on disk";
  json converted = *spec;  // the nlohmann hook gives the same
  EXPECT_EQ(converted, FullSpec());
  auto again = ParseInstanceSpec(ToJson(*spec));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *spec);
}

TEST(InstanceSpecTest, TheFieldsAreTyped) {
  auto spec = ParseInstanceSpec(FullSpec());
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->instance_id, "i-1");
  EXPECT_EQ(spec->instance_type_id, "t-1");
  EXPECT_EQ(spec->version_id, "v-1");
  EXPECT_EQ(spec->application.application_id, "a-1");
  EXPECT_EQ(spec->application.name, "hello");
  EXPECT_EQ(spec->application.version, 3);
  EXPECT_EQ(spec->application.version_id, "v-1");
  EXPECT_EQ(spec->application.workspace, "Default");
  EXPECT_EQ(spec->application.workspace_stub, "default");
  EXPECT_EQ(spec->workspace_tags, json({{"team", "a"}}));
  EXPECT_EQ(spec->node_tags, json({{"zone", "z1"}, {"rack", 4}}));
  EXPECT_EQ(spec->instance_type, "web");
  EXPECT_EQ(spec->runtime.plugin, "paasmaker.runtime.shell");
  EXPECT_EQ(spec->runtime.version, "1");
  EXPECT_EQ(spec->runtime.parameters["launch_command"], "python3 app.py %(port)d");
  ASSERT_EQ(spec->startup.size(), 1u);
  EXPECT_EQ(spec->startup[0].plugin, "paasmaker.startup.shell");
  EXPECT_EQ(spec->startup[0].parameters, json({{"commands", {"./migrate.sh"}}}));
  EXPECT_FALSE(spec->standalone);
  EXPECT_TRUE(spec->exclusive);
  EXPECT_EQ(spec->package.url, "/api/v1/node/packages/v-1");
  EXPECT_EQ(spec->package.checksum, "abc123");
  EXPECT_EQ(spec->package.size, 1234);
  EXPECT_EQ(spec->services["settings"]["provider"], "paasmaker.service.parameters");
}

TEST(InstanceSpecTest, OnlyTheRequiredKeysAreRequired) {
  json minimal = {{"instance_id", "i-1"},
                  {"version_id", "v-1"},
                  {"runtime", {{"plugin", "paasmaker.runtime.shell"}}},
                  {"package", {{"url", "/p"}, {"checksum", "c"}}}};
  auto spec = ParseInstanceSpec(minimal);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->runtime.parameters, json::object());
  EXPECT_TRUE(spec->startup.empty());
  EXPECT_FALSE(spec->standalone);
  EXPECT_EQ(spec->services, json::object());
  EXPECT_EQ(spec->workspace_tags, json::object());
  // Written back, every key is there, with its default.
  json written = ToJson(*spec);
  const json full = FullSpec();
  EXPECT_EQ(written.size(), full.size());
  for (const auto& [key, value] : full.items()) EXPECT_TRUE(written.contains(key)) << key;
  EXPECT_EQ(written["startup"], json::array());
  EXPECT_EQ(written["package"]["size"], 0);
}

TEST(InstanceSpecTest, FreeFormFieldsAreKeptAsTheyAre) {
  json full = FullSpec();
  full["services"] = {{"db", {{"password", "s3cret"}, {"port", 5432}, {"hosts", {"a", "b"}}}}};
  full["workspace_tags"] = {{"nested", {{"deep", true}}}};
  auto spec = ParseInstanceSpec(full);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(ToJson(*spec), full);
}

struct BadField {
  std::string field;
  std::function<void(json&)> spoil;
  std::string message;
};

TEST(InstanceSpecTest, EachBadFieldIsRefusedWithItsName) {
  const std::vector<BadField> cases = {
      {"instance_id", [](json& j) { j.erase("instance_id"); },
       "instance.instance_id: a non-empty string is required"},
      {"instance_id", [](json& j) { j["instance_id"] = "../etc"; },
       "instance.instance_id: only letters, digits and '-' are allowed"},
      {"version_id", [](json& j) { j["version_id"] = 7; }, "instance.version_id: a non-empty string is required"},
      {"version_id", [](json& j) { j["version_id"] = "v/1"; },
       "instance.version_id: only letters, digits and '-' are allowed"},
      {"standalone", [](json& j) { j["standalone"] = "yes"; }, "instance.standalone: must be a boolean"},
      {"runtime", [](json& j) { j.erase("runtime"); }, "instance.runtime: an object is required"},
      {"runtime", [](json& j) { j["runtime"] = "shell"; }, "instance.runtime: an object is required"},
      {"runtime.plugin", [](json& j) { j["runtime"]["plugin"] = ""; },
       "instance.runtime.plugin: a non-empty string is required"},
      {"runtime.parameters", [](json& j) { j["runtime"]["parameters"] = json::array(); },
       "instance.runtime.parameters: must be an object"},
      {"runtime.version", [](json& j) { j["runtime"]["version"] = 1; }, "instance.runtime.version: must be a string"},
      {"startup", [](json& j) { j["startup"] = json::object(); }, "instance.startup: must be a list"},
      {"startup", [](json& j) { j["startup"] = {1}; }, "instance.startup: every step must be an object"},
      {"startup.plugin", [](json& j) { j["startup"][0].erase("plugin"); },
       "instance.startup.plugin: a non-empty string is required"},
      {"startup.parameters", [](json& j) { j["startup"][0]["parameters"] = 1; },
       "instance.startup.parameters: must be an object"},
      {"package", [](json& j) { j.erase("package"); }, "instance.package: an object is required"},
      {"package.url", [](json& j) { j["package"]["url"] = ""; }, "instance.package.url: a non-empty string is required"},
      {"package.checksum", [](json& j) { j["package"].erase("checksum"); },
       "instance.package.checksum: a non-empty string is required"},
      {"package.size", [](json& j) { j["package"]["size"] = "big"; }, "instance.package.size: must be an integer"},
      {"instance_type_id", [](json& j) { j["instance_type_id"] = 3; }, "instance.instance_type_id: must be a string"},
      {"instance_type", [](json& j) { j["instance_type"] = nullptr; }, "instance.instance_type: must be a string"},
      {"exclusive", [](json& j) { j["exclusive"] = "no"; }, "instance.exclusive: must be a boolean"},
      {"application", [](json& j) { j["application"] = json::array(); }, "instance.application: must be an object"},
      {"application.version", [](json& j) { j["application"]["version"] = "3"; },
       "instance.application.version: must be an integer"},
      {"application.name", [](json& j) { j["application"]["name"] = 1; }, "instance.application.name: must be a string"},
  };
  for (const auto& c : cases) {
    json spec = FullSpec();
    c.spoil(spec);
    auto parsed = ParseInstanceSpec(spec);
    ASSERT_FALSE(parsed.ok()) << c.field;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << c.field;
    EXPECT_EQ(parsed.status().message(), c.message) << c.field;
  }
  auto not_an_object = ParseInstanceSpec(json::array());
  ASSERT_FALSE(not_an_object.ok());
  EXPECT_EQ(not_an_object.status().message(), "instance: must be an object");
}

TEST(InstanceSpecTest, TheHeartRefusesWhatItCannotRun) {
  auto refused = [](const std::function<void(json&)>& spoil) {
    json spec = FullSpec();
    spoil(spec);
    return heart::ValidateInstanceSpec(spec).message();
  };
  EXPECT_TRUE(heart::ValidateInstanceSpec(FullSpec()).ok());
  EXPECT_EQ(refused([](json& j) { j["runtime"]["plugin"] = "paasmaker.runtime.perl"; }),
            "instance.runtime.plugin: unknown runtime 'paasmaker.runtime.perl'");
  EXPECT_EQ(refused([](json& j) { j["runtime"]["parameters"].erase("launch_command"); }),
            "instance.runtime.parameters.launch_command: a non-empty string is required");
  EXPECT_EQ(refused([](json& j) { j["runtime"]["parameters"]["start_timeout"] = 0; }),
            "runtime.parameters.start_timeout: must be a positive number of seconds");
  EXPECT_EQ(refused([](json& j) {
              j["runtime"] = {{"plugin", "paasmaker.runtime.static"}};
              j["standalone"] = true;
            }),
            "paasmaker.runtime.static cannot be standalone");
  EXPECT_EQ(refused([](json& j) {
              j["runtime"] = {{"plugin", "paasmaker.runtime.static"}, {"parameters", {{"document_root", "/etc"}}}};
            }),
            "instance.runtime.parameters.document_root: must stay inside the instance directory");
  EXPECT_EQ(refused([](json& j) { j["startup"][0]["plugin"] = "paasmaker.startup.php"; }),
            "instance.startup: only paasmaker.startup.shell is known");
  EXPECT_EQ(refused([](json& j) { j["startup"][0]["parameters"] = json::object(); }),
            "instance.startup.parameters.commands: a list of strings is required");
  EXPECT_EQ(refused([](json& j) { j["startup"][0]["parameters"]["commands"] = {1}; }),
            "instance.startup.parameters.commands: must be strings");
}

// A catalog.json as the heart wrote it before the spec was typed.
std::string OldCatalog() {
  json entry = {{"spec", FullSpec()}, {"state", "RUNNING"}, {"port", 42601},   {"pid", 0},
                {"restarts", 1},      {"last_exit", ""},    {"changed", 1.5e9}, {"uid", -1}};
  return json({{"version", 1}, {"instances", {{"i-1", entry}}}}).dump(2);
}

TEST(InstanceSpecTest, AnOldCatalogLoadsAndIsSavedUnchanged) {
  testing::TempDir tmp;
  const std::string path = tmp / "catalog.json";
  ASSERT_TRUE(files::WriteFileAtomically(path, OldCatalog(), 0600).ok());
  heart::InstanceCatalog catalog(path);
  Status loaded = catalog.Load();
  ASSERT_TRUE(loaded.ok()) << loaded.ToString();
  const heart::InstanceEntry* entry = catalog.Find("i-1");
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->state, "RUNNING");
  EXPECT_EQ(entry->port, 42601);
  EXPECT_EQ(entry->spec.instance_id, "i-1");
  EXPECT_EQ(entry->spec.runtime.plugin, "paasmaker.runtime.shell");
  EXPECT_EQ(entry->spec.package.checksum, "abc123");

  ASSERT_TRUE(catalog.Save().ok());
  auto text = files::ReadFile(path);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(json::parse(*text), json::parse(OldCatalog()));
}

TEST(InstanceSpecTest, ACatalogEntryWithABadSpecNamesTheInstanceAndTheField) {
  testing::TempDir tmp;
  const std::string path = tmp / "catalog.json";
  json doc = json::parse(OldCatalog());
  doc["instances"]["i-1"]["spec"].erase("package");
  ASSERT_TRUE(files::WriteFileAtomically(path, doc.dump(), 0600).ok());
  heart::InstanceCatalog catalog(path);
  Status loaded = catalog.Load();
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(loaded.message().find("instance i-1: spec: instance.package: an object is required"), std::string::npos)
      << loaded.ToString();
}

}  // namespace
}  // namespace paasmaker::model
