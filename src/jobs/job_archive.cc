#include "jobs/job_archive.h"

#include <unistd.h>

#include <cerrno>

#include "core/files.h"
#include "core/log.h"

namespace paasmaker::jobs {

namespace {

constexpr int kArchiveFormat = 1;

bool SafeId(const std::string& id) {
  return !id.empty() && id.find_first_of("./\\") == std::string::npos;
}

}  // namespace

JobArchive::JobArchive(JobStore* store, std::string archive_dir, const JobLogs* logs)
    : store_(store), dir_(std::move(archive_dir)), logs_(logs) {}

void JobArchive::RemoveLogs(const std::vector<std::string>& job_ids) const {
  if (logs_ == nullptr) return;
  for (const auto& id : job_ids) {
    Status removed = logs_->Remove(id);
    // The tree is gone either way; a log left behind ages out (RemoveOlderThan).
    if (!removed.ok()) PM_LOG_WARN("deleting the log of job {}: {}", id, removed.ToString());
  }
}

std::string JobArchive::PathFor(const std::string& root_id) const { return dir_ + "/" + root_id + ".json"; }

Result<int> JobArchive::Archive(std::chrono::seconds older_than, int batch) {
  PM_RETURN_IF_ERROR(files::MakeDirectories(dir_));
  double cutoff = store_->Now() - static_cast<double>(older_than.count());
  int archived = 0;
  int64_t skipped = 0;  // trees with a job still running: left for a later pass
  while (archived < batch) {
    PM_ASSIGN_OR_RETURN(auto roots, store_->FinishedRootsBefore(cutoff, skipped, batch - archived));
    if (roots.empty()) break;
    for (const auto& root : roots) {
      Status status = ArchiveTree(root);
      if (status.ok()) {
        ++archived;
      } else if (status.code() == StatusCode::kFailedPrecondition) {
        ++skipped;
      } else if (status.code() != StatusCode::kNotFound) {
        return status;
      }
    }
  }
  return archived;
}

Status JobArchive::ArchiveTree(const std::string& root_id) {
  if (!SafeId(root_id)) return InvalidArgument("bad root id '" + root_id + "'");
  auto tree = store_->ReadTree(root_id);
  if (!tree.ok()) {
    // Gone already (e.g. archived by a run that stopped half-way): drop it
    // from the list of finished roots.
    if (tree.status().code() == StatusCode::kNotFound) return store_->RemoveArchivedTree(root_id);
    return tree.status();
  }
  for (const auto& job : tree->jobs) {
    if (!IsFinished(job.state)) {
      return FailedPrecondition("job " + job.id + " of tree " + root_id + " has not finished");
    }
  }
  nlohmann::json file = {{"format", kArchiveFormat},
                         {"root_id", root_id},
                         {"archived_at", store_->Now()},
                         {"tags", tree->tags},
                         {"context", tree->context},
                         {"jobs", nlohmann::json::array()}};
  for (const auto& job : tree->jobs) file["jobs"].push_back(job.ToJson());
  // File first, then delete from Redis: a crash in between leaves the tree
  // in both places, and the next pass simply writes the file again.
  PM_RETURN_IF_ERROR(files::WriteFileAtomically(PathFor(root_id), DumpJson(file) + "\n"));
  return store_->RemoveArchivedTree(root_id);
}

Result<int> JobArchive::Purge(std::chrono::seconds max_age, int batch) {
  double cutoff = store_->Now() - static_cast<double>(max_age.count());
  int purged = 0;
  int64_t skipped = 0;  // old roots still in Redis (not archived yet)
  while (purged < batch) {
    PM_ASSIGN_OR_RETURN(auto roots, store_->RootsCreatedBefore(cutoff, skipped, batch - purged));
    if (roots.empty()) break;
    for (const auto& root : roots) {
      PM_ASSIGN_OR_RETURN(auto archived_root, store_->ArchivedRootOf(root));
      if (!archived_root.has_value()) {
        ++skipped;
        continue;
      }
      std::vector<std::string> ids = {root};
      std::vector<std::string> tags;
      auto tree = Load(root);
      if (tree.ok()) {
        for (const auto& job : tree->jobs) ids.push_back(job.id);
        tags = tree->tags;
      } else {
        PM_LOG_WARN("purging job tree {}: {}; its tag index entries stay", root, tree.status().ToString());
      }
      if (SafeId(root) && ::unlink(PathFor(root).c_str()) != 0 && errno != ENOENT) {
        return ErrnoStatus("deleting " + PathFor(root), errno);
      }
      PM_RETURN_IF_ERROR(store_->ForgetTree(root, ids, tags));
      RemoveLogs(ids);
      ++purged;
    }
  }
  return purged;
}

Status JobArchive::Delete(const std::string& root_id) {
  if (!SafeId(root_id)) return InvalidArgument("bad root id '" + root_id + "'");
  std::vector<std::string> ids = {root_id};
  std::vector<std::string> tags;
  auto tree = store_->ReadTree(root_id);
  if (tree.ok()) {
    for (const auto& job : tree->jobs) {
      if (!IsFinished(job.state)) {
        return FailedPrecondition("job " + job.id + " of tree " + root_id + " has not finished");
      }
      ids.push_back(job.id);
    }
    tags = tree->tags;
    // Its data leaves Redis as when archived (the job ids then sit in
    // jobs:archived), and ForgetTree drops those and the indexes.
    Status removed = store_->RemoveArchivedTree(root_id);
    if (!removed.ok() && removed.code() != StatusCode::kNotFound) return removed;
  } else if (tree.status().code() == StatusCode::kNotFound) {
    auto archived = Load(root_id);
    if (!archived.ok()) return archived.status().code() == StatusCode::kNotFound ? Status::Ok() : archived.status();
    for (const auto& job : archived->jobs) ids.push_back(job.id);
    tags = archived->tags;
    if (::unlink(PathFor(root_id).c_str()) != 0 && errno != ENOENT) {
      return ErrnoStatus("deleting " + PathFor(root_id), errno);
    }
  } else {
    return tree.status();
  }
  PM_RETURN_IF_ERROR(store_->ForgetTree(root_id, ids, tags));
  RemoveLogs(ids);
  return Status::Ok();
}

Result<TreeSnapshot> JobArchive::Load(const std::string& root_id) const {
  if (!SafeId(root_id)) return InvalidArgument("bad root id '" + root_id + "'");
  std::string path = PathFor(root_id);
  if (!files::Exists(path)) return NotFound("no archived job tree " + root_id);
  PM_ASSIGN_OR_RETURN(std::string text, files::ReadFile(path));
  auto json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("jobs") || !json["jobs"].is_array()) {
    return InvalidArgument(path + " is not a job archive");
  }
  TreeSnapshot tree;
  tree.root_id = root_id;
  try {
    tree.tags = json.value("tags", std::vector<std::string>{});
    tree.context = json.value("context", nlohmann::json::object());
  } catch (const nlohmann::json::exception& e) {
    return InvalidArgument(path + ": " + e.what());
  }
  for (const auto& entry : json["jobs"]) {
    PM_ASSIGN_OR_RETURN(Job job, Job::FromJson(entry));
    tree.jobs.push_back(std::move(job));
  }
  return tree;
}

Result<std::string> JobArchive::RootOf(const std::string& job_id) const {
  PM_ASSIGN_OR_RETURN(auto root, store_->ArchivedRootOf(job_id));
  if (!root.has_value()) return NotFound("job " + job_id + " is not archived");
  return *root;
}

}  // namespace paasmaker::jobs
