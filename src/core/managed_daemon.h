// ManagedDaemon: a helper server process (redis-server, nginx) that a node
// starts, keeps alive and stops.
//
// Start() deals with a copy left running by an earlier life of this node
// (found by its pid file, recognised by its command line): when the owner's
// `adopt` hook accepts it, that process is kept and supervised as is (no
// restart, so no gap in service); otherwise it is stopped. Then it launches the program and
// waits until `ready` says it serves. If it dies later it is restarted after
// a short backoff (doubling up to 10 s) from the supervisor thread. Stop()
// ends supervision and (when asked) stops the process: its stop signal
// (SIGTERM unless told), then SIGKILL.
//
// Thread safety: Start/Stop from one controlling thread; state queries from any.
#pragma once

#include <signal.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/process.h"

namespace paasmaker {

class ManagedDaemon {
 public:
  struct Options {
    std::string name;      // for logs: "redis table"
    process::LaunchOptions launch;
    std::string pid_file;  // where this node records the daemon's pid
    std::function<bool()> ready;  // true once the daemon serves
    std::chrono::milliseconds ready_timeout = std::chrono::seconds(20);
    // Given a live earlier copy's pid: true to keep it (e.g. nginx reloaded
    // with the new config and answering). Unset: earlier copies are stopped.
    std::function<bool(pid_t)> adopt;
    // What asks the daemon to stop (Stop, an earlier copy replaced), sent to
    // its main process; SIGKILL follows when it is still there after
    // `stop_grace`. postgres needs SIGINT: its SIGTERM ("smart" shutdown)
    // waits for every client to disconnect, which the apps' pools never do.
    int stop_signal = SIGTERM;
    std::chrono::milliseconds stop_grace = std::chrono::seconds(5);
  };

  explicit ManagedDaemon(Options options);
  ~ManagedDaemon();  // stops supervision; leaves the process as Stop() was told

  Status Start();
  // Ends supervision; with `kill_process`, stops the daemon too.
  void Stop(bool kill_process);

  pid_t pid() const;
  int restarts() const { return restarts_; }

 private:
  Status LaunchOnce();
  // The live earlier copy named by the pid file, if it is recognisably ours.
  pid_t FindStale() const;
  void KillStale(pid_t pid);
  // An adopted process is not our child: it is watched by polling.
  void WatchAdopted();
  void StopAdopted();
  void Supervise();

  Options options_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::shared_ptr<process::Process> process_;
  pid_t adopted_ = 0;  // an earlier copy kept running instead of process_
  bool exited_ = false;
  bool stopping_ = false;
  std::atomic<int> restarts_{0};
  std::thread supervisor_;
};

}  // namespace paasmaker
