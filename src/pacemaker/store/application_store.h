// ApplicationStore: applications, their versions, instance types, instances
// and services (SPEC §5.1, §8), and uploads, in the pacemaker's SQL database.
//
// Applications have a unique name per workspace. Versions are numbered 1, 2,
// 3… per application (the number is taken inside a transaction, so two
// deploys never get the same one); at most one version of an application is
// current. Instance types are copied from the version's manifest. Instances
// remember the node and port the heart gave them and their last known state.
// Services belong to the application (same name = same service for every
// version); their credentials are stored here and must never be logged.
//
// Thread safe (the Database serialises access).
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/sql/database.h"
#include "model/instance_state.h"
#include "model/manifest.h"

namespace paasmaker::pacemaker {

// The states live in model/instance_state.h; named here for the store's callers.
using model::IsInstanceState;
using model::IsLiveInstanceState;
using model::kInstanceAllocated;
using model::kInstanceDeregistered;
using model::kInstanceDown;
using model::kInstanceError;
using model::kInstanceRegistered;
using model::kInstanceRunning;
using model::kInstanceStarting;
using model::kInstanceStopped;
using model::kInstanceSuspended;
using model::kVersionNew;
using model::kVersionPrepared;
using model::kVersionReady;
using model::kVersionRunning;

struct Application {
  std::string id;
  std::string workspace_id;
  std::string name;
  double created = 0;
  nlohmann::json ToJson() const;
};

struct Version {
  std::string id;
  std::string application_id;
  int64_t number = 0;
  std::string state = kVersionNew;
  bool is_current = false;
  std::string manifest;       // the manifest text as deployed
  std::string manifest_path;  // inside the source
  nlohmann::json source = nlohmann::json::object();  // {plugin, parameters} (no secrets)
  std::string scm_revision;
  std::string package_path;
  std::string package_checksum;
  int64_t package_size = 0;
  double created = 0;
  double updated = 0;
  nlohmann::json ToJson() const;  // without the manifest text and package path
};

struct InstanceType {
  std::string id;
  std::string version_id;
  std::string name;
  int64_t quantity = 1;
  std::string runtime_plugin;
  std::string runtime_version;
  nlohmann::json runtime_parameters = nlohmann::json::object();
  nlohmann::json startup = nlohmann::json::array();    // [{plugin, parameters}]
  nlohmann::json placement = nlohmann::json::object(); // {plugin, parameters}
  std::vector<std::string> hostnames;                  // manifest hostnames
  nlohmann::json crons = nlohmann::json::array();
  bool exclusive = false;
  bool standalone = false;
  nlohmann::json ToJson() const;
};

struct Instance {
  std::string id;
  std::string instance_type_id;
  std::string version_id;
  std::string node_uuid;
  int64_t port = 0;  // 0: none yet, or standalone
  std::string state = kInstanceAllocated;
  int64_t restarts = 0;    // restarts by its heart's restart policy (as reported)
  std::string last_exit;   // how its process last ended, e.g. "exited with code 1"
  double changed = 0;
  double created = 0;
  nlohmann::json ToJson() const;
};

struct Service {
  std::string id;
  std::string application_id;
  std::string name;
  std::string plugin;
  nlohmann::json parameters = nlohmann::json::object();
  nlohmann::json credentials = nlohmann::json::object();  // secret
  double created = 0;
  double updated = 0;
  // Parameters and credentials only when asked for (SERVICE_CREDENTIAL_VIEW).
  nlohmann::json ToJson(bool with_credentials) const;
};

struct Upload {
  std::string id;
  std::string user_id;
  std::string filename;
  int64_t size = 0;      // announced
  int64_t received = 0;  // bytes stored so far
  std::string path;      // where the bytes are
  double created = 0;
  bool complete() const { return received == size; }
  nlohmann::json ToJson() const;
};

class ApplicationStore {
 public:
  explicit ApplicationStore(sql::Database& db) : db_(db) {}

