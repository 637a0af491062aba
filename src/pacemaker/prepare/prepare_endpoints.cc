#include "pacemaker/prepare/prepare_endpoints.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/api_response.h"
#include "core/log.h"
#include "pacemaker/prepare/prepare_jobs.h"
#include "pacemaker/prepare/scm.h"
#include "pacemaker/prepare/uploads.h"

namespace paasmaker::pacemaker::prepare {

using nlohmann::json;

namespace {

// An upload named by the deploy must be the caller's and complete.
Status CheckUpload(PrepareEndpointsContext& ctx, const json& parameters, const Principal& who) {
  if (!parameters.is_object() || !parameters.contains("upload_id") || !parameters["upload_id"].is_string()) {
    return Status::Ok();
  }
  std::string id = parameters["upload_id"].get<std::string>();
  PM_ASSIGN_OR_RETURN(auto upload, ctx.apps.FindUpload(id));
  if (!upload.has_value()) return NotFound("scm.parameters.upload_id: no upload " + id);
  if (upload->user_id != UploadOwner(who)) {
    return PermissionDenied("scm.parameters.upload_id: upload " + id + " belongs to another user");
  }
  if (!upload->complete()) {
    return FailedPrecondition("scm.parameters.upload_id: upload " + id + " is incomplete (" +
                              std::to_string(upload->received) + " of " + std::to_string(upload->size) + " bytes)");
  }
  return Status::Ok();
}

}  // namespace

PM_ENDPOINT(PrepareEndpointsContext, api::Reply, DeployApplication) {
  const std::string& workspace_id = req.params[0];
  if (ctx.node_uuid.Get().empty()) return Unavailable("pacemaker not registered yet; try again shortly");
  PM_ASSIGN_OR_RETURN(auto workspace, ctx.workspaces.Find(workspace_id));
  if (!workspace) return NotFound("no workspace " + workspace_id);
  if (!who.Allows("APPLICATION_DEPLOY", workspace_id)) {
    return PermissionDenied("permission APPLICATION_DEPLOY is required on this workspace");
  }
  PM_ASSIGN_OR_RETURN(json body, api::ParseJsonBody(req));
  if (!body.contains("scm")) return InvalidArgument("scm: required");
  const json& scm = body["scm"];
  PM_RETURN_IF_ERROR(ValidateScmSpec(scm));
  std::string manifest_path = api::OptionalString(body, "manifest_path", "manifest.yml");
  PM_RETURN_IF_ERROR(CheckUpload(ctx, scm.value("parameters", json::object()), who));

  PM_ASSIGN_OR_RETURN(auto tree, BuildPrepareTree(ctx.config, ctx.node_uuid, workspace_id, scm, manifest_path,
                                                  who.Allows("APPLICATION_CREATE", workspace_id)));
  const std::string root = tree.front().id;
  PM_RETURN_IF_ERROR(ctx.job_store.AddTree(tree));
  PM_RETURN_IF_ERROR(ctx.job_store.StartTree(root));
  PM_LOG_INFO("prepare tree {} started in workspace {} ({})", root, workspace_id, scm.value("plugin", ""));
  return api::Reply::Accepted({{"job_id", root}});
}

void DeployApplication(PrepareEndpointsContext& ctx, const http::Request& req, http::Response& res,
                       const Principal& who) {
  api::Respond(res, DeployApplication(ctx, req, who));
}

PM_ENDPOINT(PrepareEndpointsContext, api::Reply, ServePackage) {
  const std::string& version_id = req.params[0];
  PM_ASSIGN_OR_RETURN(auto version, ctx.apps.FindVersion(version_id));
  if (!version || version->package_path.empty()) return NotFound("no package for version " + version_id);
  std::string path = version->package_path;
  // Opened now, so a missing file is a 404 rather than a broken stream.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NotFound("no package for version " + version_id + " (file missing)");
  api::Reply reply;
  http::Response& res = reply.response;
  res.content_type = "application/gzip";
  res.headers["X-Paasmaker-Checksum"] = version->package_checksum;
  api::StreamFile(res, fd);
  return reply;
}

void ServePackage(PrepareEndpointsContext& ctx, const http::Request& req, http::Response& res, const Principal& who) {
  api::Respond(res, ServePackage(ctx, req, who));
}

}  // namespace paasmaker::pacemaker::prepare
