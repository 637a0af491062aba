// PostgresAdmin: libpq calls for the PostgreSQL service plugins.
#include "pacemaker/services/postgres_admin.h"

#include <libpq-fe.h>

#include <cctype>
#include <chrono>
#include <memory>

#include "core/ids.h"
#include "core/process.h"

namespace paasmaker::pacemaker::services {

namespace {

using Conn = std::unique_ptr<PGconn, decltype(&PQfinish)>;

// libpq's messages carry no password; they may name host and user.
Result<Conn> Connect(const std::string& dsn, const std::string& label) {
  // A server on the network that drops packets would hang the job: 10 s
  // unless the DSN says otherwise (later keywords, the DSN's, win).
  const char* keywords[] = {"connect_timeout", "dbname", nullptr};
  const char* values[] = {"10", dsn.c_str(), nullptr};
  Conn conn(PQconnectdbParams(keywords, values, /*expand_dbname=*/1), &PQfinish);
  if (conn == nullptr) return Unavailable("PostgreSQL server " + label + ": out of memory connecting");
  // NOTICEs ("... does not exist, skipping") would go to the daemon's stderr.
  PQsetNoticeProcessor(conn.get(), [](void*, const char*) {}, nullptr);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn.get());
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    return Unavailable("PostgreSQL server " + label + " cannot be reached as admin: " + message);
  }
  return conn;
}

// Runs one statement; rows of the first column through *rows when given.
Status Exec(PGconn* conn, const std::string& sql, const std::string& label, std::vector<std::string>* rows = nullptr) {
  std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn, sql.c_str()), &PQclear);
  ExecStatusType status = PQresultStatus(result.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    std::string message = PQresultErrorMessage(result.get());
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return Internal("PostgreSQL server " + label + ": " + message);
  }
  if (rows != nullptr) {
    for (int i = 0; i < PQntuples(result.get()); ++i) rows->push_back(PQgetvalue(result.get(), i, 0));
  }
  return Status::Ok();
}

std::string Ident(PGconn* conn, const std::string& name) {
  char* quoted = PQescapeIdentifier(conn, name.data(), name.size());
  std::string out = quoted != nullptr ? quoted : "\"\"";
  PQfreemem(quoted);
  return out;
}

std::string Literal(PGconn* conn, const std::string& value) {
  char* quoted = PQescapeLiteral(conn, value.data(), value.size());
  std::string out = quoted != nullptr ? quoted : "''";
  PQfreemem(quoted);
  return out;
}

std::string LowerAlnum(const std::string& in) {
  std::string out;
  for (char c : in) out += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
  return out;
}

Status TerminateSessions(PGconn* conn, const std::string& where, const std::string& label) {
  return Exec(conn, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE " + where +
                        " AND pid <> pg_backend_pid()", label);
}

// Runs pg_dump / psql with the login's password in the environment only.
Status RunTool(std::vector<std::string> argv, const PostgresLogin& login, const std::string& what,
               const std::string& label) {
  process::LaunchOptions options;
  options.argv = std::move(argv);
  options.inherit_env = false;
  options.env = {{"PATH", "/usr/bin:/bin"}, {"PGPASSWORD", login.password}, {"PGCONNECT_TIMEOUT", "10"}};
  auto ran = process::Run(options, std::chrono::minutes(30));
  if (!ran.ok()) return ran.status();
  if (!ran->exit.exited || ran->exit.exit_code != 0) {
    std::string output = ran->output.size() > 2000 ? ran->output.substr(ran->output.size() - 2000) : ran->output;
    return Internal(what + " on PostgreSQL server " + label + " failed (" + ran->exit.Describe() + "): " + output);
  }
  return Status::Ok();
}

}  // namespace

std::string PostgresPrefix(const std::string& service_id) {
  if (service_id.empty() || service_id.size() > 40) return "";
  return "pm_" + LowerAlnum(service_id);
}

Status PostgresAddress(const std::string& dsn, const std::string& label, std::string* host, int* port) {
  PM_ASSIGN_OR_RETURN(Conn conn, Connect(dsn, label));
  *host = PQhost(conn.get()) != nullptr ? PQhost(conn.get()) : "";
  *port = PQport(conn.get()) != nullptr ? std::atoi(PQport(conn.get())) : 5432;
  return Status::Ok();
}

