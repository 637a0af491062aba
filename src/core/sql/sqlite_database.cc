// The SQLite3 backend: one connection in WAL mode, which ConnectionDatabase
// guards with a mutex and wraps in transactions.
//
// WAL lets readers in other processes (backups, `sqlite3` in a shell) run
// while we write; busy_timeout makes a writer wait for another process's
// write lock instead of failing at once. Within this process the mutex
// already serialises everything, so the connection is opened NOMUTEX.
#include "core/sql/sqlite_database.h"

#include <sqlite3.h>

#include <filesystem>

#include "core/sql/connection_database.h"

namespace paasmaker::sql {

namespace {

constexpr int kBusyTimeoutMs = 5000;
constexpr size_t kStatementInErrorLimit = 200;

// Error messages quote the statement so a failure names the query, not just
// "syntax error". Parameters are never quoted: they may hold secrets.
std::string Abbreviate(const std::string& statement) {
  if (statement.size() <= kStatementInErrorLimit) return statement;
  return statement.substr(0, kStatementInErrorLimit) + "...";
}

Status SqliteError(sqlite3* db, int code, const std::string& statement) {
  std::string message = std::string("sqlite: ") + sqlite3_errmsg(db) + " in: " + Abbreviate(statement);
  switch (code & 0xff) {
    case SQLITE_CONSTRAINT:
      if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return AlreadyExists(std::move(message));
      }
      return FailedPrecondition(std::move(message));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Unavailable(std::move(message));
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_PERM:
      return IoError(std::move(message));
    case SQLITE_ERROR:
    case SQLITE_RANGE:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
      return InvalidArgument(std::move(message));
    default:
      return Internal(std::move(message));
  }
}

struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using StatementHandle = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() { sqlite3_close_v2(db_); }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Result<Rows> Query(const std::string& statement, const Params& params) override {
    Rows rows;
    PM_RETURN_IF_ERROR(Run(statement, params, &rows));
    return rows;
  }

  Result<int64_t> Execute(const std::string& statement, const Params& params) override {
    // sqlite3_changes64() keeps the count of the last INSERT/UPDATE/DELETE,
    // so a CREATE TABLE after an INSERT would report the INSERT's rows.
    // Only trust it when this statement changed something.
    int64_t total_before = sqlite3_total_changes64(db_);
    PM_RETURN_IF_ERROR(Run(statement, params, nullptr));
    if (sqlite3_total_changes64(db_) == total_before) return int64_t{0};
    return static_cast<int64_t>(sqlite3_changes64(db_));
  }

  // IMMEDIATE takes the write lock now: a deferred BEGIN that reads and
  // then writes can fail with SQLITE_BUSY mid-way when another process
  // wrote in between, which busy_timeout cannot wait out.
  Status Begin() override { return Execute("BEGIN IMMEDIATE", {}).status(); }

  Status Commit() override { return Execute("COMMIT", {}).status(); }

