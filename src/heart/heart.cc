// Heart: directories, catalog, register/deregister, report and log route.
// Process supervision lives in supervision.cc.
#include "heart/heart.h"

#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "core/api_response.h"
#include "core/archive.h"
#include "core/files.h"
#include "core/http.h"
#include "core/log.h"
#include "core/node_token.h"
#include "heart/heart_impl.h"
#include "heart/package_cache.h"
#include "heart/uid_reach.h"
#include "jobs/job_logs.h"

namespace paasmaker::heart {

namespace {

constexpr const char* kAllocated = model::kInstanceAllocated;  // in the catalog while registering

std::string SelfExecutable() {
  std::error_code ec;
  auto path = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? "/proc/self/exe" : path.string();
}

// A directory with exactly `mode`, whatever the umask or an older run left.
Status PrivateDir(const std::string& path, mode_t mode) {
  PM_RETURN_IF_ERROR(files::MakeDirectories(path, mode));
  if (::chmod(path.c_str(), mode) != 0) return ErrnoStatus("chmod " + path, errno);
  return Status::Ok();
}

uid_t g_chown_uid = 0;  // nftw has no user data pointer; guarded by ChownMutex
std::mutex& ChownMutex() {
  static std::mutex m;
  return m;
}

// Hands an unpacked instance directory to the instance's uid.
Status ChownTree(const std::string& path, uid_t uid) {
  std::lock_guard<std::mutex> lock(ChownMutex());
  g_chown_uid = uid;
  int rc = ::nftw(
      path.c_str(),
      [](const char* p, const struct stat*, int, struct FTW*) {
        return ::lchown(p, g_chown_uid, g_chown_uid) == 0 ? 0 : -1;
      },
      32, FTW_PHYS);
  if (rc != 0) return ErrnoStatus("chown " + path, errno);
  if (::chmod(path.c_str(), 0700) != 0) return ErrnoStatus("chmod " + path, errno);
  return Status::Ok();
}

}  // namespace

Heart::Impl::Impl(const config::NodeConfig& c, std::string token, metrics::Registry* metrics)
    : config(c),
      node_token(std::move(token)),
      heart_dir(c.DataDir() + "/heart"),
      logs_dir(heart_dir + "/logs"),
      packages_dir(heart_dir + "/packages"),
      instances_dir((c.heart.working_dir.empty() ? c.DataDir() + "/instances" : c.heart.working_dir) + "/instance"),
      tools_dir((c.heart.working_dir.empty() ? c.DataDir() + "/instances" : c.heart.working_dir) + "/runtime-bin"),
      self_exe(SelfExecutable()),
      as_root(::geteuid() == 0),
      catalog(heart_dir + "/catalog.json"),
      pump(c.heart.instance_log_max_bytes) {
  if (metrics == nullptr) return;
  restarts_metric = &metrics->AddCounter("paasmaker_heart_instance_restarts_total",
                                         "Instance processes restarted by the heart after they exited");
  fetch_metric = &metrics->AddHistogram("paasmaker_heart_package_fetch_seconds",
                                        "Time to fetch (or find cached) a version's package, by outcome",
                                        metrics::DurationBuckets());
  metrics_collection = metrics->AddCollector([this](metrics::Snapshot& snapshot) {
    std::map<std::string, int> by_state;
    for (const char* state : {kRegistered, kStarting, kRunning, kStopped, kSuspended, kError}) by_state[state] = 0;
    {
      std::lock_guard<std::mutex> lock(mutex);
      for (const auto& [id, entry] : catalog.entries()) ++by_state[entry.state];
    }
    for (const auto& [state, n] : by_state) {
      snapshot.Gauge("paasmaker_heart_instances", "Instances in this heart's catalog, by state", {{"state", state}}, n);
    }
  });
}

Heart::Heart(const config::NodeConfig& config, std::string node_token, metrics::Registry* metrics)
    : impl_(std::make_unique<Impl>(config, std::move(node_token), metrics)) {}

Heart::~Heart() { Stop(); }

void Heart::SetNodeToken(std::string node_token) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->node_token = std::move(node_token);
}

void Heart::SetOnChange(std::function<void()> on_change) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->on_change = std::move(on_change);
}

std::string Heart::InstanceDir(const std::string& id) const { return impl_->InstanceDir(id); }
std::string Heart::LogPath(const std::string& id) const { return impl_->LogPath(id); }

