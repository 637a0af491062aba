// NodeConfig: everything a node reads from its paasmaker.yml (SPEC §2).
//
// Every key has a default, so an empty file (or no file) runs a complete
// single-node cluster: all roles, SQLite in data_dir, managed Redis and nginx.
// Loading is strict: an unknown key or a wrong type is an error naming the
// file, line and key; all problems are reported at once.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/health_groups.h"
#include "core/redis_client.h"
#include "core/result.h"
#include "model/runtime_names.h"

namespace paasmaker::config {

struct RedisStoreConfig {
  // Loopback by default: the pacemaker's own stores live on its host; any
  // other node gets the real address from the pacemaker (or from here).
  std::string host = "127.0.0.1";
  int port = 0;
  // Credentials of an external store (managed: false). A managed store gets
  // the cluster's ACL users instead (node/redis_users.h), and a node that is
  // not the pacemaker receives them when it registers.
  std::string user;
  std::string password;
  // The file names the host / the port: a node that is not the pacemaker
  // then uses it instead of what the pacemaker hands out.
  bool host_set = false;
  bool port_set = false;
  bool managed = true;
  bool shutdown = true;  // stop the managed redis-server when the node stops
  // Routers only: the table master this replica follows. Empty host: not a replica.
  std::string replica_of_host;
  int replica_of_port = 0;

  // How this node connects to it (after the daemon has resolved it).
  redis::Endpoint Endpoint() const { return {host, port, password, user}; }

  static RedisStoreConfig OnPort(int port) {
    RedisStoreConfig c;
    c.port = port;
    return c;
  }
};

struct RestartPolicy {
  int immediate_restarts = 3;
  double backoff_initial_seconds = 5;
  double backoff_max_seconds = 300;
};

struct PluginConfig {
  std::string name;
  std::string kind;
  std::map<std::string, std::string> options;
};

struct NodeConfig {
  std::string source;  // the file it came from, or "(defaults)"

  std::string my_name;                // [hostname]
  // Address (or host name) other nodes use to reach this one. Loopback by
  // default: a config-less node is a whole single-host cluster.
  std::string my_route = "127.0.0.1";
  // my_route as an IPv4 address, resolved once at load (nginx's balancer
  // and the instances' bind address need an address, not a name).
  std::string route_address = "127.0.0.1";
  int http_port = 42500;
  std::string data_dir = "./data";
  std::string log_level = "info";
  // "text" (the default) or "json": one JSON object per line (core/log.h).
  std::string log_format = "text";
  std::map<std::string, std::string> tags;
  std::string node_token;  // generated into data_dir when absent
  std::string master_host;  // [route_address: the pacemaker node itself]
  int master_port = 0;  // 0: this node's http_port (itself)
  double node_report_interval = 3.0;
  int misc_ports_minimum = 42600;
  int misc_ports_maximum = 42699;
  // Managed service daemons (paasmaker.service.managedredis) take ports here.
  int service_ports_minimum = 42700;
  int service_ports_maximum = 42799;

  struct {
    RedisStoreConfig table = RedisStoreConfig::OnPort(42510);
    RedisStoreConfig stats = RedisStoreConfig::OnPort(42512);
    RedisStoreConfig jobs = RedisStoreConfig::OnPort(42513);
  } redis;

  struct {
    bool enabled = true;
    std::string dsn;  // empty: sqlite in data_dir
    std::string cluster_hostname = "local.paasmaker.net";
    std::string super_token;
    bool allow_supertoken = false;
    bool run_crons = true;
    bool health_enabled = true;
    bool health_use_default_group = true;  // the built-in `default` group (health_groups.h)
    std::vector<HealthGroupConfig> health_groups;
    // A health run in which every check succeeded and none acted is deleted
    // (tree and logs) this long after it started, not kept for job_max_age:
    // the default group runs every 2 s (seconds).
    double health_quiet_run_max_age = 600;
    double node_down_timeout = 10.0;
    int64_t max_upload_size = 1024LL * 1024 * 1024;
    // Open API streams (job trees, stats, logs) one user may hold, and all
    // users together; beyond them a stream request is answered 429. The
    // total stays below the HTTP server's own cap (2,000 streams), which
    // counts streams of every kind.
    int max_streams_per_user = 100;
    int max_streams = 1500;
    // Upload chunks (PUT /api/v1/uploads/<id>) being received at once, per
    // user and in total: each holds up to a chunk's body in memory.
    int max_uploads_per_user = 4;
    int max_uploads = 32;
    double job_max_age = 7 * 24 * 3600;  // finished job trees are deleted after this (seconds)
    double job_archive_after = 3600;     // ... and moved out of Redis after this
    // Per-second traffic history is rolled up into per-minute buckets after
    // this, and the per-minute buckets are deleted after stats_history_max_age.
    double stats_history_archive_after = 24 * 3600;
    double stats_history_max_age = 30 * 24 * 3600;
    // When the pacemaker runs as root, prepare commands run under this uid
    // (and gid), one prepare at a time: an id without a passwd entry that
    // nothing else uses (every process of it is killed after each prepare).
    // Ignored when the pacemaker is not root.
    int prepare_uid = 60999;
    // paasmaker.service.filesystem keeps each service's directory below
    // this one (empty: <data_dir>/services/filesystem). On a cluster it is a
    // shared filesystem (NFS, CephFS, ...) mounted at the same path on the
    // pacemaker and on every heart that lists it in heart.shared_directories:
    // instances of applications with a filesystem service are placed only
    // on those hearts.
    std::string filesystem_directory;
    // paasmaker.service.postgres: a libpq DSN (key=value or postgresql://
    // URI) of a role on an existing PostgreSQL server that may CREATE ROLE
    // and CREATE DATABASE; each service gets its own database and roles
    // there (named pm_<service id>), nothing else is touched. Empty: the
    // plugin refuses, naming this key. Holds a secret: keep the config 0600.
    std::string postgres_admin_dsn;
    // The built web console (index.html and assets/) served at /; empty:
    // the one this binary's build made (<build dir>/console).
    std::string console_dir;
  } pacemaker;

