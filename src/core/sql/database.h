// Database: one interface over SQLite (embedded, WAL) and PostgreSQL (libpq).
//
// SQL is written once, with `?` placeholders; the PostgreSQL implementation
// rewrites them to $1, $2... Keep statements portable: TEXT, BIGINT,
// DOUBLE PRECISION, no AUTOINCREMENT/SERIAL (entities use UUID text keys).
//
// Thread safety: every method may be called from any thread; an
// implementation serialises access to its connection. Transaction() holds the
// connection for the whole callback, so the callback must use the Database&
// it is given and must not call back into the outer object from another thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/result.h"

namespace paasmaker::sql {

using Value = std::variant<std::monostate, int64_t, double, std::string>;

inline Value Null() { return std::monostate{}; }

// One result row: column name -> value. Accessors convert leniently
// (PostgreSQL returns text for every column; "12" reads as 12).
class Row {
 public:
  void Set(std::string column, Value value) { columns_[std::move(column)] = std::move(value); }
  bool Has(const std::string& column) const { return columns_.count(column) > 0; }
  bool IsNull(const std::string& column) const;
  std::string GetString(const std::string& column) const;  // "" for NULL
  int64_t GetInt(const std::string& column) const;         // 0 for NULL
  double GetDouble(const std::string& column) const;       // 0.0 for NULL
  const std::map<std::string, Value>& columns() const { return columns_; }

 private:
  std::map<std::string, Value> columns_;
};

using Rows = std::vector<Row>;
using Params = std::vector<Value>;

enum class Dialect { kSqlite, kPostgres };

class Database {
 public:
  virtual ~Database() = default;

  virtual Dialect dialect() const = 0;

  // Runs a statement that returns rows.
  virtual Result<Rows> Query(const std::string& statement, const Params& params = {}) = 0;

  // Runs a statement; returns the number of rows it changed.
  virtual Result<int64_t> Execute(const std::string& statement, const Params& params = {}) = 0;

  // Runs `body` inside BEGIN/COMMIT; a non-ok Status from body (or a failed
  // COMMIT) rolls back and is returned. As in PostgreSQL, a statement that
  // fails inside the body dooms the transaction even if the body ignores the
  // error: later statements return Aborted and nothing is committed.
  // Transaction() on the Database& given to the body joins the enclosing
  // transaction (no savepoint); its failure fails the enclosing one too.
  virtual Status Transaction(const std::function<Status(Database&)>& body) = 0;
};

// Opens a database from a DSN:
//   "sqlite:///abs/path/paasmaker.db" or "sqlite:relative/path.db"
//   "postgresql://user:pass@127.0.0.1:5432/dbname" (any libpq URI)
// The error names the DSN without its password.
Result<std::unique_ptr<Database>> Open(const std::string& dsn);

// The DSN with any password replaced by "***" (URI user:pass@ and
// password=... forms), safe for logs and error messages.
std::string RedactDsn(const std::string& dsn);

// One numbered schema step. Steps run in order, each in its own transaction,
// and are recorded in the table `schema_migrations` (version, description,
// applied_at as ISO-8601 UTC text).
struct Migration {
  int version;
  std::string description;
  std::vector<std::string> statements;
};

// Applies every migration newer than the database's recorded version.
// Refuses (FailedPrecondition) if the database is newer than `migrations`
// know, or if versions are not strictly increasing.
Status Migrate(Database& db, const std::vector<Migration>& migrations);

// The highest applied migration version (0 for a fresh database).
Result<int> SchemaVersion(Database& db);

}  // namespace paasmaker::sql
