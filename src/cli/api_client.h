// ApiClient: the CLI's connection to one pacemaker's HTTP API.
//
// It resolves where to connect, with which key and which CA to trust (flag,
// then environment, then default), sends `Authorization: Bearer <key>` on
// every call (an https:// remote is verified before anything is sent), unwraps
// the `{"data": ..., "errors": [...]}` envelope and turns HTTP failures into
// a Status that carries the server's own error messages:
//   401 → Unauthenticated   403 → PermissionDenied   404 → NotFound
//   400 → InvalidArgument   409 → AlreadyExists      503 → Unavailable
//   other 4xx/5xx → Internal; cannot connect → Unavailable.
//
// Thread safety: calls are independent (each opens its own connection).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "core/http.h"
#include "core/result.h"

namespace paasmaker::cli {

// The CLI on the pacemaker's own host of a config-less single-node cluster;
// anywhere else --remote / PAASMAKER_REMOTE names the pacemaker.
inline constexpr char kDefaultRemote[] = "http://127.0.0.1:42500";
inline constexpr char kRemoteEnv[] = "PAASMAKER_REMOTE";
inline constexpr char kKeyEnv[] = "PAASMAKER_KEY";
inline constexpr char kCaFileEnv[] = "PAASMAKER_CA_FILE";

// Where to connect and as whom.
struct ApiSettings {
  std::string remote;
  std::string key;
  std::string ca_file = {};  // https:// remotes: the CA to verify them with; empty: the system's CAs
};

// Flag beats environment beats default. A missing key is an error here, so
// the CLI refuses before it sends anything to the server; so is a CA file
// with a plain http:// remote (the key would travel in clear to a server the
// user meant to verify) and a CA file that cannot be read.
Result<ApiSettings> ResolveApiSettings(const std::optional<std::string>& remote_flag,
                                       const std::optional<std::string>& key_flag,
                                       const EnvReader& env,
                                       const std::optional<std::string>& ca_file_flag = std::nullopt);

class ApiClient {
 public:
  explicit ApiClient(ApiSettings settings,
                     std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // Each returns the envelope's `data` on a 2xx answer.
  Result<nlohmann::json> Get(const std::string& path);
  Result<nlohmann::json> Post(const std::string& path, const nlohmann::json& body);
  Result<nlohmann::json> Delete(const std::string& path);
  // PUT of raw bytes (an upload chunk) as application/octet-stream.
  Result<nlohmann::json> PutBytes(const std::string& path, const std::string& bytes);

  // GET of a plain-text resource (job logs): the body as is.
  Result<std::string> GetText(const std::string& path);

  // GET of a live stream (server-sent events): hands each chunk to `on_data`
  // until it returns false or the server ends the stream. `extra_headers`
  // are sent as well (e.g. Last-Event-ID to resume).
  Status Stream(const std::string& path, const std::function<bool(const std::string&)>& on_data,
                const std::map<std::string, std::string>& extra_headers = {});

  const std::string& remote() const { return settings_.remote; }

 private:
  Result<http::ClientResponse> Check(Result<http::ClientResponse> response);
  Result<nlohmann::json> Unwrap(Result<http::ClientResponse> response, const std::string& what);
  std::map<std::string, std::string> AuthHeaders() const;

  ApiSettings settings_;
  http::Client http_;
};

// The Status for a non-2xx answer to `what` ("GET /api/v1/nodes"); `body`
// may hold the JSON envelope whose messages become the Status message.
Status StatusForHttpError(int http_status, const std::string& body, const std::string& what);

}  // namespace paasmaker::cli
