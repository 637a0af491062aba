#include "pacemaker/health/health_manager.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>

#include "core/ids.h"
#include "core/log.h"
#include "pacemaker/health/health_group_tree.h"
#include "pacemaker/pacemaker_context.h"
#include "pacemaker/store/schema.h"

namespace paasmaker::pacemaker::health {

using Clock = std::chrono::steady_clock;

struct HealthManager::Group {
  config::HealthGroupConfig config;
  Clock::time_point next_run;
  std::string last_root;  // the tree of its previous run

  Clock::duration period() const {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(config.period_seconds));
  }
};

namespace {

// Starts one run of `group` unless its previous tree is unfinished: the
// root id, or nullopt when skipped.
Result<std::optional<std::string>> RunGroup(PacemakerContext& ctx, const config::HealthGroupConfig& group,
                                            const RunParameters& run, std::string& last_root) {
  if (ctx.node_uuid.empty()) return std::optional<std::string>();
  if (!last_root.empty()) {
    auto last = ctx.job_store.Get(last_root);
    // NotFound: archived, so finished long ago.
    if (last.ok() && !jobs::IsFinished(last->state)) return std::optional<std::string>();
    if (!last.ok() && last.status().code() != StatusCode::kNotFound) return last.status();
  }
  auto tree = BuildGroupTree(group, ctx.node_uuid, run);
  for (const auto& spec : tree) {
    if (ctx.job_registry) PM_RETURN_IF_ERROR(ctx.job_registry->Validate(spec).WithContext(spec.type));
  }
  PM_RETURN_IF_ERROR(ctx.job_store.AddTree(tree));
  PM_RETURN_IF_ERROR(ctx.job_store.StartTree(tree.front().id));
  last_root = tree.front().id;
  return std::optional<std::string>(last_root);
}

// The checks' own parameter validation, before the first run, so a bad
// group is reported once at start rather than every period.
Status ValidateGroup(PacemakerContext& ctx, const config::HealthGroupConfig& group) {
  if (!ctx.job_registry) return Status::Ok();
  for (const auto& stage : ChecksByOrder(group)) {
    for (const auto& check : stage) {
      jobs::JobSpec spec{.type = check.plugin, .parameters = check.parameters};
      PM_RETURN_IF_ERROR(ctx.job_registry->Validate(spec).WithContext(check.plugin));
    }
  }
  return Status::Ok();
}

}  // namespace

HealthManager::HealthManager(PacemakerContext& ctx) : ctx_(ctx) {}

HealthManager::~HealthManager() { Stop(); }

void HealthManager::Start() {
  if (!ctx_.config.pacemaker.health_enabled) {
    PM_LOG_INFO("health checks disabled (pacemaker.health.enabled: false)");
    return;
  }
  auto now = Clock::now();
  for (auto& config : EffectiveHealthGroups(ctx_.config)) {
    Status valid = ValidateGroup(ctx_, config);
    if (!valid.ok()) {
      PM_LOG_ERROR("health group {}: not run: {}", config.name, valid.ToString());
      continue;
    }
    PM_LOG_INFO("health group {}: {} check(s) every {} s", config.name, config.checks.size(), config.period_seconds);
    Group group;
    group.config = std::move(config);
    group.next_run = now + group.period();
    groups_.push_back(std::move(group));
  }
  if (groups_.empty()) return;
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

void HealthManager::Loop() {
  // Nodes get one node_down_timeout to report in after a pacemaker start,
  // since their last_heard is as old as the pacemaker's outage.
  RunParameters run{.node_down_timeout = ctx_.config.pacemaker.node_down_timeout,
                    .not_before = NowSeconds() + ctx_.config.pacemaker.node_down_timeout};
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    auto next = groups_.front().next_run;
    for (const auto& group : groups_) next = std::min(next, group.next_run);
    if (cv_.wait_until(lock, next, [this] { return stopping_; })) break;
    lock.unlock();
    auto now = Clock::now();
    for (auto& group : groups_) {
      if (now < group.next_run) continue;
      auto started = RunGroup(ctx_, group.config, run, group.last_root);
      if (!started.ok()) PM_LOG_WARN("health group {}: {}", group.config.name, started.status().ToString());
      // From now, not from the due time: a late run does not cause a burst.
      group.next_run = now + group.period();
    }
    lock.lock();
  }
}

}  // namespace paasmaker::pacemaker::health
