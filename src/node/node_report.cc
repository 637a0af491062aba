#include "node/node_report.h"

#include <sys/statvfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/http.h"
#include "core/log.h"

namespace paasmaker::node {

using nlohmann::json;

json GeneratedTags() {
  utsname u;
  ::uname(&u);
  return {{"os", u.sysname}, {"arch", u.machine}, {"cpus", std::to_string(::sysconf(_SC_NPROCESSORS_ONLN))}};
}

json MachineStats(const std::string& dir) {
  json stats;
  double load[3] = {0, 0, 0};
  ::getloadavg(load, 3);
  stats["load"] = {load[0], load[1], load[2]};
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  long long value;
  std::string unit;
  long long total = 0, available = 0;
  while (meminfo >> key >> value >> unit) {
    if (key == "MemTotal:") total = value * 1024;
    if (key == "MemAvailable:") available = value * 1024;
  }
  stats["memory"] = {{"total", total}, {"available", available}};
  struct statvfs fs;
  if (::statvfs(dir.c_str(), &fs) == 0) {
    stats["disk"] = {{"total", static_cast<long long>(fs.f_blocks) * static_cast<long long>(fs.f_frsize)},
                     {"free", static_cast<long long>(fs.f_bavail) * static_cast<long long>(fs.f_frsize)}};
  }
  return stats;
}

double ScoreFromStats(const json& stats, int cpus) {
  double load = stats.value("load", json::array({0.0}))[0].get<double>();
  double total = stats["memory"].value("total", 0.0);
  double available = stats["memory"].value("available", 0.0);
  double memory_used = total > 0 ? 1.0 - available / total : 0.0;
  return load / (cpus > 0 ? cpus : 1) + memory_used;
}

Reporter::Reporter(const config::NodeConfig& config, std::string node_token, ExtraReport extra,
                   OnRegistered on_registered)
    : config_(config),
      node_token_(std::move(node_token)),
      extra_(std::move(extra)),
      on_registered_(std::move(on_registered)),
      identity_(config.DataDir()) {
  uuid_ = identity_.LoadUuid();
}

Reporter::~Reporter() { Stop(); }

std::string Reporter::uuid() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return uuid_;
}

void Reporter::ReportSoon() {
  std::lock_guard<std::mutex> lock(mutex_);
  report_soon_ = true;
  cv_.notify_all();
}

void Reporter::Start() { thread_ = std::thread([this] { Loop(); }); }

namespace {

json ReportBody(const config::NodeConfig& config, const std::string& uuid, const json& extra) {
  json tags = GeneratedTags();
  for (const auto& [k, v] : config.tags) tags[k] = v;  // the operator's tags win
  json stats = MachineStats(config.DataDir());
  // The shared directories mounted now (placement trusts what a heart
  // reports), and on a node that is also the pacemaker its own filesystem
  // directory, which the filesystem service creates here.
  json shared = json::array();
  if (config.heart.enabled) {
    for (const auto& directory : config.heart.shared_directories) {
      std::error_code ec;
      if (std::filesystem::is_directory(directory, ec)) shared.push_back(directory);
    }
    if (config.pacemaker.enabled) shared.push_back(config.FilesystemDirectory());
  }
  json report = {{"name", config.my_name},
                 {"route", config.route_address},
                 {"api_port", config.http_port},
                 {"roles", config.Roles()},
                 {"tags", tags},
                 {"runtimes", config.heart.enabled ? json(config.heart.runtimes) : json::object()},
                 {"shared_directories", shared},
                 {"stats", stats},
                 {"score", ScoreFromStats(stats, static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN)))}};
  if (!uuid.empty()) report["uuid"] = uuid;
  if (extra.is_object()) report.update(extra);
  return report;
}

struct RegisterAnswer {
  std::string uuid;
  std::optional<model::RedisAccess> redis;
};

// POSTs the registration; saves the uuid and the Redis access it is given.
Result<RegisterAnswer> PostRegistration(const config::NodeConfig& config, const std::string& node_token,
                                        const json& report) {
  http::Client client(config.MasterUrl(), std::chrono::seconds(5));
  auto response = client.Post("/api/v1/nodes/register", report.dump(), {{"Authorization", "Bearer " + node_token}});
  if (!response.ok()) return response.status();
  if (response->status != 200 && response->status != 201) {
    std::string why = "registration refused by " + config.MasterUrl() + ": HTTP " + std::to_string(response->status) +
                      " " + response->body;
    return response->status == 401 ? Unauthenticated(why) : PermissionDenied(why);
  }
  json body = json::parse(response->body, nullptr, false);
  if (body.is_discarded() || !body["data"].is_object() || !body["data"]["node"].is_object() ||
      body["data"]["node"].value("uuid", "").empty()) {
    return Unavailable("registration: the pacemaker sent an unexpected answer");
  }
  RegisterAnswer answer;
  answer.uuid = body["data"]["node"].value("uuid", "");
  NodeIdentity identity(config.DataDir());
  PM_RETURN_IF_ERROR(identity.SaveUuid(answer.uuid));
  if (body["data"].contains("redis")) {
    auto access = model::RedisAccess::FromJson(body["data"]["redis"]);
    if (!access.ok()) return Unavailable("registration: the pacemaker's Redis access: " + access.status().message());
    PM_RETURN_IF_ERROR(identity.SaveRedisAccess(*access));
    answer.redis = *access;
  }
  return answer;
}

}  // namespace

