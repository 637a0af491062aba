#include "router/stats/stats_worker.h"

#include "core/log.h"

namespace paasmaker::router::stats {

StatsWorker::StatsWorker(StatsReaderOptions options, redis::Endpoint stats, std::chrono::milliseconds interval)
    : interval_(interval),
      // Short timeout: a stats Redis that hangs must not hold the thread past Stop() for long.
      client_(std::move(stats), std::chrono::milliseconds(2000)),
      reader_(std::move(options), &client_) {}

StatsWorker::~StatsWorker() { Stop(); }

void StatsWorker::Start() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void StatsWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

namespace {
constexpr int kBatchesBetweenStopChecks = 4;
}  // namespace

void StatsWorker::Loop() {
  bool failing = false;
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    // A few bounded transactions at a time (each batch read while Redis
    // applies the one before), so Stop() is honoured between them.
    for (;;) {
      auto batch = reader_.CatchUp(kBatchesBetweenStopChecks);
      if (!batch.ok()) {
        if (!failing) PM_LOG_WARN("router stats: {} (will retry every tick)", batch.status().ToString());
        failing = true;
        break;
      }
      if (failing) PM_LOG_INFO("router stats: writing again");
      failing = false;
      if (batch->malformed > 0) PM_LOG_WARN("router stats: skipped {} malformed log lines", batch->malformed);
      std::lock_guard<std::mutex> check(mutex_);
      if (!batch->more || stopping_) break;
    }
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace paasmaker::router::stats
