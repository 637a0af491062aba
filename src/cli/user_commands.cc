// `paasmaker user list|create|show|edit|disable|enable|delete|reset-key|password` and `paasmaker role list|create|allocate`:
// who may use the cluster, and what they may do where. A role is a named set
// of permissions; an allocation gives a role to a user, optionally only
// within one workspace.
#include <memory>
#include <vector>

#include "cli/command_context.h"
#include "cli/output.h"
#include "cli/resolve.h"

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

std::string UserPath(const std::string& id) { return "/api/v1/users/" + http::UrlEncode(id); }

void PrintUser(CommandContext& context, const json& user) {
  DetailList details;
  details.Add("Login", Text(user, "login", "?"));
  details.Add("Id", Text(user, "id", "?"));
  details.Add("Name", Text(user, "name", "-"));
  details.Add("Email", Text(user, "email", "-"));
  details.Add("Enabled", user.value("enabled", false) ? "yes" : "no (its key and sessions are refused)");
  details.Add("Created", FormatTime(Number(user, "created")));
  details.Print(context.out());
}

// Prints the answer of a key reset: the key is shown only this once.
void PrintNewKey(CommandContext& context, const json& data) {
  if (context.json()) return PrintJson(context.out(), data);
  context.out() << "New API key for " << Text(Child(data, "user"), "login", "?") << ": " << Text(data, "api_key")
                << "\nThe old key no longer works. This key is shown only once.\n";
}

struct EditUserArgs {
  std::string user;
  std::string name;
  std::string email;
  bool password = false;  // from PAASMAKER_PASSWORD
  std::string old_password;
};

Status ShowUser(CommandContext& context, const EditUserArgs& args) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(std::string id, ResolveNamedId(api, kUsers, args.user));
  PM_ASSIGN_OR_RETURN(json data, api.Get(UserPath(id)));
  if (context.json()) PrintJson(context.out(), data);
  else PrintUser(context, Child(data, "user"));
  return Status::Ok();
}

Status EditUser(CommandContext& context, const EditUserArgs& args, const json& fixed) {
  json body = fixed;
  if (!args.name.empty()) body["name"] = args.name;
  if (!args.email.empty()) body["email"] = args.email;
  if (args.password) {
    std::string password = context.env()("PAASMAKER_PASSWORD").value_or("");
    if (password.empty()) return InvalidArgument("--password takes the new password from PAASMAKER_PASSWORD, which is unset");
    body["password"] = password;
  }
  if (body.empty()) return InvalidArgument("nothing to change: give --name, --email or --password");
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(std::string id, ResolveNamedId(api, kUsers, args.user));
  PM_ASSIGN_OR_RETURN(json data, api.Post(UserPath(id), body));
  if (context.json()) PrintJson(context.out(), data);
  else PrintUser(context, Child(data, "user"));
  return Status::Ok();
}

Status DeleteUser(CommandContext& context, const EditUserArgs& args) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(std::string id, ResolveNamedId(api, kUsers, args.user));
  PM_ASSIGN_OR_RETURN(json data, api.Delete(UserPath(id)));
  if (context.json()) PrintJson(context.out(), data);
  else context.out() << "Deleted user " << args.user << " with its role allocations and sessions.\n";
  return Status::Ok();
}

Status ResetKey(CommandContext& context, const EditUserArgs& args) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  if (args.user.empty()) {
    PM_ASSIGN_OR_RETURN(json data, api.Post("/api/v1/me/reset-key", json::object()));
    PrintNewKey(context, data);
    return Status::Ok();
  }
  PM_ASSIGN_OR_RETURN(std::string id, ResolveNamedId(api, kUsers, args.user));
  PM_ASSIGN_OR_RETURN(json data, api.Post(UserPath(id) + "/reset-key", json::object()));
  PrintNewKey(context, data);
  return Status::Ok();
}

