// ManagedPostgres: the one PostgreSQL cluster a pacemaker runs for its
// paasmaker.service.managedpostgres services (one database per service in
// it, made by PostgresAdmin), from Debian's packages
// (/usr/lib/postgresql/<version>/bin, the newest).
//
// Layout, <dir> = <data_dir>/services/postgres:
//   admin-password   the superuser's password, mode 0600 (the node's user)
//   port             the cluster's port, chosen once from the service port
//                    pool: apps keep their stored credentials across restarts
//   cluster/         initdb's data directory (owned by the server user)
//   run/             its unix socket (when the path fits a socket address)
//   postgres.log     the server's output; postgres.pid: ManagedDaemon's
//
// The superuser is paasmaker_admin; every login, local or from the network,
// is scram-sha-256 (pg_hba.conf rewritten at every start). The server listens
// on the node's route address, so instances on other hosts reach it. As root
// it runs as the `postgres` system user (PostgreSQL refuses to run as root).
// It is a ManagedDaemon: restarted when it dies, an earlier pacemaker's copy
// replaced, stopped with SIGINT (fast shutdown: sessions are ended).
//
// Thread safety: none; ServiceDaemons serialises the calls.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/managed_daemon.h"
#include "core/result.h"

namespace paasmaker::pacemaker::services {

class ManagedPostgres {
 public:
  ManagedPostgres(std::string dir, std::string listen_address);
  ~ManagedPostgres();  // Stop

  // The port chosen by an earlier start, if any.
  std::optional<int> PersistedPort() const;
  // initdb on first use, then runs the server on `port` (recorded as the
  // cluster's port) and waits until it accepts connections. Running
  // already: nothing to do. Returns the admin DSN (secret).
  Result<std::string> Start(int port);
  void Stop();

  bool running() const { return daemon_ != nullptr; }
  const std::string& dir() const { return dir_; }

 private:
  Status Initialise(const std::string& bin_dir);

  const std::string dir_;
  const std::string listen_address_;
  std::unique_ptr<ManagedDaemon> daemon_;
  std::string dsn_;
};

}  // namespace paasmaker::pacemaker::services
