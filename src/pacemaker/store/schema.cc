#include "pacemaker/store/schema.h"

namespace paasmaker::pacemaker {

const std::vector<sql::Migration>& SchemaMigrations() {
  static const std::vector<sql::Migration> migrations = {
      {1,
       "nodes, users, roles, workspaces",
       {
           "CREATE TABLE nodes (uuid TEXT PRIMARY KEY, name TEXT NOT NULL, route TEXT NOT NULL, "
           "api_port BIGINT NOT NULL, roles TEXT NOT NULL, tags TEXT NOT NULL, runtimes TEXT NOT NULL, "
           "stats TEXT NOT NULL, score DOUBLE PRECISION NOT NULL, state TEXT NOT NULL, "
           "last_heard DOUBLE PRECISION NOT NULL, created DOUBLE PRECISION NOT NULL)",
           "CREATE TABLE users (id TEXT PRIMARY KEY, login TEXT NOT NULL UNIQUE, name TEXT NOT NULL, "
           "email TEXT NOT NULL, password_hash TEXT NOT NULL, api_key_hash TEXT NOT NULL UNIQUE, "
           "enabled BIGINT NOT NULL, created DOUBLE PRECISION NOT NULL)",
           "CREATE TABLE roles (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, permissions TEXT NOT NULL, "
           "created DOUBLE PRECISION NOT NULL)",
           "CREATE TABLE workspaces (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, stub TEXT NOT NULL UNIQUE, "
           "tags TEXT NOT NULL, created DOUBLE PRECISION NOT NULL)",
           "CREATE TABLE role_allocations (id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), "
           "role_id TEXT NOT NULL REFERENCES roles(id), workspace_id TEXT REFERENCES workspaces(id), "
           "created DOUBLE PRECISION NOT NULL)",
           "CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id), "
           "expires DOUBLE PRECISION NOT NULL)",
       }},
      {2,
       "applications, versions, instance types, instances, services, uploads",
       {
           "CREATE TABLE applications (id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id), "
           "name TEXT NOT NULL, created DOUBLE PRECISION NOT NULL, UNIQUE (workspace_id, name))",
           "CREATE TABLE versions (id TEXT PRIMARY KEY, application_id TEXT NOT NULL REFERENCES applications(id), "
           "number BIGINT NOT NULL, state TEXT NOT NULL, is_current BIGINT NOT NULL, manifest TEXT NOT NULL, "
           "manifest_path TEXT NOT NULL, source TEXT NOT NULL, scm_revision TEXT NOT NULL, package_path TEXT NOT NULL, "
           "package_checksum TEXT NOT NULL, package_size BIGINT NOT NULL, created DOUBLE PRECISION NOT NULL, "
           "updated DOUBLE PRECISION NOT NULL, UNIQUE (application_id, number))",
           "CREATE TABLE instance_types (id TEXT PRIMARY KEY, version_id TEXT NOT NULL REFERENCES versions(id), "
           "name TEXT NOT NULL, quantity BIGINT NOT NULL, runtime_plugin TEXT NOT NULL, runtime_version TEXT NOT NULL, "
           "runtime_parameters TEXT NOT NULL, startup TEXT NOT NULL, placement TEXT NOT NULL, hostnames TEXT NOT NULL, "
           "crons TEXT NOT NULL, exclusive BIGINT NOT NULL, standalone BIGINT NOT NULL, UNIQUE (version_id, name))",
           "CREATE TABLE instances (id TEXT PRIMARY KEY, instance_type_id TEXT NOT NULL REFERENCES instance_types(id), "
           "version_id TEXT NOT NULL, node_uuid TEXT NOT NULL, port BIGINT NOT NULL, state TEXT NOT NULL, "
           "restarts BIGINT NOT NULL DEFAULT 0, last_exit TEXT NOT NULL DEFAULT '', "
           "changed DOUBLE PRECISION NOT NULL, created DOUBLE PRECISION NOT NULL)",
           "CREATE INDEX instances_by_type ON instances (instance_type_id)",
           "CREATE INDEX instances_by_version ON instances (version_id)",
           "CREATE INDEX instances_by_node ON instances (node_uuid)",
           "CREATE TABLE services (id TEXT PRIMARY KEY, application_id TEXT NOT NULL REFERENCES applications(id), "
           "name TEXT NOT NULL, plugin TEXT NOT NULL, parameters TEXT NOT NULL, credentials TEXT NOT NULL, "
           "created DOUBLE PRECISION NOT NULL, updated DOUBLE PRECISION NOT NULL, UNIQUE (application_id, name))",
           "CREATE TABLE uploads (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, filename TEXT NOT NULL, "
           "size BIGINT NOT NULL, received BIGINT NOT NULL, path TEXT NOT NULL, created DOUBLE PRECISION NOT NULL)",
       }},
      {3,
       "the shared directories each node reports",
       {
           "ALTER TABLE nodes ADD COLUMN shared_directories TEXT NOT NULL DEFAULT '[]'",
       }},
      {4,
       "one row per cron and slot it was due at, and which crons are suspended (crons/cron_store.h)",
       {
           "CREATE TABLE cron_runs (cron_id TEXT NOT NULL, slot BIGINT NOT NULL, job_id TEXT NOT NULL, "
           "outcome TEXT NOT NULL, created DOUBLE PRECISION NOT NULL, PRIMARY KEY (cron_id, slot))",
           "CREATE TABLE cron_state (cron_id TEXT PRIMARY KEY, suspended BIGINT NOT NULL, "
           "changed DOUBLE PRECISION NOT NULL)",
       }},
  };
  return migrations;
}

}  // namespace paasmaker::pacemaker
