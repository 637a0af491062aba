// HealthManager: runs the pacemaker's health-check groups (SPEC §7)
// periodically.
//
// The groups are pacemaker.health.groups plus the built-in `default` group
// (health_group_tree.h: every 2 s downnodes; stuckjobs + routerdowninstances;
// adjustinstances). Each group runs on its own period as ONE job tree tagged
// `health` and `health:<group>`, assigned to this pacemaker; while a group's
// previous tree is unfinished its run is skipped, so a group never overlaps
// itself (different groups may run at the same time). Checks of the same
// order run in parallel, lower orders first. A group with downnodes also
// runs as soon as a node's silence reaches the timeout (from the nodes'
// last_heard), so detection does not wait up to a period more.
//
// A run in which every check succeeded and none acted (IsQuietRun) is
// deleted, tree and logs, pacemaker.health.quiet_run_max_age after it
// started: recent ones stay visible in the health history, and the
// default group does not leave a tree every 2 s for the job max age. Runs
// started before a pacemaker restart are left to the normal purge.
//
// Start/Stop from the pacemaker's controlling thread; the loop runs on its
// own thread. The context must outlive Stop().
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "pacemaker/health/health_context.h"

namespace paasmaker::pacemaker::health {

class HealthManager {
 public:
  explicit HealthManager(HealthManagerContext ctx);
  ~HealthManager();

  // Starts the loop (nothing when pacemaker.health.enabled is false). A group
  // whose checks refuse their parameters is logged and left out.
  void Start();
  void Stop();

 private:
  struct Group;  // a group's configuration and schedule (health_manager.cc)
  void Loop();

  HealthManagerContext ctx_;
  std::vector<Group> groups_;  // touched by the loop thread only, once started
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace paasmaker::pacemaker::health
