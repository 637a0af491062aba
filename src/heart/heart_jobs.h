// The heart's job plugins (docs/lifecycle.md, "Heart jobs"):
//   paasmaker.job.heart.register    {"instance": InstanceSpec}  context port-<id>
//   paasmaker.job.heart.startup     {"instance_id"}
//   paasmaker.job.heart.start       {"instance_id"}              context state-<id>
//   paasmaker.job.heart.stop        {"instance_id"}
//   paasmaker.job.heart.deregister  {"instance_id"}
//
// Every node registers them (any node may validate a tree); `heart` is null on
// a node without the heart role, and then every run fails saying so. They
// have the one job shape (jobs/role_job.h). The
// registry keeps the plugins; `heart` must outlive the job manager.
#pragma once

#include "core/status.h"
#include "jobs/job_registry.h"

namespace paasmaker::heart {

class Heart;

Status RegisterHeartJobs(jobs::JobRegistry& registry, Heart* heart);

}  // namespace paasmaker::heart
