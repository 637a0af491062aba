#include "core/process.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>
#include <unordered_map>

extern char** environ;

namespace paasmaker::process {

namespace {

class ChildProcess;

// Collects the exits of every child launched through this module. A single
// thread blocks in waitpid(-1) while children exist and sleeps on a
// condition variable while none do.
class Reaper {
 public:
  static Reaper& Instance() {
    static Reaper* reaper = new Reaper();  // never destroyed: children may outlive main()
    return *reaper;
  }

  // Called with the lock held by Launch, so an exit can never be reaped
  // before its child is registered.
  std::unique_lock<std::mutex> Lock() { return std::unique_lock<std::mutex>(mutex_); }
  void RegisterLocked(pid_t pid, std::shared_ptr<ChildProcess> child) {
    children_[pid] = std::move(child);
    cv_.notify_all();
  }

 private:
  Reaper() { std::thread([this] { Loop(); }).detach(); }
  void Loop();

  std::mutex mutex_;
  std::condition_variable cv_;
  std::unordered_map<pid_t, std::shared_ptr<ChildProcess>> children_;
};

class ChildProcess : public Process {
 public:
  ChildProcess(pid_t pid, ExitCallback on_exit) : pid_(pid), on_exit_(std::move(on_exit)) {}

  pid_t pid() const override { return pid_; }

  bool running() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return !exit_.has_value();
  }

  std::optional<ExitInfo> Wait(std::chrono::milliseconds timeout) override {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait_for(lock, timeout, [this] { return exit_.has_value(); });
    return exit_;
  }

  ExitInfo Stop(std::chrono::milliseconds grace) override {
    Signal(SIGTERM);
    if (auto info = Wait(grace)) return *info;
    Signal(SIGKILL);
    while (true) {
      if (auto info = Wait(std::chrono::seconds(5))) return *info;
    }
  }

  void Signal(int sig) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (exit_.has_value()) return;  // the pid may already belong to someone else
    // The child is its own group leader; kill the group so grandchildren go too.
    if (::kill(-pid_, sig) != 0) ::kill(pid_, sig);
  }

  // The callback runs before the exit is published: once Wait() or Stop()
  // has returned, the owner may destroy what the callback touches (a
  // ManagedDaemon's mutex), so the callback must be over by then.
  void Exited(const ExitInfo& info) {
    ExitCallback callback;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      callback = std::move(on_exit_);
    }
    if (callback) callback(info);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      exit_ = info;
    }
    cv_.notify_all();
  }

 private:
  const pid_t pid_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::optional<ExitInfo> exit_;
  ExitCallback on_exit_;
};

void Reaper::Loop() {
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [this] { return !children_.empty(); });
    }
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == ECHILD) {
        // Registered children that are not ours any more cannot happen;
        // avoid a busy loop if it does.
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      continue;
    }
    ExitInfo info;
    info.pid = pid;
    if (WIFEXITED(status)) {
      info.exited = true;
      info.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      info.signaled = true;
      info.signal = WTERMSIG(status);
    } else {
      continue;  // stopped/continued: still alive
    }
    std::shared_ptr<ChildProcess> child;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = children_.find(pid);
      if (it != children_.end()) {
        child = std::move(it->second);
        children_.erase(it);
      }
    }
    if (child) child->Exited(info);
  }
}

// Everything the child needs, prepared before fork(): after fork() in a
// threaded program only async-signal-safe calls are allowed.
struct PreparedExec {
  std::vector<std::string> argv_storage;
  std::vector<std::string> env_storage;
  std::vector<char*> argv;
  std::vector<char*> envp;
  std::string working_dir;
  std::string output_file;
  std::optional<uid_t> uid;
  std::optional<gid_t> gid;
  bool die_with_parent = false;
  pid_t parent = 0;
  int max_fd = 1024;  // for kernels without close_range(CLOSE_RANGE_CLOEXEC)
  std::vector<int> inherit_fds;
};

PreparedExec Prepare(const LaunchOptions& options) {
  PreparedExec p;
  p.argv_storage = options.argv;
  std::map<std::string, std::string> env;
  if (options.inherit_env) {
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
      std::string entry(*e);
      auto eq = entry.find('=');
      if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
  }
  for (const auto& [k, v] : options.env) env[k] = v;
  for (const auto& [k, v] : env) p.env_storage.push_back(k + "=" + v);
  for (auto& s : p.argv_storage) p.argv.push_back(s.data());
  p.argv.push_back(nullptr);
  for (auto& s : p.env_storage) p.envp.push_back(s.data());
  p.envp.push_back(nullptr);
  p.working_dir = options.working_dir;
  p.output_file = options.output_file.empty() ? "/dev/null" : options.output_file;
  p.uid = options.run_as_uid;
  p.gid = options.run_as_gid;
  p.die_with_parent = options.die_with_parent;
  p.parent = ::getpid();
  p.inherit_fds = options.inherit_fds;
  long open_max = ::sysconf(_SC_OPEN_MAX);
  if (open_max > 0) p.max_fd = static_cast<int>(std::min<long>(open_max, 1 << 20));
  return p;
}

