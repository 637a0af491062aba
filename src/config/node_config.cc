#include "config/node_config.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <unistd.h>

#include <filesystem>

#include "core/files.h"
#include "core/log.h"
#include "core/yaml_reader.h"

namespace paasmaker::config {

namespace {

std::string Hostname() {
  char name[256] = {0};
  if (::gethostname(name, sizeof(name) - 1) != 0) return "paasmaker";
  return name;
}

// The IPv4 address of `route` (itself when it is one); "" when it does not resolve.
std::string ResolveIpv4(const std::string& route) {
  in_addr address;
  if (::inet_pton(AF_INET, route.c_str(), &address) == 1) return route;
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(route.c_str(), nullptr, &hints, &found) != 0 || found == nullptr) return "";
  char text[INET_ADDRSTRLEN] = {0};
  ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(found->ai_addr)->sin_addr, text, sizeof(text));
  ::freeaddrinfo(found);
  return text;
}

void ReadRedis(yaml::YamlSection section, RedisStoreConfig* out, bool allow_replica) {
  out->host_set = section.Has("host");
  out->port_set = section.Has("port");
  section.String("host", &out->host);
  section.String("user", &out->user);
  section.Int("port", &out->port, 1, 65535);
  section.String("password", &out->password);
  section.Bool("managed", &out->managed);
  section.Bool("shutdown", &out->shutdown);
  if (allow_replica) {
    auto replica = section.Section("replica_of");
    replica.String("host", &out->replica_of_host);
    replica.Int("port", &out->replica_of_port, 1, 65535);
    replica.Finish();
  }
  section.Finish();
}

void ReadPacemaker(yaml::YamlSection s, NodeConfig* c) {
  auto& p = c->pacemaker;
  s.Bool("enabled", &p.enabled);
  s.String("dsn", &p.dsn);
  s.String("cluster_hostname", &p.cluster_hostname);
  s.String("super_token", &p.super_token);
  s.Bool("allow_supertoken", &p.allow_supertoken);
  s.Bool("run_crons", &p.run_crons);
  auto health = s.Section("health");
  health.Bool("enabled", &p.health_enabled);
  health.Bool("use_default_group", &p.health_use_default_group);
  ReadHealthGroups(health, "groups", &p.health_groups);
  health.Double("quiet_run_max_age", &p.health_quiet_run_max_age, 1, 30 * 86400.0);
  health.Finish();
  s.Double("node_down_timeout", &p.node_down_timeout, 1, 86400);
  s.Double("job_max_age", &p.job_max_age, 60, 10 * 365 * 86400.0);
  s.Double("job_archive_after", &p.job_archive_after, 1, 10 * 365 * 86400.0);
  s.Double("stats_history_archive_after", &p.stats_history_archive_after, 60, 10 * 365 * 86400.0);
  s.Double("stats_history_max_age", &p.stats_history_max_age, 60, 10 * 365 * 86400.0);
  if (p.stats_history_max_age < p.stats_history_archive_after) {
    // Per-minute buckets are made from per-second data past archive_after; a
    // shorter max age would delete them as they are made.
    s.AddProblem("stats_history_max_age", "must not be below pacemaker.stats_history_archive_after");
  }
  double max_upload = static_cast<double>(p.max_upload_size);
  s.Double("max_upload_size", &max_upload, 1, 1e13);
  p.max_upload_size = static_cast<int64_t>(max_upload);
  s.Int("max_streams_per_user", &p.max_streams_per_user, 1, 100000);
  s.Int("max_streams", &p.max_streams, 1, 100000);
  s.Int("max_uploads_per_user", &p.max_uploads_per_user, 1, 10000);
  s.Int("max_uploads", &p.max_uploads, 1, 10000);
  s.Int("prepare_uid", &p.prepare_uid, 1, 2147483647);  // never 0: root is what it avoids
  s.String("console_dir", &p.console_dir);
  if (!p.console_dir.empty() && p.console_dir.front() != '/') s.AddProblem("console_dir", "must be an absolute path");
  s.String("filesystem_directory", &p.filesystem_directory);
  if (!p.filesystem_directory.empty() && p.filesystem_directory.front() != '/') {
    s.AddProblem("filesystem_directory", "must be an absolute path");
  }
  s.String("postgres_admin_dsn", &p.postgres_admin_dsn);
  s.Finish();
}

