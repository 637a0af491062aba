// StatsReader: follows nginx's stats log and adds each line, exactly once,
// into the stats Redis (SPEC §3, §4).
//
// The authoritative position is `position:<router node uuid>`, a HASH
// {offset, inode}, in the stats Redis itself. Each batch's increments and
// its new position are written in ONE MULTI/EXEC, so Redis holds either both
// or neither: a crash of this process, of nginx or of Redis can neither lose
// nor double count a line. After any Redis failure the reader forgets its
// in-memory position and reads it back from Redis before the next batch,
// because a failed EXEC may still have been applied (the reply was lost).
// The transaction is guarded by WATCH on the position, checked to be the one
// the batch starts from, so a Redis that restarted empty (or lost writes)
// makes the reader start over from what Redis really holds.
//
// A batch reads at most `max_batch_bytes` and only complete lines, so a
// catch-up after an outage is a series of bounded transactions. Rotation:
//   rename    the path names another inode: the old file is read to its last
//             complete line, then the reader moves to the new file at offset
//             0 once nginx has written to it (so nothing written to the old
//             file before nginx reopened its log is missed). A reader that
//             restarts after a rename also looks for the old file at <path>.1.
//   truncate  same inode, size below the position: start again at 0.
// Malformed lines are counted in `stat_router:<uuid>` field `malformed`
// (`lines` counts the good ones) and skipped.
//
// Thread safety: one thread at a time (the StatsWorker's).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/redis_client.h"
#include "core/result.h"
#include "router/stats/stats_aggregator.h"
#include "router/stats/stats_metrics.h"

namespace paasmaker::router::stats {

struct StatsReaderOptions {
  std::string log_path;
  std::string node_uuid;
  size_t max_batch_bytes = 4 << 20;
  StatsMetrics* metrics = nullptr;  // fed after each written batch; may be null
};

struct StatsBatch {
  int64_t lines = 0;      // counted
  int64_t malformed = 0;  // skipped
  uint64_t bytes = 0;     // of the log consumed
  bool more = false;      // the log holds more than this batch could take
};

class StatsReader {
 public:
  // `client` talks to the stats Redis and must outlive the reader.
  StatsReader(StatsReaderOptions options, redis::Client* client);
  ~StatsReader();
  StatsReader(const StatsReader&) = delete;
  StatsReader& operator=(const StatsReader&) = delete;

  // Reads and writes one bounded batch. An empty batch when nothing new is
  // there (or the log does not exist yet). Unavailable when Redis cannot be
  // reached: nothing was counted, the next call retries from Redis's position.
  Result<StatsBatch> ReadBatch();
  // ReadBatch until the log is drained or `max_batches` were written; the
  // sums of the batches. Each batch is read and summed while Redis applies
  // the one before (if that one fails, the read-ahead is dropped).
  Result<StatsBatch> CatchUp(int max_batches = 1 << 30);

  uint64_t offset() const { return offset_; }
  ino_t inode() const { return inode_; }

 private:
  Status LoadPosition();
  // Opens the file the position belongs to (or the current log at 0).
  Status OpenLog();
  // True (and moves to the new file) when the log was renamed away and the
  // old file is drained.
  Result<bool> FollowRename();
  // A batch read and summed (in aggregator_), and the position after it.
  struct Collected {
    StatsBatch batch;
    uint64_t offset = 0;
    ino_t inode = 0;
    bool changes = false;  // anything to write: lines, or a new position
    uint64_t unread = 0;   // log bytes after this batch
    StatsMetrics::Delta metrics;  // with options.metrics only
  };
  // Reads and sums the next batch from the cursor, which moves past it.
  Result<Collected> Collect();
  // The batch's MULTI/EXEC, sent after checking (WATCH) that Redis still
  // holds the position it starts from; FinishWrite reads the outcome.
  Result<redis::Client::Pending> StartWrite(const Collected& collected);
  Status FinishWrite(redis::Client::Pending& pending, const Collected& collected);
  // After a failure: the position is read back from Redis before the next batch.
  Status Forget(Status failure);
  void CloseLog();

  StatsReaderOptions options_;
  redis::Client* client_;
  std::string position_key_;
  std::string router_key_;
  bool position_loaded_ = false;
  uint64_t offset_ = 0;
  ino_t inode_ = 0;
  uint64_t persisted_offset_ = 0;  // what Redis holds: skip writes that change nothing
  ino_t persisted_inode_ = 0;
  int fd_ = -1;
  std::vector<char> buffer_;
  StatsAggregator aggregator_;
  StatsAggregator::Commands commands_;
};

}  // namespace paasmaker::router::stats
