// Supervision: launching instance processes, readiness, exits, the restart
// policy, and the start/stop/startup operations built on them.
#include <signal.h>
#include <unistd.h>

#include <cmath>

#include "core/log.h"
#include "core/net.h"
#include "heart/heart_impl.h"
#include "heart/restart_policy.h"
#include "jobs/job_logs.h"

namespace paasmaker::heart {

namespace {

using std::chrono::milliseconds;

constexpr milliseconds kTick{100};
constexpr milliseconds kAdoptedPoll{500};
// Startup commands are migrations and the like; a hung one must not hold
// the job forever.
constexpr std::chrono::minutes kStartupCommandTimeout{30};
constexpr int kTailLines = 20;

milliseconds Grace(const config::NodeConfig& config) {
  return milliseconds(static_cast<int64_t>(std::llround(std::max(0.0, config.heart.stop_grace) * 1000)));
}

// Our instances lead their own process group; a pid that is alive but leads
// no group of its own is some other process that reused the number.
bool LeadsOwnGroup(pid_t pid) { return process::PidAlive(pid) && ::getpgid(pid) == pid; }

}  // namespace

bool InstancePortIsFree(int port) { return net::PortIsFree("0.0.0.0", port); }

double UnixNow() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void StopGroup(pid_t pid, milliseconds grace) {
  if (pid <= 0) return;
  ::kill(-pid, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (process::PidAlive(pid) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(50));
  }
  ::kill(-pid, SIGKILL);
  for (int i = 0; i < 100 && process::PidAlive(pid); ++i) std::this_thread::sleep_for(milliseconds(50));
}

void Heart::Impl::SetStateLocked(const std::string& id, InstanceEntry& entry, const std::string& state) {
  if (entry.state != state) PM_LOG_INFO("instance {}: {} -> {}", id, entry.state, state);
  entry.state = state;
  entry.changed = UnixNow();
  SaveLocked();
  change_pending = true;
  changed_cv.notify_all();
  exits->Wake();  // the supervisor calls on_change
}

void Heart::Impl::SaveLocked() {
  Status saved = catalog.Save();
  if (!saved.ok()) PM_LOG_ERROR("saving the instance catalog: {}", saved.ToString());
}

Status Heart::Impl::LaunchLocked(const std::string& id, InstanceEntry& entry, LiveInstance& lv, bool restarting) {
  std::string dir = InstanceDir(id);
  PM_ASSIGN_OR_RETURN(RuntimeCommand command,
                      BuildRuntimeCommand(entry.spec, entry.port, dir, self_exe, config.route_address));
  lv.standalone = entry.spec.standalone;
  if (!lv.standalone && !InstancePortIsFree(entry.port)) {
    return FailedPrecondition("port " + std::to_string(entry.port) + " is already in use by another process");
  }
  PM_RETURN_IF_ERROR(pump.Attach(id, FifoPath(id), LogPath(id)));
  process::LaunchOptions options;
  options.argv = command.argv;
  options.env = InstanceEnvironment(entry.spec, entry.port, dir, config.route_address, tools_dir);
  options.inherit_env = false;
  options.working_dir = dir;
  options.output_file = FifoPath(id);
  if (entry.uid >= 0) {
    options.run_as_uid = static_cast<uid_t>(entry.uid);
    options.run_as_gid = static_cast<gid_t>(entry.uid);
  }
  std::shared_ptr<ExitQueue> queue = exits;
  Result<std::shared_ptr<process::Process>> launched = Status();
  {
    std::lock_guard<std::mutex> serial(launch_mutex);
    LaunchKeeper keeper(FifoPath(id));
    if (!keeper.ok()) return ErrnoStatus("opening " + FifoPath(id), errno);
    options.inherit_fds = {keeper.fd()};
    launched = process::Launch(options, [queue, id](const process::ExitInfo& info) {
      queue->Push({id, info.pid, info.Describe()});
    });
  }
  if (!launched.ok()) return launched.status();
  auto now = std::chrono::steady_clock::now();
  lv.process = *launched;
  lv.adopted = false;
  lv.stop_requested = false;
  lv.restarting = restarting;
  if (restarting && restarts_metric != nullptr) restarts_metric->Increment();
  lv.launched = now;
  lv.ready_deadline = now + command.start_timeout;
  lv.standalone_ready_at = now + command.standalone_wait;
  lv.kill_at.reset();
  lv.restart_at.reset();
  lv.failure.clear();
  entry.pid = lv.process->pid();
  PM_LOG_INFO("instance {}: launched pid {}{}", id, entry.pid, restarting ? " (restart)" : "");
  SetStateLocked(id, entry, kStarting);
  return Status::Ok();
}

void Heart::Impl::HandleExitLocked(const std::string& id, pid_t pid, const std::string& description) {
  InstanceEntry* entry = catalog.Find(id);
  auto it = live.find(id);
  if (entry == nullptr || it == live.end() || entry->pid != pid) return;  // stale: already handled
  LiveInstance& lv = it->second;
  pump.Flush(id);
  entry->pid = 0;
  entry->last_exit = description;
  lv.process.reset();
  lv.adopted = false;
  lv.kill_at.reset();
  // Whatever the group leader left behind goes too, so a restart finds the
  // port free and nothing strays.
  ::kill(-pid, SIGKILL);
  if (lv.stop_requested) {  // the stop job sets the state
    SaveLocked();
    changed_cv.notify_all();
    return;
  }
  if (entry->state == kStarting && !lv.restarting) {
    if (lv.failure.empty()) lv.failure = "the process " + description + " before it was ready";
    PM_LOG_WARN("instance {}: start failed: {}", id, lv.failure);
    SetStateLocked(id, *entry, kError);
    return;
  }
  if (entry->state == kRunning || entry->state == kStarting) {
    PM_LOG_WARN("instance {}: process {} {}", id, pid, description);
    if (entry->state == kRunning && std::chrono::steady_clock::now() - lv.launched >= kStableRunTime) {
      lv.consecutive = 0;
    }
    ScheduleRestartLocked(id, *entry, lv);
  }
}

void Heart::Impl::ScheduleRestartLocked(const std::string& id, InstanceEntry& entry, LiveInstance& lv) {
  auto delay = RestartDelay(config.heart.restart_policy, lv.consecutive);
  if (!delay) {
    PM_LOG_ERROR("instance {}: giving up after {} restarts in a row; last: {}", id, lv.consecutive,
                 entry.last_exit);
    lv.failure = "gave up after " + std::to_string(lv.consecutive) + " restarts in a row";
    lv.restart_at.reset();
  } else {
    PM_LOG_INFO("instance {}: restart {} in {} ms", id, lv.consecutive + 1, delay->count());
    lv.restart_at = std::chrono::steady_clock::now() + *delay;
  }
  SetStateLocked(id, entry, kError);
}

void Heart::Impl::AdoptLocked(const std::string& id, InstanceEntry& entry) {
  LiveInstance& lv = live[id];
  auto now = std::chrono::steady_clock::now();
  if (entry.pid > 0 && LeadsOwnGroup(entry.pid)) {
    Status attached = pump.Attach(id, FifoPath(id), LogPath(id));
    if (!attached.ok()) PM_LOG_WARN("instance {}: no log copy: {}", id, attached.ToString());
    lv.adopted = true;
    lv.launched = now;
    lv.standalone = entry.spec.standalone;
    auto command = BuildRuntimeCommand(entry.spec, entry.port, InstanceDir(id), self_exe, config.route_address);
    lv.ready_deadline = now + (command.ok() ? command->start_timeout : milliseconds(20000));
    lv.standalone_ready_at = now;
    PM_LOG_INFO("instance {}: re-adopted running pid {}", id, entry.pid);
    return;
  }
  // It should be running but is not: start it again through the policy.
  PM_LOG_INFO("instance {}: was {} but its process is gone; restarting it", id, entry.state);
  entry.pid = 0;
  entry.last_exit = "gone while the heart was away";
  lv.restart_at = now;
  SetStateLocked(id, entry, kError);
}

void Heart::Impl::SupervisorLoop() {
  auto last_poll = std::chrono::steady_clock::now();
  while (true) {
    std::vector<ExitQueue::Event> events;
    {
      std::unique_lock<std::mutex> lock(exits->mutex);
      // `stopping` and `change_pending` are Impl::mutex's: read below, under it.
      exits->cv.wait_for(lock, kTick, [this] { return !exits->events.empty() || exits->woken; });
      exits->woken = false;
      events.swap(exits->events);
    }
    std::function<void()> notify;
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (stopping) return;
      for (const auto& e : events) HandleExitLocked(e.instance_id, e.pid, e.description);
    }
    auto now = std::chrono::steady_clock::now();
    bool poll_adopted = now - last_poll >= kAdoptedPoll;
    if (poll_adopted) last_poll = now;
    Tick(now, poll_adopted);
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (change_pending && on_change) notify = on_change;
      change_pending = false;
    }
    if (notify) notify();
  }
}

