#include "pacemaker/health/health_manager.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <optional>
#include <string>

#include "core/ids.h"
#include "core/log.h"
#include "pacemaker/health/health_decisions.h"
#include "pacemaker/health/health_group_tree.h"
#include "pacemaker/store/schema.h"

namespace paasmaker::pacemaker::health {

using Clock = std::chrono::steady_clock;

constexpr double kPastDeadlineSeconds = 0.02;
constexpr auto kEarlyRetry = std::chrono::milliseconds(200);

struct HealthManager::Group {
  config::HealthGroupConfig config;
  Clock::time_point next_run;
  std::string last_root;  // the tree of its previous run
  // With a downnodes check: its timeout, and the unix time up to which node
  // silences are covered (the start of its last run), so a node's deadline
  // brings a run forward once only.
  std::optional<double> down_timeout;
  double covered_until = 0;
  Clock::time_point retry_after;  // an early run skipped (overlap) waits this long
  // Its runs not yet looked at for deletion, oldest first.
  std::deque<std::pair<std::string, Clock::time_point>> recent_runs;

  Clock::duration period() const {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(config.period_seconds));
  }
};

namespace {

// Starts one run of `group` unless its previous tree is unfinished: the
// root id, or nullopt when skipped.
Result<std::optional<std::string>> RunGroup(const HealthManagerContext& ctx, const config::HealthGroupConfig& group,
                                            const RunParameters& run, std::string& last_root) {
  const std::string self = ctx.node_uuid.Get();
  if (self.empty()) return std::optional<std::string>();
  if (!last_root.empty()) {
    auto last = ctx.job_store.Get(last_root);
    // NotFound: archived, so finished long ago.
    if (last.ok() && !jobs::IsFinished(last->state)) return std::optional<std::string>();
    if (!last.ok() && last.status().code() != StatusCode::kNotFound) return last.status();
  }
  auto tree = BuildGroupTree(group, self, run);
  for (const auto& spec : tree) {
    PM_RETURN_IF_ERROR(ctx.job_registry.Validate(spec).WithContext(spec.type));
  }
  PM_RETURN_IF_ERROR(ctx.job_store.AddTree(tree));
  PM_RETURN_IF_ERROR(ctx.job_store.StartTree(tree.front().id));
  last_root = tree.front().id;
  return std::optional<std::string>(last_root);
}

// Deletes `root_id`'s tree if it is a quiet run (see the header). Runs that
// acted, failed or are still unfinished stay for the normal archive/purge.
Status DeleteIfQuiet(const HealthManagerContext& ctx, const std::string& root_id) {
  auto tree = ctx.job_store.ReadTree(root_id);
  if (!tree.ok() && tree.status().code() == StatusCode::kNotFound) tree = ctx.job_archive.Load(root_id);
  if (!tree.ok()) return tree.status().code() == StatusCode::kNotFound ? Status::Ok() : tree.status();
  if (!IsQuietRun(*tree)) return Status::Ok();
  return ctx.job_archive.Delete(root_id);
}

void ForgetQuietRuns(const HealthManagerContext& ctx, const std::string& group,
                     std::deque<std::pair<std::string, Clock::time_point>>& runs, Clock::time_point now) {
  const auto max_age = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(ctx.config.pacemaker.health_quiet_run_max_age));
  while (!runs.empty() && now - runs.front().second >= max_age) {
    Status deleted = DeleteIfQuiet(ctx, runs.front().first);
    if (!deleted.ok()) PM_LOG_WARN("health group {}: deleting run {}: {}", group, runs.front().first, deleted.ToString());
    runs.pop_front();
  }
}

// The checks' own parameter validation, before the first run, so a bad
// group is reported once at start rather than every period.
Status ValidateGroup(const HealthManagerContext& ctx, const config::HealthGroupConfig& group) {
  for (const auto& stage : ChecksByOrder(group)) {
    for (const auto& check : stage) {
      jobs::JobSpec spec{.type = check.plugin, .parameters = check.parameters};
      PM_RETURN_IF_ERROR(ctx.job_registry.Validate(spec).WithContext(check.plugin));
    }
  }
  return Status::Ok();
}

// When a group with downnodes should run early: just after the first
// watched node's silence reaches the timeout, if that is after its last run
// started (the periodic run covers the rest). Nodes report every few
// seconds while the period is 2 s, so waiting for the next period would add
// up to a period to every detection.
std::optional<Clock::time_point> EarlyRun(const std::optional<double>& down_timeout, double covered_until,
                                          Clock::time_point retry_after, const std::vector<model::Node>& nodes,
                                          const std::string& self, const RunParameters& run) {
  if (!down_timeout) return std::nullopt;
  auto deadline = NextSilenceDeadline(nodes, *down_timeout, self);
  if (!deadline || *deadline < covered_until) return std::nullopt;
  // Past the deadline, since exactly at it the node is not yet silent.
  double at = std::max(*deadline, run.not_before) + kPastDeadlineSeconds;
  auto steady = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(at - NowSeconds()));
  return std::max(steady, retry_after);
}

}  // namespace

HealthManager::HealthManager(HealthManagerContext ctx) : ctx_(ctx) {}

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
    group.down_timeout = DownNodesTimeout(group.config, RunParameters{.node_down_timeout =
                                                                          ctx_.config.pacemaker.node_down_timeout});
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
    lock.unlock();
    std::vector<model::Node> nodes;
    if (std::any_of(groups_.begin(), groups_.end(), [](const Group& g) { return g.down_timeout.has_value(); })) {
      auto listed = ctx_.nodes.List();
      if (listed.ok()) nodes = std::move(*listed);  // else periodic runs only, until the store answers
    }
    std::vector<Clock::time_point> due;
    for (const auto& group : groups_) {
      auto early = EarlyRun(group.down_timeout, group.covered_until, group.retry_after, nodes, ctx_.node_uuid.Get(), run);
      due.push_back(early ? std::min(*early, group.next_run) : group.next_run);
    }
    lock.lock();
    if (cv_.wait_until(lock, *std::min_element(due.begin(), due.end()), [this] { return stopping_; })) break;
    lock.unlock();
    auto now = Clock::now();
    for (size_t i = 0; i < groups_.size(); ++i) {
      Group& group = groups_[i];
      if (now < due[i]) continue;
      double started_at = NowSeconds();
      auto started = RunGroup(ctx_, group.config, run, group.last_root);
      if (!started.ok()) PM_LOG_WARN("health group {}: {}", group.config.name, started.status().ToString());
      if (started.ok() && started->has_value()) {
        group.covered_until = started_at;
        group.recent_runs.emplace_back(**started, now);
        // From now, not from the due time: a late run does not cause a burst.
        group.next_run = now + group.period();
      } else {
        group.retry_after = now + kEarlyRetry;
        if (now >= group.next_run) group.next_run = now + group.period();
      }
      ForgetQuietRuns(ctx_, group.config.name, group.recent_runs, now);
    }
    lock.lock();
  }
}

}  // namespace paasmaker::pacemaker::health
