// core/sql tests. Every TEST_P body runs twice: on SQLite in a temp dir and
// on a real PostgreSQL server (one TestPostgres for the whole binary, since
// initdb and start-up take seconds). Without PostgreSQL binaries the
// PostgreSQL half fails, naming what is missing: it must not pass silently.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/files.h"
#include "core/net.h"
#include "core/sql/database.h"
#include "core/sql/postgres_database.h"  // RewritePlaceholders
#include "temp_dir.h"
#include "test_databases.h"
#include "test_postgres.h"

namespace paasmaker::sql {
namespace {

using namespace std::string_literals;
namespace support = paasmaker::testing;

std::string Describe(const Status& status) { return status.ToString(); }
template <typename T>
std::string Describe(const Result<T>& result) {
  return result.status().ToString();
}

#define ASSERT_SUCCEEDS(expr)                                                  \
  do {                                                                         \
    const auto& sql_outcome_ = (expr);                                         \
    ASSERT_TRUE(sql_outcome_.ok()) << #expr << ": " << Describe(sql_outcome_); \
  } while (0)
#define EXPECT_SUCCEEDS(expr)                                                  \
  do {                                                                         \
    const auto& sql_outcome_ = (expr);                                         \
    EXPECT_TRUE(sql_outcome_.ok()) << #expr << ": " << Describe(sql_outcome_); \
  } while (0)

// ---------------------------------------------------------------------------
// Both backends

using support::Backend;
using support::SharedPostgres;

class SqlTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kSqlite) {
      auto opened = Open("sqlite://" + dir_.path() + "/state/paasmaker.db");
      ASSERT_SUCCEEDS(opened);
      db_ = std::move(opened).value();
      return;
    }
    support::TestPostgres& server = SharedPostgres();
    ASSERT_TRUE(server.started()) << "PostgreSQL tests need a PostgreSQL server: " << server.error();
    auto opened = Open(server.dsn());
    ASSERT_SUCCEEDS(opened);
    db_ = std::move(opened).value();
    // A clean schema per test is much cheaper than a database per test.
    ASSERT_SUCCEEDS(db_->Execute("DROP SCHEMA public CASCADE"));
    ASSERT_SUCCEEDS(db_->Execute("CREATE SCHEMA public"));
  }

  Database& db() { return *db_; }

  int64_t CountRows(const std::string& table) {
    auto rows = db().Query("SELECT COUNT(*) AS n FROM " + table);
    EXPECT_TRUE(rows.ok()) << Describe(rows);
    return rows.ok() && !rows->empty() ? rows->front().GetInt("n") : -1;
  }

  void CreateItems() {
    ASSERT_SUCCEEDS(
        db().Execute("CREATE TABLE items (id TEXT PRIMARY KEY, count BIGINT, "
                     "ratio DOUBLE PRECISION, note TEXT)"));
  }

  support::TempDir dir_{"pm-sql"};
  std::unique_ptr<Database> db_;
};

INSTANTIATE_TEST_SUITE_P(Backends, SqlTest, support::BothBackends(), support::BackendParamName);

TEST_P(SqlTest, ReportsItsDialect) {
  EXPECT_EQ(db().dialect(), GetParam() == Backend::kSqlite ? Dialect::kSqlite : Dialect::kPostgres);
}

