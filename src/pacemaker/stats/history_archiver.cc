#include "pacemaker/stats/history_archiver.h"

#include <ctime>

#include "core/log.h"

namespace paasmaker::pacemaker::stats {

namespace {

constexpr int64_t kHour = 3600;
constexpr int64_t kDay = 86400;

// KEYS[1]: a per-second hash, KEYS[2]: the per-minute hash of its day.
// Sums per minute first (one HINCRBY per minute, not per second). Values
// stay below 2^53, where Lua's doubles are exact; %d prints them without
// an exponent.
constexpr const char* kRollUpScript = R"lua(
local fields = redis.call('HGETALL', KEYS[1])
local sums = {}
for i = 1, #fields, 2 do
  local second = tonumber(fields[i])
  local value = tonumber(fields[i + 1])
  if second and value then
    local minute = second - second % 60
    sums[minute] = (sums[minute] or 0) + value
  end
end
for minute, sum in pairs(sums) do
  redis.call('HINCRBY', KEYS[2], string.format('%d', minute), string.format('%d', sum))
end
redis.call('DEL', KEYS[1])
return #fields / 2
)lua";

// "history_vt:" → "history_minute_vt:".
std::string MinutePrefixFor(const std::string& second_prefix) {
  return "history_minute_" + second_prefix.substr(std::string("history_").size());
}

}  // namespace

bool ParseHistoryKey(const std::string& key, HistoryKey* out) {
  size_t first = key.find(':');
  size_t last = key.rfind(':');
  if (first == std::string::npos || last == first) return false;
  size_t before_last = key.rfind(':', last - 1);
  if (before_last == first) return false;  // no id
  const std::string start = key.substr(before_last + 1, last - before_last - 1);
  if (start.empty() || start.find_first_not_of("0123456789") != std::string::npos) return false;
  out->prefix = key.substr(0, first + 1);
  out->id = key.substr(first + 1, before_last - first - 1);
  out->start = std::strtoll(start.c_str(), nullptr, 10);
  out->metric = key.substr(last + 1);
  return !out->metric.empty() && !out->id.empty();
}

HistoryArchiver::HistoryArchiver(redis::Endpoint stats, HistoryArchiveOptions options,
                                 std::chrono::milliseconds interval)
    : redis_(std::move(stats)), options_(options), interval_(interval) {}

HistoryArchiver::~HistoryArchiver() { Stop(); }

void HistoryArchiver::Start() { thread_ = std::thread([this] { Loop(); }); }

void HistoryArchiver::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void HistoryArchiver::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  do {
    lock.unlock();
    auto run = RunOnce(static_cast<int64_t>(std::time(nullptr)));
    if (!run.ok()) {
      PM_LOG_WARN("stats history archiving: {}", run.status().ToString());
    } else if (run->hours_archived > 0 || run->days_deleted > 0) {
      PM_LOG_INFO("stats history: {} hours of per-second data rolled up into minutes, {} days of minutes deleted",
                  run->hours_archived, run->days_deleted);
    }
    lock.lock();
  } while (!cv_.wait_for(lock, interval_, [this] { return stopping_; }));
}

Result<std::vector<std::string>> HistoryArchiver::ScanKeys(const std::string& pattern) {
  std::vector<std::string> keys;
  std::string cursor = "0";
  do {
    PM_ASSIGN_OR_RETURN(auto reply, redis_.Command({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"}));
    if (reply.elements.size() != 2) return Internal("SCAN answered an unexpected shape");
    cursor = reply.elements[0].str;
    for (const auto& key : reply.elements[1].elements) keys.push_back(key.str);
  } while (cursor != "0");
  // SCAN may return a key twice; both steps below are harmless to repeat.
  return keys;
}

Result<HistoryArchiveCounts> HistoryArchiver::RunOnce(int64_t now) {
  HistoryArchiveCounts counts;
  const int64_t archive_before = now - options_.archive_after;
  for (const char* pattern : {"history_vt:*", "history_node:*"}) {
    PM_ASSIGN_OR_RETURN(auto keys, ScanKeys(pattern));
    for (const auto& key : keys) {
      HistoryKey parsed;
      // Only whole hours: the hour's last second must be past the threshold.
      if (!ParseHistoryKey(key, &parsed) || parsed.start + kHour > archive_before) continue;
      std::string minute_key = MinutePrefixFor(parsed.prefix) + parsed.id + ":" +
                               std::to_string(parsed.start - parsed.start % kDay) + ":" + parsed.metric;
      PM_ASSIGN_OR_RETURN(auto rolled, redis_.Command({"EVAL", kRollUpScript, "2", key, minute_key}));
      if (rolled.integer > 0) {
        ++counts.hours_archived;
        counts.seconds_archived += rolled.integer;
      }
    }
  }
  const int64_t delete_before = now - options_.max_age;
  std::vector<std::vector<std::string>> deletes;
  for (const char* pattern : {"history_minute_vt:*", "history_minute_node:*"}) {
    PM_ASSIGN_OR_RETURN(auto keys, ScanKeys(pattern));
    for (const auto& key : keys) {
      HistoryKey parsed;
      if (!ParseHistoryKey(key, &parsed) || parsed.start + kDay > delete_before) continue;
      deletes.push_back({"DEL", key});
    }
  }
  if (!deletes.empty()) {
    PM_ASSIGN_OR_RETURN(auto replies, redis_.Pipeline(deletes));
    for (const auto& reply : replies) counts.days_deleted += reply.integer;
  }
  return counts;
}

}  // namespace paasmaker::pacemaker::stats
