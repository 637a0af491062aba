// paasmaker doctor's checks against configs and hosts made to fail one way
// each: what it finds, and that every finding comes with a fix.
#include "node/doctor.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sstream>

#include "core/files.h"
#include "temp_dir.h"

namespace paasmaker::node {
namespace {

using testing::FreeTestPort;
using testing::FreeTestPortRange;
using testing::TempDir;

// A node config on ports nothing else uses, data in `dir`, every role.
config::NodeConfig TestConfig(const TempDir& dir) {
  config::NodeConfig c;
  c.my_name = "doctor-test";
  c.source = "(test)";
  c.data_dir = dir / "data";
  c.master_host = "127.0.0.1";  // as the loader sets it
  c.http_port = *FreeTestPort();
  c.redis.table.port = *FreeTestPort();
  c.redis.stats.port = *FreeTestPort();
  c.redis.jobs.port = *FreeTestPort();
  c.router.port_direct = *FreeTestPort();
  c.router.port_80 = *FreeTestPort();
  c.router.port_443 = *FreeTestPort();
  c.misc_ports_minimum = *FreeTestPortRange(10);
  c.misc_ports_maximum = c.misc_ports_minimum + 9;
  c.service_ports_minimum = *FreeTestPortRange(10);
  c.service_ports_maximum = c.service_ports_minimum + 9;
  return c;
}

// The host with every program in place: `dir` holds a fake redis-server,
// nginx modules and the Lua Redis library.
DoctorHost TestHost(const TempDir& dir) {
  DoctorHost host = DoctorHost::Current();
  EXPECT_TRUE(files::MakeDirectories(dir / "bin").ok());
  EXPECT_TRUE(files::WriteFileAtomically(dir / "bin/redis-server", "#!/bin/sh\n", 0755).ok());
  EXPECT_TRUE(files::MakeDirectories(dir / "modules").ok());
  EXPECT_TRUE(files::WriteFileAtomically(dir / "modules/ndk_http_module.so", "").ok());
  EXPECT_TRUE(files::WriteFileAtomically(dir / "modules/ngx_http_lua_module.so", "").ok());
  EXPECT_TRUE(files::WriteFileAtomically(dir / "redis.lua", "").ok());
  host.path = dir / "bin";
  host.nginx_modules_dir = dir / "modules";
  host.lua_redis_file = dir / "redis.lua";
  return host;
}

const DoctorCheck* Find(const std::vector<DoctorCheck>& checks, const std::string& name) {
  for (const auto& c : checks) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::string Dump(const std::vector<DoctorCheck>& checks) {
  config::NodeConfig c;
  return FormatDoctorReport(c, checks);
}

// A TCP listener on 127.0.0.1:port for the test's lifetime.
class Listener {
 public:
  explicit Listener(int port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 && ::listen(fd_, 4) == 0;
  }
  ~Listener() { ::close(fd_); }
  bool ok() const { return ok_; }

 private:
  int fd_;
  bool ok_ = false;
};

TEST(DoctorTest, AHealthyHostPassesEveryProgramPortAndDirectoryCheck) {
  TempDir dir;
  ::chmod(dir.path().c_str(), 0711);  // instance uids pass through, as /var/lib does
  auto checks = CheckNode(TestConfig(dir), TestHost(dir));
  for (const auto& c : checks) {
    if (c.name == "clock" || c.name == "instance uids") continue;  // the machine's, not the test's
    EXPECT_EQ(c.outcome, CheckOutcome::kOk) << Dump(checks);
  }
  for (const char* name : {"redis-server", "nginx lua module", "lua-nginx-redis", "data dir", "port http_port",
                           "port redis.jobs.port", "port router.port_443", "misc ports", "service ports", "clock"}) {
    EXPECT_NE(Find(checks, name), nullptr) << name << "\n" << Dump(checks);
  }
  EXPECT_NE(Find(checks, "data dir")->detail.find("does not exist yet"), std::string::npos);
}

TEST(DoctorTest, AMissingProgramIsAProblemWithThePackageToInstall) {
  TempDir dir;
  DoctorHost host = TestHost(dir);
  host.path = dir / "empty";
  host.nginx_modules_dir = dir / "empty";
  host.lua_redis_file = dir / "empty/redis.lua";
  config::NodeConfig config = TestConfig(dir);
  config.router.nginx_binary = dir / "no-nginx";
  auto checks = CheckNode(config, host);
  const std::map<std::string, std::string> fixes = {{"redis-server", "apt install redis-server"},
                                                    {"nginx", "apt install nginx"},
                                                    {"nginx lua module", "apt install libnginx-mod-http-ndk"},
                                                    {"lua-nginx-redis", "apt install lua-nginx-redis"}};
  for (const auto& [name, fix] : fixes) {
    const DoctorCheck* c = Find(checks, name);
    ASSERT_NE(c, nullptr) << name;
    EXPECT_EQ(c->outcome, CheckOutcome::kProblem) << name;
    EXPECT_NE(c->fix.find(fix), std::string::npos) << c->fix;
  }
  EXPECT_NE(Find(checks, "nginx lua module")->detail.find("ndk_http_module.so is missing"), std::string::npos);
}

TEST(DoctorTest, AnUnmanagedNginxOnlyWarnsAboutModulesAndItsPortsAreNotChecked) {
  TempDir dir;
  DoctorHost host = TestHost(dir);
  host.nginx_modules_dir = dir / "empty";
  config::NodeConfig config = TestConfig(dir);
  config.router.nginx_managed = false;
  Listener taken(config.router.port_80);
  ASSERT_TRUE(taken.ok());
  auto checks = CheckNode(config, host);
  EXPECT_EQ(Find(checks, "nginx lua module")->outcome, CheckOutcome::kWarning);
  EXPECT_EQ(Find(checks, "nginx"), nullptr);
  EXPECT_EQ(Find(checks, "port router.port_80"), nullptr);
}

TEST(DoctorTest, RolesLeftOutAreNotChecked) {
  TempDir dir;
  config::NodeConfig config = TestConfig(dir);
  config.pacemaker.enabled = false;
  config.router.enabled = false;
  config.master_port = *FreeTestPort();  // nothing answers: the offset is a warning
  auto checks = CheckNode(config, TestHost(dir));
  for (const char* absent : {"redis-server", "nginx", "lua-nginx-redis", "port redis.table.port", "service ports",
                             "prepare uid"}) {
    EXPECT_EQ(Find(checks, absent), nullptr) << absent << "\n" << Dump(checks);
  }
  const DoctorCheck* offset = Find(checks, "clock offset");
  ASSERT_NE(offset, nullptr) << Dump(checks);
  EXPECT_EQ(offset->outcome, CheckOutcome::kWarning);
  EXPECT_NE(offset->detail.find("cannot reach the pacemaker at http://127.0.0.1:"), std::string::npos) << offset->detail;
}

TEST(DoctorTest, APortInUseNamesTheAddressTheSettingAndHowToFindTheHolder) {
  TempDir dir;
  config::NodeConfig config = TestConfig(dir);
  Listener taken(config.http_port);
  ASSERT_TRUE(taken.ok());
  auto checks = CheckNode(config, TestHost(dir));
  const DoctorCheck* c = Find(checks, "port http_port");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->outcome, CheckOutcome::kProblem);
  EXPECT_EQ(c->detail, "127.0.0.1:" + std::to_string(config.http_port) + " is in use");
  EXPECT_NE(c->fix.find("ss -tanp 'sport = :" + std::to_string(config.http_port) + "'"), std::string::npos) << c->fix;
  EXPECT_NE(c->fix.find("set http_port to a free port"), std::string::npos) << c->fix;
  EXPECT_EQ(Find(checks, "port redis.table.port")->outcome, CheckOutcome::kOk);
}

TEST(DoctorTest, PortsInTheEphemeralRangeAreAWarningWithTheSysctlThatReservesThem) {
  TempDir dir;
  config::NodeConfig config = TestConfig(dir);
  DoctorHost host = TestHost(dir);
  host.ipv4_sysctl_dir = dir.path();
  int lowest = std::min({config.http_port, config.redis.table.port, config.redis.stats.port, config.redis.jobs.port,
                         config.router.port_direct, config.router.port_80, config.router.port_443,
                         config.misc_ports_minimum, config.service_ports_minimum});
  int highest = std::max({config.http_port, config.redis.table.port, config.redis.stats.port, config.redis.jobs.port,
                          config.router.port_direct, config.router.port_80, config.router.port_443,
                          config.misc_ports_maximum, config.service_ports_maximum});
  ASSERT_TRUE(files::WriteFileAtomically(dir / "ip_local_port_range",
                                         std::to_string(lowest - 5) + "\t" + std::to_string(highest + 5) + "\n").ok());
  ASSERT_TRUE(files::WriteFileAtomically(dir / "ip_local_reserved_ports", "\n").ok());
  auto checks = CheckNode(config, host);
  const DoctorCheck* c = Find(checks, "ephemeral ports");
  ASSERT_NE(c, nullptr) << Dump(checks);
  EXPECT_EQ(c->outcome, CheckOutcome::kWarning);
  EXPECT_NE(c->detail.find("27 of the node's ports (" + std::to_string(lowest) + "-" + std::to_string(highest) + ")"),
            std::string::npos) << c->detail;
  const std::string reserve = std::to_string(lowest) + "-" + std::to_string(highest);
  EXPECT_NE(c->fix.find("sysctl -w net.ipv4.ip_local_reserved_ports=" + reserve), std::string::npos) << c->fix;

  // Reserved as the fix says: nothing left to warn about.
  ASSERT_TRUE(files::WriteFileAtomically(dir / "ip_local_reserved_ports", "1000," + reserve + "\n").ok());
  checks = CheckNode(config, host);
  EXPECT_EQ(Find(checks, "ephemeral ports")->outcome, CheckOutcome::kOk) << Dump(checks);
}

TEST(DoctorTest, TwoSettingsOnOnePortAreAProblem) {
  TempDir dir;
  config::NodeConfig config = TestConfig(dir);
  config.router.port_direct = config.http_port;
  auto checks = CheckNode(config, TestHost(dir));
  const DoctorCheck* c = Find(checks, "port router.port_direct");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->outcome, CheckOutcome::kProblem);
  EXPECT_EQ(c->detail, "http_port and router.port_direct are both " + std::to_string(config.http_port));
}

TEST(DoctorTest, AFullPortRangeIsAProblem) {
  TempDir dir;
  config::NodeConfig config = TestConfig(dir);
  config.misc_ports_maximum = config.misc_ports_minimum + 1;
  Listener first(config.misc_ports_minimum), second(config.misc_ports_maximum);
  ASSERT_TRUE(first.ok() && second.ok());
  const DoctorCheck* c = nullptr;
  auto checks = CheckNode(config, TestHost(dir));
  c = Find(checks, "misc ports");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->outcome, CheckOutcome::kProblem);
  EXPECT_NE(c->detail.find("0 of 2 ports free"), std::string::npos) << c->detail;
}

