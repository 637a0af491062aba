// Traffic statistics (SPEC §3, §9): GET /api/v1/router/stats/<kind>/<id>
// [?history=SECONDS&metric=requests], and the same totals live as
// server-sent events from GET …/<kind>/<id>/stream[?interval=SECONDS]. Reading an application's, version's or
// version type's traffic needs WORKSPACE_VIEW on its workspace; a node's or
// the unrouted traffic (vt "null") needs SYSTEM_OVERVIEW.
#include "pacemaker/endpoints/router_stats.h"

#include <algorithm>
#include <cmath>
#include <chrono>
#include <ctime>
#include <thread>
#include <vector>

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

constexpr const char* kCounterFields[] = {"requests", "bytes", "1xx", "2xx", "3xx", "4xx", "5xx"};

std::string SseEvent(const StatsStreamId& id, const json& data) {
  return "id: " + FormatStatsStreamId(id) + "\ndata: " +
         data.dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n";
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A run of decimal digits as a non-negative int64; nullopt otherwise.
std::optional<int64_t> Digits(const std::string& text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  return std::stoll(text);
}

std::vector<std::string> Split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    size_t at = text.find(separator, start);
    parts.push_back(text.substr(start, at - start));
    if (at == std::string::npos) return parts;
    start = at + 1;
  }
}

// Sleeps until the wall clock reaches `step_ms` in short steps, so a client
// that went away or a pacemaker shutting down (ctx.stopping, set before the
// HTTP server stops) ends the stream within 100 ms even with a 60 s
// interval; never longer than `longest` (a clock set back does not stall the
// stream). False: stop.
// Where a stats stream is between its steps.
struct StatsStreamState {
  StatsStreamId event_id;  // the last event's (or the client's)
  json previous;           // the totals the next change is measured from (null: none)
  double previous_at = 0;  // when they were read (unix s)
  int64_t step = 0;        // the unix ms the next event is for
  bool waited = false;     // the wait for `step` is over
};

// The event for state.step (the totals and their change since the last
// ones, or the error reading them), moving `state` past it.
std::string NextStatsEvent(RouterStatsContext& ctx, const std::string& kind, const std::string& id,
                           StatsStreamState& state) {
  auto totals = stats::Totals(ctx.stats_redis, kind, id);
  double now = static_cast<double>(NowMs()) / 1000.0;
  json data = {{"kind", kind}, {"id", id}, {"time", std::floor(now)}, {"step", state.step}};
  StatsStreamId& event_id = state.event_id;
  ++event_id.n;
  event_id.step_ms = state.step;
  if (totals.ok()) {
    if (!state.previous.is_null()) data["since"] = event_id.base_ms.value_or(state.step);
    double elapsed = state.previous.is_null() ? 0.0 : std::max(0.0, now - state.previous_at);
    data.update(stats::ChangeSince(*totals, state.previous, elapsed));
    data["totals"] = *totals;
    state.previous = *totals;
    state.previous_at = now;
    event_id.base_ms = state.step;
    event_id.base = json::object();
    for (const char* field : kCounterFields) event_id.base[field] = totals->value(field, int64_t{0});
  } else {
    data["error"] = totals.status().message();
  }
  return SseEvent(event_id, data);
}

}  // namespace

std::string FormatStatsStreamId(const StatsStreamId& id) {
  std::string text = std::to_string(id.n) + ":" + std::to_string(id.step_ms);
  if (!id.base_ms || !id.base.is_object()) return text;
  text += ":" + std::to_string(*id.base_ms) + ":";
  bool first = true;
  for (const char* field : kCounterFields) {
    text += (first ? "" : ",") + std::to_string(id.base.value(field, int64_t{0}));
    first = false;
  }
  return text;
}

