#include "pacemaker/family_contexts.h"

#include "pacemaker/lifecycle/trees.h"
#include "pacemaker/services/application_services.h"

namespace paasmaker::pacemaker {

lifecycle::TreeContext TreeContextOf(PacemakerContext& ctx) {
  return {ctx.apps, ctx.nodes, ctx.job_store, *ctx.job_registry, ctx.node_uuid};
}

lifecycle::LifecycleJobsContext LifecycleJobsContextOf(PacemakerContext& ctx) {
  return {ctx.config,      ctx.apps,        ctx.nodes,
          ctx.workspaces,  ctx.routing,     ctx.stats_redis,
          services::MakeServiceContext(ctx.config, ctx.service_daemons)};
}

health::HealthManagerContext HealthManagerContextOf(PacemakerContext& ctx) {
  return {ctx.config, ctx.nodes, ctx.job_store, *ctx.job_registry, ctx.node_uuid};
}

health::HealthJobsContext HealthJobsContextOf(PacemakerContext& ctx) {
  return {ctx.config,    ctx.apps,      ctx.nodes,     ctx.workspaces,
          ctx.routing,   ctx.job_store, ctx.node_uuid, TreeContextOf(ctx)};
}

prepare::PrepareJobsContext PrepareJobsContextOf(PacemakerContext& ctx) {
  return {ctx.config, ctx.apps, ctx.workspaces, ctx.job_store,
          services::MakeServiceContext(ctx.config, ctx.service_daemons)};
}

// Until the composition root's users pass the narrow forms.
namespace lifecycle {
Lifecycle::Lifecycle(PacemakerContext& ctx) : ctx_(TreeContextOf(ctx)) {}
}  // namespace lifecycle
namespace prepare {
Result<std::vector<jobs::JobSpec>> BuildPrepareTree(PacemakerContext& ctx, const std::string& workspace_id,
                                                    const nlohmann::json& scm, const std::string& manifest_path) {
  return BuildPrepareTree(ctx.config, ctx.node_uuid, workspace_id, scm, manifest_path);
}
}  // namespace prepare

}  // namespace paasmaker::pacemaker