void Heart::Impl::Tick(SteadyTime now, bool poll_adopted) {
  struct Check {
    std::string id;
    pid_t pid;
    int port;
    bool standalone;
  };
  std::vector<Check> checks;
  {
    std::lock_guard<std::mutex> lock(mutex);
    for (auto& [id, lv] : live) {
      InstanceEntry* entry = catalog.Find(id);
      if (entry == nullptr) continue;
      if (lv.adopted && poll_adopted && entry->pid > 0 && !process::PidAlive(entry->pid)) {
        HandleExitLocked(id, entry->pid, "ended (exit status unknown: adopted process)");
      }
      if (lv.kill_at && now >= *lv.kill_at && entry->pid > 0) {
        ::kill(-entry->pid, SIGKILL);
        lv.kill_at.reset();
      }
      if (lv.restart_at && now >= *lv.restart_at && !lv.stop_requested && entry->pid == 0) {
        lv.restart_at.reset();
        ++lv.consecutive;
        ++entry->restarts;
        Status launched = LaunchLocked(id, *entry, lv, /*restarting=*/true);
        if (!launched.ok()) {
          entry->last_exit = "restart failed: " + launched.message();
          ScheduleRestartLocked(id, *entry, lv);
        }
      }
      if (entry->state == kStarting && entry->pid > 0 && !lv.kill_at && !lv.stop_requested) {
        if (now >= lv.ready_deadline) {
          // Not ready in time: stop it; its exit then decides ERROR or a retry.
          lv.failure = "not ready within the start timeout";
          PM_LOG_WARN("instance {}: {}; stopping it", id, lv.failure);
          ::kill(-entry->pid, SIGTERM);
          lv.kill_at = now + Grace(config);
        } else {
          checks.push_back({id, entry->pid, entry->port, lv.standalone});
        }
      }
    }
  }
  // Readiness probes run without the lock: a connect may take a moment.
  for (const auto& c : checks) {
    bool ready = false;
    if (c.standalone) {
      std::lock_guard<std::mutex> lock(mutex);
      auto it = live.find(c.id);
      ready = it != live.end() && now >= it->second.standalone_ready_at;
    } else {
      // Where the routers will connect: an app that listens on the loopback
      // only would pass a 127.0.0.1 probe and still be unreachable from every
      // router on another host. One bound to 0.0.0.0 answers here too.
      ready = net::PortAcceptsConnections(config.route_address, c.port, milliseconds(200));
    }
    if (!ready) continue;
    std::lock_guard<std::mutex> lock(mutex);
    InstanceEntry* entry = catalog.Find(c.id);
    if (entry == nullptr || entry->pid != c.pid || entry->state != kStarting) continue;
    if (!process::PidAlive(c.pid)) continue;  // its exit event is on the way
    SetStateLocked(c.id, *entry, kRunning);
  }
}

