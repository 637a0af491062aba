#include "pacemaker/stats/traffic_stats.h"

#include <map>

namespace paasmaker::pacemaker::stats {

using nlohmann::json;

namespace {

// The version types (or the node) whose counters make up `kind`/`id`, and
// the key prefixes to read them with.
struct Sources {
  std::vector<std::string> ids;
  std::string total_prefix;    // stat_vt: / stat_node:
  std::string history_prefix;  // history_vt: / history_node:
};

Result<Sources> SourcesOf(redis::Client& stats, const std::string& kind, const std::string& id) {
  if (kind == "node") return Sources{{id}, "stat_node:", "history_node:"};
  if (kind == "vt") return Sources{{id}, "stat_vt:", "history_vt:"};
  if (kind != "workspace" && kind != "application" && kind != "version") {
    return InvalidArgument("kind: '" + kind + "' is not one of workspace, application, version, vt, node");
  }
  PM_ASSIGN_OR_RETURN(auto members, stats.Command({"SMEMBERS", kind + ":" + id}));
  Sources sources{{}, "stat_vt:", "history_vt:"};
  for (const auto& m : members.elements) sources.ids.push_back(m.str);
  return sources;
}

double Ratio(double part, double whole) { return whole > 0 ? part / whole : 0; }

}  // namespace

Status RecordVersionType(redis::Client& stats, const std::string& workspace_id, const std::string& application_id,
                         const std::string& version_id, const std::string& version_type_id) {
  PM_ASSIGN_OR_RETURN(auto replies, stats.Pipeline({{"SADD", "workspace:" + workspace_id, version_type_id},
                                                    {"SADD", "application:" + application_id, version_type_id},
                                                    {"SADD", "version:" + version_id, version_type_id}},
                                                   false));
  return Status::Ok();
}

Result<json> Totals(redis::Client& stats, const std::string& kind, const std::string& id) {
  PM_ASSIGN_OR_RETURN(Sources sources, SourcesOf(stats, kind, id));
  std::map<std::string, int64_t> sums;
  for (const auto& source : sources.ids) {
    PM_ASSIGN_OR_RETURN(auto fields, stats.Command({"HGETALL", sources.total_prefix + source}));
    for (size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
      sums[fields.elements[i].str] += std::strtoll(fields.elements[i + 1].str.c_str(), nullptr, 10);
    }
  }
  json totals = json::object();
  for (const char* field : {"requests", "bytes", "time", "timecount", "nginxtime", "1xx", "2xx", "3xx", "4xx", "5xx"}) {
    totals[field] = sums[field];
  }
  for (const auto& [field, value] : sums) totals[field] = value;
  double requests = static_cast<double>(sums["requests"]);
  json percent = json::object();
  for (const char* status_class : {"1xx", "2xx", "3xx", "4xx", "5xx"}) {
    percent[status_class] = 100.0 * Ratio(static_cast<double>(sums[status_class]), requests);
  }
  totals["percent"] = percent;
  totals["average"] = {{"upstream_ms", Ratio(static_cast<double>(sums["time"]), static_cast<double>(sums["timecount"]))},
                       {"nginx_ms", Ratio(static_cast<double>(sums["nginxtime"]), requests)},
                       {"bytes", Ratio(static_cast<double>(sums["bytes"]), requests)}};
  totals["version_types"] = kind == "node" ? json::array() : json(sources.ids);
  return totals;
}

Result<json> History(redis::Client& stats, const std::string& kind, const std::string& id, const std::string& metric,
                     int64_t seconds, int64_t now) {
  if (seconds <= 0 || seconds > 31 * 86400) return InvalidArgument("history: between 1 second and 31 days");
  PM_ASSIGN_OR_RETURN(Sources sources, SourcesOf(stats, kind, id));
  int64_t from = now - seconds + 1;
  std::map<int64_t, int64_t> points;
  for (const auto& source : sources.ids) {
    for (int64_t hour = from - from % 3600; hour <= now; hour += 3600) {
      std::string key = sources.history_prefix + source + ":" + std::to_string(hour) + ":" + metric;
      PM_ASSIGN_OR_RETURN(auto fields, stats.Command({"HGETALL", key}));
      for (size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
        int64_t second = std::strtoll(fields.elements[i].str.c_str(), nullptr, 10);
        if (second < from || second > now) continue;
        points[second] += std::strtoll(fields.elements[i + 1].str.c_str(), nullptr, 10);
      }
    }
  }
  json list = json::array();
  for (const auto& [second, value] : points) list.push_back({second, value});
  return json{{"metric", metric}, {"from", from}, {"to", now}, {"points", list}};
}

}  // namespace paasmaker::pacemaker::stats
