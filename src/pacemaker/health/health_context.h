// The health subsystem's narrow contexts (see lifecycle_context.h for the
// pattern): what the HealthManager and the health-check plugins act on,
// given at construction by the pacemaker's composition root.
#pragma once

#include "config/node_config.h"
#include "jobs/job_archive.h"
#include "jobs/job_registry.h"
#include "jobs/job_store.h"
#include "pacemaker/lifecycle/lifecycle_context.h"
#include "pacemaker/node_uuid.h"
#include "pacemaker/store/node_store.h"

namespace paasmaker::pacemaker::health {

// The scheduler of health-group trees (health_manager.h).
struct HealthManagerContext {
  const config::NodeConfig& config;       // pacemaker.health*, node_down_timeout
  NodeStore& nodes;                       // silence deadlines bring runs forward
  jobs::JobStore& job_store;              // where the groups' trees go
  jobs::JobArchive& job_archive;          // deletes the runs that changed nothing
  const jobs::JobRegistry& job_registry;  // checks each group's jobs before the first run
  const NodeUuid& node_uuid;              // the checks run here
};

// The health checks (health_jobs.h).
struct HealthJobsContext {
  const config::NodeConfig& config;  // node_down_timeout, cluster_hostname
  ApplicationStore& apps;
  NodeStore& nodes;
  WorkspaceStore& workspaces;
  lifecycle::RoutingTable& routing;
  jobs::JobStore& job_store;         // trees waiting on DOWN nodes; applications' trees under way
  const NodeUuid& node_uuid;         // the pacemaker's own node is never marked DOWN
  lifecycle::TreeContext trees;      // adjustinstances starts and trims instances
};

}  // namespace paasmaker::pacemaker::health
