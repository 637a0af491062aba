// Lifecycle trees (SPEC §6): what the API starts for register, start, stop,
// deregister, make current, delete and change quantity. Each function checks
// that the action makes sense in the current state (FailedPrecondition, a
// 409, saying why not), builds the tree, adds and starts it, and returns the
// root job id. Trees are tagged with the workspace, application and version
// so the job listings and permissions work.
//
// Per-instance chains (also grafted by the placement job) are built by the
// Chain* functions, so every tree stops or starts an instance the same way.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"
#include "jobs/job.h"
#include "pacemaker/pacemaker_context.h"

namespace paasmaker::pacemaker::lifecycle {

// Job type names of the heart (src/heart) and the pacemaker (here).
namespace job_types {
inline constexpr const char* kHeartRegister = "paasmaker.job.heart.register";
inline constexpr const char* kHeartStartup = "paasmaker.job.heart.startup";
inline constexpr const char* kHeartStart = "paasmaker.job.heart.start";
inline constexpr const char* kHeartStop = "paasmaker.job.heart.stop";
inline constexpr const char* kHeartDeregister = "paasmaker.job.heart.deregister";
inline constexpr const char* kSelect = "paasmaker.job.placement.select";
inline constexpr const char* kInstanceStore = "paasmaker.job.instance.store";
inline constexpr const char* kRoutingUpdate = "paasmaker.job.routing.update";
inline constexpr const char* kVersionState = "paasmaker.job.version.state";
inline constexpr const char* kVersionCurrent = "paasmaker.job.version.current";
inline constexpr const char* kInstanceState = "paasmaker.job.instance.state";
inline constexpr const char* kVersionDelete = "paasmaker.job.version.delete";
inline constexpr const char* kApplicationDelete = "paasmaker.job.application.delete";
inline constexpr const char* kGroup = "paasmaker.job.group";
}  // namespace job_types

// A chain of jobs, first = closest to `parent_id` (runs last), each next one
// a child of the one before. Fills in ids; returns them appended to `out`.
void AppendChain(const std::string& parent_id, std::vector<jobs::JobSpec> top_to_bottom,
                 std::vector<jobs::JobSpec>* out);

// Stops one instance: routing removed first, then the heart stops it, then
// SQL says STOPPED. `node` is the instance's heart; `pacemaker` this node.
std::vector<jobs::JobSpec> StopChain(const Instance& instance, const std::string& pacemaker, bool heart_alive);
// Registers (and with `start` starts and routes) one instance.
std::vector<jobs::JobSpec> StartChain(const Instance& instance, const nlohmann::json& spec,
                                      const std::string& pacemaker, bool start, bool routed);

// Stops and deregisters one instance (surplus removal): StopChain, then the
// heart forgets it, then SQL says DEREGISTERED.
std::vector<jobs::JobSpec> RemoveChain(const Instance& instance, const std::string& pacemaker, bool heart_alive);

// Which of `live` (instances of one type) go so that `quantity` remain:
// first those in `first` (e.g. instances no route points at), then from the
// hearts holding the most instances of the type, worst (highest) score
// first. Pure; shared by ChangeQuantity and the health manager.
std::vector<Instance> ChooseSurplus(std::vector<Instance> live, int64_t quantity,
                                    const std::vector<model::Node>& nodes, const std::set<std::string>& first = {});

class Lifecycle {
 public:
  explicit Lifecycle(PacemakerContext& ctx) : ctx_(ctx) {}

  Result<std::string> Register(const Version& version);
  Result<std::string> Start(const Version& version);
  Result<std::string> Stop(const Version& version);
  Result<std::string> Deregister(const Version& version);
  Result<std::string> MakeCurrent(const Version& version);
  Result<std::string> DeleteVersion(const Version& version);
  Result<std::string> DeleteApplication(const Application& application);
  // nullopt when nothing needs to run (e.g. the version is not registered).
  Result<std::optional<std::string>> ChangeQuantity(const InstanceType& type, int64_t quantity);
  // A start of one type (the select job in mode start): places and starts
  // what is missing of its quantity. For the health manager.
  Result<std::string> StartType(const InstanceType& type, const std::string& title);
  // Stops and deregisters `victims` (instances of `type`), routes first.
  Result<std::string> RemoveInstances(const InstanceType& type, const std::vector<Instance>& victims,
                                      const std::string& title);

 private:
  Result<std::string> Pacemaker() const;
  Result<std::vector<std::string>> TagsFor(const std::string& application_id, const std::string& version_id);
  // Adds and starts the tree; tags the root.
  Result<std::string> Launch(std::vector<jobs::JobSpec> tree, const std::vector<std::string>& tags);
  Result<std::vector<Instance>> LiveInstances(const std::string& version_id);
  Result<bool> NodeActive(const std::string& uuid);

  PacemakerContext& ctx_;
};

}  // namespace paasmaker::pacemaker::lifecycle
