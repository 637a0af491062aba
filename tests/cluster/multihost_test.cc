// A real cluster of machines (issue 12 acceptance): every node on its own
// host — a network namespace with its own address on a bridge the test
// creates (tests/support/netns.h) — so nothing can work through 127.0.0.1.
//
//   host A  pacemaker (with the table, stats and jobs Redis) and router-a
//   host B  router-b, with its own table replica
//   host C  heart-c
//   host D  heart-d
//
// One cluster for the suite. The tests run in file order; the faults come
// last (a heart killed, a heart cut off, host A frozen) and each leaves the
// cluster whole again for the next. Apps are deployed on first use, so any
// test also runs alone. Needs root (network namespaces); skips otherwise.
//
// Configuration that differs from the defaults, and why:
//  - pacemaker node_down_timeout 3 s: a silent heart is replaced quickly.
//  - routers upstream_connect_timeout 1 s, upstream_timeout 5 s: a cut-off
//    host answers nothing (no refusal), so a request to it is retried on
//    another instance only after these; the test apps answer in
//    milliseconds, and the load client waits up to 15 s per request.
//  - every node process gets PM_TEST_SECRET_VAR=leak in its environment,
//    which must reach no instance and no prepare command.
#include <gtest/gtest.h>

#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include "app_helpers.h"
#include "core/files.h"
#include "core/http.h"
#include "harness.h"
#include "jobs/job_store.h"
#include "netns.h"
#include "temp_dir.h"

namespace paasmaker::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

constexpr int kHostA = 0, kHostB = 1, kHostC = 2, kHostD = 3;
constexpr const char* kHello = "hello.example.com";
constexpr const char* kStatic = "static.example.com";
constexpr const char* kNotes = "redis-notes.example.com";
constexpr const char* kEnv = "env-report.example.com";
constexpr const char* kSecretVar = "PM_TEST_SECRET_VAR";

// GETs `/` of `host` through the routers in turn, from two threads, until
// stopped, `max_requests` sent or `max_duration` passed, whichever comes
// first. Anything but a 200 within 15 s is a failed request.
class BoundedLoad {
 public:
  BoundedLoad(std::vector<ClusterNode*> routers, std::string host, int max_requests = 20000,
              seconds max_duration = seconds(120))
      : routers_(std::move(routers)), host_(std::move(host)), max_requests_(max_requests),
        started_(Clock::now()), deadline_(started_ + max_duration) {
    for (int t = 0; t < 2; ++t) threads_.emplace_back([this, t] { Run(static_cast<size_t>(t)); });
  }
  ~BoundedLoad() { Stop(); }

