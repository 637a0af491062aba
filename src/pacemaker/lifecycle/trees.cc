#include "pacemaker/lifecycle/trees.h"

#include <algorithm>
#include <map>

#include "core/ids.h"
#include "model/node.h"

namespace paasmaker::pacemaker::lifecycle {

using nlohmann::json;
namespace t = job_types;

namespace {

jobs::JobSpec Job(const char* type, std::string title, json parameters, std::string node) {
  if (parameters.is_null()) parameters = json::object();  // `{}` reads as null
  return jobs::JobSpec{.type = type, .parameters = std::move(parameters), .node = std::move(node), .title = std::move(title)};
}

std::string Short(const std::string& id) { return id.substr(0, 8); }

bool IsActiveState(const std::string& state) {
  return state == kInstanceRunning || state == kInstanceStarting || state == kInstanceSuspended ||
         state == kInstanceError;
}

}  // namespace

void AppendChain(const std::string& parent_id, std::vector<jobs::JobSpec> top_to_bottom,
                 std::vector<jobs::JobSpec>* out) {
  std::string parent = parent_id;
  for (auto& spec : top_to_bottom) {
    if (spec.id.empty()) spec.id = ids::NewUuid();
    spec.parent_id = parent;
    parent = spec.id;
    out->push_back(std::move(spec));
  }
}

std::vector<jobs::JobSpec> StopChain(const Instance& instance, const std::string& pacemaker, bool heart_alive) {
  std::vector<jobs::JobSpec> chain;
  json ids = json::array({instance.id});
  chain.push_back(Job(t::kInstanceState, "Mark instance " + Short(instance.id) + " STOPPED",
                      {{"instance_ids", ids}, {"state", kInstanceStopped}}, pacemaker));
  if (heart_alive) {
    chain.push_back(Job(t::kHeartStop, "Stop instance " + Short(instance.id), {{"instance_id", instance.id}},
                        instance.node_uuid));
  }
  chain.push_back(Job(t::kRoutingUpdate, "Remove routes of instance " + Short(instance.id),
                      {{"instance_ids", ids}, {"operation", "remove"}, {"which", "all"}}, pacemaker));
  return chain;
}

std::vector<jobs::JobSpec> StartChain(const Instance& instance, const json& spec, const std::string& pacemaker,
                                      bool start, bool routed) {
  std::vector<jobs::JobSpec> chain;
  std::string name = Short(instance.id);
  json ids = json::array({instance.id});
  if (start) {
    if (routed) {
      chain.push_back(Job(t::kRoutingUpdate, "Route instance " + name,
                          {{"instance_ids", ids}, {"operation", "add"}, {"which", "all"}}, pacemaker));
    } else {
      chain.push_back(Job(t::kInstanceState, "Mark instance " + name + " RUNNING",
                          {{"instance_ids", ids}, {"state", kInstanceRunning}}, pacemaker));
    }
    chain.push_back(Job(t::kHeartStart, "Start instance " + name, {{"instance_id", instance.id}}, instance.node_uuid));
    chain.push_back(
        Job(t::kHeartStartup, "Startup commands of instance " + name, {{"instance_id", instance.id}}, instance.node_uuid));
  }
  chain.push_back(Job(t::kInstanceStore, "Store the port of instance " + name, {{"instance_id", instance.id}}, pacemaker));
  chain.push_back(Job(t::kHeartRegister, "Register instance " + name, {{"instance", spec}}, instance.node_uuid));
  return chain;
}

std::vector<jobs::JobSpec> RemoveChain(const Instance& instance, const std::string& pacemaker, bool heart_alive) {
  std::vector<jobs::JobSpec> chain = {
      Job(t::kInstanceState, "Mark instance " + Short(instance.id) + " DEREGISTERED",
          {{"instance_ids", json::array({instance.id})}, {"state", kInstanceDeregistered}}, pacemaker)};
  if (heart_alive) {
    chain.push_back(Job(t::kHeartDeregister, "Deregister instance " + Short(instance.id),
                        {{"instance_id", instance.id}}, instance.node_uuid));
  }
  for (auto& job : StopChain(instance, pacemaker, heart_alive)) chain.push_back(std::move(job));
  return chain;
}

std::vector<Instance> ChooseSurplus(std::vector<Instance> live, int64_t quantity,
                                    const std::vector<model::Node>& nodes, const std::set<std::string>& first) {
  std::map<std::string, double> score;
  std::map<std::string, int> per_node;
  for (const auto& n : nodes) score[n.uuid] = n.score;
  for (const auto& i : live) ++per_node[i.node_uuid];
  std::vector<Instance> victims;
  while (static_cast<int64_t>(live.size()) > quantity) {
    // "a < b" means a is a better keeper than b, so max_element is the victim.
    auto worst = std::max_element(live.begin(), live.end(), [&](const Instance& a, const Instance& b) {
      bool a_first = first.count(a.id) > 0, b_first = first.count(b.id) > 0;
      if (a_first != b_first) return b_first;
      if (per_node[a.node_uuid] != per_node[b.node_uuid]) return per_node[a.node_uuid] < per_node[b.node_uuid];
      return score[a.node_uuid] < score[b.node_uuid];
    });
    --per_node[worst->node_uuid];
    victims.push_back(*worst);
    live.erase(worst);
  }
  return victims;
}

Result<std::string> Lifecycle::Pacemaker() const {
  std::string uuid = ctx_.node_uuid.Get();
  if (uuid.empty()) return Unavailable("the pacemaker has not registered itself yet; try again shortly");
  return uuid;
}

Result<std::vector<std::string>> Lifecycle::TagsFor(const std::string& application_id, const std::string& version_id) {
  PM_ASSIGN_OR_RETURN(auto app, ctx_.apps.FindApplication(application_id));
  if (!app) return NotFound("no application " + application_id);
  std::vector<std::string> tags = {"workspace:" + app->workspace_id, "application:" + application_id};
  if (!version_id.empty()) tags.push_back("application_version:" + version_id);
  return tags;
}

Result<std::string> Lifecycle::Launch(std::vector<jobs::JobSpec> tree, const std::vector<std::string>& tags) {
  PM_ASSIGN_OR_RETURN(std::string pacemaker, Pacemaker());
  for (auto& spec : tree) {
    if (spec.id.empty()) spec.id = ids::NewUuid();
    if (spec.node.empty()) spec.node = pacemaker;
    PM_RETURN_IF_ERROR(ctx_.job_registry.Validate(spec).WithContext(spec.type));
  }
  tree.front().tags = tags;
  PM_RETURN_IF_ERROR(ctx_.job_store.AddTree(tree));
  PM_RETURN_IF_ERROR(ctx_.job_store.StartTree(tree.front().id));
  return tree.front().id;
}

Result<std::vector<Instance>> Lifecycle::LiveInstances(const std::string& version_id) {
  PM_ASSIGN_OR_RETURN(auto all, ctx_.apps.ListInstancesOfVersion(version_id));
  std::vector<Instance> live;
  for (auto& i : all) {
    if (IsLiveInstanceState(i.state) || i.state == kInstanceError) live.push_back(std::move(i));
  }
  return live;
}

Result<bool> Lifecycle::NodeActive(const std::string& uuid) {
  PM_ASSIGN_OR_RETURN(auto node, ctx_.nodes.Find(uuid));
  return node.has_value() && node->state == model::kNodeActive;
}

Result<std::string> Lifecycle::Register(const Version& version) {
  if (version.state == kVersionNew) {
    return FailedPrecondition("version " + std::to_string(version.number) + " is not prepared yet (state NEW)");
  }
  PM_ASSIGN_OR_RETURN(auto types, ctx_.apps.ListInstanceTypes(version.id));
  std::string state = version.state == kVersionRunning ? kVersionRunning : kVersionReady;
  std::vector<jobs::JobSpec> tree = {Job(t::kVersionState, "Register version " + std::to_string(version.number),
                                         {{"version_id", version.id}, {"state", state}}, "")};
  tree.front().id = ids::NewUuid();
  for (const auto& type : types) {
    AppendChain(tree.front().id,
                {Job(t::kSelect, "Select locations for " + type.name,
                     {{"instance_type_id", type.id}, {"mode", "register"}}, "")},
                &tree);
  }
  PM_ASSIGN_OR_RETURN(auto tags, TagsFor(version.application_id, version.id));
  return Launch(std::move(tree), tags);
}

Result<std::string> Lifecycle::Start(const Version& version) {
  if (version.state == kVersionNew) {
    return FailedPrecondition("version " + std::to_string(version.number) + " is not prepared yet (state NEW)");
  }
  PM_ASSIGN_OR_RETURN(auto types, ctx_.apps.ListInstanceTypes(version.id));
  std::vector<jobs::JobSpec> tree = {Job(t::kVersionState, "Start version " + std::to_string(version.number),
                                         {{"version_id", version.id}, {"state", kVersionRunning}}, "")};
  tree.front().id = ids::NewUuid();
  for (const auto& type : types) {
    AppendChain(tree.front().id,
                {Job(t::kSelect, "Select locations for " + type.name,
                     {{"instance_type_id", type.id}, {"mode", "start"}}, "")},
                &tree);
  }
  PM_ASSIGN_OR_RETURN(auto tags, TagsFor(version.application_id, version.id));
  return Launch(std::move(tree), tags);
}

Result<std::string> Lifecycle::Stop(const Version& version) {
  if (version.state != kVersionRunning && version.state != kVersionReady) {
    return FailedPrecondition("version " + std::to_string(version.number) + " is not running (state " + version.state + ")");
  }
  PM_ASSIGN_OR_RETURN(std::string pacemaker, Pacemaker());
  std::vector<jobs::JobSpec> tree = {Job(t::kVersionState, "Stop version " + std::to_string(version.number),
                                         {{"version_id", version.id}, {"state", kVersionReady}}, "")};
  tree.front().id = ids::NewUuid();
  PM_ASSIGN_OR_RETURN(auto instances, LiveInstances(version.id));
  for (const auto& instance : instances) {
    if (!IsActiveState(instance.state)) continue;
    PM_ASSIGN_OR_RETURN(bool alive, NodeActive(instance.node_uuid));
    AppendChain(tree.front().id, StopChain(instance, pacemaker, alive), &tree);
  }
  PM_ASSIGN_OR_RETURN(auto tags, TagsFor(version.application_id, version.id));
  return Launch(std::move(tree), tags);
}

Result<std::string> Lifecycle::Deregister(const Version& version) {
  if (version.state == kVersionRunning) {
    return FailedPrecondition("version " + std::to_string(version.number) + " is RUNNING: stop it first");
  }
  PM_ASSIGN_OR_RETURN(std::string pacemaker, Pacemaker());
  std::vector<jobs::JobSpec> tree = {Job(t::kVersionState, "Deregister version " + std::to_string(version.number),
                                         {{"version_id", version.id}, {"state", kVersionPrepared}}, "")};
  tree.front().id = ids::NewUuid();
  PM_ASSIGN_OR_RETURN(auto instances, LiveInstances(version.id));
  for (const auto& instance : instances) {
    PM_ASSIGN_OR_RETURN(bool alive, NodeActive(instance.node_uuid));
    std::vector<jobs::JobSpec> chain = {Job(t::kInstanceState, "Mark instance " + Short(instance.id) + " DEREGISTERED",
                                            {{"instance_ids", json::array({instance.id})}, {"state", kInstanceDeregistered}},
                                            pacemaker)};
    if (alive) {
      chain.push_back(Job(t::kHeartDeregister, "Deregister instance " + Short(instance.id),
                          {{"instance_id", instance.id}}, instance.node_uuid));
    }
    AppendChain(tree.front().id, std::move(chain), &tree);
  }
  PM_ASSIGN_OR_RETURN(auto tags, TagsFor(version.application_id, version.id));
  return Launch(std::move(tree), tags);
}

// root ← remove old routes ← switch (current + new routes) ← [start new exclusive ← stop old exclusive]
Result<std::string> Lifecycle::MakeCurrent(const Version& version) {
  if (version.state != kVersionRunning) {
    return FailedPrecondition("version " + std::to_string(version.number) + " is " + version.state +
                              ": start it before making it current");
  }
  PM_ASSIGN_OR_RETURN(std::string pacemaker, Pacemaker());
  PM_ASSIGN_OR_RETURN(auto previous, ctx_.apps.CurrentVersion(version.application_id));
  if (previous && previous->id == version.id) previous.reset();
  std::vector<jobs::JobSpec> tree = {Job(t::kGroup, "Make version " + std::to_string(version.number) + " current", {}, "")};
  tree.front().id = ids::NewUuid();
  std::string parent = tree.front().id;

  std::vector<Instance> old_instances;
  if (previous) {
    PM_ASSIGN_OR_RETURN(old_instances, LiveInstances(previous->id));
    json ids = json::array();
    for (const auto& i : old_instances) ids.push_back(i.id);
    jobs::JobSpec remove = Job(t::kRoutingUpdate, "Remove version " + std::to_string(previous->number) + " from the current hostnames",
                               {{"instance_ids", ids}, {"operation", "remove"}, {"which", "current"}}, pacemaker);
    AppendChain(parent, {remove}, &tree);
    parent = tree.back().id;
  }
  AppendChain(parent,
              {Job(t::kVersionCurrent, "Route the current hostnames to version " + std::to_string(version.number),
                   {{"version_id", version.id}}, pacemaker)},
              &tree);
  parent = tree.back().id;

  PM_ASSIGN_OR_RETURN(auto types, ctx_.apps.ListInstanceTypes(version.id));
  std::vector<const InstanceType*> exclusive;
  for (const auto& type : types) {
    if (type.exclusive) exclusive.push_back(&type);
  }
  std::vector<Instance> old_exclusive;
  if (previous) {
    PM_ASSIGN_OR_RETURN(auto old_types, ctx_.apps.ListInstanceTypes(previous->id));
    for (const auto& instance : old_instances) {
      auto type = std::find_if(old_types.begin(), old_types.end(),
                               [&](const InstanceType& t) { return t.id == instance.instance_type_id; });
      if (type != old_types.end() && type->exclusive && IsActiveState(instance.state)) old_exclusive.push_back(instance);
    }
  }
  if (!exclusive.empty() || !old_exclusive.empty()) {
    // Exclusive types: the old version's instances stop before the new ones
    // start — a chain start group ← select… ← stop group ← stops.
    AppendChain(parent, {Job(t::kGroup, "Start exclusive instances", {}, pacemaker)}, &tree);
    for (const auto* type : exclusive) {
      AppendChain(tree.back().id,
                  {Job(t::kSelect, "Select locations for " + type->name,
                       {{"instance_type_id", type->id}, {"mode", "start"}, {"force_exclusive", true}}, pacemaker)},
                  &tree);
    }
    AppendChain(tree.back().id, {Job(t::kGroup, "Stop exclusive instances of the previous version", {}, pacemaker)}, &tree);
    std::string stop_group = tree.back().id;
    for (const auto& instance : old_exclusive) {
      PM_ASSIGN_OR_RETURN(bool alive, NodeActive(instance.node_uuid));
      AppendChain(stop_group, StopChain(instance, pacemaker, alive), &tree);
    }
  }
  PM_ASSIGN_OR_RETURN(auto tags, TagsFor(version.application_id, version.id));
  return Launch(std::move(tree), tags);
}

Result<std::string> Lifecycle::DeleteVersion(const Version& version) {
  if (version.is_current) return FailedPrecondition("version " + std::to_string(version.number) + " is current");
  if (version.state != kVersionNew && version.state != kVersionPrepared) {
    return FailedPrecondition("version " + std::to_string(version.number) + " is " + version.state +
                              ": stop and deregister it first");
  }
  std::vector<jobs::JobSpec> tree = {Job(t::kVersionDelete, "Delete version " + std::to_string(version.number),
                                         {{"version_id", version.id}}, "")};
  PM_ASSIGN_OR_RETURN(auto tags, TagsFor(version.application_id, version.id));
  return Launch(std::move(tree), tags);
}

Result<std::string> Lifecycle::DeleteApplication(const Application& application) {
  PM_ASSIGN_OR_RETURN(auto versions, ctx_.apps.ListVersions(application.id));
  for (const auto& v : versions) {
    if (v.state == kVersionReady || v.state == kVersionRunning) {
      return FailedPrecondition("version " + std::to_string(v.number) + " of " + application.name + " is " + v.state +
                                ": stop and deregister every version first");
    }
  }
  std::vector<jobs::JobSpec> tree = {Job(t::kApplicationDelete, "Delete application " + application.name,
                                         {{"application_id", application.id}}, "")};
  PM_ASSIGN_OR_RETURN(auto tags, TagsFor(application.id, ""));
  return Launch(std::move(tree), tags);
}

Result<std::optional<std::string>> Lifecycle::ChangeQuantity(const InstanceType& type, int64_t quantity) {
  PM_RETURN_IF_ERROR(ctx_.apps.SetQuantity(type.id, quantity));
  PM_ASSIGN_OR_RETURN(auto version, ctx_.apps.FindVersion(type.version_id));
  if (!version) return NotFound("no version " + type.version_id);
  if (version->state != kVersionRunning && version->state != kVersionReady) return std::optional<std::string>();
  PM_ASSIGN_OR_RETURN(std::string pacemaker, Pacemaker());
  bool running = version->state == kVersionRunning;
  PM_ASSIGN_OR_RETURN(auto all, ctx_.apps.ListInstancesOfType(type.id));
  std::vector<Instance> live;
  for (const auto& i : all) {
    PM_ASSIGN_OR_RETURN(bool alive, NodeActive(i.node_uuid));
    if (alive && IsLiveInstanceState(i.state)) live.push_back(i);
  }
  std::string title = "Change quantity of " + type.name + " to " + std::to_string(quantity);
  std::vector<jobs::JobSpec> tree = {Job(t::kGroup, title, {}, "")};
  tree.front().id = ids::NewUuid();
  if (static_cast<int64_t>(live.size()) <= quantity) {
    AppendChain(tree.front().id,
                {Job(t::kSelect, "Select locations for " + type.name,
                     {{"instance_type_id", type.id}, {"mode", running ? "start" : "register"}}, pacemaker)},
                &tree);
  } else {
    PM_ASSIGN_OR_RETURN(auto nodes, ctx_.nodes.List());
    for (const auto& victim : ChooseSurplus(live, quantity, nodes)) {
      AppendChain(tree.front().id, RemoveChain(victim, pacemaker, true), &tree);
    }
  }
  PM_ASSIGN_OR_RETURN(auto tags, TagsFor(version->application_id, version->id));
  PM_ASSIGN_OR_RETURN(std::string root, Launch(std::move(tree), tags));
  return std::optional<std::string>(root);
}

Result<std::string> Lifecycle::StartType(const InstanceType& type, const std::string& title) {
  PM_ASSIGN_OR_RETURN(auto version, ctx_.apps.FindVersion(type.version_id));
  if (!version) return NotFound("no version " + type.version_id);
  std::vector<jobs::JobSpec> tree = {Job(t::kGroup, title, {}, "")};
  tree.front().id = ids::NewUuid();
  AppendChain(tree.front().id,
              {Job(t::kSelect, "Select locations for " + type.name, {{"instance_type_id", type.id}, {"mode", "start"}}, "")},
              &tree);
  PM_ASSIGN_OR_RETURN(auto tags, TagsFor(version->application_id, version->id));
  return Launch(std::move(tree), tags);
}

Result<std::string> Lifecycle::RemoveInstances(const InstanceType& type, const std::vector<Instance>& victims,
                                               const std::string& title) {
  PM_ASSIGN_OR_RETURN(auto version, ctx_.apps.FindVersion(type.version_id));
  if (!version) return NotFound("no version " + type.version_id);
  PM_ASSIGN_OR_RETURN(std::string pacemaker, Pacemaker());
  std::vector<jobs::JobSpec> tree = {Job(t::kGroup, title, {}, "")};
  tree.front().id = ids::NewUuid();
  for (const auto& victim : victims) {
    PM_ASSIGN_OR_RETURN(bool alive, NodeActive(victim.node_uuid));
    AppendChain(tree.front().id, RemoveChain(victim, pacemaker, alive), &tree);
  }
  PM_ASSIGN_OR_RETURN(auto tags, TagsFor(version->application_id, version->id));
  return Launch(std::move(tree), tags);
}

}  // namespace paasmaker::pacemaker::lifecycle