Status Heart::Start() {
  Impl& d = *impl_;
  // The heart's data (catalog with credentials, logs, packages) is for root
  // only; instance directories sit below a traversable-only working dir.
  PM_RETURN_IF_ERROR(PrivateDir(d.heart_dir, 0700));
  PM_RETURN_IF_ERROR(PrivateDir(d.logs_dir, 0700));
  PM_RETURN_IF_ERROR(PrivateDir(d.packages_dir, 0700));
  PM_RETURN_IF_ERROR(PrivateDir(std::filesystem::path(d.instances_dir).parent_path().string(), 0711));
  PM_RETURN_IF_ERROR(PrivateDir(d.instances_dir, 0711));
  // Refuse now, naming the directory, rather than fail every deploy later.
  if (d.as_root) {
    PM_RETURN_IF_ERROR(CheckUidCanReach(d.instances_dir, static_cast<uid_t>(d.config.heart.instance_uid_minimum))
                           .WithContext("heart"));
  }
  // Beside instance/, so instances (other uids when root) can pass to it.
  PM_RETURN_IF_ERROR(PrepareToolsDir(d.tools_dir).WithContext("heart: the runtime tools dir"));
  std::vector<std::string> unoffered;
  RuntimeVersions offered = ResolveRuntimeVersions(d.config.heart.runtimes, DetectInterpreterVersion, &unoffered);
  for (const auto& why : unoffered) PM_LOG_INFO("heart: not offering {}", why);
  for (const auto& [plugin, versions] : offered) {
    PM_LOG_INFO("heart: offering {} {}", plugin, nlohmann::json(versions).dump());
  }
  std::lock_guard<std::mutex> lock(d.mutex);
  d.offered_runtimes = std::move(offered);
  if (d.supervisor.joinable()) return Status::Ok();
  PM_RETURN_IF_ERROR(d.catalog.Load());
  d.pump.Start();
  std::vector<std::string> half_registered;
  for (auto& [id, entry] : d.catalog.entries()) {
    if (entry.state == kAllocated) half_registered.push_back(id);
  }
  for (const auto& id : half_registered) d.catalog.Remove(id);
  std::vector<std::string> ids;
  for (const auto& [id, entry] : d.catalog.entries()) ids.push_back(id);
  for (const auto& id : ids) {
    InstanceEntry* entry = d.catalog.Find(id);
    d.live[id];
    if (entry->state == kRunning || entry->state == kStarting) d.AdoptLocked(id, *entry);
    if (entry->state == kSuspended) {
      Status relaunched = d.LaunchLocked(id, *entry, d.live[id], false);
      if (!relaunched.ok()) {
        PM_LOG_WARN("instance {}: cannot start it again after the suspension: {}", id, relaunched.ToString());
        d.SetStateLocked(id, *entry, kError);
      }
    }
  }
  d.SaveLocked();
  d.stopping = false;
  d.change_pending = true;  // the first report after a start carries the catalog
  d.supervisor = std::thread([&d] { d.SupervisorLoop(); });
  PM_LOG_INFO("heart started with {} instance(s) in its catalog", d.catalog.entries().size());
  return Status::Ok();
}

void Heart::SuspendAll() {
  std::vector<std::string> ids;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    for (const auto& [id, entry] : impl_->catalog.entries()) {
      if (entry.state == kRunning || entry.state == kStarting) ids.push_back(id);
    }
  }
  for (const auto& id : ids) {
    Status stopped = impl_->StopProcess(id, kSuspended, [&id](const std::string& line) {
      PM_LOG_INFO("instance {}: {}", id, line);
    });
    if (!stopped.ok()) PM_LOG_WARN("instance {}: suspending: {}", id, stopped.ToString());
  }
}

void Heart::Stop() {
  Impl& d = *impl_;
  {
    std::lock_guard<std::mutex> lock(d.mutex);
    if (!d.supervisor.joinable()) return;
    d.stopping = true;
    d.changed_cv.notify_all();
  }
  d.exits->Wake();
  d.supervisor.join();
  d.pump.Stop();
  std::lock_guard<std::mutex> lock(d.mutex);
  // Instances keep running; the catalog keeps them RUNNING for re-adoption.
  d.live.clear();
  d.SaveLocked();
}

