// The one table of built-in plugins. Every plugin a node can use is
// registered here, by its symbolic name (the names manifests and configs use).
#pragma once

#include "core/status.h"
#include "jobs/job_registry.h"

namespace paasmaker::plugins {

// Registers every built-in job type.
Status RegisterBuiltinJobs(jobs::JobRegistry& registry);

}  // namespace paasmaker::plugins
