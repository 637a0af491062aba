// Traffic history archiving (src/pacemaker/stats/history_archiver.h) against
// a real redis-server: old per-second hours become per-minute sums with every
// count kept exactly once, however often the archiver runs; old days of
// minutes go; the history API reads both resolutions. Also the stream's
// change computation.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "config/node_config.h"
#include "core/redis_client.h"
#include "pacemaker/stats/history_archiver.h"
#include "pacemaker/stats/traffic_stats.h"
#include "test_redis.h"

namespace paasmaker::pacemaker::stats {
namespace {

using nlohmann::json;
using testing::TestRedisServer;

constexpr int64_t kDay0 = 1700006400;  // a UTC day start
constexpr int64_t kNow = kDay0 + 10 * 86400 + 5 * 3600 + 100;
const HistoryArchiveOptions kOptions{.archive_after = 86400, .max_age = 5 * 86400};

int64_t HourStart(int64_t t) { return t - t % 3600; }
int64_t DayStart(int64_t t) { return t - t % 86400; }

class StatsHistoryTest : public ::testing::Test {
 protected:
  // Writes a per-second hash of `prefix` (history_vt / history_node) for the
  // hour holding `hour`, with large values (exactness past 2^32), and adds
  // them to the expected per-minute sums.
  void SeedHour(const std::string& prefix, const std::string& id, int64_t hour, const std::string& metric) {
    hour = HourStart(hour);
    std::string key = prefix + ":" + id + ":" + std::to_string(hour) + ":" + metric;
    std::vector<std::vector<std::string>> writes;
    for (int64_t second = hour; second < hour + 3600; second += 7) {
      int64_t value = 100'000'000'000 + (second * 1'000'003) % 977;
      writes.push_back({"HSET", key, std::to_string(second), std::to_string(value)});
      expected_[prefix + "|" + id + "|" + metric][second - second % 60] += value;
      total_[prefix + "|" + id + "|" + metric] += value;
    }
    ASSERT_TRUE(redis_.Pipeline(writes).ok());
  }

  std::map<std::string, std::string> Hash(const std::string& key) {
    auto reply = redis_.Command({"HGETALL", key});
    EXPECT_TRUE(reply.ok());
    std::map<std::string, std::string> out;
    for (size_t i = 0; reply.ok() && i + 1 < reply->elements.size(); i += 2) {
      out[reply->elements[i].str] = reply->elements[i + 1].str;
    }
    return out;
  }
  bool Exists(const std::string& key) {
    auto reply = redis_.Command({"EXISTS", key});
    return reply.ok() && reply->integer == 1;
  }
  // Per-minute sums stored for prefix/id/metric over every day, minute → sum.
  std::map<int64_t, int64_t> StoredMinutes(const std::string& minute_prefix, const std::string& id,
                                           const std::string& metric) {
    std::map<int64_t, int64_t> out;
    for (int64_t day = kDay0; day <= kNow; day += 86400) {
      for (const auto& [minute, sum] :
           Hash(minute_prefix + ":" + id + ":" + std::to_string(day) + ":" + metric)) {
        EXPECT_EQ(DayStart(std::stoll(minute)), day) << "minute " << minute << " filed under the wrong day";
        out[std::stoll(minute)] += std::stoll(sum);
      }
    }
    return out;
  }

  TestRedisServer server_;
  redis::Client redis_{server_.endpoint()};
  std::map<std::string, std::map<int64_t, int64_t>> expected_;  // prefix|id|metric → minute → sum
  std::map<std::string, int64_t> total_;
};

TEST(HistoryKeyTest, ParsesEveryPartAndRejectsOtherKeys) {
  HistoryKey key;
  ASSERT_TRUE(ParseHistoryKey("history_vt:7c1d-aa:1700006400:requests", &key));
  EXPECT_EQ(key.prefix, "history_vt:");
  EXPECT_EQ(key.id, "7c1d-aa");
  EXPECT_EQ(key.start, 1700006400);
  EXPECT_EQ(key.metric, "requests");
  ASSERT_TRUE(ParseHistoryKey("history_minute_node:n1:1700006400:2xx", &key));
  EXPECT_EQ(key.prefix, "history_minute_node:");
  EXPECT_FALSE(ParseHistoryKey("history_vt:1700006400:requests", &key));  // no id
  EXPECT_FALSE(ParseHistoryKey("history_vt:vt:soon:requests", &key));
  EXPECT_FALSE(ParseHistoryKey("stat_vt:abc", &key));
}

TEST_F(StatsHistoryTest, OldHoursBecomeMinuteSumsExactlyOnceAcrossRepeatedRuns) {
  ASSERT_TRUE(server_.started());
  const int64_t old_hour = kNow - 3 * 86400;       // archived
  const int64_t edge_hour = kNow - 86400 - 3600;   // whole hour just past archive_after: archived
  const int64_t recent_hour = kNow - 86400 + 10;   // its hour is not wholly past: kept
  SeedHour("history_vt", "vt-a", old_hour, "requests");
  SeedHour("history_vt", "vt-a", old_hour, "bytes");
  SeedHour("history_vt", "vt-a", edge_hour, "requests");
  SeedHour("history_node", "node-1", old_hour, "requests");
  std::string recent_key = "history_vt:vt-a:" + std::to_string(HourStart(recent_hour)) + ":requests";
  ASSERT_TRUE(redis_.Command({"HSET", recent_key, std::to_string(recent_hour), "5"}).ok());

  HistoryArchiver archiver(server_.endpoint(), kOptions);
  auto first = archiver.RunOnce(kNow);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->hours_archived, 4);
  auto second = archiver.RunOnce(kNow);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->hours_archived, 0);

