// The crons subsystem's narrow contexts (see lifecycle_context.h for the
// pattern), given at construction by the pacemaker's composition root.
#pragma once

#include "config/node_config.h"
#include "jobs/job_registry.h"
#include "jobs/job_store.h"
#include "pacemaker/crons/cron_store.h"
#include "pacemaker/node_uuid.h"
#include "pacemaker/store/application_store.h"
#include "pacemaker/store/node_store.h"

namespace paasmaker::pacemaker::crons {

// The scheduler (cron_runner.h).
struct CronRunnerContext {
  const config::NodeConfig& config;       // pacemaker.run_crons
  ApplicationStore& apps;                 // current versions and their crons
  CronStore& crons;                       // the slots claimed
  jobs::JobStore& job_store;              // where the runs' trees go
  const jobs::JobRegistry& job_registry;  // checks a tree before it is added
  const NodeUuid& node_uuid;              // the runs run here
};

// The cron job (cron_jobs.h).
struct CronJobsContext {
  ApplicationStore& apps;         // the type's RUNNING instances
  NodeStore& nodes;               // where they are
  const std::string& node_token;  // the application's cron secret is derived from it
};

}  // namespace paasmaker::pacemaker::crons
