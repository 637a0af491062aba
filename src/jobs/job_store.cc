#include "jobs/job_store.h"

#include <algorithm>
#include <cstdio>

#include "core/ids.h"
#include "jobs/job_store_lua.h"

namespace paasmaker::jobs {

namespace {

// Scripts answer {code, detail...}; the code is "OK" or a StatusCode name.
Status ScriptStatus(const redis::Reply& reply) {
  if (reply.type != redis::Reply::Type::kArray || reply.elements.empty()) {
    return Internal("job script returned an unexpected reply");
  }
  const std::string& code = reply.elements[0].str;
  std::string detail = reply.elements.size() > 1 ? reply.elements[1].str : "";
  if (code == "OK") return Status::Ok();
  if (code == "NOT_FOUND") return NotFound(detail);
  if (code == "ALREADY_EXISTS") return AlreadyExists(detail);
  if (code == "INVALID_ARGUMENT") return InvalidArgument(detail);
  if (code == "FAILED_PRECONDITION") return FailedPrecondition(detail);
  return Internal("job script: " + code + ": " + detail);
}

double ParseTime(const std::string& text) {
  if (text.empty()) return 0;
  try {
    return std::stod(text);
  } catch (const std::exception&) {
    return 0;
  }
}

// A job hash (flat HGETALL field/value list) as a Job.
Result<Job> JobFromHash(const std::vector<std::string>& flat) {
  std::map<std::string, std::string> f;
  for (size_t i = 0; i + 1 < flat.size(); i += 2) f[flat[i]] = flat[i + 1];
  if (f.empty() || f["id"].empty()) return NotFound("no such job");
  Job job;
  job.id = f["id"];
  job.type = f["type"];
  job.node = f["node"];
  job.title = f["title"];
  job.summary = f["summary"];
  job.parent_id = f["parent"];
  job.root_id = f["root"];
  job.created = ParseTime(f["created"]);
  job.started = ParseTime(f["started"]);
  job.finished = ParseTime(f["finished"]);
  PM_ASSIGN_OR_RETURN(job.state, ParseJobState(f["state"]));
  job.parameters = nlohmann::json::parse(f["parameters"], nullptr, /*allow_exceptions=*/false);
  if (job.parameters.is_discarded()) return Internal("job " + job.id + " has unparsable parameters");
  return job;
}

// Context values are stored as JSON text; a value someone wrote by hand that
// is not JSON is read back as a string rather than failing the whole read.
nlohmann::json ParseContextValue(const std::string& text) {
  auto value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  return value.is_discarded() ? nlohmann::json(text) : value;
}

std::string EncodeContext(const std::map<std::string, nlohmann::json>& values) {
  nlohmann::json encoded = nlohmann::json::object();
  for (const auto& [key, value] : values) encoded[key] = DumpJson(value);
  return DumpJson(encoded);
}

}  // namespace

std::string FormatTime(double time) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.6f", time);
  return buffer;
}

JobStore::JobStore(redis::Client* client, Clock clock) : client_(client), clock_(std::move(clock)) {}

double JobStore::Now() const { return clock_ ? clock_() : SystemNow(); }

// Empty tells the scripts to use the Redis server's clock.
std::string JobStore::TimeArg() const { return clock_ ? FormatTime(clock_()) : std::string(); }

Result<redis::Reply> JobStore::Eval(const std::string& script, std::vector<std::string> argv) {
  std::vector<std::string> args = {"EVAL", script, "0"};
  args.insert(args.end(), std::make_move_iterator(argv.begin()), std::make_move_iterator(argv.end()));
  auto reply = client_->Command(args);
  // The scripts report their own refusals as values ({code, detail}), so an
  // error reply is Redis refusing to run them at all (LOADING right after a
  // restart, BUSY, OOM...). Report that as Unavailable: callers retry a
  // transition then, rather than dropping it.
  if (!reply.ok() && reply.status().code() != StatusCode::kUnavailable) {
    return Unavailable(reply.status().message());
  }
  return reply;
}

