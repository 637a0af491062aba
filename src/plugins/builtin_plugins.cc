#include "plugins/builtin_plugins.h"

#include "jobs/test_jobs.h"

namespace paasmaker::plugins {

Status RegisterBuiltinJobs(jobs::JobRegistry& registry) {
  // paasmaker.job.test.{noop,sleep,fail,context,graft,shell}
  PM_RETURN_IF_ERROR(jobs::RegisterBuiltinTestJobs(registry));
  return Status::Ok();
}

}  // namespace paasmaker::plugins
