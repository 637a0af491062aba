// Heart: the role that runs application instances (SPEC §5).
//
// This first brick prepares the working directory and tells the pacemaker
// which runtimes the heart offers (through the node report); instance
// management arrives with the lifecycle work. Start/Stop from the node's
// controlling thread; ReportExtra from the reporter thread.
#pragma once

#include <nlohmann/json.hpp>

#include "config/node_config.h"
#include "core/status.h"

namespace paasmaker::heart {

class Heart {
 public:
  explicit Heart(const config::NodeConfig& config) : config_(config) {}

  Status Start();
  void Stop();

  // What the heart adds to every node report: {"instances": [...]}.
  nlohmann::json ReportExtra() const;

 private:
  const config::NodeConfig& config_;
};

}  // namespace paasmaker::heart
