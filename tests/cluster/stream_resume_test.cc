// Streams resume across a pacemaker restart (issue 14): `paasmaker job
// follow` and `paasmaker router stats --follow`, the real CLI, follow a
// stream while the pacemaker is stopped (SIGTERM) and started again with
// the same config and data; they reconnect with Last-Event-ID and print
// every event exactly once, none missing.
#include <gtest/gtest.h>

#include <signal.h>

#include <ctime>
#include <functional>
#include <memory>
#include <set>

#include "app_helpers.h"
#include "core/files.h"
#include "harness.h"
#include "jobs/job_store.h"

namespace paasmaker::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

class StreamResumeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new Cluster();
    cluster_->AddStandardNodes(1, 1);
    cluster_->EnableTestJobs();
    ASSERT_TRUE(cluster_->StartAll());
    ASSERT_TRUE(cluster_->WaitForRegistration());
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }

  std::map<std::string, std::string> CliEnv() {
    return {{"PAASMAKER_REMOTE", cluster_->pacemaker().url()}, {"PAASMAKER_KEY", cluster_->admin_key()}};
  }

  static std::string Read(const std::string& path) { return files::ReadFile(path).value_or(""); }

  // SIGTERM; once `away` holds, the same node started again (same config,
  // data and ports).
  void RestartPacemaker(const std::function<bool()>& away) {
    ASSERT_TRUE(cluster_->pacemaker().Stop());
    EXPECT_TRUE(WaitFor(away, seconds(30)));
    ASSERT_TRUE(cluster_->pacemaker().Start()) << cluster_->pacemaker().Output();
  }

  static Cluster* cluster_;
};
Cluster* StreamResumeTest::cluster_ = nullptr;

size_t Count(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++count;
  return count;
}

TEST_F(StreamResumeTest, JobFollowPrintsEveryLineOnceThroughAPacemakerRestart) {
  constexpr int kLines = 60;  // one every 0.2 s: about 12 s
  // Everything on the heart, so the pacemaker's restart touches no job.
  auto redis = std::make_unique<redis::Client>(cluster_->StoreEndpoint("jobs"));
  jobs::JobStore store(redis.get());
  std::string heart = cluster_->node("heart-1").Uuid();
  jobs::TreeSpec tree;
  std::string root = tree.Add({.type = "paasmaker.job.test.noop", .node = heart, .title = "root", .tags = {"test"}});
  jobs::JobSpec printer{.type = "paasmaker.job.test.shell",
            .parameters = {{"command", "for i in $(seq 1 " + std::to_string(kLines) +
                                           "); do echo line-$i-of-it; sleep 0.2; done"}},
            .node = heart,
            .title = "steady printer"};
  printer.id = "55555555-aaaa-4bbb-8ccc-" + std::to_string(100000000000 + std::time(nullptr) % 100000000000);
  tree.Add(printer, root);
  std::string log_path = cluster_->node("heart-1").data_dir() + "/jobs/logs/" + printer.id.substr(0, 2) + "/" +
                         printer.id + ".log";
  ASSERT_TRUE(store.AddTree(tree.jobs()).ok());
  ASSERT_TRUE(store.StartTree(root).ok());
  redis.reset();  // its Redis goes away with the pacemaker

  process::LaunchOptions o;
  o.argv = {PaasmakerBinary(), "job", "follow", root};
  o.env = CliEnv();
  o.output_file = cluster_->dir() / "job-follow.out";
  o.die_with_parent = true;
  auto follower = process::Launch(o);
  ASSERT_TRUE(follower.ok()) << follower.status().ToString();
  ASSERT_TRUE(WaitFor([&] { return Read(o.output_file).find("line-8-of-it") != std::string::npos; }, seconds(30)))
      << Read(o.output_file);
  // The restart comes in the middle: the job has lines still to print.
  EXPECT_EQ(Read(o.output_file).find("line-" + std::to_string(kLines) + "-of-it"), std::string::npos);
  // Away while the job prints on: the follower has to catch up on lines it
  // never saw as well as not repeat the ones it did.
  RestartPacemaker([&] {
    std::string output = Read(o.output_file);
    return output.find("reconnecting…") != std::string::npos &&
           Read(log_path).find("line-25-of-it") != std::string::npos &&
           output.find("line-25-of-it") == std::string::npos;
  });
  auto exit = (*follower)->Wait(seconds(90));
  ASSERT_TRUE(exit.has_value()) << Read(o.output_file);
  std::string output = Read(o.output_file);
  EXPECT_EQ(exit->exit_code, 0) << output;

  // Every line exactly once and in order, with the job's prefix.
  std::vector<int> seen;
  for (size_t start = 0, end; (end = output.find('\n', start)) != std::string::npos; start = end + 1) {
    std::string line = output.substr(start, end - start);
    size_t at = line.find("] line-");
    if (at == std::string::npos) continue;
    seen.push_back(std::stoi(line.substr(at + 7)));
  }
  std::vector<int> expected;
  for (int i = 1; i <= kLines; ++i) expected.push_back(i);
  EXPECT_EQ(seen, expected) << output;
  EXPECT_EQ(Count(output, "reconnecting…"), 1u) << output;
  // Each state once: no status event was sent twice across the resume.
  EXPECT_EQ(Count(output, " RUNNING  steady printer"), 1u) << output;
  EXPECT_EQ(Count(output, " SUCCESS  steady printer"), 1u) << output;
  EXPECT_EQ(Count(output, "Job tree finished: SUCCESS"), 1u) << output;
  EXPECT_LT(output.find("reconnecting…"), output.find("line-" + std::to_string(kLines) + "-of-it")) << output;

  // The stream refuses a position it did not make, naming it.
  auto bad = cluster_->Get("/api/v1/jobs/" + root + "/stream?last_event_id=not-a-cursor");
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->status, 400) << bad->body;
  EXPECT_NE(bad->body.find("not-a-cursor"), std::string::npos) << bad->body;
}