void ReadHeart(yaml::YamlSection s, NodeConfig* c) {
  auto& h = c->heart;
  s.Bool("enabled", &h.enabled);
  s.String("working_dir", &h.working_dir);
  YAML::Node runtimes = s.Raw("runtimes");
  if (runtimes) {
    if (!runtimes.IsMap()) {
      s.AddProblem("runtimes", "expected a mapping of runtime plugin name to a list of versions");
    } else {
      h.runtimes.clear();
      for (const auto& item : runtimes) {
        std::vector<std::string> versions;
        if (item.second.IsSequence()) {
          for (const auto& v : item.second) versions.push_back(v.Scalar());
        } else if (item.second.IsScalar()) {
          versions.push_back(item.second.Scalar());
        } else if (item.second.IsNull()) {
          // No versions: a language runtime's are detected (heart/interpreters.h).
        } else {
          s.AddProblem("runtimes." + item.first.Scalar(), "expected a list of versions");
        }
        h.runtimes[item.first.Scalar()] = versions;
      }
    }
  }
  auto policy = s.Section("restart_policy");
  policy.Int("immediate_restarts", &h.restart_policy.immediate_restarts, 0, 1000);
  policy.Double("backoff_initial", &h.restart_policy.backoff_initial_seconds, 0, 86400);
  policy.Double("backoff_max", &h.restart_policy.backoff_max_seconds, 0, 86400);
  policy.Finish();
  s.Int("instance_uid_minimum", &h.instance_uid_minimum, 1, 2147483647);
  s.Int("instance_uid_maximum", &h.instance_uid_maximum, 1, 2147483647);
  if (h.instance_uid_minimum > h.instance_uid_maximum) {
    s.AddProblem("instance_uid_minimum", "must not be above heart.instance_uid_maximum");
  }
  double log_max = static_cast<double>(h.instance_log_max_bytes);
  s.Double("instance_log_max_bytes", &log_max, 1024, 1e12);
  h.instance_log_max_bytes = static_cast<int64_t>(log_max);
  s.Double("stop_grace", &h.stop_grace, 0, 3600);
  s.StringList("shared_directories", &h.shared_directories);
  for (const auto& directory : h.shared_directories) {
    if (directory.empty() || directory.front() != '/') {
      s.AddProblem("shared_directories", "'" + directory + "' is not an absolute path");
    }
  }
  s.Finish();
}

void ReadRouter(yaml::YamlSection s, NodeConfig* c) {
  auto& r = c->router;
  s.Bool("enabled", &r.enabled);
  auto nginx = s.Section("nginx");
  nginx.Bool("managed", &r.nginx_managed);
  nginx.Int("port_direct", &r.port_direct, 1, 65535);
  nginx.Int("port_80", &r.port_80, 1, 65535);
  nginx.Int("port_443", &r.port_443, 1, 65535);
  nginx.String("listen", &r.listen_address);
  in_addr address;
  if (!r.listen_address.empty() && ::inet_pton(AF_INET, r.listen_address.c_str(), &address) != 1) {
    nginx.AddProblem("listen", "expected an IPv4 address such as 127.0.0.1 (or leave it out for every interface); got \"" +
                                   r.listen_address + "\"");
  }
  nginx.String("binary", &r.nginx_binary);
  nginx.Finish();
  s.Double("stats_interval", &r.stats_interval, 0.01, 3600);
  s.Double("dead_backend_ttl", &r.dead_backend_ttl, 0, 86400);
  s.Double("upstream_connect_timeout", &r.upstream_connect_timeout, 0.001, 3600);
  s.Double("upstream_timeout", &r.upstream_timeout, 0.001, 86400);
  s.Double("request_timeout", &r.request_timeout, 0.001, 86400);
  s.Finish();
}

void ReadHttps(yaml::YamlSection s, NodeConfig* c) {
  auto& h = c->https;
  s.String("certificate", &h.certificate);
  s.String("key", &h.key);
  s.String("ca_file", &h.ca_file);
  if (h.certificate.empty() != h.key.empty()) {
    s.AddProblem(h.certificate.empty() ? "certificate" : "key", "https needs both certificate and key");
  }
  if (!h.ca_file.empty() && h.certificate.empty()) {
    // The rule is cluster-wide: a node that calls the others over https
    // serves https too (the pacemaker fetches job logs from every node).
    s.AddProblem("ca_file", "needs https.certificate and https.key: every node of a TLS cluster serves https");
  }
  s.Finish();
}

}  // namespace

std::string NodeConfig::MasterUrl() const { return NodeUrl(master_host, master_port == 0 ? http_port : master_port); }

std::string NodeConfig::NodeUrl(const std::string& host, int port) const {
  return (https.enabled() ? "https://" : "http://") + host + ":" + std::to_string(port);
}

std::vector<std::string> NodeConfig::Roles() const {
  std::vector<std::string> roles;
  if (pacemaker.enabled) roles.push_back("pacemaker");
  if (heart.enabled) roles.push_back("heart");
  if (router.enabled) roles.push_back("router");
  return roles;
}

std::string NodeConfig::DataDir() const {
  std::error_code ec;
  auto absolute = std::filesystem::absolute(data_dir, ec);
  return ec ? data_dir : absolute.lexically_normal().string();
}

