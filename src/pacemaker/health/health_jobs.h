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
// with `ctx` null (not the pacemaker) they fail saying so.
#pragma once

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "jobs/job_registry.h"

namespace paasmaker::pacemaker {
struct PacemakerContext;
}

namespace paasmaker::pacemaker::health {

namespace job_types {
inline constexpr const char* kDownNodes = "paasmaker.health.downnodes";
inline constexpr const char* kStuckJobs = "paasmaker.health.stuckjobs";
inline constexpr const char* kRouterDownInstances = "paasmaker.health.routerdowninstances";
inline constexpr const char* kAdjustInstances = "paasmaker.health.adjustinstances";
inline constexpr const char* kStage = "paasmaker.health.stage";
}  // namespace job_types

// Seconds a routed instance may be not RUNNING before it is unrouted.
inline constexpr double kRouteGraceSeconds = 5;
// After a failed start/trim tree for a type, adjustinstances waits this long
// before trying again, so a broken type is not restarted every 2 s.
inline constexpr double kRetryAfterFailureSeconds = 30;

Status RegisterHealthJobs(jobs::JobRegistry& registry, PacemakerContext* ctx);

}  // namespace paasmaker::pacemaker::health
