// Jobs: tree, listing by tag, abort, logs (fetched from the node that ran
// the job) and a live server-sent-events stream of the tree and its logs.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/concurrency_limit.h"
#include "jobs/job_store.h"
#include "jobs/job_tree.h"
#include "pacemaker/endpoints/endpoint.h"
#include "pacemaker/job_access.h"

namespace paasmaker::pacemaker::endpoints {

struct JobsContext {
  const jobs::JobTree& job_tree;  // reads trees, live or archived
  jobs::JobStore& job_store;      // aborts
  NodeLogsContext logs;           // jobs' logs, on the nodes that ran them
  ConcurrencyLimit& streams;      // open streams per user (pacemaker.max_streams*)
  // Set before the HTTP server stops, so the stream ends.
  const std::atomic<bool>& stopping;
};

// Where a job stream is: per job of the tree, the last state it sent and the
// log offset it sent up to (jobs it has not mentioned yet are absent). Every
// event of GET /api/v1/jobs/<id>/stream carries it as its SSE `id:`, so a
// client that reconnects with Last-Event-ID (or ?last_event_id=) gets only
// what it has not had. Wire form, `j1.<base64url, no padding, of JSON>`:
//   {"<key>": [<state>, <log offset>], ...}
// <key> is the job id's first 8 characters, or the whole id when another job
// of the tree shares those 8; <state> the JobState number (0 NEW, 1 WAITING,
// 2 RUNNING, 3 SUCCESS, 4 FAILED, 5 ABORTED). ~27 bytes a job.
struct JobStreamPosition {
  jobs::JobState state = jobs::JobState::kNew;
  uint64_t log_offset = 0;
  bool operator==(const JobStreamPosition&) const = default;
};
using JobStreamCursor = std::map<std::string, JobStreamPosition>;  // by full job id

// `tree_jobs` (in creation order) decides which keys need the whole id.
std::string EncodeJobStreamCursor(const JobStreamCursor& cursor, const std::vector<jobs::Job>& tree_jobs);
// Keys are matched against the tree's jobs (a short key to the oldest job
// whose id starts with it: the only one that had it when it was written);
// keys matching no job are dropped. InvalidArgument naming `text` when it is
// not such a cursor.
Result<JobStreamCursor> DecodeJobStreamCursor(const std::string& text, const std::vector<jobs::Job>& tree_jobs);

PM_ENDPOINT(JobsContext, nlohmann::json, ListJobs);
PM_ENDPOINT(JobsContext, nlohmann::json, ShowJob);
PM_ENDPOINT(JobsContext, nlohmann::json, AbortJob);
PM_ENDPOINT(JobsContext, api::Reply, JobLog);
PM_ENDPOINT(JobsContext, api::Reply, JobStream);

}  // namespace paasmaker::pacemaker::endpoints
