#include "netns.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdio>
#include <sstream>

#include "core/process.h"

namespace paasmaker::testing {

namespace {

// iproute2 lives in /usr/sbin or /sbin, which a non-login PATH may lack.
const std::string& IpBinary() {
  static const std::string path = [] {
    for (const char* candidate : {"/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"}) {
      if (::access(candidate, X_OK) == 0) return std::string(candidate);
    }
    return std::string("ip");
  }();
  return path;
}

// Runs `ip ARGS...`; the output on success, else a status naming the command and what it printed.
Result<std::string> Ip(const std::vector<std::string>& args) {
  process::LaunchOptions options;
  options.argv = {IpBinary()};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  auto run = process::Run(options, std::chrono::seconds(20));
  std::string command = "ip";
  for (const auto& a : args) command += " " + a;
  if (!run.ok()) return Status(run.status().code(), command + ": " + run.status().message());
  if (!run->exit.exited || run->exit.exit_code != 0) {
    return Internal(command + ": " + run->exit.Describe() + ": " + run->output);
  }
  return run->output;
}

std::string Format(const char* pattern, int a, int b, int c = 0) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), pattern, a, b, c);
  return buffer;
}

// Names. Link names must fit IFNAMSIZ (15 characters), so they are compact:
// prefix, 3 digits of subnet, 7 digits of pid (Linux pids stay below 2^22),
// then the host digit. Namespaces have no such limit and stay readable.
std::string BridgeName(int subnet, int pid) { return Format("pmb%03d%07d", subnet, pid); }
std::string VethName(int subnet, int pid, int host) { return Format("pmv%03d%07d%d", subnet, pid, host); }
std::string PeerName(int subnet, int pid, int host) { return Format("pmp%03d%07d%d", subnet, pid, host); }
std::string NamespaceName(int subnet, int pid, int host) { return Format("pm-%03d-%07d-h%d", subnet, pid, host); }
std::string ProbeNamespaceName(int pid) { return Format("pm-000-%07d-probe", pid, 0); }

bool AllDigits(const std::string& s, size_t from, size_t count) {
  if (s.size() < from + count) return false;
  for (size_t i = from; i < from + count; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

// The subnet and owner pid a name of ours carries; false for anyone else's names.
bool OwnerOfLink(const std::string& name, int* subnet, int* pid) {
  if (name.size() < 13 || (name.rfind("pmb", 0) != 0 && name.rfind("pmv", 0) != 0 && name.rfind("pmp", 0) != 0)) {
    return false;
  }
  if (!AllDigits(name, 3, 10)) return false;
  *subnet = std::stoi(name.substr(3, 3));
  *pid = std::stoi(name.substr(6, 7));
  return true;
}

bool OwnerOfNamespace(const std::string& name, int* subnet, int* pid) {
  // pm-SSS-PPPPPPP-...
  if (name.size() < 15 || name.rfind("pm-", 0) != 0 || name[6] != '-' || name[14] != '-') return false;
  if (!AllDigits(name, 3, 3) || !AllDigits(name, 7, 7)) return false;
  *subnet = std::stoi(name.substr(3, 3));
  *pid = std::stoi(name.substr(7, 7));
  return true;
}

// Left over by an earlier run: its owner is gone, or it carries the subnet we
// hold the lock of (so no live owner can be using it).
bool Leftover(int subnet, int pid, int locked_subnet) {
  return subnet == locked_subnet || (pid != ::getpid() && !process::PidAlive(pid));
}

std::vector<pid_t> NamespacePids(const std::string& ns) {
  std::vector<pid_t> pids;
  auto out = Ip({"netns", "pids", ns});
  if (!out.ok()) return pids;
  std::istringstream in(*out);
  for (pid_t pid; in >> pid;) pids.push_back(pid);
  return pids;
}

// Kills what runs inside, then deletes the namespace (its devices go with it).
void RemoveNamespace(const std::string& ns) {
  for (pid_t pid : NamespacePids(ns)) ::kill(pid, SIGKILL);
  Ip({"netns", "delete", ns}).status().IgnoreError();
}

void RemoveLeftovers(int locked_subnet) {
  if (auto list = Ip({"netns", "list"}); list.ok()) {
    std::istringstream in(*list);
    for (std::string line; std::getline(in, line);) {
      std::string name = line.substr(0, line.find(' '));  // "NAME (id: 3)"
      int subnet = 0, pid = 0;
      if (OwnerOfNamespace(name, &subnet, &pid) && Leftover(subnet, pid, locked_subnet)) RemoveNamespace(name);
    }
  }
  if (auto links = Ip({"-o", "link", "show"}); links.ok()) {
    std::istringstream in(*links);
    for (std::string line; std::getline(in, line);) {
      // "12: pmv0010012345@if3: <BROADCAST,...> ..."
      size_t begin = line.find(": ");
      if (begin == std::string::npos) continue;
      std::string name = line.substr(begin + 2, line.find_first_of("@:", begin + 2) - (begin + 2));
      int subnet = 0, pid = 0;
      if (OwnerOfLink(name, &subnet, &pid) && Leftover(subnet, pid, locked_subnet)) {
        Ip({"link", "delete", name}).status().IgnoreError();
      }
    }
  }
}

// The first subnet 1..250 whose lock file we can flock; the fd keeps it.
Result<int> LockSubnet(int* fd_out) {
  for (int subnet = 1; subnet <= 250; ++subnet) {
    std::string path = "/run/paasmaker-testnet-" + std::to_string(subnet) + ".lock";
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return ErrnoStatus("open " + path, errno);
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) {
      *fd_out = fd;
      return subnet;
    }
    ::close(fd);
  }
  return Unavailable("every test subnet 198.18.1-250.0/24 is locked by a running test");
}

}  // namespace

