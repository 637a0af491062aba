// Traffic statistics (SPEC §3, §9): totals and history, and the same
// totals live as server-sent events.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

#include "core/concurrency_limit.h"
#include "core/redis_client.h"
#include "pacemaker/endpoints/endpoint.h"
#include "pacemaker/store/application_store.h"

namespace paasmaker::pacemaker::endpoints {

struct RouterStatsContext {
  ApplicationStore& apps;      // whose workspace the statistics belong to
  redis::Client& stats_redis;  // routers' traffic counters
  ConcurrencyLimit& streams;   // open streams per user (pacemaker.max_streams*)
  // Set before the HTTP server stops, so the stream ends.
  const std::atomic<bool>& stopping;
};

// The SSE `id:` of a stats stream event, from which a stream resumes:
//   <n>:<step>[:<base>:<requests>,<bytes>,<1xx>,<2xx>,<3xx>,<4xx>,<5xx>]
// n counts the client's events from 1 (a resumed stream goes on counting);
// step is the unix time in ms of the interval step the event is for (a
// multiple of the interval); base and the counters are the step and the
// totals the next event's change is measured from (the event's own on a
// normal event; the last successful read's on an error event; absent before
// any). e.g. "3:1764782401000:1764782401000:1520,40960,0,1500,0,20,0".
struct StatsStreamId {
  int64_t n = 0;
  int64_t step_ms = 0;
  std::optional<int64_t> base_ms;      // with `base`
  nlohmann::json base = nullptr;       // {"requests", "bytes", "1xx".."5xx"} or null
  bool operator==(const StatsStreamId&) const = default;
};
std::string FormatStatsStreamId(const StatsStreamId& id);
// InvalidArgument naming `text` when it is not such an id.
Result<StatsStreamId> ParseStatsStreamId(const std::string& text);

PM_ENDPOINT(RouterStatsContext, nlohmann::json, RouterStats);
PM_ENDPOINT(RouterStatsContext, api::Reply, RouterStatsStream);

}  // namespace paasmaker::pacemaker::endpoints
