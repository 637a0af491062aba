#include "pacemaker/services/service_endpoints.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/files.h"
#include "core/ids.h"
#include "pacemaker/prepare/uploads.h"

namespace paasmaker::pacemaker::services {

namespace {

using nlohmann::json;

// What a listing says of a service: never its secrets, and whether its
// data can move.
json Summary(const Service& service, bool with_credentials) {
  json out = service.ToJson(with_credentials);
  const ServicePlugin* plugin = FindServicePlugin(service.plugin);
  const std::string format = plugin != nullptr ? plugin->DumpFormat() : "";
  out["dump_format"] = format.empty() ? json() : json(format);
  return out;
}

// The application params[0] names, once `who` may do `permission` in its workspace.
Result<Application> AccessibleApplication(ServiceEndpointsContext& ctx, const http::Request& req,
                                          const Principal& who, const char* permission) {
  PM_ASSIGN_OR_RETURN(auto app, ctx.apps.FindApplication(req.params[0]));
  if (!app) return NotFound("no application " + req.params[0]);
  PM_RETURN_IF_ERROR(who.Require(permission, app->workspace_id));
  return *app;
}

// The service params[1] names, and the plugin that can move its data.
struct Movable {
  Service service;
  const ServicePlugin* plugin = nullptr;
};
Result<Movable> NamedService(ServiceEndpointsContext& ctx, const http::Request& req, const Principal& who,
                             const char* permission) {
  PM_ASSIGN_OR_RETURN(Application app, AccessibleApplication(ctx, req, who, permission));
  PM_ASSIGN_OR_RETURN(auto service, ctx.apps.FindService(app.id, req.params[1]));
  if (!service) return NotFound("application " + app.name + " has no service " + req.params[1]);
  Movable found{*service, FindServicePlugin(service->plugin)};
  if (found.plugin == nullptr) {
    return FailedPrecondition("service " + service->name + ": its plugin " + service->plugin +
                              " is not known to this pacemaker");
  }
  if (found.plugin->DumpFormat().empty()) {
    return FailedPrecondition("service " + service->name + ": " + service->plugin +
                              " has no data to export or import");
  }
  return found;
}

}  // namespace

PM_ENDPOINT(ServiceEndpointsContext, json, ListServices) {
  PM_ASSIGN_OR_RETURN(Application app, AccessibleApplication(ctx, req, who, "SERVICE_VIEW"));
  PM_ASSIGN_OR_RETURN(auto services, ctx.apps.ListServices(app.id));
  json list = json::array();
  for (const auto& service : services) list.push_back(Summary(service, false));
  return json{{"application_id", app.id}, {"services", list}};
}

PM_ENDPOINT(ServiceEndpointsContext, json, ShowService) {
  PM_ASSIGN_OR_RETURN(Application app, AccessibleApplication(ctx, req, who, "SERVICE_VIEW"));
  const bool credentials = req.Query("credentials") == "true";
  if (credentials) PM_RETURN_IF_ERROR(who.Require("SERVICE_CREDENTIAL_VIEW", app.workspace_id));
  PM_ASSIGN_OR_RETURN(auto service, ctx.apps.FindService(app.id, req.params[1]));
  if (!service) return NotFound("application " + app.name + " has no service " + req.params[1]);
  return json{{"service", Summary(*service, credentials)}};
}

PM_ENDPOINT(ServiceEndpointsContext, api::Reply, ExportService) {
  PM_ASSIGN_OR_RETURN(Movable target, NamedService(ctx, req, who, "SERVICE_EXPORT"));
  const std::string dir = ctx.config.DataDir() + "/services/dumps";
  PM_RETURN_IF_ERROR(files::MakeDirectories(dir, 0700));  // dumps hold the application's data
  const std::string path = dir + "/" + ids::NewUuid() + "." + target.plugin->DumpFormat();
  Status exported = target.plugin->Export(target.service, ctx.services, path);
  int fd = exported.ok() ? ::open(path.c_str(), O_RDONLY | O_CLOEXEC) : -1;
  ::unlink(path.c_str());  // the open descriptor keeps the bytes until the stream ends
  PM_RETURN_IF_ERROR(exported.WithContext("service " + target.service.name + ": export"));
  if (fd < 0) return IoError("service " + target.service.name + ": the export wrote no dump");
  api::Reply reply;
  http::Response& res = reply.response;
  res.content_type = "application/octet-stream";
  res.headers["Content-Disposition"] =
      "attachment; filename=\"" + target.service.name + "." + target.plugin->DumpFormat() + "\"";
  api::StreamFile(res, fd);
  return reply;
}

PM_ENDPOINT(ServiceEndpointsContext, json, ImportService) {
  PM_ASSIGN_OR_RETURN(Movable target, NamedService(ctx, req, who, "SERVICE_IMPORT"));
  PM_ASSIGN_OR_RETURN(json body, api::ParseJsonBody(req));
  PM_ASSIGN_OR_RETURN(std::string upload_id, api::RequiredString(body, "upload_id"));
  PM_ASSIGN_OR_RETURN(auto upload, ctx.apps.FindUpload(upload_id));
  if (!upload) return NotFound("upload_id: no upload " + upload_id);
  if (upload->user_id != prepare::UploadOwner(who)) {
    return PermissionDenied("upload_id: upload " + upload_id + " belongs to another user");
  }
  if (!upload->complete()) {
    return FailedPrecondition("upload_id: upload " + upload_id + " is incomplete (" + std::to_string(upload->received) +
                              " of " + std::to_string(upload->size) + " bytes)");
  }
  PM_RETURN_IF_ERROR(target.plugin->Import(target.service, ctx.services, upload->path)
                         .WithContext("service " + target.service.name + ": import (its data is unchanged)"));
  return json{{"service", Summary(target.service, false)}, {"imported_bytes", upload->size}};
}

}  // namespace paasmaker::pacemaker::services
