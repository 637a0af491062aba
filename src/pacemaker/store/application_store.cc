#include "pacemaker/store/application_store.h"

#include "core/ids.h"
#include "pacemaker/store/schema.h"

namespace paasmaker::pacemaker {

using nlohmann::json;

namespace {

json ParseJson(const std::string& text, json fallback) {
  json value = json::parse(text, nullptr, false);
  return value.is_discarded() ? fallback : value;
}

Application ApplicationFromRow(const sql::Row& row) {
  return {row.GetString("id"), row.GetString("workspace_id"), row.GetString("name"), row.GetDouble("created")};
}

Version VersionFromRow(const sql::Row& row) {
  Version v;
  v.id = row.GetString("id");
  v.application_id = row.GetString("application_id");
  v.number = row.GetInt("number");
  v.state = row.GetString("state");
  v.is_current = row.GetInt("is_current") != 0;
  v.manifest = row.GetString("manifest");
  v.manifest_path = row.GetString("manifest_path");
  v.source = ParseJson(row.GetString("source"), json::object());
  v.scm_revision = row.GetString("scm_revision");
  v.package_path = row.GetString("package_path");
  v.package_checksum = row.GetString("package_checksum");
  v.package_size = row.GetInt("package_size");
  v.created = row.GetDouble("created");
  v.updated = row.GetDouble("updated");
  return v;
}

InstanceType TypeFromRow(const sql::Row& row) {
  InstanceType t;
  t.id = row.GetString("id");
  t.version_id = row.GetString("version_id");
  t.name = row.GetString("name");
  t.quantity = row.GetInt("quantity");
  t.runtime_plugin = row.GetString("runtime_plugin");
  t.runtime_version = row.GetString("runtime_version");
  t.runtime_parameters = ParseJson(row.GetString("runtime_parameters"), json::object());
  t.startup = ParseJson(row.GetString("startup"), json::array());
  t.placement = ParseJson(row.GetString("placement"), json::object());
  json hostnames = ParseJson(row.GetString("hostnames"), json::array());
  for (const auto& h : hostnames) {
    if (h.is_string()) t.hostnames.push_back(h.get<std::string>());
  }
  t.crons = ParseJson(row.GetString("crons"), json::array());
  t.exclusive = row.GetInt("exclusive") != 0;
  t.standalone = row.GetInt("standalone") != 0;
  return t;
}

Instance InstanceFromRow(const sql::Row& row) {
  Instance i;
  i.id = row.GetString("id");
  i.instance_type_id = row.GetString("instance_type_id");
  i.version_id = row.GetString("version_id");
  i.node_uuid = row.GetString("node_uuid");
  i.port = row.GetInt("port");
  i.state = row.GetString("state");
  i.restarts = row.GetInt("restarts");
  i.last_exit = row.GetString("last_exit");
  i.changed = row.GetDouble("changed");
  i.created = row.GetDouble("created");
  return i;
}

Service ServiceFromRow(const sql::Row& row) {
  Service s;
  s.id = row.GetString("id");
  s.application_id = row.GetString("application_id");
  s.name = row.GetString("name");
  s.plugin = row.GetString("plugin");
  s.parameters = ParseJson(row.GetString("parameters"), json::object());
  s.credentials = ParseJson(row.GetString("credentials"), json::object());
  s.created = row.GetDouble("created");
  s.updated = row.GetDouble("updated");
  return s;
}

Upload UploadFromRow(const sql::Row& row) {
  Upload u;
  u.id = row.GetString("id");
  u.user_id = row.GetString("user_id");
  u.filename = row.GetString("filename");
  u.size = row.GetInt("size");
  u.received = row.GetInt("received");
  u.path = row.GetString("path");
  u.created = row.GetDouble("created");
  return u;
}

json PluginList(const std::vector<model::ManifestPlugin>& plugins) {
  json list = json::array();
  for (const auto& p : plugins) list.push_back({{"plugin", p.plugin}, {"parameters", p.parameters}});
  return list;
}

json CronList(const std::vector<model::ManifestCron>& crons) {
  json list = json::array();
  for (const auto& c : crons) {
    list.push_back({{"runspec", c.runspec},
                    {"uri", c.uri},
                    {"username", c.username},
                    {"password", c.password},
                    {"concurrency", c.concurrency},
                    {"timezone", c.timezone}});
  }
  return list;
}

template <typename T, typename F>
Result<std::optional<T>> QueryOne(sql::Database& db, const std::string& statement, const sql::Params& params,
                                  F from_row) {
  PM_ASSIGN_OR_RETURN(auto rows, db.Query(statement, params));
  if (rows.empty()) return std::optional<T>();
  return std::optional<T>(from_row(rows.front()));
}

template <typename T, typename F>
Result<std::vector<T>> QueryAll(sql::Database& db, const std::string& statement, const sql::Params& params,
                                F from_row) {
  PM_ASSIGN_OR_RETURN(auto rows, db.Query(statement, params));
  std::vector<T> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(from_row(row));
  return out;
}

Status ExpectOneRow(Result<int64_t> changed, const std::string& what) {
  if (!changed.ok()) return changed.status();
  if (*changed == 0) return NotFound("no " + what);
  return Status::Ok();
}

}  // namespace

json Application::ToJson() const {
  return {{"application_id", id}, {"workspace_id", workspace_id}, {"name", name}, {"created", created}};
}

json Version::ToJson() const {
  return {{"version_id", id},
          {"application_id", application_id},
          {"number", number},
          {"state", state},
          {"is_current", is_current},
          {"manifest_path", manifest_path},
          {"source", source},
          {"scm_revision", scm_revision},
          {"package_checksum", package_checksum},
          {"package_size", package_size},
          {"created", created},
          {"updated", updated}};
}

json InstanceType::ToJson() const {
  return {{"instance_type_id", id},
          {"version_id", version_id},
          {"name", name},
          {"quantity", quantity},
          {"runtime", {{"plugin", runtime_plugin}, {"version", runtime_version}, {"parameters", runtime_parameters}}},
          {"startup", startup},
          {"placement", placement},
          {"hostnames", hostnames},
          {"crons", crons},
          {"exclusive", exclusive},
          {"standalone", standalone}};
}

json Instance::ToJson() const {
  return {{"instance_id", id},     {"instance_type_id", instance_type_id},
          {"version_id", version_id}, {"node", node_uuid},
          {"port", port},          {"state", state},
          {"restarts", restarts},  {"last_exit", last_exit},
          {"changed", changed},    {"created", created}};
}

json Service::ToJson(bool with_credentials) const {
  json out = {{"service_id", id}, {"application_id", application_id}, {"name", name},
              {"plugin", plugin},  {"created", created},                 {"updated", updated}};
  // A parameters service's parameters are its credentials.
  if (with_credentials) {
    out["parameters"] = parameters;
    out["credentials"] = credentials;
  }
  return out;
}

json Upload::ToJson() const {
  return {{"upload_id", id}, {"filename", filename}, {"size", size}, {"received", received}, {"complete", complete()}};
}

// --- Applications ---------------------------------------------------------------

Result<Application> ApplicationStore::FindOrCreateApplication(const std::string& workspace_id,
                                                              const std::string& name) {
  Application app;
  Status status = db_.Transaction([&](sql::Database& db) -> Status {
    PM_ASSIGN_OR_RETURN(auto found, QueryOne<Application>(db, "SELECT * FROM applications WHERE workspace_id = ? AND name = ?",
                                                          {workspace_id, name}, ApplicationFromRow));
    if (found) {
      app = *found;
      return Status::Ok();
    }
    app = {ids::NewUuid(), workspace_id, name, NowSeconds()};
    return db.Execute("INSERT INTO applications (id, workspace_id, name, created) VALUES (?, ?, ?, ?)",
                      {app.id, app.workspace_id, app.name, app.created})
        .status();
  });
  if (!status.ok()) return status;
  return app;
}

Result<std::optional<Application>> ApplicationStore::FindApplication(const std::string& id) {
  return QueryOne<Application>(db_, "SELECT * FROM applications WHERE id = ?", {id}, ApplicationFromRow);
}

Result<std::optional<Application>> ApplicationStore::FindApplicationByName(const std::string& workspace_id,
                                                                           const std::string& name) {
  return QueryOne<Application>(db_, "SELECT * FROM applications WHERE workspace_id = ? AND name = ?",
                               {workspace_id, name}, ApplicationFromRow);
}

Result<std::vector<Application>> ApplicationStore::ListApplications(const std::string& workspace_id) {
  return QueryAll<Application>(db_, "SELECT * FROM applications WHERE workspace_id = ? ORDER BY name", {workspace_id},
                               ApplicationFromRow);
}

Status ApplicationStore::DeleteApplication(const std::string& id) {
  return db_.Transaction([&](sql::Database& db) -> Status {
    const char* by_app_version = "(SELECT id FROM versions WHERE application_id = ?)";
    PM_RETURN_IF_ERROR(
        db.Execute(std::string("DELETE FROM instances WHERE version_id IN ") + by_app_version, {id}).status());
    PM_RETURN_IF_ERROR(
        db.Execute(std::string("DELETE FROM instance_types WHERE version_id IN ") + by_app_version, {id}).status());
    PM_RETURN_IF_ERROR(db.Execute("DELETE FROM versions WHERE application_id = ?", {id}).status());
    PM_RETURN_IF_ERROR(db.Execute("DELETE FROM services WHERE application_id = ?", {id}).status());
    return ExpectOneRow(db.Execute("DELETE FROM applications WHERE id = ?", {id}), "application " + id);
  });
}

// --- Versions ---------------------------------------------------------------------

Result<Version> ApplicationStore::CreateVersion(const std::string& application_id, const model::Manifest& manifest,
                                                const std::string& manifest_text, const std::string& manifest_path,
                                                const json& source) {
  Version v;
  v.id = ids::NewUuid();
  v.application_id = application_id;
  v.manifest = manifest_text;
  v.manifest_path = manifest_path;
  v.source = source;
  v.created = v.updated = NowSeconds();
  Status status = db_.Transaction([&](sql::Database& db) -> Status {
    PM_ASSIGN_OR_RETURN(auto rows, db.Query("SELECT MAX(number) AS top FROM versions WHERE application_id = ?",
                                            {application_id}));
    v.number = (rows.empty() ? 0 : rows.front().GetInt("top")) + 1;
    PM_RETURN_IF_ERROR(
        db.Execute("INSERT INTO versions (id, application_id, number, state, is_current, manifest, manifest_path, "
                   "source, scm_revision, package_path, package_checksum, package_size, created, updated) "
                   "VALUES (?, ?, ?, ?, 0, ?, ?, ?, '', '', '', 0, ?, ?)",
                   {v.id, v.application_id, v.number, v.state, v.manifest, v.manifest_path, v.source.dump(),
                    v.created, v.updated})
            .status());
    for (const auto& type : manifest.instances) {
      json placement = {{"plugin", type.placement.plugin}, {"parameters", type.placement.parameters}};
      PM_RETURN_IF_ERROR(
          db.Execute("INSERT INTO instance_types (id, version_id, name, quantity, runtime_plugin, runtime_version, "
                     "runtime_parameters, startup, placement, hostnames, crons, exclusive, standalone) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     {ids::NewUuid(), v.id, type.name, static_cast<int64_t>(type.quantity), type.runtime.plugin,
                      type.runtime.version, type.runtime.parameters.dump(), PluginList(type.startup).dump(),
                      placement.dump(), json(type.hostnames).dump(), CronList(type.crons).dump(),
                      static_cast<int64_t>(type.exclusive), static_cast<int64_t>(type.standalone)})
              .status());
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return v;
}

Result<std::optional<Version>> ApplicationStore::FindVersion(const std::string& id) {
  return QueryOne<Version>(db_, "SELECT * FROM versions WHERE id = ?", {id}, VersionFromRow);
}

Result<std::vector<Version>> ApplicationStore::ListVersions(const std::string& application_id) {
  return QueryAll<Version>(db_, "SELECT * FROM versions WHERE application_id = ? ORDER BY number", {application_id},
                           VersionFromRow);
}

Result<std::vector<Version>> ApplicationStore::ListVersionsInState(const std::string& state) {
  return QueryAll<Version>(db_, "SELECT * FROM versions WHERE state = ? ORDER BY application_id, number", {state},
                           VersionFromRow);
}

Result<std::optional<Version>> ApplicationStore::CurrentVersion(const std::string& application_id) {
  return QueryOne<Version>(db_, "SELECT * FROM versions WHERE application_id = ? AND is_current = 1",
                           {application_id}, VersionFromRow);
}

Status ApplicationStore::SetVersionState(const std::string& id, const std::string& state) {
  return ExpectOneRow(db_.Execute("UPDATE versions SET state = ?, updated = ? WHERE id = ?", {state, NowSeconds(), id}),
                      "version " + id);
}

Status ApplicationStore::SetVersionRevision(const std::string& id, const std::string& revision) {
  return ExpectOneRow(
      db_.Execute("UPDATE versions SET scm_revision = ?, updated = ? WHERE id = ?", {revision, NowSeconds(), id}),
      "version " + id);
}

Status ApplicationStore::SetVersionPackage(const std::string& id, const std::string& path,
                                           const std::string& checksum, int64_t size) {
  return ExpectOneRow(db_.Execute("UPDATE versions SET package_path = ?, package_checksum = ?, package_size = ?, "
                                  "updated = ? WHERE id = ?",
                                  {path, checksum, size, NowSeconds(), id}),
                      "version " + id);
}

Status ApplicationStore::MakeCurrent(const std::string& id) {
  return db_.Transaction([&](sql::Database& db) -> Status {
    PM_ASSIGN_OR_RETURN(auto version, QueryOne<Version>(db, "SELECT * FROM versions WHERE id = ?", {id}, VersionFromRow));
    if (!version) return NotFound("no version " + id);
    PM_RETURN_IF_ERROR(
        db.Execute("UPDATE versions SET is_current = 0 WHERE application_id = ?", {version->application_id}).status());
    return db.Execute("UPDATE versions SET is_current = 1, updated = ? WHERE id = ?", {NowSeconds(), id}).status();
  });
}

Status ApplicationStore::DeleteVersion(const std::string& id) {
  return db_.Transaction([&](sql::Database& db) -> Status {
    PM_RETURN_IF_ERROR(db.Execute("DELETE FROM instances WHERE version_id = ?", {id}).status());
    PM_RETURN_IF_ERROR(db.Execute("DELETE FROM instance_types WHERE version_id = ?", {id}).status());
    return ExpectOneRow(db.Execute("DELETE FROM versions WHERE id = ?", {id}), "version " + id);
  });
}

// --- Instance types -------------------------------------------------------------

Result<std::vector<InstanceType>> ApplicationStore::ListInstanceTypes(const std::string& version_id) {
  return QueryAll<InstanceType>(db_, "SELECT * FROM instance_types WHERE version_id = ? ORDER BY name", {version_id},
                                TypeFromRow);
}

Result<std::optional<InstanceType>> ApplicationStore::FindInstanceType(const std::string& id) {
  return QueryOne<InstanceType>(db_, "SELECT * FROM instance_types WHERE id = ?", {id}, TypeFromRow);
}

Status ApplicationStore::SetQuantity(const std::string& instance_type_id, int64_t quantity) {
  if (quantity < 0) return InvalidArgument("quantity: must be 0 or more");
  return ExpectOneRow(db_.Execute("UPDATE instance_types SET quantity = ? WHERE id = ?", {quantity, instance_type_id}),
                      "instance type " + instance_type_id);
}

// --- Instances --------------------------------------------------------------------

Result<Instance> ApplicationStore::CreateInstance(const InstanceType& type, const std::string& node_uuid) {
  Instance i;
  i.id = ids::NewUuid();
  i.instance_type_id = type.id;
  i.version_id = type.version_id;
  i.node_uuid = node_uuid;
  i.changed = i.created = NowSeconds();
  PM_RETURN_IF_ERROR(db_.Execute("INSERT INTO instances (id, instance_type_id, version_id, node_uuid, port, state, "
                                 "changed, created) VALUES (?, ?, ?, ?, 0, ?, ?, ?)",
                                 {i.id, i.instance_type_id, i.version_id, i.node_uuid, i.state, i.changed, i.created})
                         .status());
  return i;
}

Result<std::optional<Instance>> ApplicationStore::FindInstance(const std::string& id) {
  return QueryOne<Instance>(db_, "SELECT * FROM instances WHERE id = ?", {id}, InstanceFromRow);
}

Result<std::vector<Instance>> ApplicationStore::ListInstancesOfType(const std::string& instance_type_id) {
  return QueryAll<Instance>(db_, "SELECT * FROM instances WHERE instance_type_id = ? ORDER BY created",
                            {instance_type_id}, InstanceFromRow);
}

Result<std::vector<Instance>> ApplicationStore::ListInstancesOfVersion(const std::string& version_id) {
  return QueryAll<Instance>(db_, "SELECT * FROM instances WHERE version_id = ? ORDER BY created", {version_id},
                            InstanceFromRow);
}

Result<std::vector<Instance>> ApplicationStore::ListInstancesOnNode(const std::string& node_uuid) {
  return QueryAll<Instance>(db_, "SELECT * FROM instances WHERE node_uuid = ? ORDER BY created", {node_uuid},
                            InstanceFromRow);
}

Result<std::map<std::string, int64_t>> ApplicationStore::CountInstancesByState() {
  return CountByColumn(db_, "SELECT state, COUNT(*) AS n FROM instances GROUP BY state");
}

Status ApplicationStore::SetInstanceState(const std::string& id, const std::string& state) {
  if (!IsInstanceState(state)) return InvalidArgument("state: unknown instance state '" + state + "'");
  return ExpectOneRow(
      db_.Execute("UPDATE instances SET state = ?, changed = ? WHERE id = ?", {state, NowSeconds(), id}),
      "instance " + id);
}

Status ApplicationStore::SetInstancePort(const std::string& id, int64_t port) {
  return ExpectOneRow(db_.Execute("UPDATE instances SET port = ? WHERE id = ?", {port, id}), "instance " + id);
}

Result<bool> ApplicationStore::ApplyInstanceReport(const std::string& node_uuid, const InstanceReport& r) {
  if (!IsInstanceState(r.state)) return InvalidArgument("state: unknown instance state '" + r.state + "'");
  PM_ASSIGN_OR_RETURN(auto changed,
                      db_.Execute("UPDATE instances SET state = ?, port = ?, restarts = ?, last_exit = ?, changed = ? "
                                  "WHERE id = ? AND node_uuid = ? AND "
                                  "(state <> ? OR port <> ? OR restarts <> ? OR last_exit <> ?)",
                                  {r.state, r.port, r.restarts, r.last_exit, NowSeconds(), r.id, node_uuid, r.state,
                                   r.port, r.restarts, r.last_exit}));
  return changed > 0;
}

Status ApplicationStore::DeleteInstance(const std::string& id) {
  return ExpectOneRow(db_.Execute("DELETE FROM instances WHERE id = ?", {id}), "instance " + id);
}

// --- Services ---------------------------------------------------------------------

Result<std::optional<Service>> ApplicationStore::FindService(const std::string& application_id,
                                                             const std::string& name) {
  return QueryOne<Service>(db_, "SELECT * FROM services WHERE application_id = ? AND name = ?", {application_id, name},
                           ServiceFromRow);
}

Result<std::optional<Service>> ApplicationStore::FindServiceById(const std::string& id) {
  return QueryOne<Service>(db_, "SELECT * FROM services WHERE id = ?", {id}, ServiceFromRow);
}

Result<std::vector<Service>> ApplicationStore::ListServices(const std::string& application_id) {
  return QueryAll<Service>(db_, "SELECT * FROM services WHERE application_id = ? ORDER BY name", {application_id},
                           ServiceFromRow);
}

Result<Service> ApplicationStore::SaveService(Service service) {
  service.updated = NowSeconds();
  Status status = db_.Transaction([&](sql::Database& db) -> Status {
    PM_ASSIGN_OR_RETURN(auto existing, QueryOne<Service>(db, "SELECT * FROM services WHERE application_id = ? AND name = ?",
                                                         {service.application_id, service.name}, ServiceFromRow));
    if (existing) {
      service.id = existing->id;
      service.created = existing->created;
      return db.Execute("UPDATE services SET plugin = ?, parameters = ?, credentials = ?, updated = ? WHERE id = ?",
                        {service.plugin, service.parameters.dump(), service.credentials.dump(), service.updated,
                         service.id})
          .status();
    }
    if (service.id.empty()) service.id = ids::NewUuid();
    service.created = service.updated;
    return db.Execute("INSERT INTO services (id, application_id, name, plugin, parameters, credentials, created, "
                      "updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      {service.id, service.application_id, service.name, service.plugin, service.parameters.dump(),
                       service.credentials.dump(), service.created, service.updated})
        .status();
  });
  if (!status.ok()) return status;
  return service;
}

Status ApplicationStore::DeleteService(const std::string& id) {
  return ExpectOneRow(db_.Execute("DELETE FROM services WHERE id = ?", {id}), "service " + id);
}

// --- Uploads ----------------------------------------------------------------------

Result<Upload> ApplicationStore::CreateUpload(const std::string& user_id, const std::string& filename, int64_t size,
                                              const std::string& path) {
  Upload u{ids::NewUuid(), user_id, filename, size, 0, path, NowSeconds()};
  PM_RETURN_IF_ERROR(db_.Execute("INSERT INTO uploads (id, user_id, filename, size, received, path, created) "
                                 "VALUES (?, ?, ?, ?, 0, ?, ?)",
                                 {u.id, u.user_id, u.filename, u.size, u.path, u.created})
                         .status());
  return u;
}

Result<std::optional<Upload>> ApplicationStore::FindUpload(const std::string& id) {
  return QueryOne<Upload>(db_, "SELECT * FROM uploads WHERE id = ?", {id}, UploadFromRow);
}

Status ApplicationStore::SetUploadReceived(const std::string& id, int64_t received) {
  return ExpectOneRow(db_.Execute("UPDATE uploads SET received = ? WHERE id = ?", {received, id}), "upload " + id);
}

Status ApplicationStore::DeleteUpload(const std::string& id) {
  return ExpectOneRow(db_.Execute("DELETE FROM uploads WHERE id = ?", {id}), "upload " + id);
}

}  // namespace paasmaker::pacemaker
