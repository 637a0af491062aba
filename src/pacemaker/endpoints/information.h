// GET /api/v1/information, POST /api/v1/login.
#pragma once

#include "config/node_config.h"
#include "pacemaker/endpoints/endpoint.h"
#include "pacemaker/node_uuid.h"
#include "pacemaker/store/user_store.h"

namespace paasmaker::pacemaker::endpoints {

struct InformationContext {
  const config::NodeConfig& config;  // name, roles, cluster hostname
  const NodeUuid& node_uuid;
  UserStore& users;  // login: password check and sessions
};

PM_ENDPOINT(InformationContext, nlohmann::json, Information);
PM_ENDPOINT(InformationContext, api::Reply, Login);

}  // namespace paasmaker::pacemaker::endpoints
