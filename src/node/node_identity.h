// What a node keeps in its data directory to stay the same node across
// restarts: its UUID (given by the pacemaker at first registration), the
// shared node token (from the config, or generated once into the data dir)
// and the Redis access the pacemaker handed out last (so a node that
// restarts while the pacemaker is away runs on).
// Files are written atomically with mode 0600. Not thread safe; used at start-up
// and by the reporter thread only.
#pragma once

#include <optional>
#include <string>

#include "core/result.h"
#include "model/redis_access.h"

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

  // The saved access, or nullopt before the first registration (or when the
  // file is unreadable: the node then registers again to get it).
  std::optional<model::RedisAccess> LoadRedisAccess() const;
  Status SaveRedisAccess(const model::RedisAccess& access) const;

 private:
  std::string data_dir_;
};

}  // namespace paasmaker::node
