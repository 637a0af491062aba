#include "harness.h"
#include "temp_dir.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <sys/stat.h>

#include <algorithm>
#include <fstream>

#include "core/files.h"
#include "core/ids.h"
#include "core/net.h"

namespace paasmaker::testing {

using nlohmann::json;

std::string PaasmakerBinary() { return PAASMAKER_BINARY; }

CommandResult RunPaasmaker(const std::vector<std::string>& args, const std::map<std::string, std::string>& env,
                           const std::string& working_dir) {
  process::LaunchOptions o;
  o.argv = {PaasmakerBinary()};
  o.argv.insert(o.argv.end(), args.begin(), args.end());
  o.env = env;
  o.working_dir = working_dir;
  CommandResult result;
  auto r = process::Run(o, std::chrono::seconds(60));
  if (!r.ok()) {
    result.output = r.status().ToString();
    return result;
  }
  result.exit_code = r->exit.exited ? r->exit.exit_code : 128 + r->exit.signal;
  result.output = r->output;
  return result;
}

namespace {

int Port() {
  auto port = paasmaker::testing::FreeTestPort();
  if (!port.ok()) ADD_FAILURE() << port.status().ToString();
  return port.ok() ? *port : 0;
}

}  // namespace

ClusterNode::ClusterNode(Cluster& cluster, std::string name, std::vector<std::string> roles)
    : cluster_(cluster), name_(std::move(name)), roles_(std::move(roles)), dir_(cluster.dir_ / name_) {
  AssignPorts();
}

void ClusterNode::AssignPorts() {
  ports_ = NodePorts{};
  ports_.http = Port();
  ports_.table = Port();
  if (HasRole("pacemaker")) {
    ports_.stats = Port();
    ports_.jobs = Port();
  }
  if (HasRole("heart") || HasRole("pacemaker")) {
    auto range = FreeTestPortRange(20);
    EXPECT_TRUE(range.ok()) << range.status().ToString();
    ports_.pool = range.ok() ? *range : 0;
  }
  if (HasRole("router")) {
    ports_.router_direct = Port();
    ports_.router_80 = Port();
    ports_.router_443 = Port();
  }
}

bool ClusterNode::LostAPortRace() const {
  std::string out = Output();
  return out.find("cannot listen") != std::string::npos || out.find("already in use") != std::string::npos ||
         out.find("Failed listening on port") != std::string::npos;  // a managed redis-server's own words
}

bool ClusterNode::HasRole(const std::string& role) const {
  return std::find(roles_.begin(), roles_.end(), role) != roles_.end();
}

void ClusterNode::PlaceOn(const TestNetwork& network, int host) {
  address_ = network.Address(host);
  netns_ = network.Namespace(host);
  exec_prefix_ = network.ExecPrefix(host);
}

void ClusterNode::WriteConfig() {
  ClusterNode* master = nullptr;
  for (auto& n : cluster_.nodes_) {
    if (n->HasRole("pacemaker")) master = n.get();
  }
  const NodePorts& mp = master ? master->ports() : ports_;
  const std::string& master_address = master ? master->address() : address_;
  auto enabled = [&](const std::string& role) { return HasRole(role) ? "true" : "false"; };
  // A loopback node's stores keep the default host (127.0.0.1), as they
  // always have; a placed node names the host each store lives on.
  auto host_key = [&](const std::string& address) { return placed() ? "host: " + address + ", " : std::string(); };
  std::string yaml;
  yaml += "my_name: " + name_ + "\n";
  yaml += "my_route: " + address_ + "\n";
  yaml += "http_port: " + std::to_string(ports_.http) + "\n";
  yaml += "data_dir: " + dir_ + "\n";
  yaml += "node_token: " + cluster_.node_token_ + "\n";
  yaml += "log_level: debug\n";
  yaml += "node_report_interval: 0.5\n";
  yaml += "master: {host: " + master_address + ", port: " + std::to_string(mp.http) + "}\n";
  if (!redis_yaml_override.empty()) {
    yaml += redis_yaml_override;
  } else {
    yaml += "redis:\n";
    if (HasRole("pacemaker")) {
      yaml += "  table: {" + host_key(address_) + "port: " + std::to_string(ports_.table) + "}\n";
    } else {
      yaml += "  table: {" + host_key(address_) + "port: " + std::to_string(ports_.table) +
              ", replica_of: {host: " + master_address + ", port: " + std::to_string(mp.table) + "}}\n";
    }
    yaml += "  stats: {" + host_key(master_address) + "port: " + std::to_string(mp.stats) + "}\n";
    yaml += "  jobs: {" + host_key(master_address) + "port: " + std::to_string(mp.jobs) + "}\n";
  }
  yaml += std::string("pacemaker: {enabled: ") + enabled("pacemaker") + extra_pacemaker_yaml + "}\n";
  yaml += std::string("heart: {enabled: ") + enabled("heart") + extra_heart_yaml + "}\n";
  // Tests stay on the loopback or their host: the router listens on that address only.
  yaml += std::string("router: {enabled: ") + enabled("router") + ", nginx: {listen: " + address_ + ", port_direct: " +
          std::to_string(ports_.router_direct == 0 ? Port() : ports_.router_direct) +
          ", port_80: " + std::to_string(ports_.router_80 == 0 ? Port() : ports_.router_80) +
          ", port_443: " + std::to_string(ports_.router_443 == 0 ? Port() : ports_.router_443) + "}" + extra_router_yaml + "}\n";
  if (ports_.pool != 0) {
    // One private pool per node: instance ports (heart), then service ports (pacemaker).
    auto range = [](int first) {
      return "{minimum: " + std::to_string(first) + ", maximum: " + std::to_string(first + 9) + "}\n";
    };
    if (HasRole("heart")) yaml += "misc_ports: " + range(ports_.pool);
    if (HasRole("pacemaker")) yaml += "service_ports: " + range(ports_.pool + 10);
  }
  yaml += extra_yaml;
  ASSERT_TRUE(files::WriteFileAtomically(config_path(), yaml).ok());
}

bool ClusterNode::Start() {
  WriteConfig();
  process::LaunchOptions options;
  // `ip netns exec` execs in place: the pid we hold is the node's.
  options.argv = exec_prefix_;
  for (const std::string& arg : {PaasmakerBinary(), std::string("server"), std::string("-c"), config_path()}) {
    options.argv.push_back(arg);
  }
  options.env = env;
  options.output_file = log_path();
  auto launched = process::Launch(options);
  if (!launched.ok()) {
    ADD_FAILURE() << launched.status().ToString();
    return false;
  }
  process_ = *launched;
  bool up = WaitFor([&] { return net::PortAcceptsConnections(address_, ports_.http) || !running(); },
                    std::chrono::seconds(30)) &&
            running();
  // A port taken between our check and the daemon's bind is the caller's to retry.
  if (!up && !LostAPortRace()) ADD_FAILURE() << "node " << name_ << " did not start; output:\n" << Output();
  return up;
}

bool ClusterNode::Stop() {
  if (!process_) return true;
  process_->Signal(SIGTERM);
  return process_->Wait(std::chrono::seconds(15)).has_value();
}

void ClusterNode::Kill() {
  if (!process_) return;
  // The node only: its managed daemons live in their own process groups.
  ::kill(process_->pid(), SIGKILL);
  process_->Wait(std::chrono::seconds(10));
}

void ClusterNode::Signal(int sig) {
  if (process_) ::kill(process_->pid(), sig);
}

std::optional<process::ExitInfo> ClusterNode::WaitForExit(std::chrono::milliseconds timeout) const {
  if (!process_) return std::nullopt;
  return process_->Wait(timeout);
}

std::string ClusterNode::Output() const {
  auto text = files::ReadFile(log_path());
  return text.ok() ? *text : "";
}

std::string ClusterNode::Uuid() const {
  auto text = files::ReadFile(dir_ + "/node_uuid");
  if (!text.ok()) return "";
  std::string uuid = *text;
  while (!uuid.empty() && uuid.back() == '\n') uuid.pop_back();
  return uuid;
}

Cluster::Cluster() : dir_("pm-cluster") {
  // Instances of root hearts run under other uids: they must pass through to their directories.
  ::chmod(dir_.path().c_str(), 0711);
  ids::Initialize().IgnoreError();
  node_token_ = ids::RandomToken(16);
}

Cluster::~Cluster() {
  StopAll();
  // Safety net: nothing of this test may outlive it.
  for (pid_t pid : StrayProcesses()) ::kill(pid, SIGKILL);
}

ClusterNode& Cluster::AddNode(const std::string& name, std::vector<std::string> roles) {
  nodes_.push_back(std::make_unique<ClusterNode>(*this, name, std::move(roles)));
  return *nodes_.back();
}

void Cluster::AddStandardNodes(int hearts, int routers) {
  AddNode("pacemaker", {"pacemaker"});
  for (int i = 1; i <= hearts; ++i) AddNode("heart-" + std::to_string(i), {"heart"});
  for (int i = 1; i <= routers; ++i) AddNode("router-" + std::to_string(i), {"router"});
}

void Cluster::EnableTestJobs() {
  for (auto& node : nodes_) node->extra_yaml += "testing: {job_plugins: true}\n";
}

bool Cluster::StartAll() {
  // The pacemaker first: the others register with it.
  for (auto& n : nodes_) {
    if (n->HasRole("pacemaker") && !StartNode(*n)) return false;
  }
  for (auto& n : nodes_) {
    if (!n->HasRole("pacemaker") && !StartNode(*n)) return false;
  }
  return true;
}

// Starts `node` and waits until it is registered ACTIVE or has died. Ports
// come from checks that another process may beat to the bind (parallel
// suites, outgoing connections): a node that died of a taken port gets new
// ports and another try; anything else is a failure.
bool Cluster::StartNode(ClusterNode& node) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (attempt > 0) {
      node.Stop();
      node.AssignPorts();
    }
    bool up = node.Start();
    if (up) {
      WaitFor(
          [&] {
            if (!node.running()) return true;
            auto listed = ListedNodes();
            return listed.count(node.name()) > 0 && listed[node.name()]["state"] == "ACTIVE";
          },
          std::chrono::seconds(30), std::chrono::milliseconds(50));
      if (node.running()) return true;
    }
    if (!node.LostAPortRace()) {
      ADD_FAILURE() << "node " << node.name() << " stopped during start-up; output:\n" << node.Output();
      return false;
    }
  }
  ADD_FAILURE() << "node " << node.name() << " lost a port race three times; output:\n" << node.Output();
  return false;
}

