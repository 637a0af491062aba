#include "pacemaker/health/health_manager.h"

#include "core/ids.h"
#include "core/log.h"
#include "pacemaker/health/health_jobs.h"
#include "pacemaker/lifecycle/trees.h"
#include "pacemaker/pacemaker_context.h"
#include "pacemaker/store/schema.h"

namespace paasmaker::pacemaker::health {

using nlohmann::json;

HealthManager::HealthManager(PacemakerContext& ctx, std::chrono::milliseconds interval)
    : ctx_(ctx), interval_(interval) {}

HealthManager::~HealthManager() { Stop(); }

void HealthManager::Start() {
  if (!ctx_.config.pacemaker.health_enabled) {
    PM_LOG_INFO("health checks disabled (pacemaker.health.enabled: false)");
    return;
  }
  not_before_ = NowSeconds() + ctx_.config.pacemaker.node_down_timeout;
  thread_ = std::thread([this] { Loop(); });
}

void HealthManager::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::vector<jobs::JobSpec> HealthManager::BuildTree(const std::string& node) const {
  auto check = [](const char* type, const std::string& title, json parameters = json::object()) {
    return json{{"type", type}, {"title", title}, {"parameters", std::move(parameters)}};
  };
  double timeout = ctx_.config.pacemaker.node_down_timeout;
  std::vector<json> stages = {
      json::array({check(job_types::kDownNodes, "Mark silent nodes DOWN",
                         {{"timeout", timeout}, {"not_before", not_before_}})}),
      json::array({check(job_types::kStuckJobs, "Abort jobs waiting on DOWN nodes"),
                   check(job_types::kRouterDownInstances, "Unroute instances that are not RUNNING",
                         {{"grace", kRouteGraceSeconds}})}),
      json::array({check(job_types::kAdjustInstances, "Keep every RUNNING version at its quantity")}),
  };
  jobs::TreeSpec tree;
  std::string root = tree.Add({.type = lifecycle::job_types::kGroup, .node = node, .title = "Health checks (default group)",
                               .tags = {"health"}});
  json rest = json::array();
  for (size_t i = 1; i < stages.size(); ++i) rest.push_back(stages[i]);
  std::string stage =
      tree.Add({.type = job_types::kStage, .parameters = {{"stages", rest}}, .node = node, .title = "Health checks, order 1"},
               root);
  for (const auto& c : stages[0]) {
    tree.Add({.type = c["type"].get<std::string>(), .parameters = c["parameters"], .node = node,
              .title = c["title"].get<std::string>()},
             stage);
  }
  return tree.jobs();
}

Result<std::optional<std::string>> HealthManager::RunOnce() {
  if (ctx_.node_uuid.empty()) return std::optional<std::string>();
  if (!last_root_.empty()) {
    auto last = ctx_.job_store.Get(last_root_);
    // NotFound: archived, so finished long ago.
    if (last.ok() && !jobs::IsFinished(last->state)) return std::optional<std::string>();
    if (!last.ok() && last.status().code() != StatusCode::kNotFound) return last.status();
  }
  auto tree = BuildTree(ctx_.node_uuid);
  for (const auto& spec : tree) {
    if (ctx_.job_registry) PM_RETURN_IF_ERROR(ctx_.job_registry->Validate(spec).WithContext(spec.type));
  }
  PM_RETURN_IF_ERROR(ctx_.job_store.AddTree(tree));
  PM_RETURN_IF_ERROR(ctx_.job_store.StartTree(tree.front().id));
  last_root_ = tree.front().id;
  return std::optional<std::string>(last_root_);
}

void HealthManager::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!cv_.wait_for(lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    auto run = RunOnce();
    if (!run.ok()) PM_LOG_WARN("health checks: {}", run.status().ToString());
    lock.lock();
  }
}

}  // namespace paasmaker::pacemaker::health