  // --- Applications -----------------------------------------------------------
  // The application `name` in `workspace_id`, created when missing.
  Result<Application> FindOrCreateApplication(const std::string& workspace_id, const std::string& name);
  Result<std::optional<Application>> FindApplication(const std::string& id);
  Result<std::optional<Application>> FindApplicationByName(const std::string& workspace_id, const std::string& name);
  Result<std::vector<Application>> ListApplications(const std::string& workspace_id);
  // Deletes the application with its versions, types, instances and services rows.
  Status DeleteApplication(const std::string& id);

  // --- Versions ---------------------------------------------------------------
  // A NEW version with the next number and the manifest's instance types.
  Result<Version> CreateVersion(const std::string& application_id, const model::Manifest& manifest,
                                const std::string& manifest_text, const std::string& manifest_path,
                                const nlohmann::json& source);
  Result<std::optional<Version>> FindVersion(const std::string& id);
  Result<std::vector<Version>> ListVersions(const std::string& application_id);  // by number
  // Every version in `state`, of any application (the health checks walk the RUNNING ones).
  Result<std::vector<Version>> ListVersionsInState(const std::string& state);
  Result<std::optional<Version>> CurrentVersion(const std::string& application_id);
  Status SetVersionState(const std::string& id, const std::string& state);
  Status SetVersionRevision(const std::string& id, const std::string& revision);
  Status SetVersionPackage(const std::string& id, const std::string& path, const std::string& checksum, int64_t size);
  // Makes `id` the only current version of its application.
  Status MakeCurrent(const std::string& id);
  Status DeleteVersion(const std::string& id);

  // --- Instance types ---------------------------------------------------------
  Result<std::vector<InstanceType>> ListInstanceTypes(const std::string& version_id);
  Result<std::optional<InstanceType>> FindInstanceType(const std::string& id);
  Status SetQuantity(const std::string& instance_type_id, int64_t quantity);

  // --- Instances --------------------------------------------------------------
  Result<Instance> CreateInstance(const InstanceType& type, const std::string& node_uuid);
  Result<std::optional<Instance>> FindInstance(const std::string& id);
  Result<std::vector<Instance>> ListInstancesOfType(const std::string& instance_type_id);
  Result<std::vector<Instance>> ListInstancesOfVersion(const std::string& version_id);
  Result<std::vector<Instance>> ListInstancesOnNode(const std::string& node_uuid);
  // How many instances are in each state (states with none are absent).
  Result<std::map<std::string, int64_t>> CountInstancesByState();
  Status SetInstanceState(const std::string& id, const std::string& state);
  Status SetInstancePort(const std::string& id, int64_t port);
  // A heart's report of one instance.
  struct InstanceReport {
    std::string id;
    std::string state;
    int64_t port = 0;
    int64_t restarts = 0;
    std::string last_exit;
  };
  // Updates the instance from its heart's report if it is placed on
  // `node_uuid` and something differs. Returns true if something changed.
  Result<bool> ApplyInstanceReport(const std::string& node_uuid, const InstanceReport& report);
  Status DeleteInstance(const std::string& id);

  // --- Services ---------------------------------------------------------------
  Result<std::optional<Service>> FindService(const std::string& application_id, const std::string& name);
  Result<std::optional<Service>> FindServiceById(const std::string& id);
  Result<std::vector<Service>> ListServices(const std::string& application_id);
  // Inserts or updates (by application + name); fills id/created when new.
  Result<Service> SaveService(Service service);
  Status DeleteService(const std::string& id);

  // --- Uploads ----------------------------------------------------------------
  Result<Upload> CreateUpload(const std::string& user_id, const std::string& filename, int64_t size,
                              const std::string& path);
  Result<std::optional<Upload>> FindUpload(const std::string& id);
  Status SetUploadReceived(const std::string& id, int64_t received);
  Status DeleteUpload(const std::string& id);

 private:
  sql::Database& db_;
};

}  // namespace paasmaker::pacemaker
