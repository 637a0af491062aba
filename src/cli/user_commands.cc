// `paasmaker user list|create` and `paasmaker role list|create|allocate`:
// who may use the cluster, and what they may do where. A role is a named set
// of permissions; an allocation gives a role to a user, optionally only
// within one workspace.
#include <memory>
#include <vector>

#include "cli/command_context.h"
#include "cli/output.h"

namespace paasmaker::cli {

namespace {

using nlohmann::json;

Status ListUsers(CommandContext& context) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(json data, api.Get("/api/v1/users"));
  if (context.json()) {
    PrintJson(context.out(), data);
    return Status::Ok();
  }
  const json& users = Child(data, "users");
  if (users.empty()) {
    context.out() << "No users.\n";
    return Status::Ok();
  }
  Table table({"ID", "LOGIN", "NAME", "EMAIL"});
  for (const json& u : users) {
    table.AddRow({Text(u, "id", "-"), Text(u, "login", "-"), Text(u, "name", "-"), Text(u, "email", "-")});
  }
  table.Print(context.out());
  return Status::Ok();
}

struct CreateUserArgs {
  std::string login;
  std::string name;
  std::string email;
  std::string password;
};

Status CreateUser(CommandContext& context, const CreateUserArgs& args) {
  std::string password = args.password;
  if (password.empty()) password = context.env()("PAASMAKER_PASSWORD").value_or("");
  if (password.empty()) {
    return InvalidArgument("no password given: pass --password or set PAASMAKER_PASSWORD");
  }
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  json body = {{"login", args.login},
               {"name", args.name.empty() ? args.login : args.name},
               {"email", args.email},
               {"password", password}};
  PM_ASSIGN_OR_RETURN(json data, api.Post("/api/v1/users", body));
  if (context.json()) {
    PrintJson(context.out(), data);
    return Status::Ok();
  }
  const json& user = Child(data, "user");
  context.out() << "Created user " << Text(user, "login", args.login) << " (id " << Text(user, "id", "?")
                << ")\n";
  std::string key = Text(user, "api_key");
  if (!key.empty()) {
    // The server shows the key only in this answer; say so, or it is lost.
    context.out() << "API key: " << key << "\n"
                  << "This key is shown only once. Use it with --key or PAASMAKER_KEY.\n";
  }
  return Status::Ok();
}

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

Status CreateRole(CommandContext& context, const CreateRoleArgs& args) {
  // Accept both `--permission A --permission B` and `--permission A,B`.
  json permissions = json::array();
  for (const auto& given : args.permissions) {
    size_t start = 0;
    while (start <= given.size()) {
      size_t comma = given.find(',', start);
      if (comma == std::string::npos) comma = given.size();
      std::string one = given.substr(start, comma - start);
      if (!one.empty()) permissions.push_back(one);
      start = comma + 1;
    }
  }
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

}  // namespace

void RegisterUserCommands(CLI::App& app, CommandContext& context) {
  CLI::App* user = AddGroup(app, "user", "List and create users");

  CLI::App* list = AddCommand(
      *user, "list", {.summary = "List the users of the cluster", .details = "", .example = "paasmaker user list"});
  OnRun(list, context, ListUsers);

  auto args = std::make_shared<CreateUserArgs>();
  CLI::App* create = AddCommand(
      *user, "create",
      {.summary = "Create a user and print its API key",
       .details = "The API key is shown only this once. The password may also come from the "
                  "environment variable PAASMAKER_PASSWORD, which keeps it out of the process list.",
       .example = "PAASMAKER_PASSWORD=... paasmaker user create alice --name \"Alice Ng\" "
                  "--email alice@example.com"});
  create->add_option("LOGIN", args->login, "the login name")->required();
  create->add_option("--name", args->name, "full name (default: the login)")->type_name("NAME");
  create->add_option("--email", args->email, "e-mail address")->type_name("EMAIL")->required();
  create->add_option("--password", args->password, "password for the web console (or env PAASMAKER_PASSWORD)")
      ->type_name("PASSWORD");
  OnRun(create, context, [args](CommandContext& c) { return CreateUser(c, *args); });
}

void RegisterRoleCommands(CLI::App& app, CommandContext& context) {
  CLI::App* role = AddGroup(app, "role", "List, create and allocate roles (sets of permissions)");

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
}

}  // namespace paasmaker::cli
