// The pacemaker's composition root: it owns the database and its stores,
// the authenticator, the Redis clients, the job store and the routing
// table, and builds from them the narrow context of every endpoint group
// (endpoints/*.h, prepare/prepare_endpoints.h, prepare/uploads.h), so that a
// handler sees exactly what its group uses. Only Pacemaker, the route
// installer (api_routes.h) and the plugin registration see the whole of it.
//
// Everything is given at construction; nothing is assigned afterwards
// (node_uuid is set once the node registers, `stopping` before the HTTP
// server stops: runtime state, not wiring). Owned by Pacemaker; users must
// not keep references past Pacemaker::Stop(). Thread safe.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <tuple>

#include "config/node_config.h"
#include "core/concurrency_limit.h"
#include "core/redis_client.h"
#include "core/sql/database.h"
#include "jobs/job_archive.h"
#include "jobs/job_registry.h"
#include "jobs/job_store.h"
#include "jobs/job_tree.h"
#include "model/redis_access.h"
#include "pacemaker/auth.h"
#include "pacemaker/crons/cron_endpoints.h"
#include "pacemaker/crons/cron_store.h"
#include "pacemaker/endpoints/endpoints.h"
#include "pacemaker/lifecycle/routing_table.h"
#include "pacemaker/node_uuid.h"
#include "pacemaker/prepare/prepare_endpoints.h"
#include "pacemaker/prepare/uploads.h"
#include "pacemaker/services/application_services.h"
#include "pacemaker/services/service_daemons.h"
#include "pacemaker/services/service_endpoints.h"
#include "pacemaker/store/application_store.h"
#include "pacemaker/store/node_store.h"
#include "pacemaker/store/user_store.h"
#include "pacemaker/store/workspace_store.h"

namespace paasmaker::pacemaker {

struct PacemakerContext {
  // `job_registry`: the node's (NodeJobs owns it; it is filled with the
  // plugins after this is built, which is fine: trees are only validated
  // once the API serves). `service_daemons`: the managed service daemons
  // (Pacemaker owns them; null where none may run, e.g. unit tests). Both
  // must outlive this.
  PacemakerContext(const config::NodeConfig& config, std::unique_ptr<sql::Database> database,
                   const std::string& node_token, const jobs::JobRegistry& job_registry,
                   services::ServiceDaemons* service_daemons, model::RedisHandout redis_handout = {})
      : config(config),
        db(std::move(database)),
        nodes(*db),
        users(*db),
        workspaces(*db),
        apps(*db),
        cron_store(*db),
        auth(users, node_token, config.pacemaker.super_token, config.pacemaker.allow_supertoken),
        node_token(node_token),
        redis_handout(std::move(redis_handout)),
        jobs_redis(config.redis.jobs.Endpoint()),
        job_store(&jobs_redis),
        job_logs(jobs::JobLogDirOf(config.DataDir())),
        job_archive(&job_store, config.DataDir() + "/jobs/archive", &job_logs),
        job_tree(&job_store, &job_archive),
        table_redis(config.redis.table.Endpoint()),
        routing(&table_redis),
        stats_redis(config.redis.stats.Endpoint()),
        job_registry(job_registry),
        service_daemons(service_daemons),
        streams("open streams", config.pacemaker.max_streams_per_user, "pacemaker.max_streams_per_user",
                config.pacemaker.max_streams, "pacemaker.max_streams"),
        uploads("upload chunks being received", config.pacemaker.max_uploads_per_user,
                "pacemaker.max_uploads_per_user", config.pacemaker.max_uploads, "pacemaker.max_uploads"),
        endpoint_groups_(
            endpoints::InformationContext{this->config, node_uuid, users},
            endpoints::NodesContext{nodes, apps, this->redis_handout},
            endpoints::WorkspacesContext{workspaces},
            endpoints::UsersContext{users},
            endpoints::JobsContext{job_tree, job_store, NodeLogs(), streams, stopping},
            endpoints::ApplicationsContext{workspaces, apps, nodes, routing,
                                           lifecycle::TreeContext{apps, nodes, job_store, job_registry, node_uuid},
                                           NodeLogs()},
            endpoints::RouterStatsContext{apps, stats_redis, streams, stopping},
            endpoints::HealthContext{job_store, job_tree},
            prepare::PrepareEndpointsContext{this->config, node_uuid, workspaces, apps, job_store},
            prepare::UploadsContext{this->config, apps, uploads},
            crons::CronEndpointsContext{
                crons::CronRunnerContext{this->config, apps, cron_store, job_store, job_registry, node_uuid}},
            services::ServiceEndpointsContext{this->config, apps,
                                              services::MakeServiceContext(this->config, service_daemons)}) {}

  PacemakerContext(const PacemakerContext&) = delete;
  PacemakerContext& operator=(const PacemakerContext&) = delete;

  // The context of endpoint group `Group` (its handlers' first parameter).
  // A group this root does not build does not compile.
  template <typename Group>
  Group& EndpointGroup() {
    return std::get<Group>(endpoint_groups_);
  }

  const config::NodeConfig& config;
  std::unique_ptr<sql::Database> db;
  NodeStore nodes;
  UserStore users;
  WorkspaceStore workspaces;
  ApplicationStore apps;
  crons::CronStore cron_store;
  Authenticator auth;
  const std::string node_token;  // to fetch job logs from other nodes
  const model::RedisHandout redis_handout;  // registering nodes' Redis access (secret)
  redis::Client jobs_redis;
  jobs::JobStore job_store;
  jobs::JobLogs job_logs;  // this node's job logs, deleted with their trees
  jobs::JobArchive job_archive;
  jobs::JobTree job_tree;
  redis::Client table_redis;  // the routing table master
  lifecycle::RoutingTable routing;
  redis::Client stats_redis;  // routers' traffic counters (SPEC §3)
  const jobs::JobRegistry& job_registry;  // validates trees before they are added
  // Managed service daemons (paasmaker.service.managedredis); owned by Pacemaker.
  services::ServiceDaemons* const service_daemons;
  ConcurrencyLimit streams;  // open API streams, per user and in total
  ConcurrencyLimit uploads;  // upload chunks being received at once
  NodeUuid node_uuid;
  // Set before the HTTP server stops, so long-lived streams end.
  std::atomic<bool> stopping{false};

 private:
  NodeLogsContext NodeLogs() { return NodeLogsContext{nodes, config, node_token}; }

  // Built last: every group holds references to the members above.
  std::tuple<endpoints::InformationContext, endpoints::NodesContext, endpoints::WorkspacesContext,
             endpoints::UsersContext, endpoints::JobsContext, endpoints::ApplicationsContext,
             endpoints::RouterStatsContext, endpoints::HealthContext, prepare::PrepareEndpointsContext,
             prepare::UploadsContext, crons::CronEndpointsContext, services::ServiceEndpointsContext>
      endpoint_groups_;
};

}  // namespace paasmaker::pacemaker
