// RedisAccess: where a node finds the cluster's Redis stores and the ACL user
// it connects to each as (SPEC §3). The pacemaker hands it out in its answer
// to a registration, for the registering node's roles only: a router gets the
// table (to replicate), the stats store (to count traffic into) and the jobs
// store; a heart gets the jobs store alone. The node keeps the last answer
// (0600) so it runs on while the pacemaker is away.
//
// Parsed once here; a malformed document is InvalidArgument naming the field.
// Values; no I/O. ToJson() carries passwords: never log it.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/redis_client.h"
#include "core/result.h"

namespace paasmaker::model {

struct RedisAccess {
  std::optional<redis::Endpoint> table;
  std::optional<redis::Endpoint> stats;
  std::optional<redis::Endpoint> jobs;

  nlohmann::json ToJson() const;
  static Result<RedisAccess> FromJson(const nlohmann::json& j);
};

// What a pacemaker hands out to registering nodes, by role.
struct RedisHandout {
  RedisAccess router;  // table, stats and jobs, as the router user
  RedisAccess heart;   // jobs, as the heart user
  // A router's access when `roles` has "router" (it covers a heart's needs
  // too), else a heart's when it has "heart"; else nothing.
  RedisAccess For(const std::vector<std::string>& roles) const;
};

}  // namespace paasmaker::model