std::string NodeConfig::FilesystemDirectory() const {
  return pacemaker.filesystem_directory.empty() ? DataDir() + "/services/filesystem" : pacemaker.filesystem_directory;
}

Result<NodeConfig> ParseNodeConfig(const std::string& text, const std::string& source) {
  PM_ASSIGN_OR_RETURN(auto doc, yaml::YamlDocument::Parse(text, source));
  NodeConfig c;
  c.source = source;
  c.my_name = Hostname();
  auto root = doc->Root();
  root.String("my_name", &c.my_name);
  root.String("my_route", &c.my_route);
  c.route_address = ResolveIpv4(c.my_route);
  if (c.route_address.empty()) {
    root.AddProblem("my_route", "\"" + c.my_route + "\" is neither an IPv4 address nor a host name that resolves to one");
  }
  root.Int("http_port", &c.http_port, 1, 65535);
  root.String("data_dir", &c.data_dir);
  root.String("log_level", &c.log_level);
  if (!log::IsValidLevel(c.log_level)) {
    root.AddProblem("log_level", "must be one of debug, info, warning, error; got \"" + c.log_level + "\"");
  }
  root.String("log_format", &c.log_format);
  if (!log::IsValidFormat(c.log_format)) {
    root.AddProblem("log_format", "must be one of text, json; got \"" + c.log_format + "\"");
  }
  root.StringMap("tags", &c.tags);
  root.String("node_token", &c.node_token);
  auto master = root.Section("master");
  master.String("host", &c.master_host);
  master.Int("port", &c.master_port, 1, 65535);
  master.Finish();
  if (c.master_host.empty()) c.master_host = c.route_address;  // a pacemaker reaches itself where it listens
  root.Double("node_report_interval", &c.node_report_interval, 0.05, 3600);
  auto ports = root.Section("misc_ports");
  ports.Int("minimum", &c.misc_ports_minimum, 1, 65535);
  ports.Int("maximum", &c.misc_ports_maximum, 1, 65535);
  ports.Finish();
  if (c.misc_ports_minimum > c.misc_ports_maximum) {
    ports.AddProblem("minimum", "must not be above misc_ports.maximum");
  }
  auto service_ports = root.Section("service_ports");
  service_ports.Int("minimum", &c.service_ports_minimum, 1, 65535);
  service_ports.Int("maximum", &c.service_ports_maximum, 1, 65535);
  service_ports.Finish();
  if (c.service_ports_minimum > c.service_ports_maximum) {
    service_ports.AddProblem("minimum", "must not be above service_ports.maximum");
  }
  auto redis = root.Section("redis");
  ReadRedis(redis.Section("table"), &c.redis.table, true);
  ReadRedis(redis.Section("stats"), &c.redis.stats, false);
  ReadRedis(redis.Section("jobs"), &c.redis.jobs, false);
  redis.Finish();
  ReadPacemaker(root.Section("pacemaker"), &c);
  ReadHeart(root.Section("heart"), &c);
  ReadRouter(root.Section("router"), &c);
  for (auto& plugin : root.SectionList("plugins")) {
    PluginConfig p;
    plugin.String("name", &p.name);
    plugin.String("kind", &p.kind);
    plugin.StringMap("options", &p.options);
    if (p.name.empty()) plugin.AddProblem("name", "is required");
    plugin.Finish();
    c.plugins.push_back(p);
  }
  ReadHttps(root.Section("https"), &c);
  auto metrics = root.Section("metrics");
  metrics.String("token", &c.metrics.token);
  if (!c.metrics.token.empty() && c.metrics.token.size() < 16) {
    metrics.AddProblem("token", "must be at least 16 characters");
  }
  metrics.Finish();
  auto testing = root.Section("testing");
  testing.Bool("job_plugins", &c.testing.job_plugins);
  testing.Finish();
  root.Finish();
  if (c.pacemaker.allow_supertoken && c.pacemaker.super_token.empty()) {
    doc->problems().Add(source, "pacemaker.allow_supertoken is true but pacemaker.super_token is empty");
  }
  if (c.Roles().empty()) doc->problems().Add(source, "no role enabled: enable pacemaker, heart or router");
  PM_RETURN_IF_ERROR(doc->problems().ToStatus("invalid configuration " + source));
  if (c.heart.working_dir.empty()) c.heart.working_dir = c.DataDir() + "/instances";
  return c;
}

Result<NodeConfig> LoadNodeConfig(const std::string& path) {
  if (path.empty()) return ParseNodeConfig("", "(defaults)");
  auto text = files::ReadFile(path);
  if (!text.ok()) return text.status().WithContext("cannot read config file");
  return ParseNodeConfig(*text, path);
}

}  // namespace paasmaker::config