PostgresAdmin::PostgresAdmin(std::string admin_dsn, std::string host, int port, std::string server_label)
    : admin_dsn_(std::move(admin_dsn)), host_(std::move(host)), port_(port), label_(std::move(server_label)) {}

nlohmann::json PostgresAdmin::Credentials(const std::string& prefix, const PostgresLogin& login) const {
  std::string url = "postgresql://" + login.user + ":" + login.password + "@" + host_ + ":" + std::to_string(port_) +
                    "/" + prefix;
  return {{"host", host_}, {"port", port_}, {"database", prefix}, {"user", login.user},
          {"password", login.password}, {"url", url}};
}

Result<PostgresLogin> PostgresAdmin::Ensure(const std::string& prefix, const PostgresLogin& keep) const {
  PM_ASSIGN_OR_RETURN(Conn conn, Connect(admin_dsn_, label_));
  PGconn* c = conn.get();
  std::vector<std::string> found;
  PM_RETURN_IF_ERROR(Exec(c, "SELECT 1 FROM pg_roles WHERE rolname = " + Literal(c, prefix), label_, &found));
  if (found.empty()) PM_RETURN_IF_ERROR(Exec(c, "CREATE ROLE " + Ident(c, prefix) + " NOLOGIN", label_));
  found.clear();
  PM_RETURN_IF_ERROR(Exec(c, "SELECT 1 FROM pg_database WHERE datname = " + Literal(c, prefix), label_, &found));
  if (found.empty()) {
    PM_RETURN_IF_ERROR(Exec(c, "CREATE DATABASE " + Ident(c, prefix) + " OWNER " + Ident(c, prefix), label_));
  }
  PM_RETURN_IF_ERROR(Exec(c, "REVOKE CONNECT, TEMPORARY ON DATABASE " + Ident(c, prefix) + " FROM PUBLIC", label_));
  // Keep a stored login that is still ours (prefix + "_").
  if (!keep.user.empty() && !keep.password.empty() && keep.user.rfind(prefix + "_", 0) == 0) {
    found.clear();
    PM_RETURN_IF_ERROR(Exec(c, "SELECT 1 FROM pg_roles WHERE rolname = " + Literal(c, keep.user), label_, &found));
    if (!found.empty()) {
      PM_RETURN_IF_ERROR(Exec(c, "ALTER ROLE " + Ident(c, keep.user) + " LOGIN PASSWORD " + Literal(c, keep.password),
                              label_));
      return keep;
    }
  }
  return AddLogin(prefix);
}

Result<PostgresLogin> PostgresAdmin::AddLogin(const std::string& prefix) const {
  PM_ASSIGN_OR_RETURN(Conn conn, Connect(admin_dsn_, label_));
  PGconn* c = conn.get();
  PostgresLogin login{prefix + "_" + LowerAlnum(ids::RandomToken(4)).substr(0, 6), ids::RandomToken(24)};
  // The password travels in the statement to the server (libpq hashes
  // nothing for us); the server log sees it only with log_statement=all.
  PM_RETURN_IF_ERROR(Exec(c, "CREATE ROLE " + Ident(c, login.user) + " LOGIN PASSWORD " + Literal(c, login.password) +
                                 " IN ROLE " + Ident(c, prefix),
                          label_));
  PM_RETURN_IF_ERROR(Exec(c, "ALTER ROLE " + Ident(c, login.user) + " SET role = " + Ident(c, prefix), label_));
  return login;
}

Status PostgresAdmin::DropLogin(const std::string& prefix, const std::string& user) const {
  if (user.rfind(prefix + "_", 0) != 0) return InvalidArgument("login '" + user + "' is not one of this service's");
  PM_ASSIGN_OR_RETURN(Conn conn, Connect(admin_dsn_, label_));
  PGconn* c = conn.get();
  PM_RETURN_IF_ERROR(TerminateSessions(c, "usename = " + Literal(c, user), label_));
  return Exec(c, "DROP ROLE IF EXISTS " + Ident(c, user), label_);
}

