// Traffic statistics (SPEC §3, §9): GET /api/v1/router/stats/<kind>/<id>
// [?history=SECONDS&metric=requests], and the same totals live as
// server-sent events from GET …/<kind>/<id>/stream[?interval=SECONDS]. Reading an application's, version's or
// version type's traffic needs WORKSPACE_VIEW on its workspace; a node's or
// the unrouted traffic (vt "null") needs SYSTEM_OVERVIEW.
#include "pacemaker/endpoints/router_stats.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <thread>

#include "core/api_response.h"
#include "pacemaker/stats/traffic_stats.h"

namespace paasmaker::pacemaker::endpoints {

using nlohmann::json;

namespace {

// The workspace the statistics belong to ("" = none: system-wide).
Result<std::string> WorkspaceOf(RouterStatsContext& ctx, const std::string& kind, const std::string& id) {
  std::string version_id;
  if (kind == "workspace") return id;
  // vt "null": unrouted requests; vt "pacemaker": the pacemaker's own traffic.
  if (kind == "node" || (kind == "vt" && (id == "null" || id == "pacemaker"))) return std::string();
  if (kind == "vt") {
    PM_ASSIGN_OR_RETURN(auto type, ctx.apps.FindInstanceType(id));
    if (!type) return NotFound("no instance type " + id);
    version_id = type->version_id;
  }
  std::string application_id = id;
  if (kind == "version" || kind == "vt") {
    PM_ASSIGN_OR_RETURN(auto version, ctx.apps.FindVersion(version_id.empty() ? id : version_id));
    if (!version) return NotFound("no version " + (version_id.empty() ? id : version_id));
    application_id = version->application_id;
  } else if (kind != "application") {
    return InvalidArgument("kind: '" + kind + "' is not one of workspace, application, version, vt, node");
  }
  PM_ASSIGN_OR_RETURN(auto app, ctx.apps.FindApplication(application_id));
  if (!app) return NotFound("no application " + application_id);
  return app->workspace_id;
}

// Who may read kind/id: the same rule for the totals and the stream. An
// unknown kind or id is an error here, before a stream starts.
Status CheckAccess(RouterStatsContext& ctx, const std::string& kind, const std::string& id, const Principal& who) {
  PM_ASSIGN_OR_RETURN(std::string workspace, WorkspaceOf(ctx, kind, id));
  bool allowed = workspace.empty() ? who.Allows("SYSTEM_OVERVIEW") : who.Allows("WORKSPACE_VIEW", workspace);
  if (!allowed) return PermissionDenied("not allowed to read these statistics");
  return Status::Ok();
}

std::string SseEvent(int64_t id, const json& data) {
  return "id: " + std::to_string(id) + "\ndata: " + data.dump(-1, ' ', false, json::error_handler_t::replace) +
         "\n\n";
}

// Sleeps until `deadline` in short steps, so a client that went away or a
// pacemaker shutting down (ctx.stopping, set before the HTTP server stops)
// ends the stream within 100 ms even with a 60 s interval. False: stop.
bool WaitUntil(RouterStatsContext& ctx, http::StreamWriter& out, std::chrono::steady_clock::time_point deadline) {
  constexpr auto kStep = std::chrono::milliseconds(100);
  while (true) {
    if (ctx.stopping || !out.client_connected()) return false;
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return true;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(kStep, deadline - now));
  }
}

}  // namespace

PM_ENDPOINT(RouterStatsContext, json, RouterStats) {
  const std::string& kind = req.params[0];
  const std::string& id = req.params[1];
  PM_RETURN_IF_ERROR(CheckAccess(ctx, kind, id, who));
  PM_ASSIGN_OR_RETURN(json totals, stats::Totals(ctx.stats_redis, kind, id));
  json data = {{"kind", kind}, {"id", id}, {"totals", totals}};
  std::string history = req.Query("history");
  if (!history.empty()) {
    int64_t seconds = std::strtoll(history.c_str(), nullptr, 10);
    PM_ASSIGN_OR_RETURN(data["history"], stats::History(ctx.stats_redis, kind, id, req.Query("metric", "requests"),
                                                        seconds, static_cast<int64_t>(std::time(nullptr))));
  }
  return data;
}

// Every `interval` (default 1 s, clamped to 0.2–60 s; the first at once):
//   id: <n, from 1>
//   data: {"kind", "id", "time" (unix s), "totals": <as GET>, "delta": {requests, bytes, 1xx..5xx},
//          "per_second": {same}, "elapsed"}   (changes since the previous event; none in the first)
// or, while the stats Redis cannot be read, {"kind", "id", "time", "error"} (the stream goes on).
// Polling, like the job stream: no pub/sub message to lose, and the cost is
// one read of the totals per interval per client.
PM_ENDPOINT(RouterStatsContext, api::Reply, RouterStatsStream) {
  const std::string kind = req.params[0];
  const std::string id = req.params[1];
  PM_RETURN_IF_ERROR(CheckAccess(ctx, kind, id, who));
  std::string interval_text = req.Query("interval", "1");
  char* end = nullptr;
  double interval_seconds = std::strtod(interval_text.c_str(), &end);
  if (end == interval_text.c_str() || *end != '\0' || !(interval_seconds > 0)) {
    return InvalidArgument("interval: '" + interval_text + "' is not a number of seconds");
  }
  interval_seconds = std::clamp(interval_seconds, 0.2, 60.0);
  api::Reply reply;
  http::Response& res = reply.response;
  res.content_type = "text/event-stream";
  res.headers["Cache-Control"] = "no-cache";
  res.stream = [&ctx, kind, id, interval_seconds](http::StreamWriter& out) {
    const auto interval = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(interval_seconds));
    json previous;  // null until the first successful read
    std::chrono::steady_clock::time_point previous_at;
    auto next = std::chrono::steady_clock::now();
    for (int64_t event_id = 1;; ++event_id) {
      auto read_at = std::chrono::steady_clock::now();
      auto totals = stats::Totals(ctx.stats_redis, kind, id);
      json data = {{"kind", kind}, {"id", id}, {"time", static_cast<double>(std::time(nullptr))}};
      if (totals.ok()) {
        double elapsed = previous.is_null() ? 0.0 : std::chrono::duration<double>(read_at - previous_at).count();
        data.update(stats::ChangeSince(*totals, previous, elapsed));
        data["totals"] = *totals;
        previous = std::move(*totals);
        previous_at = read_at;
      } else {
        data["error"] = totals.status().message();
      }
      if (!out.Write(SseEvent(event_id, data))) return;
      // Fixed steps from the start, so the events do not drift by the read time.
      next += interval;
      if (next < std::chrono::steady_clock::now()) next = std::chrono::steady_clock::now();
      if (!WaitUntil(ctx, out, next)) return;
    }
  };
  return reply;
}

}  // namespace paasmaker::pacemaker::endpoints