TEST_P(SqlTest, StoresAndReadsEveryValueType) {
  CreateItems();
  const int64_t beyond_double = 9007199254740993;  // 2^53 + 1: mangled if it passes through a double
  const std::string awkward = "it's \"quoted\", ünïcode, ? and $1";
  const std::string insert = "INSERT INTO items (id, count, ratio, note) VALUES (?, ?, ?, ?)";
  ASSERT_SUCCEEDS(db().Execute(insert, {"a"s, beyond_double, 0.1, awkward}));
  ASSERT_SUCCEEDS(db().Execute(insert, {"b"s, int64_t{-42}, -1.5e300, Null()}));
  ASSERT_SUCCEEDS(db().Execute(insert, {"c"s, Null(), Null(), ""s}));

  auto rows = db().Query("SELECT id, count, ratio, note FROM items ORDER BY id");
  ASSERT_SUCCEEDS(rows);
  ASSERT_EQ(rows->size(), 3u);
  const Row& a = (*rows)[0];
  EXPECT_EQ(a.GetString("id"), "a");
  EXPECT_EQ(a.GetInt("count"), beyond_double);
  EXPECT_EQ(a.GetString("count"), "9007199254740993");
  EXPECT_EQ(a.GetDouble("ratio"), 0.1);
  EXPECT_EQ(a.GetString("note"), awkward);
  EXPECT_FALSE(a.IsNull("note"));

  const Row& b = (*rows)[1];
  EXPECT_EQ(b.GetInt("count"), -42);
  EXPECT_EQ(b.GetDouble("ratio"), -1.5e300);
  EXPECT_TRUE(b.IsNull("note"));
  EXPECT_EQ(b.GetString("note"), "");

  const Row& c = (*rows)[2];
  EXPECT_TRUE(c.IsNull("count"));
  EXPECT_EQ(c.GetInt("count"), 0);
  EXPECT_TRUE(c.IsNull("ratio"));
  EXPECT_EQ(c.GetDouble("ratio"), 0.0);
  EXPECT_FALSE(c.IsNull("note")) << "an empty string is not NULL";

  auto by_count = db().Query("SELECT id FROM items WHERE count = ?", {beyond_double});
  ASSERT_SUCCEEDS(by_count);
  ASSERT_EQ(by_count->size(), 1u);
  EXPECT_EQ(by_count->front().GetString("id"), "a");
  auto by_null = db().Query("SELECT id FROM items WHERE note IS NULL");
  ASSERT_SUCCEEDS(by_null);
  ASSERT_EQ(by_null->size(), 1u);
  EXPECT_EQ(by_null->front().GetString("id"), "b");
}

TEST_P(SqlTest, CastMakesAnUntypedParameterArithmetic) {
  auto rows = db().Query("SELECT CAST(? AS BIGINT) + 1 AS n", {int64_t{41}});
  ASSERT_SUCCEEDS(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().GetInt("n"), 42);
}

TEST_P(SqlTest, QuestionMarksInsideStringLiteralsAreNotParameters) {
  ASSERT_SUCCEEDS(db().Execute("CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT)"));
  auto inserted = db().Execute("INSERT INTO notes (id, body) VALUES (?, 'why? ''it?'' said so')", {"n1"s});
  ASSERT_SUCCEEDS(inserted);
  EXPECT_EQ(*inserted, 1);

  auto rows = db().Query("SELECT body, 'still?' AS tail FROM notes WHERE body LIKE '%?%' AND id = ?", {"n1"s});
  ASSERT_SUCCEEDS(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().GetString("body"), "why? 'it?' said so");
  EXPECT_EQ(rows->front().GetString("tail"), "still?");
}

TEST_P(SqlTest, WrongParameterCountIsAnError) {
  auto too_few = db().Query("SELECT ? AS a, ? AS b", {int64_t{1}});
  ASSERT_FALSE(too_few.ok());
  EXPECT_EQ(too_few.status().code(), StatusCode::kInvalidArgument) << Describe(too_few);
  auto too_many = db().Query("SELECT 1 AS a", {int64_t{1}});
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.status().code(), StatusCode::kInvalidArgument) << Describe(too_many);
}

TEST_P(SqlTest, ExecuteReturnsTheNumberOfChangedRows) {
  auto created = db().Execute("CREATE TABLE counters (id TEXT PRIMARY KEY, n BIGINT)");
  ASSERT_SUCCEEDS(created);
  EXPECT_EQ(*created, 0);
  for (int64_t i = 1; i <= 3; ++i) {
    auto inserted = db().Execute("INSERT INTO counters (id, n) VALUES (?, ?)", {"c" + std::to_string(i), i});
    ASSERT_SUCCEEDS(inserted);
    EXPECT_EQ(*inserted, 1);
  }
  auto updated = db().Execute("UPDATE counters SET n = n + 10 WHERE n >= ?", {int64_t{2}});
  ASSERT_SUCCEEDS(updated);
  EXPECT_EQ(*updated, 2);
  auto none = db().Execute("UPDATE counters SET n = 0 WHERE id = ?", {"missing"s});
  ASSERT_SUCCEEDS(none);
  EXPECT_EQ(*none, 0);
  auto deleted = db().Execute("DELETE FROM counters");
  ASSERT_SUCCEEDS(deleted);
  EXPECT_EQ(*deleted, 3);
  // A statement that changes no rows right after one that did reports 0.
  auto created_after = db().Execute("CREATE TABLE later (id TEXT)");
  ASSERT_SUCCEEDS(created_after);
  EXPECT_EQ(*created_after, 0);
}

