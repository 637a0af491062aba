// The backend-independent half of core/sql: Row's lenient accessors, DSN
// dispatch and redaction, and schema migrations.
#include "core/sql/database.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <ctime>
#include <limits>
#include <string_view>

#include "core/sql/postgres_database.h"
#include "core/sql/sqlite_database.h"

namespace paasmaker::sql {

namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

bool StartsWith(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// Shortest text that reads back as the same double.
std::string FormatDouble(double value) {
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  if (ec != std::errc()) return std::to_string(value);
  return std::string(buffer, end);
}

std::optional<double> TextToDouble(std::string_view text) {
  text = Trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

int64_t DoubleToInt(double value) {
  // Out-of-range casts are undefined behaviour; saturate instead.
  if (std::isnan(value)) return 0;
  if (value >= 9223372036854775807.0) return std::numeric_limits<int64_t>::max();
  if (value <= -9223372036854775808.0) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(value);
}

// PostgreSQL sends every column as text, booleans as "t"/"f".
int64_t TextToInt(std::string_view text) {
  text = Trim(text);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) return value;
  if (text == "t" || text == "true") return 1;
  if (text == "f" || text == "false") return 0;
  if (auto as_double = TextToDouble(text)) return DoubleToInt(*as_double);
  return 0;
}

}  // namespace

// ---------------------------------------------------------------------------
// Row

bool Row::IsNull(const std::string& column) const {
  auto it = columns_.find(column);
  return it == columns_.end() || std::holds_alternative<std::monostate>(it->second);
}

std::string Row::GetString(const std::string& column) const {
  auto it = columns_.find(column);
  if (it == columns_.end()) return "";
  const Value& value = it->second;
  if (auto* text = std::get_if<std::string>(&value)) return *text;
  if (auto* number = std::get_if<int64_t>(&value)) return std::to_string(*number);
  if (auto* real = std::get_if<double>(&value)) return FormatDouble(*real);
  return "";
}

int64_t Row::GetInt(const std::string& column) const {
  auto it = columns_.find(column);
  if (it == columns_.end()) return 0;
  const Value& value = it->second;
  if (auto* number = std::get_if<int64_t>(&value)) return *number;
  if (auto* real = std::get_if<double>(&value)) return DoubleToInt(*real);
  if (auto* text = std::get_if<std::string>(&value)) return TextToInt(*text);
  return 0;
}

double Row::GetDouble(const std::string& column) const {
  auto it = columns_.find(column);
  if (it == columns_.end()) return 0.0;
  const Value& value = it->second;
  if (auto* real = std::get_if<double>(&value)) return *real;
  if (auto* number = std::get_if<int64_t>(&value)) return static_cast<double>(*number);
  if (auto* text = std::get_if<std::string>(&value)) {
    if (auto parsed = TextToDouble(*text)) return *parsed;
    return static_cast<double>(TextToInt(*text));  // "t"/"f"
  }
  return 0.0;
}

// ---------------------------------------------------------------------------
// DSNs

std::string RedactDsn(const std::string& dsn) {
  std::string out = dsn;
  // URI form: scheme://user:password@host... The password ends at the last
  // '@' before the query string; over-redacting a strange DSN beats leaking.
  auto scheme_end = out.find("://");
  if (scheme_end != std::string::npos) {
    size_t authority = scheme_end + 3;
    size_t query = out.find('?', authority);
    size_t at = out.rfind('@', query == std::string::npos ? std::string::npos : query);
    if (at != std::string::npos && at >= authority) {
      size_t colon = out.find(':', authority);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // Keyword form and URI query parameters: password=secret / password='a b'.
  size_t search_from = 0;
  while (true) {
    std::string lowered = out;
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    size_t key = lowered.find("password", search_from);
    if (key == std::string::npos) break;
    size_t equals = key + 8;
    while (equals < out.size() && out[equals] == ' ') ++equals;
    if (equals >= out.size() || out[equals] != '=') {
      search_from = key + 8;
      continue;
    }
    size_t value_start = equals + 1;
    while (value_start < out.size() && out[value_start] == ' ') ++value_start;
    size_t value_end = value_start;
    if (value_start < out.size() && out[value_start] == '\'') {
      value_end = value_start + 1;
      while (value_end < out.size() && out[value_end] != '\'') {
        if (out[value_end] == '\\') ++value_end;
        ++value_end;
      }
      value_end = std::min(out.size(), value_end + 1);
    } else {
      while (value_end < out.size() && out[value_end] != '&' && out[value_end] != ' ' && out[value_end] != '\t') {
        ++value_end;
      }
    }
    out.replace(value_start, value_end - value_start, "***");
    search_from = value_start + 3;
  }
  return out;
}

Result<std::unique_ptr<Database>> Open(const std::string& dsn) {
  if (StartsWith(dsn, "sqlite:")) {
    std::string path = dsn.substr(7);
    // "sqlite:///abs/path" -> "/abs/path"; "sqlite:rel/path" -> "rel/path".
    if (StartsWith(path, "//")) path = path.substr(2);
    if (path.empty()) return InvalidArgument("no database file in DSN " + RedactDsn(dsn));
    return OpenSqlite(path);
  }
  if (StartsWith(dsn, "postgresql://") || StartsWith(dsn, "postgres://")) {
    auto opened = OpenPostgres(dsn);
    if (!opened.ok()) return opened.status().WithContext("opening " + RedactDsn(dsn));
    return opened;
  }
  return InvalidArgument("unsupported database DSN " + RedactDsn(dsn) +
                         " (expected sqlite:/path/to/file.db or postgresql://...)");
}

// ---------------------------------------------------------------------------
// Migrations

namespace {

constexpr const char* kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version BIGINT PRIMARY KEY,"
    " description TEXT NOT NULL,"
    " applied_at TEXT NOT NULL)";

std::string UtcNow() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm parts{};
  ::gmtime_r(&now, &parts);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &parts);
  return buffer;
}

Status CheckStrictlyIncreasing(const std::vector<Migration>& migrations) {
  int previous = 0;
  for (const Migration& migration : migrations) {
    if (migration.version <= previous) {
      return FailedPrecondition("migration versions must be positive and strictly increasing: " +
                                std::to_string(migration.version) + " follows " + std::to_string(previous));
    }
    previous = migration.version;
  }
  return Status::Ok();
}

Result<int> RecordedVersion(Database& db) {
  PM_ASSIGN_OR_RETURN(Rows rows, db.Query("SELECT MAX(version) AS version FROM schema_migrations"));
  if (rows.empty()) return 0;
  int64_t version = rows.front().GetInt("version");
  if (version < 0 || version > std::numeric_limits<int>::max()) {
    return FailedPrecondition("schema_migrations holds an impossible version " + std::to_string(version));
  }
  return static_cast<int>(version);
}

Status ApplyOne(Database& db, const Migration& migration) {
  return db.Transaction([&](Database& tx) -> Status {
    if (tx.dialect() == Dialect::kPostgres) {
      // Two controllers starting at once must not both apply a step;
      // SQLite's BEGIN IMMEDIATE already serialises writers.
      PM_RETURN_IF_ERROR(tx.Execute("LOCK TABLE schema_migrations IN EXCLUSIVE MODE").status());
    }
    PM_ASSIGN_OR_RETURN(int current, RecordedVersion(tx));
    if (current >= migration.version) return Status::Ok();  // another process got here first
    for (size_t i = 0; i < migration.statements.size(); ++i) {
      auto executed = tx.Execute(migration.statements[i]);
      if (!executed.ok()) {
        return executed.status().WithContext("statement " + std::to_string(i + 1));
      }
    }
    return tx
        .Execute("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
                 {int64_t{migration.version}, migration.description, UtcNow()})
        .status();
  });
}

}  // namespace

Status Migrate(Database& db, const std::vector<Migration>& migrations) {
  PM_RETURN_IF_ERROR(CheckStrictlyIncreasing(migrations));
  auto created = db.Execute(kCreateMigrationsTable);
  if (!created.ok()) return created.status().WithContext("creating schema_migrations");
  PM_ASSIGN_OR_RETURN(int current, RecordedVersion(db));
  int latest = migrations.empty() ? 0 : migrations.back().version;
  if (current > latest) {
    return FailedPrecondition("the database schema is at version " + std::to_string(current) +
                              " but this program knows migrations only up to " + std::to_string(latest) +
                              "; run a newer paasmaker");
  }
  for (const Migration& migration : migrations) {
    if (migration.version <= current) continue;
    Status applied = ApplyOne(db, migration);
    if (!applied.ok()) {
      return applied.WithContext("migration " + std::to_string(migration.version) + " (" + migration.description + ")");
    }
  }
  return Status::Ok();
}

Result<int> SchemaVersion(Database& db) {
  std::string exists_query =
      db.dialect() == Dialect::kPostgres
          ? "SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0 ELSE 1 END AS present"
          : "SELECT COUNT(*) AS present FROM sqlite_master"
            " WHERE type = 'table' AND name = 'schema_migrations'";
  PM_ASSIGN_OR_RETURN(Rows rows, db.Query(exists_query));
  if (rows.empty() || rows.front().GetInt("present") == 0) return 0;
  return RecordedVersion(db);
}

}  // namespace paasmaker::sql
