#include "pacemaker/crons/cron_runner.h"

#include <fmt/format.h>

#include <chrono>
#include <set>

#include "core/log.h"
#include "jobs/job.h"
#include "model/cron_spec.h"
#include "pacemaker/crons/cron_table.h"

namespace paasmaker::pacemaker::crons {

namespace {

using SystemClock = std::chrono::system_clock;

// A missed cron runs once, for its latest slot; so many steps reach it
// after any real outage (a day of a per-second cron). Past that, the slot
// reached is the one run.
constexpr int kMaxCatchUpSteps = 100000;

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(SystemClock::now().time_since_epoch()).count();
}

}  // namespace

CronRunner::~CronRunner() { Stop(); }

void CronRunner::Start() {
  if (!ctx_.config.pacemaker.run_crons) {
    PM_LOG_INFO("crons are not run on this pacemaker (pacemaker.run_crons: false)");
    return;
  }
  thread_ = std::thread([this] { Loop(); });
}

void CronRunner::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void CronRunner::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    Tick(NowSeconds());
    lock.lock();
    // Just past the next whole second, when its slots are due.
    auto next_second = SystemClock::time_point(std::chrono::seconds(NowSeconds() + 1)) + std::chrono::milliseconds(5);
    cv_.wait_until(lock, next_second, [this] { return stopping_; });
  }
}

void CronRunner::Tick(int64_t now) {
  if (ctx_.node_uuid.Get().empty()) return;
  auto crons = CurrentCrons(ctx_.apps);
  auto suspended = ctx_.crons.Suspended();
  if (!crons.ok() || !suspended.ok()) {
    PM_LOG_WARN("crons: reading the current versions' crons: {}",
                (crons.ok() ? suspended.status() : crons.status()).ToString());
    return;
  }
  std::set<std::string> seen;
  for (const auto& cron : *crons) {
    seen.insert(cron.id);
    Schedule& schedule = schedules_[cron.id];
    if (!schedule.spec || schedule.runspec != cron.runspec || schedule.timezone != cron.timezone) {
      auto spec = model::CronSpec::Parse(cron.runspec, cron.timezone);
      if (!spec.ok()) {
        // The manifest checked it; a row written by an older version may not be.
        PM_LOG_WARN("cron {}: {}", cron.id, spec.status().ToString());
        continue;
      }
      auto last = ctx_.crons.Last(cron.id);
      if (!last.ok()) {
        PM_LOG_WARN("cron {}: {}", cron.id, last.status().ToString());
        continue;
      }
      schedule.runspec = cron.runspec;
      schedule.timezone = cron.timezone;
      schedule.spec = *spec;
      // From its last claimed slot (so a missed one runs on return), or, new, from now.
      schedule.next = *last ? schedule.spec->Next((*last)->slot) : schedule.spec->Next(now - 1);
      if (*last) schedule.last_root = (*last)->job_id;
    }
    if (schedule.next < 0 || now < schedule.next) continue;
    // The latest slot due: the missed ones before it are not run one by one.
    int64_t slot = schedule.next;
    for (int i = 0; i < kMaxCatchUpSteps; ++i) {
      int64_t after = schedule.spec->Next(slot);
      if (after < 0 || after > now) break;
      slot = after;
    }
    schedule.next = schedule.spec->Next(slot);
    if (suspended->count(cron.id)) continue;  // its slots pass, unrun and unclaimed

    bool overlapping = false;
    if (cron.concurrency != "allow" && !schedule.last_root.empty()) {
      auto previous = ctx_.job_store.Get(schedule.last_root);
      overlapping = previous.ok() && !jobs::IsFinished(previous->state);
    }
    auto run = ClaimAndStart(ctx_, cron, slot, overlapping);
    if (!run.ok()) {
      PM_LOG_WARN("cron {}: the run of {}: {}", cron.id, UtcText(slot), run.status().ToString());
    } else if (!*run) {
      continue;  // claimed before: by this pacemaker before a restart, or another one
    } else if (overlapping) {
      PM_LOG_WARN("cron {}: skipped the slot of {}: its previous run {} is unfinished (concurrency: forbid)", cron.id,
                  UtcText(slot), schedule.last_root);
    } else {
      schedule.last_root = (*run)->job_id;
      PM_LOG_INFO("cron {}: started job {} for the slot of {}", cron.id, schedule.last_root, UtcText(slot));
    }
  }
  for (auto it = schedules_.begin(); it != schedules_.end();) {
    it = seen.count(it->first) ? std::next(it) : schedules_.erase(it);
  }
}

}  // namespace paasmaker::pacemaker::crons
