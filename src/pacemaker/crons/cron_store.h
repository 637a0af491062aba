// CronStore: one SQL row per cron and slot it was due at (table cron_runs),
// written before the slot's tree is created. The row's primary key is what
// makes a slot run at most once, across pacemaker restarts (kill -9
// included) and pacemakers sharing a database: Claim inserts the row only
// if it is not there yet, and only the caller whose insert went in starts a
// tree. A crash between the claim and the tree loses that slot's run; it
// never doubles it.
//
// A cron's id is stable across deploys: `<application id>/<instance type
// name>/<index in the type's crons>`, so a new current version continues
// its cron's history.
//
// Thread safe (the Database serialises).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/sql/database.h"

namespace paasmaker::pacemaker::crons {

// What became of one slot.
inline constexpr const char* kCronStarted = "started";  // its tree: job_id
inline constexpr const char* kCronSkipped = "skipped";  // the previous run was unfinished (concurrency: forbid)

// (Every member has an initializer so designated initializers may skip any.)
struct CronRun {
  std::string cron_id{};
  int64_t slot = 0;       // the unix second the schedule named
  std::string job_id{};   // the tree's root; "" when skipped
  std::string outcome{};  // kCronStarted or kCronSkipped
  double created = 0;     // when it was claimed
};

class CronStore {
 public:
  explicit CronStore(sql::Database& db) : db_(db) {}

  // Records `run`; false when its cron and slot were already claimed.
  Result<bool> Claim(const CronRun& run);
  // The cron's latest claimed slot, if any.
  Result<std::optional<CronRun>> Last(const std::string& cron_id);
  // Newest first.
  Result<std::vector<CronRun>> Recent(const std::string& cron_id, int limit);

  // A suspended cron's slots pass without a run (table cron_state).
  Status SetSuspended(const std::string& cron_id, bool suspended);
  Result<std::set<std::string>> Suspended();

 private:
  sql::Database& db_;
};

}  // namespace paasmaker::pacemaker::crons
