#include "node/daemon.h"

#include <arpa/inet.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <vector>

#include "config/node_config.h"
#include "core/crash_report.h"
#include "core/files.h"
#include "core/http.h"
#include "core/ids.h"
#include "core/log.h"
#include "core/process.h"
#include "heart/heart.h"
#include "metrics/metrics_route.h"
#include "node/managed_redis.h"
#include "node/redis_users.h"
#include "node/node_identity.h"
#include "node/node_jobs.h"
#include "node/node_report.h"
#include "node/systemd_notify.h"
#include "pacemaker/pacemaker.h"
#include "router/router.h"

namespace paasmaker::node {

namespace {

// Everything a running node holds, built up by Start and torn down in
// reverse by Stop. Stop is safe after a partial Start.
class Node {
 public:
  explicit Node(config::NodeConfig config) : config_(std::move(config)) {}
  ~Node() { Stop(); }

  Status Start();
  void Stop();
  void PrintBanner() const;

 private:
  Status StartRedisStores();
  Status StartPacemakerStores();
  Status StartNodeStores();
  Result<model::RedisAccess> WaitForRedisAccess();
  // What the roles add to each report: the heart's instances; for a router,
  // the routing-table serial its replica has reached (lag is visible).
  nlohmann::json ExtraReport(heart::Heart* heart);