void Cluster::StopAll() {
  // Non-pacemaker nodes first, so their shutdown notices reach the pacemaker.
  for (auto& n : nodes_) {
    if (!n->HasRole("pacemaker")) n->Stop();
  }
  for (auto& n : nodes_) n->Stop();
}

ClusterNode& Cluster::node(const std::string& name) {
  for (auto& n : nodes_) {
    if (n->name() == name) return *n;
  }
  throw std::runtime_error("no node " + name);
}

ClusterNode& Cluster::pacemaker() {
  for (auto& n : nodes_) {
    if (n->HasRole("pacemaker")) return *n;
  }
  throw std::runtime_error("no pacemaker");
}

std::string Cluster::admin_key() const {
  for (const auto& n : nodes_) {
    if (!n->HasRole("pacemaker")) continue;
    auto text = files::ReadFile(n->data_dir() + "/admin_api_key");
    if (!text.ok()) return "";
    std::string key = *text;
    while (!key.empty() && key.back() == '\n') key.pop_back();
    return key;
  }
  return "";
}

redis::Endpoint Cluster::StoreEndpoint(const std::string& store) {
  ClusterNode& master = pacemaker();
  redis::Endpoint endpoint;
  endpoint.host = master.address();
  endpoint.port = store == "table" ? master.ports().table
                  : store == "stats" ? master.ports().stats
                  : store == "jobs"  ? master.ports().jobs
                                     : 0;
  if (endpoint.port == 0) ADD_FAILURE() << "no managed Redis store named '" << store << "'";
  std::string password = RedisPassword("pacemaker");
  if (!password.empty()) {
    endpoint.user = "pacemaker";
    endpoint.password = password;
  }
  return endpoint;
}