TEST_P(SqlTest, TransactionCommitsWhenTheBodySucceeds) {
  CreateItems();
  Status status = db().Transaction([](Database& tx) -> Status {
    PM_RETURN_IF_ERROR(tx.Execute("INSERT INTO items (id) VALUES (?)", {"a"s}).status());
    PM_RETURN_IF_ERROR(tx.Execute("INSERT INTO items (id) VALUES (?)", {"b"s}).status());
    auto seen = tx.Query("SELECT COUNT(*) AS n FROM items");
    if (!seen.ok()) return seen.status();
    return seen->front().GetInt("n") == 2 ? Status::Ok() : Internal("own writes not visible");
  });
  ASSERT_SUCCEEDS(status);
  EXPECT_EQ(CountRows("items"), 2);
}

TEST_P(SqlTest, TransactionRollsBackWhenTheBodyFails) {
  CreateItems();
  Status status = db().Transaction([](Database& tx) -> Status {
    PM_RETURN_IF_ERROR(tx.Execute("INSERT INTO items (id) VALUES (?)", {"a"s}).status());
    return Aborted("changed my mind");
  });
  EXPECT_EQ(status.code(), StatusCode::kAborted);
  EXPECT_EQ(status.message(), "changed my mind");
  EXPECT_EQ(CountRows("items"), 0);
}

TEST_P(SqlTest, AFailedStatementRollsBackTheTransactionEvenIfIgnored) {
  CreateItems();
  Status status = db().Transaction([](Database& tx) -> Status {
    PM_RETURN_IF_ERROR(tx.Execute("INSERT INTO items (id) VALUES (?)", {"a"s}).status());
    tx.Execute("INSERT INTO no_such_table (id) VALUES (1)").status().IgnoreError();
    // PostgreSQL ignores everything after a failure; SQLite is made to agree.
    auto after = tx.Execute("INSERT INTO items (id) VALUES (?)", {"b"s});
    EXPECT_FALSE(after.ok());
    return Status::Ok();
  });
  EXPECT_EQ(status.code(), StatusCode::kAborted) << Describe(status);
  EXPECT_NE(status.message().find("no_such_table"), std::string::npos) << Describe(status);
  EXPECT_EQ(CountRows("items"), 0);
}

TEST_P(SqlTest, NestedTransactionJoinsTheOuterOne) {
  CreateItems();
  Status committed = db().Transaction([](Database& tx) -> Status {
    PM_RETURN_IF_ERROR(tx.Execute("INSERT INTO items (id) VALUES ('outer')").status());
    return tx.Transaction(
        [](Database& inner) { return inner.Execute("INSERT INTO items (id) VALUES ('inner')").status(); });
  });
  ASSERT_SUCCEEDS(committed);
  EXPECT_EQ(CountRows("items"), 2);

  Status rolled_back = db().Transaction([](Database& tx) -> Status {
    PM_RETURN_IF_ERROR(tx.Execute("INSERT INTO items (id) VALUES ('outer2')").status());
    tx.Transaction([](Database& inner) -> Status {
        PM_RETURN_IF_ERROR(inner.Execute("INSERT INTO items (id) VALUES ('inner2')").status());
        return Aborted("inner gave up");
      }).IgnoreError();
    return Status::Ok();  // the inner failure still undoes everything
  });
  EXPECT_FALSE(rolled_back.ok());
  EXPECT_NE(rolled_back.message().find("inner gave up"), std::string::npos) << Describe(rolled_back);
  EXPECT_EQ(CountRows("items"), 2);
}

TEST_P(SqlTest, UsingTheOuterObjectInsideATransactionFailsInsteadOfDeadlocking) {
  Status status = db().Transaction([this](Database&) { return db().Query("SELECT 1 AS one").status(); });
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition) << Describe(status);
  EXPECT_SUCCEEDS(db().Query("SELECT 1 AS one"));
}

