// `paasmaker cron list|runs|run|suspend|resume`: the web crons of an
// application's current version (SPEC §8.5). A cron is named TYPE/INDEX:
// its instance type and its place in that type's `crons` list (web/0).
#include <memory>

#include "cli/command_context.h"
#include "cli/job_wait.h"
#include "cli/output.h"
#include "cli/resolve.h"

namespace paasmaker::cli {

namespace {

using nlohmann::json;

std::string CronsPath(const std::string& app_id) {
  return "/api/v1/applications/" + http::UrlEncode(app_id) + "/crons";
}

// "web/0" → "/crons/web/0"; InvalidArgument for anything else.
Result<std::string> CronPath(const std::string& app_id, const std::string& name) {
  size_t slash = name.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == name.size() ||
      name.find_first_not_of("0123456789", slash + 1) != std::string::npos) {
    return InvalidArgument("a cron is named TYPE/INDEX, like web/0 (`paasmaker cron list APP` lists them), not \"" +
                           name + "\"");
  }
  return CronsPath(app_id) + "/" + http::UrlEncode(name.substr(0, slash)) + "/" + name.substr(slash + 1);
}

std::string SlotText(const json& value) {
  return value.is_number() ? FormatTime(value.get<double>()) : std::string("-");
}

Status ListCrons(CommandContext& context, const std::string& wanted, const std::string& workspace) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(std::string id, ResolveApplicationId(api, wanted, workspace));
  PM_ASSIGN_OR_RETURN(json data, api.Get(CronsPath(id)));
  if (context.json()) {
    PrintJson(context.out(), data);
    return Status::Ok();
  }
  const json& crons = Child(data, "crons");
  if (crons.empty()) {
    context.out() << "No crons in the current version of " << wanted << ".\n";
    return Status::Ok();
  }
  Table table({"NAME", "SCHEDULE", "ZONE", "URI", "NEXT (UTC)", "LAST RUN", "OUTCOME"});
  for (const json& cron : crons) {
    const json& last = Child(cron, "last_run");
    std::string next = cron.value("suspended", false) ? "suspended" : SlotText(Child(cron, "next_slot"));
    table.AddRow({Text(cron, "name", "?"), Text(cron, "runspec", "?"), Text(cron, "timezone", "UTC"),
                  Text(cron, "uri", "?"), next,
                  last.is_object() ? SlotText(Child(last, "slot")) : "-",
                  last.is_object() ? Text(last, "outcome", "-") : "-"});
  }
  table.Print(context.out());
  if (!data.value("runs_enabled", true)) {
    context.out() << "This pacemaker does not run crons (pacemaker.run_crons: false).\n";
  }
  return Status::Ok();
}

Status ListRuns(CommandContext& context, const std::string& wanted, const std::string& workspace,
                const std::string& name) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(std::string id, ResolveApplicationId(api, wanted, workspace));
  PM_ASSIGN_OR_RETURN(std::string path, CronPath(id, name));
  PM_ASSIGN_OR_RETURN(json data, api.Get(path + "/runs"));
  if (context.json()) {
    PrintJson(context.out(), data);
    return Status::Ok();
  }
  const json& runs = Child(data, "runs");
  if (runs.empty()) {
    context.out() << "Cron " << name << " has not run yet.\n";
    return Status::Ok();
  }
  Table table({"SLOT (UTC)", "OUTCOME", "JOB ID"});
  for (const json& run : runs) {
    table.AddRow({SlotText(Child(run, "slot")), Text(run, "outcome", "?"), Text(run, "job_id", "-")});
  }
  table.Print(context.out());
  return Status::Ok();
}

Status CronAction(CommandContext& context, const std::string& wanted, const std::string& workspace,
                  const std::string& name, const std::string& action, const WaitFlags& flags) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(std::string id, ResolveApplicationId(api, wanted, workspace));
  PM_ASSIGN_OR_RETURN(std::string path, CronPath(id, name));
  PM_ASSIGN_OR_RETURN(json data, api.Post(path + "/" + action, json::object()));
  if (action == "run") return ReportJob(context, api, data, "run of cron " + name, flags);
  if (context.json()) PrintJson(context.out(), data);
  else context.out() << "Cron " << name << (action == "suspend" ? " is suspended: its slots pass without a run.\n"
                                                                : " runs on its schedule again.\n");
  return Status::Ok();
}

struct CronArgs {
  std::string app;
  std::string workspace;
  std::string name;
  WaitFlags wait;
};

}  // namespace

void RegisterCronCommands(CLI::App& app, CommandContext& context) {
  CLI::App* group = AddGroup(app, "cron", "List, run, suspend and resume an application's web crons");
  auto args = std::make_shared<CronArgs>();
  auto add_app = [&](CLI::App* command) {
    command->add_option("APP", args->app, "the application's id, or its name (within --workspace)")->required();
    command->add_option("--workspace", args->workspace, "workspace id, stub or name")->type_name("W");
  };
  auto add_cron = [&](CLI::App* command) {
    add_app(command);
    command->add_option("NAME", args->name, "the cron: TYPE/INDEX, as `cron list` shows (e.g. web/0)")->required();
  };

  CLI::App* list = AddCommand(*group, "list",
                              {.summary = "List the crons of an application's current version",
                               .details = "Each cron with its schedule (UTC; a 6th leading field is seconds), "
                                          "URI, next slot and last run.",
                               .example = "paasmaker cron list hello"});
  add_app(list);
  OnRun(list, context, [args](CommandContext& c) { return ListCrons(c, args->app, args->workspace); });

  CLI::App* runs = AddCommand(*group, "runs",
                              {.summary = "Show a cron's recent runs",
                               .details = "The last 50 slots, newest first: started (with its job, whose log "
                                          "holds the app's answer) or skipped (the previous run was unfinished).",
                               .example = "paasmaker cron runs hello web/0"});
  add_cron(runs);
  OnRun(runs, context, [args](CommandContext& c) { return ListRuns(c, args->app, args->workspace, args->name); });

  CLI::App* run = AddCommand(*group, "run",
                             {.summary = "Run a cron now",
                              .details = "Requests the cron's URI from one RUNNING instance now, as its schedule "
                                         "would. Prints the job id; --follow or --wait waits for it.",
                              .example = "paasmaker cron run hello web/0 --follow"});
  add_cron(run);
  AddWaitFlags(run, args->wait);
  OnRun(run, context,
        [args](CommandContext& c) { return CronAction(c, args->app, args->workspace, args->name, "run", args->wait); });

  for (const char* action : {"suspend", "resume"}) {
    const bool suspend = std::string(action) == "suspend";
    CLI::App* command =
        AddCommand(*group, action,
                   {.summary = suspend ? "Suspend a cron: its slots pass without a run" : "Resume a suspended cron",
                    .details = suspend ? "Until `cron resume`; slots passed while suspended are not run later."
                                       : "It runs again from its next slot.",
                    .example = std::string("paasmaker cron ") + action + " hello web/0"});
    add_cron(command);
    OnRun(command, context, [args, action](CommandContext& c) {
      return CronAction(c, args->app, args->workspace, args->name, action, args->wait);
    });
  }
}

}  // namespace paasmaker::cli
