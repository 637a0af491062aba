// StatsReader against a real redis-server and a real log file: exact totals,
// Redis outages, reader crashes, rotation and bounded batches.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "router/stats/stats_reader.h"
#include "router/stats/stats_worker.h"
#include "temp_dir.h"
#include "test_redis.h"

namespace paasmaker::router::stats {
namespace {

using testing::TempDir;
using testing::TestRedisServer;

// Line i: status 200 (i%10 != 9) or 500, `bytes` = 100 + i % 100, one second
// per 100 lines. Every line has the same length, so batch sizes are exact.
std::string MakeLine(int i, const std::string& vt = "vt1") {
  int status = i % 10 == 9 ? 500 : 200;
  return R"({"time":)" + std::to_string(1700000000 + i / 100) + R"(.000,"host":"h.com","status":)" +
         std::to_string(status) + R"(,"bytes":)" + std::to_string(100 + i % 100) +
         R"(,"request_time":0.002,"upstream_response_time":"0.001","served_by":")" + vt +
         R"( node1 i1"})" + "\n";
}

class StatsReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    redis_ = std::make_unique<TestRedisServer>();
    ASSERT_TRUE(redis_->started());
    client_ = std::make_unique<redis::Client>(redis_->endpoint(), std::chrono::milliseconds(500));
    path_ = dir_.path() + "/stats.log";
  }

  std::unique_ptr<StatsReader> NewReader(size_t max_batch = 4 << 20) {
    return std::make_unique<StatsReader>(StatsReaderOptions{path_, "router-1", max_batch}, client_.get());
  }

  // Appends lines [from, to) to `path` (default: the log).
  void Append(int from, int to, const std::string& path = "") {
    std::ofstream out(path.empty() ? path_ : path, std::ios::app | std::ios::binary);
    for (int i = from; i < to; ++i) out << MakeLine(i);
  }

  int64_t Field(const std::string& key, const std::string& field) {
    auto reply = client_->Command({"HGET", key, field});
    if (!reply.ok() || reply->is_nil()) return 0;
    return std::stoll(reply->str);
  }
  int64_t Requests() { return Field("stat_vt:vt1", "requests"); }

  TempDir dir_{"pm-stats"};
  std::unique_ptr<TestRedisServer> redis_;
  std::unique_ptr<redis::Client> client_;
  std::string path_;
};

TEST_F(StatsReaderTest, ExactTotalsAndPosition) {
  Append(0, 1000);
  auto reader = NewReader();
  auto batch = reader->CatchUp();
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_EQ(batch->lines, 1000);
  EXPECT_EQ(Requests(), 1000);
  EXPECT_EQ(Field("stat_vt:vt1", "500"), 100);
  EXPECT_EQ(Field("stat_vt:vt1", "2xx"), 900);
  EXPECT_EQ(Field("stat_vt:vt1", "bytes"), 10 * (10000 + 4950));
  EXPECT_EQ(Field("stat_vt:vt1", "time"), 1000);
  EXPECT_EQ(Field("stat_vt:vt1", "timecount"), 1000);
  EXPECT_EQ(Field("stat_vt:vt1", "nginxtime"), 2000);
  EXPECT_EQ(Field("stat_node:node1", "requests"), 1000);
  // 1700000000 is 22:13:20 UTC: hour start 1699999200.
  EXPECT_EQ(Field("history_vt:vt1:1699999200:requests", "1700000003"), 100);
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(Field("position:router-1", "offset"), st.st_size);
  EXPECT_EQ(Field("position:router-1", "inode"), static_cast<int64_t>(st.st_ino));
  // Nothing new: nothing written, nothing counted twice.
  batch = reader->CatchUp();
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->lines, 0);
  Append(1000, 1010);
  ASSERT_TRUE(reader->CatchUp().ok());
  EXPECT_EQ(Requests(), 1010);
}

