// Jobs: tree, listing by tag, abort, logs (fetched from the node that ran
// the job) and a live server-sent-events stream of the tree and its logs.
#include "pacemaker/endpoints/jobs.h"

#include <thread>

#include "core/api_response.h"
#include "core/log.h"
#include "pacemaker/job_access.h"

namespace paasmaker::pacemaker::endpoints {

using nlohmann::json;

namespace {

// Reads the tree of req.params[0] and checks `who` may act on it.
Result<jobs::TreeSnapshot> AccessibleTree(JobsContext& ctx, const http::Request& req, const Principal& who,
                                          JobAction action) {
  PM_ASSIGN_OR_RETURN(auto tree, ctx.job_tree.GetTree(req.params[0]));
  PM_RETURN_IF_ERROR(CheckJobAccess(who, tree, action));
  return tree;
}

const jobs::Job* FindJob(const jobs::TreeSnapshot& tree, const std::string& id) {
  for (const auto& job : tree.jobs) {
    if (job.id == id) return &job;
  }
  return nullptr;
}

std::string SseEvent(const json& event) { return "data: " + jobs::DumpJson(event) + "\n\n"; }

bool IsSecretKey(const std::string& key) {
  return key == "password" || key == "secret" || key == "token" || key == "credentials";
}

// Job parameters may carry secrets (a heart.register job holds the
// instance's service credentials, an scm job may hold a password): the API
// shows their shape, never their values. Applies to every nested job.
void RedactSecrets(json& value, bool in_parameters = false) {
  if (value.is_array()) {
    for (auto& item : value) RedactSecrets(item, in_parameters);
    return;
  }
  if (!value.is_object()) return;
  for (auto& [key, item] : value.items()) {
    if (in_parameters && key == "services" && item.is_object()) {
      for (auto& [name, service] : item.items()) {
        std::string provider = service.is_object() ? service.value("provider", "") : "";
        service = json{{"provider", provider}, {"credentials", "(hidden)"}};
      }
    } else if (in_parameters && IsSecretKey(key) && !item.is_null()) {
      item = "(hidden)";
    } else {
      RedactSecrets(item, in_parameters || key == "parameters");
    }
  }
}

}  // namespace

PM_ENDPOINT(JobsContext, json, ListJobs) {
  std::string tag = req.Query("tag");
  if (tag.empty()) return InvalidArgument("tag: required (e.g. workspace:<id>, health)");
  std::string workspace = tag.rfind("workspace:", 0) == 0 ? tag.substr(10) : "";
  bool allowed = workspace.empty() ? who.Allows("SYSTEM_OVERVIEW") : who.Allows("WORKSPACE_VIEW", workspace);
  if (!allowed) return PermissionDenied("not allowed to list jobs tagged " + tag);
  int64_t offset = std::strtoll(req.Query("offset", "0").c_str(), nullptr, 10);
  int64_t limit = std::strtoll(req.Query("limit", "20").c_str(), nullptr, 10);
  if (offset < 0 || limit <= 0 || limit > 500) {
    return InvalidArgument("offset/limit: offset >= 0 and 1 <= limit <= 500");
  }
  PM_ASSIGN_OR_RETURN(json listing, ctx.job_tree.ListByTag(tag, offset, limit));
  RedactSecrets(listing);
  return listing;
}

PM_ENDPOINT(JobsContext, json, ShowJob) {
  PM_ASSIGN_OR_RETURN(auto tree, AccessibleTree(ctx, req, who, JobAction::kView));
  PM_ASSIGN_OR_RETURN(json subtree, ctx.job_tree.Subtree(req.params[0]));
  RedactSecrets(subtree);
  // The ids a prepare tree made (a deploy goes on with its new version).
  // Only these: the rest of the context may hold what the jobs passed on.
  json ids = json::object();
  for (const char* key : {"application_id", "version_id"}) {
    if (tree.context.contains(key) && tree.context[key].is_string()) ids[key] = tree.context[key];
  }
  return json{{"job", subtree}, {"root_id", tree.root_id}, {"context", ids}};
}

PM_ENDPOINT(JobsContext, json, AbortJob) {
  PM_ASSIGN_OR_RETURN(auto tree, AccessibleTree(ctx, req, who, JobAction::kAbort));
  std::string by = who.kind == Principal::Kind::kUser ? who.user.login : "the super token";
  PM_RETURN_IF_ERROR(ctx.job_store.AbortTree(req.params[0], "Aborted by " + by + "."));
  PM_LOG_INFO("job tree {} aborted by {}", tree.root_id, by);
  return json{{"aborted", tree.root_id}};
}

PM_ENDPOINT(JobsContext, api::Reply, JobLog) {
  PM_ASSIGN_OR_RETURN(auto tree, AccessibleTree(ctx, req, who, JobAction::kView));
  const jobs::Job* job = FindJob(tree, req.params[0]);
  if (job == nullptr) return NotFound("no job " + req.params[0]);
  uint64_t offset = std::strtoull(req.Query("offset", "0").c_str(), nullptr, 10);
  PM_ASSIGN_OR_RETURN(LogPiece piece, FetchJobLog(ctx.logs, *job, offset));
  return LogReply(std::move(piece));
}

// Polls the tree and the logs of its jobs (every 200 ms) and sends what
// changed, so a lost pub/sub message can never lose an event:
//   {"type":"status","job_id","parent_id","state","title","summary","node"}
//   {"type":"log","job_id","text"}
//   {"type":"end","root_state"}  once the root is finished and logs are drained.
PM_ENDPOINT(JobsContext, api::Reply, JobStream) {
  PM_RETURN_IF_ERROR(AccessibleTree(ctx, req, who, JobAction::kView).status());
  std::string job_id = req.params[0];
  api::Reply reply;
  http::Response& res = reply.response;
  res.content_type = "text/event-stream";
  res.headers["Cache-Control"] = "no-cache";
  res.stream = [&ctx, job_id](http::StreamWriter& out) {
    std::map<std::string, std::string> states;
    std::map<std::string, uint64_t> offsets;
    bool root_finished_seen = false;
    while (out.client_connected() && !ctx.stopping) {
      auto tree = ctx.job_tree.GetTree(job_id);
      if (!tree.ok()) {
        out.Write(SseEvent({{"type", "error"}, {"message", tree.status().message()}}));
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        continue;
      }
      bool wrote_log = false;
      const jobs::Job* root = FindJob(*tree, tree->root_id);
      for (const auto& job : tree->jobs) {
        std::string state(jobs::JobStateName(job.state));
        if (states[job.id] != state) {
          states[job.id] = state;
          if (!out.Write(SseEvent({{"type", "status"}, {"job_id", job.id}, {"parent_id", job.parent_id},
                                   {"state", state}, {"title", job.title}, {"summary", job.summary},
                                   {"node", job.node}}))) {
            return;
          }
        }
        if (job.started == 0) continue;  // never ran: no log anywhere
        auto piece = FetchJobLog(ctx.logs, job, offsets[job.id]);
        if (!piece.ok() || piece->text.empty()) continue;
        offsets[job.id] = piece->next_offset;
        wrote_log = true;
        if (!out.Write(SseEvent({{"type", "log"}, {"job_id", job.id}, {"text", piece->text}}))) return;
      }
      bool finished = root != nullptr && jobs::IsFinished(root->state);
      // One more pass after the root finished, so the last lines are sent.
      if (finished && root_finished_seen && !wrote_log) {
        out.Write(SseEvent({{"type", "end"}, {"root_state", std::string(jobs::JobStateName(root->state))}}));
        return;
      }
      root_finished_seen = finished;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  };
  return reply;
}

}  // namespace paasmaker::pacemaker::endpoints
