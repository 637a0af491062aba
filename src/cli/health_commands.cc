// `paasmaker health history [--group G] [--limit N] [--actions]`: the recent
// runs of the pacemaker's health-check groups and what each one did
// (GET /api/v1/health/history, SYSTEM_OVERVIEW).
#include <fmt/format.h>

#include <memory>

#include "cli/command_context.h"
#include "cli/health_history.h"
#include "cli/output.h"

namespace paasmaker::cli {

using nlohmann::json;

void PrintHealthHistory(std::ostream& out, const json& data, bool only_actions) {
  const json& runs = Child(data, "runs");
  if (runs.empty()) {
    out << "No health runs" << (only_actions ? " with corrective actions" : "") << " among the last "
        << Text(data, "scanned", "0") << " run(s).\n";
    return;
  }
  Table table({"STARTED", "GROUP", "STATE", "TOOK", "JOB ID", "ACTIONS"});
  for (const json& run : runs) {
    double started = Number(run, "started"), finished = Number(run, "finished");
    std::string took = started > 0 && finished >= started ? fmt::format("{:.1f}s", finished - started) : "-";
    const json& actions = Child(run, "actions");
    std::string first = actions.empty() ? "-" : Text(actions[0], "summary");
    table.AddRow({FormatTime(started), Text(run, "group", "?"), Text(run, "state", "?"), took, Text(run, "job_id", "?"),
                  first});
    for (size_t i = 1; i < actions.size(); ++i) table.AddRow({"", "", "", "", "", Text(actions[i], "summary")});
  }
  table.Print(out);
}

namespace {

struct HistoryArgs {
  std::string group;
  int limit = 20;
  bool actions = false;
};

Status HealthHistory(CommandContext& context, const HistoryArgs& args) {
  if (args.limit < 1 || args.limit > 500) return InvalidArgument("--limit: between 1 and 500");
  std::string path = "/api/v1/health/history?limit=" + std::to_string(args.limit);
  if (!args.group.empty()) path += "&group=" + http::UrlEncode(args.group);
  if (args.actions) path += "&only_actions=true";
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(json data, api.Get(path));
  if (context.json()) {
    PrintJson(context.out(), data);
    return Status::Ok();
  }
  PrintHealthHistory(context.out(), data, args.actions);
  return Status::Ok();
}

}  // namespace

void RegisterHealthCommands(CLI::App& app, CommandContext& context) {
  CLI::App* group = AddGroup(app, "health", "Look at the pacemaker's health checks");
  auto args = std::make_shared<HistoryArgs>();
  CLI::App* history = AddCommand(
      *group, "history",
      {.summary = "Show recent health-check runs",
       .details = "The most recent runs of the health-check groups, newest first: when each started, its group, "
                  "state, how long it took, its job id (for `paasmaker job show`) and the corrective actions its "
                  "checks took (nodes marked DOWN, routes removed, instances started or stopped). --actions "
                  "shows only runs that did something; --group one group's runs.",
       .example = "paasmaker health history --actions --limit 5"});
  history->add_option("--group", args->group, "only this group's runs (e.g. default)");
  history->add_option("--limit", args->limit, "how many runs (1-500, default 20)");
  history->add_flag("--actions", args->actions, "only runs whose checks took a corrective action");
  OnRun(history, context, [args](CommandContext& c) { return HealthHistory(c, *args); });
}

}  // namespace paasmaker::cli
