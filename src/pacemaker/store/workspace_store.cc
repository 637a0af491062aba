#include "pacemaker/store/workspace_store.h"

#include "core/ids.h"
#include "pacemaker/store/schema.h"
#include "pacemaker/store/unique_violation.h"

namespace paasmaker::pacemaker {

using nlohmann::json;

namespace {
Workspace FromRow(const sql::Row& row) {
  Workspace w;
  w.id = row.GetString("id");
  w.name = row.GetString("name");
  w.stub = row.GetString("stub");
  json tags = json::parse(row.GetString("tags"), nullptr, false);
  w.tags = tags.is_object() ? tags : json::object();
  w.created = row.GetDouble("created");
  return w;
}
}  // namespace

json Workspace::ToJson() const {
  return {{"id", id}, {"name", name}, {"stub", stub}, {"tags", tags}, {"created", created}};
}

bool IsValidStub(const std::string& stub) {
  if (stub.empty() || stub.size() > 63 || stub.front() == '-' || stub.back() == '-') return false;
  for (char c : stub) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

Result<Workspace> WorkspaceStore::Create(const std::string& name, const std::string& stub, const json& tags) {
  if (!IsValidStub(stub)) {
    return InvalidArgument("stub: '" + stub + "' is not a valid hostname label (a-z, 0-9 and '-', up to 63)");
  }
  if (!tags.is_object()) return InvalidArgument("tags: must be an object");
  Workspace w{ids::NewUuid(), name, stub, tags, NowSeconds()};
  Status status = db_.Transaction([&](sql::Database& db) -> Status {
    PM_ASSIGN_OR_RETURN(auto same, db.Query("SELECT name FROM workspaces WHERE name = ? OR stub = ?", {name, stub}));
    for (const auto& row : same) {
      if (row.GetString("name") == name) return AlreadyExists("name: a workspace '" + name + "' already exists");
      return AlreadyExists("stub: the stub '" + stub + "' is taken");
    }
    return db.Execute("INSERT INTO workspaces (id, name, stub, tags, created) VALUES (?, ?, ?, ?, ?)",
                      {w.id, w.name, w.stub, w.tags.dump(), w.created})
        .status();
  });
  if (!status.ok()) return status;
  return w;
}

Result<std::vector<Workspace>> WorkspaceStore::List() {
  PM_ASSIGN_OR_RETURN(auto rows, db_.Query("SELECT * FROM workspaces ORDER BY name"));
  std::vector<Workspace> out;
  for (const auto& row : rows) out.push_back(FromRow(row));
  return out;
}

Result<std::optional<Workspace>> WorkspaceStore::Find(const std::string& id) {
  PM_ASSIGN_OR_RETURN(auto rows, db_.Query("SELECT * FROM workspaces WHERE id = ?", {id}));
  if (rows.empty()) return std::optional<Workspace>();
  return std::optional<Workspace>(FromRow(rows.front()));
}

Result<Workspace> WorkspaceStore::Update(const std::string& id, const std::optional<std::string>& name,
                                         const std::optional<nlohmann::json>& tags) {
  if (name && name->empty()) return InvalidArgument("name: must not be empty");
  if (tags && !tags->is_object()) return InvalidArgument("tags: must be an object");
  PM_ASSIGN_OR_RETURN(auto found, Find(id));
  if (!found) return NotFound("no workspace " + id);
  if (name) {
    auto renamed = db_.Execute("UPDATE workspaces SET name = ? WHERE id = ?", {*name, id});
    if (!renamed.ok() && IsUniqueViolation(renamed.status())) {
      return AlreadyExists("name: a workspace '" + *name + "' already exists");
    }
    PM_RETURN_IF_ERROR(renamed.status());
  }
  if (tags) PM_RETURN_IF_ERROR(db_.Execute("UPDATE workspaces SET tags = ? WHERE id = ?", {tags->dump(), id}).status());
  PM_ASSIGN_OR_RETURN(auto updated, Find(id));
  if (!updated) return NotFound("no workspace " + id);
  return *updated;
}

Status WorkspaceStore::Delete(const std::string& id) {
  return db_.Transaction([&](sql::Database& db) -> Status {
    PM_ASSIGN_OR_RETURN(auto apps, db.Query("SELECT COUNT(*) AS n FROM applications WHERE workspace_id = ?", {id}));
    int64_t count = apps.empty() ? 0 : apps.front().GetInt("n");
    if (count > 0) {
      return FailedPrecondition("the workspace holds " + std::to_string(count) +
                                " application(s); delete them first (`paasmaker app list --workspace ...`)");
    }
    PM_RETURN_IF_ERROR(db.Execute("DELETE FROM role_allocations WHERE workspace_id = ?", {id}).status());
    PM_ASSIGN_OR_RETURN(auto changed, db.Execute("DELETE FROM workspaces WHERE id = ?", {id}));
    if (changed == 0) return NotFound("no workspace " + id);
    return Status::Ok();
  });
}

}  // namespace paasmaker::pacemaker