TEST_P(SqlTest, AnExceptionInTheBodyBecomesAStatusAndRollsBack) {
  CreateItems();
  Status status = db().Transaction([](Database& tx) -> Status {
    tx.Execute("INSERT INTO items (id) VALUES ('a')").status().IgnoreError();
    throw std::runtime_error("boom");
  });
  EXPECT_EQ(status.code(), StatusCode::kInternal);
  EXPECT_NE(status.message().find("boom"), std::string::npos);
  EXPECT_EQ(CountRows("items"), 0);
}

TEST_P(SqlTest, ConstraintViolationsHaveTheirOwnCodes) {
  ASSERT_SUCCEEDS(db().Execute("CREATE TABLE apps (id TEXT PRIMARY KEY)"));
  ASSERT_SUCCEEDS(
      db().Execute("CREATE TABLE versions (id TEXT PRIMARY KEY, app_id TEXT NOT NULL REFERENCES apps (id))"));
  ASSERT_SUCCEEDS(db().Execute("INSERT INTO apps (id) VALUES ('a')"));
  auto duplicate = db().Execute("INSERT INTO apps (id) VALUES ('a')");
  EXPECT_EQ(duplicate.status().code(), StatusCode::kAlreadyExists) << Describe(duplicate);
  auto orphan = db().Execute("INSERT INTO versions (id, app_id) VALUES ('v', 'missing')");
  EXPECT_EQ(orphan.status().code(), StatusCode::kFailedPrecondition)
      << "foreign keys must be enforced: " << Describe(orphan);
}

TEST_P(SqlTest, BadSqlReturnsAStatusNamingTheProblem) {
  auto typo = db().Query("SELEC 1");
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.status().code(), StatusCode::kInvalidArgument) << Describe(typo);
  EXPECT_NE(typo.status().message().find("SELEC"), std::string::npos) << Describe(typo);

  auto missing = db().Query("SELECT * FROM no_such_table");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("no_such_table"), std::string::npos) << Describe(missing);

  auto empty = db().Execute("   ");
  EXPECT_FALSE(empty.ok());
  auto several = db().Execute("CREATE TABLE x (id TEXT); CREATE TABLE y (id TEXT)");
  EXPECT_FALSE(several.ok()) << "only the first statement would run";

  EXPECT_SUCCEEDS(db().Query("SELECT 1 AS still_usable"));
}

// ---------------------------------------------------------------------------
// Migrations

std::vector<Migration> Steps(size_t count) {
  std::vector<Migration> all = {
      {1, "create apps", {"CREATE TABLE apps (id TEXT PRIMARY KEY, name TEXT NOT NULL)"}},
      {2, "seed the default app", {"INSERT INTO apps (id, name) VALUES ('default', 'Default')"}},
      {3,
       "add versions",
       {"CREATE TABLE versions (id TEXT PRIMARY KEY, app_id TEXT NOT NULL REFERENCES apps (id))",
        "INSERT INTO versions (id, app_id) VALUES ('v1', 'default')"}},
  };
  all.resize(count, Migration{});
  return all;
}

TEST_P(SqlTest, MigrateAppliesStepsInOrderAndRecordsThem) {
  auto fresh = SchemaVersion(db());
  ASSERT_SUCCEEDS(fresh);
  EXPECT_EQ(*fresh, 0);

  ASSERT_SUCCEEDS(Migrate(db(), Steps(3)));
  auto version = SchemaVersion(db());
  ASSERT_SUCCEEDS(version);
  EXPECT_EQ(*version, 3);
  EXPECT_EQ(CountRows("versions"), 1) << "step 3 needs the rows of step 2";

  auto recorded = db().Query("SELECT version, description, applied_at FROM schema_migrations ORDER BY version");
  ASSERT_SUCCEEDS(recorded);
  ASSERT_EQ(recorded->size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*recorded)[i].GetInt("version"), static_cast<int64_t>(i + 1));
    EXPECT_EQ((*recorded)[i].GetString("applied_at").size(), std::string("2024-01-01T00:00:00Z").size());
  }
  EXPECT_EQ((*recorded)[1].GetString("description"), "seed the default app");
}

