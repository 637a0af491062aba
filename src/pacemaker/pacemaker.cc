#include "pacemaker/pacemaker.h"

#include "core/files.h"
#include "core/log.h"
#include "pacemaker/api_routes.h"
#include "pacemaker/pacemaker_context.h"
#include "pacemaker/store/schema.h"

namespace paasmaker::pacemaker {

Pacemaker::Pacemaker(const config::NodeConfig& config, std::string node_token)
    : config_(config), node_token_(std::move(node_token)) {}

Pacemaker::~Pacemaker() { Stop(); }

Status Pacemaker::Start(http::Server& server) {
  std::string dsn = config_.pacemaker.dsn;
  if (dsn.empty()) dsn = "sqlite://" + config_.DataDir() + "/paasmaker.db";
  PM_ASSIGN_OR_RETURN(auto db, sql::Open(dsn));
  PM_RETURN_IF_ERROR(sql::Migrate(*db, SchemaMigrations()).WithContext("database schema"));
  context_ = std::make_unique<PacemakerContext>(config_, std::move(db), node_token_);
  PM_ASSIGN_OR_RETURN(bootstrap_, BootstrapCluster(*context_, config_.DataDir()));
  InstallApiRoutes(server, *context_);
  return Status::Ok();
}

void Pacemaker::Stop() { context_.reset(); }

void Pacemaker::SetNodeUuid(const std::string& uuid) {
  if (context_) context_->node_uuid = uuid;
}

}  // namespace paasmaker::pacemaker