nlohmann::json Heart::ReportExtra() const {
  const Impl& d = *impl_;
  std::lock_guard<std::mutex> lock(d.mutex);
  nlohmann::json instances = nlohmann::json::array();
  for (const auto& [id, e] : d.catalog.entries()) {
    if (e.state == kAllocated) continue;
    instances.push_back({{"instance_id", id}, {"state", e.state}, {"port", e.port}, {"pid", e.pid},
                         {"restarts", e.restarts}, {"last_exit", e.last_exit}, {"changed", e.changed}});
  }
  for (const auto& id : d.deregistered) {
    instances.push_back({{"instance_id", id}, {"state", kDeregistered}, {"port", 0}, {"pid", 0},
                         {"restarts", 0}, {"last_exit", ""}, {"changed", UnixNow()}});
  }
  d.deregistered.clear();
  // Over the configured list of the node's report (node/node_report.h).
  nlohmann::json extra = {{"instances", instances}};
  if (!d.offered_runtimes.empty()) extra["runtimes"] = d.offered_runtimes;
  return extra;
}

std::optional<InstanceStatus> Heart::Find(const std::string& instance_id) const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  const InstanceEntry* e = impl_->catalog.Find(instance_id);
  if (e == nullptr) return std::nullopt;
  return InstanceStatus{e->state, e->port, e->pid, e->restarts, e->last_exit, e->uid};
}

void Heart::InstallRoutes(http::Server& server, const std::string& node_token) {
  Impl* d = impl_.get();
  server.Route("GET", "/api/v1/node/instances/([0-9a-zA-Z-]+)/log",
               [d, node_token](const http::Request& req, http::Response& res) {
    if (Status token = api::CheckNodeToken(req, node_token); !token.ok()) return api::RespondError(res, token);
    const std::string& id = req.params[0];
    {
      std::lock_guard<std::mutex> lock(d->mutex);
      if (d->catalog.Find(id) == nullptr && !files::Exists(d->LogPath(id))) {
        return api::RespondError(res, NotFound("no instance " + id + " on this heart"));
      }
    }
    d->pump.Flush(id);
    uint64_t offset = std::strtoull(req.Query("offset", "0").c_str(), nullptr, 10);
    uint64_t max = std::strtoull(req.Query("max", "262144").c_str(), nullptr, 10);
    auto chunk = ReadLogFile(d->LogPath(id), offset, std::min<uint64_t>(max, 4 * 1024 * 1024));
    if (!chunk.ok() && chunk.status().code() == StatusCode::kNotFound) chunk = InstanceLogChunk{};
    if (!chunk.ok()) return api::RespondError(res, chunk.status());
    res.content_type = "text/plain; charset=utf-8";
    res.headers["X-Log-Offset"] = std::to_string(chunk->offset);
    res.headers["X-Log-Next-Offset"] = std::to_string(chunk->next_offset);
    res.headers["X-Log-Size"] = std::to_string(chunk->size);
    res.body = std::move(chunk->data);
  }, http::RouteClass::kNode);
}

