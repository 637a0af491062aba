// The pacemaker's lifecycle job plugins (docs/lifecycle.md, "Pacemaker jobs"):
// placement, port bookkeeping, routing updates, version and instance states,
// deletions. They run on the pacemaker node and act on its SQL state and the
// routing table; the heart's jobs (src/heart) do the work on the hearts.
//
// `ctx` is absent on nodes without the pacemaker role: the plugins are still
// registered there (any node can validate any tree) but refuse to run.
#pragma once

#include <optional>

#include "core/status.h"
#include "jobs/job_registry.h"
#include "pacemaker/lifecycle/lifecycle_context.h"

namespace paasmaker::pacemaker::lifecycle {

Status RegisterLifecycleJobs(jobs::JobRegistry& registry, const std::optional<LifecycleJobsContext>& ctx);

}  // namespace paasmaker::pacemaker::lifecycle