Status JobStore::AddJobs(const std::vector<JobSpec>& jobs, JobState mode) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& spec : jobs) {
    if (spec.id.empty() || spec.type.empty() || spec.node.empty()) {
      return InvalidArgument("a job needs an id, a type and a node");
    }
    list.push_back({{"id", spec.id},
                    {"parent", spec.parent_id},
                    {"type", spec.type},
                    {"parameters", DumpJson(spec.parameters)},
                    {"node", spec.node},
                    {"title", spec.title},
                    {"tags", spec.tags}});
  }
  // The batch token lets the script recognise a resend of itself.
  PM_ASSIGN_OR_RETURN(auto reply, Eval(lua::AddJobs(), {std::string(JobStateName(mode)),
                                                        TimeArg(), ids::RandomToken(8),
                                                        DumpJson(list)}));
  return ScriptStatus(reply);
}

Status JobStore::AddTree(const std::vector<JobSpec>& jobs) { return AddJobs(jobs, JobState::kNew); }

Status JobStore::Graft(const std::vector<JobSpec>& jobs) {
  if (jobs.empty() || jobs.front().parent_id.empty()) {
    return InvalidArgument("a grafted subtree needs a parent for its first job");
  }
  return AddJobs(jobs, JobState::kWaiting);
}

Status JobStore::StartTree(const std::string& job_id) {
  PM_ASSIGN_OR_RETURN(auto reply, Eval(lua::StartTree(), {job_id, TimeArg()}));
  return ScriptStatus(reply);
}

Status JobStore::AddTag(const std::string& job_id, const std::string& tag) {
  if (tag.empty()) return InvalidArgument("empty tag");
  PM_ASSIGN_OR_RETURN(auto reply, Eval(lua::AddTag(), {job_id, tag}));
  return ScriptStatus(reply);
}

Result<std::vector<Job>> JobStore::JobsFromReply(const redis::Reply& reply) {
  PM_RETURN_IF_ERROR(ScriptStatus(reply));
  std::vector<Job> jobs;
  for (size_t i = 1; i < reply.elements.size(); ++i) {
    PM_ASSIGN_OR_RETURN(Job job, JobFromHash(reply.elements[i].StringElements()));
    jobs.push_back(std::move(job));
  }
  return jobs;
}

Result<std::vector<Job>> JobStore::Claim(const std::string& node, const std::string& runner, int max) {
  if (max <= 0) return std::vector<Job>{};
  PM_ASSIGN_OR_RETURN(auto reply,
                      Eval(lua::Claim(), {node, runner, std::to_string(max), TimeArg()}));
  return JobsFromReply(reply);
}

Status JobStore::Finish(const Completion& c) {
  if (!IsFinished(c.state)) return InvalidArgument("a job can only finish as SUCCESS, FAILED or ABORTED");
  PM_ASSIGN_OR_RETURN(auto reply,
                      Eval(lua::Finish(), {c.job_id, c.runner, std::string(JobStateName(c.state)),
                                           c.summary, TimeArg(), EncodeContext(c.context)}));
  return ScriptStatus(reply);
}

Status JobStore::AbortTree(const std::string& job_id, const std::string& reason) {
  PM_ASSIGN_OR_RETURN(auto reply, Eval(lua::AbortTree(), {job_id, reason, TimeArg()}));
  return ScriptStatus(reply);
}

Result<std::vector<std::string>> JobStore::RecoverNode(const std::string& node,
                                                       const std::string& runner,
                                                       const std::string& reason) {
  PM_ASSIGN_OR_RETURN(auto reply, Eval(lua::RecoverNode(), {node, runner, TimeArg(), reason}));
  PM_RETURN_IF_ERROR(ScriptStatus(reply));
  auto ids = reply.StringElements();
  ids.erase(ids.begin());
  return ids;
}

