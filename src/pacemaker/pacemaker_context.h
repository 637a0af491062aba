// What endpoints and pacemaker services share: configuration, the database
// and its stores, the authenticator. Owned by Pacemaker; endpoints get a
// reference and must not keep pointers past Pacemaker::Stop(). Thread safe.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "config/node_config.h"
#include "core/redis_client.h"
#include "core/sql/database.h"
#include "jobs/job_archive.h"
#include "jobs/job_registry.h"
#include "jobs/job_store.h"
#include "jobs/job_tree.h"
#include "model/redis_access.h"
#include "pacemaker/auth.h"
#include "pacemaker/lifecycle/routing_table.h"
#include "pacemaker/node_uuid.h"
#include "pacemaker/store/application_store.h"
#include "pacemaker/store/node_store.h"
#include "pacemaker/store/user_store.h"
#include "pacemaker/store/workspace_store.h"

namespace paasmaker::pacemaker {

namespace services {
class ServiceDaemons;
}

struct PacemakerContext {
  PacemakerContext(const config::NodeConfig& config, std::unique_ptr<sql::Database> database,
                   const std::string& node_token, model::RedisHandout redis_handout = {})
      : config(config),
        db(std::move(database)),
        nodes(*db),
        users(*db),
        workspaces(*db),
        apps(*db),
        auth(users, node_token, config.pacemaker.super_token, config.pacemaker.allow_supertoken),
        node_token(node_token),
        redis_handout(std::move(redis_handout)),
        jobs_redis(config.redis.jobs.Endpoint()),
        job_store(&jobs_redis),
        job_archive(&job_store, config.DataDir() + "/jobs/archive"),
        job_tree(&job_store, &job_archive),
        table_redis(config.redis.table.Endpoint()),
        routing(&table_redis),
        stats_redis(config.redis.stats.Endpoint()) {}

  const config::NodeConfig& config;
  std::unique_ptr<sql::Database> db;
  NodeStore nodes;
  UserStore users;
  WorkspaceStore workspaces;
  ApplicationStore apps;
  Authenticator auth;
  const std::string node_token;  // to fetch job logs from other nodes
  const model::RedisHandout redis_handout;  // registering nodes' Redis access (secret)
  redis::Client jobs_redis;
  jobs::JobStore job_store;
  jobs::JobArchive job_archive;
  jobs::JobTree job_tree;
  redis::Client table_redis;  // the routing table master
  lifecycle::RoutingTable routing;
  redis::Client stats_redis;  // routers' traffic counters (SPEC §3)
  const jobs::JobRegistry* job_registry = nullptr;  // validates trees before they are added
  // Managed service daemons (paasmaker.service.managedredis); owned by Pacemaker.
  services::ServiceDaemons* service_daemons = nullptr;
  // Removes an application's services (src/pacemaker/services), for its deletion.
  std::function<Status(PacemakerContext&, const std::string& application_id)> remove_services;
  NodeUuid node_uuid;
  // Set before the HTTP server stops, so long-lived streams end.
  std::atomic<bool> stopping{false};
};

}  // namespace paasmaker::pacemaker