  void Stop() {
    stop_ = true;
    for (auto& t : threads_) {
      if (t.joinable()) t.join();
    }
  }
  int total() const { return total_; }
  int failed() const { return failed_; }
  std::string Describe() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::string out = std::to_string(failed_) + " of " + std::to_string(total_) + " requests failed";
    for (const auto& f : failures_) out += "\n  " + f;
    return out;
  }

 private:
  void Run(size_t turn) {
    auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
    while (!stop_ && Clock::now() < deadline_ && sent_.fetch_add(1) < max_requests_) {
      ClusterNode* router = routers_[turn++ % routers_.size()];
      auto sent = Clock::now();
      http::Client client("http://" + router->address() + ":" + std::to_string(router->ports().router_direct),
                          seconds(15));
      auto response = client.Get("/", {{"Host", host_}});
      ++total_;
      if (!response.ok() || response->status != 200) {
        ++failed_;
        std::lock_guard<std::mutex> lock(mutex_);
        if (failures_.size() < 8) {
          failures_.push_back(router->name() + " at +" + std::to_string(ms(sent - started_)) + " ms, after " +
                              std::to_string(ms(Clock::now() - sent)) + " ms: " +
                              (response.ok() ? "HTTP " + std::to_string(response->status) + " " +
                                                   response->body.substr(0, 120)
                                             : response.status().ToString()));
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  std::vector<ClusterNode*> routers_;
  std::string host_;
  int max_requests_;
  Clock::time_point started_, deadline_;
  std::atomic<bool> stop_{false};
  std::atomic<int> sent_{0}, total_{0}, failed_{0};
  std::mutex mutex_;
  std::vector<std::string> failures_;
  std::vector<std::thread> threads_;
};

// Sends `sig` to every process of a host now, and `undo` (if any) to the same
// processes when it goes out of scope: a failed assertion never leaves a host
// frozen.
class HostSignal {
 public:
  HostSignal(std::vector<pid_t> pids, int sig, int undo) : pids_(std::move(pids)), undo_(undo) {
    for (pid_t pid : pids_) ::kill(pid, sig);
  }
  ~HostSignal() { Release(); }
  void Release() {
    if (undo_ != 0) {
      for (pid_t pid : pids_) ::kill(pid, undo_);
    }
    undo_ = 0;
  }

 private:
  std::vector<pid_t> pids_;
  int undo_;
};

class MultihostTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!TestNetwork::Available(&skip_reason_)) return;
    auto network = TestNetwork::Create(4);
    if (!network.ok()) {
      setup_error_ = "cannot build the test network: " + network.status().ToString();
      return;
    }
    network_ = network->release();
    work_ = new TempDir("pm-multihost");
    cluster_ = new Cluster();
    struct Placement {
      const char* name;
      std::vector<std::string> roles;
      int host;
    } layout[] = {{"pacemaker", {"pacemaker"}, kHostA}, {"router-a", {"router"}, kHostA},
                  {"router-b", {"router"}, kHostB},     {"heart-c", {"heart"}, kHostC},
                  {"heart-d", {"heart"}, kHostD}};
    for (const auto& p : layout) {
      ClusterNode& node = cluster_->AddNode(p.name, p.roles);
      node.PlaceOn(*network_, p.host);
      node.env[kSecretVar] = "leak";
      if (node.HasRole("router")) node.extra_router_yaml = ", upstream_connect_timeout: 1, upstream_timeout: 5";
    }
    cluster_->pacemaker().extra_pacemaker_yaml = ", node_down_timeout: 3";
    // Registration is the first test's to judge; a node that died is everyone's problem.
    if (!cluster_->StartAll()) setup_error_ = "a node did not start (see the failure above)";
    cluster_->WaitForRegistration(seconds(30));
  }

  static void TearDownTestSuite() {
    delete cluster_;  // stops the nodes before their hosts go
    delete network_;
    delete work_;
    cluster_ = nullptr;
    network_ = nullptr;
    work_ = nullptr;
  }

  void SetUp() override {
    if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
  }

  static ClusterNode& Node(const std::string& name) { return cluster_->node(name); }
  static ClusterNode& RouterA() { return Node("router-a"); }
  static ClusterNode& RouterB() { return Node("router-b"); }

  // Deploys `path` with --start --current; its version id ("" on failure, with one).
  static std::string DeployApp(const std::string& path, DeployResult* out = nullptr) {
    DeployResult result = Deploy(*cluster_, path, {"--start", "--current"});
    EXPECT_EQ(result.command.exit_code, 0) << result.command.output;
    if (out != nullptr) *out = result;
    return result.command.exit_code == 0 ? result.version_id() : "";
  }
  // Each app once per suite: later tests reuse what an earlier one deployed.
  static std::string AppVersion(const std::string& app) {
    if (versions_.count(app)) return versions_[app];
    std::string path = app == "python-hello" ? HelloCopy("v1") : ExamplesDir() + "/" + app;
    DeployResult result;
    versions_[app] = DeployApp(path, &result);
    deploys_[app] = result;
    return versions_[app];
  }
  // python-hello with quantity 2 (one instance per heart host) and, when
  // `label` is not "v1", a VERSION file that makes it visibly new.
  static std::string HelloCopy(const std::string& label) {
    std::string dir = work_->path() + "/" + label;
    std::filesystem::create_directories(dir);
    std::string path = CopyExample("python-hello", dir);
    std::string manifest = files::ReadFile(path + "/manifest.yml").value_or("");
    size_t at = manifest.find("quantity: 1");
    EXPECT_NE(at, std::string::npos) << manifest;
    if (at != std::string::npos) manifest.replace(at, 11, "quantity: 2");
    EXPECT_TRUE(files::WriteFileAtomically(path + "/manifest.yml", manifest).ok());
    if (label != "v1") {
      EXPECT_TRUE(files::WriteFileAtomically(path + "/VERSION", label).ok());
    }
    return path;
  }
  // The current python-hello version, with one RUNNING instance on each
  // heart: the layout a heart fault must start from (with both instances on
  // one heart, no router could serve while that heart is away). An earlier
  // fault test leaves both on the heart that stayed, so then a new version
  // labelled `label` is deployed and made current, and the old one stopped.
  static std::string HelloSpread(const std::string& label) {
    const std::map<std::string, int> spread = {{"heart-c", 1}, {"heart-d", 1}};
    std::string current = AppVersion("python-hello");
    if (!current.empty() && WaitForInstances(*cluster_, current, 2, "RUNNING", seconds(10)) &&
        RunningPerNode(current) == spread) {
      return current;
    }
    std::string fresh = DeployApp(HelloCopy(label));
    if (fresh.empty()) return "";
    EXPECT_TRUE(WaitForInstances(*cluster_, fresh, 2, "RUNNING")) << VersionInstances(*cluster_, fresh).dump();
    EXPECT_EQ(RunningPerNode(fresh), spread) << VersionInstances(*cluster_, fresh).dump();
    ExpectServedByBothRouters(kHello, "VERSION: " + label);
    if (!current.empty()) {
      std::string stop = VersionAction(*cluster_, current, "stop");
      EXPECT_EQ(stop.empty() ? "" : WaitForTree(*cluster_, stop), "SUCCESS") << "stopping the previous version";
    }
    versions_["python-hello"] = fresh;
    return fresh;
  }

  static std::map<std::string, int> RunningPerNode(const std::string& version_id) {
    return RunningInstancesPerNode(*cluster_, version_id);
  }
  static std::vector<std::string> InstancesOn(const std::string& version_id, const std::string& node,
                                              const std::string& state) {
    return InstancesOnNode(*cluster_, version_id, node, state);
  }
  // Served with `needle` through both routers, each failure explained.
  static void ExpectServedByBothRouters(const std::string& host, const std::string& needle,
                                        const std::string& path = "/") {
    for (ClusterNode* router : {&RouterA(), &RouterB()}) {
      bool served = WaitFor(
          [&] {
            auto r = RouterGet(*router, host, path);
            return r.status == 200 && r.body.find(needle) != std::string::npos;
          },
          seconds(30));
      auto last = RouterGet(*router, host, path);
      EXPECT_TRUE(served) << host << path << " through " << router->name() << " (" << router->address()
                          << "): last answer " << last.status << " " << last.error << " " << last.body.substr(0, 300)
                          << "\nrouter errors:\n" << RouterErrors(*router);
    }
  }
  // A node that an earlier fault test left stopped is started again.
  static void EnsureRunning(const std::string& name) {
    if (!Node(name).running()) {
      ASSERT_TRUE(cluster_->StartNode(Node(name)));
    }
    ASSERT_TRUE(cluster_->WaitForNodeState(name, "ACTIVE", seconds(30))) << name << "\n" << Tail(Node(name).Output());
  }
  static inline std::string skip_reason_, setup_error_;
  static inline TestNetwork* network_ = nullptr;
  static inline Cluster* cluster_ = nullptr;
  static inline TempDir* work_ = nullptr;
  static inline std::map<std::string, std::string> versions_;
  static inline std::map<std::string, DeployResult> deploys_;
};

