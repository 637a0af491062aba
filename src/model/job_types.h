// Job type names: the contract between the node that builds a job tree and
// the nodes that run its jobs (the pacemaker builds trees whose heart jobs
// run on hearts; every node registers every type, plugins/builtin_plugins.cc).
// Spelled once here; plugins register under these names and trees use them.
// Test-only types (paasmaker.job.test.*) live with their plugins in
// jobs/test_jobs.h.
#pragma once

namespace paasmaker::model::job_types {

// Heart (src/heart/heart_jobs.cc): one instance each.
inline constexpr const char* kHeartRegister = "paasmaker.job.heart.register";
inline constexpr const char* kHeartStartup = "paasmaker.job.heart.startup";
inline constexpr const char* kHeartStart = "paasmaker.job.heart.start";
inline constexpr const char* kHeartStop = "paasmaker.job.heart.stop";
inline constexpr const char* kHeartDeregister = "paasmaker.job.heart.deregister";

// Pacemaker lifecycle (src/pacemaker/lifecycle/lifecycle_jobs.cc).
inline constexpr const char* kGroup = "paasmaker.job.group";
inline constexpr const char* kSelect = "paasmaker.job.placement.select";
inline constexpr const char* kInstanceStore = "paasmaker.job.instance.store";
inline constexpr const char* kRoutingUpdate = "paasmaker.job.routing.update";
inline constexpr const char* kVersionState = "paasmaker.job.version.state";
inline constexpr const char* kVersionCurrent = "paasmaker.job.version.current";
inline constexpr const char* kInstanceState = "paasmaker.job.instance.state";
inline constexpr const char* kVersionDelete = "paasmaker.job.version.delete";
inline constexpr const char* kApplicationDelete = "paasmaker.job.application.delete";

// Pacemaker prepare (src/pacemaker/prepare/prepare_jobs.cc).
inline constexpr const char* kPrepareRoot = "paasmaker.job.prepare.root";
inline constexpr const char* kPrepareScm = "paasmaker.job.prepare.scm";
inline constexpr const char* kPrepareManifest = "paasmaker.job.prepare.manifest";
inline constexpr const char* kPrepareServices = "paasmaker.job.prepare.services";
inline constexpr const char* kPrepareCommands = "paasmaker.job.prepare.commands";
inline constexpr const char* kPreparePack = "paasmaker.job.prepare.pack";

// Pacemaker health checks (src/pacemaker/health/health_jobs.cc); health
// groups in the node config name them.
inline constexpr const char* kDownNodes = "paasmaker.health.downnodes";
inline constexpr const char* kStuckJobs = "paasmaker.health.stuckjobs";
inline constexpr const char* kRouterDownInstances = "paasmaker.health.routerdowninstances";
inline constexpr const char* kAdjustInstances = "paasmaker.health.adjustinstances";
inline constexpr const char* kStage = "paasmaker.health.stage";

}  // namespace paasmaker::model::job_types
