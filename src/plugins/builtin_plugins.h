// The one table of built-in plugins. Every plugin a node can use is
// registered here, by its symbolic name (the names manifests and configs use).
#pragma once

#include "core/status.h"
#include "jobs/job_registry.h"

namespace paasmaker::pacemaker {
struct PacemakerContext;
}
namespace paasmaker::heart {
class Heart;
}

namespace paasmaker::plugins {

// The roles this node runs, for the plugins that act on them. A null role
// still gets its job types registered (any node validates any tree); they
// refuse to run there.
struct RoleHandles {
  pacemaker::PacemakerContext* pacemaker = nullptr;
  heart::Heart* heart = nullptr;
};

// Registers every built-in job type.
Status RegisterBuiltinJobs(jobs::JobRegistry& registry, const RoleHandles& roles = {});

}  // namespace paasmaker::plugins
