// JobLogs: layout, line format, reading from offsets, id checks, deletion.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <utime.h>

#include <ctime>

#include "jobs/job_logs.h"
#include "../support/temp_dir.h"

namespace paasmaker::jobs {
namespace {

TEST(JobLogsTest, WritesLinesUnderTwoCharacterDirectory) {
  paasmaker::testing::TempDir dir("pm-joblogs");
  JobLogs logs(dir.path());
  const std::string id = "0f8fad5b-d9cb-469f-a165-70867728950e";
  auto path = logs.PathFor(id);
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(*path, dir.path() + "/0f/" + id + ".log");

  EXPECT_FALSE(logs.Exists(id));
  EXPECT_EQ(logs.Read(id, 0).status().code(), StatusCode::kNotFound);

  auto log = logs.Open(id);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  (*log)->Info("hello job");
  (*log)->Error("it broke");
  ASSERT_TRUE((*log)->Append("raw command output\n").ok());
  EXPECT_TRUE(logs.Exists(id));

  auto all = logs.Read(id, 0);
  ASSERT_TRUE(all.ok());
  EXPECT_NE(all->data.find(" INFO hello job\n"), std::string::npos) << all->data;
  EXPECT_NE(all->data.find(" ERROR it broke\n"), std::string::npos);
  EXPECT_NE(all->data.find("raw command output\n"), std::string::npos);
  // "YYYY-MM-DD HH:MM:SS.mmm LEVEL message"
  EXPECT_EQ(all->data[4], '-');
  EXPECT_EQ(all->data[19], '.');
  EXPECT_EQ(all->next_offset, all->size);
  EXPECT_EQ(all->data.size(), all->size);
}

TEST(JobLogsTest, ReadsFromAnOffsetInPieces) {
  paasmaker::testing::TempDir dir("pm-joblogs");
  JobLogs logs(dir.path());
  auto log = logs.Open("abcdef");
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->Append("0123456789").ok());

  auto first = logs.Read("abcdef", 0, 4);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->data, "0123");
  EXPECT_EQ(first->next_offset, 4u);
  auto second = logs.Read("abcdef", first->next_offset, 100);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->data, "456789");
  EXPECT_EQ(second->next_offset, 10u);

  // At (or past) the end: nothing yet; a follower polls again later.
  auto end = logs.Read("abcdef", 50);
  ASSERT_TRUE(end.ok());
  EXPECT_TRUE(end->data.empty());
  EXPECT_EQ(end->next_offset, 10u);
  ASSERT_TRUE((*log)->Append("xy").ok());
  auto more = logs.Read("abcdef", second->next_offset);
  ASSERT_TRUE(more.ok());
  EXPECT_EQ(more->data, "xy");
  EXPECT_EQ(*logs.Size("abcdef"), 12u);
}

TEST(JobLogsTest, RejectsIdsThatCouldEscape) {
  JobLogs logs("/tmp/unused");
  for (const std::string bad : {"", "a", "../etc", "a/b", "a.b", "..", "x\\y"}) {
    EXPECT_EQ(logs.PathFor(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(JobLogsTest, RemovesOneLogAndLogsLastWrittenBeforeAnAge) {
  paasmaker::testing::TempDir dir("pm-joblogs");
  JobLogs logs(dir.path());
  const std::string old_id = "0a000000-0000-4000-8000-000000000001";
  const std::string new_id = "0b000000-0000-4000-8000-000000000002";
  const std::string gone_id = "0c000000-0000-4000-8000-000000000003";
  for (const auto& id : {old_id, new_id, gone_id}) ASSERT_TRUE((*logs.Open(id))->Append("line\n").ok());
  // Last written two days ago.
  struct utimbuf two_days_ago{std::time(nullptr) - 2 * 86400, std::time(nullptr) - 2 * 86400};
  ASSERT_EQ(::utime(logs.PathFor(old_id)->c_str(), &two_days_ago), 0);

  ASSERT_TRUE(logs.Remove(gone_id).ok());
  EXPECT_FALSE(logs.Exists(gone_id));
  EXPECT_TRUE(logs.Remove(gone_id).ok()) << "already gone is fine";
  EXPECT_EQ(logs.Remove("../escape").code(), StatusCode::kInvalidArgument);

  EXPECT_EQ(*logs.RemoveOlderThan(std::chrono::hours(72)), 0);
  EXPECT_EQ(*logs.RemoveOlderThan(std::chrono::hours(24)), 1);
  EXPECT_FALSE(logs.Exists(old_id));
  EXPECT_TRUE(logs.Exists(new_id));
  struct stat st;
  EXPECT_EQ(::stat((dir.path() + "/0a").c_str(), &st), 0) << "shard directories stay";

  JobLogs missing(dir.path() + "/none");
  EXPECT_EQ(*missing.RemoveOlderThan(std::chrono::hours(1)), 0);
}

}  // namespace
}  // namespace paasmaker::jobs
