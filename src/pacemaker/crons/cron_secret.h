// An application's web-cron secret: HMAC-SHA256 of its id under the
// cluster's node token, hex. The pacemaker sends it with every cron request
// (X-Paasmaker-Cron-Secret) and gives it to the application's instances
// (PM_CRON_SECRET), so an app can tell a cron request from a visitor's. It
// is the same for every version (derived, so nothing is stored), differs
// between applications, and reveals nothing of the token.
#pragma once

#include <string>

namespace paasmaker::pacemaker::crons {

std::string CronSecret(const std::string& node_token, const std::string& application_id);

}  // namespace paasmaker::pacemaker::crons
