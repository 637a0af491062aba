#include "cli/api_client.h"

#include <unistd.h>

#include <utility>

namespace paasmaker::cli {

namespace {

using nlohmann::json;

// The server's messages from an error envelope, joined; "" when the body is
// not an envelope (a proxy's HTML page, an empty body).
std::string EnvelopeErrors(const std::string& body) {
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return "";
  auto it = parsed.find("errors");
  if (it == parsed.end() || !it->is_array()) return "";
  std::string joined;
  for (const auto& error : *it) {
    if (!joined.empty()) joined += "; ";
    joined += error.is_string() ? error.get<std::string>() : error.dump();
  }
  return joined;
}

}  // namespace

Result<ApiSettings> ResolveApiSettings(const std::optional<std::string>& remote_flag,
                                       const std::optional<std::string>& key_flag,
                                       const EnvReader& env,
                                       const std::optional<std::string>& ca_file_flag) {
  ApiSettings settings;
  auto from_env = [&](const char* name) -> std::optional<std::string> {
    auto value = env ? env(name) : std::nullopt;
    if (value && value->empty()) return std::nullopt;
    return value;
  };
  if (remote_flag && !remote_flag->empty()) settings.remote = *remote_flag;
  else settings.remote = from_env(kRemoteEnv).value_or(kDefaultRemote);
  if (settings.remote.find("://") == std::string::npos) {
    return InvalidArgument("the remote must be a URL such as " + std::string(kDefaultRemote) +
                           ", got '" + settings.remote + "'");
  }

  if (ca_file_flag && !ca_file_flag->empty()) settings.ca_file = *ca_file_flag;
  else settings.ca_file = from_env(kCaFileEnv).value_or("");
  if (!settings.ca_file.empty()) {
    if (settings.remote.rfind("https://", 0) != 0) {
      return InvalidArgument("a CA file is given (--ca-file or " + std::string(kCaFileEnv) + ") but the remote '" +
                             settings.remote + "' is not https://; use the https:// URL of the pacemaker");
    }
    if (::access(settings.ca_file.c_str(), R_OK) != 0) {
      return InvalidArgument("cannot read the CA file '" + settings.ca_file + "'");
    }
  }

  if (key_flag && !key_flag->empty()) settings.key = *key_flag;
  else settings.key = from_env(kKeyEnv).value_or("");
  if (settings.key.empty()) {
    return Unauthenticated("no API key given: pass --key KEY or set " + std::string(kKeyEnv) +
                           " (a user's key is shown when the user is created)");
  }
  return settings;
}

Status StatusForHttpError(int http_status, const std::string& body, const std::string& what) {
  std::string server_says = EnvelopeErrors(body);
  auto message = [&](const std::string& fallback) {
    return server_says.empty() ? fallback : server_says;
  };
  switch (http_status) {
    case 400:
      return InvalidArgument(message("the server rejected the request as invalid (" + what + ")"));
    case 401: {
      std::string m = "the server refused the API key (set --key or PAASMAKER_KEY)";
      return Unauthenticated(server_says.empty() ? m : m + ": " + server_says);
    }
    case 403:
      return PermissionDenied(message("permission denied (" + what + ")"));
    case 404:
      return NotFound(message("not found (" + what + ")"));
    case 409:
      return AlreadyExists(message("conflict (" + what + ")"));
    case 429:
      return ResourceExhausted(message("the server is busy (" + what + "); try again later"));
    case 503:
      return Unavailable(message("the server is unavailable (" + what + ")"));
    default:
      break;
  }
  std::string m = "the server answered HTTP " + std::to_string(http_status) + " to " + what;
  return Internal(server_says.empty() ? m : m + ": " + server_says);
}

ApiClient::ApiClient(ApiSettings settings, std::chrono::milliseconds timeout)
    : settings_(std::move(settings)), http_(settings_.remote, timeout, http::ClientTls{settings_.ca_file}) {}

std::map<std::string, std::string> ApiClient::AuthHeaders() const {
  return {{"Authorization", "Bearer " + settings_.key}, {"Accept", "application/json"}};
}

Result<http::ClientResponse> ApiClient::Check(Result<http::ClientResponse> response) {
  if (!response.ok()) {
    const Status& s = response.status();
    if (s.code() == StatusCode::kUnavailable) {
      return Unavailable("cannot reach the pacemaker at " + settings_.remote + ": " + s.message() +
                         " (is it running? set --remote or PAASMAKER_REMOTE)");
    }
    if (s.code() == StatusCode::kUnauthenticated) {  // the server's certificate, not our key
      return Unauthenticated(s.message() + " (pass the cluster's CA with --ca-file or " + kCaFileEnv + ")");
    }
    return s.WithContext("talking to the pacemaker at " + settings_.remote);
  }
  return response;
}

Result<nlohmann::json> ApiClient::Unwrap(Result<http::ClientResponse> result, const std::string& what) {
  PM_ASSIGN_OR_RETURN(http::ClientResponse response, Check(std::move(result)));
  if (response.status < 200 || response.status >= 300) {
    return StatusForHttpError(response.status, response.body, what);
  }
  json parsed = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) {
    return Internal("the server at " + settings_.remote +
                    " did not answer with a JSON object; is it a pacemaker?");
  }
  auto data = parsed.find("data");
  if (data == parsed.end()) return json::object();
  return *data;
}

Result<nlohmann::json> ApiClient::Get(const std::string& path) {
  return Unwrap(http_.Get(path, AuthHeaders()), "GET " + path);
}

Result<nlohmann::json> ApiClient::Post(const std::string& path, const nlohmann::json& body) {
  return Unwrap(http_.Post(path, body.dump(), AuthHeaders()), "POST " + path);
}

Result<nlohmann::json> ApiClient::Delete(const std::string& path) {
  return Unwrap(http_.Delete(path, AuthHeaders()), "DELETE " + path);
}

Result<nlohmann::json> ApiClient::PutBytes(const std::string& path, const std::string& bytes) {
  return Unwrap(http_.Put(path, bytes, AuthHeaders(), "application/octet-stream"), "PUT " + path);
}

Result<std::string> ApiClient::GetText(const std::string& path) {
  auto headers = AuthHeaders();
  headers["Accept"] = "text/plain";
  PM_ASSIGN_OR_RETURN(http::ClientResponse response, Check(http_.Get(path, headers)));
  if (response.status < 200 || response.status >= 300) {
    return StatusForHttpError(response.status, response.body, "GET " + path);
  }
  return response.body;
}

Status ApiClient::Stream(const std::string& path,
                         const std::function<bool(const std::string&)>& on_data,
                         const std::map<std::string, std::string>& extra_headers) {
  auto headers = AuthHeaders();
  headers["Accept"] = "text/event-stream";
  for (const auto& [name, value] : extra_headers) headers[name] = value;
  // The status is only known when the call returns, and the error envelope
  // arrives through the same callback; keep the start of the body so an
  // error can quote the server. An error envelope has no `data:` lines, so
  // handing it to an event parser meanwhile is harmless.
  std::string head;
  constexpr size_t kKeep = 64 * 1024;
  auto status = http_.Stream(path, headers, [&](const std::string& chunk) {
    if (head.size() < kKeep) head.append(chunk, 0, kKeep - head.size());
    return on_data(chunk);
  });
  if (!status.ok()) {
    return Check(Result<http::ClientResponse>(status.status())).status();
  }
  if (*status < 200 || *status >= 300) return StatusForHttpError(*status, head, "GET " + path);
  return Status::Ok();
}

}  // namespace paasmaker::cli
