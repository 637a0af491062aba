// The prepare tree (SPEC §6, docs/lifecycle.md): turns a source into a
// stored, checksummed package of a NEW application version.
//
//   paasmaker.job.prepare.root       "Prepared version N of APP"
//     └─ paasmaker.job.prepare.pack      tar.gz of work_dir (no .git) into
//        │                               <data>/packages/<version id>.tar.gz,
//        │                               SHA-256; version PREPARED; work_dir removed
//        └─ paasmaker.job.prepare.commands   the manifest's prepare commands in
//           │                                work_dir with a clean environment and
//           │                                PM_SERVICES, PM_METADATA; as root, under
//           │                                pacemaker.prepare_uid (prepare_user.h)
//           └─ paasmaker.job.prepare.services    create or update every manifest
//              │                                 service (in parallel)
//              └─ paasmaker.job.prepare.manifest     parse (all problems at once);
//                 │                                  application + NEW version;
//                 │                                  tags the root
//                 └─ paasmaker.job.prepare.scm           source into work_dir
//
// (A child runs before its parent.) Tree context: scm_revision (git),
// application_id, application_name, version_id, version_number.
//
// Failure: any failing job, and every job cancelled because of it, removes
// work_dir; the version stays NEW (only pack makes it PREPARED) and no
// half-written package is left.
//
// Every node registers these plugins (so any node validates a tree); with
// no context (not the pacemaker) they fail when run.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/node_config.h"
#include "core/result.h"
#include "jobs/job.h"
#include "jobs/job_registry.h"
#include "jobs/job_store.h"
#include "pacemaker/node_uuid.h"
#include "pacemaker/services/service_plugin.h"
#include "pacemaker/store/application_store.h"
#include "pacemaker/store/workspace_store.h"

namespace paasmaker::pacemaker::prepare {

// What the prepare jobs act on; references that must outlive the registry's use.
struct PrepareJobsContext {
  const config::NodeConfig& config;  // data dir, prepare_uid (and the heart's uid range), node tags
  ApplicationStore& apps;            // applications, versions, uploads, services
  WorkspaceStore& workspaces;        // PM_METADATA
  jobs::JobStore& job_store;         // tags the tree with its application and version
  services::ServiceContext services;  // creating the manifest's services
};

Status RegisterPrepareJobs(jobs::JobRegistry& registry, const std::optional<PrepareJobsContext>& ctx);

// The jobs of a prepare tree, root first, ids filled, every job on
// node_uuid (Unavailable while unregistered), the root tagged workspace:<id>. `scm` is {"plugin",
// "parameters"} (validated by the caller). work_dir = <WorkDirRoot>/<uuid>
// (<data>/prepare, or a root pacemaker's directory the prepare uid can reach:
// prepare_user.h). `may_create_application`: whether the deploying principal
// holds APPLICATION_CREATE on the workspace; without it the tree may only
// add a version to an application the manifest names that exists already
// (the manifest job finds out which, and fails naming the permission).
Result<std::vector<jobs::JobSpec>> BuildPrepareTree(const config::NodeConfig& config, const NodeUuid& node_uuid,
                                                    const std::string& workspace_id, const nlohmann::json& scm,
                                                    const std::string& manifest_path, bool may_create_application);

}  // namespace paasmaker::pacemaker::prepare
