// RoutingTable: writes the routing table in the table Redis master (SPEC §3).
//
//   instances:<hostname>     SET of "<ip>:<port>#<version type id>#<node id>#<instance id>"
//   instance_ids:<hostname>  SET of instance ids
//   serial                   incremented by every change
//
// Each change is one Lua script, so a router's replica never sees half of
// it and `serial` moves exactly once per change. Removal matches entries by
// instance id, so it works whatever address the entry was written with.
// Thread safe (redis::Client serialises commands).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/redis_client.h"
#include "core/result.h"

namespace paasmaker::pacemaker::lifecycle {

// The pacemaker routes itself as pacemaker.<cluster_hostname> (SPEC §4): its
// entry carries this as version type and instance id, so its traffic is
// counted as stat_vt:pacemaker and the health checks leave it alone.
inline constexpr const char* kPacemakerRouteId = "pacemaker";

std::string RouteEntry(const std::string& address, int64_t port, const std::string& version_type_id,
                       const std::string& node_uuid, const std::string& instance_id);

// Hostnames of an instance (SPEC §4), lower-cased.
struct HostnameParts {
  int64_t version_number = 0;
  std::string type_name;
  std::string application_name;
  std::string workspace_stub;
  std::string cluster_hostname;
};
// <version>.<type>.<app>.<stub>.<cluster>: always routed.
std::string VersionHostname(const HostnameParts& parts);
// <type>.<app>.<stub>.<cluster>: routed while the version is current (with the manifest's).
std::string TypeHostname(const HostnameParts& parts);

class RoutingTable {
 public:
  explicit RoutingTable(redis::Client* client) : client_(client) {}

  // Adds `entry` (of `instance_id`) to every hostname; returns the new serial.
  Result<int64_t> Add(const std::vector<std::string>& hostnames, const std::string& entry,
                      const std::string& instance_id);
  // Removes every entry of `instance_id` from the hostnames; returns the new serial.
  Result<int64_t> Remove(const std::vector<std::string>& hostnames, const std::string& instance_id);
  // Makes `entry` the only one of `hostname` (no new serial when it already is).
  Result<int64_t> Publish(const std::string& hostname, const std::string& entry, const std::string& instance_id);
  // {"serial": N, "routes": {hostname: [entries]}}
  Result<nlohmann::json> Dump();

 private:
  redis::Client* client_;
};

}  // namespace paasmaker::pacemaker::lifecycle
