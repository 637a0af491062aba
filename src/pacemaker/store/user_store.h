// UserStore: users, roles, role allocations and console sessions.
//
// API keys and session tokens are never stored: only their SHA-256, so a
// copy of the database does not hand out access. Passwords are kept as
// Argon2id hashes. Thread safe (the Database serialises access).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/sql/database.h"

namespace paasmaker::pacemaker {

struct User {
  std::string id;
  std::string login;
  std::string name;
  std::string email;
  bool enabled = true;
  double created = 0;
  nlohmann::json ToJson() const;
};

struct Role {
  std::string id;
  std::string name;
  std::vector<std::string> permissions;
  nlohmann::json ToJson() const;
};

// A role given to a user, everywhere (workspace_id "") or in one workspace.
struct RoleAllocation {
  std::string id;
  std::string user_id;
  std::string login;
  std::string role_id;
  std::string role;
  std::string workspace_id;
  double created = 0;
  nlohmann::json ToJson() const;
};

// Permissions of one user: global ones, and per workspace.
struct Grants {
  std::set<std::string> global;
  std::map<std::string, std::set<std::string>> by_workspace;
  // Granted globally, or on `workspace_id` when it is not empty.
  bool Allows(const std::string& permission, const std::string& workspace_id = "") const;
};

class UserStore {
 public:
  explicit UserStore(sql::Database& db) : db_(db) {}

  // Creates a user; returns it and its new API key (shown once).
  Result<std::pair<User, std::string>> CreateUser(const std::string& login, const std::string& name,
                                                  const std::string& email, const std::string& password);
  Result<std::vector<User>> ListUsers();
  Result<std::optional<User>> FindUser(const std::string& id);
  // Only what is set changes. A password needs 8 characters or more; a user
  // disabled stops working at once (keys and sessions are only accepted
  // for enabled users).
  struct UserChanges {
    std::optional<std::string> name{};
    std::optional<std::string> email{};
    std::optional<std::string> password{};
    std::optional<bool> enabled{};
  };
  Result<User> UpdateUser(const std::string& id, const UserChanges& changes);
  // A new API key (returned, shown once); the old one stops working at once.
  Result<std::string> ResetApiKey(const std::string& id);
  // The user, their role allocations and sessions.
  Status DeleteUser(const std::string& id);
  Result<std::optional<User>> FindUserByApiKey(const std::string& api_key);
  Result<std::optional<User>> CheckPassword(const std::string& login, const std::string& password);

  Result<Role> CreateRole(const std::string& name, const std::vector<std::string>& permissions);
  Result<std::vector<Role>> ListRoles();
  Status Allocate(const std::string& user_id, const std::string& role_id, const std::string& workspace_id);
  Result<std::optional<Role>> FindRole(const std::string& id);
  // Only what is given changes; permissions must be known ones.
  Result<Role> UpdateRole(const std::string& id, const std::optional<std::string>& name,
                          const std::optional<std::vector<std::string>>& permissions);
  // Refused (FailedPrecondition) while the role is allocated: unallocate it
  // first, so nobody loses permissions by surprise.
  Status DeleteRole(const std::string& id);
  Result<std::vector<RoleAllocation>> ListAllocations();  // by login, then role
  Status Unallocate(const std::string& allocation_id);
  Result<Grants> GrantsOf(const std::string& user_id);

  // Console sessions: a random token whose hash is stored with an expiry.
  Result<std::string> CreateSession(const std::string& user_id, double lifetime_seconds);
  Result<std::optional<User>> FindUserBySession(const std::string& token);
  Status DeleteSession(const std::string& token);  // logout: the token stops working at once

  Result<int64_t> CountUsers();

 private:
  sql::Database& db_;
};

}  // namespace paasmaker::pacemaker
