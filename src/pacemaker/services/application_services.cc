#include "pacemaker/services/application_services.h"

#include "core/log.h"

namespace paasmaker::pacemaker::services {

using nlohmann::json;

ServiceContext MakeServiceContext(const config::NodeConfig& config, ServiceDaemons* daemons) {
  return ServiceContext{config.DataDir(), config.FilesystemDirectory(), daemons, config.pacemaker.postgres_admin_dsn};
}

Result<Service> CreateOrUpdateService(ApplicationStore& apps, const ServiceContext& context,
                                      const std::string& application_id, const model::ManifestService& wanted,
                                      bool* created) {
  const ServicePlugin* plugin = FindServicePlugin(wanted.plugin);
  if (plugin == nullptr) return InvalidArgument("service " + wanted.name + ": no such service plugin " + wanted.plugin);
  PM_RETURN_IF_ERROR(plugin->Validate(wanted.parameters).WithContext("service " + wanted.name));
  PM_ASSIGN_OR_RETURN(auto existing, apps.FindService(application_id, wanted.name));
  Service service;
  if (existing.has_value()) {
    service = *existing;
    if (service.plugin != wanted.plugin) {
      return FailedPrecondition("service " + wanted.name + " exists with plugin " + service.plugin +
                                "; a service cannot change its plugin (rename it instead)");
    }
    *created = false;
  } else {
    // Saved first, so the plugin gets the service's id for its resources.
    service.application_id = application_id;
    service.name = wanted.name;
    service.plugin = wanted.plugin;
    service.parameters = wanted.parameters;
    service.credentials = json::object();
    PM_ASSIGN_OR_RETURN(service, apps.SaveService(service));
    *created = true;
  }
  service.parameters = wanted.parameters;
  PM_ASSIGN_OR_RETURN(json credentials, plugin->CreateOrUpdate(service, context));
  service.credentials = std::move(credentials);
  return apps.SaveService(service);
}

Result<json> ServicesEnvironment(ApplicationStore& apps, const std::string& application_id) {
  PM_ASSIGN_OR_RETURN(auto list, apps.ListServices(application_id));
  json env = json::object();
  for (const auto& service : list) {
    json entry = service.credentials.is_object() ? service.credentials : json::object();
    entry["provider"] = service.plugin;
    env[service.name] = std::move(entry);
  }
  return env;
}

Status RemoveApplicationServices(ApplicationStore& apps, const ServiceContext& context,
                                 const std::string& application_id) {
  PM_ASSIGN_OR_RETURN(auto list, apps.ListServices(application_id));
  Status first;
  for (const auto& service : list) {
    Status status;
    if (const ServicePlugin* plugin = FindServicePlugin(service.plugin)) {
      status = plugin->Remove(service, context);
    }
    if (status.ok()) status = apps.DeleteService(service.id);
    if (!status.ok()) {
      PM_LOG_WARN("removing service {} ({}): {}", service.name, service.id, status.ToString());
      if (first.ok()) first = status.WithContext("removing service " + service.name);
    }
  }
  return first;
}

Status StartManagedServices(WorkspaceStore& workspaces_store, ApplicationStore& apps, ServiceDaemons& daemons) {
  PM_ASSIGN_OR_RETURN(auto workspaces, workspaces_store.List());
  Status first;
  auto note = [&first](const Status& status) {
    if (!status.ok() && first.ok()) first = status;
  };
  bool postgres_started = false;
  for (const auto& workspace : workspaces) {
    auto applications = apps.ListApplications(workspace.id);
    if (!applications.ok()) {
      note(applications.status());
      continue;
    }
    for (const auto& application : *applications) {
      auto list = apps.ListServices(application.id);
      if (!list.ok()) {
        note(list.status());
        continue;
      }
      for (const auto& service : *list) {
        // One cluster for all: instances of every managedpostgres service
        // reconnect to it on its old port.
        if (service.plugin == "paasmaker.service.managedpostgres" && !postgres_started) {
          postgres_started = true;
          auto started = daemons.StartPostgres();
          if (!started.ok()) {
            PM_LOG_ERROR("managed PostgreSQL: {}", started.status().ToString());
            note(started.status());
          }
          continue;
        }
        if (service.plugin != "paasmaker.service.managedredis") continue;
        const json& c = service.credentials;
        if (!c.is_object() || !c.contains("port") || !c["port"].is_number_integer() || !c.contains("password") ||
            !c["password"].is_string()) {
          PM_LOG_WARN("managed redis service {} ({}) has no port/password yet; not started", service.name, service.id);
          continue;
        }
        Status started = daemons.StartRedis(service.id, c["port"].get<int>(), c["password"].get<std::string>());
        if (!started.ok()) {
          PM_LOG_ERROR("managed redis service {} ({}): {}", service.name, service.id, started.ToString());
          note(started.WithContext("service " + service.name));
        }
      }
    }
  }
  return first;
}

}  // namespace paasmaker::pacemaker::services
