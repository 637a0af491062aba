#include "jobs/job_manager.h"

#include "core/files.h"
#include "core/ids.h"
#include "core/log.h"

namespace paasmaker::jobs {

// One claimed job on this node, from claim until its result is handed over.
struct JobManager::Run {
  Job job;
  const JobPlugin* plugin = nullptr;
  std::unique_ptr<JobContext> context;
  // Guarded by JobManager::mutex_.
  bool started = false;       // a worker has begun it
  bool abort_called = false;  // abort requested (plugin Abort called if started)
};

Result<std::unique_ptr<JobManager>> JobManager::Create(JobManagerOptions options) {
  if (options.node_uuid.empty()) return InvalidArgument("a job manager needs the node uuid");
  if (options.log_dir.empty()) return InvalidArgument("a job manager needs a log directory");
  if (options.registry == nullptr) return InvalidArgument("a job manager needs a job registry");
  if (options.workers < 1) return InvalidArgument("a job manager needs at least one worker");
  if (options.poll_interval <= std::chrono::milliseconds(0)) {
    return InvalidArgument("the job poll interval must be positive");
  }
  PM_RETURN_IF_ERROR(ids::Initialize());
  PM_RETURN_IF_ERROR(files::MakeDirectories(options.log_dir));

  std::unique_ptr<JobManager> manager(new JobManager(std::move(options)));
  JobManager* self = manager.get();
  for (int i = 0; i < self->options_.workers; ++i) {
    self->workers_.emplace_back([self] { self->WorkerLoop(); });
  }
  self->scheduler_ = std::thread([self] { self->SchedulerLoop(); });
  if (!self->options_.listen) return manager;
  self->subscriber_ = std::make_unique<redis::Subscriber>(
      self->options_.redis, std::vector<std::string>{kJobStatusChannel},
      [self](const std::string&, const std::string& message) { self->OnMessage(message); },
      // Messages sent while we were disconnected are lost: look again.
      [self] { self->Wake(/*full=*/true); });
  return manager;
}

JobManager::JobManager(JobManagerOptions options)
    : options_(std::move(options)),
      runner_(options_.node_uuid + "/" + ids::RandomToken(8)),
      client_(options_.redis),
      store_(&client_, options_.clock),
      logs_(options_.log_dir) {}

JobManager::~JobManager() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    discard_results_ = true;
  }
  scheduler_cv_.notify_all();
  subscriber_.reset();
  if (scheduler_.joinable()) scheduler_.join();

  // Ask what still runs to stop, so the worker threads can be joined.
  std::vector<std::shared_ptr<Run>> runs;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [id, run] : running_) {
      if (run == nullptr) continue;  // failed before it could start
      bool call_plugin = run->started && !run->abort_called;
      run->abort_called = true;
      run->context->RequestAbort();
      if (call_plugin) runs.push_back(run);
    }
    workers_stopping_ = true;
  }
  for (auto& run : runs) {
    try {
      run->plugin->Abort(*run->context);
    } catch (...) {
    }
  }
  worker_cv_.notify_all();
  for (auto& worker : workers_) worker.join();
}

// --- Public API ----------------------------------------------------------------

Result<std::string> JobManager::AddTree(std::vector<JobSpec> jobs) {
  if (jobs.empty()) return InvalidArgument("no jobs to add");
  for (auto& spec : jobs) {
    if (spec.id.empty()) spec.id = ids::NewUuid();
    if (spec.node.empty()) spec.node = options_.node_uuid;
    PM_RETURN_IF_ERROR(options_.registry->Validate(spec));
  }
  PM_RETURN_IF_ERROR(store_.AddTree(jobs));
  return jobs.front().id;
}

Status JobManager::Start(const std::string& job_id) { return store_.StartTree(job_id); }

Status JobManager::Abort(const std::string& job_id, const std::string& reason) {
  return store_.AbortTree(job_id, reason);
}

Status JobManager::Tag(const std::string& job_id, const std::string& tag) {
  return store_.AddTag(job_id, tag);
}