// --- Operations ---------------------------------------------------------------

Status Heart::RunStartup(const std::string& instance_id, jobs::JobLog& log, const std::function<bool()>& aborted) {
  Impl& d = *impl_;
  process::LaunchOptions options;
  std::vector<std::string> commands;
  {
    std::lock_guard<std::mutex> lock(d.mutex);
    InstanceEntry* entry = d.catalog.Find(instance_id);
    if (entry == nullptr) return NotFound("instance " + instance_id + " is not registered on this heart");
    if (entry->state == kRunning || entry->state == kStarting) {
      return FailedPrecondition("instance " + instance_id + " is " + entry->state);
    }
    PM_ASSIGN_OR_RETURN(commands, StartupCommands(entry->spec));
    std::string dir = d.InstanceDir(instance_id);
    options.env = InstanceEnvironment(entry->spec, entry->port, dir, d.config.route_address, d.tools_dir);
    options.inherit_env = false;
    options.working_dir = dir;
    options.output_file = log.path();
    if (entry->uid >= 0) {
      options.run_as_uid = static_cast<uid_t>(entry->uid);
      options.run_as_gid = static_cast<gid_t>(entry->uid);
    }
  }
  auto fail = [&](const std::string& why) -> Status {
    {
      std::lock_guard<std::mutex> lock(d.mutex);
      if (InstanceEntry* entry = d.catalog.Find(instance_id)) {
        entry->last_exit = why;
        d.SetStateLocked(instance_id, *entry, kError);
      }
    }
    log.Error(why);
    return FailedPrecondition(why + "; last output:\n" + TailLines(log.path(), 10));
  };
  if (commands.empty()) log.Info("No startup commands.");
  for (const auto& command : commands) {
    log.Info("Running: " + command);
    options.argv = {"/bin/sh", "-c", command};
    auto launched = process::Launch(options);
    if (!launched.ok()) return fail("could not run startup command '" + command + "': " + launched.status().message());
    auto deadline = std::chrono::steady_clock::now() + kStartupCommandTimeout;
    std::optional<process::ExitInfo> exit;
    while (!(exit = (*launched)->Wait(milliseconds(100)))) {
      if (aborted && aborted()) {
        (*launched)->Stop(Grace(d.config));
        return Aborted("aborted while running startup command '" + command + "'");
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        (*launched)->Stop(Grace(d.config));
        return fail("startup command '" + command + "' did not finish in time");
      }
    }
    if (!exit->exited || exit->exit_code != 0) {
      return fail("startup command '" + command + "' " + exit->Describe());
    }
  }
  return Status::Ok();
}

