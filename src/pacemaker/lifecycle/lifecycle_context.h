// The lifecycle subsystem's narrow contexts: what each of its pieces acts
// on, given at construction by the pacemaker's composition root
// (pacemaker_context.h), so that none of them sees the whole pacemaker.
// Structs of references: they are copied freely and must not outlive the
// pacemaker (Pacemaker::Stop() ends every user first).
#pragma once

#include "config/node_config.h"
#include "core/redis_client.h"
#include "jobs/job_registry.h"
#include "jobs/job_store.h"
#include "pacemaker/lifecycle/routing_table.h"
#include "pacemaker/node_uuid.h"
#include "pacemaker/services/service_plugin.h"
#include "pacemaker/store/application_store.h"
#include "pacemaker/store/node_store.h"
#include "pacemaker/store/workspace_store.h"

namespace paasmaker::pacemaker::lifecycle {

// What starts lifecycle trees (Lifecycle, trees.h): the SQL state they are
// built from, the node's job registry that checks every job before the tree
// is added, and the job store they go to. Their pacemaker jobs run on this
// node (node_uuid).
struct TreeContext {
  ApplicationStore& apps;
  NodeStore& nodes;
  jobs::JobStore& job_store;
  const jobs::JobRegistry& job_registry;
  const NodeUuid& node_uuid;
};

// What the lifecycle job plugins act on (lifecycle_jobs.h).
struct LifecycleJobsContext {
  const config::NodeConfig& config;  // cluster_hostname; the filesystem service's directory
  ApplicationStore& apps;
  NodeStore& nodes;
  WorkspaceStore& workspaces;
  RoutingTable& routing;
  redis::Client& stats_redis;        // the version-type sets the stats API sums over
  services::ServiceContext services;  // to remove a deleted application's services
  const std::string& node_token;      // each application's cron secret is derived from it (crons/cron_secret.h)
};

}  // namespace paasmaker::pacemaker::lifecycle
