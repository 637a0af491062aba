// The health manager's pure decisions (SPEC §7), apart from the jobs that
// act on them so they are unit tested without a cluster: which nodes are
// silent, which routed instances must leave the routing table, how far a
// type is from its quantity. No I/O; thread compatible.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/node.h"
#include "pacemaker/store/application_store.h"

namespace paasmaker::pacemaker::health {

// ACTIVE nodes not heard from for longer than `timeout` seconds at `now`,
// except `self` (the pacemaker checking is plainly alive). Nothing before
// `not_before`: after a pacemaker (re)start every node gets one timeout to
// report in, since last_heard is as old as the pacemaker's outage.
std::vector<model::Node> SilentNodes(const std::vector<model::Node>& nodes, double now, double timeout,
                                     double not_before, const std::string& self);

// When the first ACTIVE node except `self` will have been silent for
// `timeout` seconds (its last_heard + timeout), so the check can run then
// rather than up to a period later; nullopt when there is no such node.
std::optional<double> NextSilenceDeadline(const std::vector<model::Node>& nodes, double timeout,
                                          const std::string& self);

// The instance id of a routing entry "<ip>:<port>#<type id>#<node>#<instance id>" ("" if malformed).
std::string RouteEntryInstance(const std::string& entry);

// Instance ids routed in a routing-table dump ({"routes": {hostname: [entries]}}) → their hostnames.
std::map<std::string, std::vector<std::string>> RoutedInstances(const nlohmann::json& dump);

// Whether a routed instance must go: unknown to SQL, or not RUNNING for
// longer than `grace` seconds (a start tree routes an instance just before it
// records RUNNING, so younger states are left alone).
bool ShouldUnroute(const Instance* instance, double now, double grace);

// States that count towards a type's quantity when looking for missing
// instances: those running or on their way (a start may be under way), and
// ERROR: an instance that failed to start or crash-looped past its heart's
// restart policy would fail the same way anywhere, so it is not replaced
// elsewhere; it stays ERROR for the user to look at (logs, restarts,
// last_exit) and to start again (version start) once fixed. Instances lost
// with their node are DOWN, not ERROR, and are replaced.
bool CountsTowardsQuantity(const std::string& state);

}  // namespace paasmaker::pacemaker::health
