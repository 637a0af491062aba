// Listing by tag, the JobTree read API, archiving, purging and deleting.
#include <filesystem>

#include "jobs/job_archive.h"
#include "jobs/job_tree.h"
#include "jobs_fixture.h"

namespace paasmaker::jobs::testing {
namespace {

constexpr const char* kNode = "node-a";
constexpr const char* kNoop = "paasmaker.job.test.noop";
constexpr double kDay = 24 * 3600;

class JobHousekeepingTest : public JobsTest {
 protected:
  JobHousekeepingTest() : clock_(1'700'000'000), timed_store_(&client_, clock_.AsClock()) {}

  // root (tagged) <- two children, added at the fake clock's time.
  std::string AddTree(const std::vector<std::string>& tags, std::vector<std::string>* all = nullptr) {
    TreeSpec tree;
    auto root = tree.Add({.type = kNoop, .node = kNode, .title = "root", .tags = tags});
    tree.Add({.type = kNoop, .node = kNode, .title = "child 1"}, root);
    tree.Add({.type = kNoop, .node = kNode, .title = "child 2"}, root);
    EXPECT_TRUE(timed_store_.AddTree(tree.jobs()).ok());
    if (all != nullptr) {
      for (const auto& spec : tree.jobs()) all->push_back(spec.id);
    }
    return root;
  }

  // Runs a tree to SUCCESS by hand (claim and finish), no manager needed.
  void RunByHand(const std::string& root) {
    ASSERT_TRUE(timed_store_.StartTree(root).ok());
    for (int round = 0; round < 10 && StateOf(root) != JobState::kSuccess; ++round) {
      auto claimed = timed_store_.Claim(kNode, "hand", 100);
      ASSERT_TRUE(claimed.ok());
      for (const auto& job : *claimed) {
        ASSERT_TRUE(timed_store_.Finish({job.id, "hand", JobState::kSuccess, "done " + job.title,
                                         {{"done-" + job.id, true}}}).ok());
      }
    }
    ASSERT_EQ(StateOf(root), JobState::kSuccess);
  }

  FakeClock clock_;
  JobStore timed_store_;
};

std::vector<std::string> RootIds(const nlohmann::json& listing) {
  std::vector<std::string> ids;
  for (const auto& job : listing["jobs"]) ids.push_back(job["job_id"]);
  return ids;
}

TEST_F(JobHousekeepingTest, ListsRootsByTagNewestFirstInPages) {
  std::vector<std::string> roots;
  for (int i = 0; i < 5; ++i) {
    roots.push_back(AddTree({"workspace:1", "application:" + std::to_string(i % 2)}));
    clock_.Advance(10);
  }
  AddTree({"workspace:2"});
  JobTree reader(&timed_store_);

  auto page = reader.ListByTag("workspace:1", 0, 2);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ((*page)["total"], 5);
  EXPECT_EQ(RootIds(*page), (std::vector<std::string>{roots[4], roots[3]}));
  EXPECT_EQ(RootIds(*reader.ListByTag("workspace:1", 2, 2)), (std::vector<std::string>{roots[2], roots[1]}));
  EXPECT_EQ(RootIds(*reader.ListByTag("workspace:1", 4, 2)), (std::vector<std::string>{roots[0]}));
  EXPECT_TRUE(RootIds(*reader.ListByTag("workspace:1", 10, 2)).empty());
  EXPECT_EQ(RootIds(*reader.ListByTag("application:0", 0, 10)),
            (std::vector<std::string>{roots[4], roots[2], roots[0]}));
  EXPECT_EQ((*reader.ListByTag("nothing", 0, 10))["total"], 0);
  EXPECT_EQ((*page)["jobs"][0]["tags"], (nlohmann::json{"application:0", "workspace:1"}));

  // Tagging any job tags its root, listed at the root's creation time.
  auto tree = timed_store_.ReadTree(roots[1]);
  ASSERT_TRUE(tree.ok());
  std::string child = tree->jobs.back().id;
  ASSERT_TRUE(timed_store_.AddTag(child, "health").ok());
  EXPECT_EQ(RootIds(*reader.ListByTag("health", 0, 10)), (std::vector<std::string>{roots[1]}));
}

TEST_F(JobHousekeepingTest, TreeReadApiNestsChildrenWithStatesAndTimes) {
  std::vector<std::string> ids;
  auto root = AddTree({"workspace:1"}, &ids);
  RunByHand(root);
  JobTree reader(&timed_store_);
  auto subtree = reader.Subtree(root);
  ASSERT_TRUE(subtree.ok()) << subtree.status().ToString();
  EXPECT_EQ((*subtree)["job_id"], root);
  EXPECT_EQ((*subtree)["state"], "SUCCESS");
  EXPECT_EQ((*subtree)["summary"], "done root");
  EXPECT_TRUE((*subtree)["parent_id"].is_null());
  ASSERT_EQ((*subtree)["children"].size(), 2u);
  for (const auto& child : (*subtree)["children"]) {
    EXPECT_EQ(child["parent_id"], root);
    EXPECT_EQ(child["state"], "SUCCESS");
    EXPECT_TRUE(child["started"].is_number());
    EXPECT_TRUE(child["finished"].is_number());
    EXPECT_TRUE(child["children"].empty());
  }
  auto one = reader.Subtree(ids[1]);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ((*one)["job_id"], ids[1]);
  EXPECT_EQ(reader.Subtree("missing").status().code(), StatusCode::kNotFound);
}

TEST_F(JobHousekeepingTest, ArchivedTreesLeaveRedisAndAreStillReadable) {
  std::vector<std::string> ids;
  auto done = AddTree({"workspace:1"}, &ids);
  RunByHand(done);
  clock_.Advance(1);
  auto unfinished = AddTree({"workspace:1"});
  clock_.Advance(600);

  JobArchive archive(&timed_store_, dir_ / "archive");
  EXPECT_EQ(*archive.Archive(std::chrono::seconds(3600)), 0) << "finished only 10 minutes ago";
  auto archived = archive.Archive(std::chrono::seconds(300));
  ASSERT_TRUE(archived.ok()) << archived.status().ToString();
  EXPECT_EQ(*archived, 1);
  EXPECT_TRUE(std::filesystem::exists(dir_ / ("archive/" + done + ".json")));

  // Gone from Redis...
  for (const auto& id : ids) {
    EXPECT_EQ(client_.Command({"EXISTS", "job:" + id})->integer, 0);
    EXPECT_EQ(store_.Get(id).status().code(), StatusCode::kNotFound);
  }
  EXPECT_EQ(client_.Command({"EXISTS", "jobtree:" + done + ":context"})->integer, 0);
  // ...and still readable, listed and with its context.
  JobTree reader(&timed_store_, &archive);
  auto child = reader.GetJob(ids[2]);
  ASSERT_TRUE(child.ok()) << child.status().ToString();
  EXPECT_EQ(child->state, JobState::kSuccess);
  EXPECT_EQ(child->summary, "done child 2");
  auto subtree = reader.Subtree(done);
  ASSERT_TRUE(subtree.ok());
  EXPECT_EQ((*subtree)["children"].size(), 2u);
  EXPECT_EQ((*subtree)["tags"], nlohmann::json{"workspace:1"});
  EXPECT_EQ((*reader.Context(ids[1]))["done-" + ids[1]], true);
  EXPECT_EQ(RootIds(*reader.ListByTag("workspace:1", 0, 10)), (std::vector<std::string>{unfinished, done}));
  // The unfinished tree stays in Redis.
  EXPECT_EQ(GetJob(unfinished).state, JobState::kNew);
}

TEST_F(JobHousekeepingTest, PurgeDeletesArchivedTreesOlderThanTheMaxAge) {
  std::vector<std::string> old_ids;
  auto old_root = AddTree({"workspace:1"}, &old_ids);
  RunByHand(old_root);
  clock_.Advance(8 * kDay);
  auto new_root = AddTree({"workspace:1"});
  RunByHand(new_root);
  clock_.Advance(1);
  auto unfinished = AddTree({"workspace:1"});  // not finished: never archived
  clock_.Advance(kDay);

  JobArchive archive(&timed_store_, dir_ / "archive");
  ASSERT_EQ(*archive.Archive(std::chrono::seconds(0)), 2);
  clock_.Advance(kDay);
  auto purged = archive.Purge();  // default job_max_age: 7 days
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  EXPECT_EQ(*purged, 1);

  JobTree reader(&timed_store_, &archive);
  EXPECT_FALSE(std::filesystem::exists(dir_ / ("archive/" + old_root + ".json")));
  for (const auto& id : old_ids) EXPECT_EQ(reader.GetJob(id).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(reader.GetJob(new_root).ok());
  EXPECT_TRUE(reader.GetJob(unfinished).ok());
  EXPECT_EQ(RootIds(*reader.ListByTag("workspace:1", 0, 10)),
            (std::vector<std::string>{unfinished, new_root}));
  EXPECT_EQ(client_.Command({"HLEN", "jobs:archived"})->integer, 3);  // only the new tree's jobs
  EXPECT_EQ(*archive.Purge(), 0);
}

// Logs of a tree's jobs, written as a node's JobManager would.
void WriteLogs(const JobLogs& logs, const std::vector<std::string>& ids) {
  for (const auto& id : ids) ASSERT_TRUE((*logs.Open(id))->Append("ran\n").ok());
}

TEST_F(JobHousekeepingTest, PurgeDeletesTheLogsOfThePurgedTrees) {
  JobLogs logs(dir_ / "logs");
  std::vector<std::string> old_ids, new_ids;
  auto old_root = AddTree({"workspace:1"}, &old_ids);
  RunByHand(old_root);
  clock_.Advance(8 * kDay);
  auto new_root = AddTree({"workspace:1"}, &new_ids);
  RunByHand(new_root);
  WriteLogs(logs, old_ids);
  WriteLogs(logs, new_ids);
  clock_.Advance(1);

  JobArchive archive(&timed_store_, dir_ / "archive", &logs);
  ASSERT_EQ(*archive.Archive(std::chrono::seconds(0)), 2);
  ASSERT_EQ(*archive.Purge(), 1);
  for (const auto& id : old_ids) EXPECT_FALSE(logs.Exists(id)) << id;
  for (const auto& id : new_ids) EXPECT_TRUE(logs.Exists(id)) << id;
}

TEST_F(JobHousekeepingTest, DeleteDropsAFinishedTreeWhereverItIsAndRefusesAnUnfinishedOne) {
  JobLogs logs(dir_ / "logs");
  JobArchive archive(&timed_store_, dir_ / "archive", &logs);
  JobTree reader(&timed_store_, &archive);
  std::vector<std::string> live_ids, archived_ids;
  auto live = AddTree({"health"}, &live_ids);
  RunByHand(live);
  clock_.Advance(1);
  auto archived = AddTree({"health"}, &archived_ids);
  RunByHand(archived);
  clock_.Advance(1);
  ASSERT_EQ(*archive.Archive(std::chrono::seconds(0)), 2);
  auto in_redis = AddTree({"health"}, &live_ids);  // finished after the archive run: stays in Redis
  RunByHand(in_redis);
  clock_.Advance(1);
  auto unfinished = AddTree({"health"});
  WriteLogs(logs, live_ids);
  WriteLogs(logs, archived_ids);

  ASSERT_TRUE(archive.Delete(in_redis).ok());
  ASSERT_TRUE(archive.Delete(archived).ok());
  Status refused = archive.Delete(unfinished);
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition) << refused.ToString();
  EXPECT_TRUE(archive.Delete(in_redis).ok()) << "already gone is fine";

  EXPECT_EQ(reader.GetJob(in_redis).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(reader.GetJob(archived).status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir_ / ("archive/" + archived + ".json")));
  for (const auto& id : archived_ids) EXPECT_FALSE(logs.Exists(id)) << id;
  EXPECT_EQ(RootIds(*reader.ListByTag("health", 0, 10)), (std::vector<std::string>{unfinished, live}));
  EXPECT_TRUE(logs.Exists(live)) << "another tree's logs stay";
  for (size_t i = 3; i < live_ids.size(); ++i) EXPECT_FALSE(logs.Exists(live_ids[i])) << live_ids[i];
  EXPECT_EQ(client_.Command({"HLEN", "jobs:archived"})->integer, 3);  // only `live`'s jobs
}

}  // namespace
}  // namespace paasmaker::jobs::testing
