// JobManager: running trees — order, parallelism, context, node pinning,
// racing managers, grafting, command output in logs.
#include <algorithm>

#include "core/ids.h"
#include "jobs/job_tree.h"
#include "jobs_fixture.h"

namespace paasmaker::jobs::testing {
namespace {

constexpr const char* kNoop = "paasmaker.job.test.noop";
constexpr const char* kSleep = "paasmaker.job.test.sleep";
constexpr const char* kContext = "paasmaker.job.test.context";

class JobManagerTest : public JobsTest {};

double ContextTime(JobStore& store, const std::string& root, const std::string& key) {
  auto value = store.GetContextValue(root, key);
  EXPECT_TRUE(value.ok() && value->has_value()) << key;
  return value.ok() && value->has_value() ? (**value).get<double>() : 0;
}

TEST_F(JobManagerTest, ThreeLevelTreeRunsLeavesFirstSiblingsInParallelAndSharesContext) {
  auto manager = NewManager("node-a", /*workers=*/4);
  ASSERT_NE(manager, nullptr);

  // root
  //  ├─ mid1 (reads leaf1/leaf2's sleep times)
  //  │   ├─ leaf1 sleep
  //  │   └─ leaf2 sleep
  //  └─ mid2 (reads leaf4's key)
  //      ├─ leaf3 sleep
  //      └─ leaf4 writes leaf4=4
  std::string leaf1 = ids::NewUuid(), leaf2 = ids::NewUuid();
  TreeSpec tree;
  auto root = tree.Add({.type = kContext,
                        .parameters = {{"key", "root"}, {"value", 1},
                                       {"expect", {{"mid1", "m1"}, {"mid2", "m2"}}}},
                        .title = "root"});
  auto mid1 = tree.Add({.type = kContext,
                        .parameters = {{"key", "mid1"}, {"value", "m1"},
                                       {"expect", {"sleep." + leaf1 + ".end", "sleep." + leaf2 + ".end"}}}},
                       root);
  tree.Add({.id = leaf1, .type = kSleep, .parameters = {{"seconds", 0.4}}}, mid1);
  tree.Add({.id = leaf2, .type = kSleep, .parameters = {{"seconds", 0.4}}}, mid1);
  auto mid2 = tree.Add({.type = kContext,
                        .parameters = {{"key", "mid2"}, {"value", "m2"}, {"expect", {{"leaf4", 4}}}}},
                       root);
  auto leaf3 = tree.Add({.type = kSleep, .parameters = {{"seconds", 0.4}}}, mid2);
  auto leaf4 = tree.Add({.type = kContext, .parameters = {{"key", "leaf4"}, {"value", 4}}}, mid2);

  auto added = manager->AddTree(tree.jobs());
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(*added, root);
  ASSERT_TRUE(manager->Start(root).ok());
  ASSERT_TRUE(WaitForState(root, JobState::kSuccess));

  // Every job ran once, and no parent started before all its children ended.
  for (const auto& spec : tree.jobs()) {
    Job job = GetJob(spec.id);
    EXPECT_EQ(job.state, JobState::kSuccess) << spec.id << ": " << job.summary;
    EXPECT_EQ(GetTestJobCounts(spec.id).starts, 1);
    if (!spec.parent_id.empty()) {
      EXPECT_GE(GetJob(spec.parent_id).started, job.finished) << "parent before child " << spec.id;
    }
  }
  // The sleeping siblings overlapped in time (measured by the jobs themselves).
  double latest_start = 0, earliest_end = 1e18;
  for (const auto& leaf : {leaf1, leaf2, leaf3}) {
    latest_start = std::max(latest_start, ContextTime(store_, root, "sleep." + leaf + ".start"));
    earliest_end = std::min(earliest_end, ContextTime(store_, root, "sleep." + leaf + ".end"));
  }
  EXPECT_LT(latest_start, earliest_end) << "siblings did not run in parallel";
  EXPECT_GE(GetJob(mid1).started, ContextTime(store_, root, "sleep." + leaf1 + ".end"));

  // Context written by children was read by parents (their `expect` held)
  // and everything written is in the tree context.
  auto context = store_.GetContext(root);
  ASSERT_TRUE(context.ok());
  EXPECT_EQ((*context)["root"], 1);
  EXPECT_EQ((*context)["mid1"], "m1");
  EXPECT_EQ((*context)["leaf4"], 4);

  // Each job has a log on this node.
  auto log = manager->logs().Read(leaf4, 0);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_NE(log->data.find("INFO Starting job " + leaf4), std::string::npos) << log->data;
  EXPECT_NE(log->data.find("Finished: SUCCESS"), std::string::npos);
}

TEST_F(JobManagerTest, AJobRunsOnlyOnTheNodeItIsAssignedTo) {
  auto a = NewManager("node-a");
  auto b = NewManager("node-b");
  ASSERT_TRUE(a && b);
  TreeSpec tree;
  auto root = tree.Add({.type = kNoop, .node = "node-a"});
  auto on_b = tree.Add({.type = kNoop, .node = "node-b"}, root);
  auto on_c = tree.Add({.type = kNoop, .node = "node-c"}, root);  // no manager yet
  ASSERT_TRUE(a->AddTree(tree.jobs()).ok());
  ASSERT_TRUE(a->Start(root).ok());

  ASSERT_TRUE(WaitForState(on_b, JobState::kSuccess));
  EXPECT_TRUE(b->logs().Exists(on_b));
  EXPECT_FALSE(a->logs().Exists(on_b));
  // Let both managers complete two more full polls: node-c's job still waits.
  auto a_passes = a->stats().full_passes, b_passes = b->stats().full_passes;
  ASSERT_TRUE(paasmaker::testing::WaitFor(
      [&] { return a->stats().full_passes >= a_passes + 2 && b->stats().full_passes >= b_passes + 2; },
      5s));
  EXPECT_EQ(StateOf(on_c), JobState::kWaiting);
  EXPECT_EQ(StateOf(root), JobState::kWaiting);
  EXPECT_EQ(GetTestJobCounts(on_c).starts, 0);

  auto c = NewManager("node-c");
  ASSERT_TRUE(WaitForState(root, JobState::kSuccess));
  EXPECT_TRUE(c->logs().Exists(on_c));
  EXPECT_TRUE(a->logs().Exists(root));
  EXPECT_FALSE(b->logs().Exists(root));
  EXPECT_FALSE(c->logs().Exists(root));
}

TEST_F(JobManagerTest, TwoManagersRacingOverAThousandReadyJobsRunEachOnce) {
  // Two runners of one node (started before any job exists, see JobManager).
  auto first = NewManager("node-a", 4);
  auto second = NewManager("node-a", 4);
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(paasmaker::testing::WaitFor(
      [&] { return first->stats().recovered && second->stats().recovered; }, 5s));

  TreeSpec tree;
  auto root = tree.Add({.type = kNoop, .title = "root"});
  for (int i = 0; i < 1000; ++i) tree.Add({.type = kNoop, .title = "leaf " + std::to_string(i)}, root);
  ASSERT_TRUE(first->AddTree(tree.jobs()).ok());
  ASSERT_TRUE(first->Start(root).ok());
  ASSERT_TRUE(WaitForState(root, JobState::kSuccess, 60s));

  int twice = 0;
  for (const auto& spec : tree.jobs()) {
    if (GetTestJobCounts(spec.id).starts != 1) ++twice;
  }
  EXPECT_EQ(twice, 0);
  EXPECT_EQ(TotalTestJobStarts(), 1001);
  // The root's SUCCESS is visible in Redis a moment before the manager that
  // wrote it counts the write.
  EXPECT_TRUE(paasmaker::testing::WaitFor(
      [&] { return first->stats().written + second->stats().written == 1001u; }, 5s));
  auto s1 = first->stats(), s2 = second->stats();
  EXPECT_EQ(s1.started + s2.started, 1001u);
  EXPECT_EQ(s1.written + s2.written, 1001u);
  std::cout << "[ info     ] runs: first " << s1.started << ", second " << s2.started << "\n";
}

TEST_F(JobManagerTest, ARunningJobGraftsUnderItsWaitingParent) {
  auto manager = NewManager("node-a");
  TreeSpec tree;
  auto root = tree.Add({.type = kNoop, .title = "root"});
  auto grafter = tree.Add({.type = "paasmaker.job.test.graft",
                           .parameters = {{"under", "parent"}, {"count", 2}, {"seconds", 0.2}}},
                          root);
  ASSERT_TRUE(manager->AddTree(tree.jobs()).ok());
  ASSERT_TRUE(manager->Start(root).ok());
  ASSERT_TRUE(WaitForState(root, JobState::kSuccess));

  auto grafted = store_.GetContextValue(root, "graft." + grafter);
  ASSERT_TRUE(grafted.ok() && grafted->has_value());
  auto ids = (**grafted).get<std::vector<std::string>>();
  ASSERT_EQ(ids.size(), 3u);  // container + 2 sleeps
  Job root_job = GetJob(root);
  for (const auto& id : ids) {
    Job job = GetJob(id);
    EXPECT_EQ(job.state, JobState::kSuccess);
    EXPECT_EQ(job.root_id, root);
    EXPECT_GE(root_job.started, job.finished) << "root ran before grafted job " << id;
  }
  EXPECT_EQ(GetJob(ids[0]).parent_id, root);

  JobTree reader(&store_);
  auto subtree = reader.Subtree(root);
  ASSERT_TRUE(subtree.ok());
  EXPECT_EQ((*subtree)["children"].size(), 2u);  // grafter + grafted container
}

TEST_F(JobManagerTest, GraftingUnderARunningJobIsRefused) {
  auto manager = NewManager("node-a");
  TreeSpec tree;
  auto root = tree.Add({.type = kNoop});
  auto grafter = tree.Add({.type = "paasmaker.job.test.graft", .parameters = {{"under", "self"}}}, root);
  ASSERT_TRUE(manager->AddTree(tree.jobs()).ok());
  ASSERT_TRUE(manager->Start(root).ok());
  ASSERT_TRUE(WaitForState(grafter, JobState::kFailed));
  EXPECT_NE(GetJob(grafter).summary.find("RUNNING"), std::string::npos) << GetJob(grafter).summary;
  ASSERT_TRUE(WaitForState(root, JobState::kAborted));
}

TEST_F(JobManagerTest, PollingAloneCompletesATreeWhenMessagesAreLost) {
  // Managers that hear no job.status message at all: node-x can only learn
  // that node-y's child succeeded by polling.
  auto deaf = [&](const std::string& node) {
    JobManagerOptions options;
    options.node_uuid = node;
    options.redis = redis_.endpoint();
    options.log_dir = LogDirFor(node);
    options.registry = &registry_;
    options.poll_interval = 100ms;
    options.listen = false;
    auto manager = JobManager::Create(std::move(options));
    EXPECT_TRUE(manager.ok());
    return std::move(manager).value();
  };
  auto x = deaf("node-x");
  auto y = deaf("node-y");
  TreeSpec tree;
  auto root = tree.Add({.type = kNoop, .node = "node-x"});
  auto mid = tree.Add({.type = kNoop, .node = "node-y"}, root);
  tree.Add({.type = kNoop, .node = "node-x"}, mid);
  ASSERT_TRUE(x->AddTree(tree.jobs()).ok());
  ASSERT_TRUE(x->Start(root).ok());
  ASSERT_TRUE(WaitForState(root, JobState::kSuccess));
  EXPECT_EQ(x->stats().started, 2u);
  EXPECT_EQ(y->stats().started, 1u);
}

TEST_F(JobManagerTest, GarbageOnTheStatusChannelIsIgnored) {
  auto manager = NewManager("node-a");
  for (const std::string garbage : {"not json", "[1,2]", R"({"state": 5, "root_id": []})"}) {
    ASSERT_TRUE(client_.Command({"PUBLISH", kJobStatusChannel, garbage}).ok());
  }
  TreeSpec tree;
  auto root = tree.Add({.type = kNoop});
  ASSERT_TRUE(manager->AddTree(tree.jobs()).ok());
  ASSERT_TRUE(manager->Start(root).ok());
  ASSERT_TRUE(WaitForState(root, JobState::kSuccess));
}

TEST_F(JobManagerTest, AddTreeChecksTypesAndParameters) {
  auto manager = NewManager("node-a");
  EXPECT_EQ(manager->AddTree({{.type = "paasmaker.job.no.such"}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(manager->AddTree({{.type = kSleep, .parameters = {{"seconds", "soon"}}}}).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(manager->AddTree({{.type = kContext, .parameters = {{"value", 1}}}}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(JobManagerTest, ShellJobOutputGoesIntoTheJobLog) {
  auto manager = NewManager("node-a");
  TreeSpec tree;
  auto ok = tree.Add({.type = "paasmaker.job.test.shell",
                      .parameters = {{"command", "echo hello-from-shell; echo to-stderr >&2"}}});
  ASSERT_TRUE(manager->AddTree(tree.jobs()).ok());
  ASSERT_TRUE(manager->Start(ok).ok());
  ASSERT_TRUE(WaitForState(ok, JobState::kSuccess));
  auto log = manager->logs().Read(ok, 0);
  ASSERT_TRUE(log.ok());
  EXPECT_NE(log->data.find("hello-from-shell\n"), std::string::npos) << log->data;
  EXPECT_NE(log->data.find("to-stderr\n"), std::string::npos);

  TreeSpec failing;
  auto bad = failing.Add({.type = "paasmaker.job.test.shell", .parameters = {{"command", "exit 3"}}});
  ASSERT_TRUE(manager->AddTree(failing.jobs()).ok());
  ASSERT_TRUE(manager->Start(bad).ok());
  ASSERT_TRUE(WaitForState(bad, JobState::kFailed));
  EXPECT_NE(GetJob(bad).summary.find("exited with code 3"), std::string::npos) << GetJob(bad).summary;
}

}  // namespace
}  // namespace paasmaker::jobs::testing
