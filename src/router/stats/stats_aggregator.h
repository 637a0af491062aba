// StatsAggregator: sums parsed stats lines in memory and turns the sums into
// the Redis increments of SPEC §3.
//
//   stat_vt:<vt>    HASH requests, bytes, time (upstream ms), timecount,
//   stat_node:<id>       nginxtime (ms), 1xx..5xx and each exact status code
//   history_vt:<vt>:<hour start>:<metric>    HASH <unix second> → sum
//   history_node:<id>:<hour start>:<metric>  (metrics: the totals without the
//                                             exact status codes)
//   history_minute_vt:<vt>:<day start>:<metric>    HASH <minute start> → sum
//   history_minute_node:<id>:<day start>:<metric>  (written by the pacemaker's
//       HistoryArchiver, src/pacemaker/stats/history_archiver.h, from per-second
//       hours older than pacemaker.stats_history_archive_after; the routers
//       never write them)
//
// Summing first is what makes the reader cheap: a batch of thousands of
// lines becomes a few HINCRBYs per version type, node and second.
// Requests with no route count under version type "null"; they have no node,
// so no stat_node entry.
//
// Thread safety: none; one aggregator per reader.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "router/stats/stats_line.h"

namespace paasmaker::router::stats {

// Sums kept per second for the history keys.
struct StatsCounters {
  int64_t requests = 0;
  int64_t bytes = 0;
  int64_t time = 0;       // upstream ms
  int64_t timecount = 0;  // requests that had an upstream time
  int64_t nginxtime = 0;  // ms
  std::array<int64_t, 5> classes{};  // 1xx..5xx

  void Add(const StatsLine& line);
};

// Sums kept for stat_vt / stat_node: the counters plus each exact status.
struct StatsTotals : StatsCounters {
  std::array<int64_t, 500> by_status{};  // index: status - 100

  int64_t Status(int code) const { return code >= 100 && code <= 599 ? by_status[code - 100] : 0; }
};

class StatsAggregator {
 public:
  using Commands = std::vector<std::vector<std::string>>;

  // Adds one line Parse accepted.
  void Add(const StatsLine& line);
  // Appends one HINCRBY per non-zero sum (totals and history) to `out`.
  void AppendCommands(Commands* out) const;
  void Clear();

  int64_t lines() const { return lines_; }
  // Calls f(version type id, totals) for every version type summed so far.
  void ForEachVersionType(const std::function<void(const std::string&, const StatsTotals&)>& f) const {
    for (const auto& [id, entry] : version_types_) f(id, entry.totals);
  }
  // The sums so far, or nullptr; for tests and the bench.
  const StatsTotals* VersionType(std::string_view id) const;
  const StatsTotals* Node(std::string_view id) const;

 private:
  struct Entry {
    StatsTotals totals;
    std::map<int64_t, StatsCounters> seconds;  // unix second → sums
    // Lines arrive in time order: the last second's counters are hit almost always.
    int64_t last_second = -1;
    StatsCounters* last = nullptr;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  using Map = std::unordered_map<std::string, Entry, Hash, std::equal_to<>>;

  static void AddTo(Map* map, std::string_view key, const StatsLine& line);
  static void AppendFor(const Map& map, std::string_view total_prefix, std::string_view history_prefix,
                        Commands* out);
  // The key as stored: unescaped when the line had escapes.
  std::string_view Key(std::string_view raw, bool escaped, std::string* scratch) const;

  Map version_types_;
  Map nodes_;
  int64_t lines_ = 0;
};

}  // namespace paasmaker::router::stats
