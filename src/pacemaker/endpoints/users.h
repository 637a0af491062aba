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
PM_ENDPOINT(UsersContext, nlohmann::json, ShowUser);
PM_ENDPOINT(UsersContext, nlohmann::json, EditUser);       // {name, email, password, enabled}: any of them
PM_ENDPOINT(UsersContext, nlohmann::json, ResetUserKey);   // → {user, api_key}
PM_ENDPOINT(UsersContext, nlohmann::json, DeleteUser);     // not oneself
PM_ENDPOINT(UsersContext, nlohmann::json, ChangeOwnPassword);  // {old_password, new_password}
PM_ENDPOINT(UsersContext, nlohmann::json, ResetOwnKey);    // → {api_key}
PM_ENDPOINT(UsersContext, nlohmann::json, ListRoles);
PM_ENDPOINT(UsersContext, api::Reply, CreateRole);
PM_ENDPOINT(UsersContext, api::Reply, AllocateRole);
PM_ENDPOINT(UsersContext, nlohmann::json, ShowRole);
PM_ENDPOINT(UsersContext, nlohmann::json, EditRole);          // {name, permissions}: either
PM_ENDPOINT(UsersContext, nlohmann::json, DeleteRole);        // refused while allocated
PM_ENDPOINT(UsersContext, nlohmann::json, ListAllocations);
PM_ENDPOINT(UsersContext, nlohmann::json, Unallocate);

}  // namespace paasmaker::pacemaker::endpoints
