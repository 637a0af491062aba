// RestartPolicy: when a crashed instance is started again (SPEC §5.5).
//
// After an unexpected exit of a RUNNING instance, restart number n (0-based,
// counted since the instance last stayed up for kStableRunTime):
//   n <  immediate_restarts                   at once
//   n <  immediate_restarts + kMaxBackoffRestarts
//                                             after backoff_initial * 2^(n - immediate),
//                                             at most backoff_max
//   otherwise                                 give up: the instance is ERROR
// A restart whose process does not become ready counts like a crash.
// With the defaults (3, 5 s, 300 s): 3 immediate restarts, then after 5, 10,
// 20, 40 and 80 s; the 9th crash in a row leaves the instance in ERROR.
//
// Pure; thread safe.
#pragma once

#include <chrono>
#include <optional>

#include "config/node_config.h"

namespace paasmaker::heart {

// Fixed limits, deliberately not configuration (see heart.h).
inline constexpr int kMaxBackoffRestarts = 5;
inline constexpr std::chrono::seconds kStableRunTime{60};

// The delay before restart number `consecutive` (0-based), or nullopt when
// the policy gives up.
std::optional<std::chrono::milliseconds> RestartDelay(const config::RestartPolicy& policy, int consecutive);

}  // namespace paasmaker::heart
