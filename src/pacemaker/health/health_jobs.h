// Health-check job plugins (SPEC §7), run on the pacemaker by the
// HealthManager's trees:
//
//   paasmaker.health.downnodes            silent ACTIVE nodes → DOWN, their instances DOWN, routes removed
//   paasmaker.health.stuckjobs            abort trees with WAITING/RUNNING jobs on DOWN nodes
//   paasmaker.health.routerdowninstances  routed instances not RUNNING (past a grace) → unrouted
//   paasmaker.health.adjustinstances      per RUNNING version and type: start what is missing
//                                         (ERROR instances count: never replaced elsewhere),
//                                         stop the surplus (unrouted, then worst score first)
//   paasmaker.health.stage                runs the next order of checks (see health_group_tree.h)
//
// Every node registers them (a tree is validated wherever it is built);
// with `ctx` absent (not the pacemaker) they fail saying so.
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "jobs/job_registry.h"
#include "model/job_types.h"
#include "pacemaker/health/health_context.h"

namespace paasmaker::pacemaker::health {

// The checks' type names are spelled once, in model/job_types.h.
namespace job_types = model::job_types;

// Seconds a routed instance may be not RUNNING before it is unrouted.
inline constexpr double kRouteGraceSeconds = 5;
// After a failed start/trim tree for a type, adjustinstances waits this long
// before trying again, so a broken type is not restarted every 2 s.
inline constexpr double kRetryAfterFailureSeconds = 30;

Status RegisterHealthJobs(jobs::JobRegistry& registry, const std::optional<HealthJobsContext>& ctx);

}  // namespace paasmaker::pacemaker::health
