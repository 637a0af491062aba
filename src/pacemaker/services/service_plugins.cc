// The built-in service plugins, and the one table that lists them.
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include "core/files.h"
#include "core/ids.h"
#include "pacemaker/services/service_daemons.h"
#include "pacemaker/services/service_plugin.h"
#include "pacemaker/services/postgres_services.h"
#include "pacemaker/services/redis_dump.h"

namespace paasmaker::pacemaker::services {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Status NeedObject(const json& parameters) {
  return parameters.is_object() ? Status::Ok() : InvalidArgument("parameters: must be a mapping");
}

// Ids end up in paths: refuse anything that is not a plain name.
Status CheckServiceId(const Service& service) {
  const std::string& id = service.id;
  if (id.empty() || id.find('/') != std::string::npos || id.find("..") != std::string::npos) {
    return Internal("service '" + service.name + "' has no usable id");
  }
  return Status::Ok();
}

Status RemoveTree(const std::string& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) return IoError("removing " + path + ": " + ec.message());
  return Status::Ok();
}

// --- paasmaker.service.parameters ------------------------------------------

class ParametersService : public ServicePlugin {
 public:
  std::string name() const override { return "paasmaker.service.parameters"; }
  Status Validate(const json& parameters) const override { return NeedObject(parameters); }
  Result<json> CreateOrUpdate(const Service& service, const ServiceContext&) const override {
    return service.parameters.is_object() ? service.parameters : json::object();
  }
  Status Remove(const Service&, const ServiceContext&) const override { return Status::Ok(); }
};

// --- paasmaker.service.filesystem -------------------------------------------

class FilesystemService : public ServicePlugin {
 public:
  std::string name() const override { return kFilesystemServicePlugin; }
  Status Validate(const json& parameters) const override { return NeedObject(parameters); }
  static std::string DirectoryOf(const Service& service, const ServiceContext& context) {
    return context.filesystem_directory + "/" + service.id;
  }
  // Every instance runs under a uid of its own (heart.instance_uid_*), and
  // all of an application's instances share its directory, so the
  // directory is writable by all. Its parent can be passed through but not
  // listed: an instance of another application cannot find the random id.
  Result<json> CreateOrUpdate(const Service& service, const ServiceContext& context) const override {
    PM_RETURN_IF_ERROR(CheckServiceId(service));
    PM_RETURN_IF_ERROR(files::MakeDirectories(context.filesystem_directory, 0711));
    // The default directory is in the pacemaker's data dir (passable by
    // instances when a root heart shares the node): so must the ones between.
    fs::path between = fs::path(context.filesystem_directory).parent_path();
    for (; between.string().rfind(context.data_dir + "/", 0) == 0; between = between.parent_path()) {
      ::chmod(between.c_str(), 0711);
    }
    std::string dir = DirectoryOf(service, context);
    PM_RETURN_IF_ERROR(files::MakeDirectories(dir, 0777));
    if (::chmod(dir.c_str(), 0777) != 0) return IoError("chmod " + dir + ": " + std::strerror(errno));
    return json{{"directory", dir}};
  }
  Status Remove(const Service& service, const ServiceContext& context) const override {
    PM_RETURN_IF_ERROR(CheckServiceId(service));
    return RemoveTree(DirectoryOf(service, context));
  }
};

// --- paasmaker.service.managedredis -----------------------------------------

class ManagedRedisService : public ServicePlugin {
 public:
  std::string name() const override { return "paasmaker.service.managedredis"; }
  Status Validate(const json& parameters) const override { return NeedObject(parameters); }

