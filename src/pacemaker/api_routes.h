// The pacemaker's HTTP API: every route in one table (api_routes.cc), each
// with the credentials it accepts. Handlers live in endpoints/ and prepare/,
// one file per resource; they receive their group's narrow context and the
// authenticated principal and return their answer as a value, which the
// table's one wrapper writes (api::Respond: an error becomes its
// HttpStatusFor code).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/api_response.h"
#include "core/http.h"
#include "pacemaker/auth.h"
#include "pacemaker/endpoints/endpoint.h"
#include "pacemaker/metrics/pacemaker_metrics.h"
#include "pacemaker/pacemaker_context.h"

namespace paasmaker::pacemaker {

// A handler of any endpoint group, bound to how its group's context is
// found in the composition root (PacemakerContext::EndpointGroup), so the
// table lists every group's handlers alike.
class ApiHandler {
 public:
  template <typename Group, typename Answer>
  // NOLINTNEXTLINE(google-explicit-constructor): implicit, for the table
  ApiHandler(Result<Answer> (*handler)(Group&, const http::Request&, const Principal&))
      : call_([handler](PacemakerContext& root, const http::Request& req, http::Response& res, const Principal& who) {
          api::Respond(res, handler(root.EndpointGroup<Group>(), req, who));
        }) {}

  void operator()(PacemakerContext& root, const http::Request& req, http::Response& res, const Principal& who) const {
    call_(root, req, res, who);
  }

 private:
  std::function<void(PacemakerContext&, const http::Request&, http::Response&, const Principal&)> call_;
};

struct ApiRoute {
  std::string method;
  std::string pattern;  // regex; groups become Request::params
  Access access;
  std::string permission;  // for Access::kPermission
  ApiHandler handler;
};

const std::vector<ApiRoute>& ApiRoutes();

// Installs every route of the table on `server`, wrapped with authentication
// and error handling.
// `metrics` (may be null) counts and times every answer by route.
void InstallApiRoutes(http::Server& server, PacemakerContext& context, PacemakerMetrics* metrics = nullptr);

}  // namespace paasmaker::pacemaker
