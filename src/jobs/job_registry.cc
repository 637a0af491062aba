#include "jobs/job_registry.h"

namespace paasmaker::jobs {

Status JobRegistry::Register(std::shared_ptr<const JobPlugin> plugin) {
  if (plugin == nullptr) return InvalidArgument("no plugin");
  std::string name = plugin->name();
  if (name.empty()) return InvalidArgument("a job plugin needs a name");
  if (!plugins_.emplace(name, std::move(plugin)).second) {
    return AlreadyExists("job plugin " + name + " is already registered");
  }
  return Status::Ok();
}

const JobPlugin* JobRegistry::Find(const std::string& name) const {
  auto it = plugins_.find(name);
  return it == plugins_.end() ? nullptr : it->second.get();
}

Status JobRegistry::Validate(const JobSpec& spec) const {
  const JobPlugin* plugin = Find(spec.type);
  if (plugin == nullptr) return InvalidArgument("unknown job type '" + spec.type + "'");
  return plugin->ValidateParameters(spec.parameters).WithContext("job " + spec.type);
}

std::vector<std::string> JobRegistry::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, plugin] : plugins_) names.push_back(name);
  return names;
}

}  // namespace paasmaker::jobs
