// Heart: the role that runs application instances (SPEC §5, docs/lifecycle.md).
//
//   register ──► REGISTERED ──start──► STARTING ──ready──► RUNNING ──stop──► STOPPED
//                                        │ exit/timeout       │ unexpected exit
//                                        ▼                    ▼
//                                      ERROR ◄── gives up ── restart policy ──► STARTING
//   deregister (not RUNNING/STARTING): files and catalog entry removed, reported
//   once as DEREGISTERED.
//
// Each instance process is a child in its own process group, started through
// process::Launch; its exit is seen by the reaper within a second. Output goes
// through a FIFO that a pump thread copies into `<data_dir>/heart/logs/<id>.log`
// with size rotation (log_pump.h). The catalog (`<data_dir>/heart/catalog.json`)
// is rewritten on every change. When the heart runs as root every instance gets
// its own uid = gid from heart.instance_uid_minimum..maximum, its directory is
// chowned to it (0700), and the heart's data stays 0700 root.
//
// Restart policy (config heart.restart_policy, limits in restart_policy.h):
// after an unexpected exit of a RUNNING instance, `immediate_restarts` restarts
// at once, then kMaxBackoffRestarts (5) more after backoff_initial, doubling up
// to backoff_max; the next crash leaves it ERROR. A restart that does not get
// ready counts as a crash. An instance that stayed up kStableRunTime (60 s)
// starts counting from zero again. Meanwhile the instance is ERROR.
//
// Heart::Stop() leaves instances running and RUNNING in the catalog; the next
// Start() re-adopts those whose process group leader is still alive (polled
// every 500 ms, since it is no longer our child) and restarts the others.
//
// Threads: Start/Stop from the node's controlling thread. The instance
// operations (Register..Deregister) are called by heart jobs on job worker
// threads, one job per instance at a time. ReportExtra, Find and the log route
// from any thread. The on_change callback runs on the heart's supervisor
// thread, never under the heart's lock, and must not block long.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "config/node_config.h"
#include "core/result.h"
#include "model/instance_spec.h"

namespace paasmaker::jobs {
class JobLog;
}
namespace paasmaker::http {
class Server;
}

namespace paasmaker::metrics {
class Registry;
}

namespace paasmaker::heart {

// A snapshot of one catalog entry, for callers and tests.
struct InstanceStatus {
  std::string state;
  int port = 0;
  pid_t pid = 0;
  int restarts = 0;
  std::string last_exit;
  int uid = -1;  // -1: runs as the heart's own user
};

class Heart {
 public:
  // `node_token` authenticates package fetches from the pacemaker.
  // `metrics` (may be null; must outlive this) gets the heart's metrics:
  //   paasmaker_heart_instances{state}            gauge, from the catalog at scrape
  //   paasmaker_heart_instance_restarts_total     counter, restarts after an exit
  //   paasmaker_heart_package_fetch_seconds{outcome}  histogram, ok or failed
  explicit Heart(const config::NodeConfig& config, std::string node_token = "",
                 metrics::Registry* metrics = nullptr);
  ~Heart();  // Stop()
  Heart(const Heart&) = delete;
  Heart& operator=(const Heart&) = delete;

  void SetNodeToken(std::string node_token);  // before Start
  void SetOnChange(std::function<void()> on_change);  // before Start

  // Prepares directories, loads the catalog, re-adopts or restarts instances,
  // starts supervision.
  // A clean node shutdown: stops every RUNNING instance and marks it
  // SUSPENDED, so Start() on the node's return starts it again. (A heart that
  // dies without this — kill -9 — leaves its instances serving, and Start()
  // re-adopts them.) Call before Stop(), while supervision runs.
  void SuspendAll();
  Status Start();
  // Stops supervision only; instances keep running.
  void Stop();

  // What the heart adds to every node report: {"instances": [...],
  // "runtimes": {plugin: [versions]}} (the versions found at Start).
  nlohmann::json ReportExtra() const;

  // GET /api/v1/node/instances/<id>/log?offset=N&max=M (node token only).
  void InstallRoutes(http::Server& server, const std::string& node_token);

  // --- Instance operations (the heart jobs; progress goes to `log`) ---------
  // The instance's port (0 standalone). Idempotent for a registered instance.
  // `spec` was parsed from the job's JSON once (ParseRunnableSpec); what this
  // heart cannot run (runtime.h, CheckRunnable) is refused here.
  Result<int> Register(const model::InstanceSpec& spec, jobs::JobLog& log);
  // Runs the startup commands; a failure leaves the instance ERROR.
  Status RunStartup(const std::string& instance_id, jobs::JobLog& log, const std::function<bool()>& aborted);
  // Launches and waits until RUNNING. Fails (instance ERROR, the log's last
  // lines copied into `log`) on exit, timeout or a busy port.
  Status StartInstance(const std::string& instance_id, jobs::JobLog& log);
  // SIGTERM to the group, SIGKILL after stop_grace; STOPPED. Unknown: Ok.
  Status StopInstance(const std::string& instance_id, jobs::JobLog& log);
  // Refuses RUNNING/STARTING; removes files and the entry. Unknown: Ok.
  Status Deregister(const std::string& instance_id, jobs::JobLog& log);

  std::optional<InstanceStatus> Find(const std::string& instance_id) const;
  std::string InstanceDir(const std::string& instance_id) const;
  std::string LogPath(const std::string& instance_id) const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace paasmaker::heart