Status JobManager::Drain(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  draining_ = true;
  bool idle = idle_cv_.wait_for(
      lock, timeout, [this] { return !claiming_ && running_.empty() && unwritten_.empty(); });
  if (!idle) {
    return Timeout(std::to_string(running_.size()) + " job(s) still running and " +
                   std::to_string(unwritten_.size()) + " result(s) unwritten");
  }
  return Status::Ok();
}

JobManager::Stats JobManager::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  Stats stats = stats_;
  stats.running = running_.size();
  stats.unwritten = unwritten_.size();
  stats.recovered = recovered_;
  return stats;
}

// --- Scheduler -------------------------------------------------------------------

void JobManager::Wake(bool full) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    wake_ = true;
    if (full) full_tick_requested_ = true;
  }
  scheduler_cv_.notify_one();
}

void JobManager::OnMessage(const std::string& message) {
  // Anyone can publish on the channel: never let a bad message throw out of
  // the subscriber thread.
  std::string state, root;
  auto json = nlohmann::json::parse(message, nullptr, /*allow_exceptions=*/false);
  if (json.is_object()) {
    auto s = json.find("state");
    if (s != json.end() && s->is_string()) state = s->get<std::string>();
    auto r = json.find("root_id");
    if (r != json.end() && r->is_string()) root = r->get<std::string>();
  }
  if (state.empty()) PM_LOG_DEBUG("job manager: malformed job.status message");
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if ((state == "FAILED" || state == "ABORTED") && !root.empty()) aborted_roots_.insert(root);
    // Any change may make a job of ours ready (a child of it succeeded, a
    // tree started, a graft arrived); a claim on an empty set is cheap.
    wake_ = true;
  }
  scheduler_cv_.notify_one();
}

void JobManager::SchedulerLoop() {
  using Clock = std::chrono::steady_clock;
  auto last_full = Clock::now() - options_.poll_interval;
  while (true) {
    bool full = false;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      scheduler_cv_.wait_until(lock, last_full + options_.poll_interval,
                               [this] { return stopping_ || wake_; });
      if (stopping_) return;
      wake_ = false;
      full = full_tick_requested_ || Clock::now() >= last_full + options_.poll_interval;
      full_tick_requested_ = false;
    }
    if (full) last_full = Clock::now();
    Tick(full);
    if (full) {
      std::lock_guard<std::mutex> lock(mutex_);
      ++stats_.full_passes;
    }
  }
}

// One pass. A "full" pass (every poll interval, and after a reconnect) also
// re-checks every running job for aborts and looks for orphaned claims.
void JobManager::Tick(bool full) {
  if (!Recover()) return;
  WriteUnwritten();
  CheckAborts(full);
  if (full) AdoptOrphans();
  ClaimJobs();
  RunCancellations();
}

void JobManager::NoteRedis(const Status& status) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (status.ok()) {
    if (redis_down_) PM_LOG_INFO("job manager {}: jobs redis is back", options_.node_uuid);
    redis_down_ = false;
  } else if (status.code() == StatusCode::kUnavailable) {
    if (!redis_down_) {
      PM_LOG_WARN("job manager {}: jobs redis unavailable, retrying: {}", options_.node_uuid,
                  status.ToString());
    }
    redis_down_ = true;
  } else {
    PM_LOG_WARN("job manager {}: {}", options_.node_uuid, status.ToString());
  }
}

bool JobManager::Recover() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (recovered_) return true;
  }
  auto aborted = store_.RecoverNode(options_.node_uuid, runner_,
                                    "Aborted: node " + options_.node_uuid +
                                        " restarted while the job was running.");
  NoteRedis(aborted.status());
  if (!aborted.ok()) return false;
  for (const auto& id : *aborted) {
    PM_LOG_WARN("job manager {}: job {} was running when this node stopped; marked ABORTED",
                options_.node_uuid, id);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  recovered_ = true;
  return true;
}

