// The checks of `paasmaker doctor` (doctor.h), one function per subject;
// each appends its findings to `out`. Internal to src/node.
#pragma once

#include <string>
#include <vector>

#include "config/node_config.h"
#include "node/doctor.h"

namespace paasmaker::node::doctor {

using Checks = std::vector<DoctorCheck>;

// doctor_programs.cc: redis-server, nginx, its modules, lua-nginx-redis.
void CheckPrograms(const config::NodeConfig& config, const DoctorHost& host, Checks& out);
// doctor_dirs.cc: the data dir; as root, the uids and what they can reach.
void CheckDataDir(const config::NodeConfig& config, Checks& out);
void CheckUids(const config::NodeConfig& config, const DoctorHost& host, Checks& out);
// doctor_network.cc: every port the node binds, its ranges, the clock.
void CheckPorts(const config::NodeConfig& config, const DoctorHost& host, Checks& out);
void CheckClock(const config::NodeConfig& config, Checks& out);

// Builders that keep each check a line long.
DoctorCheck Ok(std::string name, std::string detail);
DoctorCheck Warning(std::string name, std::string detail, std::string fix);
DoctorCheck Problem(std::string name, std::string detail, std::string fix);

// The deepest of `path` and its ancestors that exists ("/" at worst).
std::string DeepestExisting(const std::string& path);

}  // namespace paasmaker::node::doctor
