#include "pacemaker/crons/cron_endpoints.h"

#include <chrono>

#include "model/cron_spec.h"
#include "pacemaker/crons/cron_table.h"

namespace paasmaker::pacemaker::crons {

namespace {

using nlohmann::json;

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

json RunJson(const CronRun& run) {
  return {{"slot", run.slot},
          {"slot_time", UtcText(run.slot)},
          {"outcome", run.outcome},
          {"job_id", run.job_id.empty() ? json() : json(run.job_id)},
          {"created", run.created}};
}

// The application's current crons, once `who` may do `permission` on it.
Result<std::vector<CurrentCron>> AccessibleCrons(CronEndpointsContext& ctx, const std::string& application_id,
                                                 const Principal& who, const char* permission) {
  PM_ASSIGN_OR_RETURN(auto app, ctx.runs.apps.FindApplication(application_id));
  if (!app) return NotFound("no application " + application_id);
  PM_RETURN_IF_ERROR(who.Require(permission, app->workspace_id));
  return CurrentCrons(ctx.runs.apps, application_id);
}

// The cron the URL names (params: application, type, index).
Result<CurrentCron> NamedCron(CronEndpointsContext& ctx, const http::Request& req, const Principal& who,
                              const char* permission) {
  PM_ASSIGN_OR_RETURN(auto crons, AccessibleCrons(ctx, req.params[0], who, permission));
  const std::string name = req.params[1] + "/" + req.params[2];
  std::string known;
  for (const auto& cron : crons) {
    if (cron.name == name) return cron;
    known += (known.empty() ? "" : ", ") + cron.name;
  }
  return NotFound("the current version has no cron " + name + (known.empty() ? " (it has none)" : "; it has " + known));
}

}  // namespace

PM_ENDPOINT(CronEndpointsContext, json, ListCrons) {
  PM_ASSIGN_OR_RETURN(auto crons, AccessibleCrons(ctx, req.params[0], who, "WORKSPACE_VIEW"));
  PM_ASSIGN_OR_RETURN(auto suspended, ctx.runs.crons.Suspended());
  const int64_t now = NowSeconds();
  json list = json::array();
  for (const auto& cron : crons) {
    PM_ASSIGN_OR_RETURN(auto last, ctx.runs.crons.Last(cron.id));
    auto spec = model::CronSpec::Parse(cron.runspec, cron.timezone);
    const bool is_suspended = suspended.count(cron.id) > 0;
    json next = spec.ok() && !is_suspended ? json(static_cast<int64_t>(spec->Next(now))) : json();
    list.push_back({{"cron_id", cron.id},
                    {"name", cron.name},
                    {"instance_type", cron.instance_type},
                    {"version", cron.version_number},
                    {"runspec", cron.runspec},
                    {"timezone", cron.timezone},
                    {"uri", cron.uri},
                    {"concurrency", cron.concurrency},
                    {"suspended", is_suspended},
                    {"next_slot", next},
                    {"last_run", last ? RunJson(*last) : json()}});
  }
  return json{{"crons", list}, {"runs_enabled", ctx.runs.config.pacemaker.run_crons}};
}

PM_ENDPOINT(CronEndpointsContext, json, CronRuns) {
  PM_ASSIGN_OR_RETURN(CurrentCron cron, NamedCron(ctx, req, who, "WORKSPACE_VIEW"));
  PM_ASSIGN_OR_RETURN(auto runs, ctx.runs.crons.Recent(cron.id, 50));
  json list = json::array();
  for (const auto& run : runs) list.push_back(RunJson(run));
  return json{{"cron_id", cron.id}, {"name", cron.name}, {"runs", list}};
}

PM_ENDPOINT(CronEndpointsContext, api::Reply, CronAction) {
  const std::string action = req.params[3];
  if (action != "run" && action != "suspend" && action != "resume") {
    return NotFound("no cron action " + action + " (run, suspend, resume)");
  }
  PM_ASSIGN_OR_RETURN(CurrentCron cron, NamedCron(ctx, req, who, "APPLICATION_DEPLOY"));
  if (action == "run") {
    // A run now takes the current second as its slot, so the schedule's own
    // slot at that second (if any) is this run, and the other way round: a
    // scheduled run that has just started this second is the answer.
    const int64_t now = NowSeconds();
    PM_ASSIGN_OR_RETURN(auto run, ClaimAndStart(ctx.runs, cron, now, false, who.user.login));
    if (!run) {
      PM_ASSIGN_OR_RETURN(auto last, ctx.runs.crons.Last(cron.id));
      if (!last || last->slot != now || last->job_id.empty()) {
        return AlreadyExists("cron " + cron.name + " was claimed for this second without a run; try again");
      }
      run = last;
    }
    return api::Reply::Accepted({{"job_id", run->job_id}, {"slot", run->slot}});
  }
  PM_RETURN_IF_ERROR(ctx.runs.crons.SetSuspended(cron.id, action == "suspend"));
  return api::Reply::Data({{"cron_id", cron.id}, {"name", cron.name}, {"suspended", action == "suspend"}});
}

}  // namespace paasmaker::pacemaker::crons
