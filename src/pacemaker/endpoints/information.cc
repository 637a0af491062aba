// GET /api/v1/information, POST /api/v1/login
#include "pacemaker/endpoints/information.h"

#include "core/api_response.h"

namespace paasmaker::pacemaker::endpoints {

using nlohmann::json;

PM_ENDPOINT(InformationContext, json, Information) {
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
  return data;
}

PM_ENDPOINT(InformationContext, api::Reply, Login) {
  PM_ASSIGN_OR_RETURN(json body, api::ParseJsonBody(req));
  auto login = api::RequiredString(body, "username");
  auto password = api::RequiredString(body, "password");
  PM_RETURN_IF_ERROR(login.status());
  PM_RETURN_IF_ERROR(password.status());
  PM_ASSIGN_OR_RETURN(auto user, ctx.users.CheckPassword(*login, *password));
  if (!user) return Unauthenticated("wrong username or password");
  constexpr double kSessionLifetime = 7 * 24 * 3600;
  PM_ASSIGN_OR_RETURN(std::string token, ctx.users.CreateSession(user->id, kSessionLifetime));
  api::Reply reply = api::Reply::Data({{"user", user->ToJson()}});
  reply.response.headers["Set-Cookie"] = std::string(Authenticator::kSessionCookie) + "=" + token +
                                         "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                                         std::to_string(static_cast<int>(kSessionLifetime));
  return reply;
}

}  // namespace paasmaker::pacemaker::endpoints
