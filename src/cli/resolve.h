// Turning what a user types into the ids the API wants: a workspace by id,
// stub or name; an application by id or name; a version by id or `APP:N`.
//
// The Pick*/Parse* functions are pure (they look at JSON the server already
// sent) so their rules are unit tested without a server; the Resolve*
// functions fetch the lists they need through an ApiClient.
//
// Blocking; runs on the caller's thread.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/api_client.h"
#include "core/result.h"

namespace paasmaker::cli {

// The id of an API object whatever its key: `<kind>_id`, else `id`.
std::string IdOf(const nlohmann::json& object, const std::string& kind);

// From GET /api/v1/workspaces' `workspaces` list. `wanted` empty: the only
// workspace, else the one named "Default" (or stubbed "default"), else the
// first. Otherwise the first exact match of id, then stub, then name, then
// name ignoring case. NotFound names the workspaces there are.
Result<nlohmann::json> PickWorkspace(const nlohmann::json& workspaces, const std::string& wanted);

// From a workspace's `applications` list: the one whose id or name is `wanted`.
// Null when there is none.
nlohmann::json PickApplication(const nlohmann::json& applications, const std::string& wanted);

// A version as typed: a version id, or `APP:N` (an application id or name
// and a version number).
struct VersionRef {
  std::string version_id;   // set for a plain id
  std::string application;  // set for APP:N
  int64_t number = 0;
};
Result<VersionRef> ParseVersionRef(const std::string& text);

// True for an id in the 8-4-4-4-12 hex form the server gives objects.
bool LooksLikeUuid(const std::string& text);

// The workspace object (with `id`, `name`, `stub`).
Result<nlohmann::json> ResolveWorkspace(ApiClient& api, const std::string& wanted);

// An application id. A uuid is taken as is; a name is looked up in
// `workspace` (when given) or in every workspace the user sees, and must be
// unique there.
Result<std::string> ResolveApplicationId(ApiClient& api, const std::string& wanted,
                                         const std::string& workspace);

// The id of a user or a role as typed: its id or its name. `list` says where
// the API lists them: GET `path` → data[`key`], each named by `name_key`.
// NotFound names the ones there are.
struct NamedList {
  const char* path;      // "/api/v1/users"
  const char* key;       // "users"
  const char* name_key;  // "login"
  const char* kind;      // "user"
};
inline constexpr NamedList kUsers{"/api/v1/users", "users", "login", "user"};
inline constexpr NamedList kRoles{"/api/v1/roles", "roles", "name", "role"};
Result<std::string> ResolveNamedId(ApiClient& api, const NamedList& list, const std::string& wanted);

// A version id from an id or `APP:N`.
Result<std::string> ResolveVersionId(ApiClient& api, const std::string& wanted,
                                     const std::string& workspace);

}  // namespace paasmaker::cli
