// The crons of the current versions, and starting one run of a cron: what
// the scheduler (cron_runner.h) and the API (cron_endpoints.h) share.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "pacemaker/crons/cron_context.h"
#include "pacemaker/crons/cron_store.h"

namespace paasmaker::pacemaker::crons {

// One cron of an application's current version.
struct CurrentCron {
  std::string id;    // <application id>/<instance type>/<index>: stable across deploys
  std::string name;  // <instance type>/<index>, as the CLI names it
  std::string application_id;
  std::string workspace_id;
  std::string version_id;
  int64_t version_number = 0;
  std::string instance_type_id;
  std::string instance_type;
  size_t index = 0;  // in the type's crons
  std::string runspec;
  std::string uri;
  std::string concurrency;  // "forbid" or "allow"
  std::string timezone = "UTC";  // the IANA zone runspec is read in
};

// Every current version's crons, or (`application_id` given) one application's.
Result<std::vector<CurrentCron>> CurrentCrons(ApplicationStore& apps, const std::string& application_id = "");

// Claims `slot` of `cron` and, unless `skip` (its previous run is
// unfinished), starts its `paasmaker.job.cron` tree on this node. The run as
// claimed (job_id "" when skipped), or nullopt when the slot was claimed
// already. `started_by` goes in the tree's title ("" for the schedule).
Result<std::optional<CronRun>> ClaimAndStart(const CronRunnerContext& ctx, const CurrentCron& cron, int64_t slot,
                                             bool skip, const std::string& started_by = "");

// "2026-12-04 18:00:00 UTC".
std::string UtcText(int64_t unix_seconds);

}  // namespace paasmaker::pacemaker::crons
