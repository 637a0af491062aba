// The application manifest (`manifest.yml`, format 1): what an application
// version is made of, as the user writes it (SPEC §8.1). Compatible with the
// original Paasmaker's manifests.
//
// A minimal manifest — one instance type running a shell command; `%(port)d`
// is left as written and replaced by the heart with the instance's port:
//
//   manifest:
//     format: 1
//   application:
//     name: hello
//   instances:
//     - name: web
//       runtime:
//         plugin: paasmaker.runtime.shell
//         version: "1"
//         parameters: {launch_command: "python3 -m http.server %(port)d"}
//
// Everything else is optional (defaults in brackets):
//
//   application:
//     tags: {…}                                   free-form [{}]
//     prepare:                                    run once per version, before packing
//       runtime: {plugin, version, parameters}    the environment commands run in [none]
//       commands: [{plugin, parameters}]          in order [[]]
//   instances:                                    at least one instance type
//     - quantity: 2                               instances to run [1]
//       startup: [{plugin, parameters}]           run before each instance starts [[]]
//       placement: {plugin, parameters}           [paasmaker.placement.default]
//       hostnames: [app.example.com, "*.app.example.com"]      routed here [[]]
//       exclusive: false                          runs only in the current version [false]
//       standalone: false                         no port, not routed (workers) [false]
//       crons: [{runspec: "*/5 * * * *", uri: /tasks, username, password,
//                concurrency: forbid|allow}]   [[]]
//   services:                                     created during prepare [[]]
//     - {name: db, plugin: paasmaker.service.postgres, parameters: {…}}
//
// Parameters are free-form mappings passed to the plugin, which validates
// them; the manifest only checks what it must to place and route instances
// (launch_command for the shell runtime, document_root for the static one).
// The language runtimes (python, node, php, ruby) take any `version` (or
// none): it is matched against the interpreter versions hearts report, at
// placement (model/runtime_versions.h).
//
// ParseManifest checks everything and reports every problem at once, each
// with its line and path, so a user fixes a manifest in one round:
//
//   manifest.yml:12: instances[1].runtime.plugin: no such runtime "paasmaker.runtime.perl" (known: …)
//   manifest.yml:20: instances[1].crons[0].runspec: bad cron spec "61 * * * *": minute: 61 is out of range 0-59
//
// Instance type and service names end up in hostnames, so they must be valid
// DNS labels (lower-case a-z, 0-9, '-', 1-63 characters); hostnames are
// stored lower-cased, as the router matches them.
//
// The types are plain values; no I/O happens here besides parsing text.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"
#include "model/runtime_names.h"

namespace paasmaker::model {

inline constexpr const char* kDefaultPlacementPlugin = "paasmaker.placement.default";

// A plugin named in the manifest, with the parameters to use it with.
struct ManifestPlugin {
  std::string plugin;
  nlohmann::json parameters = nlohmann::json::object();
  std::string label;  // optional `name:` the original allowed on prepare steps; shown in job logs
};

// A runtime plugin at a version, e.g. paasmaker.runtime.shell "1".
struct ManifestRuntime {
  std::string plugin;  // empty: none (only allowed for prepare)
  std::string version;
  nlohmann::json parameters = nlohmann::json::object();
  std::string label;
};

struct ManifestPrepare {
  ManifestRuntime runtime;                // plugin empty: commands run without a runtime environment
  std::vector<ManifestPlugin> commands;  // in order
};

struct ManifestApplication {
  std::string name;
  nlohmann::json tags = nlohmann::json::object();
  ManifestPrepare prepare;
};

// A web cron: the pacemaker requests `uri` on one running instance.
struct ManifestCron {
  std::string runspec;   // cron spec (5 fields, or 6 with seconds), checked with CronSpec::Parse
  std::string uri;       // path, starting with '/'
  std::string username;  // HTTP basic auth; empty: none
  std::string password;
  // "forbid" (default): a slot whose previous run is unfinished is skipped;
  // "allow": runs may overlap.
  std::string concurrency = "forbid";
  // The IANA zone the runspec's fields are read in (CronSpec::Parse).
  std::string timezone = "UTC";
};

// An instance type: `quantity` identical instances of one runtime.
struct ManifestInstance {
  std::string name;
  int quantity = 1;
  ManifestRuntime runtime;
  std::vector<ManifestPlugin> startup;
  ManifestPlugin placement{kDefaultPlacementPlugin, nlohmann::json::object(), ""};
  std::vector<std::string> hostnames;  // lower-cased; may start with "*."
  bool exclusive = false;
  bool standalone = false;
  std::vector<ManifestCron> crons;
};

struct ManifestService {
  std::string name;
  std::string plugin;
  nlohmann::json parameters = nlohmann::json::object();
};

struct Manifest {
  int format = 1;  // the only format this version reads; others are rejected
  ManifestApplication application;
  std::vector<ManifestInstance> instances;
  std::vector<ManifestService> services;

  // The instance type or service called `name`, or null.
  const ManifestInstance* FindInstance(const std::string& name) const;
  const ManifestService* FindService(const std::string& name) const;
};

// The plugin names a manifest may use, per kind. The caller builds it from
// its plugin registry; a default-constructed catalog lists the built-ins.
struct PluginCatalog {
  PluginCatalog();
  static PluginCatalog Empty();

  std::map<std::string, std::vector<std::string>> runtimes;  // plugin -> versions
  std::set<std::string> prepare;
  std::set<std::string> startup;
  std::set<std::string> placement;
  std::set<std::string> services;
};

// Parses and validates manifest `text`; `source` names it in messages (the
// manifest path, e.g. "manifest.yml"). On failure the InvalidArgument status
// lists every problem, one per line, ordered by line:
//   invalid manifest (2 problems):
//     manifest.yml:4: application.name: is required
//     manifest.yml:9: instances[0].quantity: must be 0 or more, got -1
Result<Manifest> ParseManifest(const std::string& text, const std::string& source,
                               const PluginCatalog& known = PluginCatalog());

}  // namespace paasmaker::model