void JobManager::WriteUnwritten() {
  std::vector<Completion> pending;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    pending.swap(unwritten_);
  }
  if (pending.empty()) return;
  std::vector<Completion> still;
  uint64_t written = 0;
  for (auto& completion : pending) {
    Status status = store_.Finish(completion);
    NoteRedis(status);
    if (status.code() == StatusCode::kUnavailable) {
      still.push_back(std::move(completion));
    } else if (status.ok()) {
      ++written;
    }
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stats_.written += written;
    unwritten_.insert(unwritten_.end(), still.begin(), still.end());
  }
  idle_cv_.notify_all();
}

void JobManager::CheckAborts(bool all) {
  std::vector<std::shared_ptr<Run>> candidates;
  std::set<std::string> roots;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [id, run] : running_) {
      if (run == nullptr || run->abort_called) continue;
      if (all || aborted_roots_.count(run->job.root_id) > 0) {
        candidates.push_back(run);
        roots.insert(run->job.root_id);
      }
    }
    aborted_roots_.clear();
  }
  if (candidates.empty()) return;
  auto aborting = store_.TreesAborting({roots.begin(), roots.end()});
  NoteRedis(aborting.status());
  if (!aborting.ok()) return;  // the next full pass looks again
  for (const auto& run : candidates) {
    if (!(*aborting)[run->job.root_id]) continue;
    bool call_plugin = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (run->abort_called) continue;
      run->abort_called = true;
      call_plugin = run->started;  // not started: the worker will skip it
    }
    run->context->RequestAbort();
    if (!call_plugin) continue;
    run->context->log().Warning("Asked to abort: a related job failed or the tree was aborted.");
    try {
      run->plugin->Abort(*run->context);
    } catch (const std::exception& e) {
      run->context->log().Error(std::string("Abort handler threw: ") + e.what());
    } catch (...) {
      run->context->log().Error("Abort handler threw.");
    }
  }
}

void JobManager::ClaimJobs() {
  int free = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (draining_ || stopping_) return;
    free = options_.workers - static_cast<int>(running_.size());
    if (free <= 0) return;  // a finishing worker wakes us
    claiming_ = true;       // Drain waits for claims in flight too
  }
  auto claimed = store_.Claim(options_.node_uuid, runner_, free);
  NoteRedis(claimed.status());
  if (claimed.ok()) {
    for (auto& job : *claimed) Dispatch(std::move(job));
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    claiming_ = false;
  }
  idle_cv_.notify_all();
}

// Jobs RUNNING for this runner that it does not know: a Claim that took
// effect in Redis but whose reply never arrived. They never started, so
// running them now is their first and only run.
void JobManager::AdoptOrphans() {
  std::vector<std::string> known;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
    for (const auto& [id, run] : running_) known.push_back(id);
    for (const auto& completion : unwritten_) known.push_back(completion.job_id);
  }
  auto orphans = store_.FindOrphans(options_.node_uuid, runner_, known);
  NoteRedis(orphans.status());
  if (!orphans.ok()) return;
  for (auto& job : *orphans) {
    PM_LOG_WARN("job manager {}: running job {} whose claim reply was lost", options_.node_uuid, job.id);
    Dispatch(std::move(job));
  }
}

void JobManager::RunCancellations() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return;
  }
  auto ids = store_.TakeCancelled(options_.node_uuid, 32);
  NoteRedis(ids.status());
  if (!ids.ok()) return;
  for (const auto& id : *ids) {
    auto job = store_.Get(id);
    if (!job.ok()) continue;  // archived or deleted meanwhile
    const JobPlugin* plugin = options_.registry->Find(job->type);
    auto log = logs_.Open(id);
    if (plugin == nullptr || !log.ok()) {
      PM_LOG_WARN("job manager {}: cannot run the cancel handler of job {}", options_.node_uuid, id);
      continue;
    }
    auto context = std::make_shared<JobContext>(*job, &store_, options_.registry, *log);
    Enqueue([this, plugin, context] {
      context->log().Warning("Aborted before it ran: " + context->job().summary);
      try {
        plugin->Cancelled(*context);
      } catch (const std::exception& e) {
        context->log().Error(std::string("Cancel handler threw: ") + e.what());
      } catch (...) {
        context->log().Error("Cancel handler threw.");
      }
      Status status = store_.WriteContext(context->job().root_id, context->context_writes());
      if (!status.ok()) context->log().Error("Could not write the context: " + status.ToString());
    });
  }
}

