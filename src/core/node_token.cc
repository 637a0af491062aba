#include "core/node_token.h"

#include "core/ids.h"
#include "core/log.h"

namespace paasmaker::api {

std::string RequestSecret(const http::Request& request) {
  std::string authorization = request.Header("Authorization");
  if (authorization.rfind("Bearer ", 0) == 0 && authorization.size() > 7) return authorization.substr(7);
  return request.Header("X-Paasmaker-Key");
}

bool IsNodeToken(const std::string& secret, const std::string& node_token) {
  return !node_token.empty() && ids::SecretsEqual(secret, node_token);
}

Status CheckNodeToken(const http::Request& request, const std::string& node_token) {
  if (IsNodeToken(RequestSecret(request), node_token)) return Status::Ok();
  PM_LOG_WARN("refused {} {} from {}: wrong or missing node token", request.method, request.path,
              request.remote_address);
  return Unauthenticated("wrong or missing node token: every node of a cluster needs the same node_token "
                         "(config or data_dir/node_token)");
}

}  // namespace paasmaker::api