std::string Cluster::RedisPassword(const std::string& user) {
  auto text = files::ReadFile(pacemaker().data_dir() + "/redis_credentials.json");
  if (!text.ok()) return "";
  json credentials = json::parse(*text, nullptr, false);
  if (credentials.is_discarded() || !credentials.contains("users") || !credentials["users"].is_object()) {
    ADD_FAILURE() << "redis_credentials.json is not {\"users\": {...}}: " << *text;
    return "";
  }
  const json& users = credentials["users"];
  return users.contains(user) && users[user].is_string() ? users[user].get<std::string>() : "";
}

Result<http::ClientResponse> Cluster::Get(const std::string& path, const std::string& secret) {
  http::Client client(pacemaker().url(), std::chrono::seconds(5));
  return client.Get(path, {{"Authorization", "Bearer " + (secret.empty() ? admin_key() : secret)}});
}

Result<http::ClientResponse> Cluster::Post(const std::string& path, const json& body, const std::string& secret) {
  http::Client client(pacemaker().url(), std::chrono::seconds(5));
  return client.Post(path, body.dump(), {{"Authorization", "Bearer " + (secret.empty() ? admin_key() : secret)}});
}

json Cluster::GetData(const std::string& path) {
  auto response = Get(path);
  if (!response.ok() || response->status != 200) return json::object();
  json body = json::parse(response->body, nullptr, false);
  return body.is_discarded() ? json::object() : body["data"];
}

