// Redis stores of a node (SPEC §1, §3): the pacemaker's table master, stats
// and jobs servers, and each router's table replica.
//
// A managed store gets a redis-server with a generated config under
// <data_dir>/redis/<name>/ and is kept alive by a ManagedDaemon; a store with
// `managed: false` is an existing server this node only checks and never
// stops. A replica follows its master with `replicaof`; Redis retries the
// link by itself, and ReplicaInSync() tells whether it is up.
#pragma once

#include <memory>
#include <string>

#include "core/redis_client.h"
#include "core/managed_daemon.h"
#include "config/node_config.h"

namespace paasmaker::node {

class RedisStore {
 public:
  RedisStore(std::string name, config::RedisStoreConfig config, std::string data_dir);
  ~RedisStore();

  // Managed: start redis-server and wait for PING. Unmanaged: wait (briefly)
  // for the configured server to answer.
  Status Start();
  // Stops the managed server when config.shutdown says so.
  void Stop();

  redis::Endpoint endpoint() const;
  bool ReplicaInSync();
  const std::string& name() const { return name_; }

 private:
  std::string WriteConfig();

  std::string name_;
  config::RedisStoreConfig config_;
  std::string dir_;
  std::unique_ptr<ManagedDaemon> daemon_;
};

}  // namespace paasmaker::node
