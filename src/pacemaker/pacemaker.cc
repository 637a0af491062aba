#include "pacemaker/pacemaker.h"

#include "core/files.h"
#include "core/log.h"
#include "pacemaker/api_routes.h"
#include "pacemaker/console/console_files.h"
#include "pacemaker/crons/cron_runner.h"
#include "pacemaker/family_contexts.h"
#include "pacemaker/health/health_manager.h"
#include "pacemaker/lifecycle/routing_table.h"
#include "pacemaker/metrics/pacemaker_metrics.h"
#include "pacemaker/pacemaker_context.h"
#include "pacemaker/services/application_services.h"
#include "pacemaker/services/service_daemons.h"
#include "pacemaker/stats/history_archiver.h"
#include "pacemaker/store/schema.h"

namespace paasmaker::pacemaker {

Pacemaker::Pacemaker(const config::NodeConfig& config, std::string node_token, model::RedisHandout redis_handout,
                     const jobs::JobRegistry& job_registry, metrics::Registry& metrics)
    : config_(config),
      node_token_(std::move(node_token)),
      redis_handout_(std::move(redis_handout)),
      job_registry_(job_registry),
      metrics_registry_(metrics) {}

Pacemaker::~Pacemaker() { Stop(); }

Status Pacemaker::Start(http::Server& server) {
  std::string dsn = config_.pacemaker.dsn;
  if (dsn.empty()) dsn = "sqlite://" + config_.DataDir() + "/paasmaker.db";
  PM_ASSIGN_OR_RETURN(auto db, sql::Open(dsn));
  PM_RETURN_IF_ERROR(sql::Migrate(*db, SchemaMigrations()).WithContext("database schema"));
  service_daemons_ = std::make_unique<services::ServiceDaemons>(
      config_.DataDir() + "/services", config_.service_ports_minimum, config_.service_ports_maximum,
      config_.route_address);
  context_ = std::make_unique<PacemakerContext>(config_, std::move(db), node_token_, job_registry_,
                                                service_daemons_.get(), redis_handout_);
  PM_ASSIGN_OR_RETURN(bootstrap_, BootstrapCluster(context_->users, context_->workspaces, config_.DataDir()));
  // Services of deployed applications come back with the pacemaker.
  Status services = services::StartManagedServices(context_->workspaces, context_->apps, *service_daemons_);
  if (!services.ok()) PM_LOG_WARN("managed services: {}", services.ToString());
  metrics_ = std::make_unique<PacemakerMetrics>(metrics_registry_, context_->nodes, context_->apps,
                                                context_->job_store, context_->jobs_redis);
  InstallApiRoutes(server, *context_, metrics_.get());
  console::InstallConsoleRoutes(server, config_.pacemaker.console_dir);
  housekeeping_ = std::thread([this] { HousekeepingLoop(); });
  stats_history_ = std::make_unique<stats::HistoryArchiver>(
      context_->stats_redis.endpoint(),
      stats::HistoryArchiveOptions{static_cast<int64_t>(config_.pacemaker.stats_history_archive_after),
                                   static_cast<int64_t>(config_.pacemaker.stats_history_max_age)});
  stats_history_->Start();
  return Status::Ok();
}

void Pacemaker::StartSchedulers() {
  if (!context_ || health_) return;
  health_ = std::make_unique<health::HealthManager>(HealthManagerContextOf(*context_));
  health_->Start();
  crons_ = std::make_unique<crons::CronRunner>(CronRunnerContextOf(*context_));
  crons_->Start();
}

void Pacemaker::HousekeepingLoop() {
  const auto archive_after = std::chrono::seconds(static_cast<int64_t>(config_.pacemaker.job_archive_after));
  const auto max_age = std::chrono::seconds(static_cast<int64_t>(config_.pacemaker.job_max_age));
  std::unique_lock<std::mutex> lock(housekeeping_mutex_);
  while (!housekeeping_cv_.wait_for(lock, std::chrono::seconds(60), [this] { return stopping_; })) {
    lock.unlock();
    auto archived = context_->job_archive.Archive(archive_after);
    if (!archived.ok()) PM_LOG_WARN("job archiving: {}", archived.status().ToString());
    else if (*archived > 0) PM_LOG_INFO("archived {} finished job trees", *archived);
    PublishOwnRoute();
    auto purged = context_->job_archive.Purge(max_age);
    if (!purged.ok()) PM_LOG_WARN("job purge: {}", purged.status().ToString());
    else if (*purged > 0) PM_LOG_INFO("deleted {} job trees older than {} s", *purged, max_age.count());
    lock.lock();
  }
}

void Pacemaker::PrepareStop() {
  if (context_) context_->stopping = true;
}

void Pacemaker::Stop() {
  {
    std::lock_guard<std::mutex> lock(housekeeping_mutex_);
    stopping_ = true;
  }
  housekeeping_cv_.notify_all();
  if (housekeeping_.joinable()) housekeeping_.join();
  if (health_) health_->Stop();
  health_.reset();
  if (crons_) crons_->Stop();
  crons_.reset();
  if (stats_history_) stats_history_->Stop();
  stats_history_.reset();
  if (service_daemons_) service_daemons_->StopAll();
  metrics_.reset();
  context_.reset();
  service_daemons_.reset();
}

void Pacemaker::SetNodeUuid(const std::string& uuid) {
  if (!context_) return;
  context_->node_uuid.Set(uuid);
  PublishOwnRoute();
}

// pacemaker.<cluster_hostname> through the routers (SPEC §4). Re-published by
// housekeeping too, so a table Redis that restarted empty gets it back.
void Pacemaker::PublishOwnRoute() {
  if (!context_) return;
  const std::string uuid = context_->node_uuid.Get();
  if (uuid.empty()) return;
  const std::string hostname = "pacemaker." + config_.pacemaker.cluster_hostname;
  auto entry = lifecycle::RouteEntry(config_.route_address, config_.http_port, lifecycle::kPacemakerRouteId,
                                     uuid, lifecycle::kPacemakerRouteId);
  auto serial = context_->routing.Publish(hostname, entry, lifecycle::kPacemakerRouteId);
  if (!serial.ok()) PM_LOG_WARN("routing {}: {}", hostname, serial.status().ToString());
}

}  // namespace paasmaker::pacemaker
