// Users, roles and role allocations.
#include "pacemaker/endpoints/users.h"

#include "core/api_response.h"
#include "core/log.h"

namespace paasmaker::pacemaker::endpoints {

using nlohmann::json;

PM_ENDPOINT(UsersContext, json, ListUsers) {
  PM_ASSIGN_OR_RETURN(auto users, ctx.users.ListUsers());
  json list = json::array();
  for (const auto& u : users) list.push_back(u.ToJson());
  return json{{"users", list}};
}

PM_ENDPOINT(UsersContext, api::Reply, CreateUser) {
  PM_ASSIGN_OR_RETURN(json body, api::ParseJsonBody(req));
  PM_ASSIGN_OR_RETURN(std::string login, api::RequiredString(body, "login"));
  PM_ASSIGN_OR_RETURN(std::string password, api::RequiredString(body, "password"));
  PM_ASSIGN_OR_RETURN(auto created, ctx.users.CreateUser(login, api::OptionalString(body, "name"),
                                                         api::OptionalString(body, "email"), password));
  PM_LOG_INFO("user {} created", created.first.login);
  json user = created.first.ToJson();
  user["api_key"] = created.second;  // shown once, never stored
  return api::Reply::Created({{"user", user}});
}

namespace {

Result<User> KnownUser(UsersContext& ctx, const std::string& id) {
  PM_ASSIGN_OR_RETURN(auto user, ctx.users.FindUser(id));
  if (!user) return NotFound("no user " + id);
  return *user;
}

// A string field of an edit, when present: it must be a string.
Result<std::optional<std::string>> EditedString(const json& body, const char* field) {
  if (!body.contains(field)) return std::optional<std::string>();
  if (!body[field].is_string()) return InvalidArgument(std::string(field) + ": must be a string");
  return std::optional<std::string>(body[field].get<std::string>());
}

// The calling user (the super token is no user).
Result<User> Caller(const Principal& who) {
  if (who.kind != Principal::Kind::kUser) return InvalidArgument("the super token belongs to no user");
  return who.user;
}

Result<Role> KnownRole(UsersContext& ctx, const std::string& id) {
  PM_ASSIGN_OR_RETURN(auto role, ctx.users.FindRole(id));
  if (!role) return NotFound("no role " + id);
  return *role;
}

Result<std::vector<std::string>> PermissionList(const json& value) {
  if (!value.is_array()) return InvalidArgument("permissions: must be a list of names");
  std::vector<std::string> out;
  for (const auto& item : value) {
    if (!item.is_string()) return InvalidArgument("permissions: must be a list of names");
    out.push_back(item.get<std::string>());
  }
  return out;
}


}  // namespace

PM_ENDPOINT(UsersContext, json, ShowUser) {
  PM_ASSIGN_OR_RETURN(User user, KnownUser(ctx, req.params[0]));
  return json{{"user", user.ToJson()}};
}

PM_ENDPOINT(UsersContext, json, EditUser) {
  PM_ASSIGN_OR_RETURN(json body, api::ParseJsonBody(req));
  if (!body.is_object()) return InvalidArgument("the body must be a JSON object");
  UserStore::UserChanges changes;
  PM_ASSIGN_OR_RETURN(changes.name, EditedString(body, "name"));
  PM_ASSIGN_OR_RETURN(changes.email, EditedString(body, "email"));
  PM_ASSIGN_OR_RETURN(changes.password, EditedString(body, "password"));
  if (body.contains("enabled")) {
    if (!body["enabled"].is_boolean()) return InvalidArgument("enabled: must be true or false");
    changes.enabled = body["enabled"].get<bool>();
  }
  if (changes.name && changes.name->empty()) return InvalidArgument("name: must not be empty");
  if (changes.enabled == false && who.kind == Principal::Kind::kUser && who.user.id == req.params[0]) {
    return FailedPrecondition("you cannot disable yourself (another user with USER_EDIT can)");
  }
  PM_ASSIGN_OR_RETURN(User user, ctx.users.UpdateUser(req.params[0], changes));
  PM_LOG_INFO("user {} edited{}", user.login, changes.enabled ? (*changes.enabled ? " (enabled)" : " (disabled)") : "");
  return json{{"user", user.ToJson()}};
}

PM_ENDPOINT(UsersContext, json, ResetUserKey) {
  PM_ASSIGN_OR_RETURN(User user, KnownUser(ctx, req.params[0]));
  PM_ASSIGN_OR_RETURN(std::string key, ctx.users.ResetApiKey(user.id));
  PM_LOG_INFO("user {}: API key reset", user.login);
  return json{{"user", user.ToJson()}, {"api_key", key}};  // shown once, never stored
}

PM_ENDPOINT(UsersContext, json, DeleteUser) {
  PM_ASSIGN_OR_RETURN(User user, KnownUser(ctx, req.params[0]));
  if (who.kind == Principal::Kind::kUser && who.user.id == user.id) {
    return FailedPrecondition("you cannot delete yourself (another user with USER_EDIT can)");
  }
  PM_RETURN_IF_ERROR(ctx.users.DeleteUser(user.id));
  PM_LOG_INFO("user {} deleted", user.login);
  return json{{"deleted", user.ToJson()}};
}

PM_ENDPOINT(UsersContext, json, ChangeOwnPassword) {
  PM_ASSIGN_OR_RETURN(User me, Caller(who));
  PM_ASSIGN_OR_RETURN(json body, api::ParseJsonBody(req));
  PM_ASSIGN_OR_RETURN(std::string old_password, api::RequiredString(body, "old_password"));
  PM_ASSIGN_OR_RETURN(std::string new_password, api::RequiredString(body, "new_password"));
  PM_ASSIGN_OR_RETURN(auto checked, ctx.users.CheckPassword(me.login, old_password));
  if (!checked) return PermissionDenied("old_password: not your current password");
  UserStore::UserChanges changes;
  changes.password = new_password;
  PM_ASSIGN_OR_RETURN(User user, ctx.users.UpdateUser(me.id, changes));
  return json{{"user", user.ToJson()}};
}

PM_ENDPOINT(UsersContext, json, ResetOwnKey) {
  PM_ASSIGN_OR_RETURN(User me, Caller(who));
  PM_ASSIGN_OR_RETURN(std::string key, ctx.users.ResetApiKey(me.id));
  return json{{"user", me.ToJson()}, {"api_key", key}};
}

PM_ENDPOINT(UsersContext, json, ListRoles) {
  PM_ASSIGN_OR_RETURN(auto roles, ctx.users.ListRoles());
  json list = json::array();
  for (const auto& r : roles) list.push_back(r.ToJson());
  return json{{"roles", list}};
}

PM_ENDPOINT(UsersContext, api::Reply, CreateRole) {
  PM_ASSIGN_OR_RETURN(json body, api::ParseJsonBody(req));
  PM_ASSIGN_OR_RETURN(std::string name, api::RequiredString(body, "name"));
  std::vector<std::string> permissions;
  if (body.contains("permissions")) {
    PM_ASSIGN_OR_RETURN(permissions, PermissionList(body["permissions"]));
  }
  PM_ASSIGN_OR_RETURN(auto role, ctx.users.CreateRole(name, permissions));
  return api::Reply::Created({{"role", role.ToJson()}});
}


PM_ENDPOINT(UsersContext, json, ShowRole) {
  PM_ASSIGN_OR_RETURN(Role role, KnownRole(ctx, req.params[0]));
  return json{{"role", role.ToJson()}};
}

PM_ENDPOINT(UsersContext, json, EditRole) {
  PM_ASSIGN_OR_RETURN(json body, api::ParseJsonBody(req));
  if (!body.is_object()) return InvalidArgument("the body must be a JSON object");
  PM_ASSIGN_OR_RETURN(auto name, EditedString(body, "name"));
  std::optional<std::vector<std::string>> permissions;
  if (body.contains("permissions")) {
    PM_ASSIGN_OR_RETURN(permissions, PermissionList(body["permissions"]));
  }
  if (!name && !permissions) return InvalidArgument("nothing to change: give name or permissions");
  PM_ASSIGN_OR_RETURN(Role role, ctx.users.UpdateRole(req.params[0], name, permissions));
  PM_LOG_INFO("role {} edited", role.name);
  return json{{"role", role.ToJson()}};
}

PM_ENDPOINT(UsersContext, json, DeleteRole) {
  PM_ASSIGN_OR_RETURN(Role role, KnownRole(ctx, req.params[0]));
  PM_RETURN_IF_ERROR(ctx.users.DeleteRole(role.id));
  PM_LOG_INFO("role {} deleted", role.name);
  return json{{"deleted", role.ToJson()}};
}

PM_ENDPOINT(UsersContext, json, ListAllocations) {
  PM_ASSIGN_OR_RETURN(auto allocations, ctx.users.ListAllocations());
  json list = json::array();
  for (const auto& a : allocations) list.push_back(a.ToJson());
  return json{{"allocations", list}};
}

PM_ENDPOINT(UsersContext, json, Unallocate) {
  PM_RETURN_IF_ERROR(ctx.users.Unallocate(req.params[0]));
  return json{{"unallocated", req.params[0]}};
}

PM_ENDPOINT(UsersContext, api::Reply, AllocateRole) {
  PM_ASSIGN_OR_RETURN(json body, api::ParseJsonBody(req));
  PM_ASSIGN_OR_RETURN(std::string user_id, api::RequiredString(body, "user_id"));
  PM_ASSIGN_OR_RETURN(std::string role_id, api::RequiredString(body, "role_id"));
  std::string workspace_id = api::OptionalString(body, "workspace_id");
  PM_RETURN_IF_ERROR(ctx.users.Allocate(user_id, role_id, workspace_id));
  return api::Reply::Created({{"user_id", user_id}, {"role_id", role_id}, {"workspace_id", workspace_id}});
}

}  // namespace paasmaker::pacemaker::endpoints
