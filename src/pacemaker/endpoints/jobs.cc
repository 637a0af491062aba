// Jobs: tree, listing by tag, abort, logs (fetched from the node that ran
// the job) and a live server-sent-events stream of the tree and its logs.
#include "pacemaker/endpoints/jobs.h"

#include <cstring>
#include <optional>
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

std::string SseEvent(const std::string& id, const json& event) {
  return "id: " + id + "\ndata: " + jobs::DumpJson(event) + "\n\n";
}

constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr char kCursorPrefix[] = "j1.";
constexpr size_t kShortKey = 8;

std::string Base64UrlEncode(const std::string& bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kBase64Url[(buffer >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kBase64Url[(buffer << (6 - bits)) & 0x3f];
  return out;
}

std::optional<std::string> Base64UrlDecode(const std::string& text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const char* at = c == '\0' ? nullptr : std::strchr(kBase64Url, c);
    if (at == nullptr) return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(at - kBase64Url);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  if (bits >= 6) return std::nullopt;  // a lone sixth of a byte: cut short
  return out;
}

// The key of `id` in a cursor over `tree_jobs`: its first 8 characters
// unless another job of the tree starts with the same 8.
std::string CursorKey(const std::string& id, const std::vector<jobs::Job>& tree_jobs) {
  if (id.size() <= kShortKey) return id;
  std::string prefix = id.substr(0, kShortKey);
  for (const auto& job : tree_jobs) {
    if (job.id != id && job.id.compare(0, kShortKey, prefix) == 0) return id;
  }
  return prefix;
}


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

std::string EncodeJobStreamCursor(const JobStreamCursor& cursor, const std::vector<jobs::Job>& tree_jobs) {
  json map = json::object();
  for (const auto& [id, position] : cursor) {
    map[CursorKey(id, tree_jobs)] = json::array({static_cast<int>(position.state), position.log_offset});
  }
  return kCursorPrefix + Base64UrlEncode(jobs::DumpJson(map));
}

Result<JobStreamCursor> DecodeJobStreamCursor(const std::string& text, const std::vector<jobs::Job>& tree_jobs) {
  std::string shown = text.size() > 80 ? text.substr(0, 80) + "…" : text;
  auto invalid = [&](const std::string& why) {
    return InvalidArgument("'" + shown + "' is not a position in this job stream (" + why +
                           "; resume with the `id:` of an event the stream sent)");
  };
  if (text.rfind(kCursorPrefix, 0) != 0) return invalid("it does not start with j1.");
  std::string encoded = text.substr(sizeof(kCursorPrefix) - 1);
  while (!encoded.empty() && encoded.back() == '=') encoded.pop_back();  // padding, if a client added it
  auto bytes = Base64UrlDecode(encoded);
  if (!bytes) return invalid("not base64url");
  json map = json::parse(*bytes, nullptr, /*allow_exceptions=*/false);
  if (!map.is_object()) return invalid("not a JSON object");
  JobStreamCursor cursor;
  for (const auto& [key, value] : map.items()) {
    if (key.empty() || !value.is_array() || value.size() != 2 || !value[0].is_number_unsigned() ||
        value[0].get<uint64_t>() > static_cast<uint64_t>(jobs::JobState::kAborted) || !value[1].is_number_unsigned()) {
      return invalid("entry '" + key + "' is not [state, log offset]");
    }
    JobStreamPosition position{static_cast<jobs::JobState>(value[0].get<int>()), value[1].get<uint64_t>()};
    // The whole id first; then the oldest job the short key starts.
    const jobs::Job* match = nullptr;
    for (const auto& job : tree_jobs) {
      if (job.id == key) {
        match = &job;
        break;
      }
    }
    if (match == nullptr && key.size() == kShortKey) {
      for (const auto& job : tree_jobs) {
        if (job.id.compare(0, kShortKey, key) == 0 && map.find(job.id) == map.end()) {
          match = &job;
          break;
        }
      }
    }
    if (match != nullptr) cursor[match->id] = position;
  }
  return cursor;
}

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
//   {"type":"error","message"}   the tree cannot be read now (the stream goes on).
// Each event's SSE `id:` is the stream's position after it (JobStreamCursor,
// jobs.h). A request with `Last-Event-ID: <id>` (what EventSource sends when
// it reconnects; or `?last_event_id=<id>`, the header winning) starts from
// there: a job's status only when its state differs from the one it had
// then, its log from that offset, jobs it had not seen in full; so nothing
// is sent twice and nothing is missed. An id that is not such a position is
// a 400 naming it.
PM_ENDPOINT(JobsContext, api::Reply, JobStream) {
  PM_ASSIGN_OR_RETURN(auto initial, AccessibleTree(ctx, req, who, JobAction::kView));
  std::string resume = req.Header("Last-Event-ID");
  std::string resume_from = "Last-Event-ID";
  if (resume.empty()) {
    resume = req.Query("last_event_id");
    resume_from = "last_event_id";
  }
  JobStreamCursor start;
  if (!resume.empty()) {
    auto decoded = DecodeJobStreamCursor(resume, initial.jobs);
    if (!decoded.ok()) return InvalidArgument(resume_from + ": " + decoded.status().message());
    start = std::move(*decoded);
  }
  std::string job_id = req.params[0];
  PM_ASSIGN_OR_RETURN(auto ticket, ctx.streams.Acquire(PrincipalId(who)));
  api::Reply reply;
  http::Response& res = reply.response;
  api::BeginEventStream(res);
  // One step a poll: the state it keeps between steps is the cursor.
  res.steps = [&ctx, job_id, sent = std::move(start), tree_jobs = std::move(initial.jobs),
               root_finished_seen = false, ticket = std::move(ticket)](http::StreamWriter& out) mutable {
    using http::StreamStep;
    using std::chrono::milliseconds;
    if (ctx.stopping) return StreamStep::Done();
    auto tree = ctx.job_tree.GetTree(job_id);
    if (!tree.ok()) {
      out.Write(SseEvent(EncodeJobStreamCursor(sent, tree_jobs),
                         {{"type", "error"}, {"message", tree.status().message()}}));
      return StreamStep::Again(milliseconds(500));
    }
    tree_jobs = tree->jobs;
    bool wrote_log = false;
    const jobs::Job* root = FindJob(*tree, tree->root_id);
    for (const auto& job : tree->jobs) {
      auto at = sent.find(job.id);
      if (at == sent.end() || at->second.state != job.state) {
        sent[job.id].state = job.state;
        if (!out.Write(SseEvent(EncodeJobStreamCursor(sent, tree_jobs),
                                {{"type", "status"}, {"job_id", job.id}, {"parent_id", job.parent_id},
                                 {"state", std::string(jobs::JobStateName(job.state))}, {"title", job.title},
                                 {"summary", job.summary}, {"node", job.node}}))) {
          return StreamStep::Done();
        }
      }
      if (job.started == 0) continue;  // never ran: no log anywhere
      auto piece = FetchJobLog(ctx.logs, job, sent[job.id].log_offset);
      if (!piece.ok() || piece->text.empty()) continue;
      sent[job.id].log_offset = piece->next_offset;
      wrote_log = true;
      if (!out.Write(SseEvent(EncodeJobStreamCursor(sent, tree_jobs),
                              {{"type", "log"}, {"job_id", job.id}, {"text", piece->text}}))) {
        return StreamStep::Done();
      }
    }
    bool finished = root != nullptr && jobs::IsFinished(root->state);
    // One more pass after the root finished, so the last lines are sent.
    if (finished && root_finished_seen && !wrote_log) {
      out.Write(SseEvent(EncodeJobStreamCursor(sent, tree_jobs),
                         {{"type", "end"}, {"root_state", std::string(jobs::JobStateName(root->state))}}));
      return StreamStep::Done();
    }
    root_finished_seen = finished;
    return StreamStep::Again(milliseconds(200));
  };
  return reply;
}

}  // namespace paasmaker::pacemaker::endpoints