Status Heart::StartInstance(const std::string& instance_id, jobs::JobLog& log) {
  Impl& d = *impl_;
  std::unique_lock<std::mutex> lock(d.mutex);
  InstanceEntry* entry = d.catalog.Find(instance_id);
  if (entry == nullptr) return NotFound("instance " + instance_id + " is not registered on this heart");
  // Readiness is judged by the supervisor thread; without it nobody would.
  if (!d.supervisor.joinable() || d.stopping) return FailedPrecondition("the heart is not running");
  LiveInstance& lv = d.live[instance_id];
  if (entry->state == kRunning && entry->pid > 0) {
    log.Info("The instance is already running (pid " + std::to_string(entry->pid) + ").");
    return Status::Ok();
  }
  if (entry->state != kStarting) {
    if (entry->state != kRegistered && entry->state != kStopped && entry->state != kError) {
      return FailedPrecondition("instance " + instance_id + " cannot start from state " + entry->state);
    }
    entry->restarts = 0;
    lv.consecutive = 0;
    lv.restart_at.reset();
    if (entry->pid > 0) {
      // An ERROR instance whose failed restart is still being killed.
      return FailedPrecondition("instance " + instance_id + " still has a process being stopped; try again");
    }
    Status launched = d.LaunchLocked(instance_id, *entry, lv, /*restarting=*/false);
    if (!launched.ok()) {
      entry->last_exit = launched.message();
      d.SetStateLocked(instance_id, *entry, kError);
      log.Error("Could not launch the instance: " + launched.ToString());
      return launched;
    }
    log.Info("Launched pid " + std::to_string(entry->pid) + " (" +
             entry->spec.runtime.plugin + ").");
  }
  // Readiness and failure are decided by the supervisor; wait for it. The
  // bound is generous: the supervisor enforces the real start timeout.
  auto limit = std::chrono::steady_clock::now() + std::chrono::minutes(10);
  d.changed_cv.wait_until(lock, limit, [&] {
    InstanceEntry* e = d.catalog.Find(instance_id);
    return e == nullptr || e->state != kStarting || d.stopping;
  });
  // Look both up again: the wait released the lock.
  entry = d.catalog.Find(instance_id);
  auto live_it = d.live.find(instance_id);
  std::string failure = live_it == d.live.end() ? "" : live_it->second.failure;
  if (entry != nullptr && entry->state == kRunning) {
    log.Info("The instance is running on port " + std::to_string(entry->port) + ".");
    return Status::Ok();
  }
  std::string why = entry == nullptr ? "the instance was removed while starting"
                    : entry->state == kStarting ? "the heart is stopping"
                    : failure.empty() ? "the instance is " + entry->state
                                       : failure;
  lock.unlock();
  d.pump.Flush(instance_id);
  std::string tail = TailLines(d.LogPath(instance_id), kTailLines);
  log.Error("Start failed: " + why);
  if (!tail.empty()) {
    log.Info("Last lines of the instance log:");
    Status appended = log.Append(tail + "\n");
    appended.IgnoreError();
  }
  return FailedPrecondition("instance " + instance_id + " failed to start: " + why +
                            (tail.empty() ? "" : "; last output:\n" + TailLines(d.LogPath(instance_id), 5)));
}

