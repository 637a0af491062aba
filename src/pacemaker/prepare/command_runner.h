// Runs a command of the prepare tree (git, a prepare shell command) with its
// output streamed into a job log, so a user can follow it live, and with the
// job's abort honoured (the whole process group is stopped).
//
// Thread safety: free function; call from the job's worker thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "jobs/job_logs.h"

namespace paasmaker::pacemaker::prepare {

struct CommandRun {
  std::vector<std::string> argv;
  std::string working_dir;
  std::map<std::string, std::string> env;  // applied over the inherited environment
  bool inherit_env = true;
  std::optional<uid_t> run_as_uid;       // drop privileges to these (the pacemaker is root)
  std::optional<gid_t> run_as_gid;
  std::chrono::milliseconds timeout{0};  // 0: none
  std::string display;                   // how the log and errors name it; default argv joined
};

// Ok when the command exits with 0. Otherwise: Aborted (abort requested),
// Timeout, or FailedPrecondition "`display` exited with code 2; last output: …"
// with the last lines the command wrote.
Status RunIntoLog(const CommandRun& run, jobs::JobLog& log, const std::function<bool()>& aborted);

// The last `lines` lines of `text` (without a trailing empty line).
std::string LastLines(const std::string& text, size_t lines);

}  // namespace paasmaker::pacemaker::prepare
