// Pacemaker: the controller role (SPEC §1). Owns the SQL state and serves
// the API on the node's HTTP server.
//
// Start() opens the database (SQLite in data_dir by default, or the
// configured PostgreSQL DSN), applies schema migrations, bootstraps a fresh
// cluster, builds the composition root (PacemakerContext, given the node's
// job registry and the service daemons) and installs the API routes.
// StartSchedulers() (health checks, crons) follows once the node registered
// its plugins. Stop()
// is called after the HTTP server has stopped. All from the node's
// controlling thread.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <string>

#include "config/node_config.h"
#include "core/http.h"
#include "jobs/job_registry.h"
#include "model/redis_access.h"
#include "pacemaker/bootstrap.h"

namespace paasmaker::metrics {
class Registry;
}

namespace paasmaker::pacemaker {

class PacemakerMetrics;

struct PacemakerContext;
namespace services {
class ServiceDaemons;
}
namespace crons {
class CronRunner;
}
namespace health {
class HealthManager;
}
namespace stats {
class HistoryArchiver;
}

class Pacemaker {
 public:
  // `redis_handout`: what registering nodes are told about the Redis stores.
  // `job_registry`: the node's (NodeJobs), which validates the trees the
  // pacemaker starts; it may be filled with plugins after Start and must
  // outlive this.
  // `metrics`: the node's registry, given the pacemaker's metrics
  // (metrics/pacemaker_metrics.h); must outlive this.
  Pacemaker(const config::NodeConfig& config, std::string node_token, model::RedisHandout redis_handout,
            const jobs::JobRegistry& job_registry, metrics::Registry& metrics);
  ~Pacemaker();

  Status Start(http::Server& server);
  // Starts the health-check groups (validated against the job registry as
  // they start) and the cron runner: call once the registry holds the
  // plugins (the node registers them after Start, since they act on
  // context()).
  void StartSchedulers();
  // Ends live streams; call before the HTTP server stops.
  void PrepareStop();
  void Stop();

  void SetNodeUuid(const std::string& uuid);
  const BootstrapResult& bootstrap() const { return bootstrap_; }
  // For the role's job plugins; valid between Start and Stop.
  PacemakerContext* context() { return context_.get(); }

 private:
  const config::NodeConfig& config_;
  std::string node_token_;
  model::RedisHandout redis_handout_;
  const jobs::JobRegistry& job_registry_;
  metrics::Registry& metrics_registry_;
  // Made before the context, which is given them; the context goes first.
  std::unique_ptr<services::ServiceDaemons> service_daemons_;
  std::unique_ptr<PacemakerContext> context_;
  std::unique_ptr<PacemakerMetrics> metrics_;  // reads the context: goes before it
  std::unique_ptr<health::HealthManager> health_;
  std::unique_ptr<crons::CronRunner> crons_;
  std::unique_ptr<stats::HistoryArchiver> stats_history_;
  BootstrapResult bootstrap_;
  // Job housekeeping: archive finished trees, purge old archives.
  void HousekeepingLoop();
  void PublishOwnRoute();
  std::mutex housekeeping_mutex_;
  std::condition_variable housekeeping_cv_;
  bool stopping_ = false;
  std::thread housekeeping_;
};

}  // namespace paasmaker::pacemaker
