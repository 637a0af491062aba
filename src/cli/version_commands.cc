// `paasmaker version list|show|register|start|stop|deregister|current|delete|instances`:
// a version's lifecycle. Each action starts a job tree on the pacemaker:
//
//   PREPARED ──register──▶ READY ──start──▶ RUNNING ──current──▶ (routes the hostnames)
//      ▲                     │  ▲              │
//      └────deregister───────┘  └────stop──────┘        delete: PREPARED/NEW, not current
//
// V is a version id or APP:N (an application id or name and a version number).
#include <memory>

#include "cli/command_context.h"
#include "cli/job_wait.h"
#include "cli/lifecycle_tables.h"
#include "cli/output.h"
#include "cli/resolve.h"

namespace paasmaker::cli {

namespace {

using nlohmann::json;

std::string VersionPath(const std::string& id) { return "/api/v1/versions/" + http::UrlEncode(id); }

struct VersionArgs {
  std::string target;  // APP for list, V for the rest
  std::string workspace;
  WaitFlags wait;
};

Status ListVersions(CommandContext& context, const VersionArgs& args) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(std::string app_id, ResolveApplicationId(api, args.target, args.workspace));
  PM_ASSIGN_OR_RETURN(json data, api.Get("/api/v1/applications/" + http::UrlEncode(app_id) + "/versions"));
  if (context.json()) {
    PrintJson(context.out(), data);
    return Status::Ok();
  }
  PrintVersions(context.out(), Child(data, "versions"));
  return Status::Ok();
}

Status ShowVersion(CommandContext& context, const VersionArgs& args) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(std::string id, ResolveVersionId(api, args.target, args.workspace));
  PM_ASSIGN_OR_RETURN(json data, api.Get(VersionPath(id)));
  if (context.json()) {
    PrintJson(context.out(), data);
    return Status::Ok();
  }
  const json& v = Child(data, "version");
  DetailList details;
  details.Add("Version", Text(v, "number", "?"));
  details.Add("Id", IdOf(v, "version").empty() ? id : IdOf(v, "version"));
  details.Add("Application", Text(v, "application_id", "?"));
  details.Add("State", Text(v, "state", "?"));
  details.Add("Current", v.is_object() && v.value("is_current", false) ? "yes" : "no");
  std::string revision = Text(v, "scm_revision");
  if (!revision.empty()) details.Add("Revision", revision);
  details.Add("Package", Text(v, "package_checksum", "-"));
  details.Add("Created", FormatTime(Number(v, "created")));
  details.Print(context.out());
  for (const json& type : Child(data, "instance_types")) {
    context.out() << "\nInstance type " << Text(type, "name", "?") << " (" << IdOf(type, "instance_type")
                  << "): quantity " << Text(type, "quantity", "?");
    if (type.is_object() && type.value("standalone", false)) context.out() << ", standalone";
    if (type.is_object() && type.value("exclusive", false)) context.out() << ", exclusive";
    std::string hostnames = JoinList(Child(type, "hostnames"), ", ");
    if (!hostnames.empty()) context.out() << ", hostnames " << hostnames;
    context.out() << "\n";
    PrintInstances(context.out(), Child(type, "instances"));
  }
  return Status::Ok();
}

Status ListInstances(CommandContext& context, const VersionArgs& args) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(std::string id, ResolveVersionId(api, args.target, args.workspace));
  PM_ASSIGN_OR_RETURN(json data, api.Get(VersionPath(id) + "/instances"));
  if (context.json()) {
    PrintJson(context.out(), data);
    return Status::Ok();
  }
  // Type names make the table readable; a failure to get them is not one of the listing.
  json names = json::object();
  if (auto version = api.Get(VersionPath(id)); version.ok()) {
    for (const json& type : Child(*version, "instance_types")) names[IdOf(type, "instance_type")] = Text(type, "name");
  }
  PrintInstances(context.out(), Child(data, "instances"), names);
  return Status::Ok();
}

