// NodeJobs: the job system on one node (SPEC §6).
//
// Every node runs a JobManager for the jobs assigned to it, as soon as it
// knows its UUID (at once when the data dir has one; else after the first
// registration), and serves the logs of the jobs it ran to the pacemaker:
//
//   GET /api/v1/node/jobs/<id>/log?offset=N[&max=M]   (node token only)
//     → the bytes from N (text/plain); headers X-Log-Offset, X-Log-Next-Offset,
//       X-Log-Size; 404 when this node has no log for the job.
//
// Job logs older than pacemaker.job_max_age (by their last write) are
// deleted hourly: the pacemaker deletes logs with their trees only on its
// own node, and a heart's logs would otherwise stay forever.
//
// Thread safety: InstallRoutes before the HTTP server starts; Start/Stop from
// the controlling thread; StartManager from any thread (once).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "config/node_config.h"
#include "core/http.h"
#include "jobs/job_logs.h"
#include "jobs/job_manager.h"
#include "jobs/job_registry.h"
#include "plugins/builtin_plugins.h"

namespace paasmaker::node {

class NodeJobs {
 public:
  NodeJobs(const config::NodeConfig& config, std::string node_token);
  ~NodeJobs();

  // Registers the built-in job plugins, bound to the roles this node runs;
  // the test plugins only with testing.job_plugins (warned about loudly).
  Status Init(const plugins::RoleHandles& roles);
  const jobs::JobRegistry& registry() const { return registry_; }
  void InstallRoutes(http::Server& server);
  // Starts the manager for `node_uuid` (no-op if already started).
  Status StartManager(const std::string& node_uuid);
  // Lets running jobs finish (bounded), then stops the manager and the
  // log sweeper.
  void Stop();

  static std::string LogDir(const config::NodeConfig& config);

 private:
  const config::NodeConfig& config_;
  std::string node_token_;
  jobs::JobRegistry registry_;
  jobs::JobLogs logs_;
  std::mutex mutex_;
  std::unique_ptr<jobs::JobManager> manager_;
  bool stopping_ = false;  // under mutex_
  std::condition_variable sweeper_cv_;
  std::thread sweeper_;

  void SweepLogs();
};

}  // namespace paasmaker::node