TEST_F(StreamResumeTest, RouterStatsFollowCountsEveryStepOnceThroughAPacemakerRestart) {
  ClusterNode& router = cluster_->node("router-1");
  constexpr double kInterval = 0.5;
  process::LaunchOptions o;
  o.argv = {PaasmakerBinary(), "router", "stats", "vt", "null", "--follow", "--json", "--interval", "0.5"};
  o.env = CliEnv();
  o.output_file = cluster_->dir() / "stats-follow.out";
  o.die_with_parent = true;
  auto follower = process::Launch(o);
  ASSERT_TRUE(follower.ok()) << follower.status().ToString();
  auto events = [&] {
    std::vector<json> lines;
    std::string text = Read(o.output_file);
    for (size_t start = 0, end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
      json line = json::parse(text.substr(start, end - start), nullptr, false);
      if (line.is_object()) lines.push_back(line);
    }
    return lines;
  };
  auto requests_of = [](const json& event) {
    return event.contains("totals") ? event["totals"].value("requests", int64_t{0}) : int64_t{-1};
  };
  ASSERT_TRUE(WaitFor([&] { return events().size() >= 3 && requests_of(events().back()) >= 0; }, seconds(20)))
      << Read(o.output_file);

  // Unrouted requests (no route has this host): counted under vt null.
  constexpr int kBefore = 10, kAtTheStop = 10;
  const int64_t first = requests_of(events().back());
  for (int i = 0; i < kBefore; ++i) RouterGet(router, "nobody-before.example.com");
  ASSERT_TRUE(WaitFor([&] { return requests_of(events().back()) >= first + kBefore; }, seconds(20)))
      << Read(o.output_file);
  // These land while the pacemaker stops: only the first event after the
  // gap can count them.
  for (int i = 0; i < kAtTheStop; ++i) RouterGet(router, "nobody-at-the-stop.example.com");
  size_t before_restart = events().size();
  // Away for more than two steps, so the first event after it covers a gap.
  RestartPacemaker([&] {
    int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    return Read(o.output_file).find("reconnecting…") != std::string::npos &&
           now_ms > events().back().value("step", int64_t{0}) + static_cast<int64_t>(3 * kInterval * 1000);
  });
  ASSERT_TRUE(WaitFor(
      [&] {
        auto now = events();
        return now.size() >= before_restart + 4 && requests_of(now.back()) >= first + kBefore + kAtTheStop;
      },
      seconds(60)))
      << Read(o.output_file);
  (*follower)->Signal(SIGINT);
  EXPECT_TRUE((*follower)->Wait(seconds(10)).has_value());

  std::string output = Read(o.output_file);
  EXPECT_EQ(Count(output, "reconnecting…"), 1u) << output;
  auto all = events();
  ASSERT_GE(all.size(), before_restart + 4);
  const int64_t interval_ms = static_cast<int64_t>(kInterval * 1000);
  int64_t delta_sum = 0;
  int gaps = 0;
  std::set<int64_t> steps;
  int64_t previous_step = -1;  // of the last event with totals
  std::vector<json> counted;   // the events with totals
  for (const json& e : all) {
    int64_t step = e.value("step", int64_t{0});
    EXPECT_EQ(step % interval_ms, 0) << e.dump();
    EXPECT_TRUE(steps.insert(step).second) << "step sent twice: " << e.dump();
    EXPECT_GT(step, previous_step) << e.dump();
    if (e.contains("error")) continue;  // the stats Redis unreadable for a moment: the next one covers it
    if (previous_step < 0) {
      EXPECT_FALSE(e.contains("since")) << e.dump();
    } else {
      // None missing: each change starts where the previous one ended.
      EXPECT_EQ(e.value("since", int64_t{-1}), previous_step) << e.dump();
      if (step - previous_step > interval_ms) ++gaps;
      delta_sum += e["delta"].value("requests", int64_t{0});
    }
    previous_step = step;
    counted.push_back(e);
  }
  ASSERT_GE(counted.size(), 2u);
  EXPECT_GE(gaps, 1) << "no event covered the restart:\n" << output;
  EXPECT_EQ(delta_sum, requests_of(counted.back()) - requests_of(counted.front())) << output;
  EXPECT_GE(requests_of(counted.back()) - requests_of(counted.front()), kBefore + kAtTheStop);

  // A malformed id is refused, naming it.
  http::Client client(cluster_->pacemaker().url(), seconds(10));
  auto bad = client.Get("/api/v1/router/stats/vt/null/stream",
                        {{"Authorization", "Bearer " + cluster_->admin_key()}, {"Last-Event-ID", "yesterday"}});
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(bad->status, 400) << bad->body;
  EXPECT_NE(bad->body.find("Last-Event-ID: 'yesterday'"), std::string::npos) << bad->body;
}

}  // namespace
}  // namespace paasmaker::testing
