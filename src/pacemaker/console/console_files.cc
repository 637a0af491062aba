#include "pacemaker/console/console_files.h"

#include <filesystem>

#include "core/api_response.h"
#include "core/files.h"

namespace paasmaker::pacemaker::console {

namespace {

constexpr const char* kSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

std::string ContentTypeOf(const std::string& name) {
  auto ends = [&](const char* suffix) { return name.ends_with(suffix); };
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  if (ends(".woff2")) return "font/woff2";
  return "application/octet-stream";
}

void SetCommonHeaders(http::Response& res) {
  res.headers["Content-Security-Policy"] = kSecurityPolicy;
  res.headers["X-Content-Type-Options"] = "nosniff";
  res.headers["X-Frame-Options"] = "DENY";
  res.headers["Referrer-Policy"] = "same-origin";
}

void Serve(const std::string& path, const std::string& name, bool immutable, http::Response& res) {
  SetCommonHeaders(res);
  auto content = files::ReadFile(path);
  if (!content.ok()) {
    api::RespondError(res, NotFound("the web console is not built here (" + path +
                                    " is missing): build the project (scripts/install-deps installs its npm "
                                    "packages), or set pacemaker.console_dir"));
    return;
  }
  res.status = 200;
  res.body = std::move(*content);
  res.content_type = ContentTypeOf(name);
  res.headers["Cache-Control"] = immutable ? "public, max-age=31536000, immutable" : "no-cache";
}

}  // namespace

void InstallConsoleRoutes(http::Server& server, std::string directory) {
  if (directory.empty()) directory = PAASMAKER_CONSOLE_DIR;
  server.Route("GET", "/", [directory](const http::Request&, http::Response& res) {
    Serve(directory + "/index.html", "index.html", false, res);
  });
  // Only plain names: the pattern admits no '/' and no leading dot, so no
  // request reaches outside assets/.
  server.Route("GET", "/assets/([A-Za-z0-9_-][A-Za-z0-9._-]*)",
               [directory](const http::Request& req, http::Response& res) {
                 Serve(directory + "/assets/" + req.params[0], req.params[0], true, res);
               });
}

}  // namespace paasmaker::pacemaker::console
