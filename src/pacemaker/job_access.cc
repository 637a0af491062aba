#include "pacemaker/job_access.h"

#include "core/http.h"

namespace paasmaker::pacemaker {

std::string WorkspaceOfTree(const jobs::TreeSnapshot& tree) {
  for (const auto& tag : tree.tags) {
    if (tag.rfind("workspace:", 0) == 0) return tag.substr(10);
  }
  return "";
}

Status CheckJobAccess(const Principal& who, const jobs::TreeSnapshot& tree, JobAction action) {
  std::string workspace = WorkspaceOfTree(tree);
  if (action == JobAction::kAbort) {
    if (who.Allows("JOB_ABORT", workspace)) return Status::Ok();
    return PermissionDenied("permission JOB_ABORT is required" +
                            (workspace.empty() ? std::string() : " on workspace " + workspace));
  }
  if (workspace.empty() ? who.Allows("SYSTEM_OVERVIEW") : who.Allows("WORKSPACE_VIEW", workspace)) {
    return Status::Ok();
  }
  return PermissionDenied(workspace.empty() ? "permission SYSTEM_OVERVIEW is required"
                                            : "permission WORKSPACE_VIEW is required on workspace " + workspace);
}

Result<LogPiece> FetchNodeLog(const NodeLogsContext& ctx, const std::string& node_uuid, const std::string& path,
                              uint64_t offset, const std::string& what) {
  PM_ASSIGN_OR_RETURN(auto node, ctx.nodes.Find(node_uuid));
  if (!node) return Unavailable("the node " + node_uuid + " of " + what + " is not known to the pacemaker");
  // Every node serves the scheme this one does (https is cluster-wide); the
  // client trusts the cluster's CA (the process default, https.ca_file).
  http::Client client(ctx.config.NodeUrl(node->route, node->api_port), std::chrono::seconds(5));
  PM_ASSIGN_OR_RETURN(auto response, client.Get(path + "?offset=" + std::to_string(offset),
                                                {{"Authorization", "Bearer " + ctx.node_token}}));
  LogPiece piece;
  piece.next_offset = offset;
  if (response.status == 404) return piece;
  if (response.status != 200) {
    return Unavailable("node " + node->name + " answered HTTP " + std::to_string(response.status) + " for the log of " +
                       what);
  }
  piece.text = std::move(response.body);
  auto next = response.headers.find("X-Log-Next-Offset");
  piece.next_offset = next != response.headers.end() ? std::strtoull(next->second.c_str(), nullptr, 10)
                                                     : offset + piece.text.size();
  return piece;
}

Result<LogPiece> FetchJobLog(const NodeLogsContext& ctx, const jobs::Job& job, uint64_t offset) {
  return FetchNodeLog(ctx, job.node, "/api/v1/node/jobs/" + job.id + "/log", offset, "job " + job.id);
}

api::Reply LogReply(LogPiece piece) {
  api::Reply reply;
  reply.response.content_type = "text/plain; charset=utf-8";
  reply.response.headers["X-Log-Next-Offset"] = std::to_string(piece.next_offset);
  reply.response.body = std::move(piece.text);
  return reply;
}

}  // namespace paasmaker::pacemaker
