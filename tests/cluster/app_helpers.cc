#include "app_helpers.h"

#include <gtest/gtest.h>

#include <deque>
#include <filesystem>
#include <fstream>

#include "core/files.h"
#include "core/http.h"
#include "temp_dir.h"

namespace paasmaker::testing {

using nlohmann::json;

std::string ExamplesDir() { return PAASMAKER_SOURCE_DIR "/examples"; }

CommandResult RunClient(Cluster& cluster, std::vector<std::string> args) {
  return RunPaasmaker(args, {{"PAASMAKER_REMOTE", cluster.pacemaker().url()}, {"PAASMAKER_KEY", cluster.admin_key()}});
}

SplitCommandResult RunClientSplit(Cluster& cluster, std::vector<std::string> args) {
  // sh sends the client's stderr to a file of the cluster's temp dir;
  // process::Run captures the rest (stdout).
  static int calls = 0;
  std::string errors = cluster.dir().path() + "/client-stderr-" + std::to_string(++calls);
  std::vector<std::string> command = {"sh", "-c", "exec \"$0\" \"$@\" 2>\"$PM_TEST_STDERR\"", PaasmakerBinary()};
  command.insert(command.end(), args.begin(), args.end());
  process::LaunchOptions o;
  o.argv = command;
  o.env = {{"PAASMAKER_REMOTE", cluster.pacemaker().url()},
           {"PAASMAKER_KEY", cluster.admin_key()},
           {"PM_TEST_STDERR", errors}};
  SplitCommandResult result;
  auto r = process::Run(o, std::chrono::seconds(90));
  if (!r.ok()) {
    result.error_output = r.status().ToString();
    return result;
  }
  result.exit_code = r->exit.exited ? r->exit.exit_code : 128 + r->exit.signal;
  result.output = r->output;
  auto written = files::ReadFile(errors);
  if (written.ok()) result.error_output = *written;
  return result;
}

DeployResult Deploy(Cluster& cluster, const std::string& path, std::vector<std::string> args) {
  std::vector<std::string> command = {"deploy", path};
  command.insert(command.end(), args.begin(), args.end());
  command.push_back("--json");
  DeployResult result;
  result.command = RunClient(cluster, command);
  // stdout and stderr are mixed: the JSON document is the last block that
  // starts with a line "{" and ends with a line "}".
  const std::string& out = result.command.output;
  for (size_t begin = out.rfind("\n{"); begin != std::string::npos && result.json.empty();
       begin = begin == 0 ? std::string::npos : out.rfind("\n{", begin - 1)) {
    for (size_t end = out.find("\n}", begin); end != std::string::npos; end = out.find("\n}", end + 1)) {
      json parsed = json::parse(out.substr(begin + 1, end + 2 - (begin + 1)), nullptr, false);
      if (!parsed.is_discarded() && parsed.is_object()) {
        result.json = parsed;
        break;
      }
    }
  }
  return result;
}

std::string CopyExample(const std::string& example, const std::string& dir) {
  std::string target = dir + "/" + example;
  std::filesystem::copy(ExamplesDir() + "/" + example, target, std::filesystem::copy_options::recursive);
  return target;
}

json JobTree(Cluster& cluster, const std::string& job_id) { return cluster.GetData("/api/v1/jobs/" + job_id); }

std::vector<json> FlattenJobs(const json& subtree) {
  std::vector<json> out;
  std::vector<const json*> stack = {&subtree};
  while (!stack.empty()) {
    const json* job = stack.back();
    stack.pop_back();
    out.push_back(*job);
    if (job->contains("children")) {
      for (const auto& child : (*job)["children"]) stack.push_back(&child);
    }
  }
  return out;
}

std::string WaitForTree(Cluster& cluster, const std::string& job_id, std::chrono::milliseconds timeout) {
  std::string state;
  WaitFor(
      [&] {
        json data = JobTree(cluster, job_id);
        const json& job = data.contains("job") ? data["job"] : data;
        state = job.value("state", "");
        return state == "SUCCESS" || state == "FAILED" || state == "ABORTED";
      },
      timeout);
  return (state == "SUCCESS" || state == "FAILED" || state == "ABORTED") ? state : "";
}

std::string TreeLogs(Cluster& cluster, const std::string& root_id) {
  std::string logs;
  for (const auto& job : FlattenJobs(JobTree(cluster, root_id).value("job", json::object()))) {
    auto log = cluster.Get("/api/v1/jobs/" + job.value("job_id", "") + "/log");
    if (log.ok() && log->status == 200) logs += log->body + "\n";
  }
  return logs;
}

std::string VersionAction(Cluster& cluster, const std::string& version_id, const std::string& action) {
  auto response = cluster.Post("/api/v1/versions/" + version_id + "/" + action, json::object());
  if (!response.ok()) {
    ADD_FAILURE() << action << ": " << response.status().ToString();
    return "";
  }
  json body = json::parse(response->body, nullptr, false);
  if (response->status != 202 || body.is_discarded()) {
    ADD_FAILURE() << action << ": HTTP " << response->status << " " << response->body;
    return "";
  }
  return body["data"].value("job_id", "");
}

json VersionInstances(Cluster& cluster, const std::string& version_id) {
  json data = cluster.GetData("/api/v1/versions/" + version_id + "/instances");
  return data.contains("instances") ? data["instances"] : json::array();
}

bool WaitForInstances(Cluster& cluster, const std::string& version_id, size_t count, const std::string& state,
                      std::chrono::milliseconds timeout) {
  return WaitFor(
      [&] {
        json instances = VersionInstances(cluster, version_id);
        size_t matching = 0;
        for (const auto& i : instances) matching += i.value("state", "") == state;
        return matching >= count && matching == instances.size();
      },
      timeout);
}

namespace {
std::map<std::string, std::string> NodeNamesByUuid(Cluster& cluster) {
  std::map<std::string, std::string> names;
  for (const auto& [name, node] : cluster.ListedNodes()) names[node.value("uuid", "")] = name;
  return names;
}
}  // namespace

std::map<std::string, int> RunningInstancesPerNode(Cluster& cluster, const std::string& version_id) {
  std::map<std::string, int> per_node;
  auto names = NodeNamesByUuid(cluster);
  for (const auto& i : VersionInstances(cluster, version_id)) {
    if (i.value("state", "") == "RUNNING") ++per_node[names[i.value("node", "")]];
  }
  return per_node;
}

std::vector<std::string> InstancesOnNode(Cluster& cluster, const std::string& version_id,
                                         const std::string& node_name, const std::string& state) {
  std::vector<std::string> ids;
  auto names = NodeNamesByUuid(cluster);
  for (const auto& i : VersionInstances(cluster, version_id)) {
    if (names[i.value("node", "")] == node_name && i.value("state", "") == state) {
      ids.push_back(i.value("instance_id", ""));
    }
  }
  return ids;
}

RoutedResponse RouterGet(ClusterNode& router, const std::string& host, const std::string& path) {
  http::Client client("http://" + router.address() + ":" + std::to_string(router.ports().router_direct),
                      std::chrono::seconds(5));
  auto response = client.Get(path, {{"Host", host}});
  if (!response.ok()) return {0, "", response.status().message()};
  return {response->status, response->body, ""};
}

bool WaitForRoutedBody(ClusterNode& router, const std::string& host, const std::string& needle,
                       std::chrono::milliseconds timeout) {
  return WaitFor(
      [&] {
        auto response = RouterGet(router, host);
        return response.status == 200 && response.body.find(needle) != std::string::npos;
      },
      timeout);
}

RequestPoller::RequestPoller(ClusterNode& router, std::string host) : router_(router), host_(std::move(host)) {
  thread_ = std::thread([this] {
    auto started = std::chrono::steady_clock::now();
    while (!stop_) {
      auto sent = std::chrono::steady_clock::now();
      auto response = RouterGet(router_, host_);
      ++total_;
      if (response.status != 200) {
        ++failed_;
        auto ms = [&](auto t) { return std::chrono::duration_cast<std::chrono::milliseconds>(t).count(); };
        std::lock_guard<std::mutex> lock(mutex_);
        if (statuses_.size() < 20) statuses_.push_back(response.status);
        if (failures_.size() < 5) {
          failures_.push_back(std::to_string(response.status) + " at +" + std::to_string(ms(sent - started)) +
                              " ms after " + std::to_string(ms(std::chrono::steady_clock::now() - sent)) + " ms" +
                              (response.error.empty() ? "" : ": " + response.error));
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
}

RequestPoller::~RequestPoller() { Stop(); }

void RequestPoller::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::string RequestPoller::Describe() {
  std::lock_guard<std::mutex> lock(mutex_);
  return std::to_string(failed_) + " of " + std::to_string(total_) + " requests not 200; first statuses: " +
         json(statuses_).dump() + (failures_.empty() ? "" : "; first failures: " + json(failures_).dump());
}

std::string RouterErrors(ClusterNode& router, size_t max_lines) {
  std::deque<std::string> lines;
  std::error_code ec;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(router.data_dir(), ec)) {
    if (entry.path().filename() != "error.log") continue;
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) {
      if (line.find("upstream") == std::string::npos && line.find("paasmaker router") == std::string::npos) continue;
      lines.push_back(line);
      if (lines.size() > max_lines) lines.pop_front();
    }
  }
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

std::string Tail(const std::string& text, size_t lines) {
  size_t at = text.size();
  for (size_t n = 0; n <= lines && at != std::string::npos && at > 0; ++n) at = text.rfind('\n', at - 1);
  return at == std::string::npos ? text : text.substr(at + 1);
}

std::vector<pid_t> ProcessesUnder(const std::string& dir) {
  std::vector<pid_t> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    std::string name = entry.path().filename();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cwd = std::filesystem::read_symlink(entry.path() / "cwd", ec).string();
    if (!ec && cwd.rfind(dir, 0) == 0) found.push_back(std::stoi(name));
  }
  return found;
}

std::string VersionHost(int number, const std::string& type, const std::string& app, const std::string& stub) {
  return std::to_string(number) + "." + type + "." + app + "." + stub + ".local.paasmaker.net";
}

void ClusterTest::StartCluster(int hearts, int routers) {
  cluster_.AddStandardNodes(hearts, routers);
  ASSERT_TRUE(cluster_.StartAll());
  ASSERT_TRUE(cluster_.WaitForRegistration());
}

std::map<std::string, std::string> ClusterTest::NodeNames() {
  std::map<std::string, std::string> names;
  for (const auto& [name, node] : cluster_.ListedNodes()) names[node.value("uuid", "")] = name;
  return names;
}

DeployResult ClusterTest::DeployServed(const std::string& path, const std::string& host, const std::string& needle) {
  DeployResult result = Deploy(cluster_, path, {"--start", "--current"});
  EXPECT_EQ(result.command.exit_code, 0) << result.command.output;
  if (result.command.exit_code == 0) {
    EXPECT_TRUE(WaitForRoutedBody(router(), host, needle)) << host;
  }
  return result;
}

json ClusterTest::Totals(const std::string& kind, const std::string& id) {
  json data = cluster_.GetData("/api/v1/router/stats/" + kind + "/" + id);
  return data.contains("totals") ? data["totals"] : json::object();
}

int64_t ClusterTest::Settled(const std::string& kind, const std::string& id, const std::string& field) {
  int64_t last = Totals(kind, id).value(field, int64_t{0});
  WaitFor(
      [&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(1600));
        int64_t now = Totals(kind, id).value(field, int64_t{0});
        bool same = now == last;
        last = now;
        return same;
      },
      std::chrono::seconds(30));
  return last;
}

}  // namespace paasmaker::testing
