// What endpoints and pacemaker services share: configuration, the database
// and its stores, the authenticator. Owned by Pacemaker; endpoints get a
// reference and must not keep pointers past Pacemaker::Stop(). Thread safe.
#pragma once

#include <memory>

#include "config/node_config.h"
#include "core/sql/database.h"
#include "pacemaker/auth.h"
#include "pacemaker/store/node_store.h"
#include "pacemaker/store/user_store.h"
#include "pacemaker/store/workspace_store.h"

namespace paasmaker::pacemaker {

struct PacemakerContext {
  PacemakerContext(const config::NodeConfig& config, std::unique_ptr<sql::Database> database,
                   const std::string& node_token)
      : config(config),
        db(std::move(database)),
        nodes(*db),
        users(*db),
        workspaces(*db),
        auth(users, node_token, config.pacemaker.super_token, config.pacemaker.allow_supertoken) {}

  const config::NodeConfig& config;
  std::unique_ptr<sql::Database> db;
  NodeStore nodes;
  UserStore users;
  WorkspaceStore workspaces;
  Authenticator auth;
  std::string node_uuid;  // this node, once registered (for information)
};

}  // namespace paasmaker::pacemaker
