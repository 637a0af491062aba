// GET /api/v1/information, POST /api/v1/login
#include "core/api_response.h"
#include "pacemaker/endpoints/endpoints.h"

namespace paasmaker::pacemaker::endpoints {

using nlohmann::json;

void Information(PacemakerContext& ctx, const http::Request&, http::Response& res, const Principal& who) {
  std::string as = who.kind == Principal::Kind::kNode    ? "node"
                   : who.kind == Principal::Kind::kSuper ? "super"
                                                         : "user";
  json data = {{"name", ctx.config.my_name},
               {"uuid", ctx.node_uuid.Get()},
               {"version", PAASMAKER_VERSION},
               {"roles", ctx.config.Roles()},
               {"cluster_hostname", ctx.config.pacemaker.cluster_hostname},
               {"authenticated_as", as}};
  if (who.kind == Principal::Kind::kUser) data["user"] = who.user.ToJson();
  api::RespondData(res, data);
}

void Login(PacemakerContext& ctx, const http::Request& req, http::Response& res, const Principal&) {
  auto body = api::ParseJsonBody(req);
  if (!body.ok()) return api::RespondError(res, body.status());
  auto login = api::RequiredString(*body, "username");
  auto password = api::RequiredString(*body, "password");
  if (!login.ok()) return api::RespondError(res, login.status());
  if (!password.ok()) return api::RespondError(res, password.status());
  auto user = ctx.users.CheckPassword(*login, *password);
  if (!user.ok()) return api::RespondError(res, user.status());
  if (!user->has_value()) return api::RespondError(res, Unauthenticated("wrong username or password"));
  constexpr double kSessionLifetime = 7 * 24 * 3600;
  auto token = ctx.users.CreateSession((*user)->id, kSessionLifetime);
  if (!token.ok()) return api::RespondError(res, token.status());
  res.headers["Set-Cookie"] = std::string(Authenticator::kSessionCookie) + "=" + *token +
                              "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                              std::to_string(static_cast<int>(kSessionLifetime));
  api::RespondData(res, {{"user", (*user)->ToJson()}});
}

}  // namespace paasmaker::pacemaker::endpoints
