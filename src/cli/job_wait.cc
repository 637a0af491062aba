#include "cli/job_wait.h"

#include <algorithm>
#include <optional>
#include <thread>
#include <vector>

#include "cli/job_follow.h"
#include "cli/output.h"

namespace paasmaker::cli {

namespace {

using nlohmann::json;

std::string JobPath(const std::string& id) { return "/api/v1/jobs/" + http::UrlEncode(id); }

const json& RootOf(const json& data) {
  if (data.is_object() && data.contains("job") && data["job"].is_object()) return data["job"];
  return data;
}

// Failed jobs with no failed job below them: where the failure started.
// Every branch is searched, not only failed ones: a root ends ABORTED when
// a job deep in another branch failed and aborted its relatives (a start
// tree: Route instance ABORTED above Start instance FAILED).
// Returns whether `job` or a job below it failed.
bool CollectFailures(const json& job, std::vector<std::string>& reasons, int depth) {
  if (depth > 64) return false;
  bool below_failed = false;
  for (const json& child : Child(job, "children")) below_failed = CollectFailures(child, reasons, depth + 1) || below_failed;
  if (Text(job, "state") != "FAILED") return below_failed;
  if (!below_failed) {
    std::string title = Text(job, "title", Text(job, "type", "a job"));
    std::string summary = Text(job, "summary");
    reasons.push_back(summary.empty() ? title : title + ": " + summary);
  }
  return true;
}

}  // namespace

void AddWaitFlags(CLI::App* command, WaitFlags& flags) {
  command->add_flag("--follow,-f", flags.follow,
                    "show the job tree live, one line per job (redrawn in place on a terminal); exit by its outcome");
  command->add_flag("--verbose,-v", flags.verbose, "like --follow, and stream every job's log lines too");
  command->add_flag("--wait,-w", flags.wait, "wait quietly for the job tree; exit by its outcome");
}

std::string JobIdOf(const json& data) { return Text(data, "job_id"); }

bool IsFinishedJobState(const std::string& state) {
  return state == "SUCCESS" || state == "FAILED" || state == "ABORTED";
}

std::string FailureReasons(const json& job) {
  std::vector<std::string> reasons;
  CollectFailures(RootOf(job), reasons, 0);
  std::string joined;
  for (const auto& r : reasons) joined += (joined.empty() ? "" : "; ") + r;
  return joined;
}

Result<std::string> WaitForJob(ApiClient& api, const std::string& job_id, WaitMode mode, std::ostream& progress,
                               std::chrono::milliseconds poll, std::ostream* notices, TerminalSize terminal) {
  bool following = mode == WaitMode::kFollow || mode == WaitMode::kFollowLogs;
  if (following) {
    Status followed = FollowJob(api, job_id, progress, {.logs = mode == WaitMode::kFollowLogs, .notices = notices, .terminal = terminal});
    if (followed.ok()) return std::string("SUCCESS");
    if (followed.code() != StatusCode::kAborted) return followed;
    // FollowJob only says "not SUCCESS"; ask which.
  }
  std::optional<std::chrono::steady_clock::time_point> unreachable_since;
  while (true) {
    auto answer = api.Get(JobPath(job_id));
    if (!answer.ok() && answer.status().code() == StatusCode::kUnavailable && mode == WaitMode::kWait) {
      // The pacemaker restarting: ask again for up to a minute.
      auto now = std::chrono::steady_clock::now();
      if (!unreachable_since) unreachable_since = now;
      if (now - *unreachable_since < std::chrono::seconds(60)) {
        std::this_thread::sleep_for(std::max(poll, std::chrono::milliseconds(500)));
        continue;
      }
    }
    PM_ASSIGN_OR_RETURN(json data, std::move(answer));
    unreachable_since.reset();
    std::string state = Text(RootOf(data), "state");
    if (IsFinishedJobState(state)) return state;
    if (following) return std::string("FAILED");  // stream ended, tree not: be safe
    std::this_thread::sleep_for(poll);
  }
}

Status OutcomeOf(ApiClient& api, const std::string& job_id, const std::string& state, const std::string& what) {
  if (state == "SUCCESS") return Status::Ok();
  std::string message = what + " (job " + job_id + ") ended " + state;
  auto tree = api.Get(JobPath(job_id));
  if (tree.ok()) {
    std::string reasons = FailureReasons(*tree);
    if (!reasons.empty()) message += ": " + reasons;
  }
  return Aborted(message + "; see `paasmaker job show " + job_id + "`");
}

Status ReportJob(CommandContext& context, ApiClient& api, const json& data, const std::string& what,
                 const WaitFlags& flags) {
  std::string job_id = JobIdOf(data);
  if (job_id.empty()) {
    if (context.json()) PrintJson(context.out(), data);
    else context.out() << "Nothing to do for the " << what << ".\n";
    return Status::Ok();
  }
  // With --json stdout holds only the JSON answer; progress goes to stderr.
  std::ostream& progress = context.json() ? context.err() : context.out();
  if (!context.json()) context.out() << "Started the " << what << ": job " << job_id << "\n";
  if (flags.mode() == WaitMode::kNone) {
    if (context.json()) PrintJson(context.out(), data);
    else context.out() << "Follow it with `paasmaker job follow " << job_id << "`.\n";
    return Status::Ok();
  }
  PM_ASSIGN_OR_RETURN(std::string state,
                      WaitForJob(api, job_id, flags.mode(), progress, std::chrono::milliseconds(200), &context.err(),
                                 context.progress_terminal()));
  if (context.json()) {
    json answer = data;
    answer["state"] = state;
    PrintJson(context.out(), answer);
  } else if (flags.mode() == WaitMode::kWait) {
    context.out() << "Job " << job_id << " ended " << state << "\n";
  }
  return OutcomeOf(api, job_id, state, what);
}

}  // namespace paasmaker::cli
