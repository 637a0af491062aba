// JobManager: runs the jobs assigned to one node (SPEC §6). Every node (any
// role) has one.
//
// It runs a job when the job is WAITING and all its children are SUCCESS:
// leaves first, siblings in parallel on a pool of worker threads, parents
// after their children. It hears of changes on the `job.status` channel and
// also polls every `poll_interval`, so a lost message only delays. A claim is
// one atomic script on the node's ready set (see JobStore), so two managers
// never start the same job, and nothing is started twice.
//
// Threads: one scheduler thread (claims, abort checks, result writes,
// recovery), one pub/sub thread, `workers` worker threads running plugins.
// Public methods may be called from any thread.
//
// Redis outages. While the jobs Redis is away the manager keeps retrying;
// running jobs go on. A job that ends while Redis is away keeps its result
// (state, summary, context writes) in memory and the scheduler retries the
// write until Redis is back; meanwhile the job stays RUNNING in Redis, so no
// one can start it again. Nothing is ever re-run to make up for a lost
// write: results are written at most once and jobs run at most once. If the
// process dies with unwritten results, those jobs stay RUNNING until the
// node's next manager starts and marks them ABORTED (aborting their trees) —
// the same as for any job that was running when a node died.
//
// Restart recovery. On start (as soon as Redis answers, before claiming
// anything) the manager marks the jobs its node still has RUNNING from an
// earlier life ABORTED and aborts their trees. Consequence: run one manager
// per node uuid; a second live manager with the same uuid would abort the
// jobs of the first if it started while they ran. (Tests may start two with
// the same uuid before any job exists, to race them.)
//
// Destruction is a hard stop, like a crash: claiming stops, running jobs are
// asked to abort so their threads can be joined, and their results are NOT
// written; the next manager of the node marks them ABORTED. Call Drain()
// first for a graceful stop.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/redis_client.h"
#include "core/result.h"
#include "jobs/job.h"
#include "jobs/job_context.h"
#include "jobs/job_logs.h"
#include "jobs/job_registry.h"
#include "jobs/job_store.h"

namespace paasmaker::jobs {

// (Every member has an initializer so designated initializers may skip any.)
struct JobManagerOptions {
  std::string node_uuid{};                        // required
  redis::Endpoint redis{};                        // the jobs Redis
  std::string log_dir{};                          // required; job logs go here
  const JobRegistry* registry = nullptr;          // required; must outlive the manager
  int workers = 4;                                // jobs run at once on this node
  std::chrono::milliseconds poll_interval{1000};  // safety net for lost messages
  Clock clock{};                                  // empty: the Redis server's clock
  bool listen = true;  // false: ignore job.status and rely on polling alone (tests)
};

class JobManager {
 public:
  // Starts the manager's threads. Redis need not be up: it retries.
  static Result<std::unique_ptr<JobManager>> Create(JobManagerOptions options);
  ~JobManager();
  JobManager(const JobManager&) = delete;
  JobManager& operator=(const JobManager&) = delete;

  const std::string& node_uuid() const { return options_.node_uuid; }

  // --- Building and controlling trees (any tree, from any node) --------------

  // Adds jobs as NEW, parents first (see JobStore::AddTree). Fills in missing
  // ids and nodes (this node), checks every type is registered and its
  // parameters valid. Returns the id of the first job.
  Result<std::string> AddTree(std::vector<JobSpec> jobs);
  // NEW -> WAITING for the whole tree of `job_id`; jobs then run.
  Status Start(const std::string& job_id);
  // Aborts the whole tree of `job_id` (same effect as a failure).
  Status Abort(const std::string& job_id, const std::string& reason = "Aborted by user.");
  Status Tag(const std::string& job_id, const std::string& tag);

  JobStore& store() { return store_; }
  const JobLogs& logs() const { return logs_; }

  // Stops claiming new jobs and waits until running jobs have ended and their
  // results are written. Timeout if that takes longer than `timeout`.
  Status Drain(std::chrono::milliseconds timeout);

  struct Stats {
    uint64_t started = 0;   // runs handed to workers
    uint64_t written = 0;   // results written to Redis
    size_t running = 0;     // claimed and not yet ended
    size_t unwritten = 0;   // ended, result waiting for Redis
    bool recovered = false; // restart recovery done
    uint64_t full_passes = 0;  // full scheduler passes (every poll interval)
  };
  Stats stats() const;

 private:
  struct Run;

  explicit JobManager(JobManagerOptions options);
  void SchedulerLoop();
  void Tick(bool full);
  bool Recover();
  void WriteUnwritten();
  void CheckAborts(bool all);
  void ClaimJobs();
  void AdoptOrphans();
  void RunCancellations();
  void Dispatch(Job job);
  void Execute(const std::shared_ptr<Run>& run);
  void Complete(const Completion& completion);
  void Enqueue(std::function<void()> task);
  void WorkerLoop();
  void OnMessage(const std::string& message);
  void Wake(bool full);
  void NoteRedis(const Status& status);

  const JobManagerOptions options_;
  const std::string runner_;  // this manager's claim token, new every life
  redis::Client client_;
  JobStore store_;
  JobLogs logs_;

  mutable std::mutex mutex_;
  std::condition_variable scheduler_cv_;
  std::condition_variable worker_cv_;
  std::condition_variable idle_cv_;
  bool wake_ = false;
  bool full_tick_requested_ = false;
  bool stopping_ = false;
  bool workers_stopping_ = false;
  bool draining_ = false;
  bool claiming_ = false;  // a Claim is in flight
  bool discard_results_ = false;
  bool recovered_ = false;
  bool redis_down_ = false;
  std::set<std::string> aborted_roots_;  // roots with a FAILED/ABORTED message since the last tick
  std::map<std::string, std::shared_ptr<Run>> running_;
  std::vector<Completion> unwritten_;
  std::deque<std::function<void()>> tasks_;
  Stats stats_;

  std::vector<std::thread> workers_;
  std::thread scheduler_;
  std::unique_ptr<redis::Subscriber> subscriber_;
};

}  // namespace paasmaker::jobs
