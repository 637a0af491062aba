// First start of a cluster: creates the admin user, an Administrator role
// with every permission, a default workspace, and writes the admin's
// credentials into the data dir (mode 0600). Does nothing once a user exists.
#pragma once

#include <string>

#include "pacemaker/pacemaker_context.h"

namespace paasmaker::pacemaker {

struct BootstrapResult {
  bool created = false;            // false: the cluster had users already
  std::string credentials_file;    // JSON: username, password, api_key
  std::string api_key_file;        // the API key alone, for scripts
};

Result<BootstrapResult> BootstrapCluster(PacemakerContext& context, const std::string& data_dir);

}  // namespace paasmaker::pacemaker
