// PacemakerMetrics: what the pacemaker shows on GET /metrics (issue 15).
//
//   paasmaker_nodes{state}                          gauge, from SQL at scrape
//   paasmaker_instances{state}                      gauge, from SQL at scrape
//   paasmaker_job_trees_unfinished                  gauge, from the jobs Redis at scrape
//   paasmaker_job_trees_finished_total{type,state}  counter, root jobs that ended
//   paasmaker_job_tree_duration_seconds{type}       histogram, created → finished
//   paasmaker_health_actions_total{check}           counter, health checks that acted
//   paasmaker_api_requests_total{route,method,status}    counter
//   paasmaker_api_request_duration_seconds{route,method} histogram (handler
//       time; for a stream, until its first bytes are ready)
//
// Trees and health actions come from the `job.status` channel, which every
// transition publishes (jobs/job_store.h): a root that finished anywhere in
// the cluster, and a health check that finished with a summary (its actions;
// a check that changed nothing has none). Messages sent while the subscriber
// was disconnected are not counted: counters say what this pacemaker saw.
// The route label is the route table's pattern with each group as {} (a
// bounded set; never the raw path).
//
// Thread safety: ObserveApiRequest from any thread; the rest runs on the
// subscriber's and the scraping thread. Stores and the registry must outlive
// this.
#pragma once

#include <memory>
#include <string>

#include "core/redis_client.h"
#include "jobs/job_store.h"
#include "metrics/metrics.h"
#include "pacemaker/store/application_store.h"
#include "pacemaker/store/node_store.h"

namespace paasmaker::pacemaker {

// "/api/v1/jobs/([0-9a-f-]+)/log" → "/api/v1/jobs/{}/log".
std::string RouteLabel(const std::string& pattern);

class PacemakerMetrics {
 public:
  PacemakerMetrics(metrics::Registry& registry, NodeStore& nodes, ApplicationStore& apps,
                   jobs::JobStore& job_store, redis::Client& jobs_redis);
  ~PacemakerMetrics();
  PacemakerMetrics(const PacemakerMetrics&) = delete;
  PacemakerMetrics& operator=(const PacemakerMetrics&) = delete;

  void ObserveApiRequest(const std::string& route, const std::string& method, int status, double seconds);
  // One `job.status` message (public for tests).
  void OnJobStatus(const std::string& message);

 private:
  void Collect(metrics::Snapshot& snapshot);

  NodeStore& nodes_;
  ApplicationStore& apps_;
  jobs::JobStore& job_store_;
  redis::Client& jobs_redis_;
  metrics::Counter& api_requests_;
  metrics::Histogram& api_duration_;
  metrics::Counter& trees_finished_;
  metrics::Histogram& tree_duration_;
  metrics::Counter& health_actions_;
  metrics::Collection collection_;
  std::unique_ptr<redis::Subscriber> subscriber_;  // last: stopped first
};

}  // namespace paasmaker::pacemaker