// The node user's home (root's in CI): no PATH entry may lie under it.
std::vector<std::string> NodeHomes() {
  std::vector<std::string> homes;
  if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_dir != nullptr) homes.push_back(pw->pw_dir);
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') homes.push_back(home);
  return homes;
}
// The PATH entries under a node home.
std::vector<std::string> PathUnderHome(const std::string& path) {
  std::vector<std::string> bad;
  std::stringstream in(path);
  for (std::string dir; std::getline(in, dir, ':');) {
    for (const auto& home : NodeHomes()) {
      if (home != "/" && (dir == home || dir.rfind(home + "/", 0) == 0)) bad.push_back(dir);
    }
  }
  return bad;
}
// `endpoint` as `user` with `password` (fields by name: their order in
// redis::Endpoint is not part of its contract).
redis::Endpoint WithCredentials(redis::Endpoint endpoint, const std::string& user, const std::string& password) {
  endpoint.user = user;
  endpoint.password = password;
  return endpoint;
}
// What a command printed after `key` at the start of a line of a job log
// ("" if absent). Only at a line start: the log also quotes each command
// ("INFO Running: `echo prepare-uid=$(id -u)`"), which must not count.
std::string Printed(const std::string& log, const std::string& key) {
  const std::string text = "\n" + log;
  size_t at = text.find("\n" + key);
  if (at == std::string::npos) return "";
  at += 1 + key.size();
  return text.substr(at, text.find('\n', at) - at);
}

