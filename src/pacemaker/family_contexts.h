// The narrow contexts of the pacemaker's plugin families and subsystems,
// built from the composition root (PacemakerContext, which owns what they
// refer to). Only the root's owner and the plugin table call these.
#pragma once

#include "pacemaker/crons/cron_context.h"
#include "pacemaker/health/health_context.h"
#include "pacemaker/lifecycle/lifecycle_context.h"
#include "pacemaker/pacemaker_context.h"
#include "pacemaker/prepare/prepare_jobs.h"

namespace paasmaker::pacemaker {

lifecycle::TreeContext TreeContextOf(PacemakerContext& ctx);
lifecycle::LifecycleJobsContext LifecycleJobsContextOf(PacemakerContext& ctx);
health::HealthManagerContext HealthManagerContextOf(PacemakerContext& ctx);
health::HealthJobsContext HealthJobsContextOf(PacemakerContext& ctx);
prepare::PrepareJobsContext PrepareJobsContextOf(PacemakerContext& ctx);
crons::CronRunnerContext CronRunnerContextOf(PacemakerContext& ctx);
crons::CronJobsContext CronJobsContextOf(PacemakerContext& ctx);

}  // namespace paasmaker::pacemaker
