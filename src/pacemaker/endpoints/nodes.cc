// Node registration and reports (node token), node listings (users).
#include "pacemaker/endpoints/nodes.h"

#include "core/api_response.h"
#include "core/ids.h"
#include "core/log.h"
#include "model/node.h"
#include "pacemaker/store/schema.h"

namespace paasmaker::pacemaker::endpoints {

using nlohmann::json;

namespace {

// Copies what a node says about itself into `node`; names the bad field.
Status ApplyReport(const json& body, model::Node* node) {
  PM_ASSIGN_OR_RETURN(std::string name, api::RequiredString(body, "name"));
  PM_ASSIGN_OR_RETURN(std::string route, api::RequiredString(body, "route"));
  if (!body.contains("api_port") || !body["api_port"].is_number_integer()) {
    return InvalidArgument("api_port: required, an integer");
  }
  if (!body.contains("roles") || !body["roles"].is_array()) return InvalidArgument("roles: required, a list");
  node->name = name;
  node->route = route;
  node->api_port = body["api_port"].get<int>();
  node->roles.clear();
  for (const auto& role : body["roles"]) {
    if (!role.is_string()) return InvalidArgument("roles: must be a list of strings");
    std::string r = role.get<std::string>();
    if (r != "pacemaker" && r != "heart" && r != "router") return InvalidArgument("roles: unknown role '" + r + "'");
    node->roles.push_back(r);
  }
  if (body.contains("tags") && body["tags"].is_object()) node->tags = body["tags"];
  if (body.contains("runtimes") && body["runtimes"].is_object()) node->runtimes = body["runtimes"];
  if (body.contains("stats") && body["stats"].is_object()) node->stats = body["stats"];
  if (body.contains("shared_directories")) {
    const json& shared = body["shared_directories"];
    if (!shared.is_array()) return InvalidArgument("shared_directories: must be a list of paths");
    node->shared_directories.clear();
    for (const auto& d : shared) {
      if (!d.is_string()) return InvalidArgument("shared_directories: must be a list of paths");
      node->shared_directories.push_back(d.get<std::string>());
    }
  }
  if (body.contains("score") && body["score"].is_number()) node->score = body["score"].get<double>();
  if (body.contains("router") && body["router"].is_object() && body["router"].contains("table_serial") &&
      body["router"]["table_serial"].is_number_integer()) {
    node->stats["router_table_serial"] = body["router"]["table_serial"];  // how far its replica is
  }
  node->state = model::kNodeActive;
  node->last_heard = NowSeconds();
  return Status::Ok();
}

// A heart's report lists the state of every instance it holds; the SQL
// state follows it (for instances placed on that heart only).
void ApplyInstanceStates(NodesContext& ctx, const model::Node& node, const json& body) {
  if (!body.contains("instances") || !body["instances"].is_array()) return;
  for (const auto& item : body["instances"]) {
    if (!item.is_object() || !item.contains("instance_id") || !item["instance_id"].is_string() ||
        !item.contains("state") || !item["state"].is_string()) {
      continue;
    }
    auto integer = [&](const char* key) {
      return item.contains(key) && item[key].is_number_integer() ? item[key].get<int64_t>() : int64_t{0};
    };
    ApplicationStore::InstanceReport report{item["instance_id"], item["state"], integer("port"), integer("restarts"),
                                            item.contains("last_exit") && item["last_exit"].is_string()
                                                ? item["last_exit"].get<std::string>()
                                                : ""};
    auto changed = ctx.apps.ApplyInstanceReport(node.uuid, report);
    if (!changed.ok()) {
      PM_LOG_WARN("node {}: instance report: {}", node.name, changed.status().ToString());
    } else if (*changed) {
      PM_LOG_INFO("node {}: instance {} is {} (restarts {}{}{})", node.name, report.id, report.state, report.restarts,
                  report.last_exit.empty() ? "" : ", last exit: ", report.last_exit);
    }
  }
}

}  // namespace

PM_ENDPOINT(NodesContext, api::Reply, RegisterNode) {
  PM_ASSIGN_OR_RETURN(json body, api::ParseJsonBody(req));
  model::Node node;
  // A node that lost its record (new database) keeps the UUID it has.
  std::string uuid = api::OptionalString(body, "uuid");
  bool known = false;
  if (!uuid.empty()) {
    PM_ASSIGN_OR_RETURN(auto existing, ctx.nodes.Find(uuid));
    if (existing) {
      node = *existing;
      known = true;
    }
  }
  if (!known) {
    node.uuid = uuid.empty() ? ids::NewUuid() : uuid;
    node.created = NowSeconds();
  }
  PM_RETURN_IF_ERROR(ApplyReport(body, &node));
  PM_RETURN_IF_ERROR(ctx.nodes.Save(node));
  PM_LOG_INFO("node {} ({}) registered with roles {}", node.name, node.uuid, json(node.roles).dump());
  // The stores' addresses and this node's Redis credentials: a node needs
  // no more than `master` and `node_token` in its config.
  json data = {{"node", node.ToJson()}, {"redis", ctx.redis_handout.For(node.roles).ToJson()}};
  return known ? api::Reply::Data(std::move(data)) : api::Reply::Created(std::move(data));
}

// Before its first registration a node asks where the stores are and how
// to log in (its stores and jobs start with that; it registers, and so is
// listed ACTIVE, only once it is up). Body: {"roles": [...]}.
PM_ENDPOINT(NodesContext, json, NodeRedisAccess) {
  PM_ASSIGN_OR_RETURN(json body, api::ParseJsonBody(req));
  if (!body.contains("roles") || !body["roles"].is_array()) return InvalidArgument("roles: required, a list");
  std::vector<std::string> roles;
  for (const auto& role : body["roles"]) {
    if (!role.is_string()) return InvalidArgument("roles: must be a list of strings");
    roles.push_back(role.get<std::string>());
  }
  return json{{"redis", ctx.redis_handout.For(roles).ToJson()}};
}

PM_ENDPOINT(NodesContext, json, ReportNode) {
  PM_ASSIGN_OR_RETURN(json body, api::ParseJsonBody(req));
  PM_ASSIGN_OR_RETURN(auto existing, ctx.nodes.Find(req.params[0]));
  if (!existing) return NotFound("no node " + req.params[0] + "; register again");
  model::Node node = *existing;
  bool was_active = node.state == model::kNodeActive;
  PM_RETURN_IF_ERROR(ApplyReport(body, &node));
  PM_RETURN_IF_ERROR(ctx.nodes.Save(node));
  if (!was_active) PM_LOG_INFO("node {} ({}) is ACTIVE again", node.name, node.uuid);
  ApplyInstanceStates(ctx, node, body);
  return json{{"node", node.ToJson()}};
}

PM_ENDPOINT(NodesContext, json, ShutdownNode) {
  PM_RETURN_IF_ERROR(ctx.nodes.SetState(req.params[0], model::kNodeStopped));
  PM_LOG_INFO("node {} is stopping: marked STOPPED", req.params[0]);
  return json{{"uuid", req.params[0]}, {"state", model::kNodeStopped}};
}

PM_ENDPOINT(NodesContext, json, ListNodes) {
  PM_ASSIGN_OR_RETURN(auto nodes, ctx.nodes.List());
  json list = json::array();
  for (const auto& n : nodes) list.push_back(n.ToJson());
  return json{{"nodes", list}};
}

PM_ENDPOINT(NodesContext, json, ShowNode) {
  PM_ASSIGN_OR_RETURN(auto node, ctx.nodes.Find(req.params[0]));
  if (!node) return NotFound("no node " + req.params[0]);
  // What runs there as the pacemaker knows it (the heart's reports).
  PM_ASSIGN_OR_RETURN(auto instances, ctx.apps.ListInstancesOnNode(node->uuid));
  json list = json::array();
  for (const auto& instance : instances) list.push_back(instance.ToJson());
  return json{{"node", node->ToJson()}, {"instances", list}};
}

}  // namespace paasmaker::pacemaker::endpoints
