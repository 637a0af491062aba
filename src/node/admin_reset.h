// `paasmaker admin reset [-c FILE] [--login admin]`: on the pacemaker host,
// gives the admin a new password and API key when both are lost, writing
// them where the first start did (<data_dir>/admin_credentials.json and
// admin_api_key, 0600). Opens the pacemaker's database itself (the SQLite
// file in the data dir, or pacemaker.dsn), so it works whether or not the
// pacemaker runs. See pacemaker/bootstrap.h, ResetAdmin.
#pragma once

#include <iosfwd>
#include <string>

namespace paasmaker::node {

// Returns the exit code: 0 done; 1 the database failed; 2 the config does
// not load or is not a pacemaker's.
int RunAdminReset(const std::string& config_path, const std::string& login, std::ostream& out, std::ostream& err);

}  // namespace paasmaker::node
