// What a node keeps in its data directory to stay the same node across
// restarts: its UUID (given by the pacemaker at first registration) and the
// shared node token (from the config, or generated once into the data dir).
// Files are written atomically with mode 0600. Not thread safe; used at start-up
// and by the reporter thread only.
#pragma once

#include <string>

#include "core/result.h"

namespace paasmaker::node {

class NodeIdentity {
 public:
  explicit NodeIdentity(std::string data_dir) : data_dir_(std::move(data_dir)) {}

  // The saved UUID, or "" before the first registration.
  std::string LoadUuid() const;
  Status SaveUuid(const std::string& uuid) const;

  // `configured` if not empty; else the token saved in the data dir, created
  // on first use.
  Result<std::string> NodeToken(const std::string& configured) const;

 private:
  std::string data_dir_;
};

}  // namespace paasmaker::node
