// ManagedNginx: a router node's own nginx (Debian's binary with the NDK and
// Lua modules), run and supervised through ManagedDaemon.
//
// Start() writes nginx.conf and the embedded Lua under the prefix. An nginx
// master left serving by an earlier run of the node (the router role was
// killed) is adopted: reloaded with the new files and supervised, so traffic
// never stops. Otherwise it clears what a crashed earlier run left (orphaned
// workers by their process group), checks that the ports are free, launches
//   nginx -p <prefix> -c <prefix>/nginx.conf -e <prefix>/error.log -g 'daemon off;'
// and waits until a request to the direct port is answered by our Lua code
// (`nginx -t` passes even when Lua cannot load, so only a real request proves
// start-up worked). If nginx dies it is restarted by ManagedDaemon. Stop()
// sends SIGTERM to nginx's process group, SIGKILL after a grace period, and
// makes sure no worker outlives it.
//
// Thread safety: Start/Stop from one controlling thread; pid() and Answers()
// from any thread.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <memory>
#include <string>

#include "core/managed_daemon.h"
#include "core/result.h"
#include "router/nginx_config.h"

namespace paasmaker::router {

struct NginxModules {
  std::string ndk;  // ndk_http_module.so
  std::string lua;  // ngx_http_lua_module.so
};

// Finds the NDK and Lua modules in `dir` (Debian: /usr/lib/nginx/modules).
// FailedPrecondition naming the packages to install when one is missing.
Result<NginxModules> FindNginxModules(const std::string& dir = "/usr/lib/nginx/modules");

// Writes nginx.conf, the Lua files and the directories nginx needs under
// settings.prefix. Files are world-readable except nginx.conf (it may hold
// the table Redis password), which only the master reads.
Status WriteNginxFiles(const NginxSettings& settings);

class ManagedNginx {
 public:
  ManagedNginx(NginxSettings settings, std::string binary);
  ~ManagedNginx();  // Stop()
  ManagedNginx(const ManagedNginx&) = delete;
  ManagedNginx& operator=(const ManagedNginx&) = delete;

  Status Start();
  void Stop();

  pid_t pid() const;  // the master's pid; 0 when not running
  int restarts() const;
  const NginxSettings& settings() const { return settings_; }

  // True when the direct port answers the health host through Lua, from the
  // master `expected_master` (0: any master).
  bool Answers(pid_t expected_master = 0) const;

 private:
  bool Ready();
  // Keeps an nginx an earlier run of this node left serving: reloads it with
  // the config just written (SIGHUP: graceful, no request lost) instead of
  // replacing it, which would leave the ports closed for a moment.
  bool Adopt(pid_t master);

  NginxSettings settings_;
  std::string binary_;
  std::unique_ptr<ManagedDaemon> daemon_;
  std::atomic<pid_t> last_master_{0};
};

}  // namespace paasmaker::router
