#include "jobs_fixture.h"

#include "core/ids.h"

namespace paasmaker::jobs::testing {

JobsTest::JobsTest() : client_(redis_.endpoint()), store_(&client_) {}

void JobsTest::SetUp() {
  ASSERT_TRUE(redis_.started());
  ASSERT_TRUE(ids::Initialize().ok());
  ASSERT_TRUE(RegisterBuiltinTestJobs(registry_).ok());
  ResetTestJobCounts();
}

std::unique_ptr<JobManager> JobsTest::NewManager(const std::string& node, int workers, Clock clock) {
  JobManagerOptions options;
  options.node_uuid = node;
  options.redis = redis_.endpoint();
  options.log_dir = LogDirFor(node);
  options.registry = &registry_;
  options.workers = workers;
  options.poll_interval = 200ms;
  options.clock = std::move(clock);
  auto manager = JobManager::Create(std::move(options));
  EXPECT_TRUE(manager.ok()) << manager.status().ToString();
  return manager.ok() ? std::move(manager).value() : nullptr;
}

Job JobsTest::GetJob(const std::string& id) {
  auto job = store_.Get(id);
  EXPECT_TRUE(job.ok()) << job.status().ToString();
  return job.ok() ? *job : Job{};
}

JobState JobsTest::StateOf(const std::string& id) {
  auto job = store_.Get(id);
  return job.ok() ? job->state : JobState::kNew;
}

bool JobsTest::WaitForState(const std::string& id, JobState state, std::chrono::milliseconds timeout) {
  bool reached = paasmaker::testing::WaitFor([&] { return StateOf(id) == state; }, timeout);
  if (!reached) {
    ADD_FAILURE() << "job " << id << " is " << JobStateName(StateOf(id)) << ", wanted "
                  << JobStateName(state);
  }
  return reached;
}

bool JobsTest::WaitForStarted(const std::string& id, std::chrono::milliseconds timeout) {
  bool started = paasmaker::testing::WaitFor([&] { return GetTestJobCounts(id).starts > 0; }, timeout);
  if (!started) ADD_FAILURE() << "job " << id << " did not start";
  return started;
}

bool JobsTest::WaitForTreeFinished(const std::string& root, std::chrono::milliseconds timeout) {
  return paasmaker::testing::WaitFor(
      [&] {
        auto tree = store_.ReadTree(root);
        if (!tree.ok()) return false;
        for (const auto& job : tree->jobs) {
          if (!IsFinished(job.state)) return false;
        }
        return true;
      },
      timeout);
}

}  // namespace paasmaker::jobs::testing
