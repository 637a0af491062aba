// paasmaker.placement.default (SPEC §7): chooses hearts for new instances.
//
// Candidates are ACTIVE hearts that offer the instance type's runtime at a
// version the request matches (exact or a dotted prefix, "" any:
// model/runtime_versions.h) and carry every tag the placement parameters ask for. Each new
// instance goes to the candidate with the fewest instances of the type
// already (existing ones count, not only the new ones), then the best (lowest)
// score, then the name — so two instances never share a heart while another
// candidate has none, and 3 instances on 2 hearts end up 2+1. Instances
// that use shared directories (filesystem services) go only to hearts that
// report them.
//
// Pure logic: no I/O, so it is tested directly. Every decision comes with the
// reasons, for the job log; no candidate → FailedPrecondition saying why
// each node was unsuitable, headed, when no heart has the runtime at that
// version, by what each heart has ("no heart has paasmaker.runtime.python 9;
// hearts have: heart-1 3.11.2").
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "core/result.h"
#include "model/node.h"

namespace paasmaker::pacemaker::lifecycle {

inline constexpr const char* kDefaultPlacement = "paasmaker.placement.default";

struct PlacementRequest {
  std::string runtime_plugin;
  std::string runtime_version;
  nlohmann::json required_tags = nlohmann::json::object();  // placement.parameters.tags
  int count = 1;
  // Instances of this type already on each node (uuid → count).
  std::map<std::string, int> existing;
  // Directories its instances use (a filesystem service's): only hearts
  // reporting them (model::Node::Reaches) are candidates.
  std::vector<std::string> required_directories = {};
};

struct PlacementDecision {
  std::vector<std::string> nodes;         // one uuid per new instance
  std::vector<std::string> explanation;   // readable lines for the job log
};

// Checks the placement plugin's parameters: {tags: {key: value}} at most.
Status ValidatePlacementParameters(const nlohmann::json& parameters);

Result<PlacementDecision> PlaceInstances(const std::vector<model::Node>& nodes, const PlacementRequest& request);

}  // namespace paasmaker::pacemaker::lifecycle
