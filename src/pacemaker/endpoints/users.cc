// Users, roles and role allocations.
#include "core/api_response.h"
#include "core/log.h"
#include "pacemaker/endpoints/endpoints.h"

namespace paasmaker::pacemaker::endpoints {

using nlohmann::json;

void ListUsers(PacemakerContext& ctx, const http::Request&, http::Response& res, const Principal&) {
  auto users = ctx.users.ListUsers();
  if (!users.ok()) return api::RespondError(res, users.status());
  json list = json::array();
  for (const auto& u : *users) list.push_back(u.ToJson());
  api::RespondData(res, {{"users", list}});
}

void CreateUser(PacemakerContext& ctx, const http::Request& req, http::Response& res, const Principal&) {
  auto body = api::ParseJsonBody(req);
  if (!body.ok()) return api::RespondError(res, body.status());
  auto login = api::RequiredString(*body, "login");
  if (!login.ok()) return api::RespondError(res, login.status());
  auto password = api::RequiredString(*body, "password");
  if (!password.ok()) return api::RespondError(res, password.status());
  auto created = ctx.users.CreateUser(*login, api::OptionalString(*body, "name"), api::OptionalString(*body, "email"),
                                      *password);
  if (!created.ok()) return api::RespondError(res, created.status());
  PM_LOG_INFO("user {} created", created->first.login);
  json user = created->first.ToJson();
  user["api_key"] = created->second;  // shown once, never stored
  api::RespondData(res, {{"user", user}}, 201);
}

void ListRoles(PacemakerContext& ctx, const http::Request&, http::Response& res, const Principal&) {
  auto roles = ctx.users.ListRoles();
  if (!roles.ok()) return api::RespondError(res, roles.status());
  json list = json::array();
  for (const auto& r : *roles) list.push_back(r.ToJson());
  api::RespondData(res, {{"roles", list}});
}

void CreateRole(PacemakerContext& ctx, const http::Request& req, http::Response& res, const Principal&) {
  auto body = api::ParseJsonBody(req);
  if (!body.ok()) return api::RespondError(res, body.status());
  auto name = api::RequiredString(*body, "name");
  if (!name.ok()) return api::RespondError(res, name.status());
  std::vector<std::string> permissions;
  if (body->contains("permissions")) {
    const json& p = (*body)["permissions"];
    if (!p.is_array()) return api::RespondError(res, InvalidArgument("permissions: must be a list of names"));
    for (const auto& item : p) {
      if (!item.is_string()) return api::RespondError(res, InvalidArgument("permissions: must be a list of names"));
      permissions.push_back(item.get<std::string>());
    }
  }
  auto role = ctx.users.CreateRole(*name, permissions);
  if (!role.ok()) return api::RespondError(res, role.status());
  api::RespondData(res, {{"role", role->ToJson()}}, 201);
}

void AllocateRole(PacemakerContext& ctx, const http::Request& req, http::Response& res, const Principal&) {
  auto body = api::ParseJsonBody(req);
  if (!body.ok()) return api::RespondError(res, body.status());
  auto user_id = api::RequiredString(*body, "user_id");
  if (!user_id.ok()) return api::RespondError(res, user_id.status());
  auto role_id = api::RequiredString(*body, "role_id");
  if (!role_id.ok()) return api::RespondError(res, role_id.status());
  std::string workspace_id = api::OptionalString(*body, "workspace_id");
  Status status = ctx.users.Allocate(*user_id, *role_id, workspace_id);
  if (!status.ok()) return api::RespondError(res, status);
  api::RespondData(res, {{"user_id", *user_id}, {"role_id", *role_id}, {"workspace_id", workspace_id}}, 201);
}

}  // namespace paasmaker::pacemaker::endpoints
