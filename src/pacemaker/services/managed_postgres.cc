#include "pacemaker/services/managed_postgres.h"

#include <glob.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <vector>

#include "core/files.h"
#include "core/ids.h"
#include "core/log.h"
#include "core/process.h"

namespace paasmaker::pacemaker::services {

namespace {

constexpr const char* kSuperuser = "paasmaker_admin";

struct ServerUser {
  std::optional<uid_t> uid;
  std::optional<gid_t> gid;
};

// PostgreSQL refuses to run as root: then it runs as Debian's `postgres`.
Result<ServerUser> ChooseServerUser() {
  if (::geteuid() != 0) return ServerUser{};
  struct passwd* entry = ::getpwnam("postgres");
  if (entry == nullptr) {
    return FailedPrecondition(
        "managed PostgreSQL: running as root, and there is no `postgres` system user to run the server as "
        "(install the postgresql package)");
  }
  return ServerUser{entry->pw_uid, entry->pw_gid};
}

std::vector<int> VersionOf(const std::string& bin_dir) {
  // /usr/lib/postgresql/15/bin -> {15}
  std::string version = std::filesystem::path(bin_dir).parent_path().filename().string();
  std::vector<int> parts;
  std::stringstream stream(version);
  std::string part;
  while (std::getline(stream, part, '.')) parts.push_back(std::atoi(part.c_str()));
  return parts;
}

// The newest installed server.
Result<std::string> FindBinDir() {
  glob_t matches{};
  std::vector<std::string> candidates;
  if (::glob("/usr/lib/postgresql/*/bin", GLOB_ONLYDIR, nullptr, &matches) == 0) {
    for (size_t i = 0; i < matches.gl_pathc; ++i) candidates.push_back(matches.gl_pathv[i]);
  }
  ::globfree(&matches);
  std::string best;
  for (const std::string& dir : candidates) {
    if (!files::Exists(dir + "/initdb") || !files::Exists(dir + "/postgres")) continue;
    if (best.empty() || VersionOf(dir) > VersionOf(best)) best = dir;
  }
  if (best.empty()) {
    return FailedPrecondition(
        "managed PostgreSQL: no server (initdb, postgres) under /usr/lib/postgresql/*/bin; install the postgresql "
        "package");
  }
  return best;
}

Status Chown(const std::string& path, const ServerUser& user) {
  if (!user.uid) return Status::Ok();
  if (::chown(path.c_str(), *user.uid, *user.gid) != 0) {
    return IoError("chown " + path + " to postgres: " + std::strerror(errno));
  }
  return Status::Ok();
}

// The server user must pass through the directories above its own (never
// list them): the data dir of a pacemaker without a heart is 0700.
void LetPass(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) ::chmod(path.c_str(), (st.st_mode & 07777) | S_IXOTH);
}

std::string UrlHost(const std::string& address) {
  return address.find(':') != std::string::npos ? "[" + address + "]" : address;
}

}  // namespace

ManagedPostgres::ManagedPostgres(std::string dir, std::string listen_address)
    : dir_(std::move(dir)), listen_address_(std::move(listen_address)) {}

ManagedPostgres::~ManagedPostgres() { Stop(); }

std::optional<int> ManagedPostgres::PersistedPort() const {
  auto text = files::ReadFile(dir_ + "/port");
  if (!text.ok()) return std::nullopt;
  int port = std::atoi(text->c_str());
  if (port <= 0 || port > 65535) return std::nullopt;
  return port;
}

Status ManagedPostgres::Initialise(const std::string& bin_dir) {
  PM_ASSIGN_OR_RETURN(ServerUser user, ChooseServerUser());
  const std::string cluster = dir_ + "/cluster";
  const std::string password_path = dir_ + "/admin-password";
  if (files::Exists(cluster + "/PG_VERSION")) {
    if (!files::Exists(password_path)) {
      return FailedPrecondition("managed PostgreSQL: " + cluster + " exists but " + password_path +
                                " is gone; without it the cluster cannot be administered");
    }
    return Status::Ok();
  }
  // A half-made cluster from an interrupted initdb is started over.
  std::error_code ec;
  std::filesystem::remove_all(cluster, ec);
  PM_RETURN_IF_ERROR(files::MakeDirectories(cluster, 0700));
  PM_RETURN_IF_ERROR(Chown(cluster, user));
  std::string password = ids::RandomToken(24);
  PM_RETURN_IF_ERROR(files::WriteFileAtomically(password_path, password + "\n", 0600));
  // initdb reads the password from a file its user can read (never the
  // command line); gone once it has run.
  const std::string pwfile = dir_ + "/initdb-password";
  PM_RETURN_IF_ERROR(files::WriteFileAtomically(pwfile, password + "\n", 0600));
  PM_RETURN_IF_ERROR(Chown(pwfile, user));
  process::LaunchOptions options;
  options.argv = {bin_dir + "/initdb", "-D", cluster, "-U", kSuperuser, "--pwfile=" + pwfile,
                  "-A", "scram-sha-256", "-E", "UTF8", "--locale=C"};
  options.inherit_env = false;
  options.env = {{"PATH", "/usr/bin:/bin"}, {"LC_ALL", "C"}};
  options.working_dir = dir_;
  options.run_as_uid = user.uid;
  options.run_as_gid = user.gid;
  auto ran = process::Run(options, std::chrono::minutes(2));
  ::unlink(pwfile.c_str());
  if (!ran.ok()) return ran.status().WithContext("managed PostgreSQL: initdb");
  if (!ran->exit.exited || ran->exit.exit_code != 0) {
    std::filesystem::remove_all(cluster, ec);
    std::string output = ran->output.size() > 2000 ? ran->output.substr(ran->output.size() - 2000) : ran->output;
    return Internal("managed PostgreSQL: initdb " + ran->exit.Describe() + ": " + output);
  }
  PM_LOG_INFO("managed PostgreSQL: cluster created in {}", cluster);
  return Status::Ok();
}

