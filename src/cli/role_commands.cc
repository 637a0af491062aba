// `paasmaker role list|create|show|edit|delete|allocate|allocations|unallocate`:
// what users may do where. A role is a named set of permissions; an
// allocation gives a role to a user, optionally only within one workspace.
#include <memory>
#include <vector>

#include "cli/command_context.h"
#include "cli/output.h"
#include "cli/resolve.h"

namespace paasmaker::cli {

namespace {

using nlohmann::json;

Status ListRoles(CommandContext& context) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(json data, api.Get("/api/v1/roles"));
  if (context.json()) {
    PrintJson(context.out(), data);
    return Status::Ok();
  }
  const json& roles = Child(data, "roles");
  if (roles.empty()) {
    context.out() << "No roles.\n";
    return Status::Ok();
  }
  Table table({"ID", "NAME", "PERMISSIONS"});
  for (const json& r : roles) {
    table.AddRow({Text(r, "id", "-"), Text(r, "name", "-"), JoinList(Child(r, "permissions"))});
  }
  table.Print(context.out());
  return Status::Ok();
}

struct CreateRoleArgs {
  std::string name;
  std::vector<std::string> permissions;
};

// Accepts both `--permission A --permission B` and `--permission A,B`.
json SplitPermissions(const std::vector<std::string>& given_list) {
  json permissions = json::array();
  for (const auto& given : given_list) {
    size_t start = 0;
    while (start <= given.size()) {
      size_t comma = given.find(',', start);
      if (comma == std::string::npos) comma = given.size();
      std::string one = given.substr(start, comma - start);
      if (!one.empty()) permissions.push_back(one);
      start = comma + 1;
    }
  }
  return permissions;
}

Status CreateRole(CommandContext& context, const CreateRoleArgs& args) {
  json permissions = SplitPermissions(args.permissions);
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(json data,
                      api.Post("/api/v1/roles", {{"name", args.name}, {"permissions", permissions}}));
  if (context.json()) {
    PrintJson(context.out(), data);
    return Status::Ok();
  }
  const json& role = Child(data, "role");
  context.out() << "Created role " << Text(role, "name", args.name) << " (id " << Text(role, "id", "?")
                << ") with " << permissions.size() << " permission(s)\n";
  return Status::Ok();
}

struct AllocateArgs {
  std::string user_id;
  std::string role_id;
  std::string workspace_id;
};

// Ids are numbers in the SQL store; send them as numbers when they look like
// one, so a server that validates types accepts them.
json IdValue(const std::string& id) {
  if (!id.empty() && id.find_first_not_of("0123456789") == std::string::npos && id.size() < 18) {
    return std::stoll(id);
  }
  return id;
}

Status AllocateRole(CommandContext& context, const AllocateArgs& args) {
  json body = {{"user_id", IdValue(args.user_id)}, {"role_id", IdValue(args.role_id)}};
  if (!args.workspace_id.empty()) body["workspace_id"] = IdValue(args.workspace_id);
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(json data, api.Post("/api/v1/roles/allocations", body));
  if (context.json()) {
    PrintJson(context.out(), data);
    return Status::Ok();
  }
  context.out() << "Gave role " << args.role_id << " to user " << args.user_id
                << (args.workspace_id.empty() ? " in every workspace" : " in workspace " + args.workspace_id)
                << "\n";
  return Status::Ok();
}

std::string RolePath(const std::string& id) { return "/api/v1/roles/" + http::UrlEncode(id); }

void PrintRole(CommandContext& context, const json& role) {
  DetailList details;
  details.Add("Role", Text(role, "name", "?"));
  details.Add("Id", Text(role, "id", "?"));
  details.Add("Permissions", JoinList(Child(role, "permissions")));
  details.Print(context.out());
}

struct RoleArgs {
  std::string role;
  std::string name;
  std::vector<std::string> permissions;
  std::string allocation_id;
};

Status ShowRole(CommandContext& context, const RoleArgs& args) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(std::string id, ResolveNamedId(api, kRoles, args.role));
  PM_ASSIGN_OR_RETURN(json data, api.Get(RolePath(id)));
  if (context.json()) PrintJson(context.out(), data);
  else PrintRole(context, Child(data, "role"));
  return Status::Ok();
}

Status EditRole(CommandContext& context, const RoleArgs& args) {
  json body = json::object();
  if (!args.name.empty()) body["name"] = args.name;
  if (!args.permissions.empty()) body["permissions"] = SplitPermissions(args.permissions);
  if (body.empty()) return InvalidArgument("nothing to change: give --name or --permission");
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(std::string id, ResolveNamedId(api, kRoles, args.role));
  PM_ASSIGN_OR_RETURN(json data, api.Post(RolePath(id), body));
  if (context.json()) PrintJson(context.out(), data);
  else PrintRole(context, Child(data, "role"));
  return Status::Ok();
}

Status DeleteRole(CommandContext& context, const RoleArgs& args) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(std::string id, ResolveNamedId(api, kRoles, args.role));
  PM_ASSIGN_OR_RETURN(json data, api.Delete(RolePath(id)));
  if (context.json()) PrintJson(context.out(), data);
  else context.out() << "Deleted role " << args.role << ".\n";
  return Status::Ok();
}