Status Heart::StopInstance(const std::string& instance_id, jobs::JobLog& log) {
  return impl_->StopProcess(instance_id, kStopped, [&log](const std::string& line) { log.Info(line); });
}

Status Heart::Impl::StopProcess(const std::string& instance_id, const std::string& final_state,
                                const std::function<void(const std::string&)>& note) {
  Impl& d = *this;
  std::shared_ptr<process::Process> child;
  pid_t pid = 0;
  {
    std::lock_guard<std::mutex> lock(d.mutex);
    InstanceEntry* entry = d.catalog.Find(instance_id);
    if (entry == nullptr) {
      note("Instance " + instance_id + " is not on this heart; nothing to stop.");
      return Status::Ok();
    }
    LiveInstance& lv = d.live[instance_id];
    lv.stop_requested = true;
    lv.restart_at.reset();
    child = lv.process;
    pid = entry->pid;
    if (pid == 0) {
      if (entry->state == kRunning || entry->state == kStarting || entry->state == kError) {
        d.SetStateLocked(instance_id, *entry, kStopped);
      }
      note("The instance is not running; nothing to stop.");
      return Status::Ok();
    }
  }
  note("Stopping pid " + std::to_string(pid) + " (SIGTERM, SIGKILL after " +
           std::to_string(config.heart.stop_grace) + " s).");
  std::string how;
  if (child) {
    how = child->Stop(Grace(config)).Describe();
  } else {
    StopGroup(pid, Grace(config));
    how = "stopped (adopted process)";
  }
  ::kill(-pid, SIGKILL);  // group members that outlived the leader
  std::lock_guard<std::mutex> lock(d.mutex);
  InstanceEntry* entry = d.catalog.Find(instance_id);
  if (entry == nullptr) return Status::Ok();
  if (entry->pid == pid) entry->pid = 0;
  entry->last_exit = how;
  d.live[instance_id].process.reset();
  d.live[instance_id].adopted = false;
  d.pump.Detach(instance_id);
  d.SetStateLocked(instance_id, *entry, final_state);
  note("The instance " + how + "; " + final_state + ".");
  return Status::Ok();
}

}  // namespace paasmaker::heart