// --- Running jobs ------------------------------------------------------------------

void JobManager::Dispatch(Job job) {
  const JobPlugin* plugin = options_.registry->Find(job.type);
  auto log = logs_.Open(job.id);
  if (plugin == nullptr || !log.ok()) {
    // Claimed but impossible to run here: record that as its failure. An
    // unknown type is also how a node refuses types it chose not to register
    // (the test jobs), so nothing of the job runs.
    std::string why = plugin == nullptr
                          ? "unknown job type '" + job.type + "' on node " + options_.node_uuid
                          : "cannot open the job log: " + log.status().ToString();
    PM_LOG_ERROR("job manager {}: job {}: {}", options_.node_uuid, job.id, why);
    if (log.ok()) (*log)->Error("Not run: " + why);
    Completion completion{job.id, runner_, JobState::kFailed, why, {}};
    {
      std::lock_guard<std::mutex> lock(mutex_);
      running_[job.id] = nullptr;  // known until its result is handed over
    }
    Complete(completion);
    return;
  }
  auto run = std::make_shared<Run>();
  run->plugin = plugin;
  run->context = std::make_unique<JobContext>(job, &store_, options_.registry, *log);
  run->job = std::move(job);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    running_[run->job.id] = run;
    ++stats_.started;
  }
  Enqueue([this, run] { Execute(run); });
}

void JobManager::Execute(const std::shared_ptr<Run>& run) {
  JobContext& context = *run->context;
  const Job& job = run->job;
  // What the job's plugin logs (PM_LOG_*) names the job and what it is about.
  log::Scope log_scope(LogFieldsOf(job));
  bool skip = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    run->started = true;
    skip = run->abort_called;
  }
  if (skip) {
    context.Aborted("Aborted before it started.");
  } else {
    context.log().Info("Starting job " + job.id + " (" + job.type + ") '" + job.title + "' on node " +
                       job.node);
    try {
      run->plugin->Start(context);
    } catch (const std::exception& e) {
      context.Failed(std::string("Exception thrown: ") + e.what());
    } catch (...) {
      context.Failed("Exception thrown: unknown exception");
    }
  }
  auto outcome = context.outcome();
  if (!outcome.reported) {
    outcome.state = JobState::kFailed;
    outcome.summary = "The job ended without reporting a result.";
  }
  std::string line = "Finished: " + std::string(JobStateName(outcome.state)) + ": " + outcome.summary;
  if (outcome.state == JobState::kSuccess) {
    context.log().Info(line);
  } else {
    context.log().Error(line);
  }
  Complete(Completion{job.id, runner_, outcome.state, outcome.summary, context.context_writes()});
}

// Hands a result over: written now, or kept for WriteUnwritten if Redis is
// away. The job leaves running_ only after that, so AdoptOrphans never sees
// it as unknown while it is still RUNNING in Redis.
void JobManager::Complete(const Completion& completion) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (discard_results_) {
      running_.erase(completion.job_id);
      idle_cv_.notify_all();
      return;
    }
  }
  Status status = store_.Finish(completion);
  NoteRedis(status);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (status.code() == StatusCode::kUnavailable) {
      unwritten_.push_back(completion);
    } else if (status.ok()) {
      ++stats_.written;
    }
    // Other errors: the job was finished by someone else (e.g. a restarted
    // node's recovery); its recorded state stands. NoteRedis logged it.
    running_.erase(completion.job_id);
    wake_ = true;  // a worker is free, and a parent may be ready
  }
  scheduler_cv_.notify_one();
  idle_cv_.notify_all();
}

void JobManager::Enqueue(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  worker_cv_.notify_one();
}

void JobManager::WorkerLoop() {
  while (true) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      worker_cv_.wait(lock, [this] { return workers_stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;  // stopping, and nothing left
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

}  // namespace paasmaker::jobs
