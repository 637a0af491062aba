#include "pacemaker/metrics/pacemaker_metrics.h"

#include <nlohmann/json.hpp>

#include "core/log.h"
#include "model/instance_state.h"
#include "model/node.h"

namespace paasmaker::pacemaker {

std::string RouteLabel(const std::string& pattern) {
  std::string label;
  int depth = 0;
  for (char c : pattern) {
    if (c == '(') {
      if (depth++ == 0) label += "{}";
    } else if (c == ')') {
      --depth;
    } else if (depth == 0) {
      label += c;
    }
  }
  return label;
}

PacemakerMetrics::PacemakerMetrics(metrics::Registry& registry, NodeStore& nodes, ApplicationStore& apps,
                                   jobs::JobStore& job_store, redis::Client& jobs_redis)
    : nodes_(nodes),
      apps_(apps),
      job_store_(job_store),
      jobs_redis_(jobs_redis),
      api_requests_(registry.AddCounter("paasmaker_api_requests_total", "API requests answered, by route and status")),
      api_duration_(registry.AddHistogram("paasmaker_api_request_duration_seconds",
                                          "Time to answer an API request (a stream: until it starts)",
                                          metrics::LatencyBuckets())),
      trees_finished_(registry.AddCounter("paasmaker_job_trees_finished_total",
                                          "Job trees that ended, by the root's type and final state")),
      tree_duration_(registry.AddHistogram("paasmaker_job_tree_duration_seconds",
                                           "Job trees from creation to the end of the root, by the root's type",
                                           metrics::DurationBuckets())),
      health_actions_(registry.AddCounter("paasmaker_health_actions_total",
                                          "Health checks that took corrective action, by check")) {
  collection_ = registry.AddCollector([this](metrics::Snapshot& snapshot) { Collect(snapshot); });
  subscriber_ = std::make_unique<redis::Subscriber>(
      jobs_redis.endpoint(), std::vector<std::string>{jobs::kJobStatusChannel},
      [this](const std::string&, const std::string& message) { OnJobStatus(message); });
}

PacemakerMetrics::~PacemakerMetrics() {
  subscriber_.reset();
  collection_.Reset();
}

void PacemakerMetrics::ObserveApiRequest(const std::string& route, const std::string& method, int status,
                                         double seconds) {
  api_requests_.Increment({{"route", route}, {"method", method}, {"status", std::to_string(status)}});
  api_duration_.Observe({{"route", route}, {"method", method}}, seconds);
}

void PacemakerMetrics::OnJobStatus(const std::string& message) {
  auto change = nlohmann::json::parse(message, nullptr, false);
  if (!change.is_object()) return;
  auto state = jobs::ParseJobState(change.value("state", ""));
  if (!state.ok() || !jobs::IsFinished(*state)) return;
  std::string job_id = change.value("job_id", "");
  bool root = job_id == change.value("root_id", "");
  bool acted = !change.value("summary", "").empty();
  // Most finished jobs are neither: only roots and acting checks are read.
  if (!root && !acted) return;
  auto job = job_store_.Get(job_id);
  if (!job.ok()) return;
  if (acted && job->type.rfind("paasmaker.health.", 0) == 0 && *state == jobs::JobState::kSuccess) {
    health_actions_.Increment({{"check", job->type}});
  }
  if (!root) return;
  trees_finished_.Increment({{"type", job->type}, {"state", std::string(jobs::JobStateName(*state))}});
  if (job->finished >= job->created && job->created > 0) {
    tree_duration_.Observe({{"type", job->type}}, job->finished - job->created);
  }
}

void PacemakerMetrics::Collect(metrics::Snapshot& snapshot) {
  // Every known state is written, 0 included, so a series never vanishes.
  if (auto nodes = nodes_.CountByState(); nodes.ok()) {
    for (const char* state : {model::kNodeActive, model::kNodeDown, model::kNodeStopped}) (*nodes)[state] += 0;
    for (const auto& [state, n] : *nodes) {
      snapshot.Gauge("paasmaker_nodes", "Nodes the pacemaker knows, by state", {{"state", state}}, n);
    }
  } else {
    PM_LOG_WARN("metrics: counting nodes: {}", nodes.status().ToString());
  }
  if (auto instances = apps_.CountInstancesByState(); instances.ok()) {
    for (const char* state : {model::kInstanceAllocated, model::kInstanceRegistered, model::kInstanceStarting,
                              model::kInstanceRunning, model::kInstanceSuspended, model::kInstanceStopped,
                              model::kInstanceError, model::kInstanceDown}) {
      (*instances)[state] += 0;
    }
    for (const auto& [state, n] : *instances) {
      snapshot.Gauge("paasmaker_instances", "Instances of every application, by state", {{"state", state}}, n);
    }
  } else {
    PM_LOG_WARN("metrics: counting instances: {}", instances.status().ToString());
  }
  auto counts = jobs_redis_.Pipeline({{"ZCARD", "jobs:roots"}, {"ZCARD", "jobs:finished"}});
  if (counts.ok() && counts->size() == 2) {
    snapshot.Gauge("paasmaker_job_trees_unfinished", "Job trees whose root has not finished", {},
                   static_cast<double>(std::max<int64_t>(0, (*counts)[0].integer - (*counts)[1].integer)));
  }
}

}  // namespace paasmaker::pacemaker
