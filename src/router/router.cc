#include "router/router.h"

#include <grp.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "core/files.h"
#include "core/log.h"

namespace paasmaker::router {

namespace {

// A root master hands its workers to an unprivileged user; otherwise the
// workers simply keep the node's user (nginx ignores `user` then anyway).
std::string WorkerUser() {
  if (::geteuid() != 0) return "";
  return ::getgrnam("nogroup") != nullptr ? "nobody nogroup" : "nobody";
}

}  // namespace

Router::~Router() { Stop(); }

Result<NginxSettings> Router::Settings() const {
  NginxSettings s;
  s.prefix = config_.DataDir() + "/nginx";
  auto modules = FindNginxModules();
  if (modules.ok()) {
    s.ndk_module = modules->ndk;
    s.lua_module = modules->lua;
  } else if (config_.router.nginx_managed) {
    return modules.status();
  } else {
    // Not ours to run: write the Debian paths and let the admin adjust.
    s.ndk_module = "/usr/lib/nginx/modules/ndk_http_module.so";
    s.lua_module = "/usr/lib/nginx/modules/ngx_http_lua_module.so";
  }
  s.worker_user = WorkerUser();
  s.ipv6 = files::Exists("/proc/net/if_inet6");
  s.listen_address = config_.router.listen_address;
  s.port_direct = config_.router.port_direct;
  s.port_80 = config_.router.port_80;
  s.port_443 = config_.router.port_443;
  s.table = table_;
  s.dead_backend_ttl_seconds = config_.router.dead_backend_ttl;
  s.upstream_connect_timeout_seconds = config_.router.upstream_connect_timeout;
  s.upstream_timeout_seconds = config_.router.upstream_timeout;
  s.request_timeout_seconds = config_.router.request_timeout;
  return s;
}

Status Router::Start() {
  redis::Client client(table_, std::chrono::milliseconds(1000));
  PM_RETURN_IF_ERROR(client.Ping().WithContext("routing table redis"));
  PM_ASSIGN_OR_RETURN(NginxSettings settings, Settings());
  if (!config_.router.nginx_managed) {
    PM_RETURN_IF_ERROR(WriteNginxFiles(settings));
    PM_LOG_INFO("router: nginx is not managed; its config is in {}", settings.ConfigFile());
    return Status::Ok();
  }
  nginx_ = std::make_unique<ManagedNginx>(settings, config_.router.nginx_binary);
  Status started = nginx_->Start();
  if (!started.ok()) {
    nginx_.reset();
    return started;
  }
  PM_LOG_INFO("router: nginx serves ports {} (direct), {} (as 80), {} (as 443)", settings.port_direct,
              settings.port_80, settings.port_443);
  return Status::Ok();
}

Status Router::StartStats(const std::string& node_uuid, redis::Endpoint stats) {
  if (node_uuid.empty()) return InvalidArgument("router stats need the node's uuid");
  std::lock_guard<std::mutex> lock(stats_mutex_);
  if (stats_) return Status::Ok();
  PM_ASSIGN_OR_RETURN(NginxSettings settings, Settings());
  stats::StatsReaderOptions options;
  options.log_path = settings.StatsLog();
  options.node_uuid = node_uuid;
  options.metrics = stats_metrics_.get();
  auto interval = std::chrono::milliseconds(
      std::max<int64_t>(10, static_cast<int64_t>(config_.router.stats_interval * 1000)));
  PM_LOG_INFO("router: counting {} into the stats redis at {} every {} ms", options.log_path,
              stats.ToString(), interval.count());
  stats_ = std::make_unique<stats::StatsWorker>(std::move(options), std::move(stats), interval);
  stats_->Start();
  return Status::Ok();
}

void Router::Stop() {
  if (nginx_) nginx_->Stop();
  nginx_.reset();
  // After nginx: what it flushed while stopping is counted by this node's
  // next reader, from the position left in Redis.
  std::lock_guard<std::mutex> lock(stats_mutex_);
  if (stats_) stats_->Stop();
  stats_.reset();
}

}  // namespace paasmaker::router