TEST_P(SqlTest, MigrateAgainIsANoOp) {
  ASSERT_SUCCEEDS(Migrate(db(), Steps(3)));
  ASSERT_SUCCEEDS(Migrate(db(), Steps(3)));
  EXPECT_EQ(CountRows("apps"), 1) << "the seed step ran twice";
  EXPECT_EQ(CountRows("schema_migrations"), 3);
}

TEST_P(SqlTest, MigrateAppliesOnlyTheNewSteps) {
  ASSERT_SUCCEEDS(Migrate(db(), Steps(2)));
  ASSERT_SUCCEEDS(Migrate(db(), Steps(3)));
  EXPECT_EQ(CountRows("apps"), 1);
  auto version = SchemaVersion(db());
  ASSERT_SUCCEEDS(version);
  EXPECT_EQ(*version, 3);
}

TEST_P(SqlTest, MigrateRefusesADatabaseNewerThanTheCode) {
  ASSERT_SUCCEEDS(Migrate(db(), Steps(3)));
  Status older_code = Migrate(db(), Steps(2));
  EXPECT_EQ(older_code.code(), StatusCode::kFailedPrecondition) << Describe(older_code);
  EXPECT_NE(older_code.message().find("version 3"), std::string::npos) << Describe(older_code);
  auto version = SchemaVersion(db());
  ASSERT_SUCCEEDS(version);
  EXPECT_EQ(*version, 3);
}

TEST_P(SqlTest, MigrateRefusesVersionsThatDoNotIncrease) {
  std::vector<Migration> backwards = {{2, "two", {"CREATE TABLE two (id TEXT)"}},
                                      {1, "one", {"CREATE TABLE one (id TEXT)"}}};
  EXPECT_EQ(Migrate(db(), backwards).code(), StatusCode::kFailedPrecondition);
  std::vector<Migration> repeated = {{1, "one", {"CREATE TABLE one (id TEXT)"}},
                                     {1, "again", {"CREATE TABLE again (id TEXT)"}}};
  EXPECT_EQ(Migrate(db(), repeated).code(), StatusCode::kFailedPrecondition);
  EXPECT_FALSE(db().Query("SELECT * FROM one").ok()) << "nothing may run before the list is checked";
}

TEST_P(SqlTest, AFailedMigrationLeavesTheVersionUnchanged) {
  ASSERT_SUCCEEDS(Migrate(db(), Steps(1)));
  std::vector<Migration> broken = Steps(1);
  broken.push_back({2, "half done", {"CREATE TABLE half (id TEXT)", "INSERT INTO no_such_table VALUES (1)"}});
  Status status = Migrate(db(), broken);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("migration 2"), std::string::npos) << Describe(status);
  EXPECT_NE(status.message().find("no_such_table"), std::string::npos) << Describe(status);
  auto version = SchemaVersion(db());
  ASSERT_SUCCEEDS(version);
  EXPECT_EQ(*version, 1);
  EXPECT_FALSE(db().Query("SELECT * FROM half").ok()) << "the step's first statement was not rolled back";
}

// ---------------------------------------------------------------------------
// Concurrency

TEST_P(SqlTest, FourThreadsInsertingConcurrentlyLoseNothing) {
  ASSERT_SUCCEEDS(db().Execute("CREATE TABLE hits (id TEXT PRIMARY KEY, worker BIGINT, seq BIGINT)"));
  constexpr int kThreads = 4;
  constexpr int kInsertsPerThread = 200;
  std::atomic<int> failures{0};
  std::string first_failure;
  std::mutex first_failure_mutex;
  auto record = [&](const Status& status) {
    if (status.ok()) return;
    if (failures.fetch_add(1) == 0) {
      std::lock_guard<std::mutex> lock(first_failure_mutex);
      first_failure = status.ToString();
    }
  };
  std::vector<std::thread> workers;
  for (int worker = 0; worker < kThreads; ++worker) {
    workers.emplace_back([&, worker] {
      const std::string insert = "INSERT INTO hits (id, worker, seq) VALUES (?, ?, ?)";
      for (int seq = 0; seq < kInsertsPerThread; ++seq) {
        Params params = {std::to_string(worker) + "-" + std::to_string(seq), int64_t{worker}, int64_t{seq}};
        if (seq % 2 == 0) {
          record(db().Execute(insert, params).status());
        } else {
          // Half inside transactions, so BEGIN/COMMIT interleave with plain statements.
          record(db().Transaction([&](Database& tx) { return tx.Execute(insert, params).status(); }));
        }
      }
    });
  }
  for (std::thread& thread : workers) thread.join();
  EXPECT_EQ(failures.load(), 0) << first_failure;
  EXPECT_EQ(CountRows("hits"), kThreads * kInsertsPerThread);
}