Result<std::string> ManagedPostgres::Start(int port) {
  if (daemon_) return dsn_;
  PM_ASSIGN_OR_RETURN(std::string bin_dir, FindBinDir());
  PM_ASSIGN_OR_RETURN(ServerUser user, ChooseServerUser());
  PM_RETURN_IF_ERROR(files::MakeDirectories(dir_, 0711));
  if (user.uid) {
    auto services = std::filesystem::path(dir_).parent_path();  // <data_dir>/services
    LetPass(services.string());
    LetPass(services.parent_path().string());
  }
  PM_RETURN_IF_ERROR(files::WriteFileAtomically(dir_ + "/port", std::to_string(port) + "\n", 0600));
  PM_RETURN_IF_ERROR(Initialise(bin_dir));
  PM_ASSIGN_OR_RETURN(std::string password, files::ReadFile(dir_ + "/admin-password"));
  while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) password.pop_back();

  const std::string cluster = dir_ + "/cluster";
  // Every login needs its password; network logins come from the hosts of
  // the cluster's hearts, which only the pacemaker's config knows.
  const std::string hba =
      "# Generated by paasmaker; rewritten at every start.\n"
      "local all all scram-sha-256\n"
      "host  all all 0.0.0.0/0 scram-sha-256\n"
      "host  all all ::/0 scram-sha-256\n";
  PM_RETURN_IF_ERROR(files::WriteFileAtomically(cluster + "/pg_hba.conf", hba, 0600));
  PM_RETURN_IF_ERROR(Chown(cluster + "/pg_hba.conf", user));
  // The socket is for an operator's psql; a data dir deep enough to overflow
  // a socket address (108 bytes) goes without one.
  const std::string run = dir_ + "/run";
  std::string sockets;
  if ((run + "/.s.PGSQL." + std::to_string(port) + ".lock").size() < sizeof(sockaddr_un::sun_path)) {
    PM_RETURN_IF_ERROR(files::MakeDirectories(run, 0700));
    PM_RETURN_IF_ERROR(Chown(run, user));
    sockets = run;
  }

  ManagedDaemon::Options options;
  options.name = "managed PostgreSQL";
  options.launch.argv = {bin_dir + "/postgres", "-D", cluster, "-p", std::to_string(port),
                         "-c", "listen_addresses=" + listen_address_, "-c", "unix_socket_directories=" + sockets};
  options.launch.inherit_env = false;  // the node's secrets are none of its business
  options.launch.env = {{"PATH", "/usr/bin:/bin"}, {"LC_ALL", "C"}};
  options.launch.output_file = dir_ + "/postgres.log";
  options.launch.working_dir = dir_;
  options.launch.run_as_uid = user.uid;
  options.launch.run_as_gid = user.gid;
  options.pid_file = dir_ + "/postgres.pid";
  // Crash recovery after a kill may replay a lot of WAL.
  options.ready_timeout = std::chrono::seconds(60);
  options.stop_signal = SIGINT;
  options.stop_grace = std::chrono::seconds(30);
  const std::string ping = "host=" + listen_address_ + " port=" + std::to_string(port) +
                           " dbname=postgres connect_timeout=2";
  options.ready = [ping] { return PQping(ping.c_str()) == PQPING_OK; };
  auto daemon = std::make_unique<ManagedDaemon>(options);
  Status started = daemon->Start();
  if (!started.ok()) {
    daemon->Stop(true);
    return started;
  }
  PM_LOG_INFO("managed PostgreSQL running on {}:{}", listen_address_, port);
  daemon_ = std::move(daemon);
  dsn_ = "postgresql://" + std::string(kSuperuser) + ":" + password + "@" + UrlHost(listen_address_) + ":" +
         std::to_string(port) + "/postgres";
  return dsn_;
}

void ManagedPostgres::Stop() {
  if (!daemon_) return;
  daemon_->Stop(true);
  daemon_.reset();
  dsn_.clear();
}

}  // namespace paasmaker::pacemaker::services
