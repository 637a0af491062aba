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
    const json& p = body["permissions"];
    if (!p.is_array()) return InvalidArgument("permissions: must be a list of names");
    for (const auto& item : p) {
      if (!item.is_string()) return InvalidArgument("permissions: must be a list of names");
      permissions.push_back(item.get<std::string>());
    }
  }
  PM_ASSIGN_OR_RETURN(auto role, ctx.users.CreateRole(name, permissions));
  return api::Reply::Created({{"role", role.ToJson()}});
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
