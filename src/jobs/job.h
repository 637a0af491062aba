// Job: one unit of work in a job tree (SPEC §6), and its states.
//
// A job has a UUID, a type (the name of a registered JobPlugin), JSON
// parameters, the UUID of the node that must run it, a state, a title, a
// summary, times, and its place in a tree (parent and root ids). Jobs form
// trees; a parent runs only after all of its children succeeded, so leaves run
// first and siblings run in parallel. Each tree has one key/value context that
// finishing jobs write into and ancestors read. Only root jobs carry tags.
//
// Job states:
//
//        AddTree / Graft(before Start)
//              │
//              ▼
//            NEW ───────────────┐          NEW: built but not executable yet
//              │ Start(tree)    │
//              ▼                │ tree aborted (a job FAILED or ABORTED, or a user abort)
//          WAITING ─────────────┤
//              │ all children SUCCESS, claimed atomically by one runner of
//              │ the job's node
//              ▼                ▼
//          RUNNING ──────────► ABORTED   (asked to stop via JobPlugin::Abort; or
//           │     │                       its node restarted while it ran)
//           ▼     ▼
//      SUCCESS   FAILED ──► aborts the rest of the tree
//
//   SUCCESS, FAILED and ABORTED are final: nothing overwrites them.
//
// Thread safety: plain values; copy freely.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/log.h"
#include "core/result.h"

namespace paasmaker::jobs {

enum class JobState { kNew, kWaiting, kRunning, kSuccess, kFailed, kAborted };

// "NEW", "WAITING", "RUNNING", "SUCCESS", "FAILED", "ABORTED".
std::string_view JobStateName(JobState state);
Result<JobState> ParseJobState(std::string_view name);
// SUCCESS, FAILED or ABORTED.
bool IsFinished(JobState state);

// Unix time in seconds. Injected so tests can move time (archiving, purging);
// an empty Clock means "the jobs Redis server's clock" (see JobStore).
using Clock = std::function<double()>;
double SystemNow();

// json.dump() that never throws: invalid UTF-8 (e.g. command output copied
// into a summary or context value) is replaced instead.
std::string DumpJson(const nlohmann::json& value);

struct Job {
  std::string id;
  std::string type;               // JobPlugin name, e.g. "paasmaker.job.test.sleep"
  nlohmann::json parameters = nlohmann::json::object();
  std::string node;               // UUID of the node that must run it
  JobState state = JobState::kNew;
  std::string title;
  std::string summary;            // set when it finishes
  double created = 0;             // unix seconds
  double started = 0;             // 0: not started
  double finished = 0;            // 0: not finished
  std::string parent_id;          // empty for a root
  std::string root_id;            // own id for a root
  std::vector<std::string> tags;  // roots only

  bool is_root() const { return parent_id.empty(); }

  // {job_id, root_id, parent_id, type, parameters, node, state, title,
  //  summary, created, started, finished, tags}; unset times are null.
  nlohmann::json ToJson() const;
  static Result<Job> FromJson(const nlohmann::json& json);
};

// The ids a log line written while `job` runs carries (core/log.h): the job's
// own, and the application / version / instance its parameters name
// (application_id, version_id, instance_id; or those of an `instance` spec).
log::Fields LogFieldsOf(const Job& job);

// What to create: one job of a tree. An empty id gets a fresh UUID; an empty
// node means "the node that creates it".
// (Every member has an initializer so designated initializers may skip any.)
struct JobSpec {
  std::string id{};
  std::string parent_id{};
  std::string type{};
  nlohmann::json parameters = nlohmann::json::object();
  std::string node{};
  std::string title{};
  std::vector<std::string> tags{};  // only on a root
};

// Builds the list of JobSpecs for AddTree/Graft, parents before children.
//
//   TreeSpec tree;
//   auto root = tree.Add({.type = "paasmaker.job.test.noop", .title = "root"});
//   tree.Add({.type = "paasmaker.job.test.sleep", .parameters = {{"seconds", 1}}}, root);
class TreeSpec {
 public:
  // Appends `spec` under `parent_id` (empty: keeps spec.parent_id) and returns
  // its id (generated when spec.id is empty).
  std::string Add(JobSpec spec, const std::string& parent_id = "");
  const std::vector<JobSpec>& jobs() const { return jobs_; }
  std::vector<JobSpec>& mutable_jobs() { return jobs_; }

 private:
  std::vector<JobSpec> jobs_;
};

}  // namespace paasmaker::jobs
