// Helpers for cluster tests that deploy applications: the CLI as a user
// runs it, job waits, requests through a router with a Host header, and
// reads of versions and instances from the API. Everything waits on
// conditions with deadlines.
#pragma once

#include <nlohmann/json.hpp>

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness.h"

namespace paasmaker::testing {

// The examples/ directory of the source tree.
std::string ExamplesDir();

// Runs a client command against the cluster's pacemaker with the admin key.
CommandResult RunClient(Cluster& cluster, std::vector<std::string> args);

// The same with stderr kept apart: `output` holds stdout only.
struct SplitCommandResult {
  int exit_code = -1;
  std::string output;        // stdout
  std::string error_output;  // stderr
};
SplitCommandResult RunClientSplit(Cluster& cluster, std::vector<std::string> args);

// `paasmaker deploy PATH args... --json`; the parsed JSON output ({} when it
// is not JSON) and the command result.
struct DeployResult {
  CommandResult command;
  nlohmann::json json = nlohmann::json::object();
  std::string application_id() const { return json.value("application_id", ""); }
  std::string version_id() const { return json.value("version_id", ""); }
};
DeployResult Deploy(Cluster& cluster, const std::string& path, std::vector<std::string> args = {});

// Copies an example into `dir`/`name` (to change it, e.g. write a VERSION file).
std::string CopyExample(const std::string& example, const std::string& dir);

// The final state of the tree of `job_id` ("SUCCESS", "FAILED", ...), or "" on timeout.
std::string WaitForTree(Cluster& cluster, const std::string& job_id,
                        std::chrono::milliseconds timeout = std::chrono::seconds(90));
// The job and its whole subtree ({"job": {... "children": [...]}}).
nlohmann::json JobTree(Cluster& cluster, const std::string& job_id);
// Every job of a subtree, flattened.
std::vector<nlohmann::json> FlattenJobs(const nlohmann::json& subtree);

// The logs of every job in the tree of `root_id`, one after the other.
std::string TreeLogs(Cluster& cluster, const std::string& root_id);

// POST /api/v1/versions/<id>/<action> → the job id ("" on error, with a test failure).
std::string VersionAction(Cluster& cluster, const std::string& version_id, const std::string& action);
nlohmann::json VersionInstances(Cluster& cluster, const std::string& version_id);
// Until every instance of the version (at least `count`) is in `state`.
bool WaitForInstances(Cluster& cluster, const std::string& version_id, size_t count, const std::string& state,
                      std::chrono::milliseconds timeout = std::chrono::seconds(60));

// RUNNING instances of a version per node name, e.g. {{"heart-1", 2}}.
std::map<std::string, int> RunningInstancesPerNode(Cluster& cluster, const std::string& version_id);
// Ids of the version's instances on node `node_name` in `state`.
std::vector<std::string> InstancesOnNode(Cluster& cluster, const std::string& version_id,
                                         const std::string& node_name, const std::string& state);

struct RoutedResponse {
  int status = 0;  // 0: no connection
  std::string body;
  std::string error;  // why there was no response
};
// GET http://<router address>:<router direct port><path> with `Host: host`.
RoutedResponse RouterGet(ClusterNode& router, const std::string& host, const std::string& path = "/");
// Until a request for `host` answers 200 with `needle` in the body.
bool WaitForRoutedBody(ClusterNode& router, const std::string& host, const std::string& needle,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30));

// The router's nginx error log lines about upstreams and the route script
// (last `max_lines`), to explain a failed request.
std::string RouterErrors(ClusterNode& router, size_t max_lines = 30);

// GETs `host` through the router in a loop (every 20 ms) until stopped;
// counts what is not a 200 (0 = no connection), for "no request failed"
// checks during deploys and failures.
class RequestPoller {
 public:
  RequestPoller(ClusterNode& router, std::string host);
  ~RequestPoller();
  void Stop();
  int total() const { return total_; }
  int failed() const { return failed_; }
  std::string Describe();  // "N of M requests not 200; first statuses: [...]"

 private:
  ClusterNode& router_;
  std::string host_;
  std::atomic<bool> stop_{false};
  std::atomic<int> total_{0}, failed_{0};
  std::mutex mutex_;
  std::vector<int> statuses_;
  std::vector<std::string> failures_;  // status, when, how long, why
  std::thread thread_;
};

// The last `lines` lines of `text` (a node's Output()), to quote in a failure.
std::string Tail(const std::string& text, size_t lines = 25);

// Processes whose working directory is below `dir` (instances of a heart).
std::vector<pid_t> ProcessesUnder(const std::string& dir);

// The version hostname <number>.<type>.<app>.<stub>.local.paasmaker.net.
std::string VersionHost(int number, const std::string& type, const std::string& app, const std::string& stub = "default");

// A fixture with a running cluster of a pacemaker, `hearts` hearts and
// `routers` routers (StartCluster in SetUp or the test), and the reads most
// lifecycle and traffic tests share.
class ClusterTest : public ::testing::Test {
 protected:
  // Adds the standard nodes, starts them, waits until all are registered.
  void StartCluster(int hearts = 2, int routers = 1);
  ClusterNode& router(int n = 1) { return cluster_.node("router-" + std::to_string(n)); }
  // Node uuid → name.
  std::map<std::string, std::string> NodeNames();
  // Deploys `example` with --start --current and waits until a router serves `needle` on `host`.
  DeployResult DeployServed(const std::string& path, const std::string& host, const std::string& needle);
  // Traffic totals of /api/v1/router/stats/<kind>/<id> ({} on failure).
  nlohmann::json Totals(const std::string& kind, const std::string& id);
  // A totals field once the routers' readers caught up (unchanged across nginx's 1 s flush + a tick).
  int64_t Settled(const std::string& kind, const std::string& id, const std::string& field = "requests");
  // Keeps the test (and its load) going until `duration` has passed since
  // `start`: the load window an acceptance asks for, not a wait for a state.
  static void HoldLoadUntil(std::chrono::steady_clock::time_point start, std::chrono::seconds duration) {
    std::this_thread::sleep_until(start + duration);
  }

  Cluster cluster_;
};

}  // namespace paasmaker::testing
