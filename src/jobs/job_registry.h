// JobRegistry: the job plugins a node knows, by name.
//
// Thread contract: register everything at start-up, before any JobManager
// uses the registry; after that it is only read, from any thread.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "jobs/job.h"
#include "jobs/job_plugin.h"

namespace paasmaker::jobs {

class JobRegistry {
 public:
  // AlreadyExists if a plugin of that name is registered.
  Status Register(std::shared_ptr<const JobPlugin> plugin);
  // nullptr if unknown. The registry keeps ownership.
  const JobPlugin* Find(const std::string& name) const;
  // The type is registered and its parameters are valid.
  Status Validate(const JobSpec& spec) const;
  std::vector<std::string> Names() const;

 private:
  std::map<std::string, std::shared_ptr<const JobPlugin>> plugins_;
};

}  // namespace paasmaker::jobs
