#include "pacemaker/lifecycle/placement.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "model/runtime_versions.h"

namespace paasmaker::pacemaker::lifecycle {

using nlohmann::json;

namespace {

// Why `node` cannot take the instance type, or "" if it can.
// The versions of `plugin` that `node` reports.
std::vector<std::string> OfferedVersions(const model::Node& node, const std::string& plugin) {
  std::vector<std::string> offered;
  const json& versions = node.runtimes.contains(plugin) ? node.runtimes[plugin] : json();
  if (!versions.is_array()) return offered;
  for (const auto& v : versions) {
    if (v.is_string()) offered.push_back(v.get<std::string>());
  }
  return offered;
}

bool IsActiveHeart(const model::Node& node) { return node.HasRole("heart") && node.state == model::kNodeActive; }

// "heart-1 3.11.2, heart-2 none": what each active heart offers of the
// runtime, for an error that says which version to ask for instead.
std::string VersionsOnHearts(const std::vector<model::Node>& nodes, const std::string& plugin) {
  std::string listed;
  for (const auto& node : nodes) {
    if (!IsActiveHeart(node)) continue;
    std::vector<std::string> offered = OfferedVersions(node, plugin);
    listed += fmt::format("{}{} {}", listed.empty() ? "" : ", ", node.name,
                          offered.empty() ? "none" : fmt::format("{}", fmt::join(offered, " ")));
  }
  return listed.empty() ? "no active hearts" : listed;
}

std::string Unsuitability(const model::Node& node, const PlacementRequest& request) {
  if (!node.HasRole("heart")) return "not a heart";
  if (node.state != model::kNodeActive) return "state " + node.state;
  if (!model::AnyVersionMatches(request.runtime_version, OfferedVersions(node, request.runtime_plugin))) {
    return fmt::format("no runtime {} version {}", request.runtime_plugin,
                       request.runtime_version.empty() ? "(any)" : request.runtime_version);
  }
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
    bool version_offered = false;
    for (const auto& node : nodes) {
      version_offered |= IsActiveHeart(node) && model::AnyVersionMatches(request.runtime_version,
                                                                         OfferedVersions(node, request.runtime_plugin));
    }
    // The runtime or its version is what is missing everywhere: say first
    // what the hearts do have, so the manifest can ask for that.
    std::string headline =
        version_offered ? ""
                        : fmt::format("no heart has {} {}; hearts have: {}\n", request.runtime_plugin,
                                      request.runtime_version.empty() ? "(any version)" : request.runtime_version,
                                      VersionsOnHearts(nodes, request.runtime_plugin));
    std::string reasons;
    for (const auto& line : refusals) reasons += "\n  " + line;
    if (refusals.empty()) reasons = " (no nodes are registered)";
    return FailedPrecondition(fmt::format("{}no heart can run {} version {}{}:{}", headline, request.runtime_plugin,
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
