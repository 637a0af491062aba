// paasmaker.job.cron: one run of a web cron (SPEC §8.5). Requests the cron's
// URI (GET) from one RUNNING instance of its instance type, directly at the
// instance's node and port (not through a router), with HTTP basic auth when
// the manifest gives a username, and the headers
//   X-Paasmaker-Cron-Slot: <unix second the schedule named>
//   X-Paasmaker-Cron: <cron id>
//   X-Paasmaker-Cron-Secret: <the application's cron secret, which its
//                            instances have as PM_CRON_SECRET>
// The job's log holds the status and the answer's body (its first 64 KiB);
// an answer other than 2xx, no answer within kCronRequestTimeout, or no
// RUNNING instance fails the job, naming which.
//
// Parameters: instance_type_id, uri, cron_id, cron_index (in the type's
// crons, where the basic-auth credentials are read: they never enter the
// job's parameters), slot. Registered on every node; runs on the pacemaker
// only.
#pragma once

#include <chrono>
#include <optional>

#include "core/status.h"
#include "jobs/job_registry.h"
#include "pacemaker/crons/cron_context.h"

namespace paasmaker::pacemaker::crons {

inline constexpr const char* kCronJob = "paasmaker.job.cron";
// As the original's cron runner: long tasks are what crons are for.
inline constexpr std::chrono::seconds kCronRequestTimeout{300};

Status RegisterCronJobs(jobs::JobRegistry& registry, const std::optional<CronJobsContext>& ctx);

}  // namespace paasmaker::pacemaker::crons
