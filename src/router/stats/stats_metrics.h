// StatsMetrics: the router's metrics (GET /metrics, issue 15), fed by the
// StatsReader after each batch is written to the stats Redis — so they
// count what the stats count, once, off nginx's request path.
//
//   paasmaker_router_requests_total{version_type,status_class}  counter
//       (version_type "null": no route matched)
//   paasmaker_router_upstream_seconds      histogram of upstream response
//       times (every try of a retried request summed)
//   paasmaker_router_stats_lines_total{outcome="counted|malformed"}  counter
//   paasmaker_router_stats_lag_bytes       gauge: stats log not yet counted
//
// A batch whose write failed is read again later and observed then, not
// twice. Thread safety: the families are; a Delta belongs to one reader.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "metrics/metrics.h"

namespace paasmaker::router::stats {

class StatsMetrics {
 public:
  explicit StatsMetrics(metrics::Registry& registry);

  // What one batch adds, gathered while it is read.
  struct Delta {
    std::map<std::pair<std::string, int>, int64_t> requests;  // (version type, status class 1..5)
    std::vector<uint64_t> upstream_counts;                    // Histogram::ObserveCounts shape
    double upstream_sum = 0;
    int64_t lines = 0;
    int64_t malformed = 0;
  };
  Delta NewDelta() const;
  void ObserveUpstream(Delta& delta, int64_t upstream_ms) const;
  // After the batch was written.
  void Apply(const Delta& delta, uint64_t unread_bytes);

 private:
  metrics::Counter& requests_;
  metrics::Histogram& upstream_;
  metrics::Counter& lines_;
  metrics::Gauge& lag_;
};

}  // namespace paasmaker::router::stats
