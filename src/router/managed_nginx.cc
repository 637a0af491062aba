#include "router/managed_nginx.h"

#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "core/files.h"
#include "core/http.h"
#include "core/log.h"
#include "core/net.h"
#include "router/embedded_lua.h"

namespace paasmaker::router {

namespace {

std::string ReadProcFile(pid_t pid, const char* name) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/" + name, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (auto& c : text) {
    if (c == '\0') c = ' ';
  }
  return text;
}

struct ProcInfo {
  pid_t pid = 0;
  pid_t ppid = 0;
  pid_t pgrp = 0;
  std::string cmdline;
};

std::vector<ProcInfo> ProcessesInGroup(pid_t pgrp) {
  std::vector<ProcInfo> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    ProcInfo info;
    info.pid = static_cast<pid_t>(std::stol(name));
    // /proc/<pid>/stat: "pid (comm) state ppid pgrp ..."; comm may hold spaces.
    std::string stat = ReadProcFile(info.pid, "stat");
    auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    char state = 0;
    long ppid = 0, group = 0;
    if (std::sscanf(stat.c_str() + close + 1, " %c %ld %ld", &state, &ppid, &group) != 3) continue;
    if (group != pgrp || state == 'Z') continue;
    info.ppid = static_cast<pid_t>(ppid);
    info.pgrp = static_cast<pid_t>(group);
    info.cmdline = ReadProcFile(info.pid, "cmdline");
    out.push_back(std::move(info));
  }
  return out;
}

// The nginx processes a run whose master was `master` left behind: the
// master itself if it still runs with our prefix, and workers orphaned when
// it died (nginx workers outlive a killed master and keep the ports bound).
std::vector<pid_t> Leftovers(pid_t master, const std::string& prefix) {
  std::vector<pid_t> out;
  if (master <= 0) return out;
  for (const auto& p : ProcessesInGroup(master)) {
    if (p.cmdline.rfind("nginx", 0) != 0) continue;
    bool our_master = p.pid == master && p.cmdline.find(prefix) != std::string::npos;
    bool orphan = p.pid != master && p.ppid != master;
    if (our_master || orphan) out.push_back(p.pid);
  }
  return out;
}

bool WaitGone(const std::vector<pid_t>& pids, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    bool any = false;
    for (pid_t pid : pids) any = any || process::PidAlive(pid);
    if (!any) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// Ends what Leftovers() finds: the master gets SIGTERM first so it takes its
// workers down cleanly; orphans have nobody to tell them, so SIGKILL.
void KillLeftovers(pid_t master, const std::string& prefix) {
  auto pids = Leftovers(master, prefix);
  if (pids.empty()) return;
  PM_LOG_WARN("router nginx: stopping {} process(es) left by an earlier nginx (master pid {})", pids.size(),
              master);
  if (process::PidAlive(master) && std::find(pids.begin(), pids.end(), master) != pids.end()) {
    ::kill(master, SIGTERM);
    if (WaitGone({master}, std::chrono::seconds(5))) pids = Leftovers(master, prefix);
  }
  for (pid_t pid : pids) ::kill(pid, SIGKILL);
  WaitGone(pids, std::chrono::seconds(2));
}

std::string Tail(const std::string& path, size_t lines) {
  auto text = files::ReadFile(path);
  if (!text.ok()) return "";
  std::string s = *text;
  while (!s.empty() && s.back() == '\n') s.pop_back();
  size_t pos = s.size();
  for (size_t i = 0; i < lines && pos != std::string::npos && pos > 0; ++i) pos = s.rfind('\n', pos - 1);
  return pos == std::string::npos ? s : s.substr(pos + 1);
}

}  // namespace

Result<NginxModules> FindNginxModules(const std::string& dir) {
  NginxModules modules{dir + "/ndk_http_module.so", dir + "/ngx_http_lua_module.so"};
  if (!files::Exists(modules.ndk)) {
    return FailedPrecondition("nginx module " + modules.ndk + " is missing: install libnginx-mod-http-ndk");
  }
  if (!files::Exists(modules.lua)) {
    return FailedPrecondition("nginx module " + modules.lua +
                              " is missing: install libnginx-mod-http-lua and lua-nginx-redis");
  }
  return modules;
}

Status WriteNginxFiles(const NginxSettings& settings) {
  PM_ASSIGN_OR_RETURN(std::string conf, RenderNginxConfig(settings));
  // 0755/0644: workers may run as `nobody` (they need nothing here today,
  // since the master loads the Lua, but must not fail if that changes).
  PM_RETURN_IF_ERROR(files::MakeDirectories(settings.prefix, 0755));
  PM_RETURN_IF_ERROR(files::MakeDirectories(settings.TempDir(), 0755));
  const std::string lua_dir = settings.LuaDir() + "/paasmaker";
  PM_RETURN_IF_ERROR(files::MakeDirectories(lua_dir, 0755));
  for (const auto& file : EmbeddedLuaFiles()) {
    PM_RETURN_IF_ERROR(files::WriteFileAtomically(lua_dir + "/" + std::string(file.name),
                                                  std::string(file.content), 0644));
  }
  return files::WriteFileAtomically(settings.ConfigFile(), conf, 0600);
}

