#include "pacemaker/auth.h"

#include "core/ids.h"
#include "core/node_token.h"

namespace paasmaker::pacemaker {

namespace {

std::string CookieValue(const std::string& header, const std::string& name) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find(';', pos);
    if (end == std::string::npos) end = header.size();
    std::string part = header.substr(pos, end - pos);
    size_t start = part.find_first_not_of(' ');
    if (start != std::string::npos) part = part.substr(start);
    if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
    pos = end + 1;
  }
  return "";
}

bool ChangesState(const std::string& method) { return method != "GET" && method != "HEAD" && method != "OPTIONS"; }

}  // namespace

std::string Authenticator::CsrfTokenFor(const std::string& session) { return ids::Sha256Hex("csrf:" + session); }

Result<Principal> Authenticator::Authenticate(const http::Request& request) const {
  std::string secret = api::RequestSecret(request);
  if (secret.empty()) {
    std::string session = CookieValue(request.Header("Cookie"), kSessionCookie);
    if (!session.empty()) {
      PM_ASSIGN_OR_RETURN(auto user, users_.FindUserBySession(session));
      if (!user) return Unauthenticated("the session has expired; log in again");
      Principal p;
      p.user = *user;
      p.session = session;
      PM_ASSIGN_OR_RETURN(p.grants, users_.GrantsOf(user->id));
      return p;
    }
    return Unauthenticated("authentication required: send an API key as 'Authorization: Bearer <key>'");
  }
  if (api::IsNodeToken(secret, node_token_)) {
    Principal p;
    p.kind = Principal::Kind::kNode;
    return p;
  }
  if (allow_super_ && !super_token_.empty() && ids::SecretsEqual(secret, super_token_)) {
    Principal p;
    p.kind = Principal::Kind::kSuper;
    return p;
  }
  PM_ASSIGN_OR_RETURN(auto user, users_.FindUserByApiKey(secret));
  if (!user) return Unauthenticated("unknown API key");
  Principal p;
  p.user = *user;
  PM_ASSIGN_OR_RETURN(p.grants, users_.GrantsOf(user->id));
  return p;
}

std::string PrincipalId(const Principal& who) {
  switch (who.kind) {
    case Principal::Kind::kSuper: return "super";
    case Principal::Kind::kNode: return "node";
    case Principal::Kind::kUser: return who.user.id;
  }
  return who.user.id;
}

Result<Principal> Authenticator::Authorize(const http::Request& request, Access access,
                                           const std::string& permission) const {
  if (access == Access::kLogin) return Principal{};
  Result<Principal> who = Authenticate(request);
  if (access == Access::kNode) {
    // Known credentials of a user are refused as on any route they may not
    // use (403); anything else that is not the node token is 401, as on
    // every node route of every role.
    if (who.ok() && who->kind != Principal::Kind::kNode) {
      return PermissionDenied("this endpoint is for cluster nodes only");
    }
    if (!who.ok() && who.status().code() != StatusCode::kUnauthenticated) return who.status();
    PM_RETURN_IF_ERROR(api::CheckNodeToken(request, node_token_));
    return who;  // Authenticate knew the node token before anything else
  }
  PM_ASSIGN_OR_RETURN(Principal p, std::move(who));
  if (!p.session.empty() && ChangesState(request.method) &&
      !ids::SecretsEqual(request.Header(kCsrfHeader), CsrfTokenFor(p.session))) {
    return PermissionDenied(std::string("this request uses the session cookie but lacks the session's CSRF token "
                                        "in the ") + kCsrfHeader + " header");
  }
  switch (access) {
    case Access::kLogin:  // both answered above
    case Access::kNode:
    case Access::kAny:
      return p;
    case Access::kUser:
      if (p.kind == Principal::Kind::kNode) return PermissionDenied("the node token cannot be used for user endpoints");
      return p;
    case Access::kPermission:
      if (p.kind == Principal::Kind::kNode) return PermissionDenied("the node token cannot be used for user endpoints");
      if (!p.Allows(permission)) return PermissionDenied("permission " + permission + " is required");
      return p;
  }
  return Internal("unknown access kind");
}

}  // namespace paasmaker::pacemaker
