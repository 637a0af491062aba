#include "pacemaker/health/health_decisions.h"

#include "pacemaker/lifecycle/routing_table.h"

namespace paasmaker::pacemaker::health {

std::vector<model::Node> SilentNodes(const std::vector<model::Node>& nodes, double now, double timeout,
                                     double not_before, const std::string& self) {
  std::vector<model::Node> silent;
  if (now < not_before) return silent;
  for (const auto& node : nodes) {
    if (node.uuid == self || node.state != model::kNodeActive) continue;
    if (now - node.last_heard > timeout) silent.push_back(node);
  }
  return silent;
}

std::optional<double> NextSilenceDeadline(const std::vector<model::Node>& nodes, double timeout,
                                          const std::string& self) {
  std::optional<double> deadline;
  for (const auto& node : nodes) {
    if (node.uuid == self || node.state != model::kNodeActive) continue;
    double silent_at = node.last_heard + timeout;
    if (!deadline || silent_at < *deadline) deadline = silent_at;
  }
  return deadline;
}

std::string RouteEntryInstance(const std::string& entry) {
  size_t hash = entry.rfind('#');
  if (hash == std::string::npos || hash + 1 >= entry.size()) return "";
  return entry.substr(hash + 1);
}

std::map<std::string, std::vector<std::string>> RoutedInstances(const nlohmann::json& dump) {
  std::map<std::string, std::vector<std::string>> routed;
  if (!dump.contains("routes") || !dump["routes"].is_object()) return routed;
  for (const auto& [hostname, entries] : dump["routes"].items()) {
    if (!entries.is_array()) continue;
    for (const auto& entry : entries) {
      if (!entry.is_string()) continue;
      std::string id = RouteEntryInstance(entry.get<std::string>());
      if (id.empty() || id == lifecycle::kPacemakerRouteId) continue;  // not an instance
      auto& hostnames = routed[id];
      if (hostnames.empty() || hostnames.back() != hostname) hostnames.push_back(hostname);
    }
  }
  return routed;
}

bool ShouldUnroute(const Instance* instance, double now, double grace) {
  if (instance == nullptr) return true;
  if (instance->state == kInstanceRunning) return false;
  return now - instance->changed > grace;
}

bool CountsTowardsQuantity(const std::string& state) {
  return state == kInstanceRunning || state == kInstanceStarting || state == kInstanceRegistered ||
         state == kInstanceAllocated || state == kInstanceError;
}

}  // namespace paasmaker::pacemaker::health
