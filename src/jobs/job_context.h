// JobContext: the narrow view a JobPlugin gets of one run of one job.
//
// Through it a plugin reads its job and parameters, reads and writes the
// tree context, writes its log, grafts subtrees, learns that it should stop,
// and reports how it ended. It never sees the manager, Redis or other jobs.
//
// Context writes (Set) are kept in the context and written to Redis together
// with the job's final state, in one atomic step: ancestors see them exactly
// when they see the job finished. Get sees this run's own writes first.
//
// Thread safety: all methods may be called from any thread (the plugin's
// Start on a worker, Abort from the scheduler, helper threads of a plugin).
// The JobManager owns the context; it lives until the run is over.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "jobs/job.h"
#include "jobs/job_logs.h"

namespace paasmaker::jobs {

class JobRegistry;
class JobStore;

class JobContext {
 public:
  JobContext(Job job, JobStore* store, const JobRegistry* registry, std::shared_ptr<JobLog> log);
  JobContext(const JobContext&) = delete;
  JobContext& operator=(const JobContext&) = delete;

  const Job& job() const { return job_; }
  const nlohmann::json& parameters() const { return job_.parameters; }

  // --- Tree context ---------------------------------------------------------
  // NotFound when the key is absent; Unavailable when Redis is away.
  Result<nlohmann::json> Get(const std::string& key) const;
  // The whole tree context (with this run's writes applied).
  Result<nlohmann::json> GetAll() const;
  void Set(const std::string& key, nlohmann::json value);

  // --- Log ------------------------------------------------------------------
  JobLog& log() { return *log_; }

  // --- Grafting -------------------------------------------------------------
  // Adds `subtree` (parents first) under subtree[0].parent_id, which must be a
  // WAITING job of this job's tree; it then waits for the subtree too. Jobs
  // without a node go to this job's node. The jobs are WAITING at once.
  // Returns the ids. FailedPrecondition under a RUNNING or finished job.
  Result<std::vector<std::string>> Graft(std::vector<JobSpec> subtree);

  // --- Outcome (report exactly one; later reports are ignored) ---------------
  void Succeeded(std::string summary);
  void Failed(std::string summary);
  void Aborted(std::string summary);

  // --- Abort ----------------------------------------------------------------
  bool abort_requested() const { return abort_requested_.load(); }
  // Sleeps for `duration` unless an abort is requested first; returns true if
  // the whole duration passed, false if woken by an abort.
  bool SleepUnlessAborted(std::chrono::milliseconds duration);

  // --- For the JobManager -----------------------------------------------------
  struct Outcome {
    bool reported = false;
    JobState state = JobState::kFailed;
    std::string summary;
  };
  void RequestAbort();
  Outcome outcome() const;
  std::map<std::string, nlohmann::json> context_writes() const;

 private:
  void Report(JobState state, std::string summary);

  const Job job_;
  JobStore* const store_;
  const JobRegistry* const registry_;
  const std::shared_ptr<JobLog> log_;

  std::atomic<bool> abort_requested_{false};
  mutable std::mutex mutex_;
  std::condition_variable abort_cv_;
  Outcome outcome_;
  std::map<std::string, nlohmann::json> writes_;
};

}  // namespace paasmaker::jobs
