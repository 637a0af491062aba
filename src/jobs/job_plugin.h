// JobPlugin: what one job type does. A job's `type` is a plugin name, e.g.
// "paasmaker.job.test.sleep"; every node registers every job plugin (a tree
// built on one node may have jobs that run on another), except the test
// types, which only test configs turn on (plugins/builtin_plugins.h).
//
// A plugin object is shared by all jobs of its type and all threads, so it
// keeps no per-run state in itself: per-run state lives in the JobContext,
// which is the same object for Start, Abort and the outcome of one run.
//
// Lifecycle of one run, on the node the job is assigned to:
//   Start(ctx)   on a worker thread; does the work and reports exactly one of
//                ctx.Succeeded / ctx.Failed / ctx.Aborted before returning.
//                Returning without a report (or throwing) counts as FAILED.
//   Abort(ctx)   at most once per run, from the manager's scheduler thread,
//                while Start is still running, when the job's tree is being
//                aborted (a related job failed, or a user aborted it). It only
//                asks: it must return quickly; Start then reports Aborted.
//                ctx.abort_requested() is already true when Abort is called.
//   Cancelled(ctx)  at most once, on a worker thread, for a job that was
//                aborted before it ever ran (it was NEW or WAITING): the place
//                to undo what the tree prepared for it.
//
// Plugins of a role (the pacemaker's families, the heart's) take this
// contract through jobs/role_job.h, which turns a Result into the one report
// and runs their clean-up; ValidateParameters uses jobs/job_parameters.h.
// Only the test types (test_jobs.h) implement it raw, to exercise it.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace paasmaker::jobs {

class JobContext;

class JobPlugin {
 public:
  virtual ~JobPlugin() = default;

  virtual std::string name() const = 0;
  // Checked when a job is added (and when grafted): a clear error for bad input.
  virtual Status ValidateParameters(const nlohmann::json& parameters) const = 0;
  virtual void Start(JobContext& context) const = 0;
  virtual void Abort(JobContext& context) const {}
  virtual void Cancelled(JobContext& context) const {}
};

}  // namespace paasmaker::jobs