Result<StatsStreamId> ParseStatsStreamId(const std::string& text) {
  std::string shown = text.size() > 120 ? text.substr(0, 120) + "…" : text;
  Status invalid = InvalidArgument("'" + shown +
                                   "' is not an event id of this stream (<n>:<step ms>[:<base step ms>:<requests>,"
                                   "<bytes>,<1xx>,<2xx>,<3xx>,<4xx>,<5xx>]; resume with the `id:` of an event it sent)");
  std::vector<std::string> parts = Split(text, ':');
  if (parts.size() != 2 && parts.size() != 4) return invalid;
  StatsStreamId id;
  auto n = Digits(parts[0]);
  auto step = Digits(parts[1]);
  if (!n || !step) return invalid;
  id.n = *n;
  id.step_ms = *step;
  if (parts.size() == 4) {
    auto base = Digits(parts[2]);
    std::vector<std::string> counters = Split(parts[3], ',');
    if (!base || counters.size() != std::size(kCounterFields)) return invalid;
    id.base_ms = *base;
    id.base = json::object();
    for (size_t i = 0; i < counters.size(); ++i) {
      auto value = Digits(counters[i]);
      if (!value) return invalid;
      id.base[kCounterFields[i]] = *value;
    }
  }
  return id;
}

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

// Every `interval` (default 1 s, clamped to 0.2–60 s), at steps aligned to
// the wall clock (unix ms multiples of the interval), the first at once:
//   id: <n>:<step>:…  (StatsStreamId, router_stats.h)
//   data: {"kind", "id", "time" (unix s), "step" (unix ms), "totals": <as GET>,
//          "delta": {requests, bytes, 1xx..5xx}, "per_second": {same}, "elapsed",
//          "since" (the step the change is measured from)}   (no change and no "since" in the first event)
// or, while the stats Redis cannot be read, {"kind", "id", "time", "step", "error"} (the stream goes on).
// Resuming (`Last-Event-ID: <id>`, as EventSource sends on reconnect, or
// `?last_event_id=<id>`; the header wins): the stream goes on from the step
// after the id's; if that step has passed (the client was away), its first
// event is the current step, with the change over the whole gap (since the
// id's base), and then every step again. No step is sent twice and no
// traffic is left out: each event's "since" is the previous event's step.
// A malformed id is a 400 naming it.
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
  std::string resume = req.Header("Last-Event-ID");
  std::string resume_from = "Last-Event-ID";
  if (resume.empty()) {
    resume = req.Query("last_event_id");
    resume_from = "last_event_id";
  }
  std::optional<StatsStreamId> last;
  PM_ASSIGN_OR_RETURN(auto ticket, ctx.streams.Acquire(PrincipalId(who)));
  if (!resume.empty()) {
    auto parsed = ParseStatsStreamId(resume);
    if (!parsed.ok()) return InvalidArgument(resume_from + ": " + parsed.status().message());
    last = std::move(*parsed);
  }
  api::Reply reply;
  http::Response& res = reply.response;
  api::BeginEventStream(res);
  const int64_t interval_ms = std::max<int64_t>(1, std::llround(interval_seconds * 1000));
  StatsStreamState state;
  state.step = NowMs() / interval_ms * interval_ms;
  if (last) {
    state.event_id = *last;
    if (last->base_ms && last->base.is_object()) {
      state.previous = last->base;
      state.previous_at = static_cast<double>(*last->base_ms) / 1000.0;
    }
    // The step after the client's; at once if it has passed (a gap).
    state.step = std::max(state.step, (last->step_ms / interval_ms + 1) * interval_ms);
  }
  res.steps = [&ctx, kind, id, interval_ms, state = std::move(state), ticket = std::move(ticket)](
                  http::StreamWriter& out) mutable -> http::StreamStep {
    if (ctx.stopping) return http::StreamStep::Done();
    // Fixed steps on the wall clock, so events do not drift by the read
    // time. The wait is bounded, so a clock set back cannot stall the stream.
    int64_t left = state.step - NowMs();
    if (left > 0 && !state.waited) {
      state.waited = true;
      return http::StreamStep::Again(std::chrono::milliseconds(std::min(left, interval_ms + 100)));
    }
    state.waited = false;
    if (!out.Write(NextStatsEvent(ctx, kind, id, state))) return http::StreamStep::Done();
    // A step already gone by (a slow read) is folded into the next.
    state.step = std::max(state.step + interval_ms, NowMs() / interval_ms * interval_ms);
    return http::StreamStep::Again(std::chrono::milliseconds(std::max<int64_t>(0, state.step - NowMs())));
  };
  return reply;
}

}  // namespace paasmaker::pacemaker::endpoints
