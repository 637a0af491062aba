// The services of an application as a whole: creating or updating them from a
// manifest (prepare), their credentials as the PM_SERVICES environment,
// removing them (delete application), and starting the managed daemons of
// existing services when the pacemaker starts.
//
// Thread safety: free functions; safe from any thread (the stores and
// ServiceDaemons are thread safe).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "model/manifest.h"
#include "config/node_config.h"
#include "pacemaker/services/service_daemons.h"
#include "pacemaker/services/service_plugin.h"
#include "pacemaker/store/application_store.h"
#include "pacemaker/store/workspace_store.h"

namespace paasmaker::pacemaker::services {

// The ServiceContext for plugins running on the pacemaker.
ServiceContext MakeServiceContext(const config::NodeConfig& config, ServiceDaemons* daemons);

// Creates the service `wanted` of `application_id`, or updates the existing
// one of that name (its plugin must not change). Saves the row with the new
// parameters and credentials. *created tells which happened.
Result<Service> CreateOrUpdateService(ApplicationStore& apps, const ServiceContext& context,
                                      const std::string& application_id, const model::ManifestService& wanted,
                                      bool* created);

// PM_SERVICES: {name: credentials + {"provider": plugin}} for every service of the application.
Result<nlohmann::json> ServicesEnvironment(ApplicationStore& apps, const std::string& application_id);

// Removes every service of the application: the plugin's Remove, then the
// row. Goes on after a failure and returns the first error.
Status RemoveApplicationServices(ApplicationStore& apps, const ServiceContext& context,
                                 const std::string& application_id);

// Starts the redis of every existing paasmaker.service.managedredis service
// with its stored port and password, and the managed PostgreSQL cluster when
// a paasmaker.service.managedpostgres service exists (pacemaker start). Goes on after a
// failure and returns the first error.
Status StartManagedServices(WorkspaceStore& workspaces, ApplicationStore& apps, ServiceDaemons& daemons);


}  // namespace paasmaker::pacemaker::services
