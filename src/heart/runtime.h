// Runtimes and the instance environment (SPEC §5.3, §5.4): how an
// InstanceSpec becomes a command line, an environment and readiness rules.
//
// Runtimes:
//   paasmaker.runtime.shell   {launch_command (required, "%(port)d" → port),
//                              start_timeout [20 s], standalone_wait [5 s]}
//   paasmaker.runtime.static  {document_root (relative to the instance dir)};
//                              served by this program's `static-serve` command
//                              on the heart's route address.
//   paasmaker.runtime.python, .node, .php, .ruby
//                             an interpreter on the package prepared for it;
//                             default commands, parameters and environment in
//                             heart/language_runtimes.h.
// Startup plugins:
//   paasmaker.startup.shell   {commands: [...]}, each via /bin/sh -c.
//
// The spec arrives as JSON and is parsed once (model::ParseInstanceSpec, at
// the register job and the catalog load); everything here reads the typed
// model::InstanceSpec. Pure functions, except that BuildRuntimeCommand
// reads a language runtime's package.json/config.ru/Gemfile (ReadAppFiles)
// when it has no launch_command; thread safe.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "model/instance_spec.h"

namespace paasmaker::heart {

// What launching an instance's runtime means.
struct RuntimeCommand {
  std::vector<std::string> argv;
  std::chrono::milliseconds start_timeout{20000};
  std::chrono::milliseconds standalone_wait{5000};
};

// What this heart can run, beyond the spec's structure (which
// model::ParseInstanceSpec checked): a known runtime and the parameters it
// needs (the static runtime never standalone, its document_root inside the
// instance dir), only paasmaker.startup.shell steps with their commands.
// InvalidArgument naming the field.
Status CheckRunnable(const model::InstanceSpec& spec);

// The JSON spec parsed and CheckRunnable'd: what the register job accepts.
Result<model::InstanceSpec> ParseRunnableSpec(const nlohmann::json& spec);
// The same, for a caller that only needs the verdict.
Status ValidateInstanceSpec(const nlohmann::json& spec);

// True for ids that are safe as file names ([0-9A-Za-z-], 1-64 chars).
using model::IsSafeId;

// "%(port)d" replaced by `port`, everywhere in `command`.
std::string SubstitutePort(const std::string& command, int port);

// The runtime's command for this instance. `self_exe` is the path of this
// program and `listen_address` the heart's route address, where routers
// reach instances (both for paasmaker.runtime.static).
Result<RuntimeCommand> BuildRuntimeCommand(const model::InstanceSpec& spec, int port,
                                           const std::string& instance_dir,
                                           const std::string& self_exe,
                                           const std::string& listen_address);

// The shell commands of the spec's startup plugins, in order.
Result<std::vector<std::string>> StartupCommands(const model::InstanceSpec& spec);

// The complete environment for startup commands and the runtime, and
// nothing of the heart's own (core/clean_environment.h): HOME = instance_dir,
// LANG, the system PATH (then `tools_dir`, the heart's `python` link, when
// not empty: heart/interpreters.h), PM_SERVICES (and each
// service's url as PM_SERVICE_<NAME>_URL, DATABASE_URL: model/service_variables.h),
// PM_METADATA, PM_INSTANCE_ID
// and, unless standalone, PM_PORT and PM_LISTEN_ADDRESS = `listen_address`
// (the heart's route address; an app may bind 0.0.0.0 instead, which
// includes it); plus a language runtime's variables (language_runtimes.h).
std::map<std::string, std::string> InstanceEnvironment(const model::InstanceSpec& spec, int port,
                                                       const std::string& instance_dir,
                                                       const std::string& listen_address,
                                                       const std::string& tools_dir);

}  // namespace paasmaker::heart