TEST(DoctorTest, ADataDirInUseByARunningNodeNamesItsPid) {
  TempDir dir;
  config::NodeConfig config = TestConfig(dir);
  ASSERT_TRUE(files::MakeDirectories(config.data_dir, 0700).ok());
  auto lock = files::LockFile::Acquire(config.data_dir + "/paasmaker.lock");
  ASSERT_TRUE(lock.ok());
  auto checks = CheckNode(config, TestHost(dir));
  const DoctorCheck* c = Find(checks, "data dir");
  EXPECT_EQ(c->outcome, CheckOutcome::kProblem);
  EXPECT_NE(c->detail.find("a paasmaker node (pid " + std::to_string(::getpid()) + ") is running"), std::string::npos)
      << c->detail;
  EXPECT_NE(c->fix.find("kill -TERM " + std::to_string(::getpid())), std::string::npos) << c->fix;
}

TEST(DoctorTest, ADataDirThatIsAFileIsAProblem) {
  TempDir dir;
  config::NodeConfig config = TestConfig(dir);
  ASSERT_TRUE(files::WriteFileAtomically(config.data_dir, "not a dir").ok());
  auto checks = CheckNode(config, TestHost(dir));
  EXPECT_EQ(Find(checks, "data dir")->outcome, CheckOutcome::kProblem);
  EXPECT_EQ(Find(checks, "data dir")->detail, config.data_dir + " is not a directory");
}

