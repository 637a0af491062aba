#include "cli/resolve.h"

#include <cctype>
#include <vector>

#include "cli/output.h"

namespace paasmaker::cli {

namespace {

using nlohmann::json;

bool EqualsIgnoringCase(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::string Names(const json& workspaces) {
  std::string names;
  for (const json& w : workspaces) {
    if (!names.empty()) names += ", ";
    names += Text(w, "name", "?") + " (" + Text(w, "stub", "?") + ", id " + IdOf(w, "workspace") + ")";
  }
  return names;
}

std::string AppsPath(const std::string& workspace_id) {
  return "/api/v1/workspaces/" + http::UrlEncode(workspace_id) + "/applications";
}

}  // namespace

std::string IdOf(const json& object, const std::string& kind) {
  std::string id = Text(object, kind + "_id");
  return id.empty() ? Text(object, "id") : id;
}

Result<json> PickWorkspace(const json& workspaces, const std::string& wanted) {
  if (!workspaces.is_array() || workspaces.empty()) {
    return NotFound("you can see no workspace; create one with `paasmaker workspace create NAME` "
                    "or ask for access");
  }
  if (wanted.empty()) {
    if (workspaces.size() == 1) return workspaces[0];
    for (const json& w : workspaces) {
      if (EqualsIgnoringCase(Text(w, "name"), "Default") || Text(w, "stub") == "default") return w;
    }
    return workspaces[0];
  }
  // Ids first: a workspace named like another's id must not hide it.
  for (const char* key : {"id", "workspace_id", "stub", "name"}) {
    for (const json& w : workspaces) {
      if (Text(w, key) == wanted) return w;
    }
  }
  for (const json& w : workspaces) {
    if (EqualsIgnoringCase(Text(w, "name"), wanted)) return w;
  }
  return NotFound("no workspace '" + wanted + "'; there are: " + Names(workspaces));
}

json PickApplication(const json& applications, const std::string& wanted) {
  if (!applications.is_array()) return nullptr;
  for (const json& a : applications) {
    if (IdOf(a, "application") == wanted) return a;
  }
  for (const json& a : applications) {
    if (Text(a, "name") == wanted) return a;
  }
  return nullptr;
}

Result<VersionRef> ParseVersionRef(const std::string& text) {
  if (text.empty()) return InvalidArgument("a version is needed: its id or APP:NUMBER");
  VersionRef ref;
  auto colon = text.rfind(':');
  if (colon == std::string::npos) {
    ref.version_id = text;
    return ref;
  }
  std::string app = text.substr(0, colon), number = text.substr(colon + 1);
  bool digits = !number.empty() && number.size() < 10;
  for (char c : number) digits = digits && std::isdigit(static_cast<unsigned char>(c));
  if (app.empty() || !digits || std::stoll(number) < 1) {
    return InvalidArgument("a version is its id or APP:NUMBER (such as hello:3), got '" + text + "'");
  }
  ref.application = app;
  ref.number = std::stoll(number);
  return ref;
}

bool LooksLikeUuid(const std::string& text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

Result<json> ResolveWorkspace(ApiClient& api, const std::string& wanted) {
  PM_ASSIGN_OR_RETURN(json data, api.Get("/api/v1/workspaces"));
  return PickWorkspace(Child(data, "workspaces"), wanted);
}

Result<std::string> ResolveApplicationId(ApiClient& api, const std::string& wanted,
                                         const std::string& workspace) {
  if (wanted.empty()) return InvalidArgument("an application is needed: its id or name");
  if (LooksLikeUuid(wanted)) return wanted;

  std::vector<json> workspaces;
  if (!workspace.empty()) {
    PM_ASSIGN_OR_RETURN(json w, ResolveWorkspace(api, workspace));
    workspaces.push_back(w);
  } else {
    PM_ASSIGN_OR_RETURN(json data, api.Get("/api/v1/workspaces"));
    for (const json& w : Child(data, "workspaces")) workspaces.push_back(w);
  }
  std::vector<std::pair<std::string, std::string>> found;  // (app id, workspace name)
  for (const json& w : workspaces) {
    auto apps = api.Get(AppsPath(IdOf(w, "workspace")));
    // A workspace the user may list but not look into is not an error here.
    if (!apps.ok() && apps.status().code() == StatusCode::kPermissionDenied) continue;
    if (!apps.ok()) return apps.status();
    json app = PickApplication(Child(*apps, "applications"), wanted);
    if (!app.is_null()) found.emplace_back(IdOf(app, "application"), Text(w, "name"));
  }
  if (found.size() == 1) return found[0].first;
  if (found.size() > 1) {
    std::string where;
    for (const auto& [id, ws] : found) where += (where.empty() ? "" : ", ") + ws;
    return InvalidArgument("there are applications named '" + wanted + "' in several workspaces (" + where +
                           "); pass --workspace or the application id");
  }
  // Not a name: perhaps an id in another shape; let the server say.
  auto direct = api.Get("/api/v1/applications/" + http::UrlEncode(wanted));
  if (direct.ok()) return wanted;
  return NotFound("no application '" + wanted + "'" +
                  (workspace.empty() ? std::string(" in any workspace you can see")
                                     : " in workspace " + workspace));
}

Result<std::string> ResolveNamedId(ApiClient& api, const NamedList& list, const std::string& wanted) {
  PM_ASSIGN_OR_RETURN(json data, api.Get(list.path));
  std::string names;
  for (const json& item : Child(data, list.key)) {
    if (Text(item, "id") == wanted || Text(item, list.name_key) == wanted) return Text(item, "id");
    names += (names.empty() ? "" : ", ") + Text(item, list.name_key);
  }
  return NotFound(std::string("no ") + list.kind + " " + wanted + " (" + list.key + ": " + names + ")");
}

Result<std::string> ResolveVersionId(ApiClient& api, const std::string& wanted,
                                     const std::string& workspace) {
  PM_ASSIGN_OR_RETURN(VersionRef ref, ParseVersionRef(wanted));
  if (!ref.version_id.empty()) return ref.version_id;
  PM_ASSIGN_OR_RETURN(std::string app_id, ResolveApplicationId(api, ref.application, workspace));
  PM_ASSIGN_OR_RETURN(json data, api.Get("/api/v1/applications/" + http::UrlEncode(app_id) + "/versions"));
  for (const json& v : Child(data, "versions")) {
    if (static_cast<int64_t>(Number(v, "number", -1)) == ref.number) return IdOf(v, "version");
  }
  return NotFound("application " + ref.application + " has no version " + std::to_string(ref.number));
}

}  // namespace paasmaker::cli
