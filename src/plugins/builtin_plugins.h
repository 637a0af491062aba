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

// Whether the paasmaker.job.test.* types (jobs/test_jobs.h) are registered
// too. They exist for tests only (test.shell runs any command it is given):
// a node turns them on with the config switch testing.job_plugins, which no
// default config sets. Off, a job of those types is an unknown plugin there
// and fails without running.
enum class TestJobs { kOff, kOn };

// Registers every built-in job type (and the test types when asked).
Status RegisterBuiltinJobs(jobs::JobRegistry& registry, const RoleHandles& roles = {},
                           TestJobs test_jobs = TestJobs::kOff);

}  // namespace paasmaker::plugins
