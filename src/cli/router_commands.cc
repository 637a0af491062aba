// `paasmaker router table|stats`: the routing table the routers serve from —
// which backends (ip:port of RUNNING instances) each hostname goes to — and
// the traffic the routers counted (totals, history, or live with --follow).
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <memory>
#include <vector>

#include "cli/command_context.h"
#include "cli/output.h"
#include "cli/sse_parser.h"

namespace paasmaker::cli {

namespace {

using nlohmann::json;

// An entry is `<ip>:<port>#<version type id>#<node id>#<instance id>` (SPEC
// §3); shown as "ip:port  instance <id>" when it has that shape.
std::string DescribeEntry(const json& entry) {
  if (!entry.is_string()) return entry.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string text = entry.get<std::string>();
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    size_t hash = text.find('#', start);
    parts.push_back(text.substr(start, hash - start));
    if (hash == std::string::npos) break;
    start = hash + 1;
  }
  if (parts.size() != 4) return text;
  return parts[0] + "  instance " + parts[3] + "  (type " + parts[1] + ", node " + parts[2] + ")";
}

Status RouterTable(CommandContext& context) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(json data, api.Get("/api/v1/router/table"));
  if (context.json()) {
    PrintJson(context.out(), data);
    return Status::Ok();
  }
  context.out() << "Routing table serial " << Text(data, "serial", "?") << "\n";
  for (const json& router : Child(data, "routers")) {
    context.out() << "  router " << Text(router, "name", "?") << " (" << Text(router, "state", "?")
                  << "): replica at serial " << Text(router, "serial", "?") << ", lag " << Text(router, "lag", "?")
                  << "\n";
  }
  const json& routes = Child(data, "routes");
  if (routes.empty()) {
    context.out() << "No routes (start a version and make it current).\n";
    return Status::Ok();
  }
  for (const auto& [hostname, entries] : routes.items()) {
    context.out() << hostname << "\n";
    std::vector<std::string> lines;
    if (entries.is_array()) {
      for (const json& e : entries) lines.push_back(DescribeEntry(e));
    } else {
      lines.push_back(DescribeEntry(entries));
    }
    std::sort(lines.begin(), lines.end());
    if (lines.empty()) context.out() << "  (no backends)\n";
    for (const auto& line : lines) context.out() << "  " << line << "\n";
  }
  return Status::Ok();
}

// "90", "90s", "30m", "1h", "2d" → seconds; 0 for anything else.
int64_t ParseDuration(const std::string& text) {
  if (text.empty()) return 0;
  char* end = nullptr;
  int64_t value = std::strtoll(text.c_str(), &end, 10);
  std::string unit(end);
  if (unit.empty() || unit == "s") return value;
  if (unit == "m") return value * 60;
  if (unit == "h") return value * 3600;
  if (unit == "d") return value * 86400;
  return 0;
}

struct StatsArgs {
  std::string kind, id, history;
  bool follow = false;
  double interval = 1;
};

// One line per stream event, e.g.
//   18:02:11  requests 1520 (+12.0/s)  bytes 40960 (+320.0/s)  2xx +12  4xx +0  5xx +0
// and, for an event whose change spans more than one interval (the first
// after a reconnect), "  (over the last 12.0 s)".
std::string DescribeStreamEvent(const json& event, double interval) {
  char clock[16] = "";
  std::time_t at = static_cast<std::time_t>(event.value("time", 0.0));
  std::tm local{};
  if (localtime_r(&at, &local) != nullptr) std::strftime(clock, sizeof(clock), "%H:%M:%S", &local);
  if (event.contains("error")) return std::string(clock) + "  (no statistics: " + Text(event, "error") + ")";
  const json& totals = Child(event, "totals");
  const json& delta = Child(event, "delta");
  const json& per_second = Child(event, "per_second");
  auto rate = [&](const char* field) {
    char text[32];
    std::snprintf(text, sizeof(text), "%+.1f/s", per_second.value(field, 0.0));
    return std::string(text);
  };
  std::string line = std::string(clock) + "  requests " + Text(totals, "requests", "0") + " (" + rate("requests") +
                     ")  bytes " + Text(totals, "bytes", "0") + " (" + rate("bytes") + ")";
  for (const char* status_class : {"2xx", "3xx", "4xx", "5xx"}) {
    line += std::string("  ") + status_class + " +" + Text(delta, status_class, "0");
  }
  double elapsed = event.value("elapsed", 0.0);
  if (event.contains("since") && elapsed > 1.5 * interval) {
    char over[48];
    std::snprintf(over, sizeof(over), "  (over the last %.1f s)", elapsed);
    line += over;
  }
  return line;
}

