#include "node/admin_reset.h"

#include <ostream>

#include "config/node_config.h"
#include "core/files.h"
#include "core/sql/database.h"
#include "pacemaker/bootstrap.h"
#include "pacemaker/store/schema.h"
#include "pacemaker/store/user_store.h"

namespace paasmaker::node {

int RunAdminReset(const std::string& config_path, const std::string& login, std::ostream& out, std::ostream& err) {
  auto config = config::LoadNodeConfig(config_path);
  if (!config.ok()) {
    err << "paasmaker admin reset: the config does not load: " << config.status().message() << "\n";
    return 2;
  }
  if (!config->pacemaker.enabled) {
    err << "paasmaker admin reset: " << config->source
        << " is not a pacemaker's config (pacemaker.enabled: false); run this on the pacemaker host with its config\n";
    return 2;
  }
  std::string dsn = config->pacemaker.dsn;
  if (dsn.empty()) {
    const std::string file = config->DataDir() + "/paasmaker.db";
    if (!files::Exists(file)) {
      err << "paasmaker admin reset: no database at " << file
          << ": the pacemaker never started with this config (a first start creates the admin)\n";
      return 2;
    }
    dsn = "sqlite://" + file;
  }
  auto db = sql::Open(dsn);
  if (!db.ok()) {
    err << "paasmaker admin reset: opening the database: " << db.status().message() << "\n";
    return 1;
  }
  Status migrated = sql::Migrate(**db, pacemaker::SchemaMigrations());
  if (!migrated.ok()) {
    err << "paasmaker admin reset: the database schema: " << migrated.message() << "\n";
    return 1;
  }
  pacemaker::UserStore users(**db);
  auto reset = pacemaker::ResetAdmin(users, config->DataDir(), login);
  if (!reset.ok()) {
    err << "paasmaker admin reset: " << reset.status().message() << "\n";
    return 1;
  }
  out << (reset->created ? "Created" : "Reset") << " user '" << login << "': a new password and API key are in "
      << reset->credentials_file << " (the key alone in " << reset->api_key_file
      << "), readable by this user only. The old password and key no longer work.\n";
  return 0;
}

}  // namespace paasmaker::node
