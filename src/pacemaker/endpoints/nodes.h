// Node registration and reports (node token), node listings (users).
#pragma once

#include "model/redis_access.h"
#include "pacemaker/endpoints/endpoint.h"
#include "pacemaker/store/application_store.h"
#include "pacemaker/store/node_store.h"

namespace paasmaker::pacemaker::endpoints {

struct NodesContext {
  NodeStore& nodes;
  ApplicationStore& apps;                    // a heart's report updates its instances' states
  const model::RedisHandout& redis_handout;  // what registering nodes are told (secret)
};

PM_ENDPOINT(NodesContext, api::Reply, RegisterNode);
PM_ENDPOINT(NodesContext, nlohmann::json, NodeRedisAccess);
PM_ENDPOINT(NodesContext, nlohmann::json, ReportNode);
PM_ENDPOINT(NodesContext, nlohmann::json, ShutdownNode);
PM_ENDPOINT(NodesContext, nlohmann::json, ListNodes);
PM_ENDPOINT(NodesContext, nlohmann::json, ShowNode);

}  // namespace paasmaker::pacemaker::endpoints