  struct {
    bool enabled = true;
    std::string working_dir;  // empty: data_dir/instances
    // Runtime plugin -> the versions this heart offers. A language runtime
    // (model::IsLanguageRuntime) listed without versions offers the version
    // of its interpreter found at the heart's start (python3 --version, ...;
    // heart/interpreters.h), and is not offered when that is not installed.
    std::map<std::string, std::vector<std::string>> runtimes = {
        {model::kShellRuntime, {"1"}}, {model::kStaticRuntime, {"1"}}, {model::kPythonRuntime, {}},
        {model::kNodeRuntime, {}},      {model::kPhpRuntime, {}},       {model::kRubyRuntime, {}}};
    RestartPolicy restart_policy;
    // When the heart runs as root, each instance runs under its own uid (and
    // gid) from this range — accounts without a passwd entry, like systemd's
    // DynamicUser — so instances can read neither the heart's data nor each
    // other's directories. Ignored when the heart is not root.
    int instance_uid_minimum = 61000;
    int instance_uid_maximum = 61999;
    int64_t instance_log_max_bytes = 10LL * 1024 * 1024;  // per instance log, then rotated
    double stop_grace = 10.0;  // SIGTERM → SIGKILL (seconds)
    // Shared directories this heart has mounted (see
    // pacemaker.filesystem_directory); reported to the pacemaker, which
    // places instances that need one only on hearts that report it.
    std::vector<std::string> shared_directories;
  } heart;

  struct {
    bool enabled = true;
    bool nginx_managed = true;
    int port_direct = 42530;
    int port_80 = 42531;
    int port_443 = 42532;
    // router.nginx.listen: the IPv4 address nginx listens on; "" listens on
    // every interface (IPv4 and IPv6), as a router facing clients does.
    std::string listen_address;
    std::string nginx_binary = "/usr/sbin/nginx";
    double stats_interval = 0.5;
    double dead_backend_ttl = 30.0;
    // Seconds. Connecting to an instance (a refusal is immediate; this is
    // for one that does not answer, before the request is retried elsewhere).
    double upstream_connect_timeout = 5.0;
    double upstream_timeout = 60.0;  // between two reads or writes to the instance
    double request_timeout = 60.0;   // between two reads or writes to the client
  } router;

  std::vector<PluginConfig> plugins;

  // https: TLS for the API on http_port. Cluster-wide by rule: with it, this
  // node serves https only (a plain-HTTP request fails the handshake), and
  // every call it makes to another node's API (the pacemaker's included) is
  // https, verified against ca_file. Every node of the cluster has it, or none.
  struct {
    std::string certificate;  // PEM, the node's certificate (chain); with `key`
    std::string key;          // PEM private key
    std::string ca_file;      // PEM CA that signed the nodes' certificates; empty: system trust store
    bool enabled() const { return !certificate.empty(); }
  } https;

  // metrics: GET /metrics (Prometheus text) on http_port, every role. A
  // scrape sends `Authorization: Bearer <node_token>` or, when set, this
  // token, which opens nothing else (so a Prometheus server need not hold
  // the node token). At least 16 characters.
  struct {
    std::string token;
  } metrics;

  // testing: switches for tests only; no default config sets them.
  struct {
    // Registers paasmaker.job.test.* (test.shell runs any command it is
    // given). Off: a job of those types fails as an unknown plugin.
    bool job_plugins = false;
  } testing;

  // The pacemaker's API base URL as this node reaches it.
  std::string MasterUrl() const;
  // The API base URL of a node at host:port: https:// when https is set.
  std::string NodeUrl(const std::string& host, int port) const;
  // The roles enabled, in the fixed order pacemaker, heart, router.
  std::vector<std::string> Roles() const;
  // Absolute data dir.
  std::string DataDir() const;
  // pacemaker.filesystem_directory, or its default in the data dir.
  std::string FilesystemDirectory() const;
};

// Reads and validates a config file. An empty path returns the defaults.
Result<NodeConfig> LoadNodeConfig(const std::string& path);

// Validates config text (`source` names it in messages).
Result<NodeConfig> ParseNodeConfig(const std::string& text, const std::string& source);

}  // namespace paasmaker::config
