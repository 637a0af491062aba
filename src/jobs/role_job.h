// RoleJob<Role>: the one shape of a job plugin that acts on a node role (the
// pacemaker's lifecycle, health and prepare families; the heart's jobs).
// Role is the narrow context the family is given at construction (a struct
// of references, or the role object itself); absent on a node without that
// role, where the type is still registered (any node validates any tree)
// but refuses to run.
//
// One way to fail: Run returns the SUCCESS summary, or the Status that says
// why not. An error is written to the job's log (with its code) and becomes
// the summary: FAILED, or ABORTED when the tree was being aborted meanwhile
// (JobPlugin's contract: after Abort, Start reports Aborted). Either way
// CleanUp runs first, and it runs for a job cancelled before it ever ran, so
// a family that prepares something for its tree (prepare's work dir) undoes
// it in one place.
//
// Threads: as JobPlugin (shared by all runs; per-run state in JobContext).
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "core/result.h"
#include "jobs/job_context.h"
#include "jobs/job_plugin.h"

namespace paasmaker::jobs {

template <typename Role>
class RoleJob : public JobPlugin {
 public:
  // `role_name` completes "this node has no … role" on nodes without it.
  RoleJob(std::string name, std::optional<Role> role, std::string role_name)
      : name_(std::move(name)), role_(std::move(role)), role_name_(std::move(role_name)) {}

  std::string name() const final { return name_; }

  void Start(JobContext& c) const final {
    if (!role_) {
      const std::string why = "this node has no " + role_name_ + " role; " + name_ + " runs only there";
      c.log().Error(why);
      return c.Failed(why);
    }
    Result<std::string> summary = Run(*role_, c);
    if (summary.ok()) return c.Succeeded(*summary);
    CleanUp(*role_, c);
    const Status& why = summary.status();
    if (c.abort_requested()) {
      c.log().Warning("Aborted: " + why.ToString());
      return c.Aborted("Aborted: " + why.message());
    }
    c.log().Error(why.ToString());
    c.Failed(why.message());
  }

  void Cancelled(JobContext& c) const final {
    if (role_) CleanUp(*role_, c);
  }

 protected:
  virtual Result<std::string> Run(const Role& role, JobContext& c) const = 0;
  // Undoes what the tree prepared for this job; after a failed run and for a
  // cancelled job. Must tolerate finding nothing to undo.
  virtual void CleanUp(const Role& role, JobContext& c) const {}

 private:
  std::string name_;
  std::optional<Role> role_;
  std::string role_name_;
};

}  // namespace paasmaker::jobs