Result<int> Heart::Register(const model::InstanceSpec& spec, jobs::JobLog& log) {
  Impl& d = *impl_;
  // The struct may be built in code rather than parsed, and its ids name
  // directories and files here.
  if (!IsSafeId(spec.instance_id)) {
    return InvalidArgument("instance.instance_id: only letters, digits and '-' are allowed");
  }
  if (!IsSafeId(spec.version_id)) return InvalidArgument("instance.version_id: only letters, digits and '-' are allowed");
  PM_RETURN_IF_ERROR(CheckRunnable(spec));
  const std::string id = spec.instance_id;
  const std::string dir = d.InstanceDir(id);
  const bool standalone = spec.standalone;
  std::string token;
  {
    std::lock_guard<std::mutex> lock(d.mutex);
    token = d.node_token;
    if (InstanceEntry* existing = d.catalog.Find(id)) {
      if (existing->state == kAllocated) return FailedPrecondition("instance " + id + " is being registered");
      if (files::Exists(dir)) {
        log.Info("Instance " + id + " is already registered (" + existing->state + "); left as it is.");
        return existing->port;
      }
      d.catalog.Remove(id);  // its files are gone: register it afresh
    }
    InstanceEntry entry;
    entry.spec = spec;
    entry.state = kAllocated;
    if (!standalone) {
      PM_ASSIGN_OR_RETURN(entry.port, d.catalog.AllocatePort(d.config.misc_ports_minimum, d.config.misc_ports_maximum,
                                                             [](int p) { return InstancePortIsFree(p); }));
    }
    if (d.as_root) {
      PM_ASSIGN_OR_RETURN(entry.uid, d.catalog.AllocateUid(d.config.heart.instance_uid_minimum,
                                                           d.config.heart.instance_uid_maximum));
    }
    d.catalog.Put(id, std::move(entry));
    d.live[id];
  }
  // Fetch and unpack without the lock: downloads take their time.
  auto abandon = [&](const Status& why) -> Result<int> {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    std::lock_guard<std::mutex> lock(d.mutex);
    d.catalog.Remove(id);
    d.live.erase(id);
    log.Error("Registration failed: " + why.ToString());
    return why;
  };
  PackageCache cache(d.packages_dir, d.config.MasterUrl(), token);
  auto fetch_started = std::chrono::steady_clock::now();
  auto package = cache.Fetch(spec, [&log](const std::string& line) { log.Info(line); });
  if (d.fetch_metric != nullptr) {
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - fetch_started;
    d.fetch_metric->Observe({{"outcome", package.ok() ? "ok" : "failed"}}, took.count());
  }
  if (!package.ok()) return abandon(package.status());
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);  // leftovers of an interrupted attempt
  auto unpacked = archives::Unpack(*package, dir);
  if (!unpacked.ok()) return abandon(unpacked.status().WithContext("unpacking the package"));
  log.Info("Unpacked " + std::to_string(unpacked->entries) + " entries (" + std::to_string(unpacked->bytes) +
           " bytes) into " + dir + ".");
  std::lock_guard<std::mutex> lock(d.mutex);
  InstanceEntry* entry = d.catalog.Find(id);
  if (entry == nullptr) return Aborted("instance " + id + " was removed while registering");
  if (entry->uid >= 0) {
    Status owned = ChownTree(dir, static_cast<uid_t>(entry->uid));
    if (!owned.ok()) {
      d.catalog.Remove(id);
      std::filesystem::remove_all(dir, ec);
      return owned;
    }
  } else if (::chmod(dir.c_str(), 0700) != 0) {
    return ErrnoStatus("chmod " + dir, errno);
  }
  d.SetStateLocked(id, *entry, kRegistered);
  log.Info("Registered instance " + id + (standalone ? " (standalone)" : " on port " + std::to_string(entry->port)) +
           (entry->uid >= 0 ? ", uid " + std::to_string(entry->uid) : "") + ".");
  return entry->port;
}

Status Heart::Deregister(const std::string& instance_id, jobs::JobLog& log) {
  Impl& d = *impl_;
  std::unique_lock<std::mutex> lock(d.mutex);
  InstanceEntry* entry = d.catalog.Find(instance_id);
  if (entry == nullptr) {
    log.Info("Instance " + instance_id + " is not on this heart; nothing to deregister.");
    return Status::Ok();
  }
  if (entry->state == kRunning || entry->state == kStarting || entry->state == kAllocated) {
    return FailedPrecondition("instance " + instance_id + " is " + entry->state + "; stop it first");
  }
  if (entry->pid > 0 && process::PidAlive(entry->pid)) {
    return FailedPrecondition("instance " + instance_id + " still has a running process (pid " +
                              std::to_string(entry->pid) + "); stop it first");
  }
  d.pump.Detach(instance_id);
  d.live.erase(instance_id);
  d.catalog.Remove(instance_id);
  d.deregistered.push_back(instance_id);
  d.SaveLocked();
  d.change_pending = true;
  d.changed_cv.notify_all();
  d.exits->Wake();
  lock.unlock();
  std::error_code ec;
  std::filesystem::remove_all(d.InstanceDir(instance_id), ec);
  for (const std::string& path : {d.FifoPath(instance_id), d.LogPath(instance_id), d.LogPath(instance_id) + ".1"}) {
    ::unlink(path.c_str());
  }
  if (ec) log.Warning("Some files of the instance could not be removed: " + ec.message());
  log.Info("Deregistered instance " + instance_id + "; its files are removed.");
  return Status::Ok();
}

}  // namespace paasmaker::heart
