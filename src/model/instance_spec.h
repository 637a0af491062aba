// InstanceSpec: the contract between the pacemaker and a heart — everything a
// heart is told about one instance it is to run (docs/lifecycle.md,
// "InstanceSpec"). The pacemaker builds it (lifecycle/instance_view.cc), sends
// it as the `instance` parameter of paasmaker.job.heart.register, and the
// heart keeps it in its catalog (heart/instance_catalog.cc).
//
// On the wire and on disk it is JSON; ParseInstanceSpec turns that JSON into
// this struct once (the heart's register job and catalog load), checking
// everything structural, and ToJson writes it back. For a spec the pacemaker
// built (every key present) ToJson(*ParseInstanceSpec(j)) == j, so neither the
// job parameters nor a heart's existing catalog file change shape. A key the
// pacemaker always sends but an older or hand-written spec leaves out takes
// its default below; ToJson then writes it out.
//
// What a particular runtime or startup plugin needs of its parameters is not
// checked here: that is the heart's (heart/runtime.h, CheckRunnable).
//
// Holds service credentials: never log a spec. Plain data; no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace paasmaker::model {

// The application as the instance sees it (PM_METADATA's "application").
struct InstanceApplication {
  std::string application_id;
  std::string name;
  int64_t version = 0;  // the version number
  std::string version_id;
  std::string workspace;       // workspace name
  std::string workspace_stub;
  bool operator==(const InstanceApplication&) const = default;
};

struct InstanceRuntime {
  std::string plugin;   // required: e.g. model::kShellRuntime
  std::string version;
  nlohmann::json parameters = nlohmann::json::object();  // always an object
  bool operator==(const InstanceRuntime&) const = default;
};

// One startup plugin, run before each start.
struct InstanceStartupStep {
  std::string plugin;                                    // required
  nlohmann::json parameters = nlohmann::json::object();  // always an object
  bool operator==(const InstanceStartupStep&) const = default;
};

// Where the heart fetches the version's package (relative to the pacemaker's URL).
struct InstancePackage {
  std::string url;       // required
  std::string checksum;  // required: SHA-256 hex
  int64_t size = 0;
  bool operator==(const InstancePackage&) const = default;
};

struct InstanceSpec {
  std::string instance_id;  // required, a safe id (IsSafeId)
  std::string instance_type_id;
  std::string version_id;   // required, a safe id
  InstanceApplication application;
  // Free-form, handed to the instance as they are (PM_METADATA); not checked.
  nlohmann::json workspace_tags = nlohmann::json::object();
  nlohmann::json node_tags = nlohmann::json::object();
  std::string instance_type;  // the type's name
  InstanceRuntime runtime;
  std::vector<InstanceStartupStep> startup;
  bool standalone = false;
  bool exclusive = false;
  InstancePackage package;
  // service name → its credentials (+ "provider"), handed over as PM_SERVICES; not checked.
  nlohmann::json services = nlohmann::json::object();
  // The application's web-cron secret (PM_CRON_SECRET): cron requests carry
  // it in X-Paasmaker-Cron-Secret. JSON {"cron": {"secret": ...}}.
  std::string cron_secret;
  bool operator==(const InstanceSpec&) const = default;
};

// True for ids that are safe as file names ([0-9A-Za-z-], 1-64 chars): the
// heart names directories and files after instance and version ids.
bool IsSafeId(const std::string& id);

// The spec in `j` (the `instance` job parameter or a catalog entry's `spec`).
// InvalidArgument naming the field, e.g. "instance.package.url: a non-empty
// string is required". Required: instance_id, version_id (safe ids),
// runtime.plugin, package.url, package.checksum. Every other key may be
// missing (its default) but, when present, must have its type.
Result<InstanceSpec> ParseInstanceSpec(const nlohmann::json& j);

// The JSON form: every key, as the pacemaker sends it.
nlohmann::json ToJson(const InstanceSpec& spec);
// The spec's "application" object (also PM_METADATA's).
nlohmann::json ToJson(const InstanceApplication& application);

// nlohmann's conversion hook, so a spec can go where JSON is expected
// (`json j = spec;`, a `const json&` parameter). There is deliberately no
// from_json: reading a spec can fail, so it goes through ParseInstanceSpec.
void to_json(nlohmann::json& j, const InstanceSpec& spec);

}  // namespace paasmaker::model
