#include "router/router.h"

#include <grp.h>
#include <unistd.h>

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
  s.port_direct = config_.router.port_direct;
  s.port_80 = config_.router.port_80;
  s.port_443 = config_.router.port_443;
  s.table = table_;
  s.dead_backend_ttl_seconds = config_.router.dead_backend_ttl;
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

void Router::Stop() {
  if (nginx_) nginx_->Stop();
  nginx_.reset();
}

}  // namespace paasmaker::router
