// Router: the role that routes HTTP traffic to instances (SPEC §4).
//
// Start() checks that the node's routing-table Redis answers (the master on a
// pacemaker node, the local replica elsewhere: the Lua code reads routes from
// it), writes nginx.conf and the Lua code under <data_dir>/nginx/, and — with
// router.nginx.managed — starts and supervises nginx (see ManagedNginx). With
// managed: false the files are still written, for an nginx run by the admin.
// Stop() stops nginx. The stats log reader arrives with later work.
//
// Thread safety: Start/Stop from the controlling thread.
#pragma once

#include <memory>

#include "config/node_config.h"
#include "core/redis_client.h"
#include "router/managed_nginx.h"
#include "router/nginx_config.h"

namespace paasmaker::router {

class Router {
 public:
  Router(const config::NodeConfig& config, redis::Endpoint table) : config_(config), table_(std::move(table)) {}
  ~Router();

  Status Start();
  void Stop();

  // nginx's settings for this node (paths under <data_dir>/nginx/).
  // Only module discovery can fail.
  Result<NginxSettings> Settings() const;
  // The running nginx, or nullptr (not started, or not managed).
  const ManagedNginx* nginx() const { return nginx_.get(); }

 private:
  const config::NodeConfig& config_;
  redis::Endpoint table_;
  std::unique_ptr<ManagedNginx> nginx_;
};

}  // namespace paasmaker::router
