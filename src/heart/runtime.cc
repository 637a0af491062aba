#include "heart/runtime.h"

#include <cmath>

#include "core/clean_environment.h"
#include "heart/language_runtimes.h"
#include "model/runtime_names.h"
#include "model/service_variables.h"

namespace paasmaker::heart {

namespace {

using model::kShellRuntime;
using model::kStaticRuntime;
constexpr const char* kShellStartup = "paasmaker.startup.shell";

Status NeedString(const nlohmann::json& j, const char* key, const std::string& where) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_string() || j[key].get<std::string>().empty()) {
    return InvalidArgument(where + key + ": a non-empty string is required");
  }
  return Status::Ok();
}

Status OptionalSeconds(const nlohmann::json& p, const char* key) {
  if (!p.contains(key)) return Status::Ok();
  if (!p[key].is_number() || p[key].get<double>() <= 0) {
    return InvalidArgument(std::string("runtime.parameters.") + key + ": must be a positive number of seconds");
  }
  return Status::Ok();
}

std::chrono::milliseconds Seconds(const nlohmann::json& p, const char* key, double fallback) {
  double s = p.is_object() && p.contains(key) && p[key].is_number() ? p[key].get<double>() : fallback;
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(s * 1000)));
}

}  // namespace

Status CheckRunnable(const model::InstanceSpec& spec) {
  const std::string& plugin = spec.runtime.plugin;
  const nlohmann::json& params = spec.runtime.parameters;
  if (!params.is_object()) return InvalidArgument("instance.runtime.parameters: must be an object");
  if (plugin == kShellRuntime) {
    PM_RETURN_IF_ERROR(NeedString(params, "launch_command", "instance.runtime.parameters."));
    PM_RETURN_IF_ERROR(OptionalSeconds(params, "start_timeout"));
    PM_RETURN_IF_ERROR(OptionalSeconds(params, "standalone_wait"));
  } else if (plugin == kStaticRuntime) {
    if (spec.standalone) return InvalidArgument(std::string(kStaticRuntime) + " cannot be standalone");
    if (params.contains("document_root") && !params["document_root"].is_string()) {
      return InvalidArgument("instance.runtime.parameters.document_root: must be a string");
    }
    std::string root = params.value("document_root", std::string());
    if (root.find("..") != std::string::npos || (!root.empty() && root[0] == '/')) {
      return InvalidArgument("instance.runtime.parameters.document_root: must stay inside the instance directory");
    }
  } else if (model::IsLanguageRuntime(plugin)) {
    PM_RETURN_IF_ERROR(CheckLanguageRuntime(spec));
    PM_RETURN_IF_ERROR(OptionalSeconds(params, "start_timeout"));
    PM_RETURN_IF_ERROR(OptionalSeconds(params, "standalone_wait"));
  } else {
    return InvalidArgument("instance.runtime.plugin: unknown runtime '" + plugin + "'");
  }
  return StartupCommands(spec).status();
}

Result<model::InstanceSpec> ParseRunnableSpec(const nlohmann::json& json_spec) {
  PM_ASSIGN_OR_RETURN(model::InstanceSpec spec, model::ParseInstanceSpec(json_spec));
  PM_RETURN_IF_ERROR(CheckRunnable(spec));
  return spec;
}

Status ValidateInstanceSpec(const nlohmann::json& spec) { return ParseRunnableSpec(spec).status(); }

std::string SubstitutePort(const std::string& command, int port) {
  static const std::string kToken = "%(port)d";
  std::string out = command;
  std::string value = std::to_string(port);
  for (size_t at = out.find(kToken); at != std::string::npos; at = out.find(kToken, at + value.size())) {
    out.replace(at, kToken.size(), value);
  }
  return out;
}

Result<RuntimeCommand> BuildRuntimeCommand(const model::InstanceSpec& spec, int port,
                                           const std::string& instance_dir,
                                           const std::string& self_exe,
                                           const std::string& listen_address) {
  const std::string& plugin = spec.runtime.plugin;
  // Checked at registration (CheckRunnable); an object whatever reaches here.
  const nlohmann::json params = spec.runtime.parameters.is_object() ? spec.runtime.parameters
                                                                    : nlohmann::json::object();
  RuntimeCommand command;
  command.start_timeout = Seconds(params, "start_timeout", 20);
  command.standalone_wait = Seconds(params, "standalone_wait", 5);
  if (plugin == kShellRuntime) {
    command.argv = {"/bin/sh", "-c", SubstitutePort(params.value("launch_command", ""), port)};
  } else if (plugin == kStaticRuntime) {
    std::string root = instance_dir;
    std::string relative = params.value("document_root", std::string());
    if (!relative.empty() && relative != ".") root += "/" + relative;
    command.argv = {self_exe, "static-serve", "--root", root, "--port", std::to_string(port),
                    "--bind", listen_address};
  } else if (model::IsLanguageRuntime(plugin)) {
    // Through the shell, as the shell runtime: the instance's PATH finds
    // the interpreter, and a launch_command is written the same way.
    std::string line = params.contains("launch_command")
                           ? SubstitutePort(params.value("launch_command", ""), port)
                           : DefaultLaunchCommand(spec, ReadAppFiles(instance_dir), port, listen_address);
    command.argv = {"/bin/sh", "-c", line};
  } else {
    return InvalidArgument("unknown runtime '" + plugin + "'");
  }
  return command;
}

Result<std::vector<std::string>> StartupCommands(const model::InstanceSpec& spec) {
  std::vector<std::string> commands;
  for (const auto& step : spec.startup) {
    if (step.plugin != kShellStartup) {
      return InvalidArgument(std::string("instance.startup: only ") + kShellStartup + " is known");
    }
    const nlohmann::json& params = step.parameters;
    if (!params.is_object() || !params.contains("commands") || !params["commands"].is_array()) {
      return InvalidArgument("instance.startup.parameters.commands: a list of strings is required");
    }
    for (const auto& c : params["commands"]) {
      if (!c.is_string()) return InvalidArgument("instance.startup.parameters.commands: must be strings");
      commands.push_back(c.get<std::string>());
    }
  }
  return commands;
}

std::map<std::string, std::string> InstanceEnvironment(const model::InstanceSpec& spec, int port,
                                                       const std::string& instance_dir,
                                                       const std::string& listen_address,
                                                       const std::string& tools_dir) {
  // Manifests declare no variables of their own (model/manifest.h), so this
  // is all an instance gets.
  std::map<std::string, std::string> env = process::CleanEnvironment(instance_dir);
  if (!tools_dir.empty()) env["PATH"] += ":" + tools_dir;
  if (model::IsLanguageRuntime(spec.runtime.plugin)) AddLanguageEnvironment(spec.runtime.plugin, instance_dir, env);
  auto dump = [](const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); };
  if (!spec.standalone) {
    env["PM_PORT"] = std::to_string(port);
    env["PM_LISTEN_ADDRESS"] = listen_address;
  }
  env["PM_SERVICES"] = dump(spec.services);
  for (auto& [key, value] : model::ServiceVariables(spec.services)) env[key] = std::move(value);
  env["PM_METADATA"] = dump({{"application", model::ToJson(spec.application)},
                             {"workspace", spec.workspace_tags},
                             {"node", spec.node_tags}});
  env["PM_INSTANCE_ID"] = spec.instance_id;
  if (!spec.cron_secret.empty()) env["PM_CRON_SECRET"] = spec.cron_secret;
  return env;
}

}  // namespace paasmaker::heart
