// Service plugins (SPEC §8.4): what backs a manifest service and gives the
// application its credentials.
//
//   paasmaker.service.parameters    credentials = the given parameters
//   paasmaker.service.filesystem    a persistent directory per service:
//                                   {"directory": "<data>/services/filesystem/<service id>"}
//   paasmaker.service.managedredis  a redis-server per service on the
//                                   pacemaker's route address (instances on
//                                   other hosts reach it), a port of the
//                                   service pool and a random password, in
//                                   protected mode: {"host", "port", "password"};
//                                   the same port and password for the life
//                                   of the service (updates, restarts);
//                                   exports and imports an RDB (redis_dump.h)
//   paasmaker.service.postgres      a database + roles on an existing server
//                                   (postgres_services.h); dumps are SQL
//   paasmaker.service.managedpostgres  the same in the one PostgreSQL
//                                   cluster the pacemaker runs
//                                   (managed_postgres.h), on its route address
//
// A service belongs to an application (same name = same service for every
// version). The prepare tree calls CreateOrUpdate with the service's row
// (already saved, so it has an id; `credentials` empty when new), and stores
// what it returns as the new credentials. Credentials are secrets: plugins
// never log them.
//
// Plugins are stateless and shared; they see only a ServiceContext. Thread
// safe: services of one application are created in parallel.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "pacemaker/store/application_store.h"

namespace paasmaker::pacemaker::services {

class ServiceDaemons;

// Its directories are in the shared config::NodeConfig::FilesystemDirectory(),
// which placement requires of hearts for applications that have one.
inline constexpr const char* kFilesystemServicePlugin = "paasmaker.service.filesystem";

struct ServiceContext {
  std::string data_dir;              // the pacemaker's data dir
  std::string filesystem_directory;  // config::NodeConfig::FilesystemDirectory()
  ServiceDaemons* daemons = nullptr;  // null: managed services cannot run here
  std::string postgres_admin_dsn;     // paasmaker.service.postgres: its server (secret)
};

class ServicePlugin {
 public:
  virtual ~ServicePlugin() = default;
  virtual std::string name() const = 0;
  // The manifest's parameters; InvalidArgument naming the bad field.
  virtual Status Validate(const nlohmann::json& parameters) const = 0;
  // Creates the service's resources, or brings them in line with
  // service.parameters when they exist; returns the credentials.
  virtual Result<nlohmann::json> CreateOrUpdate(const Service& service, const ServiceContext& context) const = 0;
  // Removes what CreateOrUpdate made (data included). Missing resources are fine.
  virtual Status Remove(const Service& service, const ServiceContext& context) const = 0;

  // --- data and password moves (service export / import / rotate-password) ---
  // The defaults say the plugin cannot (FailedPrecondition, naming the plugin):
  // parameters and filesystem services have no data of their own to move.
  //
  // Export writes all of the service's data to `dump_path`, in the format
  // DumpFormat() names (pg_dump / mysqldump plain SQL, a redis RDB file).
  // The service keeps running and serving while it is taken.
  virtual Status Export(const Service& service, const ServiceContext& context, const std::string& dump_path) const;
  // Import replaces the service's data with the dump's. When it fails (a bad
  // dump, the server down) the data is exactly as it was: load into a fresh
  // copy and swap, or one transaction.
  virtual Status Import(const Service& service, const ServiceContext& context, const std::string& dump_path) const;
  // "sql" or "rdb": what Export writes and Import reads. Empty: no dumps.
  virtual std::string DumpFormat() const { return ""; }
  // Rotation in two steps, so that running instances never lose their
  // database: BeginRotation makes a new password (or login) that works
  // beside the old one and returns the complete new credentials (the caller
  // saves them, so new instances get them in PM_SERVICES); once the
  // instances that ran with the old credentials are replaced, the caller
  // calls FinishRotation with the old credentials and they stop working.
  // The old credentials come WITHOUT their secrets ("password" and "url"
  // removed: they wait in a job's parameters): retire the old login by its
  // name, or reset to the new password alone.
  virtual Result<nlohmann::json> BeginRotation(const Service& service, const ServiceContext& context) const;
  virtual Status FinishRotation(const Service& service, const ServiceContext& context,
                                const nlohmann::json& old_credentials) const;
};

// The built-in plugin called `name`, or null.
const ServicePlugin* FindServicePlugin(const std::string& name);
std::vector<std::string> ServicePluginNames();

}  // namespace paasmaker::pacemaker::services
