// JobStore: job trees in the jobs Redis, and every state transition on them.
//
// Each transition is one Lua script (EVAL), so it is atomic: a job is claimed
// (WAITING -> RUNNING) by exactly one runner once; a finished state is never
// overwritten; a failure aborts the rest of its tree in the same step as the
// failure is recorded. Each script also publishes the changes it makes on the
// `job.status` channel as JSON {job_id, root_id, parent_id, state, node,
// summary}. Scripts are safe to resend after a lost reply (they recognise
// their own earlier effect), because redis::Client may resend a command once.
//
// Redis layout (values in a job hash are strings; JSON where noted):
//
//   job:<id>                    HASH  id type parameters(JSON) node state title
//                                     summary created started finished parent
//                                     root blockers runner batch
//                                     (blockers = direct children not SUCCESS,
//                                     runner = token of the runner that claimed it)
//   job:<id>:children           SET   ids of direct children
//   jobtree:<root>:jobs         SET   ids of every job of the tree
//   jobtree:<root>:context      HASH  key -> JSON value (the tree context)
//   jobtree:<root>:tags         SET   tags of the root
//   jobtree:<root>:aborting     STRING the reason; set once the tree is aborting
//   jobs:roots                  ZSET  root ids by creation time
//   jobs:tag:<tag>              ZSET  root ids by creation time
//   jobs:finished               ZSET  root ids by the time the root finished
//   jobs:node:<uuid>:waiting    SET   WAITING jobs assigned to the node
//   jobs:node:<uuid>:ready      SET   WAITING jobs of the node with blockers == 0
//                                     (an index; Claim re-checks the hash)
//   jobs:node:<uuid>:running    SET   RUNNING jobs of the node
//   jobs:node:<uuid>:cancelled  SET   jobs aborted before they ran whose
//                                     JobPlugin::Cancelled is still due
//   jobs:archived               HASH  job id -> root id, for archived trees
//
// So a node's "what can I run now" is one SPOP on its own ready set, not a
// scan of all jobs.
//
// Thread safety: all methods may be called from any thread (they only use
// the redis::Client, which serialises commands). The client and clock must
// outlive the store.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/redis_client.h"
#include "core/result.h"
#include "jobs/job.h"

namespace paasmaker::jobs {

// The pub/sub channel every state change is published on.
inline constexpr const char* kJobStatusChannel = "job.status";

// The end of one run of a job, as its runner reports it.
struct Completion {
  std::string job_id;
  std::string runner;  // the token the job was claimed with
  JobState state = JobState::kSuccess;  // SUCCESS, FAILED or ABORTED
  std::string summary;
  std::map<std::string, nlohmann::json> context;  // written into the tree context atomically
};

// A whole tree as read in one go (from Redis or from an archive file).
struct TreeSnapshot {
  std::string root_id;
  std::vector<Job> jobs;  // in creation order
  nlohmann::json context = nlohmann::json::object();
  std::vector<std::string> tags;
};

// One page of roots, newest first.
struct RootPage {
  std::vector<std::string> root_ids;
  int64_t total = 0;
};

class JobStore {
 public:
  // Transition times come from the Redis server's clock (one clock for the
  // whole cluster), unless `clock` is given (tests that move time).
  explicit JobStore(redis::Client* client, Clock clock = nullptr);

  // --- Building trees -------------------------------------------------------

  // Adds jobs as NEW, parents before children. A job's parent is either
  // earlier in `jobs` or an existing NEW/WAITING job (whose tree it joins).
  // Every spec needs id, type and node.
  Status AddTree(const std::vector<JobSpec>& jobs);
  // Adds a subtree under an existing WAITING job, already WAITING (so it can
  // run at once); that job then waits for it too. Refused under a RUNNING or
  // finished job, or in an aborting tree.
  Status Graft(const std::vector<JobSpec>& jobs);
  // NEW -> WAITING for every job of the tree holding `job_id`.
  Status StartTree(const std::string& job_id);
  // Tags the root of `job_id`'s tree.
  Status AddTag(const std::string& job_id, const std::string& tag);