Status PostgresAdmin::Drop(const std::string& prefix) const {
  PM_ASSIGN_OR_RETURN(Conn conn, Connect(admin_dsn_, label_));
  PGconn* c = conn.get();
  PM_RETURN_IF_ERROR(TerminateSessions(c, "datname = " + Literal(c, prefix), label_));
  PM_RETURN_IF_ERROR(Exec(c, "DROP DATABASE IF EXISTS " + Ident(c, prefix), label_));
  PM_RETURN_IF_ERROR(Exec(c, "DROP DATABASE IF EXISTS " + Ident(c, prefix + "_import"), label_));
  std::vector<std::string> logins;
  // Logins are the owner's members named <prefix>_...
  PM_RETURN_IF_ERROR(Exec(c,
                          "SELECT m.rolname FROM pg_auth_members a JOIN pg_roles o ON o.oid = a.roleid "
                          "JOIN pg_roles m ON m.oid = a.member WHERE o.rolname = " +
                              Literal(c, prefix),
                          label_, &logins));
  for (const std::string& login : logins) {
    if (login.rfind(prefix + "_", 0) != 0) continue;
    PM_RETURN_IF_ERROR(Exec(c, "DROP ROLE IF EXISTS " + Ident(c, login), label_));
  }
  return Exec(c, "DROP ROLE IF EXISTS " + Ident(c, prefix), label_);
}

Status PostgresAdmin::Dump(const std::string& prefix, const PostgresLogin& login, const std::string& dump_path) const {
  return RunTool({"pg_dump", "--no-owner", "--no-privileges", "-h", host_, "-p", std::to_string(port_), "-U",
                  login.user, "-d", prefix, "-f", dump_path},
                 login, "pg_dump of " + prefix, label_);
}

Status PostgresAdmin::Load(const std::string& prefix, const PostgresLogin& login, const std::string& dump_path) const {
  std::string scratch = prefix + "_import";
  {
    PM_ASSIGN_OR_RETURN(Conn conn, Connect(admin_dsn_, label_));
    PGconn* c = conn.get();
    PM_RETURN_IF_ERROR(Exec(c, "DROP DATABASE IF EXISTS " + Ident(c, scratch), label_));
    PM_RETURN_IF_ERROR(Exec(c, "CREATE DATABASE " + Ident(c, scratch) + " OWNER " + Ident(c, prefix), label_));
    PM_RETURN_IF_ERROR(Exec(c, "REVOKE CONNECT, TEMPORARY ON DATABASE " + Ident(c, scratch) + " FROM PUBLIC", label_));
  }
  Status loaded = RunTool({"psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-h", host_, "-p",
                           std::to_string(port_), "-U", login.user, "-d", scratch, "-f", dump_path},
                          login, "import into " + prefix, label_);
  PM_ASSIGN_OR_RETURN(Conn conn, Connect(admin_dsn_, label_));
  PGconn* c = conn.get();
  if (!loaded.ok()) {
    (void)Exec(c, "DROP DATABASE IF EXISTS " + Ident(c, scratch), label_);
    return loaded;
  }
  std::string old = prefix + "_old";
  PM_RETURN_IF_ERROR(Exec(c, "DROP DATABASE IF EXISTS " + Ident(c, old), label_));
  PM_RETURN_IF_ERROR(TerminateSessions(c, "datname = " + Literal(c, prefix), label_));
  PM_RETURN_IF_ERROR(Exec(c, "ALTER DATABASE " + Ident(c, prefix) + " RENAME TO " + Ident(c, old), label_));
  Status swapped = Exec(c, "ALTER DATABASE " + Ident(c, scratch) + " RENAME TO " + Ident(c, prefix), label_);
  if (!swapped.ok()) {
    (void)Exec(c, "ALTER DATABASE " + Ident(c, old) + " RENAME TO " + Ident(c, prefix), label_);
    return swapped;
  }
  return Exec(c, "DROP DATABASE IF EXISTS " + Ident(c, old), label_);
}

}  // namespace paasmaker::pacemaker::services