// a. Every node registers from its own host and is listed ACTIVE at its address.
TEST_F(MultihostTest, EveryNodeRegistersAndIsActive) {
  json listed;
  std::string output;
  bool all_active = WaitFor(
      [&] {
        auto r = RunClient(*cluster_, {"node", "list", "--json"});
        output = r.output;
        listed = json::parse(r.output, nullptr, false);
        if (r.exit_code != 0 || listed.is_discarded() || !listed.contains("nodes")) return false;
        size_t active = 0;
        for (const auto& n : listed["nodes"]) active += n.value("state", "") == "ACTIVE";
        return active == cluster_->nodes().size();
      },
      seconds(30), std::chrono::milliseconds(250));
  EXPECT_TRUE(all_active) << output;
  std::map<std::string, json> by_name;
  if (!listed.is_discarded() && listed.contains("nodes")) {
    for (const auto& n : listed["nodes"]) by_name[n.value("name", "")] = n;
  }
  for (const auto& node : cluster_->nodes()) {
    auto it = by_name.find(node->name());
    if (it == by_name.end()) {
      ADD_FAILURE() << node->name() << " (" << node->address() << ") is not in `node list`; its log ends:\n"
                    << Tail(node->Output());
      continue;
    }
    EXPECT_EQ(it->second.value("state", ""), "ACTIVE") << it->second.dump();
    EXPECT_NE(it->second.dump().find(node->address()), std::string::npos)
        << node->name() << " is not listed at its host's address " << node->address() << ": " << it->second.dump();
  }
}

// b. python-hello (quantity 2, one instance per heart host) and static-site,
//    served through both routers from the test's own namespace.
TEST_F(MultihostTest, HelloOnBothHeartsAndStaticSiteServedThroughBothRouters) {
  std::string hello = AppVersion("python-hello");
  ASSERT_FALSE(hello.empty());
  EXPECT_TRUE(WaitForInstances(*cluster_, hello, 2, "RUNNING")) << VersionInstances(*cluster_, hello).dump();
  EXPECT_EQ(RunningPerNode(hello), (std::map<std::string, int>{{"heart-c", 1}, {"heart-d", 1}}));
  ExpectServedByBothRouters(kHello, "Hello from Paasmaker");

  std::string site = AppVersion("static-site");
  ASSERT_FALSE(site.empty());
  ExpectServedByBothRouters(kStatic, "Static site on Paasmaker");
}

// c. An app with a managedredis service SETs and GETs through its
//    credentials, wherever its instance and the service run.
TEST_F(MultihostTest, ManagedRedisAppServedThroughBothRouters) {
  std::string notes = AppVersion("redis-notes");
  ASSERT_FALSE(notes.empty());
  ExpectServedByBothRouters(kNotes, "redis round trip ok");
  // Written through one router, read through the other.
  std::string token = "note-" + std::to_string(::getpid());
  auto stored = RouterGet(RouterA(), kNotes, "/set?value=" + token);
  EXPECT_EQ(stored.status, 200) << stored.error << stored.body;
  auto read = RouterGet(RouterB(), kNotes, "/get");
  EXPECT_EQ(read.status, 200) << read.error << read.body;
  EXPECT_NE(read.body.find("note: " + token), std::string::npos) << read.body;
}

