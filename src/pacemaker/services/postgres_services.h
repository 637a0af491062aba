// paasmaker.service.postgres: a database + roles per service on an existing
// PostgreSQL server, reached with the admin DSN in
// ServiceContext::postgres_admin_dsn (config pacemaker.postgres_admin_dsn).
// Credentials: {host, port, database, user, password, url}. Names and the
// role design are in postgres_admin.h. (managedpostgres: not yet.)
#pragma once

#include <memory>

#include "pacemaker/services/service_plugin.h"

namespace paasmaker::pacemaker::services {

std::shared_ptr<const ServicePlugin> MakeExternalPostgresService();

}  // namespace paasmaker::pacemaker::services
