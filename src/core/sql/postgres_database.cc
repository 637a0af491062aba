// The PostgreSQL backend: one libpq connection, which ConnectionDatabase
// guards with a mutex and wraps in transactions.
//
// Statements go through PQexecParams with text parameters, so values never
// end up spliced into SQL. Results come back as text; Row's accessors convert.
// A connection the server dropped (restart, failover, idle kill) is reset
// before the next statement; a statement that was already sent when the
// connection broke is not retried, since it may have run.
#include "core/sql/postgres_database.h"

#include <libpq-fe.h>

#include <charconv>
#include <cmath>
#include <string_view>

#include "core/log.h"
#include "core/sql/connection_database.h"

namespace paasmaker::sql {

namespace {

constexpr const char* kConnectTimeoutSeconds = "10";
constexpr size_t kStatementInErrorLimit = 200;

std::string Abbreviate(const std::string& statement) {
  if (statement.size() <= kStatementInErrorLimit) return statement;
  return statement.substr(0, kStatementInErrorLimit) + "...";
}

std::string TrimTrailing(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r')) text.pop_back();
  return text;
}

bool IsIdentifierChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

std::string FormatDouble(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);  // shortest round-trip form
  if (ec != std::errc()) return std::to_string(value);
  return std::string(buffer, end);
}

// The SQLSTATE classes callers may want to react to; the rest are bugs.
Status StatusForSqlState(const std::string& state, std::string message) {
  std::string_view cls = std::string_view(state).substr(0, 2);
  if (state == "23505") return AlreadyExists(std::move(message));
  if (cls == "23") return FailedPrecondition(std::move(message));  // other integrity constraints
  if (state == "42501") return PermissionDenied(std::move(message));
  if (cls == "42" || cls == "22" || cls == "0A") return InvalidArgument(std::move(message));
  if (cls == "08" || cls == "53" || cls == "57") return Unavailable(std::move(message));
  if (cls == "40" || state == "25P02") return Aborted(std::move(message));
  return Internal(std::move(message));
}

// libpq does not put passwords in its messages today; this keeps it so.
std::string ScrubPassword(std::string text, const std::string& password) {
  if (password.size() < 4) return text;  // too short to search for without mangling words
  for (size_t at = text.find(password); at != std::string::npos; at = text.find(password, at)) {
    text.replace(at, password.size(), "***");
  }
  return text;
}

struct ResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultHandle = std::unique_ptr<PGresult, ResultClearer>;

void LogNotice(void*, const char* message) {
  // Notices ("table already exists, skipping") are chatter, not errors.
  PM_LOG_DEBUG("postgres: {}", TrimTrailing(message));
}

class PostgresConnection final : public Connection {
 public:
  PostgresConnection(PGconn* conn, std::string password) : conn_(conn), password_(std::move(password)) {}
  ~PostgresConnection() { PQfinish(conn_); }
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  // libpq only learns that the server hung up when it next reads, so read
  // (without blocking) before sending; a dead connection is reset here,
  // before the statement, when retrying cannot run anything twice.
  Status EnsureConnected() override {
    if (PQstatus(conn_) == CONNECTION_OK) PQconsumeInput(conn_);
    if (PQstatus(conn_) == CONNECTION_OK) return Status::Ok();
    // Other threads wait on the mutex meanwhile; connect_timeout bounds it.
    PM_LOG_WARN("postgres: connection lost, reconnecting");
    PQreset(conn_);
    if (PQstatus(conn_) == CONNECTION_OK) return Status::Ok();
    return Unavailable("postgres: cannot reconnect: " + ConnectionError());
  }

  bool InTransaction() const {
    PGTransactionStatusType state = PQtransactionStatus(conn_);
    return state == PQTRANS_INTRANS || state == PQTRANS_INERROR || state == PQTRANS_ACTIVE;
  }

