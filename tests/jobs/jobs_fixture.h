// JobsTest: a fresh redis-server, temp dir and registry of the built-in test
// jobs for every test, plus helpers to start managers and wait for states.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "core/redis_client.h"
#include "jobs/job_manager.h"
#include "jobs/job_registry.h"
#include "jobs/job_store.h"
#include "jobs/test_jobs.h"
#include "../support/temp_dir.h"
#include "../support/test_redis.h"

namespace paasmaker::jobs::testing {

using namespace std::chrono_literals;

// A clock tests move by hand.
class FakeClock {
 public:
  explicit FakeClock(double start) : now_(start) {}
  Clock AsClock() {
    return [this] { return now_.load(); };
  }
  void Set(double t) { now_ = t; }
  void Advance(double seconds) { now_ = now_.load() + seconds; }

 private:
  std::atomic<double> now_;
};

class JobsTest : public ::testing::Test {
 protected:
  JobsTest();
  void SetUp() override;

  // A manager for `node` with its own log dir under the test's temp dir.
  std::unique_ptr<JobManager> NewManager(const std::string& node, int workers = 4,
                                         Clock clock = nullptr);
  std::string LogDirFor(const std::string& node) const { return dir_ / ("logs-" + node); }

  // The job's state (ABORTED-looking sentinel on error: the test fails).
  JobState StateOf(const std::string& id);
  Job GetJob(const std::string& id);
  bool WaitForState(const std::string& id, JobState state,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // The job's Start() has been entered (RUNNING in Redis only means claimed).
  bool WaitForStarted(const std::string& id, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Every job of the tree finished.
  bool WaitForTreeFinished(const std::string& root,
                           std::chrono::milliseconds timeout = std::chrono::seconds(10));

  paasmaker::testing::TestRedisServer redis_;
  paasmaker::testing::TempDir dir_{"pm-jobs"};
  JobRegistry registry_;
  redis::Client client_;
  JobStore store_;
};

}  // namespace paasmaker::jobs::testing