  EXPECT_FALSE(Exists("history_vt:vt-a:" + std::to_string(HourStart(old_hour)) + ":requests"));
  EXPECT_FALSE(Exists("history_vt:vt-a:" + std::to_string(HourStart(edge_hour)) + ":requests"));
  EXPECT_FALSE(Exists("history_node:node-1:" + std::to_string(HourStart(old_hour)) + ":requests"));
  EXPECT_EQ(Hash(recent_key), (std::map<std::string, std::string>{{std::to_string(recent_hour), "5"}}));
  EXPECT_EQ(StoredMinutes("history_minute_vt", "vt-a", "requests"), expected_["history_vt|vt-a|requests"]);
  EXPECT_EQ(StoredMinutes("history_minute_vt", "vt-a", "bytes"), expected_["history_vt|vt-a|bytes"]);
  EXPECT_EQ(StoredMinutes("history_minute_node", "node-1", "requests"), expected_["history_node|node-1|requests"]);
}

// A pass stopped partway (here: later hours only became due in a later
// pass) and a late write re-creating an archived hour: every count is in
// the minutes exactly once.
TEST_F(StatsHistoryTest, InterruptedPassesAndLateWritesNeitherLoseNorDoubleCount) {
  ASSERT_TRUE(server_.started());
  const int64_t hour_a = kNow - 4 * 86400;
  const int64_t hour_b = kNow - 2 * 86400;
  SeedHour("history_vt", "vt-a", hour_a, "requests");
  SeedHour("history_vt", "vt-a", hour_b, "requests");
  HistoryArchiver archiver(server_.endpoint(), kOptions);
  // As if the pacemaker died after hour A: a pass at a time only A was due.
  auto partial = archiver.RunOnce(hour_b + 86400);
  ASSERT_TRUE(partial.ok());
  EXPECT_EQ(partial->hours_archived, 1);
  // A router catching up writes one more second into hour A after it was archived.
  std::string hour_a_key = "history_vt:vt-a:" + std::to_string(HourStart(hour_a)) + ":requests";
  int64_t late_second = HourStart(hour_a) + 61;
  ASSERT_TRUE(redis_.Command({"HINCRBY", hour_a_key, std::to_string(late_second), "9"}).ok());
  expected_["history_vt|vt-a|requests"][late_second - late_second % 60] += 9;
  total_["history_vt|vt-a|requests"] += 9;
  for (int run = 0; run < 3; ++run) ASSERT_TRUE(archiver.RunOnce(kNow).ok());
  EXPECT_EQ(StoredMinutes("history_minute_vt", "vt-a", "requests"), expected_["history_vt|vt-a|requests"]);

  // The history API now answers from the minutes, with the same total.
  auto history = History(redis_, "vt", "vt-a", "requests", 5 * 86400, kNow);
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  int64_t sum = 0;
  for (const auto& point : (*history)["points"]) {
    EXPECT_EQ(point[2], 60) << point.dump();
    EXPECT_EQ(point[0].get<int64_t>() % 60, 0) << point.dump();
    sum += point[1].get<int64_t>();
  }
  EXPECT_EQ(sum, total_["history_vt|vt-a|requests"]);
}