// g1. Without credentials every managed Redis on host A answers NOAUTH (or
//     refuses the connection), from the test's namespace and from a heart's.
TEST_F(MultihostTest, ManagedRedisRefusesClientsWithoutCredentials) {
  for (const char* store : {"table", "stats", "jobs"}) {
    redis::Endpoint endpoint = cluster_->StoreEndpoint(store);
    // It is up and reachable from here (so a refusal below is not just a dead store).
    redis::Client admin(endpoint);
    auto up = admin.Command({"PING"});
    ASSERT_TRUE(up.ok()) << store << " Redis at " << endpoint.ToString() << " with the pacemaker's credentials: "
                         << up.status().ToString();
    redis::Client anonymous(WithCredentials(endpoint, "", ""), std::chrono::milliseconds(2000));
    auto ping = anonymous.Command({"PING"});
    EXPECT_TRUE(!ping.ok() && (ping.status().message().find("NOAUTH") != std::string::npos ||
                               ping.status().code() == StatusCode::kUnavailable))
        << store << " Redis at " << endpoint.ToString() << " answered a client without credentials: "
        << (ping.ok() ? "+" + ping->str : ping.status().ToString());

    process::LaunchOptions cli;
    cli.argv = network_->ExecPrefix(kHostC);
    for (const std::string& arg : {std::string("redis-cli"), std::string("-h"), endpoint.host, std::string("-p"),
                                   std::to_string(endpoint.port), std::string("PING")}) {
      cli.argv.push_back(arg);
    }
    auto run = process::Run(cli, seconds(20));
    ASSERT_TRUE(run.ok()) << run.status().ToString();
    EXPECT_TRUE(run->output.find("PONG") == std::string::npos &&
                (run->output.find("NOAUTH") != std::string::npos ||
                 run->output.find("Could not connect") != std::string::npos))
        << store << " Redis from heart-c's host: " << run->output;
  }
}

// g2. The routers' Redis user reads the table; it cannot write it.
TEST_F(MultihostTest, RouterRedisUserCannotWriteTheTable) {
  std::string password = cluster_->RedisPassword("router");
  ASSERT_FALSE(password.empty()) << "no password for Redis user 'router' in "
                                 << cluster_->pacemaker().data_dir() << "/redis_credentials.json";
  redis::Endpoint table = cluster_->StoreEndpoint("table");
  redis::Client router(WithCredentials(table, "router", password));
  auto written = router.Command({"SET", "multihost-probe", "written by a router"});
  ASSERT_FALSE(written.ok()) << "the router user wrote the routing table";
  EXPECT_NE(written.status().message().find("NOPERM"), std::string::npos) << written.status().ToString();
}

// g3. A paasmaker.job.test.shell job written straight into the jobs Redis
//     (with the right credentials) is refused by default nodes: it ends
//     FAILED and its command never runs.
TEST_F(MultihostTest, TestShellJobIsRefusedByDefaultNodes) {
  redis::Client redis(cluster_->StoreEndpoint("jobs"));
  jobs::JobStore store(&redis);
  // Writable by any uid, so the marker would appear even if the job ran unprivileged.
  const std::string markers = cluster_->dir() / "markers";
  std::filesystem::create_directories(markers);
  ::chmod(markers.c_str(), 01777);
  for (const char* node : {"heart-c", "pacemaker"}) {
    std::string marker = markers + "/shell-job-ran-on-" + node;
    jobs::TreeSpec tree;
    std::string root = tree.Add({.type = "paasmaker.job.test.shell",
                                 .parameters = {{"command", "touch " + marker}},
                                 .node = Node(node).Uuid(),
                                 .title = "a shell job no default node may run",
                                 .tags = {"test"}});
    ASSERT_TRUE(store.AddTree(tree.jobs()).ok()) << "cannot write into the jobs Redis";
    ASSERT_TRUE(store.StartTree(root).ok());
    std::string state;
    WaitFor(
        [&] {
          auto job = store.Get(root);
          state = job.ok() ? std::string(jobs::JobStateName(job->state)) : job.status().ToString();
          return state == "SUCCESS" || state == "FAILED" || state == "ABORTED";
        },
        seconds(30), std::chrono::milliseconds(100));
    EXPECT_EQ(state, "FAILED") << "a test.shell job on " << node;
    EXPECT_FALSE(WaitFor([&] { return files::Exists(marker); }, seconds(2)))
        << "paasmaker.job.test.shell ran `touch` on " << node;
  }
}