Result<std::vector<Job>> JobStore::FindOrphans(const std::string& node, const std::string& runner,
                                               const std::vector<std::string>& known) {
  std::vector<std::string> argv = {node, runner};
  argv.insert(argv.end(), known.begin(), known.end());
  PM_ASSIGN_OR_RETURN(auto reply, Eval(lua::FindOrphans(), std::move(argv)));
  return JobsFromReply(reply);
}

Result<std::vector<std::string>> JobStore::QueuedOrRunningOn(const std::string& node) {
  PM_ASSIGN_OR_RETURN(auto reply, client_->Command({"SUNION", "jobs:node:" + node + ":waiting",
                                                    "jobs:node:" + node + ":running"}));
  return reply.StringElements();
}

Result<std::vector<std::string>> JobStore::TakeCancelled(const std::string& node, int max) {
  PM_ASSIGN_OR_RETURN(auto reply, client_->Command({"SPOP", "jobs:node:" + node + ":cancelled",
                                                    std::to_string(max)}));
  return reply.StringElements();
}

Status JobStore::WriteContext(const std::string& root_id,
                              const std::map<std::string, nlohmann::json>& values) {
  if (values.empty()) return Status::Ok();
  std::vector<std::string> args = {"HSET", "jobtree:" + root_id + ":context"};
  for (const auto& [key, value] : values) {
    args.push_back(key);
    args.push_back(DumpJson(value));
  }
  PM_ASSIGN_OR_RETURN(auto reply, client_->Command(args));
  (void)reply;
  return Status::Ok();
}

Result<Job> JobStore::Get(const std::string& job_id) {
  // The tags read is a guess that the job is a root; harmless if not.
  PM_ASSIGN_OR_RETURN(auto replies, client_->Pipeline({{"HGETALL", "job:" + job_id},
                                                       {"SMEMBERS", "jobtree:" + job_id + ":tags"}}));
  auto job = JobFromHash(replies[0].StringElements());
  if (!job.ok()) {
    if (job.status().code() == StatusCode::kNotFound) return NotFound("no job " + job_id);
    return job.status();
  }
  if (job->is_root()) {
    job->tags = replies[1].StringElements();
    std::sort(job->tags.begin(), job->tags.end());
  }
  return job;
}

Result<std::optional<nlohmann::json>> JobStore::GetContextValue(const std::string& root_id,
                                                                const std::string& key) {
  PM_ASSIGN_OR_RETURN(auto reply, client_->Command({"HGET", "jobtree:" + root_id + ":context", key}));
  if (reply.is_nil()) return std::optional<nlohmann::json>();
  return std::optional<nlohmann::json>(ParseContextValue(reply.str));
}

Result<nlohmann::json> JobStore::GetContext(const std::string& root_id) {
  PM_ASSIGN_OR_RETURN(auto reply, client_->Command({"HGETALL", "jobtree:" + root_id + ":context"}));
  auto flat = reply.StringElements();
  nlohmann::json context = nlohmann::json::object();
  for (size_t i = 0; i + 1 < flat.size(); i += 2) context[flat[i]] = ParseContextValue(flat[i + 1]);
  return context;
}

Result<std::map<std::string, bool>> JobStore::TreesAborting(const std::vector<std::string>& root_ids) {
  std::map<std::string, bool> out;
  if (root_ids.empty()) return out;
  std::vector<std::vector<std::string>> commands;
  for (const auto& root : root_ids) commands.push_back({"EXISTS", "jobtree:" + root + ":aborting"});
  PM_ASSIGN_OR_RETURN(auto replies, client_->Pipeline(commands));
  for (size_t i = 0; i < root_ids.size(); ++i) out[root_ids[i]] = replies[i].integer != 0;
  return out;
}

