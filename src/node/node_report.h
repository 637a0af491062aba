// Reporter: keeps the pacemaker informed about this node (SPEC §1).
//
// Registers (with the node token) until the pacemaker answers, saves the UUID
// it is given, then reports every node_report_interval: roles, tags (static
// merged over generated os/arch/cpus), runtimes, stats (load, memory, disk),
// score and whatever the roles add (ExtraReport). While the pacemaker is
// unreachable it keeps retrying and the node carries on; if the pacemaker
// answers that it does not know this node, the reporter registers again with
// the same UUID. Stop() sends a shutdown notice so the pacemaker marks the
// node STOPPED.
//
// Thread safety: Start/Stop from the controlling thread; the rest from any.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "config/node_config.h"
#include "core/result.h"
#include "model/redis_access.h"
#include "node/node_identity.h"

namespace paasmaker::node {

// Tags every node generates about itself: os, arch, cpus.
nlohmann::json GeneratedTags();
// load (1/5/15 min), memory (total/available bytes), disk (total/free bytes of `dir`).
nlohmann::json MachineStats(const std::string& dir);
// Lower is better: load per cpu plus the fraction of memory in use.
double ScoreFromStats(const nlohmann::json& stats, int cpus);

// Asks the pacemaker for the Redis access of this node's roles and saves it
// (every registration answer refreshes it too). For a node that has none
// saved yet: its stores and jobs need it to start, and it registers (is
// listed ACTIVE) only once they run. Unavailable while the pacemaker cannot
// be reached; Unauthenticated or PermissionDenied when it refuses (wrong
// node token), with its message.
Result<model::RedisAccess> FetchRedisAccess(const config::NodeConfig& config, const std::string& node_token);

class Reporter {
 public:
  using ExtraReport = std::function<nlohmann::json()>;  // merged into each report

  using OnRegistered = std::function<void(const std::string& uuid)>;

  Reporter(const config::NodeConfig& config, std::string node_token, ExtraReport extra = nullptr,
           OnRegistered on_registered = nullptr);
  ~Reporter();

  void Start();
  void Stop();  // sends the shutdown notice (best effort, short timeout)

  std::string uuid() const;
  bool registered() const { return registered_; }
  // Wakes the reporter to send a report now (coalesced with the next one).
  void ReportSoon();

 private:
  void Loop();
  bool Register();
  // true: reported; false with *unknown set: the pacemaker lost our record.
  bool Report(bool* unknown);
  nlohmann::json BuildReport() const;

  const config::NodeConfig& config_;
  std::string node_token_;
  ExtraReport extra_;
  OnRegistered on_registered_;
  NodeIdentity identity_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::string uuid_;
  std::atomic<bool> registered_{false};
  bool stopping_ = false;
  bool report_soon_ = false;
  std::thread thread_;
};

}  // namespace paasmaker::node
