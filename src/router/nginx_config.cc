#include "router/nginx_config.h"

#include <cctype>
#include <cstdio>

namespace paasmaker::router {

namespace {

// Paths go into the file double-quoted; `$` would make nginx read a path as
// a variable expression (access_log), quotes and backslashes would end or
// escape the string.
Status CheckPath(const std::string& what, const std::string& path) {
  if (path.empty() || path[0] != '/') return InvalidArgument(what + " must be an absolute path: '" + path + "'");
  for (unsigned char c : path) {
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\' || c == '$') {
      return InvalidArgument(what + " contains a character nginx.conf cannot hold: '" + path + "'");
    }
  }
  return Status::Ok();
}

Status CheckWords(const std::string& what, const std::string& value) {
  for (unsigned char c : value) {
    bool ok = std::isalnum(c) || c == '_' || c == '-' || c == '.' || c == ':' || c == ' ';
    if (!ok) return InvalidArgument(what + " has unexpected characters: '" + value + "'");
  }
  return Status::Ok();
}

Status CheckPort(const std::string& what, int port) {
  if (port < 1 || port > 65535) return InvalidArgument(what + " is not a TCP port: " + std::to_string(port));
  return Status::Ok();
}

std::string Quoted(const std::string& path) { return "\"" + path + "\""; }

std::string Listen(const NginxSettings& s, int port) {
  if (!s.listen_address.empty()) return "    listen " + s.listen_address + ":" + std::to_string(port) + ";\n";
  std::string out = "    listen " + std::to_string(port) + ";\n";
  if (s.ipv6) out += "    listen [::]:" + std::to_string(port) + " ipv6only=on;\n";
  return out;
}

// The headers every proxying location sends. proxy_set_header is
// all-or-nothing per level in nginx (a location that sets one inherits none),
// so each location writes them all. `upgrade`: pass the client's Upgrade
// header on (websockets), which costs a header lookup and a `map` per request,
// so only @pm_lookup does it; location / sends upgrades there.
std::string ProxyTo(const std::string& upstream, const std::string& proto, const std::string& forwarded_port,
                    bool upgrade) {
  std::string out;
  out += "      proxy_pass http://" + upstream + ";\n";
  out += "      proxy_set_header Host $host;\n";
  if (upgrade) {
    out += "      proxy_set_header Upgrade $http_upgrade;\n";
    out += "      proxy_set_header Connection $pm_connection;\n";
  } else {
    out += "      proxy_set_header Connection \"\";\n";  // keep-alive to the app
  }
  out += "      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n";
  out += "      proxy_set_header X-Forwarded-Proto " + proto + ";\n";
  out += "      proxy_set_header X-Forwarded-Port " + forwarded_port + ";\n";
  return out;
}

// One listener, two ways through it (router.lua's header says why):
//   location /   the balancer alone routes a Host this worker has cached;
//                anything else fails that first try, and error_page 500
//                hands the request to @pm_lookup.
//   @pm_lookup   route() in the access phase: cache miss (one Redis round
//                trip), the 400/404/503 pages, the health host.
// A request with a body goes to @pm_lookup before anything reads it (418):
// an internal redirect after the upstream started would lose what of an
// unbuffered body had been read. So does an Upgrade (websocket) request,
// for the headers only @pm_lookup passes on.
std::string Server(const NginxSettings& s, const std::string& comment, int port, const std::string& proto,
                   const std::string& forwarded_port) {
  std::string out;
  out += "  # " + comment + "\n";
  out += "  server {\n";
  out += Listen(s, port);
  out += "    location / {\n";
  out += "      error_page 418 = @pm_lookup;\n";
  out += "      error_page 500 = @pm_lookup;\n";
  out += "      if ($content_length) { return 418; }\n";
  out += "      if ($http_transfer_encoding) { return 418; }\n";
  out += "      if ($http_upgrade) { return 418; }\n";
  // $pm_served_by is written by the balancer here; a request it never
  // reaches (the client left first) logs "" without a warning per request.
  out += "      uninitialized_variable_warn off;\n";
  out += ProxyTo("paasmaker_cached", proto, forwarded_port, false);
  out += "    }\n";
  out += "    location @pm_lookup {\n";
  // The stats log's default; route() overwrites it with the chosen instance.
  out += "      set $pm_served_by \"null null null\";\n";
  out += "      access_by_lua_block { paasmaker_route() }\n";
  out += ProxyTo("paasmaker_backends", proto, forwarded_port, true);
  out += "    }\n";
  out += "  }\n";
  return out;
}

// nginx time: whole milliseconds ("1500ms"), at least 1.
std::string Millis(double seconds) {
  long long ms = static_cast<long long>(seconds * 1000 + 0.5);
  return std::to_string(ms < 1 ? 1 : ms) + "ms";
}

std::string Number(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.3f", value);
  return buffer;
}

}  // namespace