  Result<ResultHandle> Run(const std::string& statement, const Params& params) {
    int placeholders = 0;
    std::string rewritten = RewritePlaceholders(statement, &placeholders);
    if (placeholders != static_cast<int>(params.size())) {
      return InvalidArgument("postgres: statement has " + std::to_string(placeholders) + " placeholders but " +
                             std::to_string(params.size()) + " parameters were given: " + Abbreviate(statement));
    }
    // Every parameter goes as untyped text, so the server reads it as it
    // would a quoted literal in that spot: "5" becomes an integer next to an
    // INTEGER column and text next to a TEXT one. That is closest to
    // SQLite's loose typing; where the context says nothing (SELECT ? + ?),
    // write CAST(? AS BIGINT), which both backends understand.
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
      const Value& value = params[i];
      if (auto* number = std::get_if<int64_t>(&value)) {
        texts[i] = std::to_string(*number);
      } else if (auto* real = std::get_if<double>(&value)) {
        texts[i] = FormatDouble(*real);
      } else if (auto* text = std::get_if<std::string>(&value)) {
        values[i] = text->c_str();  // `params` outlives the call
        continue;
      } else {
        continue;  // NULL: a null pointer
      }
      values[i] = texts[i].c_str();
    }
    ResultHandle result(PQexecParams(conn_, rewritten.c_str(), static_cast<int>(params.size()),
                                     /*paramTypes=*/nullptr, values.data(), nullptr, nullptr, /*resultFormat=*/0));
    if (!result) return Unavailable("postgres: " + ConnectionError() + " in: " + Abbreviate(statement));
    switch (PQresultStatus(result.get())) {
      case PGRES_TUPLES_OK:
      case PGRES_COMMAND_OK:
        return result;
      case PGRES_EMPTY_QUERY:
        return InvalidArgument("postgres: empty statement");
      default:
        return ErrorFrom(result.get(), statement);
    }
  }

  Result<Rows> Query(const std::string& statement, const Params& params) override {
    PM_ASSIGN_OR_RETURN(ResultHandle result, Run(statement, params));
    Rows rows;
    int row_count = PQntuples(result.get());
    int column_count = PQnfields(result.get());
    rows.reserve(static_cast<size_t>(row_count));
    for (int r = 0; r < row_count; ++r) {
      Row row;
      for (int c = 0; c < column_count; ++c) {
        if (PQgetisnull(result.get(), r, c)) {
          row.Set(PQfname(result.get(), c), Null());
        } else {
          row.Set(PQfname(result.get(), c),
                  std::string(PQgetvalue(result.get(), r, c), static_cast<size_t>(PQgetlength(result.get(), r, c))));
        }
      }
      rows.push_back(std::move(row));
    }
    return rows;
  }

  Result<int64_t> Execute(const std::string& statement, const Params& params) override {
    PM_ASSIGN_OR_RETURN(ResultHandle result, Run(statement, params));
    std::string_view changed = PQcmdTuples(result.get());  // "" for commands without a count
    int64_t count = 0;
    std::from_chars(changed.data(), changed.data() + changed.size(), count);
    return count;
  }

  Status Begin() override { return Execute("BEGIN", {}).status(); }

  // COMMIT of a transaction the server already aborted "succeeds" with the
  // tag ROLLBACK, so the tag is what tells whether anything was stored.
  Status Commit() override {
    PM_ASSIGN_OR_RETURN(ResultHandle result, Run("COMMIT", {}));
    std::string tag = PQcmdStatus(result.get());
    if (tag != "COMMIT") return Aborted("postgres: transaction was rolled back by the server (" + tag + ")");
    return Status::Ok();
  }

  void RollbackIfOpen() override {
    if (PQstatus(conn_) != CONNECTION_OK || !InTransaction()) return;
    ResultHandle result(PQexec(conn_, "ROLLBACK"));
  }

 private:
  Status ErrorFrom(const PGresult* result, const std::string& statement) {
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    std::string reason = primary != nullptr ? primary : TrimTrailing(PQresultErrorMessage(result));
    if (reason.empty()) reason = ConnectionError();
    // The detail is left out on purpose: it quotes row values ("Key
    // (token)=(...) already exists"), which may be secrets.
    std::string message = "postgres: " + Scrub(reason);
    if (state != nullptr) message += " (SQLSTATE " + std::string(state) + ")";
    message += " in: " + Abbreviate(statement);
    if (PQstatus(conn_) != CONNECTION_OK) return Unavailable(std::move(message));
    return StatusForSqlState(state != nullptr ? state : "", std::move(message));
  }

  std::string ConnectionError() const { return Scrub(TrimTrailing(PQerrorMessage(conn_))); }

  std::string Scrub(std::string text) const { return ScrubPassword(std::move(text), password_); }

  PGconn* conn_;
  std::string password_;
};