// h1. Prepare commands run unprivileged although the pacemaker runs as root.
TEST_F(MultihostTest, PrepareCommandsDoNotRunAsRoot) {
  AppVersion("env-report");
  std::string prepare = deploys_["env-report"].json.value("jobs", json::object()).value("prepare", "");
  ASSERT_FALSE(prepare.empty()) << deploys_["env-report"].command.output;
  std::string logs = TreeLogs(*cluster_, prepare);
  std::string uid = Printed(logs, "prepare-uid=");
  ASSERT_FALSE(uid.empty()) << "no prepare-uid= line in the prepare logs:\n" << logs;
  if (::geteuid() == 0) {
    EXPECT_NE(std::atoi(uid.c_str()), 0) << "prepare commands ran as uid " << uid;
  }
}

// h2. What the node processes' environment holds reaches neither an
//     instance nor a prepare command; neither PATH has a dir under the home.
TEST_F(MultihostTest, NodeEnvironmentReachesNoInstanceAndNoPrepareCommand) {
  std::string version = AppVersion("env-report");
  ASSERT_FALSE(version.empty());
  ExpectServedByBothRouters(kEnv, "env-report uid=");
  auto env = RouterGet(RouterB(), kEnv, "/env");
  ASSERT_EQ(env.status, 200) << env.error << env.body;
  json report = json::parse(env.body, nullptr, false);
  ASSERT_TRUE(report.is_object()) << env.body;
  for (const auto& name : report.value("names", json::array())) {
    EXPECT_NE(name.get<std::string>(), kSecretVar) << "the heart's environment reached the instance";
  }
  std::string instance_path = report["values"].value("PATH", "");
  EXPECT_FALSE(instance_path.empty()) << env.body;
  EXPECT_TRUE(PathUnderHome(instance_path).empty()) << "instance PATH: " << instance_path;

  std::string prepare = deploys_["env-report"].json.value("jobs", json::object()).value("prepare", "");
  ASSERT_FALSE(prepare.empty());
  std::string logs = TreeLogs(*cluster_, prepare);
  std::string names = Printed(logs, "prepare-env-names:");
  ASSERT_FALSE(names.empty()) << "no prepare-env-names: line in the prepare logs";
  EXPECT_EQ((" " + names + " ").find(std::string(" ") + kSecretVar + " "), std::string::npos)
      << "the pacemaker's environment reached a prepare command: " << names;
  std::string prepare_path = Printed(logs, "prepare-path=");
  EXPECT_FALSE(prepare_path.empty()) << "no prepare-path= line in the prepare logs";
  EXPECT_TRUE(PathUnderHome(prepare_path).empty()) << "prepare PATH: " << prepare_path;
}

// d. Every process of heart C's host killed -9 under load through router B:
//    no request fails, and its instance is replaced on heart D and served.
TEST_F(MultihostTest, HeartHostKilledUnderLoadFailsNoRequest) {
  EnsureRunning("heart-c");
  EnsureRunning("heart-d");
  std::string hello = HelloSpread("before-the-kill");
  ASSERT_FALSE(hello.empty());
  ASSERT_FALSE(InstancesOn(hello, "heart-c", "RUNNING").empty()) << VersionInstances(*cluster_, hello).dump();
  ASSERT_TRUE(WaitForRoutedBody(RouterB(), kHello, "Hello from Paasmaker"));

  BoundedLoad load({&RouterB()}, kHello);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the load is flowing before the fault
  std::vector<pid_t> pids = network_->Pids(kHostC);
  ASSERT_FALSE(pids.empty());
  for (pid_t pid : pids) ::kill(pid, SIGKILL);
  EXPECT_TRUE(WaitFor([&] { return network_->Pids(kHostC).empty(); }, seconds(10)));

  EXPECT_TRUE(cluster_->WaitForNodeState("heart-c", "DOWN", seconds(20)));
  EXPECT_TRUE(WaitFor([&] { return RunningPerNode(hello) == std::map<std::string, int>{{"heart-d", 2}}; }, seconds(60)))
      << VersionInstances(*cluster_, hello).dump();
  EXPECT_TRUE(WaitForRoutedBody(RouterB(), kHello, "Hello from Paasmaker"));
  load.Stop();
  std::cout << "[multihost] heart-c's host killed: " << load.Describe() << std::endl;
  EXPECT_GT(load.total(), 50);
  EXPECT_EQ(load.failed(), 0) << load.Describe() << "\n" << RouterErrors(RouterB());

  // Heart C back for the tests that follow.
  EnsureRunning("heart-c");
}