TEST_F(StatsReaderTest, OnlyCompleteLinesAndMalformedCounted) {
  std::string partial = MakeLine(1);
  // The router's own health check (served_by "-") is neither traffic nor malformed.
  std::string health_check =
      R"({"time":1700000000.000,"host":"paasmaker-router-health.invalid","status":200,"bytes":40,)"
      R"("request_time":0.000,"upstream_response_time":"","served_by":"-"})";
  {
    std::ofstream out(path_, std::ios::binary);
    out << MakeLine(0) << "garbage line\n\n" << health_check << "\n" << partial.substr(0, 40);
  }
  auto reader = NewReader();
  auto batch = reader->CatchUp();
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->lines, 1);
  EXPECT_EQ(batch->malformed, 1);
  EXPECT_EQ(Field("stat_vt:null", "requests"), 0);
  EXPECT_EQ(Field("stat_vt:", "requests"), 0);
  EXPECT_EQ(Field("stat_router:router-1", "malformed"), 1);
  {
    std::ofstream out(path_, std::ios::app | std::ios::binary);
    out << partial.substr(40);  // nginx finishes the line
  }
  ASSERT_TRUE(reader->CatchUp().ok());
  EXPECT_EQ(Requests(), 2);
  EXPECT_EQ(Field("stat_router:router-1", "lines"), 2);
}

TEST_F(StatsReaderTest, BoundedBatches) {
  Append(0, 500);
  size_t line_size = MakeLine(0).size();
  auto reader = NewReader(line_size * 10 + 5);
  auto batch = reader->ReadBatch();
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->lines, 10);
  EXPECT_TRUE(batch->more);
  EXPECT_EQ(Requests(), 10);
  auto rest = reader->CatchUp(5);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->lines, 50);
  EXPECT_EQ(Requests(), 60);
  rest = reader->CatchUp();
  ASSERT_TRUE(rest.ok());
  EXPECT_FALSE(rest->more);
  EXPECT_EQ(Requests(), 500);
}

TEST_F(StatsReaderTest, CatchUpOverManyBatchesCountsEveryLineOnceAndStartsOverAfterALoss) {
  Append(0, 400);
  size_t line_size = MakeLine(0).size();
  auto reader = NewReader(line_size * 7 + 3);  // 58 batches, the last one short
  auto all = reader->CatchUp();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_EQ(all->lines, 400);
  EXPECT_FALSE(all->more);
  EXPECT_EQ(Requests(), 400);
  EXPECT_EQ(Field("stat_router:router-1", "lines"), 400);
  // Redis loses everything (restarted empty) between two catch-ups: the
  // position check refuses the batch, and the next catch-up starts over
  // from what Redis holds (nothing), so every line counts once.
  Append(400, 500);
  ASSERT_TRUE(client_->Command({"FLUSHALL"}).ok());
  EXPECT_FALSE(reader->CatchUp().ok());
  auto again = reader->CatchUp();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->lines, 500);
  EXPECT_EQ(Requests(), 500);
}

TEST_F(StatsReaderTest, ReaderCrashResumesFromRedisPosition) {
  Append(0, 300);
  size_t line_size = MakeLine(0).size();
  {
    auto reader = NewReader(line_size * 100);
    ASSERT_TRUE(reader->ReadBatch().ok());
    EXPECT_EQ(Requests(), 100);
  }  // "crash": the in-memory state is gone
  Append(300, 400);
  auto reader = NewReader(line_size * 100);
  ASSERT_TRUE(reader->CatchUp().ok());
  EXPECT_EQ(Requests(), 400);
}

TEST_F(StatsReaderTest, RedisOutageLosesNothingAndCountsNothingTwice) {
  // Keep data across the restart so "no double count" is tested against
  // what Redis kept, not against an empty server.
  ASSERT_TRUE(client_->Command({"CONFIG", "SET", "appendonly", "yes"}).ok());
  ASSERT_TRUE(client_->Command({"CONFIG", "SET", "appendfsync", "always"}).ok());
  Append(0, 200);
  size_t line_size = MakeLine(0).size();
  auto reader = NewReader(line_size * 50);
  ASSERT_TRUE(reader->ReadBatch().ok());
  EXPECT_EQ(Requests(), 50);
  // Wait for the AOF rewrite CONFIG SET started, so the restart loads it.
  ASSERT_TRUE(testing::WaitFor(
      [&] {
        auto info = client_->Command({"INFO", "persistence"});
        return info.ok() && info->str.find("aof_rewrite_in_progress:0") != std::string::npos &&
               info->str.find("aof_rewrite_scheduled:0") != std::string::npos;
      },
      std::chrono::seconds(10), std::chrono::milliseconds(20)));
  ASSERT_TRUE(reader->ReadBatch().ok());
  EXPECT_EQ(Requests(), 100);
  redis_->Kill();
  Append(200, 250);
  for (int i = 0; i < 3; ++i) {
    auto failed = reader->ReadBatch();
    EXPECT_FALSE(failed.ok());
  }
  ASSERT_TRUE(redis_->Restart());
  auto rest = reader->CatchUp();
  ASSERT_TRUE(rest.ok()) << rest.status().ToString();
  if (Field("position:router-1", "offset") == 0) GTEST_SKIP() << "redis did not keep its AOF";
  EXPECT_EQ(Requests(), 250);
  EXPECT_EQ(Field("stat_router:router-1", "lines"), 250);
}

