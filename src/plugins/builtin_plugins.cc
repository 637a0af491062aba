#include "plugins/builtin_plugins.h"

#include "heart/heart_jobs.h"
#include "jobs/test_jobs.h"
#include "pacemaker/crons/cron_jobs.h"
#include "pacemaker/health/health_jobs.h"
#include "pacemaker/lifecycle/lifecycle_jobs.h"
#include "pacemaker/family_contexts.h"
#include "pacemaker/pacemaker_context.h"
#include "pacemaker/prepare/prepare_jobs.h"

namespace paasmaker::plugins {

namespace {

// The family's narrow context on the pacemaker, nothing elsewhere.
template <typename Build>
auto OnPacemaker(pacemaker::PacemakerContext* root, Build build) -> std::optional<decltype(build(*root))> {
  if (root == nullptr) return std::nullopt;
  return build(*root);
}

}  // namespace

Status RegisterBuiltinJobs(jobs::JobRegistry& registry, const RoleHandles& roles, TestJobs test_jobs) {
  namespace pm = pacemaker;
  // paasmaker.job.test.{noop,sleep,fail,context,graft,shell}: tests only.
  if (test_jobs == TestJobs::kOn) PM_RETURN_IF_ERROR(jobs::RegisterBuiltinTestJobs(registry));
  // paasmaker.job.{group,placement.select,instance.store,instance.state,routing.update,
  //                version.state,version.current,version.delete,application.delete}
  PM_RETURN_IF_ERROR(pm::lifecycle::RegisterLifecycleJobs(registry, OnPacemaker(roles.pacemaker, pm::LifecycleJobsContextOf)));
  // paasmaker.health.{downnodes,stuckjobs,routerdowninstances,adjustinstances,stage}
  PM_RETURN_IF_ERROR(pm::health::RegisterHealthJobs(registry, OnPacemaker(roles.pacemaker, pm::HealthJobsContextOf)));
  // paasmaker.job.prepare.{scm,manifest,services,commands,pack,root}
  PM_RETURN_IF_ERROR(pm::prepare::RegisterPrepareJobs(registry, OnPacemaker(roles.pacemaker, pm::PrepareJobsContextOf)));
  // paasmaker.job.cron
  PM_RETURN_IF_ERROR(pm::crons::RegisterCronJobs(registry, OnPacemaker(roles.pacemaker, pm::CronJobsContextOf)));
  // paasmaker.job.heart.{register,startup,start,stop,deregister}
  PM_RETURN_IF_ERROR(heart::RegisterHeartJobs(registry, roles.heart));
  return Status::Ok();
}

}  // namespace paasmaker::plugins
