// Health history (SPEC §7): the most recent runs of the health-check groups.
#pragma once

#include "jobs/job_store.h"
#include "jobs/job_tree.h"
#include "pacemaker/endpoints/endpoint.h"

namespace paasmaker::pacemaker::endpoints {

struct HealthContext {
  jobs::JobStore& job_store;      // roots by tag
  const jobs::JobTree& job_tree;  // their trees, live or archived
};

PM_ENDPOINT(HealthContext, nlohmann::json, HealthHistory);

}  // namespace paasmaker::pacemaker::endpoints
