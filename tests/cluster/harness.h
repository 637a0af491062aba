// Cluster test harness: real `paasmaker server` processes on 127.0.0.1, or
// each on a host of a TestNetwork (netns.h: its own network namespace and
// address, so nothing works by accident through the loopback).
//
// A Cluster owns a temp dir; each node gets its own data dir, config file,
// free ports and log. A node placed on a host (PlaceOn) runs as
// `ip netns exec NS paasmaker server -c CONFIG`, and its config names the
// host's address wherever a loopback node's says 127.0.0.1 (my_route, the
// master, the Redis stores, the router's listen address); several nodes may
// share a host. Ports are picked the same way for both kinds (a host has its
// own port space, so they cannot collide there either). The TestNetwork must
// outlive the Cluster. Tests add nodes (a pacemaker, hearts, routers), start
// them, and wait on conditions against deadlines — never fixed sleeps. The
// destructor stops every node with SIGTERM and then kills anything still
// running whose command line mentions the cluster's temp dir, so a failed
// test never leaves processes behind (tests that check clean shutdown call
// StrayProcesses() themselves before that safety net).
//
// Thread safety: one test thread.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/http.h"
#include "core/process.h"
#include "core/redis_client.h"
#include "netns.h"
#include "temp_dir.h"

namespace paasmaker::testing {

// The paasmaker binary under test (set by CMake).
std::string PaasmakerBinary();

// Runs the paasmaker binary (a client command) to completion.
struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};
CommandResult RunPaasmaker(const std::vector<std::string>& args, const std::map<std::string, std::string>& env = {},
                           const std::string& working_dir = "");

struct NodePorts {
  int http = 0;
  int table = 0;  // master table (pacemaker) or replica (router)
  int stats = 0;
  int jobs = 0;
  int router_direct = 0, router_80 = 0, router_443 = 0;
  int pool = 0;  // first of 20 free ports: misc_ports (heart) and service_ports (pacemaker)
};

class Cluster;

class ClusterNode {
 public:
  ClusterNode(Cluster& cluster, std::string name, std::vector<std::string> roles);

  const std::string& name() const { return name_; }
  const std::vector<std::string>& roles() const { return roles_; }
  const NodePorts& ports() const { return ports_; }
  std::string data_dir() const { return dir_; }
  std::string config_path() const { return dir_ + ".yml"; }
  std::string log_path() const { return dir_ + ".out"; }
  std::string url() const { return "http://" + address_ + ":" + std::to_string(ports_.http); }
  bool HasRole(const std::string& role) const;

  // Runs the node on `host` of `network` from its next Start(): it listens
  // and is reached at the host's address.
  void PlaceOn(const TestNetwork& network, int host);
  bool placed() const { return !netns_.empty(); }
  // Where other nodes and the test reach it: 127.0.0.1 or its host's address.
  const std::string& address() const { return address_; }
  // Its host's namespace ("" on the loopback).
  const std::string& netns() const { return netns_; }

  // Added to the node process's environment (it inherits the test's).
  std::map<std::string, std::string> env;

  // Extra YAML appended to the generated config (e.g. managed: false stores).
  std::string extra_yaml;
  // Extra keys inside the generated `pacemaker: {...}` mapping, each with a
  // leading comma, e.g. ", node_down_timeout: 3".
  std::string extra_pacemaker_yaml;
  // The same for the `heart: {...}` and `router: {...}` mappings.
  std::string extra_heart_yaml;
  std::string extra_router_yaml;
  // Replaces sections of the generated config when set.
  std::string redis_yaml_override;

  void WriteConfig();
  // Picks fresh free ports (all of them).
  void AssignPorts();
  // Its output says a port it wanted was taken.
  bool LostAPortRace() const;
  bool Start();          // launches; true once its HTTP port answers
  bool Stop();           // SIGTERM; true if it exited within 15 s
  void Kill();           // SIGKILL the node process only (its children live on)
  void Signal(int sig);
  bool running() const { return process_ && process_->running(); }
  pid_t pid() const { return process_ ? process_->pid() : 0; }
  // How the node process ended, waiting up to `timeout` for it.
  std::optional<process::ExitInfo> WaitForExit(std::chrono::milliseconds timeout = std::chrono::milliseconds(0)) const;
  std::string Output() const;  // what the process printed
  std::string Uuid() const;    // from its data dir, once registered

 private:
  Cluster& cluster_;
  std::string name_;
  std::vector<std::string> roles_;
  std::string dir_;
  NodePorts ports_;
  std::string address_ = "127.0.0.1";
  std::string netns_;
  std::vector<std::string> exec_prefix_;  // {"ip", "netns", "exec", NS} when placed
  std::shared_ptr<process::Process> process_;
};

class Cluster {
 public:
  Cluster();
  ~Cluster();

  ClusterNode& AddNode(const std::string& name, std::vector<std::string> roles);
  // The usual shape: pacemaker, heart-1, heart-2, router-1.
  void AddStandardNodes(int hearts = 2, int routers = 1);
  // Every node added so far runs paasmaker.job.test.* jobs, which only a
  // test config registers (testing: {job_plugins: true}).
  void EnableTestJobs();
  bool StartAll();
  // Starts one node; retries with new ports when it lost a port race.
  bool StartNode(ClusterNode& node);
  void StopAll();

  ClusterNode& node(const std::string& name);
  ClusterNode& pacemaker();
  std::vector<std::unique_ptr<ClusterNode>>& nodes() { return nodes_; }

  const std::string& node_token() const { return node_token_; }
  const TempDir& dir() const { return dir_; }
  std::string admin_key() const;  // from the pacemaker's credentials file

  // The pacemaker's managed Redis `store` ("table", "stats" or "jobs") at
  // its address, as user "pacemaker" with the password from
  // <pacemaker data_dir>/redis_credentials.json
  // ({"users": {"pacemaker": "...", "router": "...", "heart": "..."}});
  // without credentials while that file does not exist.
  redis::Endpoint StoreEndpoint(const std::string& store);
  // The password of Redis user `user` from that file ("" when absent).
  std::string RedisPassword(const std::string& user);

  // API calls to the pacemaker with the admin key (or the given secret).
  Result<http::ClientResponse> Get(const std::string& path, const std::string& secret = "");
  Result<http::ClientResponse> Post(const std::string& path, const nlohmann::json& body, const std::string& secret = "");
  // GET that returns the envelope's data (empty object on any failure).
  nlohmann::json GetData(const std::string& path);

  // Nodes as the pacemaker lists them, by name.
  std::map<std::string, nlohmann::json> ListedNodes();
  // Until every started node saved its UUID and the pacemaker lists it ACTIVE.
  bool WaitForRegistration(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  bool WaitForNodeState(const std::string& name, const std::string& state, std::chrono::milliseconds timeout);

  // Processes (other than ones this test process launched and still holds)
  // whose command line mentions this cluster's temp dir.
  std::vector<pid_t> StrayProcesses() const;

 private:
  friend class ClusterNode;
  TempDir dir_;
  std::string node_token_;
  std::vector<std::unique_ptr<ClusterNode>> nodes_;
};

}  // namespace paasmaker::testing
