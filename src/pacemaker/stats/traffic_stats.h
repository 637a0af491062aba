// TrafficStats: reads the routers' traffic statistics from the stats Redis
// (SPEC §3) for the API: totals, changes between two totals, and history of a workspace,
// application, version, version type (instance type of a version), node, or
// unrouted traffic (`null`), with percentages and averages.
//
// The routing writer records which version types belong to a workspace,
// application and version (RecordVersionType) so those can be summed; the
// routers' stats readers write the counters. Thread safe.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/redis_client.h"
#include "core/result.h"

namespace paasmaker::pacemaker::stats {

// SADD workspace:<ws>, application:<app>, version:<version> ← version type id.
Status RecordVersionType(redis::Client& stats, const std::string& workspace_id, const std::string& application_id,
                         const std::string& version_id, const std::string& version_type_id);

// kind: workspace | application | version | vt | node ("vt" with id "null": unrouted).
// Totals: {"requests", "bytes", "time", "timecount", "nginxtime", "1xx".."5xx", exact codes...,
//          "percent": {"2xx": …}, "average": {"upstream_ms", "nginx_ms", "bytes"}, "version_types": [...]}
Result<nlohmann::json> Totals(redis::Client& stats, const std::string& kind, const std::string& id);

// Sums of `metric` over the last `seconds` (up to now): {"metric", "from", "to",
// "points": [[start, value, resolution]...]} with only the buckets that have
// data, oldest first. resolution 1: a second, from the per-second history;
// 60: a minute, from the per-minute history the archiver (history_archiver.h)
// made of hours older than stats_history_archive_after.
Result<nlohmann::json> History(redis::Client& stats, const std::string& kind, const std::string& id,
                               const std::string& metric, int64_t seconds, int64_t now);

// What changed between two Totals taken `elapsed_seconds` apart (for the live
// stream): {"delta": {requests, bytes, 1xx..5xx}, "per_second": {same},
// "elapsed"}. A null `previous` (the first event) is no change.
nlohmann::json ChangeSince(const nlohmann::json& totals, const nlohmann::json& previous, double elapsed_seconds);

}  // namespace paasmaker::pacemaker::stats
