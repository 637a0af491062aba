// Child processes: launch, supervise, stop.
//
// Every child runs in its own process group (so a stop reaches its whole
// tree), with a given environment, working directory and output file. One
// reaper thread per program collects exits for all children launched here, so
// exit notification never races with other waitpid() callers: code in this
// program must launch children through this module only.
//
// Thread safety: all functions may be called from any thread. Exit callbacks
// run on the reaper thread; they must be short and must not block.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace paasmaker::process {

struct LaunchOptions {
  std::vector<std::string> argv;          // argv[0] is the program (PATH is searched)
  std::map<std::string, std::string> env; // the complete environment when inherit_env is false
  bool inherit_env = true;                // start from this process's environment, then apply env
  std::string working_dir;                // empty: inherit
  std::string output_file;                // stdout+stderr appended here; empty: /dev/null
  std::optional<uid_t> run_as_uid;        // drop privileges (when running as root)
  std::optional<gid_t> run_as_gid;
  // SIGKILL the child when the launching THREAD ends (PR_SET_PDEATHSIG):
  // for servers owned by tests, which must not outlive a crashed test.
  bool die_with_parent = false;
  // Descriptors the program inherits besides 0-2 (every other one is closed
  // at exec, whether or not it was opened close-on-exec).
  std::vector<int> inherit_fds;
};

struct ExitInfo {
  pid_t pid = 0;
  bool exited = false;   // normal exit: see exit_code
  int exit_code = 0;
  bool signaled = false; // killed: see signal
  int signal = 0;
  std::string Describe() const;  // "exited with code 3" / "killed by signal 9 (Killed)"
};

using ExitCallback = std::function<void(const ExitInfo&)>;

// A launched child. Destroying the handle does NOT stop the process.
class Process {
 public:
  virtual ~Process() = default;
  virtual pid_t pid() const = 0;
  virtual bool running() const = 0;
  // Blocks until exit or timeout; nullopt on timeout.
  virtual std::optional<ExitInfo> Wait(std::chrono::milliseconds timeout) = 0;
  // SIGTERM to the process group, wait up to `grace`, then SIGKILL the group
  // and wait for the exit. Returns how it ended.
  virtual ExitInfo Stop(std::chrono::milliseconds grace) = 0;
  // Sends `sig` to the process group.
  virtual void Signal(int sig) = 0;
};

// Starts a child. `on_exit` (optional) is called once when it ends, on the
// reaper thread, and has returned before Wait() or Stop() report the exit
// (so it must not wait for its own process).
Result<std::shared_ptr<Process>> Launch(const LaunchOptions& options, ExitCallback on_exit = nullptr);

// Raises this process's soft limit of open descriptors to its hard limit
// (a node holds a descriptor per open connection and stream; the usual soft
// limit of 1,024 is far below what 1,000 open streams need). Returns the
// limit now in force.
uint64_t RaiseDescriptorLimit();

// Runs a command to completion (output captured into *output when given,
// stdout and stderr merged). A timeout stops the process group.
struct RunResult {
  ExitInfo exit;
  std::string output;
};
Result<RunResult> Run(const LaunchOptions& options, std::chrono::milliseconds timeout);

// True if a process with this pid exists (kill(pid, 0)) and is not a zombie
// (exited, not yet reaped: orphans in a container may never be).
bool PidAlive(pid_t pid);

// The process's command line, arguments joined by spaces; empty when the
// process is gone or exits while it is read (/proc then answers ESRCH, which
// a stream would throw for).
std::string CommandLine(pid_t pid);

}  // namespace paasmaker::process