  // Some errors (disk full, I/O) make SQLite roll back on its own; a second
  // ROLLBACK would then fail, so only roll back what is still open.
  void RollbackIfOpen() override {
    if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

 private:
  Result<StatementHandle> Prepare(const std::string& statement) {
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    int code = sqlite3_prepare_v2(db_, statement.c_str(), static_cast<int>(statement.size()), &raw, &tail);
    StatementHandle prepared(raw);
    if (code != SQLITE_OK) return SqliteError(db_, code, statement);
    if (!prepared) return InvalidArgument("sqlite: empty statement");
    // sqlite3_prepare compiles only the first statement and would silently
    // drop the rest; PostgreSQL refuses several statements with parameters,
    // so both backends refuse them. A tail of comments or blanks is fine.
    if (tail != nullptr && *tail != '\0') {
      sqlite3_stmt* next = nullptr;
      int tail_length = static_cast<int>(statement.c_str() + statement.size() - tail);
      code = sqlite3_prepare_v2(db_, tail, tail_length, &next, nullptr);
      StatementHandle next_handle(next);
      if (code != SQLITE_OK || next_handle) {
        return InvalidArgument("sqlite: one statement per call, got several in: " + Abbreviate(statement));
      }
    }
    return prepared;
  }

  Status Bind(sqlite3_stmt* prepared, const std::string& statement, const Params& params) {
    int expected = sqlite3_bind_parameter_count(prepared);
    if (expected != static_cast<int>(params.size())) {
      return InvalidArgument("sqlite: statement has " + std::to_string(expected) + " placeholders but " +
                             std::to_string(params.size()) + " parameters were given: " + Abbreviate(statement));
    }
    for (int i = 0; i < expected; ++i) {
      const Value& value = params[static_cast<size_t>(i)];
      int code = SQLITE_OK;
      if (auto* number = std::get_if<int64_t>(&value)) {
        code = sqlite3_bind_int64(prepared, i + 1, *number);
      } else if (auto* real = std::get_if<double>(&value)) {
        code = sqlite3_bind_double(prepared, i + 1, *real);
      } else if (auto* text = std::get_if<std::string>(&value)) {
        // SQLITE_STATIC: `params` outlives the statement's execution.
        code = sqlite3_bind_text64(prepared, i + 1, text->data(), text->size(), SQLITE_STATIC, SQLITE_UTF8);
      } else {
        code = sqlite3_bind_null(prepared, i + 1);
      }
      if (code != SQLITE_OK) return SqliteError(db_, code, statement);
    }
    return Status::Ok();
  }

  static Row ReadRow(sqlite3_stmt* prepared) {
    Row row;
    int columns = sqlite3_column_count(prepared);
    for (int i = 0; i < columns; ++i) {
      std::string name = sqlite3_column_name(prepared, i);
      switch (sqlite3_column_type(prepared, i)) {
        case SQLITE_INTEGER:
          row.Set(std::move(name), static_cast<int64_t>(sqlite3_column_int64(prepared, i)));
          break;
        case SQLITE_FLOAT:
          row.Set(std::move(name), sqlite3_column_double(prepared, i));
          break;
        case SQLITE_TEXT: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(prepared, i));
          int length = sqlite3_column_bytes(prepared, i);
          row.Set(std::move(name), std::string(text, static_cast<size_t>(length)));
          break;
        }
        case SQLITE_BLOB: {
          const auto* bytes = static_cast<const char*>(sqlite3_column_blob(prepared, i));
          int length = sqlite3_column_bytes(prepared, i);
          row.Set(std::move(name), bytes == nullptr ? std::string() : std::string(bytes, static_cast<size_t>(length)));
          break;
        }
        default:
          row.Set(std::move(name), Null());
      }
    }
    return row;
  }

  // Runs one statement to completion, collecting rows when `rows` is given.
  Status Run(const std::string& statement, const Params& params, Rows* rows) {
    PM_ASSIGN_OR_RETURN(StatementHandle prepared, Prepare(statement));
    PM_RETURN_IF_ERROR(Bind(prepared.get(), statement, params));
    while (true) {
      int code = sqlite3_step(prepared.get());
      if (code == SQLITE_DONE) return Status::Ok();
      if (code != SQLITE_ROW) return SqliteError(db_, sqlite3_extended_errcode(db_), statement);
      if (rows != nullptr) rows->push_back(ReadRow(prepared.get()));
    }
  }

  sqlite3* db_;
};

Status ApplyPragma(Database& db, const std::string& pragma) {
  auto applied = db.Execute(pragma, {});
  return applied.ok() ? Status::Ok() : applied.status();
}

}  // namespace

Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path) {
  bool in_memory = path == ":memory:";
  if (!in_memory) {
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    std::error_code error;
    if (!parent.empty()) std::filesystem::create_directories(parent, error);
    if (error) return IoError("creating directory " + parent.string() + " for " + path + ": " + error.message());
  }

  sqlite3* raw = nullptr;
  int code =
      sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (code != SQLITE_OK) {
    std::string reason = raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(code);
    sqlite3_close_v2(raw);
    return IoError("opening sqlite database " + path + ": " + reason);
  }
  // Owns `raw` from here on.
  auto db = std::make_unique<ConnectionDatabase>(Dialect::kSqlite, std::make_unique<SqliteConnection>(raw));
  sqlite3_extended_result_codes(raw, 1);  // tells unique violations from other constraints
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);

  auto mode = db->Query("PRAGMA journal_mode = WAL", {});
  if (!mode.ok()) return mode.status().WithContext("enabling WAL on " + path);
  std::string journal_mode = mode->empty() ? "" : mode->front().GetString("journal_mode");
  // WAL needs shared memory, which some network filesystems lack; running
  // without it would quietly change the locking behaviour we rely on.
  if (!in_memory && journal_mode != "wal") {
    return FailedPrecondition("sqlite database " + path + " cannot use WAL mode (journal_mode is " + journal_mode +
                              ")");
  }
  Status foreign_keys = ApplyPragma(*db, "PRAGMA foreign_keys = ON");
  if (!foreign_keys.ok()) return foreign_keys.WithContext("opening " + path);
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace paasmaker::sql
