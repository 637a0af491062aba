// StatsWorker: the router role's thread that runs a StatsReader every
// `interval` (config router.stats_interval, SPEC §4).
//
// Each tick catches up in bounded batches until the log is drained, so a
// backlog after a stats Redis outage is absorbed without one huge
// transaction. Failures are logged when they start and when they end, not at
// every tick, and never stop the thread: the position in Redis makes the
// next tick resume exactly where the last successful batch ended.
//
// Thread safety: Start/Stop from the owning thread; the reader runs only on
// the worker's own thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "core/redis_client.h"
#include "router/stats/stats_reader.h"

namespace paasmaker::router::stats {

class StatsWorker {
 public:
  StatsWorker(StatsReaderOptions options, redis::Endpoint stats, std::chrono::milliseconds interval);
  ~StatsWorker();  // stops and joins

  void Start();
  // Returns after the batch in progress (if any) is written or abandoned;
  // what was not written is read again by the next reader.
  void Stop();

 private:
  void Loop();

  std::chrono::milliseconds interval_;
  redis::Client client_;
  StatsReader reader_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace paasmaker::router::stats