ManagedNginx::ManagedNginx(NginxSettings settings, std::string binary)
    : settings_(std::move(settings)), binary_(std::move(binary)) {}

ManagedNginx::~ManagedNginx() { Stop(); }

pid_t ManagedNginx::pid() const { return daemon_ ? daemon_->pid() : 0; }

int ManagedNginx::restarts() const { return daemon_ ? daemon_->restarts() : 0; }

bool ManagedNginx::Answers(pid_t expected_master) const {
  const std::string address = settings_.ProbeAddress();
  if (!net::PortAcceptsConnections(address, settings_.port_direct)) return false;
  http::Client client("http://" + address + ":" + std::to_string(settings_.port_direct), std::chrono::seconds(1));
  auto response = client.Get("/", {{"Host", kHealthHost}});
  if (!response.ok() || response->status != 200) return false;
  // "paasmaker router ok; master pid N": a different N is another nginx
  // (an orphan of an earlier run) holding our port.
  const std::string marker = "master pid ";
  auto at = response->body.find(marker);
  if (at == std::string::npos) return false;
  if (expected_master == 0) return true;
  return std::atol(response->body.c_str() + at + marker.size()) == expected_master;
}

bool ManagedNginx::Ready() {
  pid_t current = daemon_->pid();
  pid_t previous = last_master_.exchange(current);
  // A restart after nginx died: its orphaned workers would keep the ports.
  if (previous != 0 && previous != current) KillLeftovers(previous, settings_.prefix);
  return Answers(current);
}

bool ManagedNginx::Adopt(pid_t master) {
  // Whatever happens, a later start knows whose orphans to clear.
  last_master_ = master;
  if (ReadProcFile(master, "cmdline").find(settings_.prefix) == std::string::npos) return false;
  if (::kill(master, SIGHUP) != 0) return false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    if (Answers(master)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  PM_LOG_WARN("router nginx: the nginx left running (pid {}) does not answer: replacing it", master);
  return false;
}

Status ManagedNginx::Start() {
  if (daemon_) return FailedPrecondition("router nginx is already started");
  if (!files::Exists(binary_)) {
    return FailedPrecondition("nginx binary " + binary_ + " not found (router.nginx.binary; install nginx)");
  }
  PM_RETURN_IF_ERROR(WriteNginxFiles(settings_));

  // An earlier life of this node may have left nginx running (node crashed:
  // adopted below) or orphaned workers (nginx master killed: cleared).
  pid_t earlier = 0;
  if (auto text = files::ReadFile(settings_.PidFile()); text.ok()) earlier = static_cast<pid_t>(std::atol(text->c_str()));
  bool adoptable = earlier > 0 && process::PidAlive(earlier) && ReadProcFile(earlier, "cmdline").find(settings_.prefix) != std::string::npos;
  if (!adoptable) KillLeftovers(earlier, settings_.prefix);
  const std::pair<const char*, int> ports[] = {{"router.nginx.port_direct", settings_.port_direct},
                                               {"router.nginx.port_80", settings_.port_80},
                                               {"router.nginx.port_443", settings_.port_443}};
  for (const auto& [key, port] : ports) {
    if (!adoptable && !net::PortIsFree(settings_.BindAddress(), port)) {
      return FailedPrecondition(std::string(key) + " " + std::to_string(port) +
                                " is already in use by another program (ports in Linux's ephemeral range can be "
                                "kept free with net.ipv4.ip_local_reserved_ports)");
    }
  }

  ManagedDaemon::Options options;
  options.name = "router nginx";
  options.launch.argv = {binary_, "-p", settings_.prefix + "/", "-c", settings_.ConfigFile(),
                         "-e", settings_.ErrorLog(), "-g", "daemon off;"};
  options.launch.working_dir = settings_.prefix;
  options.launch.output_file = settings_.ErrorLog();
  options.pid_file = settings_.PidFile();
  options.ready = [this] { return Ready(); };
  options.adopt = [this](pid_t master) { return Adopt(master); };
  options.ready_timeout = std::chrono::seconds(15);
  daemon_ = std::make_unique<ManagedDaemon>(std::move(options));
  Status started = daemon_->Start();
  if (!started.ok()) {
    Stop();
    std::string tail = Tail(settings_.ErrorLog(), 5);
    return tail.empty() ? started : Status(started.code(), started.message() + "; last log lines:\n" + tail);
  }
  return Status::Ok();
}

void ManagedNginx::Stop() {
  if (!daemon_) return;
  daemon_->Stop(true);
  daemon_.reset();
  // Normally SIGTERM to the group already ended every worker with the
  // master; this only matters if the master had died beforehand.
  KillLeftovers(last_master_.exchange(0), settings_.prefix);
}

}  // namespace paasmaker::router
