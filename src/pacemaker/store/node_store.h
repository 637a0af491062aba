// NodeStore: nodes as the pacemaker records them (table `nodes`).
// Thread safe (the Database serialises access).
#pragma once

#include <map>
#include <optional>
#include <vector>

#include "core/sql/database.h"
#include "model/node.h"

namespace paasmaker::pacemaker {

class NodeStore {
 public:
  explicit NodeStore(sql::Database& db) : db_(db) {}

  // Inserts or replaces the node's record (by uuid).
  Status Save(const model::Node& node);
  Result<std::optional<model::Node>> Find(const std::string& uuid);
  Result<std::vector<model::Node>> List();
  // How many nodes are in each state (states with none are absent).
  Result<std::map<std::string, int64_t>> CountByState();
  Status SetState(const std::string& uuid, const std::string& state);
  // ACTIVE -> DOWN only if the node is still ACTIVE and last heard before
  // `silent_since`: a report that arrives meanwhile wins over the decision.
  // Whether it changed.
  Result<bool> MarkDownIfSilent(const std::string& uuid, double silent_since);

 private:
  sql::Database& db_;
};

}  // namespace paasmaker::pacemaker
