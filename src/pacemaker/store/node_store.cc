#include "pacemaker/store/node_store.h"

#include "pacemaker/store/schema.h"

namespace paasmaker::pacemaker {

using nlohmann::json;

namespace {

json ParseOr(const std::string& text, json fallback) {
  json parsed = json::parse(text, nullptr, false);
  return parsed.is_discarded() ? fallback : parsed;
}

model::Node FromRow(const sql::Row& row) {
  model::Node n;
  n.uuid = row.GetString("uuid");
  n.name = row.GetString("name");
  n.route = row.GetString("route");
  n.api_port = static_cast<int>(row.GetInt("api_port"));
  json roles = ParseOr(row.GetString("roles"), json::array());
  for (const auto& r : roles) {
    if (r.is_string()) n.roles.push_back(r.get<std::string>());
  }
  n.tags = ParseOr(row.GetString("tags"), json::object());
  n.runtimes = ParseOr(row.GetString("runtimes"), json::object());
  n.stats = ParseOr(row.GetString("stats"), json::object());
  for (const auto& d : ParseOr(row.GetString("shared_directories"), json::array())) {
    if (d.is_string()) n.shared_directories.push_back(d.get<std::string>());
  }
  n.score = row.GetDouble("score");
  n.state = row.GetString("state");
  n.last_heard = row.GetDouble("last_heard");
  n.created = row.GetDouble("created");
  return n;
}

}  // namespace

Status NodeStore::Save(const model::Node& n) {
  return db_.Transaction([&](sql::Database& db) -> Status {
    PM_ASSIGN_OR_RETURN(auto changed,
                        db.Execute("UPDATE nodes SET name = ?, route = ?, api_port = ?, roles = ?, tags = ?, "
                                   "runtimes = ?, stats = ?, shared_directories = ?, score = ?, state = ?, last_heard = ? "
                                   "WHERE uuid = ?",
                                   {n.name, n.route, int64_t{n.api_port}, json(n.roles).dump(), n.tags.dump(),
                                    n.runtimes.dump(), n.stats.dump(), json(n.shared_directories).dump(), n.score,
                                    n.state, n.last_heard, n.uuid}));
    if (changed > 0) return Status::Ok();
    auto inserted = db.Execute(
        "INSERT INTO nodes (uuid, name, route, api_port, roles, tags, runtimes, stats, shared_directories, score, "
        "state, last_heard, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {n.uuid, n.name, n.route, int64_t{n.api_port}, json(n.roles).dump(), n.tags.dump(), n.runtimes.dump(),
         n.stats.dump(), json(n.shared_directories).dump(), n.score, n.state, n.last_heard, n.created});
    return inserted.ok() ? Status::Ok() : inserted.status();
  });
}

Result<std::optional<model::Node>> NodeStore::Find(const std::string& uuid) {
  PM_ASSIGN_OR_RETURN(auto rows, db_.Query("SELECT * FROM nodes WHERE uuid = ?", {uuid}));
  if (rows.empty()) return std::optional<model::Node>();
  return std::optional<model::Node>(FromRow(rows.front()));
}

Result<std::vector<model::Node>> NodeStore::List() {
  PM_ASSIGN_OR_RETURN(auto rows, db_.Query("SELECT * FROM nodes ORDER BY name, uuid"));
  std::vector<model::Node> nodes;
  for (const auto& row : rows) nodes.push_back(FromRow(row));
  return nodes;
}

Result<std::map<std::string, int64_t>> NodeStore::CountByState() {
  return CountByColumn(db_, "SELECT state, COUNT(*) AS n FROM nodes GROUP BY state");
}

Status NodeStore::SetState(const std::string& uuid, const std::string& state) {
  PM_ASSIGN_OR_RETURN(auto changed, db_.Execute("UPDATE nodes SET state = ? WHERE uuid = ?", {state, uuid}));
  if (changed == 0) return NotFound("no node " + uuid);
  return Status::Ok();
}

Result<bool> NodeStore::MarkDownIfSilent(const std::string& uuid, double silent_since) {
  PM_ASSIGN_OR_RETURN(auto changed, db_.Execute("UPDATE nodes SET state = ? WHERE uuid = ? AND state = ? AND last_heard < ?",
                                                {model::kNodeDown, uuid, model::kNodeActive, silent_since}));
  return changed > 0;
}

}  // namespace paasmaker::pacemaker
