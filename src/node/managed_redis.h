// Redis stores of a node (SPEC §1, §3): the pacemaker's table master, stats
// and jobs servers, and each router's table replica.
//
// A managed store gets a redis-server with a generated config under
// <data_dir>/redis/<name>/ and is kept alive by a ManagedDaemon. It listens
// only on the addresses it must serve, in protected mode, with the
// `default` user locked and the ACL users it is given (node/redis_users.h), so
// a client without credentials gets NOAUTH. A store with `managed: false` is
// an existing server this node only checks and never stops. A replica
// follows its master with `replicaof`, authenticating as `master.user`;
// Redis retries the link by itself, and ReplicaInSync() tells whether it is up.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/node_config.h"
#include "core/managed_daemon.h"
#include "core/redis_client.h"

namespace paasmaker::node {

struct RedisStoreOptions {
  std::string name = {};                 // "table", "stats", "jobs", "table-replica"
  config::RedisStoreConfig config = {};  // port, managed, shutdown
  std::string data_dir = {};
  std::vector<std::string> bind = {};    // managed: the addresses it listens on
  std::string acl = {};                  // managed: its `user` lines (secret)
  redis::Endpoint client = {};           // how this node connects to it
  std::optional<redis::Endpoint> master = {};  // replicas: the master and the user it syncs as
};

class RedisStore {
 public:
  explicit RedisStore(RedisStoreOptions options);
  ~RedisStore();

  // Managed: start redis-server and wait for PING. Unmanaged: wait (briefly)
  // for the configured server to answer.
  Status Start();
  // Stops the managed server when config.shutdown says so.
  void Stop();

  const redis::Endpoint& endpoint() const { return options_.client; }
  bool is_replica() const { return options_.master.has_value() && options_.config.managed; }
  bool ReplicaInSync();
  // Until the link is up a new replica is empty; false after `timeout`.
  bool WaitForFirstSync(std::chrono::milliseconds timeout);
  const std::string& name() const { return options_.name; }

 private:
  std::string WriteConfig();

  RedisStoreOptions options_;
  std::string dir_;
  std::unique_ptr<ManagedDaemon> daemon_;
};

}  // namespace paasmaker::node
