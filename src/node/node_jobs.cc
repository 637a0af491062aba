#include "node/node_jobs.h"

#include "core/api_response.h"
#include "core/log.h"
#include "core/node_token.h"
#include "plugins/builtin_plugins.h"

namespace paasmaker::node {

NodeJobs::NodeJobs(const config::NodeConfig& config, std::string node_token)
    : config_(config), node_token_(std::move(node_token)), logs_(LogDir(config)) {}

NodeJobs::~NodeJobs() { Stop(); }

std::string NodeJobs::LogDir(const config::NodeConfig& config) { return jobs::JobLogDirOf(config.DataDir()); }

Status NodeJobs::Init(const plugins::RoleHandles& roles) {
  if (!config_.testing.job_plugins) return plugins::RegisterBuiltinJobs(registry_, roles);
  // Loud on purpose: test.shell runs any command written into the jobs Redis.
  PM_LOG_WARN("TESTING ONLY: testing.job_plugins is on in {}: this node runs paasmaker.job.test.* jobs, and "
              "paasmaker.job.test.shell runs any shell command. Never use this config outside tests.",
              config_.source);
  return plugins::RegisterBuiltinJobs(registry_, roles, plugins::TestJobs::kOn);
}

void NodeJobs::InstallRoutes(http::Server& server) {
  server.Route("GET", "/api/v1/node/jobs/([0-9a-zA-Z-]+)/log", [this](const http::Request& req, http::Response& res) {
    if (Status token = api::CheckNodeToken(req, node_token_); !token.ok()) return api::RespondError(res, token);
    uint64_t offset = std::strtoull(req.Query("offset", "0").c_str(), nullptr, 10);
    uint64_t max = std::strtoull(req.Query("max", "262144").c_str(), nullptr, 10);
    auto chunk = logs_.Read(req.params[0], offset, std::min<uint64_t>(max, 4 * 1024 * 1024));
    if (!chunk.ok()) return api::RespondError(res, chunk.status());
    res.content_type = "text/plain; charset=utf-8";
    res.headers["X-Log-Offset"] = std::to_string(chunk->offset);
    res.headers["X-Log-Next-Offset"] = std::to_string(chunk->next_offset);
    res.headers["X-Log-Size"] = std::to_string(chunk->size);
    res.body = std::move(chunk->data);
  }, http::RouteClass::kNode);
}

Status NodeJobs::StartManager(const std::string& node_uuid) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (manager_) return Status::Ok();
  jobs::JobManagerOptions options;
  options.node_uuid = node_uuid;
  options.redis = config_.redis.jobs.Endpoint();
  options.log_dir = LogDir(config_);
  options.registry = &registry_;
  PM_ASSIGN_OR_RETURN(manager_, jobs::JobManager::Create(options));
  sweeper_ = std::thread([this] { SweepLogs(); });
  PM_LOG_INFO("job manager running for node {}", node_uuid);
  return Status::Ok();
}

void NodeJobs::SweepLogs() {
  const auto max_age = std::chrono::seconds(static_cast<int64_t>(config_.pacemaker.job_max_age));
  std::unique_lock<std::mutex> lock(mutex_);
  do {
    lock.unlock();
    auto removed = logs_.RemoveOlderThan(max_age);
    if (removed.ok() && *removed > 0) PM_LOG_INFO("deleted {} job logs older than {} s", *removed, max_age.count());
    lock.lock();
  } while (!sweeper_cv_.wait_for(lock, std::chrono::hours(1), [this] { return stopping_; }));
}

void NodeJobs::Stop() {
  std::unique_ptr<jobs::JobManager> manager;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    manager = std::move(manager_);
    stopping_ = true;
  }
  sweeper_cv_.notify_all();
  if (sweeper_.joinable()) sweeper_.join();
  if (!manager) return;
  // Jobs that cannot finish in time are aborted when this node's next
  // manager starts (SPEC §6: a node that restarts aborts what it had RUNNING).
  Status drained = manager->Drain(std::chrono::seconds(5));
  if (!drained.ok()) PM_LOG_WARN("stopping with jobs still running: {}", drained.ToString());
}

}  // namespace paasmaker::node
