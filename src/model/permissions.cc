#include "model/permissions.h"

#include <algorithm>

namespace paasmaker::model {

const std::vector<std::string>& AllPermissions() {
  static const std::vector<std::string> all = {
      "USER_LIST",          "USER_EDIT",          "ROLE_LIST",
      "ROLE_EDIT",          "ROLE_ASSIGN",        "WORKSPACE_EDIT",
      "WORKSPACE_LIST",     "WORKSPACE_VIEW",     "WORKSPACE_DELETE",
      "JOB_ABORT",          "FILE_UPLOAD",        "APPLICATION_CREATE",
      "APPLICATION_DEPLOY", "APPLICATION_DELETE", "APPLICATION_ROUTING",
      "SERVICE_VIEW",       "SERVICE_CREDENTIAL_VIEW", "SERVICE_EXPORT",
      "SERVICE_IMPORT",     "SERVICE_TUNNEL",     "APPLICATION_VIEW_MANIFEST",
      "NODE_LIST",          "NODE_DETAIL_VIEW",   "SYSTEM_ADMINISTRATION",
      "SYSTEM_OVERVIEW",    "HEALTH_CHECK",
  };
  return all;
}

bool IsPermission(const std::string& name) {
  const auto& all = AllPermissions();
  return std::find(all.begin(), all.end(), name) != all.end();
}

}  // namespace paasmaker::model
