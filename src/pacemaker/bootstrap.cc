#include "pacemaker/bootstrap.h"

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

}  // namespace paasmaker::pacemaker
