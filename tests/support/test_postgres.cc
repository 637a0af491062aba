#include "test_postgres.h"
#include "temp_dir.h"

#include <glob.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sstream>
#include <vector>

#include "core/files.h"
#include "core/net.h"
#include "core/process.h"

namespace paasmaker::testing {

namespace {

using std::chrono::seconds;

constexpr const char* kDatabaseName = "paasmaker_test";
constexpr const char* kSuperuser = "postgres";
// FreePort() hands out a port another process may grab before postgres
// binds it; a few attempts make that race harmless.
constexpr int kStartAttempts = 3;

// Which user runs the server: ourselves, or `postgres` when we are root,
// because PostgreSQL refuses to run as root.
struct ServerUser {
  std::optional<uid_t> uid;
  std::optional<gid_t> gid;
};

std::optional<ServerUser> ChooseServerUser(std::string* error) {
  if (::geteuid() != 0) return ServerUser{};
  struct passwd* entry = ::getpwnam(kSuperuser);
  if (entry == nullptr) {
    *error = "running as root, and there is no `postgres` system user to run PostgreSQL as";
    return std::nullopt;
  }
  return ServerUser{entry->pw_uid, entry->pw_gid};
}

std::vector<int> VersionOf(const std::string& bin_dir) {
  // /usr/lib/postgresql/15/bin -> {15}; /usr/lib/postgresql/9.6/bin -> {9, 6}
  std::string version = std::filesystem::path(bin_dir).parent_path().filename().string();
  std::vector<int> parts;
  std::stringstream stream(version);
  std::string part;
  while (std::getline(stream, part, '.')) parts.push_back(std::atoi(part.c_str()));
  return parts;
}

// The newest installed server, or "" with the reason in *error.
// PAASMAKER_PG_BINDIR points at another installation.
std::string FindBinDir(std::string* error) {
  std::vector<std::string> candidates;
  if (const char* override_dir = std::getenv("PAASMAKER_PG_BINDIR")) {
    candidates.push_back(override_dir);
  } else {
    glob_t matches{};
    if (::glob("/usr/lib/postgresql/*/bin", GLOB_ONLYDIR, nullptr, &matches) == 0) {
      for (size_t i = 0; i < matches.gl_pathc; ++i) candidates.push_back(matches.gl_pathv[i]);
    }
    ::globfree(&matches);
  }
  std::string best;
  for (const std::string& dir : candidates) {
    if (!files::Exists(dir + "/initdb") || !files::Exists(dir + "/pg_ctl") || !files::Exists(dir + "/createdb")) {
      continue;
    }
    if (best.empty() || VersionOf(dir) > VersionOf(best)) best = dir;
  }
  if (best.empty()) {
    *error =
        "no PostgreSQL server binaries (initdb, pg_ctl, createdb) under /usr/lib/postgresql/*/bin "
        "or $PAASMAKER_PG_BINDIR; install the postgresql package";
  }
  return best;
}

// Runs one PostgreSQL tool as the server user; the error carries its output.
Status RunTool(const std::string& bin_dir, const std::string& tool, const std::vector<std::string>& args,
               const ServerUser& user, const std::string& working_dir, std::chrono::milliseconds timeout) {
  process::LaunchOptions options;
  options.argv = {bin_dir + "/" + tool};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  // The server user may not be allowed into our current directory.
  options.working_dir = working_dir;
  options.run_as_uid = user.uid;
  options.run_as_gid = user.gid;
  options.env["LC_ALL"] = "C";  // English messages in errors, whatever the host's locale
  auto ran = process::Run(options, timeout);
  if (!ran.ok()) return ran.status().WithContext(tool);
  if (!ran->exit.exited || ran->exit.exit_code != 0) {
    return Internal(tool + " " + ran->exit.Describe() + ": " + ran->output);
  }
  return Status::Ok();
}

std::string Tail(const std::string& path, size_t limit = 2000) {
  auto content = files::ReadFile(path);
  if (!content.ok()) return "";
  const std::string& text = *content;
  return text.size() <= limit ? text : text.substr(text.size() - limit);
}

}  // namespace

TestPostgres::TestPostgres() {
  std::string bin_dir = FindBinDir(&error_);
  if (bin_dir.empty()) return;
  std::optional<ServerUser> user = ChooseServerUser(&error_);
  if (!user) return;

  // Under /tmp rather than $TMPDIR: the Unix socket lives here and socket
  // paths must stay short (108 bytes).
  char pattern[] = "/tmp/pm-postgres-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) {
    error_ = ErrnoStatus("mkdtemp /tmp/pm-postgres-XXXXXX", errno).ToString();
    return;
  }
  dir_ = pattern;
  if (user->uid && ::chown(dir_.c_str(), *user->uid, *user->gid) != 0) {
    error_ = ErrnoStatus("chown " + dir_ + " to postgres", errno).ToString();
    return;
  }
  const std::string data_dir = dir_ + "/data";
  const std::string log_file = dir_ + "/postgres.log";

  Status initialised = RunTool(
      bin_dir, "initdb", {"-D", data_dir, "-A", "trust", "-U", kSuperuser, "-E", "UTF8", "--locale=C", "--no-sync"},
      *user, dir_, seconds(120));
  if (!initialised.ok()) {
    error_ = initialised.ToString();
    return;
  }

  Status running = Internal("not attempted");
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    auto port = paasmaker::testing::FreeTestPort();
    if (!port.ok()) {
      error_ = port.status().ToString();
      return;
    }
    port_ = *port;
    // Durability is pointless for a throwaway server and costs seconds.
    std::string server_options = "-p " + std::to_string(port_) + " -k " + dir_ +
                                 " -c listen_addresses=127.0.0.1 -c fsync=off"
                                 " -c synchronous_commit=off -c full_page_writes=off";
    running =
        RunTool(bin_dir, "pg_ctl", {"-D", data_dir, "-l", log_file, "-o", server_options, "-w", "-t", "60", "start"},
                *user, dir_, seconds(90));
    if (running.ok()) break;
    if (Tail(log_file).find("could not bind") == std::string::npos) break;  // not the port race
  }
  if (!running.ok()) {
    error_ = running.ToString() + "\nserver log:\n" + Tail(log_file);
    return;
  }

  Status created =
      RunTool(bin_dir, "createdb", {"-h", dir_, "-p", std::to_string(port_), "-U", kSuperuser, kDatabaseName}, *user,
              dir_, seconds(60));
  if (!created.ok()) {
    error_ = created.ToString();
    return;
  }
  dsn_ = "postgresql://" + std::string(kSuperuser) + "@127.0.0.1:" + std::to_string(port_) + "/" + kDatabaseName;
  started_ = true;
}

TestPostgres::~TestPostgres() {
  if (dir_.empty()) return;
  const std::string data_dir = dir_ + "/data";
  // Checked by file rather than started_: a start that timed out may still
  // have left a server running.
  if (files::Exists(data_dir + "/postmaster.pid")) {
    std::string ignored;
    std::string bin_dir = FindBinDir(&ignored);
    std::optional<ServerUser> user = ChooseServerUser(&ignored);
    if (!bin_dir.empty() && user) {
      RunTool(bin_dir, "pg_ctl", {"-D", data_dir, "-m", "immediate", "-w", "stop"}, *user, dir_, seconds(60))
          .IgnoreError();
    }
  }
  if (std::getenv("PAASMAKER_KEEP_TEST_DIRS") != nullptr) return;
  std::error_code ignored_error;
  std::filesystem::remove_all(dir_, ignored_error);
}

}  // namespace paasmaker::testing