TEST_F(StatsReaderTest, RedisRestartedEmptyRecountsTheWholeLog) {
  // A stats Redis without persistence loses totals and position together:
  // the reader then starts over, and the totals again match the log exactly.
  Append(0, 100);
  auto reader = NewReader();
  ASSERT_TRUE(reader->CatchUp().ok());
  redis_->Kill();
  ASSERT_TRUE(redis_->Restart());
  Append(100, 120);
  ASSERT_TRUE(reader->CatchUp().ok() || reader->CatchUp().ok());
  EXPECT_EQ(Requests(), 120);
}

TEST_F(StatsReaderTest, RotationByRename) {
  Append(0, 100);
  auto reader = NewReader();
  ASSERT_TRUE(reader->CatchUp().ok());
  Append(100, 120);  // written before the rename, not yet read
  ASSERT_EQ(std::rename(path_.c_str(), (path_ + ".1").c_str()), 0);
  Append(120, 130, path_ + ".1");  // nginx keeps writing the old file until it reopens
  ASSERT_TRUE(reader->CatchUp().ok());
  EXPECT_EQ(Requests(), 130);
  Append(130, 150);  // reopened: the new file
  ASSERT_TRUE(reader->CatchUp().ok());
  EXPECT_EQ(Requests(), 150);
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(Field("position:router-1", "inode"), static_cast<int64_t>(st.st_ino));
  Append(150, 160);
  ASSERT_TRUE(reader->CatchUp().ok());
  EXPECT_EQ(Requests(), 160);
}

TEST_F(StatsReaderTest, RotationWhileNoReaderRuns) {
  Append(0, 100);
  ASSERT_TRUE(NewReader()->CatchUp().ok());
  Append(100, 110);
  ASSERT_EQ(std::rename(path_.c_str(), (path_ + ".1").c_str()), 0);
  Append(110, 130);
  // A new reader finds the old file at <path>.1, drains it, then moves on.
  ASSERT_TRUE(NewReader()->CatchUp().ok());
  auto reader = NewReader();
  ASSERT_TRUE(reader->CatchUp().ok());
  ASSERT_TRUE(reader->CatchUp().ok());
  EXPECT_EQ(Requests(), 130);
}

TEST_F(StatsReaderTest, RotationByTruncation) {
  Append(0, 100);
  auto reader = NewReader();
  ASSERT_TRUE(reader->CatchUp().ok());
  ASSERT_EQ(::truncate(path_.c_str(), 0), 0);  // logrotate copytruncate
  Append(1000, 1030);
  ASSERT_TRUE(reader->CatchUp().ok());
  EXPECT_EQ(Requests(), 130);
  EXPECT_EQ(Field("position:router-1", "offset"), static_cast<int64_t>(30 * MakeLine(1000).size()));
}

TEST_F(StatsReaderTest, MissingLogIsNotAnError) {
  auto batch = NewReader()->CatchUp();
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->lines, 0);
}

TEST_F(StatsReaderTest, WorkerTicks) {
  StatsWorker worker({path_, "router-1", 1 << 20}, redis_->endpoint(), std::chrono::milliseconds(20));
  worker.Start();
  Append(0, 50);
  EXPECT_TRUE(testing::WaitFor([&] { return Requests() == 50; }, std::chrono::seconds(5),
                               std::chrono::milliseconds(10)));
  redis_->Kill();
  Append(50, 80);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // a few failing ticks
  ASSERT_TRUE(redis_->Restart());
  // Redis came back empty (no persistence): the worker recounts the log.
  EXPECT_TRUE(testing::WaitFor([&] { return Requests() == 80; }, std::chrono::seconds(5),
                               std::chrono::milliseconds(10)));
  worker.Stop();
}

}  // namespace
}  // namespace paasmaker::router::stats