[[noreturn]] void ExecChild(const PreparedExec& p, int error_pipe) {
  auto fail = [error_pipe](int stage) {
    int err[2] = {stage, errno};
    ssize_t unused = ::write(error_pipe, err, sizeof(err));
    (void)unused;
    ::_exit(127);
  };
  ::setpgid(0, 0);
  if (p.die_with_parent) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != p.parent) ::_exit(127);  // the parent is already gone
  }
  sigset_t all;
  sigemptyset(&all);
  ::sigprocmask(SIG_SETMASK, &all, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) ::signal(sig, SIG_DFL);
  int in = ::open("/dev/null", O_RDONLY);
  if (in < 0) fail(1);
  int out = ::open(p.output_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (out < 0) fail(1);
  ::dup2(in, 0);
  ::dup2(out, 1);
  ::dup2(out, 2);
  // Only 0-2 pass to the program. Descriptors opened without O_CLOEXEC
  // elsewhere in this process (Asio's listening and accepted sockets, Redis
  // connections) would otherwise live on in the child: a killed node's port
  // stays taken by its nginx or instances, and its clients never see a close.
  if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
    for (int fd = 3; fd < p.max_fd; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  for (int fd : p.inherit_fds) ::fcntl(fd, F_SETFD, 0);
  if (!p.working_dir.empty() && ::chdir(p.working_dir.c_str()) != 0) fail(2);
  if (p.gid) {
    if (::setgroups(0, nullptr) != 0 || ::setgid(*p.gid) != 0) fail(3);
  }
  if (p.uid && ::setuid(*p.uid) != 0) fail(3);
  ::execvpe(p.argv[0], p.argv.data(), p.envp.data());
  fail(4);
  ::_exit(127);
}

}  // namespace

std::string ExitInfo::Describe() const {
  if (exited) return "exited with code " + std::to_string(exit_code);
  if (signaled) return "killed by signal " + std::to_string(signal) + " (" + ::strsignal(signal) + ")";
  return "still running";
}

uint64_t RaiseDescriptorLimit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  if (limit.rlim_cur < limit.rlim_max) {
    rlim_t wanted = limit.rlim_max;
    limit.rlim_cur = wanted;
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) ::getrlimit(RLIMIT_NOFILE, &limit);
  }
  return static_cast<uint64_t>(limit.rlim_cur);
}

Result<std::shared_ptr<Process>> Launch(const LaunchOptions& options, ExitCallback on_exit) {
  if (options.argv.empty() || options.argv[0].empty()) return InvalidArgument("no program to launch");
  PreparedExec prepared = Prepare(options);
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) return ErrnoStatus("pipe", errno);

  Reaper& reaper = Reaper::Instance();
  auto lock = reaper.Lock();
  pid_t pid = ::fork();
  if (pid < 0) {
    int err = errno;
    ::close(pipefd[0]);
    ::close(pipefd[1]);
    return ErrnoStatus("fork", err);
  }
  if (pid == 0) {
    ::close(pipefd[0]);
    ExecChild(prepared, pipefd[1]);
  }
  // Also set the group from the parent, so a Signal() sent right after
  // Launch reaches the group even if the child has not run yet.
  ::setpgid(pid, pid);
  auto child = std::make_shared<ChildProcess>(pid, std::move(on_exit));
  reaper.RegisterLocked(pid, child);
  lock.unlock();

  ::close(pipefd[1]);
  int err[2] = {0, 0};
  ssize_t n;
  do {
    n = ::read(pipefd[0], err, sizeof(err));
  } while (n < 0 && errno == EINTR);
  ::close(pipefd[0]);
  if (n == static_cast<ssize_t>(sizeof(err))) {
    child->Wait(std::chrono::seconds(5));
    std::string what;
    switch (err[0]) {
      case 1: what = "opening output file " + options.output_file; break;
      case 2: what = "changing to directory " + options.working_dir; break;
      case 3: what = "dropping privileges"; break;
      default: what = "executing " + options.argv[0];
    }
    return ErrnoStatus("launching " + options.argv[0] + ": " + what, err[1]);
  }
  return std::static_pointer_cast<Process>(child);
}

Result<RunResult> Run(const LaunchOptions& options, std::chrono::milliseconds timeout) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/pm-run-XXXXXX";
  std::vector<char> path_buffer(pattern.begin(), pattern.end());
  path_buffer.push_back('\0');
  char* path = path_buffer.data();
  int fd = ::mkstemp(path);
  if (fd < 0) return ErrnoStatus("creating temp file", errno);
  ::close(fd);
  LaunchOptions with_output = options;
  with_output.output_file = path;
  auto launched = Launch(with_output);
  if (!launched.ok()) {
    ::unlink(path);
    return launched.status();
  }
  RunResult result;
  auto info = (*launched)->Wait(timeout);
  bool timed_out = !info.has_value();
  if (timed_out) info = (*launched)->Stop(std::chrono::milliseconds(1000));
  result.exit = *info;
  std::FILE* f = std::fopen(path, "rb");
  if (f != nullptr) {
    char buf[8192];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) result.output.append(buf, n);
    std::fclose(f);
  }
  ::unlink(path);
  if (timed_out) {
    return Timeout(options.argv[0] + " did not finish within " + std::to_string(timeout.count()) +
                   " ms; output: " + result.output);
  }
  return result;
}

std::string CommandLine(pid_t pid) {
  int fd = ::open(("/proc/" + std::to_string(pid) + "/cmdline").c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  std::string cmdline;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof(buf))) > 0) cmdline.append(buf, static_cast<size_t>(n));
  ::close(fd);
  if (n < 0) return "";
  std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
  return cmdline;
}

bool PidAlive(pid_t pid) {
  if (pid <= 0 || (::kill(pid, 0) != 0 && errno != EPERM)) return false;
  // A zombie (exited, not yet reaped by its parent) is not alive.
  std::FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
  if (f == nullptr) return true;
  char buf[512];
  size_t n = std::fread(buf, 1, sizeof(buf) - 1, f);
  std::fclose(f);
  buf[n] = '\0';
  const char* close_paren = std::strrchr(buf, ')');
  return !(close_paren != nullptr && close_paren[1] == ' ' && close_paren[2] == 'Z');
}

}  // namespace paasmaker::process
