#include "pacemaker/stats/traffic_stats.h"

#include <algorithm>
#include <map>
#include <utility>

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
  // Every hour's per-second hash and every day's per-minute hash in range,
  // in one round trip; the archiver has removed the per-second hashes of old
  // hours (and their minutes hold the same sums), so the two never overlap
  // except for a late write, which then counts in each once.
  std::vector<std::vector<std::string>> reads;
  std::vector<int64_t> resolutions;
  std::string minute_prefix = "history_minute_" + sources.history_prefix.substr(std::string("history_").size());
  for (const auto& source : sources.ids) {
    for (int64_t hour = from - from % 3600; hour <= now; hour += 3600) {
      reads.push_back({"HGETALL", sources.history_prefix + source + ":" + std::to_string(hour) + ":" + metric});
      resolutions.push_back(1);
    }
    for (int64_t day = from - from % 86400; day <= now; day += 86400) {
      reads.push_back({"HGETALL", minute_prefix + source + ":" + std::to_string(day) + ":" + metric});
      resolutions.push_back(60);
    }
  }
  std::map<std::pair<int64_t, int64_t>, int64_t> points;  // (start, resolution) → sum
  if (!reads.empty()) {
    PM_ASSIGN_OR_RETURN(auto replies, stats.Pipeline(reads));
    for (size_t r = 0; r < replies.size(); ++r) {
      const auto& fields = replies[r].elements;
      int64_t resolution = resolutions[r];
      for (size_t i = 0; i + 1 < fields.size(); i += 2) {
        int64_t start = std::strtoll(fields[i].str.c_str(), nullptr, 10);
        // A minute bucket counts when any of its seconds is in range.
        if (start + resolution - 1 < from || start > now) continue;
        points[{start, resolution}] += std::strtoll(fields[i + 1].str.c_str(), nullptr, 10);
      }
    }
  }
  json list = json::array();
  for (const auto& [at, value] : points) list.push_back({at.first, value, at.second});
  return json{{"metric", metric}, {"from", from}, {"to", now}, {"points", list}};
}

json ChangeSince(const json& totals, const json& previous, double elapsed_seconds) {
  json delta = json::object();
  json per_second = json::object();
  for (const char* field : {"requests", "bytes", "1xx", "2xx", "3xx", "4xx", "5xx"}) {
    int64_t now_value = totals.value(field, int64_t{0});
    int64_t before = previous.is_object() ? previous.value(field, now_value) : now_value;
    // Counters only grow; a drop means the stats Redis was emptied, which is
    // no traffic to report.
    int64_t change = std::max<int64_t>(0, now_value - before);
    delta[field] = change;
    per_second[field] = elapsed_seconds > 0 ? static_cast<double>(change) / elapsed_seconds : 0.0;
  }
  return json{{"delta", delta}, {"per_second", per_second}, {"elapsed", elapsed_seconds}};
}

}  // namespace paasmaker::pacemaker::stats
