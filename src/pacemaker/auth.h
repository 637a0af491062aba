// Authentication and authorisation of API requests (SPEC §9).
//
// Credentials come from `Authorization: Bearer <secret>`, `X-Paasmaker-Key`,
// or the console's session cookie. A secret is, in this order: the node
// token (node endpoints only), the super token (only when allow_supertoken;
// bypasses permissions), a user API key. No credentials or unknown ones →
// 401; known ones that are not allowed → 403. Secrets are compared in
// constant time (ids::SecretsEqual) and never logged. Node endpoints take
// the node token through api::CheckNodeToken, the check every role's node
// routes use: anything but a known user's credentials (403) is 401, logged
// as a warning with the caller's address. Thread safe.
#pragma once

#include <string>

#include "core/http.h"
#include "pacemaker/store/user_store.h"

namespace paasmaker::pacemaker {

struct Principal {
  enum class Kind { kUser, kNode, kSuper };
  Kind kind = Kind::kUser;
  User user;      // kUser
  Grants grants;  // kUser
  // The session token when the credential was the console's session cookie
  // (empty for an API key): logout ends it, and state changes need its CSRF token.
  std::string session;

  bool Allows(const std::string& permission, const std::string& workspace_id = "") const {
    if (kind == Kind::kSuper) return true;
    if (kind == Kind::kNode) return false;
    return grants.Allows(permission, workspace_id);
  }
  // Allows, as the Status a handler returns: PermissionDenied naming the permission.
  Status Require(const std::string& permission, const std::string& workspace_id) const {
    if (Allows(permission, workspace_id)) return Status::Ok();
    return PermissionDenied("permission " + permission + " is required on this workspace");
  }
};

// Who `who` is, as a key for per-user limits and ownership: the user's id,
// "super" or "node".
std::string PrincipalId(const Principal& who);

// Which credentials an endpoint accepts.
enum class Access {
  kLogin,       // no credentials: only the login call that obtains them
  kNode,        // node token only (node registration, reports)
  kAny,         // any valid credential (information)
  kPermission,  // a user with the route's permission (global), or the super token
  kUser,        // any user or the super token; the handler checks workspace permissions
};

class Authenticator {
 public:
  Authenticator(UserStore& users, std::string node_token, std::string super_token, bool allow_super)
      : users_(users), node_token_(std::move(node_token)), super_token_(std::move(super_token)),
        allow_super_(allow_super) {}

  Result<Principal> Authenticate(const http::Request& request) const;
  // Authenticate, then check `access` (+ `permission` for kPermission).
  Result<Principal> Authorize(const http::Request& request, Access access, const std::string& permission) const;

  static constexpr const char* kSessionCookie = "paasmaker_session";
  // A cookie is sent by the browser on any request to this origin, so a
  // request that changes state with the session cookie must also carry this
  // header with the session's CSRF token, which only a page of this origin
  // can read (the login answer and GET /api/v1/me carry it; a page of
  // another origin cannot read them). API keys are not ambient credentials
  // and need no token.
  static constexpr const char* kCsrfHeader = "X-CSRF-Token";
  // Derived from the session token (one-way), so nothing more is stored.
  static std::string CsrfTokenFor(const std::string& session);

 private:
  UserStore& users_;
  std::string node_token_;
  std::string super_token_;
  bool allow_super_;
};

}  // namespace paasmaker::pacemaker
