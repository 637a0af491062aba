// Health history (SPEC §7): GET /api/v1/health/history[?group=NAME&limit=N
// &only_actions=true] — the most recent runs of the health-check groups,
// newest first, each with what its checks did. Needs SYSTEM_OVERVIEW
// (route table).
//
//   {"runs": [{"job_id", "group", "title", "state", "started", "finished",
//              "actions": [{"job_id", "type", "state", "summary"}]}],
//    "scanned": N}
//
// `actions` are the non-empty summaries of the run's checks: a check that
// changed nothing leaves its summary empty (health_jobs.cc), a failed or
// aborted one says why. The root and stage jobs (plumbing) are left out.
// With only_actions, runs without any are skipped; at most kMaxScanned runs
// are read per request (`scanned` says how many were).
#include "pacemaker/endpoints/health.h"

#include <cstdlib>

#include "core/api_response.h"
#include "pacemaker/health/health_group_tree.h"

namespace paasmaker::pacemaker::endpoints {

using nlohmann::json;

namespace {

constexpr int64_t kMaxScanned = 1000;
constexpr int64_t kPage = 50;

json TimeOrNull(double t) { return t > 0 ? json(t) : json(nullptr); }

std::string GroupOf(const jobs::TreeSnapshot& tree, const jobs::Job& root) {
  const auto& tags = tree.tags.empty() ? root.tags : tree.tags;
  for (const auto& tag : tags) {
    if (tag.rfind("health:", 0) == 0) return tag.substr(7);
  }
  return "";
}

json DescribeRun(const jobs::TreeSnapshot& tree) {
  const jobs::Job* root = nullptr;
  for (const auto& job : tree.jobs) {
    if (job.id == tree.root_id) root = &job;
  }
  json actions = json::array();
  for (const jobs::Job* job : health::RunActions(tree)) {
    actions.push_back({{"job_id", job->id},
                       {"type", job->type},
                       {"state", std::string(jobs::JobStateName(job->state))},
                       {"summary", job->summary}});
  }
  if (root == nullptr) return json();
  return {{"job_id", root->id},
          {"group", GroupOf(tree, *root)},
          {"title", root->title},
          {"state", std::string(jobs::JobStateName(root->state))},
          {"started", TimeOrNull(root->started)},
          {"finished", TimeOrNull(root->finished)},
          {"actions", actions}};
}

}  // namespace

PM_ENDPOINT(HealthContext, json, HealthHistory) {
  std::string group = req.Query("group");
  std::string only = req.Query("only_actions", "false");
  if (only != "true" && only != "false" && only != "1" && only != "0") {
    return InvalidArgument("only_actions: true or false");
  }
  bool only_actions = only == "true" || only == "1";
  char* end = nullptr;
  std::string limit_text = req.Query("limit", "20");
  int64_t limit = std::strtoll(limit_text.c_str(), &end, 10);
  if (end == limit_text.c_str() || *end != '\0' || limit <= 0 || limit > 500) {
    return InvalidArgument("limit: 1 <= limit <= 500");
  }
  std::string tag = group.empty() ? "health" : "health:" + group;
  json runs = json::array();
  int64_t scanned = 0;
  for (int64_t offset = 0; runs.size() < static_cast<size_t>(limit) && scanned < kMaxScanned; offset += kPage) {
    PM_ASSIGN_OR_RETURN(auto page, ctx.job_store.ListRootsByTag(tag, offset, kPage));
    for (const auto& root_id : page.root_ids) {
      if (runs.size() >= static_cast<size_t>(limit) || scanned >= kMaxScanned) break;
      ++scanned;
      auto tree = ctx.job_tree.GetTree(root_id);
      if (!tree.ok()) {
        if (tree.status().code() == StatusCode::kNotFound) continue;  // removed after job_max_age meanwhile
        return tree.status();
      }
      json run = DescribeRun(*tree);
      if (run.is_null() || (only_actions && run["actions"].empty())) continue;
      runs.push_back(std::move(run));
    }
    if (page.root_ids.size() < static_cast<size_t>(kPage)) break;
  }
  return json{{"runs", runs}, {"scanned", scanned}};
}

}  // namespace paasmaker::pacemaker::endpoints
