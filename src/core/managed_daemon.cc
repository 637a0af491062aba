#include "core/managed_daemon.h"

#include <signal.h>

#include "core/files.h"
#include "core/log.h"

namespace paasmaker {

ManagedDaemon::ManagedDaemon(Options options) : options_(std::move(options)) {}

ManagedDaemon::~ManagedDaemon() { Stop(false); }

pid_t ManagedDaemon::pid() const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (adopted_ != 0) return adopted_;
  return process_ ? process_->pid() : 0;
}

namespace {

// An earlier copy is not our child: polled, not waited for.
void WaitGone(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (process::PidAlive(pid) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace

pid_t ManagedDaemon::FindStale() const {
  auto text = files::ReadFile(options_.pid_file);
  if (!text.ok()) return 0;
  pid_t pid = static_cast<pid_t>(std::atol(text->c_str()));
  if (pid <= 0 || !process::PidAlive(pid)) return 0;
  // Only what is recognisably ours: the same program.
  std::string cmdline = process::CommandLine(pid);
  const auto& argv = options_.launch.argv;
  std::string program = argv[0].substr(argv[0].find_last_of('/') + 1);
  return cmdline.find(program) == std::string::npos ? 0 : pid;
}

void ManagedDaemon::KillStale(pid_t pid) {
  if (pid == 0) return;
  PM_LOG_WARN("{}: stopping pid {} left running by an earlier run of this node", options_.name, pid);
  ::kill(pid, options_.stop_signal);
  WaitGone(pid, options_.stop_grace);
  if (process::PidAlive(pid)) ::kill(pid, SIGKILL);
  for (int i = 0; i < 100 && process::PidAlive(pid); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Status ManagedDaemon::LaunchOnce() {
  auto launched = process::Launch(options_.launch, [this](const process::ExitInfo&) {
    std::lock_guard<std::mutex> lock(mutex_);
    exited_ = true;
    cv_.notify_all();
  });
  if (!launched.ok()) return launched.status().WithContext("starting " + options_.name);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    process_ = *launched;
    exited_ = false;
  }
  files::WriteFileAtomically(options_.pid_file, std::to_string((*launched)->pid()) + "\n").IgnoreError();
  auto deadline = std::chrono::steady_clock::now() + options_.ready_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (options_.ready()) return Status::Ok();
    std::unique_lock<std::mutex> lock(mutex_);
    if (exited_) {
      // Its last words name the cause (redis: "... bind: Address already in
      // use", then "Failed listening on port ...").
      std::string last_line;
      auto output = files::ReadFile(options_.launch.output_file);
      if (output.ok()) {
        std::string text = *output;
        for (int lines = 0; lines < 2 && !text.empty(); ++lines) {
          while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
          size_t start = text.find_last_of('\n');
          std::string line = text.substr(start == std::string::npos ? 0 : start + 1);
          text.erase(start == std::string::npos ? 0 : start);
          if (!line.empty()) last_line = last_line.empty() ? line : line + " | " + last_line;
        }
        if (last_line.size() > 400) last_line = last_line.substr(last_line.size() - 400);
      }
      return Unavailable(options_.name + " exited during start-up" + (last_line.empty() ? "" : ": " + last_line) +
                         "; see " + options_.launch.output_file);
    }
    cv_.wait_for(lock, std::chrono::milliseconds(20));
  }
  (*launched)->Stop(std::chrono::seconds(2));
  return Timeout(options_.name + " did not become ready within " +
                 std::to_string(options_.ready_timeout.count()) + " ms; see " + options_.launch.output_file);
}

Status ManagedDaemon::Start() {
  pid_t stale = FindStale();
  if (stale != 0 && options_.adopt && options_.adopt(stale)) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      adopted_ = stale;
      exited_ = false;
    }
    PM_LOG_INFO("{} adopted (pid {}, left running by an earlier run of this node)", options_.name, stale);
  } else {
    KillStale(stale);
    PM_RETURN_IF_ERROR(LaunchOnce());
    PM_LOG_INFO("{} started (pid {})", options_.name, pid());
  }
  supervisor_ = std::thread([this] { Supervise(); });
  return Status::Ok();
}

void ManagedDaemon::WatchAdopted() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_ && process::PidAlive(adopted_)) cv_.wait_for(lock, std::chrono::milliseconds(200));
  if (stopping_) return;
  adopted_ = 0;
  exited_ = true;
}

void ManagedDaemon::StopAdopted() {
  pid_t pid;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    pid = adopted_;
  }
  if (pid == 0 || !process::PidAlive(pid)) return;
  ::kill(pid, options_.stop_signal);
  WaitGone(pid, options_.stop_grace);
  if (process::PidAlive(pid)) ::kill(pid, SIGKILL);
  PM_LOG_INFO("{} stopped (adopted pid {})", options_.name, pid);
  ::unlink(options_.pid_file.c_str());
}

void ManagedDaemon::Supervise() {
  if (adopted_ != 0) WatchAdopted();
  auto backoff = std::chrono::milliseconds(100);
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [this] { return exited_ || stopping_; });
      if (stopping_) return;
    }
    PM_LOG_WARN("{} died; restarting in {} ms", options_.name, backoff.count());
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (cv_.wait_for(lock, backoff, [this] { return stopping_; })) return;
    }
    Status status = LaunchOnce();
    restarts_++;
    if (status.ok()) {
      PM_LOG_INFO("{} restarted (pid {})", options_.name, pid());
      backoff = std::chrono::milliseconds(100);
    } else {
      PM_LOG_ERROR("{}", status.ToString());
      backoff = std::min(backoff * 2, std::chrono::milliseconds(10000));
      std::lock_guard<std::mutex> lock(mutex_);
      exited_ = true;  // try again
    }
  }
}

void ManagedDaemon::Stop(bool kill_process) {
  std::shared_ptr<process::Process> process;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    process = process_;
  }
  cv_.notify_all();
  if (supervisor_.joinable()) supervisor_.join();
  if (kill_process) StopAdopted();
  if (kill_process && process && process->running()) {
    // The main process first, with its own signal; the group's SIGTERM and
    // SIGKILL (Process::Stop) only for what is left.
    std::optional<process::ExitInfo> ended;
    if (options_.stop_signal != SIGTERM) {
      ::kill(process->pid(), options_.stop_signal);
      ended = process->Wait(options_.stop_grace);
    }
    auto info = ended ? *ended : process->Stop(options_.stop_grace);
    PM_LOG_INFO("{} stopped ({})", options_.name, info.Describe());
    ::unlink(options_.pid_file.c_str());
  }
}

}  // namespace paasmaker
