// GET /metrics: a node's metrics Registry in the Prometheus text format
// (0.0.4), on the node's own HTTP server (its http_port), for every role.
//
// The guard, one rule (README "Metrics"): the request carries
// `Authorization: Bearer <secret>` where the secret is the node token or,
// when the config sets one, `metrics.token` — so a Prometheus server can
// scrape with a secret that opens nothing else. Anything else is 401 (plain
// text naming the rule, WWW-Authenticate: Bearer), logged as a warning.
// Secrets are compared in constant time and never logged.
//
// The route runs on the node pool (RouteClass::kNode): a flood of user API
// calls cannot make scrapes time out. Thread safe; `registry` must outlive
// the server.
#pragma once

#include <string>

#include "core/http.h"
#include "metrics/metrics.h"

namespace paasmaker::metrics {

inline constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

struct MetricsAccess {
  std::string node_token;
  std::string metrics_token;  // "" : only the node token
};

// Whether `request` may read the metrics (the rule above).
bool MayScrape(const http::Request& request, const MetricsAccess& access);

void InstallMetricsRoute(http::Server& server, const Registry& registry, MetricsAccess access);

}  // namespace paasmaker::metrics