// e. Heart D's link cut for 20 s under load: it is marked DOWN and its
//    instances replaced; back on the network, the surplus is trimmed; no
//    request fails.
TEST_F(MultihostTest, HeartHostCutOffIsReplacedAndTrimmedWhenItReturns) {
  EnsureRunning("heart-c");
  EnsureRunning("heart-d");
  std::string hello = HelloSpread("before-the-cut");
  ASSERT_FALSE(hello.empty());
  std::vector<std::string> on_d = InstancesOn(hello, "heart-d", "RUNNING");
  ASSERT_FALSE(on_d.empty()) << VersionInstances(*cluster_, hello).dump();

  BoundedLoad load({&RouterA(), &RouterB()}, kHello);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto cut = Clock::now();
  ASSERT_TRUE(network_->CutLink(kHostD).ok());
  struct Reconnect {
    TestNetwork* network;
    ~Reconnect() { network->RestoreLink(kHostD).IgnoreError(); }
  } reconnect{network_};

  EXPECT_TRUE(cluster_->WaitForNodeState("heart-d", "DOWN", seconds(20)));
  EXPECT_TRUE(WaitFor([&] { return RunningPerNode(hello) == std::map<std::string, int>{{"heart-c", 2}}; }, seconds(60)))
      << VersionInstances(*cluster_, hello).dump();
  std::this_thread::sleep_until(cut + seconds(20));  // the outage the acceptance asks for
  ASSERT_TRUE(network_->RestoreLink(kHostD).ok());

  EXPECT_TRUE(cluster_->WaitForNodeState("heart-d", "ACTIVE", seconds(30))) << Tail(Node("heart-d").Output());
  // Back to quantity: 2 RUNNING, the cut-off host's instances trimmed.
  EXPECT_TRUE(WaitFor(
      [&] {
        int running = 0;
        for (const auto& [node, count] : RunningPerNode(hello)) running += count;
        return running == 2 && InstancesOn(hello, "heart-d", "DEREGISTERED").size() >= on_d.size();
      },
      seconds(60)))
      << VersionInstances(*cluster_, hello).dump();
  EXPECT_TRUE(WaitForRoutedBody(RouterB(), kHello, "Hello from Paasmaker"));
  load.Stop();
  std::cout << "[multihost] heart-d's link cut: " << load.Describe() << std::endl;
  EXPECT_GT(load.total(), 100);
  EXPECT_EQ(load.failed(), 0) << load.Describe() << "\nrouter-a:\n"
                              << RouterErrors(RouterA()) << "router-b:\n" << RouterErrors(RouterB());
}

// f. Every process of host A (pacemaker, its Redis stores, router-a) stopped
//    for 20 s: router B keeps serving from its replica; afterwards the
//    cluster is whole again.
TEST_F(MultihostTest, HostAFrozenRouterBKeepsServingFromItsReplica) {
  std::string hello = AppVersion("python-hello");
  ASSERT_FALSE(hello.empty());
  ASSERT_TRUE(WaitForRoutedBody(RouterB(), kHello, "Hello from Paasmaker"));

  BoundedLoad load({&RouterB()}, kHello);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto stopped = Clock::now();
  std::vector<pid_t> pids = network_->Pids(kHostA);
  ASSERT_FALSE(pids.empty());
  {
    HostSignal frozen(pids, SIGSTOP, SIGCONT);
    std::this_thread::sleep_until(stopped + seconds(20));  // the outage the acceptance asks for
  }
  load.Stop();
  std::cout << "[multihost] host A frozen: " << load.Describe() << std::endl;
  EXPECT_GT(load.total(), 100);
  EXPECT_EQ(load.failed(), 0) << load.Describe() << "\n" << RouterErrors(RouterB());

  EXPECT_TRUE(cluster_->WaitForRegistration(seconds(30)));
  ExpectServedByBothRouters(kHello, "Hello from Paasmaker");
}

}  // namespace
}  // namespace paasmaker::testing
