#include "router/stats/stats_aggregator.h"

namespace paasmaker::router::stats {

namespace {

constexpr std::array<const char*, 5> kClassNames = {"1xx", "2xx", "3xx", "4xx", "5xx"};

// Calls f(metric name, value) for every counter, in a fixed order.
template <typename F>
void ForEachMetric(const StatsCounters& c, F f) {
  f("requests", c.requests);
  f("bytes", c.bytes);
  f("time", c.time);
  f("timecount", c.timecount);
  f("nginxtime", c.nginxtime);
  for (size_t i = 0; i < c.classes.size(); ++i) f(kClassNames[i], c.classes[i]);
}

}  // namespace

void StatsCounters::Add(const StatsLine& line) {
  ++requests;
  bytes += line.bytes;
  if (line.upstream_time_ms >= 0) {
    time += line.upstream_time_ms;
    ++timecount;
  }
  nginxtime += line.request_time_ms;
  ++classes[line.status / 100 - 1];
}

void StatsAggregator::AddTo(Map* map, std::string_view key, const StatsLine& line) {
  auto it = map->find(key);
  if (it == map->end()) it = map->emplace(std::string(key), Entry{}).first;
  Entry& entry = it->second;
  entry.totals.Add(line);
  ++entry.totals.by_status[line.status - 100];
  int64_t second = line.time_ms / 1000;
  if (second != entry.last_second) {
    entry.last = &entry.seconds[second];
    entry.last_second = second;
  }
  entry.last->Add(line);
}

std::string_view StatsAggregator::Key(std::string_view raw, bool escaped, std::string* scratch) const {
  if (!escaped || raw.find('\\') == std::string_view::npos) return raw;
  scratch->clear();
  StatsLineParser::Unescape(raw, scratch);
  return *scratch;
}

void StatsAggregator::Add(const StatsLine& line) {
  ++lines_;
  std::string scratch;  // only ever filled for escaped ids: no allocation otherwise
  std::string_view vt = Key(line.version_type, line.escaped, &scratch);
  AddTo(&version_types_, vt.empty() ? std::string_view("null") : vt, line);
  std::string_view node = Key(line.node, line.escaped, &scratch);
  if (!node.empty() && node != "null") AddTo(&nodes_, node, line);
}

void StatsAggregator::AppendFor(const Map& map, std::string_view total_prefix, std::string_view history_prefix,
                                Commands* out) {
  for (const auto& [id, entry] : map) {
    std::string total_key = std::string(total_prefix) + id;
    ForEachMetric(entry.totals, [&](const char* metric, int64_t value) {
      if (value != 0) out->push_back({"HINCRBY", total_key, metric, std::to_string(value)});
    });
    for (size_t i = 0; i < entry.totals.by_status.size(); ++i) {
      int64_t value = entry.totals.by_status[i];
      if (value != 0) out->push_back({"HINCRBY", total_key, std::to_string(i + 100), std::to_string(value)});
    }
    for (const auto& [second, counters] : entry.seconds) {
      std::string key_start = std::string(history_prefix) + id + ":" + std::to_string(second - second % 3600) + ":";
      std::string field = std::to_string(second);
      ForEachMetric(counters, [&](const char* metric, int64_t value) {
        if (value != 0) out->push_back({"HINCRBY", key_start + metric, field, std::to_string(value)});
      });
    }
  }
}

void StatsAggregator::AppendCommands(Commands* out) const {
  AppendFor(version_types_, "stat_vt:", "history_vt:", out);
  AppendFor(nodes_, "stat_node:", "history_node:", out);
}

void StatsAggregator::Clear() {
  version_types_.clear();
  nodes_.clear();
  lines_ = 0;
}

const StatsTotals* StatsAggregator::VersionType(std::string_view id) const {
  auto it = version_types_.find(id);
  return it == version_types_.end() ? nullptr : &it->second.totals;
}

const StatsTotals* StatsAggregator::Node(std::string_view id) const {
  auto it = nodes_.find(id);
  return it == nodes_.end() ? nullptr : &it->second.totals;
}

}  // namespace paasmaker::router::stats
