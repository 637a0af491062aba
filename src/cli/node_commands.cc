// `paasmaker node list` and `paasmaker node show UUID`: the nodes registered
// with the pacemaker, their roles, state and when they last reported.
#include <memory>

#include "cli/command_context.h"
#include "cli/output.h"

namespace paasmaker::cli {

namespace {

using nlohmann::json;

Status ListNodes(CommandContext& context) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(json data, api.Get("/api/v1/nodes"));
  if (context.json()) {
    PrintJson(context.out(), data);
    return Status::Ok();
  }
  const json& nodes = Child(data, "nodes");
  if (nodes.empty()) {
    context.out() << "No nodes are registered.\n";
    return Status::Ok();
  }
  double now = NowUnixSeconds();
  Table table({"NAME", "UUID", "STATE", "ROLES", "LAST HEARD"});
  for (const json& node : nodes) {
    table.AddRow({Text(node, "name", "-"), Text(node, "uuid", "-"), Text(node, "state", "-"),
                  JoinList(Child(node, "roles")), FormatAgo(Number(node, "last_heard"), now)});
  }
  table.Print(context.out());
  return Status::Ok();
}

Status ShowNode(CommandContext& context, const std::string& uuid) {
  PM_ASSIGN_OR_RETURN(ApiClient api, context.Api());
  PM_ASSIGN_OR_RETURN(json data, api.Get("/api/v1/nodes/" + http::UrlEncode(uuid)));
  if (context.json()) {
    PrintJson(context.out(), data);
    return Status::Ok();
  }
  const json node = data.is_object() && data.contains("node") ? data["node"] : data;
  double last_heard = Number(node, "last_heard");
  DetailList details;
  details.Add("Name", Text(node, "name", "-"));
  details.Add("UUID", Text(node, "uuid", "-"));
  details.Add("State", Text(node, "state", "-"));
  details.Add("Roles", JoinList(Child(node, "roles"), ", "));
  details.Add("Route", Text(node, "route", "-"));
  details.Add("API port", Text(node, "api_port", "-"));
  details.Add("Last heard", FormatAgo(last_heard, NowUnixSeconds()) + " (" + FormatTime(last_heard) + ")");
  details.Add("Score", Text(node, "score", "-"));
  details.Add("Tags", JoinList(Child(node, "tags"), ", "));
  details.Print(context.out());

  const json& stats = Child(node, "stats");
  if (stats.is_object() && !stats.empty()) {
    context.out() << "Stats:\n";
    DetailList lines;
    for (const auto& item : stats.items()) {
      lines.Add("  " + item.key(), Text(stats, item.key()));
    }
    lines.Print(context.out());
  }
  return Status::Ok();
}

}  // namespace

void RegisterNodeCommands(CLI::App& app, CommandContext& context) {
  CLI::App* node = AddGroup(app, "node", "Inspect the nodes of the cluster");

  CLI::App* list = AddCommand(
      *node, "list",
      {.summary = "List the nodes of the cluster",
       .details = "Shows every node registered with the pacemaker: its name, UUID, state "
                  "(ACTIVE, STOPPED, DOWN), roles and when it last reported.",
       .example = "paasmaker node list --remote http://pacemaker.example:42500"});
  OnRun(list, context, ListNodes);

  auto uuid = std::make_shared<std::string>();
  CLI::App* show = AddCommand(
      *node, "show",
      {.summary = "Show one node in detail",
       .details = "Shows the node's route, API port, roles, state, score, tags and its latest "
                  "reported stats.",
       .example = "paasmaker node show 5b1f0c2e-9d6a-4f1e-8a53-2f0e7c1d9b44 --json"});
  show->add_option("UUID", *uuid, "the node's UUID (see `paasmaker node list`)")->required();
  OnRun(show, context, [uuid](CommandContext& c) { return ShowNode(c, *uuid); });
}

}  // namespace paasmaker::cli
