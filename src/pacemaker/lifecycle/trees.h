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
#include "model/job_types.h"
#include "pacemaker/lifecycle/lifecycle_context.h"

namespace paasmaker::pacemaker::lifecycle {

// Job type names (heart and pacemaker) are spelled once, in model/job_types.h.
namespace job_types = model::job_types;

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
  explicit Lifecycle(TreeContext ctx) : ctx_(ctx) {}

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

  TreeContext ctx_;
};

}  // namespace paasmaker::pacemaker::lifecycle
