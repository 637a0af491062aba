// GET /api/v1/information; the session calls: POST /api/v1/login and
// /api/v1/logout, GET /api/v1/me (who the caller is and what it may do, so a
// page shows only what the API would allow).
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
PM_ENDPOINT(InformationContext, api::Reply, Logout);
PM_ENDPOINT(InformationContext, nlohmann::json, Me);

}  // namespace paasmaker::pacemaker::endpoints