// ---------------------------------------------------------------------------
// One backend or none

TEST(SqlOpenTest, UnknownSchemeIsRefusedWithoutThePassword) {
  auto opened = Open("mysql://admin:hunter2secret@db.example:3306/paasmaker");
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(opened.status().message().find("hunter2secret"), std::string::npos) << Describe(opened);
  EXPECT_NE(opened.status().message().find("mysql://admin:***@db.example"), std::string::npos) << Describe(opened);
}

TEST(SqlOpenTest, UnreachablePostgresIsUnavailableWithoutThePassword) {
  auto port = paasmaker::testing::FreeTestPort();
  ASSERT_SUCCEEDS(port);
  auto opened = Open("postgresql://admin:hunter2secret@127.0.0.1:" + std::to_string(*port) + "/paasmaker");
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kUnavailable) << Describe(opened);
  EXPECT_EQ(opened.status().message().find("hunter2secret"), std::string::npos) << Describe(opened);
  EXPECT_NE(opened.status().message().find("127.0.0.1"), std::string::npos) << Describe(opened);
}

TEST(SqlOpenTest, MalformedPostgresDsnDoesNotLeakThePassword) {
  auto opened = Open("postgresql://admin:hunter2secret@127.0.0.1:notaport/paasmaker?sslmode=bogus");
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().message().find("hunter2secret"), std::string::npos) << Describe(opened);
}

TEST(SqlOpenTest, SqliteDsnWithoutAPathIsRefused) {
  auto opened = Open("sqlite:");
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), StatusCode::kInvalidArgument);
}

TEST(SqlRedactTest, HidesPasswordsInEveryForm) {
  EXPECT_EQ(RedactDsn("postgresql://pm:s3cret@db:5432/pm"), "postgresql://pm:***@db:5432/pm");
  EXPECT_EQ(RedactDsn("postgresql://pm@db/pm?password=s3cret&sslmode=require"),
            "postgresql://pm@db/pm?password=***&sslmode=require");
  EXPECT_EQ(RedactDsn("host=db password='a b' user=pm"), "host=db password=*** user=pm");
  EXPECT_EQ(RedactDsn("host=db PASSWORD = s3cret"), "host=db PASSWORD = ***");
  EXPECT_EQ(RedactDsn("postgresql://pm@db/pm"), "postgresql://pm@db/pm");
  EXPECT_EQ(RedactDsn("sqlite:///var/lib/paasmaker/state.db"), "sqlite:///var/lib/paasmaker/state.db");
}

TEST(SqlRowTest, AccessorsConvertLeniently) {
  Row row;
  row.Set("int_text", "12"s);
  row.Set("real_text", " 1.5 "s);
  row.Set("true_text", "t"s);
  row.Set("false_text", "f"s);
  row.Set("junk", "abc"s);
  row.Set("int", int64_t{3});
  row.Set("real", 2.9);
  row.Set("null", Null());
  EXPECT_EQ(row.GetInt("int_text"), 12);
  EXPECT_EQ(row.GetDouble("int_text"), 12.0);
  EXPECT_EQ(row.GetDouble("real_text"), 1.5);
  EXPECT_EQ(row.GetInt("real_text"), 1);
  EXPECT_EQ(row.GetInt("true_text"), 1);
  EXPECT_EQ(row.GetInt("false_text"), 0);
  EXPECT_EQ(row.GetInt("junk"), 0);
  EXPECT_EQ(row.GetDouble("int"), 3.0);
  EXPECT_EQ(row.GetString("int"), "3");
  EXPECT_EQ(row.GetInt("real"), 2);
  EXPECT_EQ(row.GetString("real"), "2.9");
  EXPECT_TRUE(row.IsNull("null"));
  EXPECT_TRUE(row.IsNull("absent"));
  EXPECT_EQ(row.GetString("absent"), "");
  EXPECT_FALSE(row.IsNull("junk"));
}