bool TestNetwork::Available(std::string* why) {
  if (::geteuid() != 0) {
    *why = "network namespaces need root (euid is " + std::to_string(::geteuid()) + ")";
    return false;
  }
  std::string probe = ProbeNamespaceName(::getpid());
  auto added = Ip({"netns", "add", probe});
  if (!added.ok()) {
    *why = "`ip netns` is unusable here: " + added.status().message();
    return false;
  }
  Ip({"netns", "delete", probe}).status().IgnoreError();
  return true;
}

Result<std::unique_ptr<TestNetwork>> TestNetwork::Create(int hosts) {
  if (hosts < 1 || hosts > kMaxHosts) return InvalidArgument("a test network has 1 to 10 hosts");
  std::unique_ptr<TestNetwork> network(new TestNetwork());
  PM_ASSIGN_OR_RETURN(network->subnet_, LockSubnet(&network->lock_fd_));
  RemoveLeftovers(network->subnet_);
  Status built = network->Build(hosts);
  if (!built.ok()) return built;  // the destructor removes what was made
  return network;
}

Status TestNetwork::Build(int hosts) {
  const int pid = ::getpid();
  const std::string prefix = "198.18." + std::to_string(subnet_) + ".";
  bridge_ = BridgeName(subnet_, pid);
  PM_RETURN_IF_ERROR(Ip({"link", "add", bridge_, "type", "bridge"}).status());
  // No IPv6 link-local addresses on our devices in the root namespace:
  // nothing but the 198.18 address is ever configured there.
  Ip({"link", "set", bridge_, "addrgenmode", "none"}).status().IgnoreError();
  PM_RETURN_IF_ERROR(Ip({"addr", "add", BridgeAddress() + "/24", "dev", bridge_}).status());
  PM_RETURN_IF_ERROR(Ip({"link", "set", bridge_, "up"}).status());
  for (int i = 0; i < hosts; ++i) {
    Host host{NamespaceName(subnet_, pid, i), VethName(subnet_, pid, i), prefix + std::to_string(10 + i)};
    std::string peer = PeerName(subnet_, pid, i);
    PM_RETURN_IF_ERROR(Ip({"netns", "add", host.ns}).status());
    hosts_.push_back(host);
    PM_RETURN_IF_ERROR(Ip({"link", "add", host.veth, "type", "veth", "peer", "name", peer}).status());
    Ip({"link", "set", host.veth, "addrgenmode", "none"}).status().IgnoreError();
    PM_RETURN_IF_ERROR(Ip({"link", "set", peer, "netns", host.ns}).status());
    PM_RETURN_IF_ERROR(Ip({"-n", host.ns, "link", "set", peer, "name", "eth0"}).status());
    PM_RETURN_IF_ERROR(Ip({"-n", host.ns, "addr", "add", host.address + "/24", "dev", "eth0"}).status());
    PM_RETURN_IF_ERROR(Ip({"-n", host.ns, "link", "set", "eth0", "up"}).status());
    PM_RETURN_IF_ERROR(Ip({"-n", host.ns, "link", "set", "lo", "up"}).status());
    PM_RETURN_IF_ERROR(Ip({"link", "set", host.veth, "master", bridge_}).status());
    PM_RETURN_IF_ERROR(Ip({"link", "set", host.veth, "up"}).status());
  }
  return Status::Ok();
}

TestNetwork::~TestNetwork() { TearDown(); }

void TestNetwork::TearDown() {
  for (const auto& host : hosts_) {
    // Deleting the veth takes both ends at once; a namespace's own devices
    // only go when the kernel gets round to destroying it.
    Ip({"link", "delete", host.veth}).status().IgnoreError();
    RemoveNamespace(host.ns);
  }
  hosts_.clear();
  if (!bridge_.empty()) Ip({"link", "delete", bridge_}).status().IgnoreError();
  bridge_.clear();
  if (lock_fd_ >= 0) ::close(lock_fd_);
  lock_fd_ = -1;
}

std::string TestNetwork::BridgeAddress() const { return "198.18." + std::to_string(subnet_) + ".1"; }

std::vector<std::string> TestNetwork::ExecPrefix(int host) const {
  return {IpBinary(), "netns", "exec", Namespace(host)};
}

Status TestNetwork::CutLink(int host) {
  return Ip({"link", "set", hosts_.at(static_cast<size_t>(host)).veth, "down"}).status();
}

Status TestNetwork::RestoreLink(int host) {
  return Ip({"link", "set", hosts_.at(static_cast<size_t>(host)).veth, "up"}).status();
}

std::vector<pid_t> TestNetwork::Pids(int host) const { return NamespacePids(Namespace(host)); }

}  // namespace paasmaker::testing
