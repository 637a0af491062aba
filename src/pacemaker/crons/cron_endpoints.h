// The crons API (SPEC §8.5): an application's crons (of its current
// version) with their next slot and last run, a cron's recent runs, a run
// started now (also for a suspended cron), suspend and resume. A cron is named `<instance type>/<index>`
// in the URL, as `paasmaker cron` names it. Reading needs WORKSPACE_VIEW on
// the application's workspace; run, suspend and resume APPLICATION_DEPLOY.
//
//   GET  /api/v1/applications/<id>/crons
//   GET  /api/v1/applications/<id>/crons/<type>/<index>/runs
//   POST /api/v1/applications/<id>/crons/<type>/<index>/(run|suspend|resume)
#pragma once

#include "pacemaker/crons/cron_context.h"
#include "pacemaker/endpoints/endpoint.h"

namespace paasmaker::pacemaker::crons {

struct CronEndpointsContext {
  CronRunnerContext runs;  // what a run started now needs, as the schedule's
};

PM_ENDPOINT(CronEndpointsContext, nlohmann::json, ListCrons);
PM_ENDPOINT(CronEndpointsContext, nlohmann::json, CronRuns);
PM_ENDPOINT(CronEndpointsContext, api::Reply, CronAction);

}  // namespace paasmaker::pacemaker::crons