// Runs the data dir check as uid 65534 (nobody) when the test runs as root,
// so that root's right to write anywhere does not hide the problem.
DoctorCheck DataDirCheckAsNobody(const config::NodeConfig& config, const DoctorHost& host) {
  if (::geteuid() != 0) return *Find(CheckNode(config, host), "data dir");
  int pipe_fds[2];
  EXPECT_EQ(::pipe(pipe_fds), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(pipe_fds[0]);
    if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(3);
    DoctorHost as_nobody = host;
    as_nobody.root = false;
    auto checks = CheckNode(config, as_nobody);
    const DoctorCheck* c = Find(checks, "data dir");
    std::string text = std::to_string(static_cast<int>(c->outcome)) + "\n" + c->detail + "\n" + c->fix;
    ssize_t unused = ::write(pipe_fds[1], text.data(), text.size());
    (void)unused;
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof(buffer))) > 0;) text.append(buffer, static_cast<size_t>(n));
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  DoctorCheck c;
  std::istringstream lines(text);
  std::string outcome;
  std::getline(lines, outcome);
  std::getline(lines, c.detail);
  std::getline(lines, c.fix);
  c.outcome = static_cast<CheckOutcome>(std::atoi(outcome.c_str()));
  return c;
}

TEST(DoctorTest, AnUnwritableDataDirParentIsAProblemNamingIt) {
  TempDir dir;
  ::chmod(dir.path().c_str(), 0755);  // nobody may enter, not write
  ASSERT_TRUE(files::MakeDirectories(dir / "locked", 0755).ok());
  // Unprivileged, the test's own user loses its right to write there.
  if (::geteuid() != 0) ::chmod((dir / "locked").c_str(), 0555);
  config::NodeConfig config = TestConfig(dir);
  config.data_dir = dir / "locked/data";
  DoctorCheck c = DataDirCheckAsNobody(config, TestHost(dir));
  EXPECT_EQ(c.outcome, CheckOutcome::kProblem) << c.detail;
  EXPECT_NE(c.detail.find("cannot create " + config.data_dir + ": " + dir / "locked"), std::string::npos) << c.detail;
  EXPECT_NE(c.detail.find("is not writable by uid"), std::string::npos) << c.detail;
  EXPECT_NE(c.fix.find("mkdir -p " + config.data_dir), std::string::npos) << c.fix;
}

