#include "plugins/builtin_plugins.h"

#include "heart/heart_jobs.h"
#include "jobs/test_jobs.h"
#include "pacemaker/health/health_jobs.h"
#include "pacemaker/lifecycle/lifecycle_jobs.h"
#include "pacemaker/pacemaker_context.h"
#include "pacemaker/prepare/prepare_jobs.h"

namespace paasmaker::plugins {

Status RegisterBuiltinJobs(jobs::JobRegistry& registry, const RoleHandles& roles, TestJobs test_jobs) {
  // paasmaker.job.test.{noop,sleep,fail,context,graft,shell}: tests only.
  if (test_jobs == TestJobs::kOn) PM_RETURN_IF_ERROR(jobs::RegisterBuiltinTestJobs(registry));
  // paasmaker.job.{group,placement.select,instance.store,instance.state,routing.update,
  //                version.state,version.current,version.delete,application.delete}
  PM_RETURN_IF_ERROR(pacemaker::lifecycle::RegisterLifecycleJobs(registry, roles.pacemaker));
  // paasmaker.health.{downnodes,stuckjobs,routerdowninstances,adjustinstances,stage}
  PM_RETURN_IF_ERROR(pacemaker::health::RegisterHealthJobs(registry, roles.pacemaker));
  // paasmaker.job.prepare.{scm,manifest,services,commands,pack,root}
  PM_RETURN_IF_ERROR(pacemaker::prepare::RegisterPrepareJobs(
      registry, roles.pacemaker, roles.pacemaker ? roles.pacemaker->service_daemons : nullptr));
  // paasmaker.job.heart.{register,startup,start,stop,deregister}
  PM_RETURN_IF_ERROR(heart::RegisterHeartJobs(registry, roles.heart));
  return Status::Ok();
}

}  // namespace paasmaker::plugins
