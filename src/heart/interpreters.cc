#include "heart/interpreters.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "core/clean_environment.h"
#include "core/files.h"
#include "core/process.h"
#include "model/runtime_names.h"
#include "model/runtime_versions.h"

namespace paasmaker::heart {

namespace {

constexpr auto kDetectTimeout = std::chrono::seconds(10);
constexpr int kShellCommandNotFound = 127;

// The first line of `text`, shortened, to quote in a message.
std::string FirstLine(const std::string& text) {
  std::string line = text.substr(0, text.find('\n'));
  return line.size() > 200 ? line.substr(0, 200) + "..." : line;
}

// `name` found on the instances' PATH, or "".
std::string FindOnSystemPath(const std::string& name) {
  std::stringstream path(process::kSystemPath);
  std::string dir;
  while (std::getline(path, dir, ':')) {
    std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

}  // namespace

std::string VersionCommand(const std::string& plugin) {
  if (plugin == model::kPythonRuntime) return "python3 --version";
  if (plugin == model::kNodeRuntime) return "node --version";
  if (plugin == model::kPhpRuntime) return "php -v";
  if (plugin == model::kRubyRuntime) return "ruby -v";
  return "";
}

Result<std::string> DetectInterpreterVersion(const std::string& plugin) {
  std::string command = VersionCommand(plugin);
  if (command.empty()) return InvalidArgument(plugin + " is not a language runtime");
  process::LaunchOptions options;
  options.argv = {"/bin/sh", "-c", command};
  options.env = process::CleanEnvironment("/");
  options.inherit_env = false;
  options.working_dir = "/";
  PM_ASSIGN_OR_RETURN(process::RunResult run, process::Run(options, kDetectTimeout));
  if (run.exit.exited && run.exit.exit_code == kShellCommandNotFound) {
    return NotFound("`" + command + "`: not installed on the system PATH");
  }
  if (!run.exit.exited || run.exit.exit_code != 0) {
    return FailedPrecondition("`" + command + "` " + run.exit.Describe() + ": " + FirstLine(run.output));
  }
  auto version = model::ParseInterpreterVersion(run.output);
  if (!version) return FailedPrecondition("`" + command + "` printed no version: " + FirstLine(run.output));
  return *version;
}

RuntimeVersions ResolveRuntimeVersions(const RuntimeVersions& configured, const VersionDetector& detect,
                                       std::vector<std::string>* why_not) {
  RuntimeVersions offered;
  for (const auto& [plugin, versions] : configured) {
    if (!versions.empty() || !model::IsLanguageRuntime(plugin)) {
      offered[plugin] = versions;
      continue;
    }
    auto version = detect(plugin);
    if (version.ok()) {
      offered[plugin] = {*version};
    } else if (why_not != nullptr) {
      why_not->push_back(plugin + ": " + version.status().message());
    }
  }
  return offered;
}

Status PrepareToolsDir(const std::string& dir) {
  PM_RETURN_IF_ERROR(files::MakeDirectories(dir, 0755));
  if (::chmod(dir.c_str(), 0755) != 0) return ErrnoStatus("chmod " + dir, errno);
  std::string link = dir + "/python";
  std::error_code ec;
  std::filesystem::remove(link, ec);
  std::string python3 = FindOnSystemPath("python3");
  if (python3.empty()) return Status::Ok();
  std::filesystem::create_symlink(python3, link, ec);
  if (ec) return Internal("cannot link " + link + " to " + python3 + ": " + ec.message());
  return Status::Ok();
}

}  // namespace paasmaker::heart
