// `paasmaker app list|show|delete`: the applications of workspaces. An
// application is made by `deploy`; its versions are managed with `version`.
#include <memory>

#include "cli/command_context.h"
#include "cli/job_wait.h"
#include "cli/lifecycle_tables.h"
#include "cli/output.h"
#include "cli/resolve.h"

namespace paasmaker::cli {

namespace {

using nlohmann::json;

std::string AppPath(const std::string& id) { return "/api/v1/applications/" + http::UrlEncode(id); }

Status ListApps(CommandContext& context, const std::string& workspace) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  std::vector<json> workspaces;
  if (!workspace.empty()) {
    PM_ASSIGN_OR_RETURN(json w, ResolveWorkspace(api, workspace));
    workspaces.push_back(w);
  } else {
    PM_ASSIGN_OR_RETURN(json data, api.Get("/api/v1/workspaces"));
    for (const json& w : Child(data, "workspaces")) workspaces.push_back(w);
  }
  json all = json::array();
  for (const json& w : workspaces) {
    auto apps = api.Get("/api/v1/workspaces/" + http::UrlEncode(IdOf(w, "workspace")) + "/applications");
    // Listing every workspace: skip the ones this user may not look into.
    if (!apps.ok() && workspace.empty() && apps.status().code() == StatusCode::kPermissionDenied) continue;
    if (!apps.ok()) return apps.status();
    for (json app : Child(*apps, "applications")) {
      if (app.is_object() && !app.contains("workspace")) app["workspace"] = Text(w, "name");
      all.push_back(app);
    }
  }
  if (context.json()) {
    PrintJson(context.out(), {{"applications", all}});
    return Status::Ok();
  }
  if (all.empty()) {
    context.out() << "No applications (deploy one with `paasmaker deploy DIRECTORY`).\n";
    return Status::Ok();
  }
  Table table({"APPLICATION ID", "NAME", "WORKSPACE", "CREATED"});
  for (const json& a : all) {
    table.AddRow({IdOf(a, "application"), Text(a, "name", "-"), Text(a, "workspace", "-"),
                  FormatTime(Number(a, "created"))});
  }
  table.Print(context.out());
  return Status::Ok();
}

Status ShowApp(CommandContext& context, const std::string& wanted, const std::string& workspace) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(std::string id, ResolveApplicationId(api, wanted, workspace));
  PM_ASSIGN_OR_RETURN(json data, api.Get(AppPath(id)));
  if (context.json()) {
    PrintJson(context.out(), data);
    return Status::Ok();
  }
  const json& app = Child(data, "application");
  DetailList details;
  details.Add("Application", Text(app, "name", "?"));
  details.Add("Id", IdOf(app, "application").empty() ? id : IdOf(app, "application"));
  std::string ws = Text(app, "workspace");
  if (ws.empty()) ws = Text(app, "workspace_id");
  if (!ws.empty()) details.Add("Workspace", ws);
  details.Add("Created", FormatTime(Number(app, "created")));
  details.Print(context.out());

  context.out() << "\nVersions:\n";
  PrintVersions(context.out(), Child(data, "versions"));
  const json& services = Child(data, "services");
  context.out() << "\nServices:\n";
  if (services.empty()) {
    context.out() << "No services.\n";
  } else {
    Table table({"NAME", "PROVIDER"});
    for (const json& s : services) {
      std::string provider = Text(s, "provider");
      if (provider.empty()) provider = Text(s, "plugin", "?");
      table.AddRow({Text(s, "name", "?"), provider});
    }
    table.Print(context.out());
  }
  return Status::Ok();
}

Status DeleteApp(CommandContext& context, const std::string& wanted, const std::string& workspace,
                 const WaitFlags& flags) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(std::string id, ResolveApplicationId(api, wanted, workspace));
  PM_ASSIGN_OR_RETURN(json data, api.Delete(AppPath(id)));
  return ReportJob(context, api, data, "deletion of application " + wanted, flags);
}

struct AppArgs {
  std::string app;
  std::string workspace;
  WaitFlags wait;
};

}  // namespace

void RegisterAppCommands(CLI::App& app, CommandContext& context) {
  CLI::App* group = AddGroup(app, "app", "List, show and delete applications");
  auto args = std::make_shared<AppArgs>();
  auto add_workspace = [&](CLI::App* command) {
    command->add_option("--workspace", args->workspace, "workspace id, stub or name")->type_name("W");
  };
  auto add_app = [&](CLI::App* command) {
    command->add_option("APP", args->app, "the application's id, or its name (within --workspace)")->required();
    add_workspace(command);
  };

  CLI::App* list = AddCommand(*group, "list",
                              {.summary = "List applications",
                               .details = "Lists the applications of one workspace (--workspace) or of every "
                                          "workspace you can see.",
                               .example = "paasmaker app list --workspace default"});
  add_workspace(list);
  OnRun(list, context, [args](CommandContext& c) { return ListApps(c, args->workspace); });

  CLI::App* show = AddCommand(*group, "show",
                              {.summary = "Show an application, its versions and services",
                               .details = "APP is the application id or its name; a name must be unique among "
                                          "the workspaces you can see, or be narrowed with --workspace.",
                               .example = "paasmaker app show hello --workspace default"});
  add_app(show);
  OnRun(show, context, [args](CommandContext& c) { return ShowApp(c, args->app, args->workspace); });

  CLI::App* remove = AddCommand(
      *group, "delete",
      {.summary = "Delete an application",
       .details = "Removes its versions, packages and services (their data is lost). The server refuses "
                  "while a version is READY or RUNNING: stop and deregister it first. Prints the job id; "
                  "--follow streams the tree, --wait waits for it; either exits by its outcome.",
       .example = "paasmaker app delete hello --follow"});
  add_app(remove);
  AddWaitFlags(remove, args->wait);
  OnRun(remove, context, [args](CommandContext& c) { return DeleteApp(c, args->app, args->workspace, args->wait); });
}

}  // namespace paasmaker::cli