TEST(SqlPlaceholderTest, RewritesOnlyRealPlaceholders) {
  int count = 0;
  std::string rewritten = RewritePlaceholders(
      "SELECT ?, '?', 'it''s?', \"odd?name\", ? -- a comment?\n"
      "/* block ? /* nested ? */ */ $$dollar?$$, $tag$x?$tag$, E'\\'?', ?",
      &count);
  EXPECT_EQ(rewritten,
            "SELECT $1, '?', 'it''s?', \"odd?name\", $2 -- a comment?\n"
            "/* block ? /* nested ? */ */ $$dollar?$$, $tag$x?$tag$, E'\\'?', $3");
  EXPECT_EQ(count, 3);
}

TEST(SqlSqliteTest, UsesWalAndForeignKeysAndCreatesTheParentDirectory) {
  support::TempDir dir("pm-sqlite");
  const std::string path = dir.path() + "/not/yet/there/paasmaker.db";
  auto opened = Open("sqlite://" + path);
  ASSERT_SUCCEEDS(opened);
  Database& db = **opened;
  EXPECT_TRUE(files::Exists(path));
  auto mode = db.Query("PRAGMA journal_mode");
  ASSERT_SUCCEEDS(mode);
  ASSERT_EQ(mode->size(), 1u);
  EXPECT_EQ(mode->front().GetString("journal_mode"), "wal");
  auto foreign_keys = db.Query("PRAGMA foreign_keys");
  ASSERT_SUCCEEDS(foreign_keys);
  ASSERT_EQ(foreign_keys->size(), 1u);
  EXPECT_EQ(foreign_keys->front().GetInt("foreign_keys"), 1);
}

TEST(SqlSqliteTest, OpensAPrivateInMemoryDatabase) {
  auto opened = Open("sqlite::memory:");
  ASSERT_SUCCEEDS(opened);
  ASSERT_SUCCEEDS(Migrate(**opened, Steps(3)));
  auto version = SchemaVersion(**opened);
  ASSERT_SUCCEEDS(version);
  EXPECT_EQ(*version, 3);
}

TEST(SqlSqliteTest, DataSurvivesReopening) {
  support::TempDir dir("pm-sqlite");
  const std::string dsn = "sqlite://" + dir.path() + "/state.db";
  {
    auto opened = Open(dsn);
    ASSERT_SUCCEEDS(opened);
    ASSERT_SUCCEEDS(Migrate(**opened, Steps(2)));
  }
  auto reopened = Open(dsn);
  ASSERT_SUCCEEDS(reopened);
  auto version = SchemaVersion(**reopened);
  ASSERT_SUCCEEDS(version);
  EXPECT_EQ(*version, 2);
}

TEST(SqlPostgresTest, ReconnectsAfterTheServerDropsTheConnection) {
  support::TestPostgres& server = SharedPostgres();
  ASSERT_TRUE(server.started()) << "PostgreSQL tests need a PostgreSQL server: " << server.error();
  auto opened = Open(server.dsn());
  ASSERT_SUCCEEDS(opened);
  Database& db = **opened;
  auto before = db.Query("SELECT pg_backend_pid() AS pid");
  ASSERT_SUCCEEDS(before);
  int64_t old_pid = before->front().GetInt("pid");

  auto admin = Open(server.dsn());
  ASSERT_SUCCEEDS(admin);
  auto killed = (*admin)->Query("SELECT pg_terminate_backend(CAST(? AS INTEGER)) AS done", {old_pid});
  ASSERT_SUCCEEDS(killed);
  ASSERT_EQ(killed->front().GetInt("done"), 1);

  // The statement racing the hang-up may fail; later ones must not.
  Result<Rows> after = Internal("not run");
  bool recovered = support::WaitFor(
      [&] {
        after = db.Query("SELECT pg_backend_pid() AS pid");
        return after.ok();
      },
      std::chrono::seconds(10));
  ASSERT_TRUE(recovered) << Describe(after);
  EXPECT_NE(after->front().GetInt("pid"), old_pid);
}

}  // namespace
}  // namespace paasmaker::sql
