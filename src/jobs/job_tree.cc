#include "jobs/job_tree.h"

#include <algorithm>
#include <map>
#include <vector>

namespace paasmaker::jobs {

JobTree::JobTree(JobStore* store, const JobArchive* archive) : store_(store), archive_(archive) {}

Result<Job> JobTree::GetJob(const std::string& job_id) const {
  auto job = store_->Get(job_id);
  if (job.ok() || job.status().code() != StatusCode::kNotFound || archive_ == nullptr) return job;
  auto root = archive_->RootOf(job_id);
  if (!root.ok()) return job.status();
  PM_ASSIGN_OR_RETURN(TreeSnapshot tree, archive_->Load(*root));
  for (auto& archived : tree.jobs) {
    if (archived.id == job_id) return std::move(archived);
  }
  return NotFound("no job " + job_id);
}

Result<TreeSnapshot> JobTree::GetTree(const std::string& job_id) const {
  PM_ASSIGN_OR_RETURN(Job job, GetJob(job_id));
  auto tree = store_->ReadTree(job.root_id);
  if (tree.ok() || tree.status().code() != StatusCode::kNotFound || archive_ == nullptr) return tree;
  // Archived between the two reads, or archived all along.
  return archive_->Load(job.root_id);
}

Result<nlohmann::json> JobTree::Subtree(const std::string& job_id) const {
  PM_ASSIGN_OR_RETURN(TreeSnapshot tree, GetTree(job_id));
  std::map<std::string, const Job*> by_id;
  std::map<std::string, std::vector<const Job*>> children;
  for (const auto& job : tree.jobs) {
    by_id[job.id] = &job;
    if (!job.parent_id.empty()) children[job.parent_id].push_back(&job);
  }
  if (by_id.count(job_id) == 0) return NotFound("no job " + job_id);
  for (auto& [parent, list] : children) {
    std::sort(list.begin(), list.end(), [](const Job* a, const Job* b) {
      return a->created != b->created ? a->created < b->created : a->id < b->id;
    });
  }
  // Iterative, so a deep tree cannot exhaust the stack.
  struct Frame {
    const Job* job;
    nlohmann::json* out;
  };
  nlohmann::json result = by_id[job_id]->ToJson();
  std::vector<Frame> stack = {{by_id[job_id], &result}};
  while (!stack.empty()) {
    Frame frame = stack.back();
    stack.pop_back();
    nlohmann::json& kids = (*frame.out)["children"] = nlohmann::json::array();
    for (const Job* child : children[frame.job->id]) kids.push_back(child->ToJson());
    // Pointers into `kids` stay valid: it is not resized after this point.
    for (size_t i = 0; i < kids.size(); ++i) stack.push_back({children[frame.job->id][i], &kids[i]});
  }
  return result;
}

Result<nlohmann::json> JobTree::Context(const std::string& job_id) const {
  PM_ASSIGN_OR_RETURN(TreeSnapshot tree, GetTree(job_id));
  return tree.context;
}

Result<nlohmann::json> JobTree::ListByTag(const std::string& tag, int64_t offset, int64_t limit) const {
  PM_ASSIGN_OR_RETURN(RootPage page, store_->ListRootsByTag(tag, offset, limit));
  nlohmann::json jobs = nlohmann::json::array();
  for (const auto& id : page.root_ids) {
    auto job = GetJob(id);
    if (job.ok()) {
      jobs.push_back(job->ToJson());
    } else if (job.status().code() != StatusCode::kNotFound) {
      return job.status();
    }
  }
  return nlohmann::json{{"total", page.total}, {"offset", offset}, {"limit", limit}, {"jobs", jobs}};
}

}  // namespace paasmaker::jobs
