// Permissions a role grants (SPEC §9). A role allocation (user + role +
// optional workspace) grants the role's permissions everywhere, or only on
// that workspace.
#pragma once

#include <string>
#include <vector>

namespace paasmaker::model {

// Every permission, in the order of SPEC §9.
const std::vector<std::string>& AllPermissions();

bool IsPermission(const std::string& name);

}  // namespace paasmaker::model
