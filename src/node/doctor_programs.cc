// What the node launches: redis-server for its managed stores, nginx with
// the NDK and Lua modules and lua-nginx-redis for a router.
#include <unistd.h>

#include <sstream>

#include "core/files.h"
#include "node/doctor_checks.h"
#include "router/managed_nginx.h"

namespace paasmaker::node::doctor {

namespace {

std::string FindInPath(const std::string& program, const std::string& path) {
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    std::string candidate = dir + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// Managed stores (the pacemaker's three, a router's table replica) and
// paasmaker.service.managedredis all run redis-server.
bool NeedsRedisServer(const config::NodeConfig& c) {
  if (c.pacemaker.enabled) return true;
  return c.router.enabled && c.redis.table.managed;
}

}  // namespace

void CheckPrograms(const config::NodeConfig& config, const DoctorHost& host, Checks& out) {
  if (NeedsRedisServer(config)) {
    std::string found = FindInPath("redis-server", host.path);
    out.push_back(found.empty() ? Problem("redis-server", "not found in PATH (" + host.path + ")",
                                          "apt install redis-server")
                                : Ok("redis-server", found));
  }
  if (!config.router.enabled) return;
  if (config.router.nginx_managed) {
    const std::string& nginx = config.router.nginx_binary;
    out.push_back(::access(nginx.c_str(), X_OK) == 0
                      ? Ok("nginx", nginx)
                      : Problem("nginx", nginx + " is not an executable file",
                                "apt install nginx, or set router.nginx_binary to where nginx is"));
  }
  auto modules = router::FindNginxModules(host.nginx_modules_dir);
  if (modules.ok()) {
    out.push_back(Ok("nginx lua module", modules->lua));
  } else if (config.router.nginx_managed) {
    out.push_back(Problem("nginx lua module", modules.status().message(),
                          "apt install libnginx-mod-http-ndk libnginx-mod-http-lua"));
  } else {
    // The operator's nginx may load them from elsewhere.
    out.push_back(Warning("nginx lua module", modules.status().message(),
                          "the router's nginx.conf loads them from " + host.nginx_modules_dir +
                              "; install them there or edit the load_module lines"));
  }
  out.push_back(files::Exists(host.lua_redis_file)
                    ? Ok("lua-nginx-redis", host.lua_redis_file)
                    : Problem("lua-nginx-redis", host.lua_redis_file + " is missing (the router's Lua reads the "
                                                                        "routing table with it)",
                              "apt install lua-nginx-redis"));
}

}  // namespace paasmaker::node::doctor
