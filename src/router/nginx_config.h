// NginxSettings and RenderNginxConfig: what a router's nginx needs to know,
// and the nginx.conf text made from it (SPEC §4, notes/router-facts.md).
//
// Rendering is a pure function (no I/O) so the exact text is unit-tested; the
// caller (ManagedNginx) writes it and the Lua files, and runs nginx with
// `-p prefix -c ConfigFile() -e ErrorLog()`. Everything nginx writes — pid
// file, logs, temp dirs — lives under `prefix`, so nothing touches /var.
//
// Thread safety: values and a free function; use from any thread.
#pragma once

#include <string>

#include "core/redis_client.h"
#include "core/result.h"

namespace paasmaker::router {

// Requests with this Host are answered by the Lua code itself (200, "master
// pid N"), logged with served_by "-" and skipped by the stats reader: the
// readiness check. `.invalid` is never an app's.
inline constexpr const char* kHealthHost = "paasmaker-router-health.invalid";

struct NginxSettings {
  std::string prefix;      // absolute directory, e.g. <data_dir>/nginx
  std::string ndk_module;  // absolute .so paths; NDK must load before Lua
  std::string lua_module;
  // `user` directive arguments ("nobody nogroup") when the master runs as
  // root; empty: no directive, workers keep the node's own user.
  std::string worker_user;
  int worker_connections = 4096;
  bool ipv6 = false;       // also listen on [::] (only if the host has IPv6)
  // An IPv4 address to listen on; "" every interface (and [::] with ipv6).
  std::string listen_address;

  // Listeners. X-Forwarded-Proto/Port tell the app how the client came in.
  int port_direct = 42530; // http, X-Forwarded-Port: the port itself
  int port_80 = 42531;     // http behind a front on :80
  int port_443 = 42532;    // https terminated in front of us, X-Forwarded-Port 443

  redis::Endpoint table;   // the node's local routing-table Redis
  double dead_backend_ttl_seconds = 30;
  double upstream_connect_timeout_seconds = 5;
  double upstream_timeout_seconds = 60;
  double request_timeout_seconds = 60;
  int serial_check_ms = 50;  // how often each worker polls `serial`
  int redis_timeout_ms = 500;

  // Where nginx binds (the free-port check), and where the node itself
  // reaches it (its readiness check: the same host, so the loopback when
  // nginx listens on every interface).
  std::string BindAddress() const { return listen_address.empty() ? "0.0.0.0" : listen_address; }
  std::string ProbeAddress() const { return BindAddress() == "0.0.0.0" ? "127.0.0.1" : listen_address; }
  std::string ConfigFile() const { return prefix + "/nginx.conf"; }
  std::string PidFile() const { return prefix + "/nginx.pid"; }
  std::string ErrorLog() const { return prefix + "/error.log"; }
  std::string StatsLog() const { return prefix + "/stats.log"; }
  std::string LuaDir() const { return prefix + "/lua"; }  // holds paasmaker/<file>.lua
  std::string TempDir() const { return prefix + "/temp"; }
};

// The nginx.conf text. InvalidArgument when a path or value could not be
// written safely into the file (relative prefix, quotes, `$`, control chars).
Result<std::string> RenderNginxConfig(const NginxSettings& settings);

// `s` as a Lua string literal ("..." with escapes); exposed for tests.
std::string LuaQuote(const std::string& s);

}  // namespace paasmaker::router
