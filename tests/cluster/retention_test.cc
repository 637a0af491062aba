// Retention (issue 15): the default health group runs a tree every 2 s, and
// each of its jobs writes a log. Runs that changed nothing are deleted, tree
// and logs, pacemaker.health.quiet_run_max_age after they started (3 s
// here), so while runs keep finishing the pacemaker's job log directory and
// its health history stay the size of a few runs instead of growing by
// every run.
#include <gtest/gtest.h>

#include <filesystem>

#include "app_helpers.h"
#include "harness.h"
#include "promtool.h"

namespace paasmaker::testing {
namespace {

using std::chrono::seconds;

class RetentionTest : public ClusterTest {
 protected:
  void SetUp() override {
    cluster_.AddStandardNodes(1, 0);
    cluster_.pacemaker().extra_pacemaker_yaml += ", health: {quiet_run_max_age: 3}";
    ASSERT_TRUE(cluster_.StartAll());
    ASSERT_TRUE(cluster_.WaitForRegistration());
  }

  // Health runs finished so far (the group trees' roots; nothing else runs).
  double RunsFinished() {
    http::Client client(cluster_.pacemaker().url(), seconds(5));
    std::map<std::string, std::string> headers = {{"Authorization", "Bearer " + cluster_.node_token()}};
    auto response = client.Get("/metrics", headers);
    if (!response.ok() || response->status != 200) return -1;
    return MetricSum(response->body, "paasmaker_job_trees_finished_total", {{"type", "paasmaker.job.group"}});
  }
  bool WaitForRuns(double runs) {
    return WaitFor([&] { return RunsFinished() >= runs; }, seconds(60), std::chrono::milliseconds(200));
  }
  size_t JobLogFiles() {
    size_t count = 0;
    std::error_code error;
    for (std::filesystem::recursive_directory_iterator it(cluster_.pacemaker().data_dir() + "/jobs/logs", error), end;
         !error && it != end; it.increment(error)) {
      if (it->is_regular_file()) ++count;
    }
    return count;
  }
  size_t HealthRunsListed() {
    return cluster_.GetData("/api/v1/health/history?limit=500").value("runs", nlohmann::json::array()).size();
  }
};

TEST_F(RetentionTest, QuietHealthRunsLeaveNeitherTreesNorLogsBehind) {
  // Past the first deletions (a run is looked at 3 s after it started).
  ASSERT_TRUE(WaitForRuns(5)) << "health runs: " << RunsFinished();
  const double runs_before = RunsFinished();
  const size_t logs_before = JobLogFiles();
  ASSERT_GT(logs_before, 0u) << "health jobs write logs";

  ASSERT_TRUE(WaitForRuns(runs_before + 12)) << "health runs: " << RunsFinished();
  const double runs_after = RunsFinished();
  const size_t logs_after = JobLogFiles();
  // A run is at least 6 jobs (root, stages, 4 checks), each with a log: the
  // 12+ runs in between wrote 72+ logs. Kept: those of the last few runs.
  EXPECT_LE(logs_after, logs_before + 12) << runs_after - runs_before << " runs in between";
  EXPECT_LE(logs_after, 60u);
  // The most recent runs stay visible in the health history meanwhile.
  size_t listed = HealthRunsListed();
  EXPECT_GE(listed, 1u);
  EXPECT_LE(listed, 8u) << "of " << runs_after << " runs";
}

}  // namespace
}  // namespace paasmaker::testing
