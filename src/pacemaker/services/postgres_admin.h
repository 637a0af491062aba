// PostgresAdmin: what the two PostgreSQL service plugins do on a server
// through an administrator's connection (libpq). One database and one set of
// roles per service, all named from a prefix so nothing else on the server
// is touched:
//
//   <prefix>            NOLOGIN owner role: owns the database and every
//                       object the application creates
//   <prefix>_<random>   LOGIN role, member of the owner, with
//                       `SET role = <prefix>` so its objects belong to the
//                       owner. Rotation adds a second login beside the
//                       first; finishing it drops the old login. The owner
//                       (and so the data) never changes.
//   database <prefix>   CONNECT revoked from PUBLIC: only the owner's
//                       members (and superusers) connect
//
// Every call opens its own connection and closes it (services are created
// rarely; no pool to go stale). A server that is down or refuses the admin
// login gives Unavailable naming `server_label` (never the password).
// Thread safe: no shared state.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace paasmaker::pacemaker::services {

struct PostgresLogin {
  std::string user;
  std::string password;
};

class PostgresAdmin {
 public:
  // `admin_dsn`: libpq connection string or URI of a role that may CREATE
  // ROLE and CREATE DATABASE. `host`/`port`: what instances are told.
  PostgresAdmin(std::string admin_dsn, std::string host, int port, std::string server_label);

  // Creates the owner role and database when missing, and a login when
  // `keep` does not name a login that still works (existing: its password is
  // set to keep.password, so stored credentials stay valid). Returns the
  // login to hand out.
  Result<PostgresLogin> Ensure(const std::string& prefix, const PostgresLogin& keep) const;
  // Drops the database (ending its sessions), every login of the prefix and
  // the owner. Missing ones are fine.
  Status Drop(const std::string& prefix) const;
  // A new login beside the existing ones.
  Result<PostgresLogin> AddLogin(const std::string& prefix) const;
  // Drops one login of the prefix (sessions ended first).
  Status DropLogin(const std::string& prefix, const std::string& user) const;

  // pg_dump plain SQL of the database to `dump_path`, as `login`
  // (password in the environment, never the command line).
  Status Dump(const std::string& prefix, const PostgresLogin& login, const std::string& dump_path) const;
  // Loads `dump_path` into a scratch database (psql ON_ERROR_STOP, one
  // transaction) and swaps it in by renames; on any failure the service's
  // database is untouched and the scratch one dropped.
  Status Load(const std::string& prefix, const PostgresLogin& login, const std::string& dump_path) const;

  // The credentials object of a service (host, port, database, user,
  // password, url).
  nlohmann::json Credentials(const std::string& prefix, const PostgresLogin& login) const;

  const std::string& host() const { return host_; }
  int port() const { return port_; }

 private:
  std::string admin_dsn_;
  std::string host_;
  int port_;
  std::string label_;
};

// "pm_" + the service id lowercased, anything but [a-z0-9] as '_'; empty when
// the id is unusable.
std::string PostgresPrefix(const std::string& service_id);

// host/port of a libpq DSN as the server sees it (connects once).
Status PostgresAddress(const std::string& dsn, const std::string& label, std::string* host, int* port);

}  // namespace paasmaker::pacemaker::services
