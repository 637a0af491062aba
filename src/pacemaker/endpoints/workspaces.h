// Workspaces: list (filtered by what the user may view), create, show, delete.
#pragma once

#include "pacemaker/endpoints/endpoint.h"
#include "pacemaker/store/workspace_store.h"

namespace paasmaker::pacemaker::endpoints {

struct WorkspacesContext {
  WorkspaceStore& workspaces;
};

PM_ENDPOINT(WorkspacesContext, nlohmann::json, ListWorkspaces);
PM_ENDPOINT(WorkspacesContext, api::Reply, CreateWorkspace);
PM_ENDPOINT(WorkspacesContext, nlohmann::json, ShowWorkspace);
PM_ENDPOINT(WorkspacesContext, nlohmann::json, DeleteWorkspace);
PM_ENDPOINT(WorkspacesContext, nlohmann::json, EditWorkspace);  // {name, tags}: either

}  // namespace paasmaker::pacemaker::endpoints