TEST_F(StatsHistoryTest, DaysOfMinutesPastMaxAgeAreDeleted) {
  ASSERT_TRUE(server_.started());
  // max_age 5 days: a day is deleted once all of it is older than that.
  std::string expired = "history_minute_vt:vt-a:" + std::to_string(DayStart(kNow - 6 * 86400)) + ":requests";
  std::string kept = "history_minute_vt:vt-a:" + std::to_string(DayStart(kNow - 5 * 86400)) + ":requests";
  std::string expired_node = "history_minute_node:n1:" + std::to_string(DayStart(kNow - 9 * 86400)) + ":bytes";
  for (const auto& key : {expired, kept, expired_node}) ASSERT_TRUE(redis_.Command({"HSET", key, "60", "1"}).ok());
  HistoryArchiver archiver(server_.endpoint(), kOptions);
  auto run = archiver.RunOnce(kNow);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->days_deleted, 2);
  EXPECT_FALSE(Exists(expired));
  EXPECT_FALSE(Exists(expired_node));
  EXPECT_TRUE(Exists(kept));
  auto again = archiver.RunOnce(kNow);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->days_deleted, 0);
}

TEST_F(StatsHistoryTest, HistoryGivesSecondsWhereTheyExistAndMinutesBeyond) {
  ASSERT_TRUE(server_.started());
  const int64_t old_second = HourStart(kNow - 2 * 86400) + 125;
  const int64_t recent_second = kNow - 30;
  ASSERT_TRUE(redis_.Command({"HSET", "history_vt:vt-a:" + std::to_string(HourStart(old_second)) + ":requests",
                              std::to_string(old_second), "7"}).ok());
  ASSERT_TRUE(redis_.Command({"HSET", "history_vt:vt-a:" + std::to_string(HourStart(recent_second)) + ":requests",
                              std::to_string(recent_second), "3"}).ok());
  HistoryArchiver archiver(server_.endpoint(), kOptions);
  ASSERT_TRUE(archiver.RunOnce(kNow).ok());
  auto history = History(redis_, "vt", "vt-a", "requests", 3 * 86400, kNow);
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  json expected = json::array({{old_second - old_second % 60, 7, 60}, {recent_second, 3, 1}});
  EXPECT_EQ((*history)["points"], expected) << history->dump();
  // A range starting inside a minute bucket still shows that bucket.
  auto inside = History(redis_, "vt", "vt-a", "requests", kNow - old_second + 1, kNow);
  ASSERT_TRUE(inside.ok());
  EXPECT_EQ((*inside)["points"], expected) << inside->dump();
}

TEST(StatsHistoryConfigTest, DefaultsAndMaxAgeNotBelowArchiveAfter) {
  auto defaults = config::ParseNodeConfig("", "empty.yml");
  ASSERT_TRUE(defaults.ok()) << defaults.status().ToString();
  EXPECT_DOUBLE_EQ(defaults->pacemaker.stats_history_archive_after, 86400);
  EXPECT_DOUBLE_EQ(defaults->pacemaker.stats_history_max_age, 30 * 86400);
  auto set = config::ParseNodeConfig("pacemaker: {stats_history_archive_after: 7200, stats_history_max_age: 86400}\n",
                                     "node.yml");
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_DOUBLE_EQ(set->pacemaker.stats_history_archive_after, 7200);
  auto inverted = config::ParseNodeConfig("pacemaker: {stats_history_archive_after: 7200, stats_history_max_age: 3600}\n",
                                          "node.yml");
  ASSERT_FALSE(inverted.ok());
  EXPECT_NE(inverted.status().message().find("stats_history_max_age"), std::string::npos) << inverted.status().ToString();
  EXPECT_FALSE(config::ParseNodeConfig("pacemaker: {stats_history_archive_after: 1}\n", "node.yml").ok());
}

TEST(TrafficChangeTest, DeltasAndRatesSinceThePreviousTotals) {
  json before = {{"requests", 100}, {"bytes", 1000}, {"2xx", 90}, {"4xx", 10}};
  json after = {{"requests", 110}, {"bytes", 3000}, {"2xx", 98}, {"4xx", 12}};
  json change = ChangeSince(after, before, 2.0);
  EXPECT_EQ(change["delta"]["requests"], 10);
  EXPECT_EQ(change["delta"]["2xx"], 8);
  EXPECT_EQ(change["delta"]["5xx"], 0);
  EXPECT_DOUBLE_EQ(change["per_second"]["requests"].get<double>(), 5.0);
  EXPECT_DOUBLE_EQ(change["per_second"]["bytes"].get<double>(), 1000.0);
  // The first event has nothing to compare with; an emptied store is no traffic.
  EXPECT_EQ(ChangeSince(after, json(), 0)["delta"]["requests"], 0);
  EXPECT_EQ(ChangeSince(before, after, 1.0)["delta"]["requests"], 0);
}

}  // namespace
}  // namespace paasmaker::pacemaker::stats
