// `paasmaker job show|abort|log|follow`: look at and control job trees —
// the units in which every long action (deploy, start, stop ...) runs.
#include <memory>

#include "cli/command_context.h"
#include "cli/job_follow.h"
#include "cli/output.h"

namespace paasmaker::cli {

namespace {

using nlohmann::json;

std::string JobPath(const std::string& id) { return "/api/v1/jobs/" + http::UrlEncode(id); }

// One line per job, children indented under their parent:
//   SUCCESS  Start version 3  (5b1f0c2e-...)
//     SUCCESS  Start instance  (77aa...) — listening on port 42601
void PrintJobTree(std::ostream& out, const json& job, int depth) {
  if (depth > 64) return;  // a cycle from a confused server must not hang us
  std::string id = Text(job, "job_id", Text(job, "id", "?"));
  std::string title = Text(job, "title", Text(job, "type", ""));
  std::string state = Text(job, "state", "?");
  out << std::string(depth * 2, ' ') << state << std::string(state.size() < 8 ? 9 - state.size() : 1, ' ')
      << title << "  (" << id << ")";
  std::string summary = Text(job, "summary");
  if (!summary.empty()) out << " — " << summary;
  out << "\n";
  // Children may come as a list or as an object keyed by job id.
  for (const auto& child : Child(job, "children")) PrintJobTree(out, child, depth + 1);
}

Status ShowJob(CommandContext& context, const std::string& id) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(json data, api.Get(JobPath(id)));
  if (context.json()) {
    PrintJson(context.out(), data);
    return Status::Ok();
  }
  const json job = data.is_object() && data.contains("job") ? data["job"] : data;
  PrintJobTree(context.out(), job, 0);
  return Status::Ok();
}

Status AbortJob(CommandContext& context, const std::string& id) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(json data, api.Post(JobPath(id) + "/abort", json::object()));
  if (context.json()) {
    PrintJson(context.out(), data);
    return Status::Ok();
  }
  context.out() << "Asked job " << id << " and its tree to abort; `paasmaker job show " << id
                << "` shows progress.\n";
  return Status::Ok();
}

Status JobLog(CommandContext& context, const std::string& id, long long offset) {
  if (offset < 0) return InvalidArgument("--offset must be 0 or more, got " + std::to_string(offset));
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(std::string text, api.GetText(JobPath(id) + "/log?offset=" + std::to_string(offset)));
  if (context.json()) {
    PrintJson(context.out(), {{"job_id", id}, {"offset", offset}, {"text", text}});
    return Status::Ok();
  }
  context.out() << text;
  if (!text.empty() && text.back() != '\n') context.out() << "\n";
  return Status::Ok();
}

Status FollowJobCommand(CommandContext& context, const std::string& id) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  return FollowJob(api, id, context.out(), {.json = context.json()});
}

}  // namespace

void RegisterJobCommands(CLI::App& app, CommandContext& context) {
  CLI::App* job = AddGroup(app, "job", "Inspect, follow and abort job trees");
  auto id = std::make_shared<std::string>();
  auto add_id = [&](CLI::App* command) {
    command->add_option("ID", *id, "the job's id (printed by the command that started it)")->required();
  };

  CLI::App* show = AddCommand(
      *job, "show",
      {.summary = "Show a job tree",
       .details = "Prints every job's state, title and summary, children indented under the job "
                  "that waits for them.",
       .example = "paasmaker job show 5b1f0c2e-9d6a-4f1e-8a53-2f0e7c1d9b44"});
  add_id(show);
  OnRun(show, context, [id](CommandContext& c) { return ShowJob(c, *id); });

  CLI::App* abort = AddCommand(
      *job, "abort",
      {.summary = "Abort a job tree",
       .details = "Waiting jobs of the tree become ABORTED and running ones are asked to stop.",
       .example = "paasmaker job abort 5b1f0c2e-9d6a-4f1e-8a53-2f0e7c1d9b44"});
  add_id(abort);
  OnRun(abort, context, [id](CommandContext& c) { return AbortJob(c, *id); });

  auto offset = std::make_shared<long long>(0);
  CLI::App* log = AddCommand(
      *job, "log",
      {.summary = "Print one job's log",
       .details = "Prints the log as written so far. --offset skips that many bytes, to fetch "
                  "only what is new since a previous call; `job follow` streams it live.",
       .example = "paasmaker job log 5b1f0c2e-9d6a-4f1e-8a53-2f0e7c1d9b44 --offset 4096"});
  add_id(log);
  log->add_option("--offset", *offset, "byte offset to start from (default 0)")->type_name("BYTES");
  OnRun(log, context, [id, offset](CommandContext& c) { return JobLog(c, *id, *offset); });

  CLI::App* follow = AddCommand(
      *job, "follow",
      {.summary = "Follow a job tree live until it finishes",
       .details = "Prints each job's state changes and log lines as they happen, each line "
                  "prefixed with the start of the job's id. Exits 0 only if the root job ends "
                  "SUCCESS (1 if it ends FAILED or ABORTED). With --json, prints each event as "
                  "one JSON line.",
       .example = "paasmaker job follow 5b1f0c2e-9d6a-4f1e-8a53-2f0e7c1d9b44"});
  add_id(follow);
  OnRun(follow, context, [id](CommandContext& c) { return FollowJobCommand(c, *id); });
}

}  // namespace paasmaker::cli