  Result<json> CreateOrUpdate(const Service& service, const ServiceContext& context) const override {
    PM_RETURN_IF_ERROR(CheckServiceId(service));
    if (context.daemons == nullptr) return FailedPrecondition("managed redis services can only run on the pacemaker");
    const json& old = service.credentials;
    int port = 0;
    std::string password;
    // Keep the port and password the application already knows.
    if (old.is_object() && old.contains("port") && old["port"].is_number_integer() && old.contains("password") &&
        old["password"].is_string()) {
      port = old["port"].get<int>();
      password = old["password"].get<std::string>();
    }
    bool reserved = false;
    if (port == 0) {
      PM_ASSIGN_OR_RETURN(port, context.daemons->ReservePort());
      password = ids::RandomToken(24);
      reserved = true;
    }
    Status started = context.daemons->StartRedis(service.id, port, password);
    if (!started.ok()) {
      if (reserved) context.daemons->ReleasePort(port);
      return started;
    }
    return json{{"host", context.daemons->listen_address()}, {"port", port}, {"password", password}};
  }

  Status Remove(const Service& service, const ServiceContext& context) const override {
    PM_RETURN_IF_ERROR(CheckServiceId(service));
    if (context.daemons != nullptr) {
      context.daemons->StopRedis(service.id);
      return RemoveTree(context.daemons->RedisDir(service.id));
    }
    return RemoveTree(context.data_dir + "/services/redis/" + service.id);
  }

  std::string DumpFormat() const override { return "rdb"; }
  Status Export(const Service& service, const ServiceContext& context, const std::string& dump_path) const override {
    PM_ASSIGN_OR_RETURN(redis::Endpoint live, Live(service, context));
    return ExportRedis(live, dump_path);
  }
  Status Import(const Service& service, const ServiceContext& context, const std::string& dump_path) const override {
    PM_ASSIGN_OR_RETURN(redis::Endpoint live, Live(service, context));
    return ImportRedis(live, dump_path, context.data_dir + "/services/redis-import/" + ids::RandomToken(8));
  }

 private:
  // The running server of the service, as its credentials name it.
  static Result<redis::Endpoint> Live(const Service& service, const ServiceContext& context) {
    PM_RETURN_IF_ERROR(CheckServiceId(service));
    const json& c = service.credentials;
    if (!c.is_object() || !c.contains("port") || !c["port"].is_number_integer() || !c.contains("password") ||
        !c["password"].is_string()) {
      return FailedPrecondition("service " + service.name + " has no server yet (deploy the application first)");
    }
    if (context.daemons == nullptr || !context.daemons->IsRunning(service.id)) {
      return Unavailable("the redis of service " + service.name + " is not running on this pacemaker");
    }
    return redis::Endpoint{context.daemons->listen_address(), c["port"].get<int>(), c["password"].get<std::string>()};
  }
};

// The table of built-in service plugins.
const std::vector<std::shared_ptr<const ServicePlugin>>& Builtins() {
  static const std::vector<std::shared_ptr<const ServicePlugin>> plugins = {
      std::make_shared<ParametersService>(),
      std::make_shared<FilesystemService>(),
      std::make_shared<ManagedRedisService>(),
      MakeExternalPostgresService(),
      MakeManagedPostgresService(),
  };
  return plugins;
}

}  // namespace

Status ServicePlugin::Export(const Service&, const ServiceContext&, const std::string&) const {
  return FailedPrecondition(name() + " services have no data to export");
}
Status ServicePlugin::Import(const Service&, const ServiceContext&, const std::string&) const {
  return FailedPrecondition(name() + " services have no data to import");
}
Result<json> ServicePlugin::BeginRotation(const Service&, const ServiceContext&) const {
  return FailedPrecondition(name() + " services have no password to rotate");
}
Status ServicePlugin::FinishRotation(const Service&, const ServiceContext&, const json&) const {
  return FailedPrecondition(name() + " services have no password to rotate");
}

const ServicePlugin* FindServicePlugin(const std::string& name) {
  for (const auto& plugin : Builtins()) {
    if (plugin->name() == name) return plugin.get();
  }
  return nullptr;
}

std::vector<std::string> ServicePluginNames() {
  std::vector<std::string> names;
  for (const auto& plugin : Builtins()) names.push_back(plugin->name());
  return names;
}

}  // namespace paasmaker::pacemaker::services
