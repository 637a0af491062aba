// `paasmaker doctor [-c FILE]`: what a node needs before `paasmaker server`
// can run with that config, checked without starting anything, each finding
// printed with its fix.
//
// Checks, for the roles the config enables: the programs it launches
// (redis-server, nginx, its NDK and Lua modules, lua-nginx-redis); every port
// it binds, and its port ranges; the data dir (creatable, writable, not in
// use by a running node); as root, that instance uids and the prepare uid can
// reach their directories and that no account owns those uids; the clock
// (kernel NTP state, and a node's offset from its pacemaker's Date header);
// and whether the node's ports lie in the kernel's ephemeral range, where an
// outgoing connection can hold one for a minute (TIME-WAIT) and make the
// node's start fail.
//
// Nothing is created, bound for longer than a check, or changed. A check
// that cannot decide (the pacemaker is away) is a warning, never a problem:
// a heart may well be checked before its pacemaker starts. Exit code 0 when
// no check found a problem, 1 otherwise (2: the config does not load).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "config/node_config.h"

namespace paasmaker::node {

enum class CheckOutcome { kOk, kWarning, kProblem };

struct DoctorCheck {
  std::string name;    // "redis-server", "port http_port", "clock", ...
  CheckOutcome outcome = CheckOutcome::kOk;
  std::string detail;  // what was found
  std::string fix;     // what to do about it; empty when ok
};

// Where the checks look on this host. Defaults are Debian 12's paths and
// the running process; tests point them elsewhere.
struct DoctorHost {
  bool root = false;      // [geteuid() == 0]
  std::string path;       // searched for redis-server [$PATH]
  std::string nginx_modules_dir = "/usr/lib/nginx/modules";
  std::string lua_redis_file = "/usr/share/lua/5.1/nginx/redis.lua";
  std::string prepare_top;  // [pacemaker/prepare's kPrepareTop]
  // ip_local_port_range and ip_local_reserved_ports are read here.
  std::string ipv4_sysctl_dir = "/proc/sys/net/ipv4";

  static DoctorHost Current();
};

// Every check for `config`'s roles, in the order printed.
std::vector<DoctorCheck> CheckNode(const config::NodeConfig& config, const DoctorHost& host);

// The report as printed: one line per check, an indented fix below each
// finding, then a one-line summary.
std::string FormatDoctorReport(const config::NodeConfig& config, const std::vector<DoctorCheck>& checks);

// The whole command; returns the exit code.
int RunDoctor(const std::string& config_path, bool json, std::ostream& out, std::ostream& err);

}  // namespace paasmaker::node
