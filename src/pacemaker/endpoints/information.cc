// GET /api/v1/information; login, logout and me
#include "pacemaker/endpoints/information.h"

#include "core/api_response.h"
#include "model/permissions.h"

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

namespace {

constexpr double kSessionLifetime = 7 * 24 * 3600;

// Secure when the browser reached us over https: this node's own TLS, or a
// router's 443 port in front of it.
std::string SessionCookie(const InformationContext& ctx, const http::Request& req, const std::string& value,
                          int max_age) {
  bool secure = ctx.config.https.enabled() || req.Header("X-Forwarded-Proto") == "https";
  return std::string(Authenticator::kSessionCookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
         std::to_string(max_age) + (secure ? "; Secure" : "");
}

}  // namespace

PM_ENDPOINT(InformationContext, api::Reply, Login) {
  PM_ASSIGN_OR_RETURN(json body, api::ParseJsonBody(req));
  auto login = api::RequiredString(body, "username");
  auto password = api::RequiredString(body, "password");
  PM_RETURN_IF_ERROR(login.status());
  PM_RETURN_IF_ERROR(password.status());
  PM_ASSIGN_OR_RETURN(auto user, ctx.users.CheckPassword(*login, *password));
  if (!user) return Unauthenticated("wrong username or password");
  PM_ASSIGN_OR_RETURN(std::string token, ctx.users.CreateSession(user->id, kSessionLifetime));
  api::Reply reply = api::Reply::Data({{"user", user->ToJson()},
                                       {"csrf_token", Authenticator::CsrfTokenFor(token)},
                                       {"expires_in", kSessionLifetime}});
  reply.response.headers["Set-Cookie"] = SessionCookie(ctx, req, token, static_cast<int>(kSessionLifetime));
  return reply;
}

// Ends the session the cookie names (an API key has no session to end: it
// is reset instead) and tells the browser to drop the cookie.
PM_ENDPOINT(InformationContext, api::Reply, Logout) {
  if (!who.session.empty()) PM_RETURN_IF_ERROR(ctx.users.DeleteSession(who.session));
  api::Reply reply = api::Reply::Data({{"logged_out", !who.session.empty()}});
  reply.response.headers["Set-Cookie"] = SessionCookie(ctx, req, "", 0);
  return reply;
}

PM_ENDPOINT(InformationContext, json, Me) {
  json permissions = {{"global", json::array()}, {"workspaces", json::object()}};
  json data = {{"kind", who.kind == Principal::Kind::kSuper ? "super" : "user"}};
  if (who.kind == Principal::Kind::kSuper) {
    permissions["global"] = model::AllPermissions();
  } else {
    data["user"] = who.user.ToJson();
    permissions["global"] = who.grants.global;
    for (const auto& [workspace, granted] : who.grants.by_workspace) permissions["workspaces"][workspace] = granted;
  }
  data["permissions"] = permissions;
  if (!who.session.empty()) data["csrf_token"] = Authenticator::CsrfTokenFor(who.session);
  return data;
}

}  // namespace paasmaker::pacemaker::endpoints
