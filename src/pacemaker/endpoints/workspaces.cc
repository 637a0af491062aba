// Workspaces: list (filtered by what the user may view), create, show, delete.
#include "core/api_response.h"
#include "core/log.h"
#include "pacemaker/endpoints/endpoints.h"

namespace paasmaker::pacemaker::endpoints {

using nlohmann::json;

void ListWorkspaces(PacemakerContext& ctx, const http::Request&, http::Response& res, const Principal& who) {
  auto all = ctx.workspaces.List();
  if (!all.ok()) return api::RespondError(res, all.status());
  json list = json::array();
  bool list_all = who.Allows("WORKSPACE_LIST");
  for (const auto& w : *all) {
    if (list_all || who.Allows("WORKSPACE_VIEW", w.id)) list.push_back(w.ToJson());
  }
  api::RespondData(res, {{"workspaces", list}});
}

void CreateWorkspace(PacemakerContext& ctx, const http::Request& req, http::Response& res, const Principal&) {
  auto body = api::ParseJsonBody(req);
  if (!body.ok()) return api::RespondError(res, body.status());
  auto name = api::RequiredString(*body, "name");
  if (!name.ok()) return api::RespondError(res, name.status());
  std::string stub = api::OptionalString(*body, "stub");
  if (stub.empty()) {
    // Derive a hostname-safe stub from the name.
    for (char c : *name) {
      if (std::isalnum(static_cast<unsigned char>(c))) stub += static_cast<char>(std::tolower(c));
      else if (!stub.empty() && stub.back() != '-') stub += '-';
    }
    while (!stub.empty() && stub.back() == '-') stub.pop_back();
  }
  json tags = body->contains("tags") ? (*body)["tags"] : json::object();
  auto created = ctx.workspaces.Create(*name, stub, tags);
  if (!created.ok()) return api::RespondError(res, created.status());
  PM_LOG_INFO("workspace {} ({}) created", created->name, created->id);
  api::RespondData(res, {{"workspace", created->ToJson()}}, 201);
}

void ShowWorkspace(PacemakerContext& ctx, const http::Request& req, http::Response& res, const Principal& who) {
  if (!who.Allows("WORKSPACE_VIEW", req.params[0]) && !who.Allows("WORKSPACE_LIST")) {
    return api::RespondError(res, PermissionDenied("permission WORKSPACE_VIEW is required on this workspace"));
  }
  auto found = ctx.workspaces.Find(req.params[0]);
  if (!found.ok()) return api::RespondError(res, found.status());
  if (!found->has_value()) return api::RespondError(res, NotFound("no workspace " + req.params[0]));
  api::RespondData(res, {{"workspace", (*found)->ToJson()}});
}

void DeleteWorkspace(PacemakerContext& ctx, const http::Request& req, http::Response& res, const Principal&) {
  Status status = ctx.workspaces.Delete(req.params[0]);
  if (!status.ok()) return api::RespondError(res, status);
  PM_LOG_INFO("workspace {} deleted", req.params[0]);
  api::RespondData(res, {{"deleted", req.params[0]}});
}

}  // namespace paasmaker::pacemaker::endpoints