std::string LuaQuote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f || c == '{' || c == '}') {
      // Three-digit decimal escapes (never swallowing a following digit) keep
      // nginx's block lexer away from braces and odd bytes.
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\%03u", static_cast<unsigned>(c));
      out += escaped;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

Result<std::string> RenderNginxConfig(const NginxSettings& s) {
  PM_RETURN_IF_ERROR(CheckPath("router nginx prefix", s.prefix));
  PM_RETURN_IF_ERROR(CheckPath("ndk module", s.ndk_module));
  PM_RETURN_IF_ERROR(CheckPath("lua module", s.lua_module));
  PM_RETURN_IF_ERROR(CheckWords("worker user", s.worker_user));
  PM_RETURN_IF_ERROR(CheckWords("table redis host", s.table.host));
  PM_RETURN_IF_ERROR(CheckWords("router.nginx.listen", s.listen_address));
  PM_RETURN_IF_ERROR(CheckPort("router.nginx.port_direct", s.port_direct));
  PM_RETURN_IF_ERROR(CheckPort("router.nginx.port_80", s.port_80));
  PM_RETURN_IF_ERROR(CheckPort("router.nginx.port_443", s.port_443));
  PM_RETURN_IF_ERROR(CheckPort("table redis port", s.table.port));

  std::string c;
  c += "# Generated by paasmaker at every router start: edits here are lost.\n";
  c += "# Runs as: nginx -p " + s.prefix + " -c " + s.ConfigFile() + " -e " + s.ErrorLog() + " -g 'daemon off;'\n\n";
  // Absolute paths: the Debian module path is not under our prefix. NDK first,
  // or the Lua module fails with "undefined symbol: ndk_set_var_value".
  c += "load_module " + Quoted(s.ndk_module) + ";\n";
  c += "load_module " + Quoted(s.lua_module) + ";\n\n";
  if (!s.worker_user.empty()) c += "user " + s.worker_user + ";\n";
  c += "worker_processes auto;\n";
  c += "pid " + Quoted(s.PidFile()) + ";\n";
  c += "error_log " + Quoted(s.ErrorLog()) + " warn;\n";
  c += "pcre_jit on;\n\n";
  c += "events {\n  worker_connections " + std::to_string(s.worker_connections) + ";\n}\n\n";

  c += "http {\n";
  c += "  server_tokens off;\n";
  c += "  default_type application/octet-stream;\n";
  c += "  client_body_temp_path " + Quoted(s.TempDir() + "/client_body") + ";\n";
  c += "  proxy_temp_path " + Quoted(s.TempDir() + "/proxy") + ";\n";
  c += "  fastcgi_temp_path " + Quoted(s.TempDir() + "/fastcgi") + ";\n";
  c += "  uwsgi_temp_path " + Quoted(s.TempDir() + "/uwsgi") + ";\n";
  c += "  scgi_temp_path " + Quoted(s.TempDir() + "/scgi") + ";\n\n";

  // Bodies stream straight through instead of spooling to temp files: the
  // workers (maybe `nobody`) may not be able to reach a private data dir, and
  // apps, not the router, decide how large an upload may be.
  c += "  client_max_body_size 0;\n";
  c += "  proxy_request_buffering off;\n";
  c += "  proxy_max_temp_file_size 0;\n";
  c += "  proxy_http_version 1.1;\n";
  c += "  proxy_redirect off;\n";
  // router.upstream_connect_timeout, upstream_timeout, request_timeout.
  c += "  proxy_connect_timeout " + Millis(s.upstream_connect_timeout_seconds) + ";\n";
  c += "  proxy_send_timeout " + Millis(s.upstream_timeout_seconds) + ";\n";
  c += "  proxy_read_timeout " + Millis(s.upstream_timeout_seconds) + ";\n";
  c += "  client_header_timeout " + Millis(s.request_timeout_seconds) + ";\n";
  c += "  client_body_timeout " + Millis(s.request_timeout_seconds) + ";\n";
  c += "  send_timeout " + Millis(s.request_timeout_seconds) + ";\n";
  c += "  proxy_next_upstream error timeout;\n";
  // A request through the Lua balancer allocates 8k-12k from its pool; past
  // the default 4k every extra pool block costs a malloc and a free
  // (~1.2k instructions per request with two extra blocks, callgrind).
  c += "  request_pool_size 16k;\n\n";

  // Must end with ";;" (the default path, where resty.core lives) or nginx
  // will not start, although `nginx -t` still passes.
  c += "  lua_package_path " + Quoted(s.LuaDir() + "/?.lua;;") + ";\n";
  // The serial timer would otherwise log every failed connect while Redis is down.
  c += "  lua_socket_log_errors off;\n";
  c += "  lua_shared_dict paasmaker_dead_backends 1m;\n";
  c += "  init_by_lua_block {\n";
  c += "    require(\"paasmaker.router\").configure({\n";
  c += "      redis_host = " + LuaQuote(s.table.host) + ",\n";
  c += "      redis_port = " + std::to_string(s.table.port) + ",\n";
  c += "      redis_user = " + LuaQuote(s.table.user) + ",\n";
  c += "      redis_password = " + LuaQuote(s.table.password) + ",\n";
  c += "      redis_timeout_ms = " + std::to_string(s.redis_timeout_ms) + ",\n";
  c += "      serial_check_ms = " + std::to_string(s.serial_check_ms) + ",\n";
  c += "      dead_backend_ttl = " + Number(s.dead_backend_ttl_seconds) + ",\n";
  c += "      health_host = " + LuaQuote(kHealthHost) + ",\n";
  c += "    })\n";
  // Globals, set once before the workers fork: the per-request chunks below
  // then call them without a require() each time.
  c += "    paasmaker_route = require(\"paasmaker.router\").route\n";
  c += "    paasmaker_balance = require(\"paasmaker.router\").balance\n";
  c += "    paasmaker_balance_cached = require(\"paasmaker.router\").balance_cached\n";
  c += "  }\n";
  c += "  init_worker_by_lua_block { require(\"paasmaker.router\").init_worker() }\n\n";

  // Keep-alive to the app unless the client asks to upgrade (websockets).
  c += "  map $http_upgrade $pm_connection {\n    default upgrade;\n    \"\" \"\";\n  }\n";
  // The stats log (SPEC §4): one JSON object per line, read by the router's
  // stats reader. Buffered: cheaper than counting inside nginx. Router
  // health checks are logged too (served_by "-") and the reader skips them:
  // an `if=` here would cost a `map` lookup on every request.
  c += "  log_format paasmaker_stats escape=json\n";
  c += "    '{\"time\":$msec,\"host\":\"$host\",\"status\":$status,\"bytes\":$body_bytes_sent,'\n";
  c += "    '\"request_time\":$request_time,\"upstream_response_time\":\"$upstream_response_time\",'\n";
  c += "    '\"served_by\":\"$pm_served_by\"}';\n";
  c += "  access_log " + Quoted(s.StatsLog()) + " paasmaker_stats buffer=64k flush=1s;\n\n";

  // Fixed upstreams: the Lua balancer picks the peer per request, and nginx
  // keeps idle connections to each peer. `keepalive` must come AFTER
  // balancer_by_lua_block, or connection reuse silently stops.
  // paasmaker_cached serves location /, paasmaker_backends @pm_lookup.
  auto upstream = [&c](const std::string& name, const std::string& balancer_call) {
    c += "  upstream " + name + " {\n";
    c += "    server 0.0.0.1;  # never used: the balancer sets the peer\n";
    c += "    balancer_by_lua_block { " + balancer_call + " }\n";
    c += "    keepalive 64;\n";
    c += "  }\n";
  };
  upstream("paasmaker_cached", "paasmaker_balance_cached()");
  upstream("paasmaker_backends", "paasmaker_balance()");
  c += "\n";

  const std::string direct = std::to_string(s.port_direct);
  c += Server(s, "router.nginx.port_direct: clients talk to this port directly", s.port_direct, "http", direct);
  c += Server(s, "router.nginx.port_80: behind a front end on port 80", s.port_80, "http", "80");
  c += Server(s, "router.nginx.port_443: TLS terminated in front of us", s.port_443, "https", "443");
  c += "}\n";
  return c;
}

}  // namespace paasmaker::router
