// bench/jobs: job throughput on a 2-node loopback cluster (a pacemaker and a
// heart, real processes), against the raw Redis round-trip rate measured in
// the same run on the same jobs Redis.
//
//   wide:  one root over 1,000 no-op leaves (alternating between the nodes)
//   chain: 200 no-op jobs, each the parent of the next (alternating nodes)
//
// Prints jobs/s and jobs/s ÷ round trips/s for each, median of 3 runs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "harness.h"
#include "jobs/job_store.h"

using namespace paasmaker;
using Clock = std::chrono::steady_clock;

namespace {

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double RoundTripsPerSecond(redis::Client& client) {
  const int n = 20000;
  auto start = Clock::now();
  for (int i = 0; i < n; ++i) {
    if (!client.Ping().ok()) return 0;
  }
  return n / std::chrono::duration<double>(Clock::now() - start).count();
}

// Runs the tree and returns jobs per second (0 on failure).
double RunTree(jobs::JobStore& store, const jobs::TreeSpec& tree) {
  const std::string root = tree.jobs().front().id;
  if (!store.AddTree(tree.jobs()).ok()) return 0;
  auto start = Clock::now();
  if (!store.StartTree(root).ok()) return 0;
  bool done = testing::WaitFor(
      [&] {
        auto job = store.Get(root);
        return job.ok() && jobs::IsFinished(job->state);
      },
      std::chrono::seconds(300), std::chrono::milliseconds(2));
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  auto job = store.Get(root);
  if (!done || !job.ok() || job->state != jobs::JobState::kSuccess) {
    std::fprintf(stderr, "tree %s did not succeed\n", root.c_str());
    return 0;
  }
  return static_cast<double>(tree.jobs().size()) / seconds;
}

}  // namespace

int main() {
  testing::Cluster cluster;
  cluster.AddNode("pacemaker", {"pacemaker"});
  cluster.AddNode("heart-1", {"heart"});
  // The trees are paasmaker.job.test.noop jobs, which only a test config registers.
  for (auto& node : cluster.nodes()) node->extra_yaml += "testing: {job_plugins: true}\n";
  if (!cluster.StartAll() || !cluster.WaitForRegistration()) {
    std::fprintf(stderr, "the cluster did not start\n");
    return 1;
  }
  const std::string nodes[2] = {cluster.pacemaker().Uuid(), cluster.node("heart-1").Uuid()};
  redis::Client client(cluster.StoreEndpoint("jobs"));
  jobs::JobStore store(&client);

  std::vector<double> rtt, wide, chain;
  for (int run = 0; run < 3; ++run) {
    rtt.push_back(RoundTripsPerSecond(client));

    jobs::TreeSpec w;
    std::string root = w.Add({.type = "paasmaker.job.test.noop", .node = nodes[0], .title = "wide root"});
    for (int i = 0; i < 1000; ++i) w.Add({.type = "paasmaker.job.test.noop", .node = nodes[i % 2]}, root);
    wide.push_back(RunTree(store, w));

    jobs::TreeSpec c;
    std::string parent = c.Add({.type = "paasmaker.job.test.noop", .node = nodes[0], .title = "chain root"});
    for (int i = 1; i < 200; ++i) parent = c.Add({.type = "paasmaker.job.test.noop", .node = nodes[i % 2]}, parent);
    chain.push_back(RunTree(store, c));
  }
  double r = Median(rtt), wi = Median(wide), ch = Median(chain);
  std::printf("redis round trips/s (PING, same jobs Redis):  %10.0f\n", r);
  std::printf("wide tree, 1000 no-op leaves: jobs/s         %10.1f   ratio to round trips/s: %.4f\n", wi, wi / r);
  std::printf("chain of 200 no-op jobs:      jobs/s         %10.1f   ratio to round trips/s: %.4f\n", ch, ch / r);
  std::printf("(median of 3 runs; 2 nodes on loopback, 4 workers each)\n");
  return (wi > 0 && ch > 0) ? 0 : 1;
}