  config::NodeConfig config_;
  files::LockFile lock_;
  std::string node_token_;
  std::vector<std::unique_ptr<RedisStore>> stores_;
  redis::Endpoint table_endpoint_;
  redis::Endpoint stats_endpoint_;  // the stats Redis (the pacemaker's) the router's stats reader writes to
  model::RedisHandout redis_handout_;  // pacemaker: what registering nodes are told
  std::unique_ptr<redis::Client> table_reader_;  // routers: reads the replica's serial
  metrics::Registry metrics_;  // outlives the server and every role
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<pacemaker::Pacemaker> pacemaker_;
  std::unique_ptr<heart::Heart> heart_;
  std::unique_ptr<router::Router> router_;
  std::unique_ptr<NodeJobs> jobs_;
  std::mutex reporter_mutex_;  // the heart's change callback reaches the reporter from its thread
  std::unique_ptr<Reporter> reporter_;
};

// The pacemaker's stores listen where other hosts reach them and on the
// loopback, where this node's own roles reach them (the same host, by
// design). The roles here connect with the all-powerful pacemaker user; the
// router role (host A's) with the router user like any other router.
Status Node::StartPacemakerStores() {
  std::string data_dir = config_.DataDir();
  PM_ASSIGN_OR_RETURN(RedisUsers users, RedisUsers::LoadOrCreate(data_dir));
  std::vector<std::string> bind = {config_.route_address};
  if (config_.route_address != "127.0.0.1") bind.push_back("127.0.0.1");
  auto& r = config_.redis;
  for (auto [name, store] : {std::pair{"table", &r.table}, std::pair{"stats", &r.stats}, std::pair{"jobs", &r.jobs}}) {
    RedisStoreOptions options{.name = name, .config = *store, .data_dir = data_dir};
    redis::Endpoint as_router = store->Endpoint();  // an external store: the operator's credentials for everyone
    redis::Endpoint as_heart = as_router;
    if (store->managed) {
      options.bind = bind;
      options.acl = AclLines(name, users);
      options.client = {"127.0.0.1", store->port, users.pacemaker, "pacemaker"};
      as_router = {config_.route_address, store->port, users.router, "router"};
      as_heart = {config_.route_address, store->port, users.heart, "heart"};
    } else {
      options.client = store->Endpoint();
    }
    store->host = options.client.host;
    store->user = options.client.user;
    store->password = options.client.password;
    redis::Endpoint local_router = as_router;
    if (store->managed) local_router.host = "127.0.0.1";
    if (store == &r.table) {
      table_endpoint_ = local_router;
      redis_handout_.router.table = as_router;
    } else if (store == &r.stats) {
      stats_endpoint_ = local_router;
      redis_handout_.router.stats = as_router;
    } else {
      redis_handout_.router.jobs = as_router;
      redis_handout_.heart.jobs = as_heart;
    }
    stores_.push_back(std::make_unique<RedisStore>(std::move(options)));
  }
  return Status::Ok();
}

// A node that has never registered asks the pacemaker where the stores are
// and how to log in, retrying while it is away; SIGTERM or SIGINT (blocked in
// this thread, see RunServer) ends the wait.
Result<model::RedisAccess> Node::WaitForRedisAccess() {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  bool told = false;
  while (true) {
    auto access = FetchRedisAccess(config_, node_token_);
    if (access.ok() || access.status().code() != StatusCode::kUnavailable) return access;
    if (!told) {
      PM_LOG_WARN("waiting for the pacemaker at {} (it hands out the Redis stores): {}",
                  config_.MasterUrl(), access.status().message());
      std::cerr << "waiting for the pacemaker at " << config_.MasterUrl() << " …" << std::endl;
      told = true;
    }
    timespec second{1, 0};
    if (::sigtimedwait(&stop_signals, nullptr, &second) > 0) return Aborted("stopped while waiting for the pacemaker");
  }
}

// Every store address and credential comes from the config where it names
// them, else from what the pacemaker handed out.
Status Node::StartNodeStores() {
  std::string data_dir = config_.DataDir();
  std::optional<model::RedisAccess> access = NodeIdentity(data_dir).LoadRedisAccess();
  if (!access) {
    PM_ASSIGN_OR_RETURN(access, WaitForRedisAccess());
  }
  auto resolve = [](const config::RedisStoreConfig& store, const std::optional<redis::Endpoint>& given,
                    const char* name) -> Result<redis::Endpoint> {
    redis::Endpoint e = given.value_or(redis::Endpoint{});
    if (store.host_set || !given) e.host = store.host;
    if (store.port_set || !given) e.port = store.port;
    if (!store.password.empty()) {
      e.user = store.user;
      e.password = store.password;
    }
    if (!given && e.password.empty()) {
      return FailedPrecondition(std::string("the pacemaker handed out no '") + name +
                                "' store for this node's roles, and redis." + name + " sets no credentials");
    }
    return e;
  };
  auto& r = config_.redis;
  if (config_.heart.enabled || config_.router.enabled) {
    PM_ASSIGN_OR_RETURN(redis::Endpoint jobs, resolve(r.jobs, access->jobs, "jobs"));
    r.jobs.host = jobs.host;
    r.jobs.port = jobs.port;
    r.jobs.user = jobs.user;
    r.jobs.password = jobs.password;
  }
  if (!config_.router.enabled) return Status::Ok();
  PM_ASSIGN_OR_RETURN(stats_endpoint_, resolve(r.stats, access->stats, "stats"));
  RedisStoreOptions replica{.name = "table-replica", .config = r.table, .data_dir = data_dir};
  if (r.table.managed) {
    redis::Endpoint master = access->table.value_or(redis::Endpoint{});
    if (!r.table.replica_of_host.empty()) {
      master.host = r.table.replica_of_host;
      master.port = r.table.replica_of_port;
    }
    if (!r.table.password.empty()) {
      master.user = r.table.user;
      master.password = r.table.password;
    }
    // The replica serves this host's nginx and node only (the loopback, by
    // design), with the same router user and password as its master. A
    // master without credentials (an external one, managed: false) gets a
    // replica without them, which only this host can reach.
    replica.bind = {"127.0.0.1"};
    if (!master.password.empty()) replica.acl = AclLines("table-replica", RedisUsers{"", master.password, ""});
    replica.client = {"127.0.0.1", r.table.port, master.password, master.user};
    replica.master = master;
  } else {
    replica.client = r.table.Endpoint();
  }
  table_endpoint_ = replica.client;
  stores_.push_back(std::make_unique<RedisStore>(std::move(replica)));
  return Status::Ok();
}

Status Node::StartRedisStores() {
  PM_RETURN_IF_ERROR(config_.pacemaker.enabled ? StartPacemakerStores() : StartNodeStores());
  for (auto& store : stores_) {
    PM_RETURN_IF_ERROR(store->Start());
    // A router serving from a replica that has not synced yet would answer
    // 404 for every host. Without its master (away, or unreachable) it goes
    // on with the routes it kept from last time.
    if (store->is_replica() && !store->WaitForFirstSync(std::chrono::seconds(5))) {
      PM_LOG_WARN("redis {}: not in sync with its master after 5 s; serving the routes it holds until it is",
                  store->name());
    }
  }
  return Status::Ok();
}

nlohmann::json Node::ExtraReport(heart::Heart* heart) {
  nlohmann::json extra = heart ? heart->ReportExtra() : nlohmann::json::object();
  if (config_.router.enabled) {
    if (!table_reader_) table_reader_ = std::make_unique<redis::Client>(table_endpoint_, std::chrono::milliseconds(500));
    auto serial = table_reader_->Command({"GET", "serial"});
    if (serial.ok()) {
      int64_t value = serial->type == redis::Reply::Type::kString ? std::strtoll(serial->str.c_str(), nullptr, 10) : 0;
      extra["router"] = {{"table_serial", value}};
    }
  }
  return extra;
}

Status Node::Start() {
  std::string data_dir = config_.DataDir();
  // Instances of a root heart run under their own uids inside working_dir
  // (by default in the data dir): they must be able to pass through, never
  // to list it. What the node writes there is private (umask 077).
  mode_t data_mode = config_.heart.enabled && ::geteuid() == 0 ? 0711 : 0700;
  PM_RETURN_IF_ERROR(files::MakeDirectories(data_dir, data_mode));
  ::chmod(data_dir.c_str(), data_mode);
  PM_ASSIGN_OR_RETURN(lock_, files::LockFile::Acquire(data_dir + "/paasmaker.lock"));
  PM_RETURN_IF_ERROR(
      log::Configure({config_.log_level, data_dir + "/paasmaker.log", config_.log_format, config_.my_name}));
  log::SetNodeUuid(NodeIdentity(data_dir).LoadUuid());  // "" for a node that never registered
  PM_LOG_INFO("starting node '{}' with roles {} (config: {}, data: {})", config_.my_name,
              nlohmann::json(config_.Roles()).dump(), config_.source, data_dir);
  PM_ASSIGN_OR_RETURN(node_token_, NodeIdentity(data_dir).NodeToken(config_.node_token));

  // https (NodeConfig::https) is cluster-wide: trust its CA in every call to
  // another node (from the first registration on), and serve it below.
  PM_RETURN_IF_ERROR(http::SetDefaultClientTls({config_.https.ca_file}).WithContext("https.ca_file"));

  // The pacemaker's stores first: its roles connect to them as they start.
  if (config_.pacemaker.enabled) PM_RETURN_IF_ERROR(StartRedisStores());

  server_ = std::make_unique<http::Server>(http::Server::kDefaultWorkers,
                                           http::ServerTls{config_.https.certificate, config_.https.key});
  jobs_ = std::make_unique<NodeJobs>(config_, node_token_);
  jobs_->InstallRoutes(*server_);
  metrics::InstallMetricsRoute(*server_, metrics_, {node_token_, config_.metrics.token});
  if (config_.pacemaker.enabled) {
    // The node's registry validates the pacemaker's trees; it is filled
    // with the plugins (jobs_->Init, below) before the API serves and the
    // health checks start.
    pacemaker_ = std::make_unique<pacemaker::Pacemaker>(config_, node_token_, redis_handout_, jobs_->registry(),
                                                        metrics_);
    PM_RETURN_IF_ERROR(pacemaker_->Start(*server_));
  }
  if (config_.heart.enabled) {
    heart_ = std::make_unique<heart::Heart>(config_, node_token_, &metrics_);
    heart_->InstallRoutes(*server_, node_token_);
    // Every instance state change is reported at once (coalesced).
    heart_->SetOnChange([this] {
      std::lock_guard<std::mutex> lock(reporter_mutex_);
      if (reporter_) reporter_->ReportSoon();
    });
    PM_RETURN_IF_ERROR(heart_->Start());
    for (const auto& directory : config_.heart.shared_directories) {
      std::error_code ec;
      if (!std::filesystem::is_directory(directory, ec)) {
        PM_LOG_WARN("heart.shared_directories: {} is not a directory here; not reported until it is", directory);
      }
    }
  }
  PM_RETURN_IF_ERROR(jobs_->Init({pacemaker_ ? pacemaker_->context() : nullptr, heart_.get()}));
  if (pacemaker_) pacemaker_->StartSchedulers();
  PM_RETURN_IF_ERROR(server_->Start(config_.route_address, config_.http_port)
                         .WithContext("HTTP API (http_port " + std::to_string(config_.http_port) + ")"));
  // Any other node's stores may wait for the pacemaker (a first start asks
  // it for the Redis access); meanwhile the node answers on its port and
  // its heart keeps its instances running.
  if (!config_.pacemaker.enabled) PM_RETURN_IF_ERROR(StartRedisStores());
  if (config_.router.enabled) {
    router_ = std::make_unique<router::Router>(config_, table_endpoint_, &metrics_);
    PM_RETURN_IF_ERROR(router_->Start());
  }
  // A node that already has its UUID runs its jobs at once (and aborts
  // what it had running before a crash); a new node after registering.
  std::string known_uuid = NodeIdentity(data_dir).LoadUuid();
  if (!known_uuid.empty()) PM_RETURN_IF_ERROR(jobs_->StartManager(known_uuid));
  if (router_ && !known_uuid.empty()) PM_RETURN_IF_ERROR(router_->StartStats(known_uuid, stats_endpoint_));
  router::Router* router = router_.get();
  redis::Endpoint stats = stats_endpoint_;
  heart::Heart* heart = heart_.get();
  pacemaker::Pacemaker* pacemaker = pacemaker_.get();
  NodeJobs* jobs = jobs_.get();
  std::lock_guard<std::mutex> reporter_lock(reporter_mutex_);
  reporter_ = std::make_unique<Reporter>(
      config_, node_token_, [this, heart] { return ExtraReport(heart); },
      [pacemaker, jobs, router, stats](const std::string& uuid) {
        log::SetNodeUuid(uuid);
        if (pacemaker) pacemaker->SetNodeUuid(uuid);
        if (router) {
          Status reading = router->StartStats(uuid, stats);
          if (!reading.ok()) PM_LOG_ERROR("router stats: {}", reading.ToString());
        }
        Status started = jobs->StartManager(uuid);
        if (!started.ok()) PM_LOG_ERROR("job manager: {}", started.ToString());
      });
  reporter_->Start();
  return Status::Ok();
}

void Node::Stop() {
  // Reverse order of Start: instances first (reported as SUSPENDED while
  // the reporter still runs), then tell the pacemaker, then stop serving,
  // then the roles' state, then the daemons everything else relied on.
  if (heart_) heart_->SuspendAll();
  {
    std::lock_guard<std::mutex> lock(reporter_mutex_);
    if (reporter_) reporter_->Stop();
    reporter_.reset();
  }
  if (jobs_) jobs_->Stop();
  if (router_) router_->Stop();
  router_.reset();
  if (heart_) heart_->Stop();
  heart_.reset();
  if (pacemaker_) pacemaker_->PrepareStop();
  if (server_) server_->Stop();
  server_.reset();
  jobs_.reset();
  if (pacemaker_) pacemaker_->Stop();
  pacemaker_.reset();
  for (auto it = stores_.rbegin(); it != stores_.rend(); ++it) (*it)->Stop();
  stores_.clear();
}

void Node::PrintBanner() const {
  std::string url = config_.NodeUrl(config_.my_route, config_.http_port);
  std::cout << "Paasmaker node '" << config_.my_name << "' is running with roles";
  for (const auto& role : config_.Roles()) std::cout << " " << role;
  std::cout << ".\n";
  if (pacemaker_) {
    std::cout << "  API:               " << url << "/api/v1\n";
    std::cout << "  admin credentials: " << pacemaker_->bootstrap().credentials_file << "\n";
    std::cout << "  try:               PAASMAKER_KEY=$(cat " << pacemaker_->bootstrap().api_key_file
              << ") paasmaker node list\n";
  } else {
    std::cout << "  pacemaker:         " << config_.MasterUrl() << "\n";
  }
  std::cout << "  logs:              " << config_.DataDir() << "/paasmaker.log\n";
  std::cout << "Stop with Ctrl-C or SIGTERM." << std::endl;
}

}  // namespace

int RunServer(const std::string& config_path) {
  auto config = config::LoadNodeConfig(config_path);
  if (!config.ok()) {
    std::cerr << "error: " << config.status().message() << std::endl;
    return 2;
  }
  if (!ids::Initialize().ok()) {
    std::cerr << "error: cannot initialise libsodium" << std::endl;
    return 1;
  }
  process::RaiseDescriptorLimit();
  crash_report::Install();
  // Signals are taken synchronously by this thread only: block them before
  // any thread starts, so every thread inherits the mask. Children get a
  // clean mask from the process launcher.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  ::pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  // Files the node creates (database, logs, catalog, redis dumps) are its own.
  ::umask(077);

  Node node(std::move(*config));
  Status started = node.Start();
  if (!started.ok()) {
    PM_LOG_ERROR("start-up failed: {}", started.ToString());
    std::cerr << "error: " << started.message() << std::endl;
    node.Stop();
    return 1;
  }
  node.PrintBanner();
  // Every enabled role serves now: a Type=notify unit (deploy/systemd/) counts as started from here.
  if (Status notified = NotifySystemd("READY=1"); !notified.ok()) PM_LOG_WARN("{}", notified.ToString());
  while (true) {
    int sig = 0;
    if (::sigwait(&signals, &sig) != 0) continue;
    if (sig == SIGHUP) continue;  // no reload yet; do not die on a terminal hang-up
    PM_LOG_INFO("received {}; stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    break;
  }
  if (Status notified = NotifySystemd("STOPPING=1"); !notified.ok()) PM_LOG_WARN("{}", notified.ToString());
  node.Stop();
  PM_LOG_INFO("stopped");
  return 0;
}

}  // namespace paasmaker::node
