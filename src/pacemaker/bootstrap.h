// First start of a cluster: creates the admin user, an Administrator role
// with every permission, a default workspace, and writes the admin's
// credentials into the data dir (mode 0600). Does nothing once a user exists.
#pragma once

#include <string>

#include "core/result.h"
#include "pacemaker/store/user_store.h"
#include "pacemaker/store/workspace_store.h"

namespace paasmaker::pacemaker {

struct BootstrapResult {
  bool created = false;            // false: the cluster had users already
  std::string credentials_file;    // JSON: username, password, api_key
  std::string api_key_file;        // the API key alone, for scripts
};

Result<BootstrapResult> BootstrapCluster(UserStore& users, WorkspaceStore& workspaces, const std::string& data_dir);

// Recovery when the admin's credentials are lost (`paasmaker admin reset`,
// run on the pacemaker host): user `login` (made if missing) gets a new
// password and API key, is enabled, and holds a role with every permission
// globally (the Administrator role, made again if it is gone or lacks one);
// the credentials are written as BootstrapCluster writes them. Nothing else
// changes; the old key and password stop working at once.
Result<BootstrapResult> ResetAdmin(UserStore& users, const std::string& data_dir, const std::string& login);

}  // namespace paasmaker::pacemaker