Result<TreeSnapshot> JobStore::ReadTree(const std::string& root_id) {
  PM_ASSIGN_OR_RETURN(auto members, client_->Command({"SMEMBERS", "jobtree:" + root_id + ":jobs"}));
  auto ids = members.StringElements();
  if (ids.empty()) return NotFound("no job tree " + root_id);
  std::vector<std::vector<std::string>> commands;
  for (const auto& id : ids) commands.push_back({"HGETALL", "job:" + id});
  commands.push_back({"HGETALL", "jobtree:" + root_id + ":context"});
  commands.push_back({"SMEMBERS", "jobtree:" + root_id + ":tags"});
  PM_ASSIGN_OR_RETURN(auto replies, client_->Pipeline(commands));

  TreeSnapshot tree;
  tree.root_id = root_id;
  for (size_t i = 0; i < ids.size(); ++i) {
    auto job = JobFromHash(replies[i].StringElements());
    if (!job.ok()) continue;  // removed between the two reads
    tree.jobs.push_back(std::move(job).value());
  }
  auto flat = replies[ids.size()].StringElements();
  for (size_t i = 0; i + 1 < flat.size(); i += 2) tree.context[flat[i]] = ParseContextValue(flat[i + 1]);
  tree.tags = replies[ids.size() + 1].StringElements();
  std::sort(tree.tags.begin(), tree.tags.end());
  std::sort(tree.jobs.begin(), tree.jobs.end(), [](const Job& a, const Job& b) {
    return a.created != b.created ? a.created < b.created : a.id < b.id;
  });
  for (auto& job : tree.jobs) {
    if (job.is_root()) job.tags = tree.tags;
  }
  return tree;
}

Result<RootPage> JobStore::ListRootsByTag(const std::string& tag, int64_t offset, int64_t limit) {
  if (offset < 0 || limit < 0) return InvalidArgument("offset and limit must not be negative");
  RootPage page;
  std::string key = "jobs:tag:" + tag;
  if (limit == 0) {
    PM_ASSIGN_OR_RETURN(auto count, client_->Command({"ZCARD", key}));
    page.total = count.integer;
    return page;
  }
  PM_ASSIGN_OR_RETURN(auto replies,
                      client_->Pipeline({{"ZCARD", key},
                                         {"ZREVRANGE", key, std::to_string(offset),
                                          std::to_string(offset + limit - 1)}}));
  page.total = replies[0].integer;
  page.root_ids = replies[1].StringElements();
  return page;
}

Result<std::vector<std::string>> JobStore::FinishedRootsBefore(double time, int64_t offset,
                                                                int64_t limit) {
  PM_ASSIGN_OR_RETURN(auto reply, client_->Command({"ZRANGEBYSCORE", "jobs:finished", "-inf",
                                                    "(" + FormatTime(time), "LIMIT",
                                                    std::to_string(offset), std::to_string(limit)}));
  return reply.StringElements();
}

Result<std::vector<std::string>> JobStore::RootsCreatedBefore(double time, int64_t offset,
                                                                int64_t limit) {
  PM_ASSIGN_OR_RETURN(auto reply, client_->Command({"ZRANGEBYSCORE", "jobs:roots", "-inf",
                                                    "(" + FormatTime(time), "LIMIT",
                                                    std::to_string(offset), std::to_string(limit)}));
  return reply.StringElements();
}

Status JobStore::RemoveArchivedTree(const std::string& root_id) {
  PM_ASSIGN_OR_RETURN(auto reply, Eval(lua::RemoveArchivedTree(), {root_id}));
  return ScriptStatus(reply);
}

Result<std::optional<std::string>> JobStore::ArchivedRootOf(const std::string& job_id) {
  PM_ASSIGN_OR_RETURN(auto reply, client_->Command({"HGET", "jobs:archived", job_id}));
  if (reply.is_nil()) return std::optional<std::string>();
  return std::optional<std::string>(reply.str);
}

Status JobStore::ForgetTree(const std::string& root_id, const std::vector<std::string>& job_ids,
                            const std::vector<std::string>& tags) {
  nlohmann::json what = {{"ids", job_ids}, {"tags", tags}};
  PM_ASSIGN_OR_RETURN(auto reply, Eval(lua::ForgetTree(), {root_id, DumpJson(what)}));
  return ScriptStatus(reply);
}

}  // namespace paasmaker::jobs