// Copies text from `statement[start]` through the end of a quoted run that
// `close` ends, honouring doubled quotes ('it''s') and, for E'' strings,
// backslash escapes. Returns the index just past the run.
size_t SkipQuoted(const std::string& statement, size_t start, char close, bool backslash_escapes) {
  size_t i = start + 1;
  while (i < statement.size()) {
    char c = statement[i];
    if (backslash_escapes && c == '\\') {
      i += 2;
      continue;
    }
    if (c == close) {
      if (i + 1 < statement.size() && statement[i + 1] == close) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    ++i;
  }
  return statement.size();  // unterminated: the server will report it
}

// A dollar-quote opener at `start` ($$ or $tag$), or "" if there is none.
std::string DollarTag(const std::string& statement, size_t start) {
  if (start > 0 && IsIdentifierChar(statement[start - 1])) return "";  // part of a name
  size_t i = start + 1;
  while (i < statement.size() && statement[i] != '$') {
    char c = statement[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > start + 1 && c >= '0' && c <= '9');
    if (!ok) return "";
    ++i;
  }
  if (i >= statement.size()) return "";
  return statement.substr(start, i - start + 1);
}

}  // namespace

std::string RewritePlaceholders(const std::string& statement, int* count) {
  std::string out;
  out.reserve(statement.size() + 16);
  int placeholders = 0;
  size_t i = 0;
  while (i < statement.size()) {
    char c = statement[i];
    char next = i + 1 < statement.size() ? statement[i + 1] : '\0';
    size_t end = i + 1;
    if (c == '\'') {
      bool escape_string = i > 0 && (statement[i - 1] == 'E' || statement[i - 1] == 'e') &&
                           (i < 2 || !IsIdentifierChar(statement[i - 2]));
      end = SkipQuoted(statement, i, '\'', escape_string);
    } else if (c == '"') {
      end = SkipQuoted(statement, i, '"', false);
    } else if (c == '-' && next == '-') {
      end = statement.find('\n', i);
      end = end == std::string::npos ? statement.size() : end + 1;
    } else if (c == '/' && next == '*') {
      int depth = 1;  // PostgreSQL block comments nest
      end = i + 2;
      while (end < statement.size() && depth > 0) {
        if (statement.compare(end, 2, "/*") == 0) {
          ++depth;
          end += 2;
        } else if (statement.compare(end, 2, "*/") == 0) {
          --depth;
          end += 2;
        } else {
          ++end;
        }
      }
    } else if (c == '$') {
      std::string tag = DollarTag(statement, i);
      if (!tag.empty()) {
        size_t close = statement.find(tag, i + tag.size());
        end = close == std::string::npos ? statement.size() : close + tag.size();
      }
    } else if (c == '?') {
      out += "$" + std::to_string(++placeholders);
      ++i;
      continue;
    }
    out.append(statement, i, end - i);
    i = end;
  }
  if (count != nullptr) *count = placeholders;
  return out;
}

Result<std::unique_ptr<Database>> OpenPostgres(const std::string& conninfo) {
  char* parse_error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &parse_error);
  if (options == nullptr) {
    std::string reason = parse_error != nullptr ? TrimTrailing(parse_error) : "out of memory";
    PQfreemem(parse_error);
    // libpq may quote the part it could not parse, which can be the password.
    if (RedactDsn(conninfo) != conninfo) reason = "see the connection string";
    return InvalidArgument("not a valid PostgreSQL connection string: " + reason);
  }
  std::string password;
  for (PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (std::string_view(option->keyword) == "password" && option->val != nullptr) password = option->val;
  }
  PQconninfoFree(options);

  // Keywords before "dbname" are defaults the connection string may override.
  const char* keywords[] = {"connect_timeout", "application_name", "dbname", nullptr};
  const char* values[] = {kConnectTimeoutSeconds, "paasmaker", conninfo.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr) return Internal("postgres: out of memory allocating a connection");
  // Owns `conn` from here on.
  auto db =
      std::make_unique<ConnectionDatabase>(Dialect::kPostgres, std::make_unique<PostgresConnection>(conn, password));
  PQsetNoticeProcessor(conn, LogNotice, nullptr);
  if (PQstatus(conn) != CONNECTION_OK) {
    return Unavailable("cannot connect to postgres: " + ScrubPassword(TrimTrailing(PQerrorMessage(conn)), password));
  }
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace paasmaker::sql
