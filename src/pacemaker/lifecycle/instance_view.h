// InstanceView: everything known about one instance, loaded together — what
// the lifecycle jobs need to route it (hostnames, address) and what a heart
// needs to run it (the InstanceSpec of docs/lifecycle.md, model/instance_spec.h).
// Called by the lifecycle jobs (register/start chains, routing) and the
// health jobs. Store errors pass through; a missing instance, type, version,
// application or workspace is NotFound (a missing node is not: view.node is
// then empty).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "model/instance_spec.h"
#include "model/node.h"
#include "pacemaker/store/application_store.h"
#include "pacemaker/store/node_store.h"
#include "pacemaker/store/workspace_store.h"

namespace paasmaker::pacemaker::lifecycle {

struct InstanceView {
  Instance instance;
  InstanceType type;
  Version version;
  Application application;
  Workspace workspace;
  std::optional<model::Node> node;
};

// The stores an InstanceView is read from.
struct InstanceSources {
  ApplicationStore& apps;
  WorkspaceStore& workspaces;
  NodeStore& nodes;
};

Result<InstanceView> LoadInstance(const InstanceSources& sources, const std::string& instance_id);

enum class HostnameSet {
  kAll,      // version hostname, plus type + manifest hostnames while the version is current
  kCurrent,  // type + manifest hostnames (whether or not the version is current)
  kEvery,    // version + type + manifest hostnames (for removal)
};
std::vector<std::string> HostnamesOf(const InstanceView& view, const std::string& cluster_hostname, HostnameSet set);

// The InstanceSpec a heart registers the instance with (holds service
// credentials): the services are those the version's manifest declares that
// exist. Into job parameters it goes as model::ToJson(spec).
Result<model::InstanceSpec> BuildInstanceSpec(ApplicationStore& apps, const InstanceView& view);

}  // namespace paasmaker::pacemaker::lifecycle