std::map<std::string, json> Cluster::ListedNodes() {
  std::map<std::string, json> out;
  json data = GetData("/api/v1/nodes");
  if (!data.contains("nodes")) return out;
  for (const auto& n : data["nodes"]) out[n["name"].get<std::string>()] = n;
  return out;
}

bool Cluster::WaitForRegistration(std::chrono::milliseconds timeout) {
  return WaitFor(
      [&] {
        auto listed = ListedNodes();
        for (auto& n : nodes_) {
          if (!n->running()) continue;
          if (n->Uuid().empty() || !listed.count(n->name()) || listed[n->name()]["state"] != "ACTIVE") return false;
        }
        return true;
      },
      timeout, std::chrono::milliseconds(50));
}

bool Cluster::WaitForNodeState(const std::string& name, const std::string& state, std::chrono::milliseconds timeout) {
  return WaitFor(
      [&] {
        auto nodes = ListedNodes();
        return nodes.count(name) && nodes[name]["state"] == state;
      },
      timeout, std::chrono::milliseconds(100));
}

std::vector<pid_t> Cluster::StrayProcesses() const {
  std::vector<pid_t> stray;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return stray;
  while (dirent* entry = ::readdir(proc)) {
    pid_t pid = static_cast<pid_t>(std::atoi(entry->d_name));
    if (pid <= 0 || pid == ::getpid()) continue;
    // Managed redis-servers rewrite their command line, but keep their
    // working directory inside the node's data dir.
    char cwd[4096] = {0};
    ssize_t n = ::readlink(("/proc/" + std::to_string(pid) + "/cwd").c_str(), cwd, sizeof(cwd) - 1);
    bool ours = process::CommandLine(pid).find(dir_.path()) != std::string::npos ||
                (n > 0 && std::string(cwd, static_cast<size_t>(n)).rfind(dir_.path(), 0) == 0);
    if (ours && process::PidAlive(pid)) stray.push_back(pid);
  }
  ::closedir(proc);
  return stray;
}

}  // namespace paasmaker::testing
