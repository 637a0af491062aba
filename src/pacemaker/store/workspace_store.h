// WorkspaceStore: workspaces (SPEC §8): unique name, unique stub (used in
// hostnames), tags exposed to applications. Thread safe.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "core/sql/database.h"

namespace paasmaker::pacemaker {

struct Workspace {
  std::string id;
  std::string name;
  std::string stub;
  nlohmann::json tags = nlohmann::json::object();
  double created = 0;
  nlohmann::json ToJson() const;
};

// A stub is a DNS label: lower-case letters, digits, '-', 1..63 chars, not
// starting or ending with '-'.
bool IsValidStub(const std::string& stub);

class WorkspaceStore {
 public:
  explicit WorkspaceStore(sql::Database& db) : db_(db) {}

  Result<Workspace> Create(const std::string& name, const std::string& stub, const nlohmann::json& tags);
  Result<std::vector<Workspace>> List();
  Result<std::optional<Workspace>> Find(const std::string& id);
  // Only what is given changes (the stub never: it is in hostnames).
  Result<Workspace> Update(const std::string& id, const std::optional<std::string>& name,
                           const std::optional<nlohmann::json>& tags);
  // Refused (FailedPrecondition) while it holds applications; its role
  // allocations go with it.
  Status Delete(const std::string& id);

 private:
  sql::Database& db_;
};

}  // namespace paasmaker::pacemaker