TEST(DoctorTest, AsRootADataDirInstanceUidsCannotReachIsAProblemNamingTheDirectory) {
  TempDir dir;  // mkdtemp: 0700, as /root is
  config::NodeConfig config = TestConfig(dir);
  DoctorHost host = TestHost(dir);
  auto checks = CheckNode(config, host);
  if (::geteuid() != 0) {
    // Not root: instances run as this user; doctor says what that means.
    const DoctorCheck* c = Find(checks, "instance uids");
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->outcome, CheckOutcome::kWarning);
    EXPECT_NE(c->detail.find("not root"), std::string::npos);
    return;
  }
  const DoctorCheck* c = Find(checks, "instance dirs");
  ASSERT_NE(c, nullptr) << Dump(checks);
  EXPECT_EQ(c->outcome, CheckOutcome::kProblem);
  EXPECT_NE(c->detail.find("uid 61000 cannot enter " + dir.path() + " (mode 0700, owner uid 0)"), std::string::npos)
      << c->detail;
  EXPECT_NE(c->fix.find("chmod o+x " + dir.path()), std::string::npos) << c->fix;

  ::chmod(dir.path().c_str(), 0711);
  checks = CheckNode(config, host);
  EXPECT_EQ(Find(checks, "instance dirs")->outcome, CheckOutcome::kOk) << Dump(checks);
  // A private data dir is fine: the node makes it passable when it starts.
  ASSERT_TRUE(files::MakeDirectories(config.data_dir, 0700).ok());
  ::chmod(config.data_dir.c_str(), 0700);
  checks = CheckNode(config, host);
  EXPECT_EQ(Find(checks, "instance dirs")->outcome, CheckOutcome::kOk) << Dump(checks);
}

