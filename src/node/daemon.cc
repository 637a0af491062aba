#include "node/daemon.h"

#include <arpa/inet.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <vector>

#include "config/node_config.h"
#include "core/files.h"
#include "core/http.h"
#include "core/ids.h"
#include "core/log.h"
#include "heart/heart.h"
#include "node/managed_redis.h"
#include "node/node_identity.h"
#include "node/node_jobs.h"
#include "node/node_report.h"
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
  // What the roles add to each report: the heart's instances; for a router,
  // the routing-table serial its replica has reached (lag is visible).
  nlohmann::json ExtraReport(heart::Heart* heart);

  config::NodeConfig config_;
  files::LockFile lock_;
  std::string node_token_;
  std::vector<std::unique_ptr<RedisStore>> stores_;
  redis::Endpoint table_endpoint_;
  redis::Endpoint stats_endpoint_;  // the stats Redis (the pacemaker's) the router's stats reader writes to
  std::unique_ptr<redis::Client> table_reader_;  // routers: reads the replica's serial
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<pacemaker::Pacemaker> pacemaker_;
  std::unique_ptr<heart::Heart> heart_;
  std::unique_ptr<router::Router> router_;
  std::unique_ptr<NodeJobs> jobs_;
  std::mutex reporter_mutex_;  // the heart's change callback reaches the reporter from its thread
  std::unique_ptr<Reporter> reporter_;
};

// Binds where other nodes reach us when that is an address; a name (or a
// public address we cannot bind) falls back to every interface.
std::string BindAddress(const std::string& route) {
  in_addr addr;
  return ::inet_pton(AF_INET, route.c_str(), &addr) == 1 ? route : "0.0.0.0";
}

Status Node::StartRedisStores() {
  const auto& r = config_.redis;
  if (config_.pacemaker.enabled) {
    stores_.push_back(std::make_unique<RedisStore>("table", r.table, config_.DataDir()));
    stores_.push_back(std::make_unique<RedisStore>("stats", r.stats, config_.DataDir()));
    stores_.push_back(std::make_unique<RedisStore>("jobs", r.jobs, config_.DataDir()));
  } else if (config_.router.enabled) {
    config::RedisStoreConfig replica = r.table;
    if (replica.replica_of_host.empty()) {
      replica.replica_of_host = config_.master_host;
      replica.replica_of_port = 42510;
    }
    stores_.push_back(std::make_unique<RedisStore>("table-replica", replica, config_.DataDir()));
    stats_endpoint_ = {config_.master_host, r.stats.port, r.stats.password};
  }
  for (auto& store : stores_) {
    PM_RETURN_IF_ERROR(store->Start());
    if (store->name() == "table" || store->name() == "table-replica") table_endpoint_ = store->endpoint();
    if (store->name() == "stats") stats_endpoint_ = store->endpoint();
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
  PM_RETURN_IF_ERROR(log::Configure(config_.log_level, data_dir + "/paasmaker.log"));
  PM_LOG_INFO("starting node '{}' with roles {} (config: {}, data: {})", config_.my_name,
              nlohmann::json(config_.Roles()).dump(), config_.source, data_dir);
  PM_ASSIGN_OR_RETURN(node_token_, NodeIdentity(data_dir).NodeToken(config_.node_token));

  // https (NodeConfig::https) is cluster-wide: trust its CA in every call to
  // another node (from the first registration on), and serve it below.
  PM_RETURN_IF_ERROR(http::SetDefaultClientTls({config_.https.ca_file}).WithContext("https.ca_file"));

  PM_RETURN_IF_ERROR(StartRedisStores());

  server_ = std::make_unique<http::Server>(http::Server::kDefaultWorkers,
                                           http::ServerTls{config_.https.certificate, config_.https.key});
  jobs_ = std::make_unique<NodeJobs>(config_, node_token_);
  jobs_->InstallRoutes(*server_);
  if (config_.pacemaker.enabled) {
    pacemaker_ = std::make_unique<pacemaker::Pacemaker>(config_, node_token_);
    PM_RETURN_IF_ERROR(pacemaker_->Start(*server_));
  }
  if (config_.heart.enabled) {
    heart_ = std::make_unique<heart::Heart>(config_, node_token_);
    heart_->InstallRoutes(*server_, node_token_);
    // Every instance state change is reported at once (coalesced).
    heart_->SetOnChange([this] {
      std::lock_guard<std::mutex> lock(reporter_mutex_);
      if (reporter_) reporter_->ReportSoon();
    });
    PM_RETURN_IF_ERROR(heart_->Start());
  }
  PM_RETURN_IF_ERROR(jobs_->Init({pacemaker_ ? pacemaker_->context() : nullptr, heart_.get()}));
  if (pacemaker_) pacemaker_->context()->job_registry = &jobs_->registry();
  PM_RETURN_IF_ERROR(server_->Start(BindAddress(config_.my_route), config_.http_port)
                         .WithContext("HTTP API (http_port " + std::to_string(config_.http_port) + ")"));
  if (config_.router.enabled) {
    router_ = std::make_unique<router::Router>(config_, table_endpoint_);
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
  while (true) {
    int sig = 0;
    if (::sigwait(&signals, &sig) != 0) continue;
    if (sig == SIGHUP) continue;  // no reload yet; do not die on a terminal hang-up
    PM_LOG_INFO("received {}; stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    break;
  }
  node.Stop();
  PM_LOG_INFO("stopped");
  return 0;
}

}  // namespace paasmaker::node
