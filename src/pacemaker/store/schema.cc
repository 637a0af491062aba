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
  };
  return migrations;
}

}  // namespace paasmaker::pacemaker
