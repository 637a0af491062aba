#include "pacemaker/prepare/command_runner.h"

#include <sys/stat.h>

#include <fstream>
#include <optional>

#include "core/process.h"

namespace paasmaker::pacemaker::prepare {

namespace {

uint64_t FileSize(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

// What the command appended to the log (bounded: only the tail matters).
std::string ReadSince(const std::string& path, uint64_t offset) {
  uint64_t size = FileSize(path);
  constexpr uint64_t kTail = 16 * 1024;
  if (size > offset + kTail) offset = size - kTail;
  std::ifstream in(path, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset));
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

std::string LastLines(const std::string& text, size_t lines) {
  std::string trimmed = text;
  while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r')) trimmed.pop_back();
  size_t pos = trimmed.size();
  for (size_t found = 0; found < lines; ++found) {
    size_t nl = pos == 0 ? std::string::npos : trimmed.rfind('\n', pos - 1);
    if (nl == std::string::npos) return trimmed;
    pos = nl;
  }
  return trimmed.substr(pos + 1);
}

Status RunIntoLog(const CommandRun& run, jobs::JobLog& log, const std::function<bool()>& aborted) {
  std::string display = run.display;
  if (display.empty()) {
    for (const auto& a : run.argv) display += (display.empty() ? "" : " ") + a;
  }
  log.Info("Running: " + display);
  uint64_t start = FileSize(log.path());
  process::LaunchOptions options;
  options.argv = run.argv;
  options.working_dir = run.working_dir;
  options.env = run.env;
  options.inherit_env = run.inherit_env;
  options.run_as_uid = run.run_as_uid;
  options.run_as_gid = run.run_as_gid;
  // Straight into the job log (O_APPEND): followable live.
  options.output_file = log.path();
  auto launched = process::Launch(options);
  if (!launched.ok()) return launched.status().WithContext("running " + display);
  auto& child = *launched;
  auto deadline = std::chrono::steady_clock::now() + run.timeout;
  std::optional<process::ExitInfo> exit;
  while (!(exit = child->Wait(std::chrono::milliseconds(100)))) {
    if (aborted && aborted()) {
      child->Stop(std::chrono::milliseconds(2000));
      log.Warning("Aborted; " + display + " was stopped.");
      return Aborted(display + " was stopped: the job was aborted");
    }
    if (run.timeout.count() > 0 && std::chrono::steady_clock::now() >= deadline) {
      child->Stop(std::chrono::milliseconds(2000));
      std::string tail = LastLines(ReadSince(log.path(), start), 10);
      return Timeout(display + " did not finish within " + std::to_string(run.timeout.count() / 1000) +
                     " s; last output:\n" + tail);
    }
  }
  if (exit->exited && exit->exit_code == 0) return Status::Ok();
  std::string tail = LastLines(ReadSince(log.path(), start), 10);
  return FailedPrecondition(display + " " + exit->Describe() + (tail.empty() ? "" : "; last output:\n" + tail));
}

}  // namespace paasmaker::pacemaker::prepare
