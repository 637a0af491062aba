// Router: the role that routes HTTP traffic to instances (SPEC §4).
//
// Start() checks that the node's routing-table Redis answers (the master on a
// pacemaker node, the local replica elsewhere: the Lua code reads routes from
// it), writes nginx.conf and the Lua code under <data_dir>/nginx/, and — with
// router.nginx.managed — starts and supervises nginx (see ManagedNginx). With
// managed: false the files are still written, for an nginx run by the admin.
// StartStats() starts the stats log reader (router/stats/) once the node
// knows its UUID, which names its position in the stats Redis. Stop() stops
// nginx, then the reader.
//
// Thread safety: Start/Stop from the controlling thread; StartStats from any
// thread (the node learns its UUID on its reporter's thread).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "config/node_config.h"
#include "core/redis_client.h"
#include "router/managed_nginx.h"
#include "router/nginx_config.h"
#include "router/stats/stats_worker.h"

namespace paasmaker::router {

class Router {
 public:
  // `metrics` (may be null; must outlive this) gets the stats reader's
  // metrics (stats/stats_metrics.h).
  Router(const config::NodeConfig& config, redis::Endpoint table, metrics::Registry* metrics = nullptr)
      : config_(config),
        table_(std::move(table)),
        stats_metrics_(metrics ? std::make_unique<stats::StatsMetrics>(*metrics) : nullptr) {}
  ~Router();

  Status Start();
  void Stop();

  // Starts reading nginx's stats log into `stats` (config redis.stats: the
  // pacemaker's stats Redis) every router.stats_interval. Idempotent: later
  // calls while it runs do nothing. Works with managed and unmanaged nginx.
  Status StartStats(const std::string& node_uuid, redis::Endpoint stats);

  // nginx's settings for this node (paths under <data_dir>/nginx/).
  // Only module discovery can fail.
  Result<NginxSettings> Settings() const;
  // The running nginx, or nullptr (not started, or not managed).
  const ManagedNginx* nginx() const { return nginx_.get(); }

 private:
  const config::NodeConfig& config_;
  redis::Endpoint table_;
  std::unique_ptr<ManagedNginx> nginx_;
  std::unique_ptr<stats::StatsMetrics> stats_metrics_;
  std::mutex stats_mutex_;
  std::unique_ptr<stats::StatsWorker> stats_;
};

}  // namespace paasmaker::router
