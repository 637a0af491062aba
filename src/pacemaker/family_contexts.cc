#include "pacemaker/family_contexts.h"

#include "pacemaker/services/application_services.h"

namespace paasmaker::pacemaker {

lifecycle::TreeContext TreeContextOf(PacemakerContext& ctx) {
  return {ctx.apps, ctx.nodes, ctx.job_store, ctx.job_registry, ctx.node_uuid};
}

lifecycle::LifecycleJobsContext LifecycleJobsContextOf(PacemakerContext& ctx) {
  return {ctx.config,      ctx.apps,        ctx.nodes,
          ctx.workspaces,  ctx.routing,     ctx.stats_redis,
          services::MakeServiceContext(ctx.config, ctx.service_daemons), ctx.node_token};
}

health::HealthManagerContext HealthManagerContextOf(PacemakerContext& ctx) {
  return {ctx.config, ctx.nodes, ctx.job_store, ctx.job_archive, ctx.job_registry, ctx.node_uuid};
}

crons::CronRunnerContext CronRunnerContextOf(PacemakerContext& ctx) {
  return {ctx.config, ctx.apps, ctx.cron_store, ctx.job_store, ctx.job_registry, ctx.node_uuid};
}

crons::CronJobsContext CronJobsContextOf(PacemakerContext& ctx) { return {ctx.apps, ctx.nodes, ctx.node_token}; }

health::HealthJobsContext HealthJobsContextOf(PacemakerContext& ctx) {
  return {ctx.config,    ctx.apps,      ctx.nodes,     ctx.workspaces,
          ctx.routing,   ctx.job_store, ctx.node_uuid, TreeContextOf(ctx)};
}

prepare::PrepareJobsContext PrepareJobsContextOf(PacemakerContext& ctx) {
  return {ctx.config, ctx.apps, ctx.workspaces, ctx.job_store,
          services::MakeServiceContext(ctx.config, ctx.service_daemons)};
}

}  // namespace paasmaker::pacemaker
