// Jobs: tree, listing by tag, abort, logs (fetched from the node that ran
// the job) and a live server-sent-events stream of the tree and its logs.
#pragma once

#include <atomic>

#include "jobs/job_store.h"
#include "jobs/job_tree.h"
#include "pacemaker/endpoints/endpoint.h"
#include "pacemaker/job_access.h"

namespace paasmaker::pacemaker::endpoints {

struct JobsContext {
  const jobs::JobTree& job_tree;  // reads trees, live or archived
  jobs::JobStore& job_store;      // aborts
  NodeLogsContext logs;           // jobs' logs, on the nodes that ran them
  // Set before the HTTP server stops, so the stream ends.
  const std::atomic<bool>& stopping;
};

PM_ENDPOINT(JobsContext, nlohmann::json, ListJobs);
PM_ENDPOINT(JobsContext, nlohmann::json, ShowJob);
PM_ENDPOINT(JobsContext, nlohmann::json, AbortJob);
PM_ENDPOINT(JobsContext, api::Reply, JobLog);
PM_ENDPOINT(JobsContext, api::Reply, JobStream);

}  // namespace paasmaker::pacemaker::endpoints