Status ChangeOwnPassword(CommandContext& context) {
  std::string old_password = context.env()("PAASMAKER_OLD_PASSWORD").value_or("");
  std::string new_password = context.env()("PAASMAKER_PASSWORD").value_or("");
  if (old_password.empty() || new_password.empty()) {
    return InvalidArgument("set PAASMAKER_OLD_PASSWORD (your current password) and PAASMAKER_PASSWORD (the new one)");
  }
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(json data, api.Post("/api/v1/me/password",
                                          {{"old_password", old_password}, {"new_password", new_password}}));
  if (context.json()) PrintJson(context.out(), data);
  else context.out() << "Your password is changed.\n";
  return Status::Ok();
}

}  // namespace

void RegisterUserCommands(CLI::App& app, CommandContext& context) {
  CLI::App* user = AddGroup(app, "user", "List, create, show, edit, disable, enable and delete users; reset keys");

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

  auto edit_args = std::make_shared<EditUserArgs>();
  auto add_user = [&](CLI::App* command) {
    command->add_option("USER", edit_args->user, "the user's login or id")->required();
  };
  CLI::App* show = AddCommand(*user, "show", {.summary = "Show a user", .details = "", .example = "paasmaker user show alice"});
  add_user(show);
  OnRun(show, context, [edit_args](CommandContext& c) { return ShowUser(c, *edit_args); });

  CLI::App* edit = AddCommand(
      *user, "edit",
      {.summary = "Change a user's name, e-mail or password",
       .details = "--password takes the new password from PAASMAKER_PASSWORD (out of the process list).",
       .example = "PAASMAKER_PASSWORD=... paasmaker user edit alice --email alice@example.org --password"});
  add_user(edit);
  edit->add_option("--name", edit_args->name, "full name")->type_name("NAME");
  edit->add_option("--email", edit_args->email, "e-mail address")->type_name("EMAIL");
  edit->add_flag("--password", edit_args->password, "set the password to PAASMAKER_PASSWORD");
  OnRun(edit, context, [edit_args](CommandContext& c) { return EditUser(c, *edit_args, json::object()); });

  for (bool enable : {false, true}) {
    CLI::App* command = AddCommand(
        *user, enable ? "enable" : "disable",
        {.summary = enable ? "Enable a disabled user" : "Disable a user: their key and sessions stop working at once",
         .details = enable ? "Their old API key works again." : "Nothing is deleted; `user enable` undoes it.",
         .example = std::string("paasmaker user ") + (enable ? "enable" : "disable") + " alice"});
    add_user(command);
    OnRun(command, context,
          [edit_args, enable](CommandContext& c) { return EditUser(c, *edit_args, {{"enabled", enable}}); });
  }

  CLI::App* remove = AddCommand(*user, "delete",
                                {.summary = "Delete a user with their role allocations and sessions",
                                 .details = "You cannot delete yourself.",
                                 .example = "paasmaker user delete alice"});
  add_user(remove);
  OnRun(remove, context, [edit_args](CommandContext& c) { return DeleteUser(c, *edit_args); });

  CLI::App* reset = AddCommand(*user, "reset-key",
                               {.summary = "Give a user (default: yourself) a new API key; the old one stops working",
                                .details = "The new key is printed only this once.",
                                .example = "paasmaker user reset-key alice"});
  reset->add_option("USER", edit_args->user, "the user's login or id (default: you)");
  OnRun(reset, context, [edit_args](CommandContext& c) { return ResetKey(c, *edit_args); });

  CLI::App* password = AddCommand(
      *user, "password",
      {.summary = "Change your own password",
       .details = "The current password comes from PAASMAKER_OLD_PASSWORD, the new one from PAASMAKER_PASSWORD.",
       .example = "PAASMAKER_OLD_PASSWORD=... PAASMAKER_PASSWORD=... paasmaker user password"});
  OnRun(password, context, ChangeOwnPassword);
}

}  // namespace paasmaker::cli
