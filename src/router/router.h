// Router: the role that routes HTTP traffic to instances (SPEC §4).
//
// This first brick checks that the node's routing-table Redis (the master on
// a pacemaker node, a replica elsewhere) is reachable; nginx and the stats
// reader arrive with the routing work. Start/Stop from the controlling thread.
#pragma once

#include "config/node_config.h"
#include "core/redis_client.h"

namespace paasmaker::router {

class Router {
 public:
  Router(const config::NodeConfig& config, redis::Endpoint table) : config_(config), table_(std::move(table)) {}

  Status Start();
  void Stop();

 private:
  const config::NodeConfig& config_;
  redis::Endpoint table_;
};

}  // namespace paasmaker::router
