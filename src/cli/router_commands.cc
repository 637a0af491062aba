// `paasmaker router table`: the routing table the routers serve from —
// which backends (ip:port of RUNNING instances) each hostname goes to.
#include <algorithm>
#include <vector>

#include "cli/command_context.h"
#include "cli/output.h"

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

}  // namespace

void RegisterRouterCommands(CLI::App& app, CommandContext& context) {
  CLI::App* group = AddGroup(app, "router", "Look at the routing table");
  CLI::App* table = AddCommand(
      *group, "table",
      {.summary = "Show the routing table",
       .details = "Every hostname with the instances requests to it go to, the table's serial "
                  "(incremented on each change) and, per router, the serial its replica had reached at "
                  "its last report (lag = changes it has not seen yet). --json prints the server's data as is.",
       .example = "paasmaker router table"});
  OnRun(table, context, RouterTable);
}

}  // namespace paasmaker::cli
