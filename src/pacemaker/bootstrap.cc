#include "pacemaker/bootstrap.h"

#include <algorithm>
#include <set>

#include "core/files.h"
#include "core/ids.h"
#include "core/log.h"
#include "model/permissions.h"

namespace paasmaker::pacemaker {

Result<BootstrapResult> BootstrapCluster(UserStore& users, WorkspaceStore& workspaces, const std::string& data_dir) {
  BootstrapResult result;
  result.credentials_file = data_dir + "/admin_credentials.json";
  result.api_key_file = data_dir + "/admin_api_key";
  PM_ASSIGN_OR_RETURN(int64_t existing, users.CountUsers());
  if (existing > 0) return result;

  std::string password = ids::RandomToken(12);
  PM_ASSIGN_OR_RETURN(auto admin, users.CreateUser("admin", "Administrator", "", password));
  PM_ASSIGN_OR_RETURN(auto role, users.CreateRole("Administrator", model::AllPermissions()));
  PM_RETURN_IF_ERROR(users.Allocate(admin.first.id, role.id, ""));
  auto workspace = workspaces.Create("Default", "default", nlohmann::json::object());
  if (!workspace.ok() && workspace.status().code() != StatusCode::kAlreadyExists) return workspace.status();

  nlohmann::json credentials = {{"username", "admin"}, {"password", password}, {"api_key", admin.second}};
  PM_RETURN_IF_ERROR(files::WriteFileAtomically(result.credentials_file, credentials.dump(2) + "\n", 0600));
  PM_RETURN_IF_ERROR(files::WriteFileAtomically(result.api_key_file, admin.second + "\n", 0600));
  result.created = true;
  PM_LOG_INFO("new cluster: created user 'admin', role 'Administrator' and workspace 'Default'");
  return result;
}

namespace {

// A role holding every permission, made when there is none.
Result<Role> FullRole(UserStore& users) {
  PM_ASSIGN_OR_RETURN(auto roles, users.ListRoles());
  const auto all = model::AllPermissions();
  bool name_taken = false;
  for (const auto& role : roles) {
    name_taken = name_taken || role.name == "Administrator";
    std::set<std::string> has(role.permissions.begin(), role.permissions.end());
    if (std::all_of(all.begin(), all.end(), [&](const std::string& p) { return has.count(p) > 0; })) return role;
  }
  return users.CreateRole(name_taken ? "Administrator (recovered " + ids::NewUuid().substr(0, 8) + ")"
                                     : "Administrator",
                          all);
}

}  // namespace

Result<BootstrapResult> ResetAdmin(UserStore& users, const std::string& data_dir, const std::string& login) {
  BootstrapResult result;
  result.credentials_file = data_dir + "/admin_credentials.json";
  result.api_key_file = data_dir + "/admin_api_key";
  const std::string password = ids::RandomToken(12);
  PM_ASSIGN_OR_RETURN(auto listed, users.ListUsers());
  std::optional<User> user;
  for (const auto& u : listed) {
    if (u.login == login) user = u;
  }
  if (!user) {
    PM_ASSIGN_OR_RETURN(auto created, users.CreateUser(login, "Administrator", "", password));
    user = created.first;
    result.created = true;
  }
  UserStore::UserChanges changes;
  changes.password = password;
  changes.enabled = true;
  PM_RETURN_IF_ERROR(users.UpdateUser(user->id, changes).status());
  PM_ASSIGN_OR_RETURN(std::string api_key, users.ResetApiKey(user->id));
  PM_ASSIGN_OR_RETURN(Role role, FullRole(users));
  PM_ASSIGN_OR_RETURN(Grants grants, users.GrantsOf(user->id));
  bool holds_all = true;
  for (const auto& p : role.permissions) holds_all = holds_all && grants.global.count(p) > 0;
  if (!holds_all) PM_RETURN_IF_ERROR(users.Allocate(user->id, role.id, ""));

  nlohmann::json credentials = {{"username", login}, {"password", password}, {"api_key", api_key}};
  PM_RETURN_IF_ERROR(files::WriteFileAtomically(result.credentials_file, credentials.dump(2) + "\n", 0600));
  PM_RETURN_IF_ERROR(files::WriteFileAtomically(result.api_key_file, api_key + "\n", 0600));
  PM_LOG_INFO("admin reset: user '{}' has a new password and API key", login);
  return result;
}

}  // namespace paasmaker::pacemaker
