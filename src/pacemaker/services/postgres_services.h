// paasmaker.service.postgres: a database + roles per service on an existing
// PostgreSQL server, reached with the admin DSN in
// ServiceContext::postgres_admin_dsn (config pacemaker.postgres_admin_dsn).
// Credentials: {host, port, database, user, password, url}. Names and the
// role design are in postgres_admin.h.
//
// paasmaker.service.managedpostgres: the same in the cluster the pacemaker
// runs itself (ServiceDaemons::StartPostgres, managed_postgres.h), started
// on first use; host is the pacemaker's route address.
#pragma once

#include <memory>

#include "pacemaker/services/service_plugin.h"

namespace paasmaker::pacemaker::services {

std::shared_ptr<const ServicePlugin> MakeExternalPostgresService();
std::shared_ptr<const ServicePlugin> MakeManagedPostgresService();

}  // namespace paasmaker::pacemaker::services
