// HealthManager: runs the pacemaker's health checks (SPEC §7) periodically.
//
// Every `interval` (default 2 s) it starts the default group as ONE job tree
// tagged `health`, assigned to this pacemaker; while the previous tree is
// unfinished the run is skipped, so checks never overlap. Checks of the same
// order run in parallel, lower orders first:
//
//   root (group) ← stage ← order-1 checks
//                    │ when it runs, grafts under root:
//                    └─► stage ← order-2 checks   (and so on)
//
//   order 1: paasmaker.health.downnodes
//   order 2: paasmaker.health.stuckjobs, paasmaker.health.routerdowninstances
//   order 3: paasmaker.health.adjustinstances
//
// (A job has one parent, so "every order-2 check waits for every order-1
// check" cannot be drawn as a plain tree; each stage job grafts the next
// order once its own children have all succeeded.)
//
// Start/Stop from the pacemaker's controlling thread; the loop runs on its
// own thread. The context must outlive Stop().
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "jobs/job.h"

namespace paasmaker::pacemaker {
struct PacemakerContext;
}

namespace paasmaker::pacemaker::health {

inline constexpr std::chrono::milliseconds kDefaultCheckInterval{2000};

class HealthManager {
 public:
  explicit HealthManager(PacemakerContext& ctx, std::chrono::milliseconds interval = kDefaultCheckInterval);
  ~HealthManager();

  // Starts the loop (nothing when pacemaker.health.enabled is false).
  void Start();
  void Stop();

  // One run: the root id of the tree started, or nullopt when skipped (the
  // previous tree is unfinished, or the pacemaker has no node uuid yet).
  Result<std::optional<std::string>> RunOnce();

  // The default group's tree, for tests: root first.
  std::vector<jobs::JobSpec> BuildTree(const std::string& node_uuid) const;

 private:
  void Loop();

  PacemakerContext& ctx_;
  const std::chrono::milliseconds interval_;
  // Unix time before which no node is marked DOWN (start + node_down_timeout).
  double not_before_ = 0;
  std::string last_root_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace paasmaker::pacemaker::health
