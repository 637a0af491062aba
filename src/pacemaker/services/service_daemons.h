// ServiceDaemons: the helper servers the pacemaker runs for managed services
// (one redis-server per paasmaker.service.managedredis service, one
// PostgreSQL cluster for all paasmaker.service.managedpostgres services:
// managed_postgres.h), and the service port pool they take their ports from.
//
// Owned by the Pacemaker: created before the job plugins that use it, asked
// to start the daemons of existing services at pacemaker start
// (StartManagedServices in application_services.h) and stopped at pacemaker
// stop (StopAll, or destruction). Each daemon is a ManagedDaemon, so it is
// restarted if it dies, and a copy left running by an earlier life of the
// pacemaker is replaced (found by its pid file).
//
// Layout: <data_dir>/services/redis/<service id>/{redis.conf, redis.log,
// redis.pid, appendonly files}. redis.conf holds the password: mode 0600.
// <data_dir>/postgres: the cluster (managed_postgres.h); the pacemaker's
// data_dir here is <its data dir>/services.
//
// Thread safety: all methods may be called from any thread (services are
// created in parallel).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "core/managed_daemon.h"
#include "core/result.h"
#include "pacemaker/services/managed_postgres.h"

namespace paasmaker::pacemaker::services {

class ServiceDaemons {
 public:
  // `data_dir`: the node's data dir; ports are taken from [ports_minimum,
  // ports_maximum]; daemons listen on `listen_address` (the node's route
  // address: instances on other hosts connect to it).
  ServiceDaemons(std::string data_dir, int ports_minimum, int ports_maximum,
                 std::string listen_address = "127.0.0.1");  // unit tests: one host
  ~ServiceDaemons();  // StopAll
  ServiceDaemons(const ServiceDaemons&) = delete;
  ServiceDaemons& operator=(const ServiceDaemons&) = delete;

  // A port of the pool that no daemon here holds or reserved and that nothing
  // listens on; reserved until ReleasePort or a daemon on it stops.
  // Unavailable when the pool is exhausted.
  Result<int> ReservePort();
  void ReleasePort(int port);

  // Runs the redis of `service_id` on listen_address:port, in protected mode
  // with `password` (nothing answers without it). Already
  // running with the same port and password: nothing to do; otherwise it is
  // (re)started with the new settings. Blocks until it answers PING.
  Status StartRedis(const std::string& service_id, int port, const std::string& password);
  // Stops it (if running); its files stay.
  void StopRedis(const std::string& service_id);
  // The managed PostgreSQL cluster, started on first use (initdb the very
  // first time) on the port it had before, or one reserved from the pool.
  // Blocks until it accepts connections. Returns its admin DSN (secret).
  Result<std::string> StartPostgres();
  void StopPostgres();
  bool PostgresRunning() const;

  // Stops every daemon (pacemaker stop).
  void StopAll();

  bool IsRunning(const std::string& service_id) const;
  std::string RedisDir(const std::string& service_id) const;
  const std::string& data_dir() const { return data_dir_; }
  // Where the daemons listen: the host their credentials name.
  const std::string& listen_address() const { return listen_address_; }

 private:
  struct Redis {
    int port = 0;
    std::string password;
    std::unique_ptr<ManagedDaemon> daemon;
  };

  const std::string data_dir_;
  const int ports_minimum_;
  const int ports_maximum_;
  const std::string listen_address_;
  mutable std::mutex mutex_;
  std::map<std::string, Redis> redis_;  // by service id
  std::set<int> reserved_;              // ports handed out, running or not
  // Serialises StartRedis/StopRedis of one service without blocking the others.
  std::map<std::string, std::shared_ptr<std::mutex>> service_locks_;
  std::shared_ptr<std::mutex> LockFor(const std::string& service_id);
  // Serialises StartPostgres/StopPostgres; postgres_ is used under it alone.
  mutable std::mutex postgres_mutex_;
  ManagedPostgres postgres_;
};

}  // namespace paasmaker::pacemaker::services
