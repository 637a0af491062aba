// `paasmaker workspace list|create|delete`: workspaces group applications and
// carry the permissions of the users who work on them.
#include <cctype>
#include <memory>
#include <vector>

#include "cli/command_context.h"
#include "cli/output.h"
#include "cli/resolve.h"

namespace paasmaker::cli {

namespace {

using nlohmann::json;

// A stub from a display name: "My Team's Apps" → "my-team-s-apps".
std::string StubFromName(const std::string& name) {
  std::string stub;
  for (unsigned char c : name) {
    if (std::isalnum(c)) {
      stub += static_cast<char>(std::tolower(c));
    } else if (!stub.empty() && stub.back() != '-') {
      stub += '-';
    }
  }
  while (!stub.empty() && stub.back() == '-') stub.pop_back();
  return stub;
}

// Repeated `--tag key=value` into a JSON object; a later key wins.
Result<json> ParseTags(const std::vector<std::string>& tags) {
  json out = json::object();
  for (const auto& tag : tags) {
    auto eq = tag.find('=');
    if (eq == std::string::npos || eq == 0) {
      return InvalidArgument("--tag must look like key=value, got '" + tag + "'");
    }
    out[tag.substr(0, eq)] = tag.substr(eq + 1);
  }
  return out;
}

Status ListWorkspaces(CommandContext& context) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(json data, api.Get("/api/v1/workspaces"));
  if (context.json()) {
    PrintJson(context.out(), data);
    return Status::Ok();
  }
  const json& workspaces = Child(data, "workspaces");
  if (workspaces.empty()) {
    context.out() << "No workspaces (create one with `paasmaker workspace create NAME`).\n";
    return Status::Ok();
  }
  Table table({"ID", "NAME", "STUB", "TAGS", "CREATED"});
  for (const json& w : workspaces) {
    table.AddRow({Text(w, "id", "-"), Text(w, "name", "-"), Text(w, "stub", "-"),
                  JoinList(Child(w, "tags")), FormatTime(Number(w, "created"))});
  }
  table.Print(context.out());
  return Status::Ok();
}

struct CreateWorkspaceArgs {
  std::string name;
  std::string stub;
  std::vector<std::string> tags;
};

Status CreateWorkspace(CommandContext& context, const CreateWorkspaceArgs& args) {
  PM_ASSIGN_OR_RETURN(json tags, ParseTags(args.tags));
  std::string stub = args.stub.empty() ? StubFromName(args.name) : args.stub;
  if (stub.empty()) {
    return InvalidArgument("cannot derive a stub from the name '" + args.name + "'; pass --stub");
  }
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(json data, api.Post("/api/v1/workspaces",
                                          {{"name", args.name}, {"stub", stub}, {"tags", tags}}));
  if (context.json()) {
    PrintJson(context.out(), data);
    return Status::Ok();
  }
  const json& workspace = Child(data, "workspace");
  context.out() << "Created workspace " << Text(workspace, "name", args.name) << " (id "
                << Text(workspace, "id", "?") << ", stub " << Text(workspace, "stub", stub) << ")\n";
  return Status::Ok();
}

Status DeleteWorkspace(CommandContext& context, const std::string& id) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(json data, api.Delete("/api/v1/workspaces/" + http::UrlEncode(id)));
  if (context.json()) {
    PrintJson(context.out(), data);
    return Status::Ok();
  }
  context.out() << "Deleted workspace " << Text(data, "deleted", id) << "\n";
  return Status::Ok();
}

struct EditWorkspaceArgs {
  std::string workspace;
  std::string name;
  std::vector<std::string> tags;
};

Status EditWorkspace(CommandContext& context, const EditWorkspaceArgs& args) {
  json body = json::object();
  if (!args.name.empty()) body["name"] = args.name;
  if (!args.tags.empty()) {
    PM_ASSIGN_OR_RETURN(json tags, ParseTags(args.tags));
    body["tags"] = tags;
  }
  if (body.empty()) return InvalidArgument("nothing to change: give --name or --tag");
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(json workspace, ResolveWorkspace(api, args.workspace));
  PM_ASSIGN_OR_RETURN(json data, api.Post("/api/v1/workspaces/" + http::UrlEncode(IdOf(workspace, "workspace")), body));
  if (context.json()) {
    PrintJson(context.out(), data);
    return Status::Ok();
  }
  const json& edited = Child(data, "workspace");
  context.out() << "Workspace " << Text(edited, "name", "?") << " (id " << Text(edited, "id", "?") << ", stub "
                << Text(edited, "stub", "?") << ")\n";
  return Status::Ok();
}

}  // namespace

void RegisterWorkspaceCommands(CLI::App& app, CommandContext& context) {
  CLI::App* workspace = AddGroup(app, "workspace", "List, create, edit and delete workspaces");

  CLI::App* list = AddCommand(*workspace, "list",
                              {.summary = "List the workspaces you may see",
                               .details = "",
                               .example = "paasmaker workspace list --json"});
  OnRun(list, context, ListWorkspaces);

  auto create_args = std::make_shared<CreateWorkspaceArgs>();
  CLI::App* create = AddCommand(
      *workspace, "create",
      {.summary = "Create a workspace",
       .details = "The stub (used in hostnames) defaults to the name in lower case with other "
                  "characters turned into dashes. Prints the new workspace's id.",
       .example = "paasmaker workspace create \"Team Apps\" --stub team --tag owner=ops --tag tier=web"});
  create->add_option("NAME", create_args->name, "display name of the workspace")->required();
  create->add_option("--stub", create_args->stub, "short name used in hostnames")->type_name("STUB");
  create->add_option("--tag", create_args->tags, "a key=value tag; repeat for more")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);  // one value per --tag, so NAME may follow it
  OnRun(create, context, [create_args](CommandContext& c) { return CreateWorkspace(c, *create_args); });

  auto id = std::make_shared<std::string>();
  CLI::App* remove = AddCommand(
      *workspace, "delete",
      {.summary = "Delete a workspace",
       .details = "Refused while the workspace holds applications: delete them first.",
       .example = "paasmaker workspace delete 3"});
  remove->add_option("ID", *id, "the workspace id (see `paasmaker workspace list`)")->required();
  OnRun(remove, context, [id](CommandContext& c) { return DeleteWorkspace(c, *id); });

  auto edit_args = std::make_shared<EditWorkspaceArgs>();
  CLI::App* edit = AddCommand(
      *workspace, "edit",
      {.summary = "Rename a workspace or replace its tags",
       .details = "--tag replaces every tag. The stub stays: it is part of the applications' hostnames.",
       .example = "paasmaker workspace edit team --name \"Team Apps\" --tag owner=web"});
  edit->add_option("WORKSPACE", edit_args->workspace, "the workspace's id, stub or name")->required();
  edit->add_option("--name", edit_args->name, "the new display name")->type_name("NAME");
  edit->add_option("--tag", edit_args->tags, "a key=value tag; repeat for more")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);
  OnRun(edit, context, [edit_args](CommandContext& c) { return EditWorkspace(c, *edit_args); });
}

}  // namespace paasmaker::cli
