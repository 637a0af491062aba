#include "pacemaker/lifecycle/placement.h"

#include <fmt/format.h>

#include <algorithm>

namespace paasmaker::pacemaker::lifecycle {

using nlohmann::json;

namespace {

// Why `node` cannot take the instance type, or "" if it can.
std::string Unsuitability(const model::Node& node, const PlacementRequest& request) {
  if (!node.HasRole("heart")) return "not a heart";
  if (node.state != model::kNodeActive) return "state " + node.state;
  const json& versions = node.runtimes.contains(request.runtime_plugin) ? node.runtimes[request.runtime_plugin] : json();
  bool has_runtime = false;
  if (versions.is_array()) {
    for (const auto& v : versions) has_runtime |= v.is_string() && v.get<std::string>() == request.runtime_version;
  }
  if (!has_runtime) return fmt::format("no runtime {} version {}", request.runtime_plugin, request.runtime_version);
  for (const auto& [key, wanted] : request.required_tags.items()) {
    if (!node.tags.contains(key)) return fmt::format("no tag {}", key);
    if (node.tags[key] != wanted) return fmt::format("tag {} is {}, wanted {}", key, node.tags[key].dump(), wanted.dump());
  }
  for (const auto& directory : request.required_directories) {
    if (!node.Reaches(directory)) {
      return fmt::format("does not reach the shared directory {} (heart.shared_directories)", directory);
    }
  }
  return "";
}

}  // namespace

Status ValidatePlacementParameters(const json& parameters) {
  if (!parameters.is_object()) return InvalidArgument("placement parameters must be a mapping");
  for (const auto& [key, value] : parameters.items()) {
    if (key != "tags") return InvalidArgument("placement parameters: unknown key '" + key + "' (known: tags)");
    if (!value.is_object()) return InvalidArgument("placement parameters: tags must be a mapping");
  }
  return Status::Ok();
}

Result<PlacementDecision> PlaceInstances(const std::vector<model::Node>& nodes, const PlacementRequest& request) {
  PlacementDecision decision;
  struct Candidate {
    const model::Node* node;
    int instances;
  };
  std::vector<Candidate> candidates;
  std::vector<std::string> refusals;
  for (const auto& node : nodes) {
    std::string why = Unsuitability(node, request);
    if (!why.empty()) {
      refusals.push_back(fmt::format("{} ({}): {}", node.name, node.uuid, why));
      continue;
    }
    auto existing = request.existing.find(node.uuid);
    int count = existing == request.existing.end() ? 0 : existing->second;
    candidates.push_back({&node, count});
    decision.explanation.push_back(
        fmt::format("candidate {} ({}): score {:.3f}, {} instance(s) of this type already", node.name, node.uuid,
                    node.score, count));
  }
  for (const auto& line : refusals) decision.explanation.push_back("not suitable: " + line);
  if (candidates.empty()) {
    std::string reasons;
    for (const auto& line : refusals) reasons += "\n  " + line;
    if (refusals.empty()) reasons = " (no nodes are registered)";
    return FailedPrecondition(fmt::format("no heart can run {} version {}{}:{}", request.runtime_plugin,
                                          request.runtime_version,
                                          request.required_tags.empty() ? "" : " with tags " + request.required_tags.dump(),
                                          reasons));
  }
  for (int i = 0; i < request.count; ++i) {
    auto best = std::min_element(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
      if (a.instances != b.instances) return a.instances < b.instances;
      if (a.node->score != b.node->score) return a.node->score < b.node->score;
      return a.node->name < b.node->name;
    });
    decision.nodes.push_back(best->node->uuid);
    decision.explanation.push_back(fmt::format("instance {} of {} → {} (it had {} of this type, score {:.3f})", i + 1,
                                               request.count, best->node->name, best->instances, best->node->score));
    ++best->instances;
  }
  return decision;
}

}  // namespace paasmaker::pacemaker::lifecycle
