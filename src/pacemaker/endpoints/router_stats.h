// Traffic statistics (SPEC §3, §9): totals and history, and the same
// totals live as server-sent events.
#pragma once

#include <atomic>

#include "core/redis_client.h"
#include "pacemaker/endpoints/endpoint.h"
#include "pacemaker/store/application_store.h"

namespace paasmaker::pacemaker::endpoints {

struct RouterStatsContext {
  ApplicationStore& apps;      // whose workspace the statistics belong to
  redis::Client& stats_redis;  // routers' traffic counters
  // Set before the HTTP server stops, so the stream ends.
  const std::atomic<bool>& stopping;
};

PM_ENDPOINT(RouterStatsContext, nlohmann::json, RouterStats);
PM_ENDPOINT(RouterStatsContext, api::Reply, RouterStatsStream);

}  // namespace paasmaker::pacemaker::endpoints
