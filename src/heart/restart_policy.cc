#include "heart/restart_policy.h"

#include <algorithm>
#include <cmath>

namespace paasmaker::heart {

std::optional<std::chrono::milliseconds> RestartDelay(const config::RestartPolicy& policy, int consecutive) {
  int immediate = std::max(0, policy.immediate_restarts);
  if (consecutive < immediate) return std::chrono::milliseconds(0);
  int step = consecutive - immediate;
  if (step >= kMaxBackoffRestarts) return std::nullopt;
  double seconds = std::min(policy.backoff_max_seconds, policy.backoff_initial_seconds * std::pow(2.0, step));
  return std::chrono::milliseconds(static_cast<int64_t>(std::max(0.0, seconds) * 1000));
}

}  // namespace paasmaker::heart
