// Health-check groups of the pacemaker (SPEC §2 `pacemaker.health.groups`,
// §7): which checks run together, how often, and in which order.
//
//   pacemaker:
//     health:
//       use_default_group: true        # adds group `default` unless one is configured
//       groups:
//         - name: routes               # unique; tags its trees `health:routes`
//           title: Routes only         # optional
//           period: 10                 # seconds between runs (> 0)
//           plugins:
//             - {plugin: paasmaker.health.routerdowninstances, order: 10, parameters: {grace: 20}}
//
// Checks with the same order run in parallel, lower orders first. Read and
// validated when the node configuration loads (problems name the key path);
// the checks validate their own parameters when the pacemaker starts.
// Plain data; thread compatible.
#pragma once

#include <array>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/yaml_reader.h"
#include "model/job_types.h"

namespace paasmaker::config {

// The health checks a group may name (implemented in src/pacemaker/health/).
inline constexpr std::array<const char*, 4> kHealthCheckPlugins = {
    model::job_types::kDownNodes, model::job_types::kStuckJobs, model::job_types::kRouterDownInstances,
    model::job_types::kAdjustInstances};

struct HealthCheckConfig {
  std::string plugin;
  int order = 0;
  nlohmann::json parameters = nlohmann::json::object();
};

struct HealthGroupConfig {
  std::string name;
  std::string title;
  double period_seconds = 0;
  std::vector<HealthCheckConfig> checks;
};

// Reads the list under `key` of `section` (pacemaker.health) into `out`,
// adding a problem for each invalid group or check.
void ReadHealthGroups(yaml::YamlSection& section, const std::string& key, std::vector<HealthGroupConfig>* out);

// A YAML value as JSON (plain scalars typed as YAML reads them: true/false,
// null, numbers; quoted scalars stay strings).
nlohmann::json YamlToJson(const YAML::Node& node);

}  // namespace paasmaker::config
