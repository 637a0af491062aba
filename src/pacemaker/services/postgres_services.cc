// The PostgreSQL service plugins.
#include "pacemaker/services/postgres_services.h"

#include <functional>

#include "pacemaker/services/postgres_admin.h"
#include "pacemaker/services/service_daemons.h"

namespace paasmaker::pacemaker::services {

namespace {

using nlohmann::json;

std::string StringField(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_string()) return "";
  return object[key].get<std::string>();
}

// The server a plugin's databases live on: its admin DSN (secret) and how
// errors name it (never with the password).
struct AdminServer {
  std::string dsn;
  std::string label;
};
using AdminSource = std::function<Result<AdminServer>(const ServiceContext&)>;

// Both plugins: the same databases and roles (postgres_admin.h), on the
// server their AdminSource finds.
class PostgresService : public ServicePlugin {
 public:
  PostgresService(std::string name, AdminSource source) : name_(std::move(name)), source_(std::move(source)) {}
  std::string name() const override { return name_; }
  Status Validate(const json& parameters) const override {
    return parameters.is_object() ? Status::Ok() : InvalidArgument("parameters: must be a mapping");
  }

  Result<json> CreateOrUpdate(const Service& service, const ServiceContext& context) const override {
    PM_ASSIGN_OR_RETURN(Target target, Open(service, context));
    PostgresLogin keep{StringField(service.credentials, "user"), StringField(service.credentials, "password")};
    PM_ASSIGN_OR_RETURN(PostgresLogin login, target.admin.Ensure(target.prefix, keep));
    return target.admin.Credentials(target.prefix, login);
  }
  Status Remove(const Service& service, const ServiceContext& context) const override {
    PM_ASSIGN_OR_RETURN(Target target, Open(service, context));
    return target.admin.Drop(target.prefix);
  }
  std::string DumpFormat() const override { return "sql"; }
  Status Export(const Service& service, const ServiceContext& context, const std::string& dump_path) const override {
    PM_ASSIGN_OR_RETURN(Target target, Open(service, context));
    PM_ASSIGN_OR_RETURN(PostgresLogin login, StoredLogin(service));
    return target.admin.Dump(target.prefix, login, dump_path);
  }
  Status Import(const Service& service, const ServiceContext& context, const std::string& dump_path) const override {
    PM_ASSIGN_OR_RETURN(Target target, Open(service, context));
    PM_ASSIGN_OR_RETURN(PostgresLogin login, StoredLogin(service));
    return target.admin.Load(target.prefix, login, dump_path);
  }
  Result<json> BeginRotation(const Service& service, const ServiceContext& context) const override {
    PM_ASSIGN_OR_RETURN(Target target, Open(service, context));
    PM_ASSIGN_OR_RETURN(PostgresLogin login, target.admin.AddLogin(target.prefix));
    return target.admin.Credentials(target.prefix, login);
  }
  Status FinishRotation(const Service& service, const ServiceContext& context,
                        const json& old_credentials) const override {
    PM_ASSIGN_OR_RETURN(Target target, Open(service, context));
    std::string old_user = StringField(old_credentials, "user");
    if (old_user.empty()) return InvalidArgument("old credentials name no user");
    if (old_user == StringField(service.credentials, "user")) {
      return FailedPrecondition("login '" + old_user + "' is the service's current one");
    }
    return target.admin.DropLogin(target.prefix, old_user);
  }

 private:
  struct Target {
    PostgresAdmin admin;
    std::string prefix;
  };
  Result<Target> Open(const Service& service, const ServiceContext& context) const {
    std::string prefix = PostgresPrefix(service.id);
    if (prefix.empty()) return Internal("service '" + service.name + "' has no usable id");
    PM_ASSIGN_OR_RETURN(AdminServer server, source_(context));
    std::string host;
    int port = 0;
    PM_RETURN_IF_ERROR(PostgresAddress(server.dsn, server.label, &host, &port));
    return Target{PostgresAdmin(server.dsn, host, port, server.label + " " + host + ":" + std::to_string(port)),
                  prefix};
  }
  static Result<PostgresLogin> StoredLogin(const Service& service) {
    PostgresLogin login{StringField(service.credentials, "user"), StringField(service.credentials, "password")};
    if (login.user.empty() || login.password.empty()) {
      return FailedPrecondition("service '" + service.name + "' has no stored login");
    }
    return login;
  }

  const std::string name_;
  const AdminSource source_;
};

}  // namespace

std::shared_ptr<const ServicePlugin> MakeExternalPostgresService() {
  return std::make_shared<PostgresService>("paasmaker.service.postgres", [](const ServiceContext& context)
                                               -> Result<AdminServer> {
    if (context.postgres_admin_dsn.empty()) {
      return FailedPrecondition("paasmaker.service.postgres needs pacemaker.postgres_admin_dsn in the config");
    }
    return AdminServer{context.postgres_admin_dsn, "(pacemaker.postgres_admin_dsn)"};
  });
}

std::shared_ptr<const ServicePlugin> MakeManagedPostgresService() {
  return std::make_shared<PostgresService>("paasmaker.service.managedpostgres", [](const ServiceContext& context)
                                               -> Result<AdminServer> {
    if (context.daemons == nullptr) {
      return FailedPrecondition(
          "paasmaker.service.managedpostgres cannot run on this node: it has no managed services (they run on the "
          "pacemaker)");
    }
    // Started on first use; already running, this is only its DSN.
    PM_ASSIGN_OR_RETURN(std::string dsn, context.daemons->StartPostgres());
    return AdminServer{std::move(dsn), "(managed)"};
  });
}

}  // namespace paasmaker::pacemaker::services
