#include "jobs/job_context.h"

#include "core/ids.h"
#include "jobs/job_registry.h"
#include "jobs/job_store.h"

namespace paasmaker::jobs {

JobContext::JobContext(Job job, JobStore* store, const JobRegistry* registry,
                       std::shared_ptr<JobLog> log)
    : job_(std::move(job)), store_(store), registry_(registry), log_(std::move(log)) {}

Result<nlohmann::json> JobContext::Get(const std::string& key) const {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = writes_.find(key);
    if (it != writes_.end()) return it->second;
  }
  PM_ASSIGN_OR_RETURN(auto value, store_->GetContextValue(job_.root_id, key));
  if (!value.has_value()) return NotFound("no key '" + key + "' in the job tree context");
  return std::move(*value);
}

Result<nlohmann::json> JobContext::GetAll() const {
  PM_ASSIGN_OR_RETURN(nlohmann::json all, store_->GetContext(job_.root_id));
  std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [key, value] : writes_) all[key] = value;
  return all;
}

void JobContext::Set(const std::string& key, nlohmann::json value) {
  std::lock_guard<std::mutex> lock(mutex_);
  writes_[key] = std::move(value);
}

Result<std::vector<std::string>> JobContext::Graft(std::vector<JobSpec> subtree) {
  if (subtree.empty()) return InvalidArgument("nothing to graft");
  const std::string& target = subtree.front().parent_id;
  if (target.empty()) return InvalidArgument("a grafted subtree needs a parent");
  // Grafting is for the job's own tree; the script checks the target's state.
  PM_ASSIGN_OR_RETURN(Job parent, store_->Get(target));
  if (parent.root_id != job_.root_id) {
    return InvalidArgument("job " + target + " is not in the tree of job " + job_.id);
  }
  std::vector<std::string> ids;
  for (auto& spec : subtree) {
    if (spec.id.empty()) spec.id = ids::NewUuid();
    if (spec.node.empty()) spec.node = job_.node;
    spec.tags.clear();  // only roots carry tags
    PM_RETURN_IF_ERROR(registry_->Validate(spec));
    ids.push_back(spec.id);
  }
  PM_RETURN_IF_ERROR(store_->Graft(subtree));
  log_->Info("Grafted " + std::to_string(ids.size()) + " job(s) under " + target);
  return ids;
}

void JobContext::Report(JobState state, std::string summary) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (outcome_.reported) return;
  outcome_.reported = true;
  outcome_.state = state;
  outcome_.summary = std::move(summary);
}

void JobContext::Succeeded(std::string summary) { Report(JobState::kSuccess, std::move(summary)); }
void JobContext::Failed(std::string summary) { Report(JobState::kFailed, std::move(summary)); }
void JobContext::Aborted(std::string summary) { Report(JobState::kAborted, std::move(summary)); }

bool JobContext::SleepUnlessAborted(std::chrono::milliseconds duration) {
  std::unique_lock<std::mutex> lock(mutex_);
  return !abort_cv_.wait_for(lock, duration, [this] { return abort_requested_.load(); });
}

void JobContext::RequestAbort() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    abort_requested_ = true;
  }
  abort_cv_.notify_all();
}

JobContext::Outcome JobContext::outcome() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return outcome_;
}

std::map<std::string, nlohmann::json> JobContext::context_writes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return writes_;
}

}  // namespace paasmaker::jobs