// Prints the live stream until the user interrupts. A stream that breaks or
// ends (the pacemaker restarting) is resumed with Last-Event-ID (FollowEvents):
// the next line is the next step, its change covering the time away, and no
// step is printed twice. Only a pacemaker away for over a minute ends it (an
// error, so a script notices).
Status FollowRouterStats(CommandContext& context, const StatsArgs& args) {
  if (!(args.interval >= 0.2 && args.interval <= 60)) return InvalidArgument("--interval: between 0.2 and 60 seconds");
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  std::string path = "/api/v1/router/stats/" + http::UrlEncode(args.kind) + "/" + http::UrlEncode(args.id) +
                     "/stream?interval=" + std::to_string(args.interval);
  std::ostream& out = context.out();
  if (!context.json()) out << "Traffic of " << args.kind << " " << args.id << " (Ctrl-C to stop)\n" << std::flush;
  PM_RETURN_IF_ERROR(FollowEvents(
      api, path,
      [&](const SseEvent& sse) {
        json event = json::parse(sse.data, nullptr, /*allow_exceptions=*/false);
        if (!event.is_object()) return true;
        if (context.json()) {
          out << event.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
        } else {
          out << DescribeStreamEvent(event, args.interval) << "\n";
        }
        out.flush();
        return true;
      },
      {.notices = &context.err()}));
  return Unavailable("the statistics stream from " + api.remote() + " ended");
}

Status RouterStats(CommandContext& context, const StatsArgs& args) {
  if (args.follow) {
    if (!args.history.empty()) return InvalidArgument("--history and --follow: choose one");
    return FollowRouterStats(context, args);
  }
  std::string path = "/api/v1/router/stats/" + args.kind + "/" + args.id;
  if (!args.history.empty()) {
    int64_t seconds = ParseDuration(args.history);
    if (seconds <= 0) return InvalidArgument("--history: '" + args.history + "' is not a duration like 90s, 30m, 1h");
    path += "?history=" + std::to_string(seconds);
  }
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(json data, api.Get(path));
  if (context.json()) {
    PrintJson(context.out(), data);
    return Status::Ok();
  }
  const json& t = Child(data, "totals");
  context.out() << "Traffic of " << args.kind << " " << args.id << "\n";
  context.out() << "  requests " << Text(t, "requests", "0") << ", bytes " << Text(t, "bytes", "0") << "\n";
  for (const char* status_class : {"1xx", "2xx", "3xx", "4xx", "5xx"}) {
    context.out() << "  " << status_class << " " << Text(t, status_class, "0") << " ("
                  << Text(Child(t, "percent"), status_class, "0") << " %)\n";
  }
  context.out() << "  average upstream " << Text(Child(t, "average"), "upstream_ms", "0") << " ms, nginx "
                << Text(Child(t, "average"), "nginx_ms", "0") << " ms\n";
  if (data.contains("history")) {
    for (const json& point : Child(Child(data, "history"), "points")) {
      // [start, value, resolution]: per-minute points come from archived history.
      bool minute = point.size() > 2 && point[2] == 60;
      context.out() << "  " << point[0].dump() << "  " << point[1].dump() << (minute ? "  (minute)" : "") << "\n";
    }
  }
  return Status::Ok();
}

}  // namespace

void RegisterRouterCommands(CLI::App& app, CommandContext& context) {
  CLI::App* group = AddGroup(app, "router", "Look at the routing table and traffic statistics");
  CLI::App* table = AddCommand(
      *group, "table",
      {.summary = "Show the routing table",
       .details = "Every hostname with the instances requests to it go to, the table's serial "
                  "(incremented on each change) and, per router, the serial its replica had reached at "
                  "its last report (lag = changes it has not seen yet). --json prints the server's data as is.",
       .example = "paasmaker router table"});
  OnRun(table, context, RouterTable);

  auto args = std::make_shared<StatsArgs>();
  CLI::App* stats = AddCommand(
      *group, "stats",
      {.summary = "Show traffic statistics",
       .details = "Totals counted by the routers (requests, bytes, status classes with percentages, average "
                  "upstream and nginx times) for a workspace, application, version, version type (vt; "
                  "`vt null` is traffic no route matched) or node. --history adds requests per second "
                  "over that long (90s, 30m, 1h, 2d; per minute where the per-second history was archived). --follow "
                  "prints the totals and the requests and bytes per second every --interval seconds until "
                  "interrupted (--json: each event as one JSON line).",
       .example = "paasmaker router stats version 7c1d…  --history 1h"});
  stats->add_option("kind", args->kind, "workspace, application, version, vt or node")->required();
  stats->add_option("id", args->id, "its id")->required();
  stats->add_option("--history", args->history, "per-second requests over this long (e.g. 1h)");
  stats->add_flag("--follow,-f", args->follow, "print the traffic live until interrupted");
  stats->add_option("--interval", args->interval, "seconds between --follow lines (0.2-60, default 1)");
  OnRun(stats, context, [args](CommandContext& c) { return RouterStats(c, *args); });
}

}  // namespace paasmaker::cli
