#include "plugins/builtin_plugins.h"

#include "jobs/test_jobs.h"
#include "pacemaker/lifecycle/lifecycle_jobs.h"

namespace paasmaker::plugins {

Status RegisterBuiltinJobs(jobs::JobRegistry& registry, const RoleHandles& roles) {
  // paasmaker.job.test.{noop,sleep,fail,context,graft,shell}
  PM_RETURN_IF_ERROR(jobs::RegisterBuiltinTestJobs(registry));
  // paasmaker.job.{group,placement.select,instance.store,instance.state,routing.update,
  //                version.state,version.current,version.delete,application.delete}
  PM_RETURN_IF_ERROR(pacemaker::lifecycle::RegisterLifecycleJobs(registry, roles.pacemaker));
  return Status::Ok();
}

}  // namespace paasmaker::plugins
