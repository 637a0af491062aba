#include "pacemaker/crons/cron_table.h"

#include <fmt/format.h>

#include <chrono>
#include <ctime>

#include "jobs/job.h"
#include "model/instance_state.h"
#include "pacemaker/crons/cron_jobs.h"

namespace paasmaker::pacemaker::crons {

using nlohmann::json;

Result<std::vector<CurrentCron>> CurrentCrons(ApplicationStore& apps, const std::string& application_id) {
  std::vector<CurrentCron> out;
  std::vector<Version> versions;
  if (application_id.empty()) {
    PM_ASSIGN_OR_RETURN(versions, apps.ListVersionsInState(model::kVersionRunning));
  } else {
    PM_ASSIGN_OR_RETURN(auto current, apps.CurrentVersion(application_id));
    if (current && current->state == model::kVersionRunning) versions.push_back(*current);
  }
  for (const auto& version : versions) {
    if (!version.is_current) continue;
    PM_ASSIGN_OR_RETURN(auto app, apps.FindApplication(version.application_id));
    if (!app) continue;
    PM_ASSIGN_OR_RETURN(auto types, apps.ListInstanceTypes(version.id));
    for (const auto& type : types) {
      if (!type.crons.is_array()) continue;
      for (size_t i = 0; i < type.crons.size(); ++i) {
        const json& cron = type.crons[i];
        out.push_back({.id = fmt::format("{}/{}/{}", app->id, type.name, i),
                       .name = fmt::format("{}/{}", type.name, i),
                       .application_id = app->id,
                       .workspace_id = app->workspace_id,
                       .version_id = version.id,
                       .version_number = version.number,
                       .instance_type_id = type.id,
                       .instance_type = type.name,
                       .index = i,
                       .runspec = cron.value("runspec", ""),
                       .uri = cron.value("uri", "/"),
                       .concurrency = cron.value("concurrency", "forbid"),
                       .timezone = cron.value("timezone", "UTC")});
      }
    }
  }
  return out;
}

Result<std::optional<CronRun>> ClaimAndStart(const CronRunnerContext& ctx, const CurrentCron& cron, int64_t slot,
                                             bool skip, const std::string& started_by) {
  const std::string self = ctx.node_uuid.Get();
  if (self.empty()) return Unavailable("the pacemaker has not registered its node yet");
  double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  CronRun run{.cron_id = cron.id, .slot = slot, .outcome = skip ? kCronSkipped : kCronStarted, .created = now};
  jobs::TreeSpec tree;
  if (!skip) {
    std::string title = fmt::format("Cron {} of {} version {} ({})", cron.uri, cron.instance_type,
                                    cron.version_number, UtcText(slot));
    if (!started_by.empty()) title += ", run by " + started_by;
    run.job_id = tree.Add({.type = kCronJob,
                           .parameters = {{"instance_type_id", cron.instance_type_id},
                                          {"uri", cron.uri},
                                          {"cron_id", cron.id},
                                          {"cron_index", cron.index},
                                          {"slot", slot}},
                           .node = self,
                           .title = title,
                           .tags = {"cron", "cron:" + cron.id, "application:" + cron.application_id,
                                    "workspace:" + cron.workspace_id}});
    PM_RETURN_IF_ERROR(ctx.job_registry.Validate(tree.jobs().front()));
  }
  // The claim first: whoever's insert goes in is the one run of the slot.
  PM_ASSIGN_OR_RETURN(bool claimed, ctx.crons.Claim(run));
  if (!claimed) return std::optional<CronRun>();
  if (!skip) {
    PM_RETURN_IF_ERROR(ctx.job_store.AddTree(tree.jobs()));
    PM_RETURN_IF_ERROR(ctx.job_store.StartTree(run.job_id));
  }
  return std::optional<CronRun>(run);
}

std::string UtcText(int64_t unix_seconds) {
  std::time_t time = static_cast<std::time_t>(unix_seconds);
  std::tm utc{};
  gmtime_r(&time, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S UTC", &utc);
  return text;
}

}  // namespace paasmaker::pacemaker::crons