Status ListAllocations(CommandContext& context) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(json data, api.Get("/api/v1/roles/allocations"));
  if (context.json()) {
    PrintJson(context.out(), data);
    return Status::Ok();
  }
  const json& allocations = Child(data, "allocations");
  if (allocations.empty()) {
    context.out() << "No role allocations.\n";
    return Status::Ok();
  }
  Table table({"ALLOCATION ID", "USER", "ROLE", "WORKSPACE"});
  for (const json& a : allocations) {
    std::string workspace = Text(a, "workspace_id");
    table.AddRow({Text(a, "id", "-"), Text(a, "login", "-"), Text(a, "role", "-"), workspace.empty() ? "(all)" : workspace});
  }
  table.Print(context.out());
  return Status::Ok();
}

Status Unallocate(CommandContext& context, const RoleArgs& args) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(json data, api.Delete("/api/v1/roles/allocations/" + http::UrlEncode(args.allocation_id)));
  if (context.json()) PrintJson(context.out(), data);
  else context.out() << "Removed role allocation " << args.allocation_id << ".\n";
  return Status::Ok();
}

}  // namespace

void RegisterRoleCommands(CLI::App& app, CommandContext& context) {
  CLI::App* role = AddGroup(app, "role", "List, create, show, edit, delete, allocate and unallocate roles (sets of permissions)");

  CLI::App* list = AddCommand(
      *role, "list", {.summary = "List the roles and their permissions", .details = "", .example = "paasmaker role list"});
  OnRun(list, context, ListRoles);

  auto create_args = std::make_shared<CreateRoleArgs>();
  CLI::App* create = AddCommand(
      *role, "create",
      {.summary = "Create a role",
       .details = "A role is a name and a set of permissions such as WORKSPACE_VIEW, "
                  "APPLICATION_DEPLOY, JOB_ABORT; give it to users with `paasmaker role allocate`.",
       .example = "paasmaker role create Deployer --permission WORKSPACE_VIEW,APPLICATION_DEPLOY "
                  "--permission JOB_ABORT"});
  create->add_option("NAME", create_args->name, "the role's name")->required();
  create->add_option("--permission", create_args->permissions,
                     "a permission, or several separated by commas; repeat for more")
      ->type_name("PERMISSION")
      ->allow_extra_args(false);
  OnRun(create, context, [create_args](CommandContext& c) { return CreateRole(c, *create_args); });

  auto allocate_args = std::make_shared<AllocateArgs>();
  CLI::App* allocate = AddCommand(
      *role, "allocate",
      {.summary = "Give a role to a user",
       .details = "With --workspace the role applies in that workspace only; without it, in all "
                  "of them.",
       .example = "paasmaker role allocate --user 4 --role 2 --workspace 1"});
  allocate->add_option("--user", allocate_args->user_id, "the user's id")->type_name("USER_ID")->required();
  allocate->add_option("--role", allocate_args->role_id, "the role's id")->type_name("ROLE_ID")->required();
  allocate->add_option("--workspace", allocate_args->workspace_id, "limit the role to this workspace")
      ->type_name("WORKSPACE_ID");
  OnRun(allocate, context, [allocate_args](CommandContext& c) { return AllocateRole(c, *allocate_args); });

  auto role_args = std::make_shared<RoleArgs>();
  auto add_role = [&](CLI::App* command) {
    command->add_option("ROLE", role_args->role, "the role's name or id")->required();
  };
  CLI::App* show = AddCommand(*role, "show", {.summary = "Show a role and its permissions", .details = "",
                                              .example = "paasmaker role show Deployer"});
  add_role(show);
  OnRun(show, context, [role_args](CommandContext& c) { return ShowRole(c, *role_args); });

  CLI::App* edit = AddCommand(
      *role, "edit",
      {.summary = "Rename a role or replace its permissions",
       .details = "--permission replaces the whole set; users holding the role have the new set at their next request.",
       .example = "paasmaker role edit Deployer --permission WORKSPACE_VIEW,APPLICATION_DEPLOY"});
  add_role(edit);
  edit->add_option("--name", role_args->name, "the new name")->type_name("NAME");
  edit->add_option("--permission", role_args->permissions, "a permission, or several separated by commas; repeat for more")
      ->type_name("PERMISSION")
      ->allow_extra_args(false);
  OnRun(edit, context, [role_args](CommandContext& c) { return EditRole(c, *role_args); });

  CLI::App* remove = AddCommand(*role, "delete",
                                {.summary = "Delete a role",
                                 .details = "Refused while the role is allocated: `role unallocate` first.",
                                 .example = "paasmaker role delete Deployer"});
  add_role(remove);
  OnRun(remove, context, [role_args](CommandContext& c) { return DeleteRole(c, *role_args); });

  CLI::App* allocations = AddCommand(*role, "allocations", {.summary = "List who holds which role where", .details = "",
                                                            .example = "paasmaker role allocations"});
  OnRun(allocations, context, ListAllocations);

  CLI::App* unallocate = AddCommand(*role, "unallocate",
                                    {.summary = "Take a role allocation away",
                                     .details = "ALLOCATION_ID as `role allocations` lists it.",
                                     .example = "paasmaker role unallocate 3f0c…"});
  unallocate->add_option("ALLOCATION_ID", role_args->allocation_id, "the allocation's id")->required();
  OnRun(unallocate, context, [role_args](CommandContext& c) { return Unallocate(c, *role_args); });
}

}  // namespace paasmaker::cli
