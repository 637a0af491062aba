// Users, roles and role allocations.
#pragma once

#include "pacemaker/endpoints/endpoint.h"
#include "pacemaker/store/user_store.h"

namespace paasmaker::pacemaker::endpoints {

struct UsersContext {
  UserStore& users;
};

PM_ENDPOINT(UsersContext, nlohmann::json, ListUsers);
PM_ENDPOINT(UsersContext, api::Reply, CreateUser);
PM_ENDPOINT(UsersContext, nlohmann::json, ListRoles);
PM_ENDPOINT(UsersContext, api::Reply, CreateRole);
PM_ENDPOINT(UsersContext, api::Reply, AllocateRole);

}  // namespace paasmaker::pacemaker::endpoints
