// Waiting for the job tree a command started: streamed live (--follow,
// through FollowJob) or quietly by polling the tree (--wait). Shared by
// deploy, app, version and instance-type commands.
//
// Blocking; runs on the caller's thread.
#pragma once

#include <chrono>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/api_client.h"
#include "cli/command_context.h"
#include "core/result.h"

namespace paasmaker::cli {

// kFollow prints each job's state changes as they happen (one line each);
// kFollowLogs prints every job's log lines too.
enum class WaitMode { kNone, kWait, kFollow, kFollowLogs };

struct WaitFlags {
  bool wait = false;
  bool follow = false;
  bool verbose = false;  // implies follow
  WaitMode mode() const {
    if (verbose) return WaitMode::kFollowLogs;
    return follow ? WaitMode::kFollow : wait ? WaitMode::kWait : WaitMode::kNone;
  }
};

// Adds --follow, --verbose and --wait to an action command.
void AddWaitFlags(CLI::App* command, WaitFlags& flags);

// The `job_id` of an action's answer; empty when the server had nothing to
// do (a null job id).
std::string JobIdOf(const nlohmann::json& data);

// True for SUCCESS, FAILED and ABORTED.
bool IsFinishedJobState(const std::string& state);

// "title: summary" of the failed jobs deepest in a tree (GET /api/v1/jobs
// answer), joined by "; ", so a failure says why without a second command.
std::string FailureReasons(const nlohmann::json& job);

// Waits until the tree of `job_id` finishes and returns the root's final
// state (SUCCESS, FAILED or ABORTED). kFollow(Logs) prints the live stream to
// `progress` (reconnecting through a pacemaker restart, saying so on
// `notices`; null: std::cerr; the compact view redrawn in place when
// `terminal` is one); kWait polls every `poll` and prints nothing,
// riding out a pacemaker that is unreachable for up to a minute. A transport
// failure past that is returned as is (the tree may still be running).
Result<std::string> WaitForJob(ApiClient& api, const std::string& job_id, WaitMode mode, std::ostream& progress,
                               std::chrono::milliseconds poll = std::chrono::milliseconds(200),
                               std::ostream* notices = nullptr, TerminalSize terminal = {});

// Ok for SUCCESS; otherwise Aborted("<what> (job X) ended FAILED: reasons").
Status OutcomeOf(ApiClient& api, const std::string& job_id, const std::string& state, const std::string& what);

// The common tail of an action command: prints the started job (or, with
// --json, the answer plus the final state), waits per `flags` and turns the
// outcome into the exit status. `what` names the action ("start of version 3").
Status ReportJob(CommandContext& context, ApiClient& api, const nlohmann::json& data, const std::string& what,
                 const WaitFlags& flags);

}  // namespace paasmaker::cli