  // --- Transitions ----------------------------------------------------------

  // Makes up to `max` ready jobs of `node` RUNNING for `runner` and returns them.
  Result<std::vector<Job>> Claim(const std::string& node, const std::string& runner, int max);
  // Records how a RUNNING job ended (and its context writes). SUCCESS may make
  // its parent ready; FAILED/ABORTED abort the rest of the tree.
  // FailedPrecondition if the job is not RUNNING for completion.runner.
  Status Finish(const Completion& completion);
  // Aborts the tree of `job_id` (any job of it); `reason` becomes the summary
  // of that job if it had not started.
  Status AbortTree(const std::string& job_id, const std::string& reason);
  // RUNNING jobs of `node` not run by `runner` become ABORTED and their trees
  // are aborted: a node that restarts cannot finish what it was running.
  Result<std::vector<std::string>> RecoverNode(const std::string& node, const std::string& runner,
                                               const std::string& reason);
  // Jobs RUNNING for `runner` on `node` that are not in `known`.
  Result<std::vector<Job>> FindOrphans(const std::string& node, const std::string& runner,
                                       const std::vector<std::string>& known);
  // Ids of the jobs assigned to `node` that wait for it or run there (its
  // waiting and running indexes; an id may name a job that just finished).
  Result<std::vector<std::string>> QueuedOrRunningOn(const std::string& node);
  // Removes and returns up to `max` jobs whose Cancelled handler is due.
  Result<std::vector<std::string>> TakeCancelled(const std::string& node, int max);
  // Writes keys into a tree context directly (outside a Finish).
  Status WriteContext(const std::string& root_id, const std::map<std::string, nlohmann::json>& values);

  // --- Reads ----------------------------------------------------------------

  // NotFound if the job is not in Redis (it may be archived).
  Result<Job> Get(const std::string& job_id);
  // nullopt when the key is absent.
  Result<std::optional<nlohmann::json>> GetContextValue(const std::string& root_id,
                                                        const std::string& key);
  Result<nlohmann::json> GetContext(const std::string& root_id);
  // For each root, whether its tree is aborting.
  Result<std::map<std::string, bool>> TreesAborting(const std::vector<std::string>& root_ids);
  Result<TreeSnapshot> ReadTree(const std::string& root_id);
  Result<RootPage> ListRootsByTag(const std::string& tag, int64_t offset, int64_t limit);

  // --- Housekeeping (used by JobArchive) -------------------------------------

  // Oldest first, a page of `limit` from `offset`.
  Result<std::vector<std::string>> FinishedRootsBefore(double time, int64_t offset, int64_t limit);
  Result<std::vector<std::string>> RootsCreatedBefore(double time, int64_t offset, int64_t limit);
  // Deletes a finished tree's data, keeping tag/roots indexes and recording
  // each job id in jobs:archived. FailedPrecondition if a job is unfinished;
  // NotFound (after dropping it from jobs:finished) if the tree is gone.
  Status RemoveArchivedTree(const std::string& root_id);
  // nullopt if the job was never archived.
  Result<std::optional<std::string>> ArchivedRootOf(const std::string& job_id);
  // Drops the index entries of an archived tree.
  Status ForgetTree(const std::string& root_id, const std::vector<std::string>& job_ids,
                    const std::vector<std::string>& tags);

  // The store's idea of now (the injected clock, else this host's clock),
  // for age cut-offs.
  double Now() const;

 private:
  std::string TimeArg() const;
  Result<redis::Reply> Eval(const std::string& script, std::vector<std::string> argv);
  Status AddJobs(const std::vector<JobSpec>& jobs, JobState mode);
  Result<std::vector<Job>> JobsFromReply(const redis::Reply& reply);

  redis::Client* client_;
  Clock clock_;
};

// "%.6f" of a unix time, as stored in Redis.
std::string FormatTime(double time);

}  // namespace paasmaker::jobs
