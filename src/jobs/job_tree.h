// JobTree: the read API over job trees, for the HTTP API, console and CLI.
//
// Reads a job, or a job with its whole subtree, from Redis, or from the
// archive once the tree has been archived; lists roots by tag, newest first.
// Results are nlohmann::json shaped for the API:
//
//   job:      Job::ToJson() = {job_id, root_id, parent_id, type, parameters,
//             node, state, title, summary, created, started, finished, tags}
//   subtree:  job + "children": [subtree...] (children oldest first)
//   listing:  {"total", "offset", "limit", "jobs": [root job...]}
//
// Thread safety: as JobStore (any thread). Store and archive must outlive it.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "jobs/job_archive.h"
#include "jobs/job_store.h"

namespace paasmaker::jobs {

class JobTree {
 public:
  // `archive` may be null on nodes that do not archive (reads then see only Redis).
  JobTree(JobStore* store, const JobArchive* archive = nullptr);

  Result<Job> GetJob(const std::string& job_id) const;
  // The whole tree containing `job_id`, wherever it is stored.
  Result<TreeSnapshot> GetTree(const std::string& job_id) const;
  // The job and everything under it, nested.
  Result<nlohmann::json> Subtree(const std::string& job_id) const;
  // The tree context of the tree containing `job_id`.
  Result<nlohmann::json> Context(const std::string& job_id) const;
  // Root jobs tagged `tag`, newest first.
  Result<nlohmann::json> ListByTag(const std::string& tag, int64_t offset, int64_t limit) const;

 private:
  JobStore* store_;
  const JobArchive* archive_;
};

}  // namespace paasmaker::jobs
