// JobArchive: finished job trees moved out of Redis into files, and deleted
// once they are older than the job max age (SPEC §6).
//
// Archive() writes each finished tree (every job finished) whose root
// finished long enough ago to `<archive_dir>/<root id>.json` and then deletes
// its data from Redis. The listing indexes stay in Redis (jobs:roots,
// jobs:tag:*) plus jobs:archived (job id -> root), so listings and reads
// (JobTree) still find archived trees. Purge() deletes archived trees whose
// root was created more than `max_age` ago: the file and the index entries.
// Trees still in Redis are not purged; archive them first. Delete() drops a
// finished tree at once, wherever it is (a health run that changed nothing
// is not worth a week). Both delete the logs of the tree's jobs in `logs`
// (this node's; logs on other nodes age out there, job_logs.h).
//
// Archive file: {"format": 1, "root_id", "archived_at", "tags": [...],
// "context": {...}, "jobs": [Job::ToJson()...]}.
//
// Thread safety: run Archive/Purge from one thread (the pacemaker's periodic
// housekeeping); Load and RootOf may be called from any thread.
#pragma once

#include <chrono>
#include <string>

#include "core/result.h"
#include "jobs/job_logs.h"
#include "jobs/job_store.h"

namespace paasmaker::jobs {

inline constexpr std::chrono::seconds kDefaultJobMaxAge{7 * 24 * 3600};

class JobArchive {
 public:
  // `logs` null: no log files are deleted.
  JobArchive(JobStore* store, std::string archive_dir, const JobLogs* logs = nullptr);

  const std::string& dir() const { return dir_; }

  // Archives up to `batch` trees whose root finished more than `older_than`
  // ago. Returns how many were archived.
  Result<int> Archive(std::chrono::seconds older_than, int batch = 100);
  // Deletes up to `batch` archived trees whose root was created more than
  // `max_age` ago. Returns how many were deleted.
  Result<int> Purge(std::chrono::seconds max_age = kDefaultJobMaxAge, int batch = 100);
  // Deletes the finished tree of `root_id` now: its Redis data and indexes,
  // its archive file, its logs. FailedPrecondition while a job of it has
  // not finished; Ok when it is already gone.
  Status Delete(const std::string& root_id);

  // The archived tree of `root_id`; NotFound if there is no archive file.
  Result<TreeSnapshot> Load(const std::string& root_id) const;
  // The root of an archived job; NotFound if it was never archived (or purged).
  Result<std::string> RootOf(const std::string& job_id) const;

 private:
  std::string PathFor(const std::string& root_id) const;
  Status ArchiveTree(const std::string& root_id);
  void RemoveLogs(const std::vector<std::string>& job_ids) const;

  JobStore* store_;
  std::string dir_;
  const JobLogs* logs_;
};

}  // namespace paasmaker::jobs
