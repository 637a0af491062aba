// Workspaces: list (filtered by what the user may view), create, show, edit,
// delete (refused while the workspace holds applications).
#include "pacemaker/endpoints/workspaces.h"

#include "core/api_response.h"
#include "core/log.h"

namespace paasmaker::pacemaker::endpoints {

using nlohmann::json;

PM_ENDPOINT(WorkspacesContext, json, ListWorkspaces) {
  PM_ASSIGN_OR_RETURN(auto all, ctx.workspaces.List());
  json list = json::array();
  bool list_all = who.Allows("WORKSPACE_LIST");
  for (const auto& w : all) {
    if (list_all || who.Allows("WORKSPACE_VIEW", w.id)) list.push_back(w.ToJson());
  }
  return json{{"workspaces", list}};
}

PM_ENDPOINT(WorkspacesContext, api::Reply, CreateWorkspace) {
  PM_ASSIGN_OR_RETURN(json body, api::ParseJsonBody(req));
  PM_ASSIGN_OR_RETURN(std::string name, api::RequiredString(body, "name"));
  std::string stub = api::OptionalString(body, "stub");
  if (stub.empty()) {
    // Derive a hostname-safe stub from the name.
    for (char c : name) {
      if (std::isalnum(static_cast<unsigned char>(c))) stub += static_cast<char>(std::tolower(c));
      else if (!stub.empty() && stub.back() != '-') stub += '-';
    }
    while (!stub.empty() && stub.back() == '-') stub.pop_back();
  }
  json tags = body.contains("tags") ? body["tags"] : json::object();
  PM_ASSIGN_OR_RETURN(auto created, ctx.workspaces.Create(name, stub, tags));
  PM_LOG_INFO("workspace {} ({}) created", created.name, created.id);
  return api::Reply::Created({{"workspace", created.ToJson()}});
}

PM_ENDPOINT(WorkspacesContext, json, ShowWorkspace) {
  if (!who.Allows("WORKSPACE_VIEW", req.params[0]) && !who.Allows("WORKSPACE_LIST")) {
    return PermissionDenied("permission WORKSPACE_VIEW is required on this workspace");
  }
  PM_ASSIGN_OR_RETURN(auto found, ctx.workspaces.Find(req.params[0]));
  if (!found) return NotFound("no workspace " + req.params[0]);
  return json{{"workspace", found->ToJson()}};
}

PM_ENDPOINT(WorkspacesContext, json, EditWorkspace) {
  PM_ASSIGN_OR_RETURN(json body, api::ParseJsonBody(req));
  if (!body.is_object()) return InvalidArgument("the body must be a JSON object");
  std::optional<std::string> name;
  std::optional<json> tags;
  if (body.contains("name")) {
    if (!body["name"].is_string()) return InvalidArgument("name: must be a string");
    name = body["name"].get<std::string>();
  }
  if (body.contains("tags")) tags = body["tags"];
  if (!name && !tags) return InvalidArgument("nothing to change: give name or tags");
  PM_ASSIGN_OR_RETURN(auto updated, ctx.workspaces.Update(req.params[0], name, tags));
  PM_LOG_INFO("workspace {} ({}) edited", updated.name, updated.id);
  return json{{"workspace", updated.ToJson()}};
}

PM_ENDPOINT(WorkspacesContext, json, DeleteWorkspace) {
  PM_RETURN_IF_ERROR(ctx.workspaces.Delete(req.params[0]));
  PM_LOG_INFO("workspace {} deleted", req.params[0]);
  return json{{"deleted", req.params[0]}};
}

}  // namespace paasmaker::pacemaker::endpoints
