#include "heart/heart.h"

#include "core/files.h"

namespace paasmaker::heart {

Status Heart::Start() {
  // Instance directories hold application code: keep them away from other users.
  return files::MakeDirectories(config_.heart.working_dir, 0711);
}

void Heart::Stop() {}

nlohmann::json Heart::ReportExtra() const { return {{"instances", nlohmann::json::array()}}; }

}  // namespace paasmaker::heart