TEST(DoctorTest, UidsThatBelongToAnAccountOrOverlapAreProblems) {
  TempDir dir;
  config::NodeConfig config = TestConfig(dir);
  DoctorHost host = TestHost(dir);
  host.root = true;  // the uid rules, whoever runs the test
  config.heart.instance_uid_minimum = 65534;  // nobody
  config.heart.instance_uid_maximum = 65534;
  auto checks = CheckNode(config, host);
  const DoctorCheck* instance = Find(checks, "instance uids");
  ASSERT_NE(instance, nullptr);
  EXPECT_EQ(instance->outcome, CheckOutcome::kProblem);
  EXPECT_NE(instance->detail.find("uid 65534 in 65534-65534 is the account 'nobody'"), std::string::npos)
      << instance->detail;

  config.heart.instance_uid_minimum = 61000;
  config.heart.instance_uid_maximum = 61999;
  config.pacemaker.prepare_uid = 61500;
  checks = CheckNode(config, host);
  EXPECT_EQ(Find(checks, "instance uids")->outcome, CheckOutcome::kOk) << Dump(checks);
  const DoctorCheck* prepare = Find(checks, "prepare uid");
  ASSERT_NE(prepare, nullptr);
  EXPECT_EQ(prepare->outcome, CheckOutcome::kProblem);
  EXPECT_NE(prepare->detail.find("lies in the instance uid range"), std::string::npos) << prepare->detail;

  config.pacemaker.prepare_uid = 65534;
  EXPECT_NE(Find(CheckNode(config, host), "prepare uid")->detail.find("is the account 'nobody'"), std::string::npos);
}

TEST(DoctorTest, TheReportPutsEachFixUnderItsFindingAndCounts) {
  std::vector<DoctorCheck> checks = {
      {"redis-server", CheckOutcome::kOk, "/usr/bin/redis-server", ""},
      {"port http_port", CheckOutcome::kProblem, "127.0.0.1:42500 is in use", "set http_port to a free port"},
      {"clock", CheckOutcome::kWarning, "not synchronised", "apt install chrony"},
  };
  config::NodeConfig config;
  config.my_name = "n1";
  config.source = "/etc/paasmaker.yml";
  std::string report = FormatDoctorReport(config, checks);
  EXPECT_EQ(report,
            "Node 'n1' (roles: pacemaker, heart, router; config: /etc/paasmaker.yml)\n"
            "  ok       redis-server    /usr/bin/redis-server\n"
            "  problem  port http_port  127.0.0.1:42500 is in use\n"
            "                           fix: set http_port to a free port\n"
            "  warning  clock           not synchronised\n"
            "                           fix: apt install chrony\n"
            "1 problem, 1 warning in 3 checks. `paasmaker server` with this config would fail.\n");
  checks.erase(checks.begin() + 1, checks.end());
  EXPECT_EQ(FormatDoctorReport(config, checks),
            "Node 'n1' (roles: pacemaker, heart, router; config: /etc/paasmaker.yml)\n"
            "  ok       redis-server  /usr/bin/redis-server\n"
            "All 1 check passed.\n");
}

TEST(DoctorTest, AConfigThatDoesNotLoadExitsTwoNamingIt) {
  TempDir dir;
  ASSERT_TRUE(files::WriteFileAtomically(dir / "bad.yml", "http_prot: 1\n").ok());
  std::ostringstream out, err;
  EXPECT_EQ(RunDoctor(dir / "bad.yml", false, out, err), 2);
  EXPECT_NE(err.str().find("unknown key \"http_prot\""), std::string::npos) << err.str();
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace paasmaker::node