Result<model::RedisAccess> FetchRedisAccess(const config::NodeConfig& config, const std::string& node_token) {
  http::Client client(config.MasterUrl(), std::chrono::seconds(5));
  auto response = client.Post("/api/v1/nodes/redis-access", json{{"roles", config.Roles()}}.dump(),
                              {{"Authorization", "Bearer " + node_token}});
  if (!response.ok()) return response.status();
  if (response->status != 200) {
    std::string why = "the pacemaker at " + config.MasterUrl() + " refused to hand out the Redis access: HTTP " +
                      std::to_string(response->status) + " " + response->body;
    return response->status == 401 ? Unauthenticated(why) : PermissionDenied(why);
  }
  json body = json::parse(response->body, nullptr, false);
  if (body.is_discarded() || !body["data"].is_object()) return Unavailable("the pacemaker sent an unexpected answer");
  auto access = model::RedisAccess::FromJson(body["data"]["redis"]);
  if (!access.ok()) return Unavailable("the pacemaker's Redis access: " + access.status().message());
  PM_RETURN_IF_ERROR(NodeIdentity(config.DataDir()).SaveRedisAccess(*access));
  return *access;
}

json Reporter::BuildReport() const { return ReportBody(config_, uuid(), extra_ ? extra_() : json()); }

bool Reporter::Register() {
  auto answer = PostRegistration(config_, node_token_, BuildReport());
  if (!answer.ok()) {
    if (answer.status().code() == StatusCode::kUnavailable) {
      PM_LOG_DEBUG("registration: {}", answer.status().ToString());
    } else {
      PM_LOG_WARN("{}", answer.status().message());
    }
    return false;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    uuid_ = answer->uuid;
  }
  registered_ = true;
  if (on_registered_) on_registered_(answer->uuid);
  PM_LOG_INFO("registered with the pacemaker at {} as node {}", config_.MasterUrl(), answer->uuid);
  return true;
}

bool Reporter::Report(bool* unknown) {
  *unknown = false;
  http::Client client(config_.MasterUrl(), std::chrono::seconds(5));
  auto response = client.Post("/api/v1/nodes/" + uuid() + "/report", BuildReport().dump(),
                              {{"Authorization", "Bearer " + node_token_}});
  if (!response.ok()) {
    PM_LOG_DEBUG("report: {}", response.status().ToString());
    return false;
  }
  if (response->status == 404) {
    *unknown = true;
    return false;
  }
  return response->status == 200;
}

void Reporter::Loop() {
  auto interval = std::chrono::milliseconds(static_cast<int64_t>(config_.node_report_interval * 1000));
  // Retry registration faster than reports, but never hammer the pacemaker.
  auto retry = std::min(interval, std::chrono::milliseconds(1000));
  bool was_reachable = true;
  while (true) {
    bool ok;
    if (!registered_) {
      ok = Register();
    } else {
      bool unknown = false;
      ok = Report(&unknown);
      if (unknown) {
        PM_LOG_WARN("the pacemaker does not know this node any more; registering again");
        registered_ = false;
        ok = Register();
      }
    }
    if (!ok && was_reachable) PM_LOG_WARN("cannot reach the pacemaker at {}; will keep trying", config_.MasterUrl());
    if (ok && !was_reachable) PM_LOG_INFO("the pacemaker at {} is reachable again", config_.MasterUrl());
    was_reachable = ok;
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait_for(lock, ok ? interval : retry, [this] { return stopping_ || report_soon_; });
    report_soon_ = false;
    if (stopping_) return;
  }
}

void Reporter::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (!registered_) return;
  http::Client client(config_.MasterUrl(), std::chrono::seconds(2));
  auto response = client.Post("/api/v1/nodes/" + uuid() + "/shutdown", "{}",
                              {{"Authorization", "Bearer " + node_token_}});
  if (!response.ok()) PM_LOG_WARN("could not tell the pacemaker this node stops: {}", response.status().ToString());
}

}  // namespace paasmaker::node
