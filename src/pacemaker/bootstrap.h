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

}  // namespace paasmaker::pacemaker