// register, start, stop, deregister, current: POST; delete: DELETE.
Status VersionAction(CommandContext& context, const VersionArgs& args, const std::string& action) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(std::string id, ResolveVersionId(api, args.target, args.workspace));
  Result<json> started = action == "delete" ? api.Delete(VersionPath(id))
                                            : api.Post(VersionPath(id) + "/" + action, json::object());
  if (!started.ok()) {
    if (started.status().code() == StatusCode::kAlreadyExists) {
      // 409: the version's state does not allow it; the server says which.
      return FailedPrecondition("cannot " + action + " version " + args.target + ": " + started.status().message());
    }
    return started.status();
  }
  return ReportJob(context, api, *started, action + " of version " + args.target, args.wait);
}

struct ActionHelp {
  const char* name;
  const char* summary;
  const char* details;
};

constexpr ActionHelp kActions[] = {
    {"register", "Register a version's instances on hearts",
     "Places the instances each instance type asks for and has their hearts fetch and unpack the "
     "package (no process runs yet)."},
    {"start", "Start a version's instances",
     "Registers what is missing, runs the startup commands, starts every instance and adds the "
     "instances to the routing table (for hostnames of the current version only)."},
    {"stop", "Stop a version's instances",
     "Removes them from routing, then stops their processes (SIGTERM, then SIGKILL after the grace time)."},
    {"deregister", "Remove a stopped version's instances from their hearts",
     "Deletes the instance directories; the version goes back to PREPARED."},
    {"current", "Make a version the current one",
     "Routes the application's hostnames to this version's instances and away from the previous "
     "current version's, in one atomic change of the routing table."},
    {"delete", "Delete a version that is not running",
     "Removes its package and records. Only PREPARED (or NEW) versions that are not current."},
};

}  // namespace

void RegisterVersionCommands(CLI::App& app, CommandContext& context) {
  CLI::App* group = AddGroup(app, "version", "Manage an application's versions");
  auto args = std::make_shared<VersionArgs>();
  auto add_target = [&](CLI::App* command, const std::string& help, const std::string& name = "V") {
    command->add_option(name, args->target, help)->required();
    command->add_option("--workspace", args->workspace, "workspace id, stub or name, to find APP by name")
        ->type_name("W");
  };
  const std::string v_help = "version id, or APP:N (application id or name, version number)";

  CLI::App* list = AddCommand(*group, "list",
                              {.summary = "List an application's versions",
                               .details = "APP is the application id or its name.",
                               .example = "paasmaker version list hello"});
  add_target(list, "application id or name", "APP");
  OnRun(list, context, [args](CommandContext& c) { return ListVersions(c, *args); });

  CLI::App* show = AddCommand(*group, "show",
                              {.summary = "Show a version, its instance types and instances",
                               .details = "",
                               .example = "paasmaker version show hello:3"});
  add_target(show, v_help);
  OnRun(show, context, [args](CommandContext& c) { return ShowVersion(c, *args); });

  CLI::App* instances = AddCommand(*group, "instances",
                                   {.summary = "List a version's instances",
                                    .details = "Shows each instance's state, node and port.",
                                    .example = "paasmaker version instances hello:3 --json"});
  add_target(instances, v_help);
  OnRun(instances, context, [args](CommandContext& c) { return ListInstances(c, *args); });

  for (const ActionHelp& a : kActions) {
    std::string name = a.name;
    CLI::App* command = AddCommand(
        *group, name,
        {.summary = a.summary,
         .details = std::string(a.details) +
                    "\nPrints the job id. --follow streams the job tree live and --wait waits for it "
                    "quietly; either exits 0 only if the tree succeeds. The server refuses (exit 1) when "
                    "the version's state does not allow it.",
         .example = "paasmaker version " + name + " hello:3 --follow"});
    add_target(command, v_help);
    AddWaitFlags(command, args->wait);
    OnRun(command, context, [args, name](CommandContext& c) { return VersionAction(c, *args, name); });
  }
}

}  // namespace paasmaker::cli
