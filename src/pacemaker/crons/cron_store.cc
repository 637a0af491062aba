#include "pacemaker/crons/cron_store.h"

#include <chrono>

namespace paasmaker::pacemaker::crons {

namespace {

CronRun RunOf(const sql::Row& row) {
  return {.cron_id = row.GetString("cron_id"),
          .slot = row.GetInt("slot"),
          .job_id = row.GetString("job_id"),
          .outcome = row.GetString("outcome"),
          .created = row.GetDouble("created")};
}

}  // namespace

Result<bool> CronStore::Claim(const CronRun& run) {
  // ON CONFLICT DO NOTHING: SQLite (3.24+) and PostgreSQL alike; the count
  // of inserted rows says who won.
  PM_ASSIGN_OR_RETURN(int64_t inserted,
                      db_.Execute("INSERT INTO cron_runs (cron_id, slot, job_id, outcome, created) "
                                  "VALUES (?, ?, ?, ?, ?) ON CONFLICT (cron_id, slot) DO NOTHING",
                                  {run.cron_id, run.slot, run.job_id, run.outcome, run.created}));
  return inserted == 1;
}

Result<std::optional<CronRun>> CronStore::Last(const std::string& cron_id) {
  PM_ASSIGN_OR_RETURN(auto runs, Recent(cron_id, 1));
  if (runs.empty()) return std::optional<CronRun>();
  return std::optional<CronRun>(runs.front());
}

Result<std::vector<CronRun>> CronStore::Recent(const std::string& cron_id, int limit) {
  PM_ASSIGN_OR_RETURN(auto rows, db_.Query("SELECT cron_id, slot, job_id, outcome, created FROM cron_runs "
                                           "WHERE cron_id = ? ORDER BY slot DESC LIMIT ?",
                                           {cron_id, static_cast<int64_t>(limit)}));
  std::vector<CronRun> out;
  for (const auto& row : rows) out.push_back(RunOf(row));
  return out;
}

Status CronStore::SetSuspended(const std::string& cron_id, bool suspended) {
  double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  return db_
      .Execute("INSERT INTO cron_state (cron_id, suspended, changed) VALUES (?, ?, ?) "
               "ON CONFLICT (cron_id) DO UPDATE SET suspended = excluded.suspended, changed = excluded.changed",
               {cron_id, static_cast<int64_t>(suspended ? 1 : 0), now})
      .status();
}

Result<std::set<std::string>> CronStore::Suspended() {
  PM_ASSIGN_OR_RETURN(auto rows, db_.Query("SELECT cron_id FROM cron_state WHERE suspended = 1"));
  std::set<std::string> out;
  for (const auto& row : rows) out.insert(row.GetString("cron_id"));
  return out;
}

}  // namespace paasmaker::pacemaker::crons
