// The health-check groups a pacemaker runs (config + the built-in default
// group) and the job tree of one run of a group. Pure; thread compatible.
//
// One run of a group with orders 10, 20, 30:
//
//   root paasmaker.job.group  tags health, health:<group>
//    └─ stage (remaining orders: [[20...], [30...]])
//        ├─ order-10 check    (parallel)
//        └─ order-10 check
//
// When the order-10 checks have all succeeded the stage runs and grafts the
// next stage with the order-20 checks under the root, and so on (a job has
// one parent, so "every order-20 check waits for every order-10 check" is
// drawn this way; see StageJob in health_jobs.cc).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/node_config.h"
#include "jobs/job.h"
#include "jobs/job_store.h"

namespace paasmaker::pacemaker::health {

inline constexpr const char* kDefaultGroupName = "default";
inline constexpr double kDefaultGroupPeriodSeconds = 2;

// The built-in group: every 2 s, downnodes (order 10); stuckjobs and
// routerdowninstances (20); adjustinstances (30).
config::HealthGroupConfig DefaultHealthGroup();

// The configured groups, plus the default group when
// pacemaker.health.use_default_group is set and no configured group is
// named `default` (a configured one replaces it).
std::vector<config::HealthGroupConfig> EffectiveHealthGroups(const config::NodeConfig& config);

// The checks of a group by order, lowest first; checks of one order keep
// their configured order.
std::vector<std::vector<config::HealthCheckConfig>> ChecksByOrder(const config::HealthGroupConfig& group);

// Run-time parameters the pacemaker adds to the configured ones.
struct RunParameters {
  double node_down_timeout = 10;  // downnodes' `timeout` unless the group sets one
  double not_before = 0;          // unix time before which downnodes marks nothing DOWN
};

// The silence timeout of the group's downnodes check (its `timeout`
// parameter, else the run's node_down_timeout); nullopt without downnodes.
std::optional<double> DownNodesTimeout(const config::HealthGroupConfig& group, const RunParameters& run);

// One run of `group` as a tree assigned to `node`: root first.
std::vector<jobs::JobSpec> BuildGroupTree(const config::HealthGroupConfig& group, const std::string& node,
                                          const RunParameters& run);

// What a run did: its jobs, other than the root and the plumbing (stages,
// groups), that left a summary. A check that changed nothing leaves its
// summary empty (health_jobs.cc); a failed or aborted one says why.
std::vector<const jobs::Job*> RunActions(const jobs::TreeSnapshot& tree);

// A run that finished with every job SUCCESS and no action: nothing to look
// back on, so it is deleted after pacemaker.health.quiet_run_max_age rather
// than kept for the job max age (HealthManager).
bool IsQuietRun(const jobs::TreeSnapshot& tree);

}  // namespace paasmaker::pacemaker::health
