// Heart::Impl: the heart's state, shared by heart.cc (catalog, files,
// report, routes) and supervision.cc (processes, readiness, restarts).
// Private to src/heart.
//
// Locking: `mutex` guards catalog, live, deregistered, change_pending and
// stopping.
// Never held across a blocking wait for a process, a download or an unpack.
// Process exit callbacks (reaper thread) only touch the ExitQueue. Order:
// `mutex` before the ExitQueue's (Wake() under `mutex`), never the reverse.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "config/node_config.h"
#include "core/process.h"
#include "heart/heart.h"
#include "heart/instance_catalog.h"
#include "heart/interpreters.h"
#include "metrics/metrics.h"
#include "heart/log_pump.h"
#include "heart/runtime.h"

namespace paasmaker::heart {

using SteadyTime = std::chrono::steady_clock::time_point;

// Exits reported by the reaper, and the supervisor's wake-up. Shared with
// the exit callbacks, which may fire after the Heart is gone (instances
// outlive it). The supervisor waits on `cv` under this queue's own mutex, so
// what it waits for lives here: a change or a stop (under Impl::mutex) is
// announced with Wake(), never read by the wait itself.
struct ExitQueue {
  struct Event {
    std::string instance_id;
    pid_t pid = 0;
    std::string description;
  };
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<Event> events;
  bool woken = false;  // Wake() since the supervisor last took the events
  void Push(Event e) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      events.push_back(std::move(e));
    }
    cv.notify_all();
  }
  void Wake() {
    {
      std::lock_guard<std::mutex> lock(mutex);
      woken = true;
    }
    cv.notify_all();
  }
};

// In-memory supervision state of one instance (not persisted).
struct LiveInstance {
  std::shared_ptr<process::Process> process;  // null when adopted
  bool adopted = false;                       // not our child: poll the pid
  bool stop_requested = false;                // a stop job owns the exit
  bool restarting = false;                    // this launch is a policy restart
  int consecutive = 0;                        // restarts in the current crash streak
  SteadyTime launched{};
  SteadyTime ready_deadline{};
  SteadyTime standalone_ready_at{};
  std::optional<SteadyTime> kill_at;          // SIGKILL the group then (failed start)
  std::optional<SteadyTime> restart_at;       // policy restart due then
  bool standalone = false;
  std::string failure;                        // why the last start failed
};

struct Heart::Impl {
  Impl(const config::NodeConfig& c, std::string token, metrics::Registry* metrics);

  const config::NodeConfig& config;
  std::string node_token;
  std::string heart_dir;     // <data_dir>/heart, 0700
  std::string logs_dir;      // <heart_dir>/logs
  std::string packages_dir;  // <heart_dir>/packages
  std::string instances_dir; // <working_dir>/instance
  std::string tools_dir;     // <working_dir>/runtime-bin: `python` for instances (interpreters.h)
  std::string self_exe;
  bool as_root = false;

  mutable std::mutex mutex;
  std::condition_variable changed_cv;  // any state change (start waiters)
  InstanceCatalog catalog;
  std::map<std::string, LiveInstance> live;
  mutable std::vector<std::string> deregistered;  // reported once
  bool change_pending = false;
  // The runtimes and versions this heart offers (heart.runtimes with the
  // interpreters' versions found at Start), reported with every report.
  RuntimeVersions offered_runtimes;
  std::function<void()> on_change;

  std::mutex launch_mutex;  // one launch at a time: see LaunchKeeper
  std::shared_ptr<ExitQueue> exits = std::make_shared<ExitQueue>();
  LogPump pump;
  bool stopping = false;
  std::thread supervisor;

  // Null without a registry.
  metrics::Counter* restarts_metric = nullptr;
  metrics::Histogram* fetch_metric = nullptr;
  metrics::Collection metrics_collection;  // reads the catalog under `mutex`

  std::string InstanceDir(const std::string& id) const { return instances_dir + "/" + id; }
  std::string LogPath(const std::string& id) const { return logs_dir + "/" + id + ".log"; }
  std::string FifoPath(const std::string& id) const { return logs_dir + "/" + id + ".fifo"; }

  // --- Under `mutex` ---
  // Sets the state, stamps `changed`, saves the catalog, wakes waiters and
  // schedules an on_change call.
  void SetStateLocked(const std::string& id, InstanceEntry& entry, const std::string& state);
  void SaveLocked();
  // Launches the runtime; state STARTING. On error the state is unchanged.
  Status LaunchLocked(const std::string& id, InstanceEntry& entry, LiveInstance& live, bool restarting);
  // A process of `id` ended (or an adopted pid vanished).
  void HandleExitLocked(const std::string& id, pid_t pid, const std::string& description);
  // After a crash or failed restart: schedule the next restart or give up.
  void ScheduleRestartLocked(const std::string& id, InstanceEntry& entry, LiveInstance& live);
  void AdoptLocked(const std::string& id, InstanceEntry& entry);

  // --- Not under `mutex` (blocks while the process stops) ---
  // Stops the instance's process group; the catalog then says `final_state`
  // (STOPPED for a stop job, SUSPENDED when the node shuts down).
  Status StopProcess(const std::string& id, const std::string& final_state,
                     const std::function<void(const std::string&)>& note);

  // --- Supervisor thread ---
  void SupervisorLoop();
  void Tick(SteadyTime now, bool poll_adopted);
};

// Whether an instance may take `port`: nothing is bound to it on any local
// address. A bind to 0.0.0.0:port conflicts with a listener on 0.0.0.0 and
// with one on any single address (the route address, the loopback) alike, so
// this one probe is right whether the app binds PM_LISTEN_ADDRESS or all
// interfaces.
bool InstancePortIsFree(int port);
// Unix seconds now.
double UnixNow();
// Kills the whole process group of `pid` (SIGTERM, then SIGKILL after grace)
// and waits until its leader is gone. For processes that are not our child.
void StopGroup(pid_t pid, std::chrono::milliseconds grace);

}  // namespace paasmaker::heart
