#include "pacemaker/store/user_store.h"

#include "core/ids.h"
#include "model/permissions.h"
#include "pacemaker/store/schema.h"
#include "pacemaker/store/unique_violation.h"

namespace paasmaker::pacemaker {

using nlohmann::json;

namespace {

User UserFromRow(const sql::Row& row) {
  User u;
  u.id = row.GetString("id");
  u.login = row.GetString("login");
  u.name = row.GetString("name");
  u.email = row.GetString("email");
  u.enabled = row.GetInt("enabled") != 0;
  u.created = row.GetDouble("created");
  return u;
}

Role RoleFromRow(const sql::Row& row) {
  Role r;
  r.id = row.GetString("id");
  r.name = row.GetString("name");
  json perms = json::parse(row.GetString("permissions"), nullptr, false);
  if (perms.is_array()) {
    for (const auto& p : perms) {
      if (p.is_string()) r.permissions.push_back(p.get<std::string>());
    }
  }
  return r;
}

Status CheckPermissions(const std::vector<std::string>& permissions) {
  for (const auto& p : permissions) {
    if (!model::IsPermission(p)) return InvalidArgument("permissions: no such permission '" + p + "'");
  }
  return Status::Ok();
}

}  // namespace

json User::ToJson() const {
  return {{"id", id}, {"login", login}, {"name", name}, {"email", email}, {"enabled", enabled}, {"created", created}};
}

json Role::ToJson() const { return {{"id", id}, {"name", name}, {"permissions", permissions}}; }

bool Grants::Allows(const std::string& permission, const std::string& workspace_id) const {
  if (global.count(permission)) return true;
  if (workspace_id.empty()) return false;
  auto it = by_workspace.find(workspace_id);
  return it != by_workspace.end() && it->second.count(permission);
}

Result<std::pair<User, std::string>> UserStore::CreateUser(const std::string& login, const std::string& name,
                                                           const std::string& email, const std::string& password) {
  if (password.size() < 8) return InvalidArgument("password: must be at least 8 characters");
  PM_ASSIGN_OR_RETURN(std::string hash, ids::HashPassword(password));
  User u;
  u.id = ids::NewUuid();
  u.login = login;
  u.name = name.empty() ? login : name;
  u.email = email;
  u.created = NowSeconds();
  std::string api_key = ids::RandomToken(24);
  auto inserted = db_.Execute(
      "INSERT INTO users (id, login, name, email, password_hash, api_key_hash, enabled, created) "
      "VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
      {u.id, u.login, u.name, u.email, hash, ids::Sha256Hex(api_key), u.created});
  if (!inserted.ok()) {
    if (IsUniqueViolation(inserted.status())) return AlreadyExists("login: a user '" + login + "' already exists");
    return inserted.status();
  }
  return std::make_pair(u, api_key);
}

Result<std::vector<User>> UserStore::ListUsers() {
  PM_ASSIGN_OR_RETURN(auto rows, db_.Query("SELECT * FROM users ORDER BY login"));
  std::vector<User> users;
  for (const auto& row : rows) users.push_back(UserFromRow(row));
  return users;
}

Result<std::optional<User>> UserStore::FindUser(const std::string& id) {
  PM_ASSIGN_OR_RETURN(auto rows, db_.Query("SELECT * FROM users WHERE id = ?", {id}));
  if (rows.empty()) return std::optional<User>();
  return std::optional<User>(UserFromRow(rows.front()));
}

Result<User> UserStore::UpdateUser(const std::string& id, const UserChanges& changes) {
  PM_ASSIGN_OR_RETURN(auto found, FindUser(id));
  if (!found) return NotFound("no user " + id);
  std::string password_hash;
  if (changes.password) {
    if (changes.password->size() < 8) return InvalidArgument("password: must be at least 8 characters");
    PM_ASSIGN_OR_RETURN(password_hash, ids::HashPassword(*changes.password));
  }
  PM_RETURN_IF_ERROR(db_.Transaction([&](sql::Database& db) -> Status {
    if (changes.name) PM_RETURN_IF_ERROR(db.Execute("UPDATE users SET name = ? WHERE id = ?", {*changes.name, id}).status());
    if (changes.email) {
      PM_RETURN_IF_ERROR(db.Execute("UPDATE users SET email = ? WHERE id = ?", {*changes.email, id}).status());
    }
    if (changes.password) {
      PM_RETURN_IF_ERROR(db.Execute("UPDATE users SET password_hash = ? WHERE id = ?", {password_hash, id}).status());
    }
    if (changes.enabled) {
      PM_RETURN_IF_ERROR(
          db.Execute("UPDATE users SET enabled = ? WHERE id = ?", {int64_t{*changes.enabled ? 1 : 0}, id}).status());
    }
    return Status::Ok();
  }));
  PM_ASSIGN_OR_RETURN(auto updated, FindUser(id));
  if (!updated) return NotFound("no user " + id);
  return *updated;
}

Result<std::string> UserStore::ResetApiKey(const std::string& id) {
  std::string api_key = ids::RandomToken(24);
  PM_ASSIGN_OR_RETURN(int64_t changed,
                      db_.Execute("UPDATE users SET api_key_hash = ? WHERE id = ?", {ids::Sha256Hex(api_key), id}));
  if (changed == 0) return NotFound("no user " + id);
  return api_key;
}

Status UserStore::DeleteUser(const std::string& id) {
  return db_.Transaction([&](sql::Database& db) -> Status {
    PM_RETURN_IF_ERROR(db.Execute("DELETE FROM role_allocations WHERE user_id = ?", {id}).status());
    PM_RETURN_IF_ERROR(db.Execute("DELETE FROM sessions WHERE user_id = ?", {id}).status());
    PM_ASSIGN_OR_RETURN(int64_t deleted, db.Execute("DELETE FROM users WHERE id = ?", {id}));
    if (deleted == 0) return NotFound("no user " + id);
    return Status::Ok();
  });
}

Result<std::optional<User>> UserStore::FindUserByApiKey(const std::string& api_key) {
  PM_ASSIGN_OR_RETURN(auto rows, db_.Query("SELECT * FROM users WHERE api_key_hash = ? AND enabled = 1",
                                           {ids::Sha256Hex(api_key)}));
  if (rows.empty()) return std::optional<User>();
  return std::optional<User>(UserFromRow(rows.front()));
}

Result<std::optional<User>> UserStore::CheckPassword(const std::string& login, const std::string& password) {
  PM_ASSIGN_OR_RETURN(auto rows, db_.Query("SELECT * FROM users WHERE login = ? AND enabled = 1", {login}));
  if (rows.empty() || !ids::VerifyPassword(rows.front().GetString("password_hash"), password)) {
    return std::optional<User>();
  }
  return std::optional<User>(UserFromRow(rows.front()));
}

Result<Role> UserStore::CreateRole(const std::string& name, const std::vector<std::string>& permissions) {
  PM_RETURN_IF_ERROR(CheckPermissions(permissions));
  Role r{ids::NewUuid(), name, permissions};
  auto inserted = db_.Execute("INSERT INTO roles (id, name, permissions, created) VALUES (?, ?, ?, ?)",
                              {r.id, r.name, json(permissions).dump(), NowSeconds()});
  if (!inserted.ok()) {
    if (IsUniqueViolation(inserted.status())) return AlreadyExists("name: a role '" + name + "' already exists");
    return inserted.status();
  }
  return r;
}

Result<std::vector<Role>> UserStore::ListRoles() {
  PM_ASSIGN_OR_RETURN(auto rows, db_.Query("SELECT * FROM roles ORDER BY name"));
  std::vector<Role> roles;
  for (const auto& row : rows) roles.push_back(RoleFromRow(row));
  return roles;
}

Status UserStore::Allocate(const std::string& user_id, const std::string& role_id, const std::string& workspace_id) {
  PM_ASSIGN_OR_RETURN(auto users, db_.Query("SELECT id FROM users WHERE id = ?", {user_id}));
  if (users.empty()) return NotFound("user_id: no user " + user_id);
  PM_ASSIGN_OR_RETURN(auto roles, db_.Query("SELECT id FROM roles WHERE id = ?", {role_id}));
  if (roles.empty()) return NotFound("role_id: no role " + role_id);
  if (!workspace_id.empty()) {
    PM_ASSIGN_OR_RETURN(auto ws, db_.Query("SELECT id FROM workspaces WHERE id = ?", {workspace_id}));
    if (ws.empty()) return NotFound("workspace_id: no workspace " + workspace_id);
  }
  auto inserted = db_.Execute(
      "INSERT INTO role_allocations (id, user_id, role_id, workspace_id, created) VALUES (?, ?, ?, ?, ?)",
      {ids::NewUuid(), user_id, role_id, workspace_id.empty() ? sql::Null() : sql::Value(workspace_id),
       NowSeconds()});
  return inserted.ok() ? Status::Ok() : inserted.status();
}

json RoleAllocation::ToJson() const {
  return {{"id", id},           {"user_id", user_id}, {"login", login},    {"role_id", role_id},
          {"role", role},       {"workspace_id", workspace_id.empty() ? json() : json(workspace_id)},
          {"created", created}};
}

Result<std::optional<Role>> UserStore::FindRole(const std::string& id) {
  PM_ASSIGN_OR_RETURN(auto rows, db_.Query("SELECT * FROM roles WHERE id = ?", {id}));
  if (rows.empty()) return std::optional<Role>();
  return std::optional<Role>(RoleFromRow(rows.front()));
}

Result<Role> UserStore::UpdateRole(const std::string& id, const std::optional<std::string>& name,
                                   const std::optional<std::vector<std::string>>& permissions) {
  if (permissions) PM_RETURN_IF_ERROR(CheckPermissions(*permissions));
  if (name && name->empty()) return InvalidArgument("name: must not be empty");
  PM_ASSIGN_OR_RETURN(auto found, FindRole(id));
  if (!found) return NotFound("no role " + id);
  if (name) {
    auto renamed = db_.Execute("UPDATE roles SET name = ? WHERE id = ?", {*name, id});
    if (!renamed.ok() && IsUniqueViolation(renamed.status())) {
      return AlreadyExists("name: a role '" + *name + "' already exists");
    }
    PM_RETURN_IF_ERROR(renamed.status());
  }
  if (permissions) {
    PM_RETURN_IF_ERROR(db_.Execute("UPDATE roles SET permissions = ? WHERE id = ?", {json(*permissions).dump(), id})
                           .status());
  }
  PM_ASSIGN_OR_RETURN(auto updated, FindRole(id));
  if (!updated) return NotFound("no role " + id);
  return *updated;
}

Status UserStore::DeleteRole(const std::string& id) {
  return db_.Transaction([&](sql::Database& db) -> Status {
    PM_ASSIGN_OR_RETURN(auto held, db.Query("SELECT COUNT(*) AS n FROM role_allocations WHERE role_id = ?", {id}));
    int64_t allocations = held.empty() ? 0 : held.front().GetInt("n");
    if (allocations > 0) {
      return FailedPrecondition("the role is allocated " + std::to_string(allocations) +
                                " time(s); unallocate it first (`paasmaker role allocations` lists them)");
    }
    PM_ASSIGN_OR_RETURN(int64_t deleted, db.Execute("DELETE FROM roles WHERE id = ?", {id}));
    if (deleted == 0) return NotFound("no role " + id);
    return Status::Ok();
  });
}

Result<std::vector<RoleAllocation>> UserStore::ListAllocations() {
  PM_ASSIGN_OR_RETURN(auto rows, db_.Query("SELECT a.id AS id, a.user_id AS user_id, u.login AS login, "
                                           "a.role_id AS role_id, r.name AS role, a.workspace_id AS workspace_id, "
                                           "a.created AS created FROM role_allocations a "
                                           "JOIN users u ON u.id = a.user_id JOIN roles r ON r.id = a.role_id "
                                           "ORDER BY u.login, r.name"));
  std::vector<RoleAllocation> out;
  for (const auto& row : rows) {
    out.push_back({row.GetString("id"), row.GetString("user_id"), row.GetString("login"), row.GetString("role_id"),
                   row.GetString("role"), row.IsNull("workspace_id") ? "" : row.GetString("workspace_id"),
                   row.GetDouble("created")});
  }
  return out;
}

Status UserStore::Unallocate(const std::string& allocation_id) {
  PM_ASSIGN_OR_RETURN(int64_t deleted, db_.Execute("DELETE FROM role_allocations WHERE id = ?", {allocation_id}));
  if (deleted == 0) return NotFound("no role allocation " + allocation_id);
  return Status::Ok();
}

Result<Grants> UserStore::GrantsOf(const std::string& user_id) {
  PM_ASSIGN_OR_RETURN(auto rows, db_.Query("SELECT a.workspace_id AS workspace_id, r.permissions AS permissions "
                                           "FROM role_allocations a JOIN roles r ON r.id = a.role_id "
                                           "WHERE a.user_id = ?",
                                           {user_id}));
  Grants grants;
  for (const auto& row : rows) {
    json perms = json::parse(row.GetString("permissions"), nullptr, false);
    if (!perms.is_array()) continue;
    std::string workspace = row.IsNull("workspace_id") ? "" : row.GetString("workspace_id");
    for (const auto& p : perms) {
      if (!p.is_string()) continue;
      if (workspace.empty()) grants.global.insert(p.get<std::string>());
      else grants.by_workspace[workspace].insert(p.get<std::string>());
    }
  }
  return grants;
}

Result<std::string> UserStore::CreateSession(const std::string& user_id, double lifetime_seconds) {
  std::string token = ids::RandomToken(32);
  auto inserted = db_.Execute("INSERT INTO sessions (token_hash, user_id, expires) VALUES (?, ?, ?)",
                              {ids::Sha256Hex(token), user_id, NowSeconds() + lifetime_seconds});
  if (!inserted.ok()) return inserted.status();
  return token;
}

Result<std::optional<User>> UserStore::FindUserBySession(const std::string& token) {
  PM_ASSIGN_OR_RETURN(auto rows, db_.Query("SELECT u.* FROM sessions s JOIN users u ON u.id = s.user_id "
                                           "WHERE s.token_hash = ? AND s.expires > ? AND u.enabled = 1",
                                           {ids::Sha256Hex(token), NowSeconds()}));
  if (rows.empty()) return std::optional<User>();
  return std::optional<User>(UserFromRow(rows.front()));
}

Status UserStore::DeleteSession(const std::string& token) {
  return db_.Execute("DELETE FROM sessions WHERE token_hash = ?", {ids::Sha256Hex(token)}).status();
}

Result<int64_t> UserStore::CountUsers() {
  PM_ASSIGN_OR_RETURN(auto rows, db_.Query("SELECT COUNT(*) AS n FROM users"));
  return rows.empty() ? int64_t{0} : rows.front().GetInt("n");
}

}  // namespace paasmaker::pacemaker
