// HistoryArchiver: keeps the stats Redis's traffic history from growing
// without bound (SPEC §3). Periodically (every 5 minutes by default):
//
//   history_vt:<vt>:<hour start>:<metric>           HASH second → sum
//        │ the whole hour older than stats_history_archive_after [24 h]:
//        │ summed per minute and deleted, in ONE server-side script
//        ▼
//   history_minute_vt:<vt>:<day start>:<metric>     HASH minute start → sum
//        │ the whole day older than stats_history_max_age [30 d]
//        ▼
//   deleted
//
// (history_node:… → history_minute_node:… likewise.)
//
// Each hour is rolled up by a Lua script that reads the per-second hash,
// HINCRBYs the minute sums and deletes the source; Redis runs a script
// atomically, so a pacemaker that dies midway leaves each hour either fully
// archived or untouched, and a rerun (or the client's retry of a script whose
// reply was lost) finds no source left to add twice. HINCRBY rather than an
// absolute HSET so that a late write re-creating an archived hour (a router
// catching up after a long outage) is added, not overwritten.
//
// Start/Stop from the pacemaker's controlling thread; the loop runs on its
// own thread with its own Redis connection. RunOnce may be called directly
// (tests) while the loop is not running.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/redis_client.h"
#include "core/result.h"

namespace paasmaker::pacemaker::stats {

inline constexpr std::chrono::milliseconds kDefaultArchiveInterval{5 * 60 * 1000};

struct HistoryArchiveOptions {
  int64_t archive_after = 24 * 3600;  // seconds
  int64_t max_age = 30 * 24 * 3600;   // seconds
};

struct HistoryArchiveCounts {
  int64_t hours_archived = 0;    // per-second hashes rolled up and deleted
  int64_t seconds_archived = 0;  // fields they held
  int64_t days_deleted = 0;      // per-minute hashes deleted
};

class HistoryArchiver {
 public:
  HistoryArchiver(redis::Endpoint stats, HistoryArchiveOptions options,
                  std::chrono::milliseconds interval = kDefaultArchiveInterval);
  ~HistoryArchiver();  // stops

  // Runs once at once, then every interval.
  void Start();
  void Stop();

  // One pass as if the time were `now` (unix seconds).
  Result<HistoryArchiveCounts> RunOnce(int64_t now);

 private:
  void Loop();
  Result<std::vector<std::string>> ScanKeys(const std::string& pattern);

  redis::Client redis_;
  const HistoryArchiveOptions options_;
  const std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

// `history_<kind>:<id>:<start>:<metric>` split into its parts (prefix is
// "history_vt:", "history_minute_node:", …); false for anything else.
struct HistoryKey {
  std::string prefix;
  std::string id;
  int64_t start = 0;
  std::string metric;
};
bool ParseHistoryKey(const std::string& key, HistoryKey* out);

}  // namespace paasmaker::pacemaker::stats
