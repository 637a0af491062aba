#include "metrics/metrics_route.h"

#include "core/ids.h"
#include "core/log.h"

namespace paasmaker::metrics {

bool MayScrape(const http::Request& request, const MetricsAccess& access) {
  std::string authorization = request.Header("Authorization");
  if (authorization.rfind("Bearer ", 0) != 0 || authorization.size() <= 7) return false;
  std::string secret = authorization.substr(7);
  // Both compared, always: the time taken says nothing about which one matched.
  bool node = !access.node_token.empty() && ids::SecretsEqual(secret, access.node_token);
  bool metrics = !access.metrics_token.empty() && ids::SecretsEqual(secret, access.metrics_token);
  return node || metrics;
}

void InstallMetricsRoute(http::Server& server, const Registry& registry, MetricsAccess access) {
  server.Route(
      "GET", "/metrics",
      [&registry, access = std::move(access)](const http::Request& request, http::Response& response) {
        response.content_type = kContentType;
        if (!MayScrape(request, access)) {
          PM_LOG_WARN("refused GET /metrics from {}: wrong or missing token", request.remote_address);
          response.status = 401;
          response.headers["WWW-Authenticate"] = "Bearer";
          response.body = "GET /metrics needs 'Authorization: Bearer <node token or metrics.token>'\n";
          return;
        }
        response.body = registry.Render();
      },
      http::RouteClass::kNode);
}

}  // namespace paasmaker::metrics
