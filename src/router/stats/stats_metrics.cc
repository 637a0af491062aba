#include "router/stats/stats_metrics.h"

namespace paasmaker::router::stats {

StatsMetrics::StatsMetrics(metrics::Registry& registry)
    : requests_(registry.AddCounter("paasmaker_router_requests_total",
                                    "Requests through this router, by version type and status class")),
      upstream_(registry.AddHistogram("paasmaker_router_upstream_seconds",
                                      "Upstream (instance) response time of proxied requests",
                                      metrics::LatencyBuckets())),
      lines_(registry.AddCounter("paasmaker_router_stats_lines_total",
                                 "Lines of nginx's stats log read, by outcome")),
      lag_(registry.AddGauge("paasmaker_router_stats_lag_bytes",
                             "Bytes of nginx's stats log not yet counted into the stats Redis")) {}

StatsMetrics::Delta StatsMetrics::NewDelta() const {
  Delta delta;
  delta.upstream_counts.assign(upstream_.bounds().size() + 1, 0);
  return delta;
}

void StatsMetrics::ObserveUpstream(Delta& delta, int64_t upstream_ms) const {
  double seconds = static_cast<double>(upstream_ms) / 1000.0;
  ++delta.upstream_counts[upstream_.BucketOf(seconds)];
  delta.upstream_sum += seconds;
}

void StatsMetrics::Apply(const Delta& delta, uint64_t unread_bytes) {
  static const char* const kClasses[] = {"", "1xx", "2xx", "3xx", "4xx", "5xx"};
  for (const auto& [key, n] : delta.requests) {
    requests_.Add({{"version_type", key.first}, {"status_class", kClasses[key.second]}}, static_cast<double>(n));
  }
  upstream_.ObserveCounts({}, delta.upstream_counts, delta.upstream_sum);
  if (delta.lines > 0) lines_.Add({{"outcome", "counted"}}, static_cast<double>(delta.lines));
  if (delta.malformed > 0) lines_.Add({{"outcome", "malformed"}}, static_cast<double>(delta.malformed));
  lag_.Set({}, static_cast<double>(unread_bytes));
}

}  // namespace paasmaker::router::stats
