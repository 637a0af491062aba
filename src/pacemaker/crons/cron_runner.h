// CronRunner: fires the web crons of every application's current version
// (SPEC §8.5) while pacemaker.run_crons is true.
//
// Each second it looks at the crons of the current versions (a new current
// version's crons take over from the next slot; the cron id, cron_store.h,
// is stable across deploys). When a cron's slot comes, its slot is claimed
// in SQL and only then does one `paasmaker.job.cron` tree start (tagged
// cron, cron:<id>, application:<id>, workspace:<id>), so a slot runs at most
// once across restarts. With `concurrency: forbid` (the default) a slot whose
// previous run is unfinished is claimed as skipped instead.
//
// Missed slots (the pacemaker was down) run once on return, for the latest
// slot missed, not once per slot. A cron seen for the first time starts with
// its next slot. A slot fires within the second it names, give or take the
// SQL round trip; the loop wakes at each whole second (system clock).
//
// Start/Stop from the pacemaker's controlling thread; the loop runs on its
// own thread. The context must outlive Stop().
#pragma once

#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "model/cron_spec.h"
#include "pacemaker/crons/cron_context.h"

namespace paasmaker::pacemaker::crons {

class CronRunner {
 public:
  explicit CronRunner(CronRunnerContext ctx) : ctx_(ctx) {}
  ~CronRunner();

  // Nothing when pacemaker.run_crons is false.
  void Start();
  void Stop();

 private:
  // One cron as the loop tracks it.
  struct Schedule {
    std::string runspec;
    std::string timezone;
    std::optional<model::CronSpec> spec;
    int64_t next = 0;       // the slot it waits for
    std::string last_root;  // its latest run's tree
  };
  void Loop();
  void Tick(int64_t now);

  CronRunnerContext ctx_;
  std::map<std::string, Schedule> schedules_;  // by cron id; the loop thread's only
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace paasmaker::pacemaker::crons
