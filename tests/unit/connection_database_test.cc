// ConnectionDatabase over a fake Connection: the error paths both backends
// share (a failed BEGIN, COMMIT or reconnect, a throwing body) that a real
// server seldom produces on demand. The happy paths and the poisoning rules
// run on real SQLite and PostgreSQL in sql_test.cc.
#include "core/sql/connection_database.h"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace paasmaker::sql {
namespace {

// Records what it was asked to do; fails what the test tells it to.
class FakeConnection final : public Connection {
 public:
  struct Script {
    Status connect = Status::Ok();
    Status begin = Status::Ok();
    Status commit = Status::Ok();
    std::string failing_statement{};  // Execute/Query of exactly this fails
  };

  FakeConnection(Script script, std::vector<std::string>* log) : script_(std::move(script)), log_(log) {}

  Status EnsureConnected() override {
    log_->push_back("connect");
    return script_.connect;
  }
  Result<Rows> Query(const std::string& statement, const Params&) override {
    log_->push_back(statement);
    if (statement == script_.failing_statement) return InvalidArgument("bad statement");
    return Rows{};
  }
  Result<int64_t> Execute(const std::string& statement, const Params&) override {
    log_->push_back(statement);
    if (statement == script_.failing_statement) return InvalidArgument("bad statement");
    return int64_t{1};
  }
  Status Begin() override {
    log_->push_back("BEGIN");
    return script_.begin;
  }
  Status Commit() override {
    log_->push_back("COMMIT");
    return script_.commit;
  }
  void RollbackIfOpen() override { log_->push_back("ROLLBACK"); }

 private:
  Script script_;
  std::vector<std::string>* log_;
};

class ConnectionDatabaseTest : public ::testing::Test {
 protected:
  Database& Db(FakeConnection::Script script = {}) {
    db_ = std::make_unique<ConnectionDatabase>(Dialect::kSqlite, std::make_unique<FakeConnection>(script, &log_));
    return *db_;
  }

  std::vector<std::string> log_;
  std::unique_ptr<Database> db_;  // as callers see it (the default arguments are on Database)
};

using Log = std::vector<std::string>;

TEST_F(ConnectionDatabaseTest, ABodyThatSucceedsIsCommitted) {
  Status status = Db().Transaction([](Database& tx) { return tx.Execute("INSERT a").status(); });
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(log_, (Log{"connect", "BEGIN", "INSERT a", "COMMIT"}));
}

TEST_F(ConnectionDatabaseTest, TheScopeReportsTheBackendsDialect) {
  auto db = std::make_unique<ConnectionDatabase>(Dialect::kPostgres,
                                                 std::make_unique<FakeConnection>(FakeConnection::Script{}, &log_));
  Dialect inside = Dialect::kSqlite;
  ASSERT_TRUE(db->Transaction([&](Database& tx) {
                  inside = tx.dialect();
                  return Status::Ok();
                }).ok());
  EXPECT_EQ(inside, Dialect::kPostgres);
}

TEST_F(ConnectionDatabaseTest, AFailedBeginRunsNothing) {
  bool ran = false;
  Status status = Db({.begin = Unavailable("locked")}).Transaction([&](Database&) {
    ran = true;
    return Status::Ok();
  });
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_NE(status.ToString().find("starting a transaction"), std::string::npos) << status.ToString();
  EXPECT_FALSE(ran);
  EXPECT_EQ(log_, (Log{"connect", "BEGIN"}));
}

TEST_F(ConnectionDatabaseTest, AFailedReconnectRunsNothing) {
  Status status = Db({.connect = Unavailable("server gone")}).Transaction([](Database&) { return Status::Ok(); });
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(log_, (Log{"connect"}));
  auto query = db_->Query("SELECT 1");
  ASSERT_FALSE(query.ok());
  EXPECT_EQ(query.status().code(), StatusCode::kUnavailable);
}

TEST_F(ConnectionDatabaseTest, AFailedCommitRollsBackAndSaysSo) {
  Status status = Db({.commit = Aborted("serialization failure")}).Transaction([](Database& tx) {
    return tx.Execute("INSERT a").status();
  });
  EXPECT_EQ(status.code(), StatusCode::kAborted);
  EXPECT_NE(status.ToString().find("committing"), std::string::npos) << status.ToString();
  EXPECT_EQ(log_, (Log{"connect", "BEGIN", "INSERT a", "COMMIT", "ROLLBACK"}));
}

TEST_F(ConnectionDatabaseTest, ABodyErrorRollsBackWithoutCommitting) {
  Status status = Db().Transaction([](Database& tx) -> Status {
    PM_RETURN_IF_ERROR(tx.Execute("INSERT a").status());
    return NotFound("no such thing");
  });
  EXPECT_EQ(status.code(), StatusCode::kNotFound);
  EXPECT_EQ(log_, (Log{"connect", "BEGIN", "INSERT a", "ROLLBACK"}));
}

TEST_F(ConnectionDatabaseTest, AnIgnoredStatementFailureStillRollsBack) {
  Status status = Db({.failing_statement = "INSERT bad"}).Transaction([](Database& tx) {
    (void)tx.Execute("INSERT bad");
    auto after = tx.Execute("INSERT b");  // refused without reaching the connection
    EXPECT_EQ(after.status().code(), StatusCode::kAborted);
    return Status::Ok();
  });
  EXPECT_EQ(status.code(), StatusCode::kAborted);
  EXPECT_NE(status.message().find("bad statement"), std::string::npos) << status.ToString();
  EXPECT_EQ(log_, (Log{"connect", "BEGIN", "INSERT bad", "ROLLBACK"}));
}

TEST_F(ConnectionDatabaseTest, AThrowingBodyIsAnInternalErrorAndRollsBack) {
  Status status = Db().Transaction([](Database&) -> Status { throw std::runtime_error("boom"); });
  EXPECT_EQ(status.code(), StatusCode::kInternal);
  EXPECT_NE(status.message().find("boom"), std::string::npos);
  EXPECT_EQ(log_, (Log{"connect", "BEGIN", "ROLLBACK"}));
}

TEST_F(ConnectionDatabaseTest, ANestedFailureFailsTheWholeTransaction) {
  Status status = Db().Transaction([](Database& tx) {
    (void)tx.Transaction([](Database& inner) -> Status {
      PM_RETURN_IF_ERROR(inner.Execute("INSERT a").status());
      return FailedPrecondition("inner refused");
    });
    return Status::Ok();
  });
  EXPECT_EQ(status.code(), StatusCode::kAborted);
  EXPECT_NE(status.message().find("inner refused"), std::string::npos);
  EXPECT_EQ(log_, (Log{"connect", "BEGIN", "INSERT a", "ROLLBACK"}));
}

TEST_F(ConnectionDatabaseTest, UsingTheOuterObjectInsideItsTransactionIsRefusedNotDeadlocked) {
  Database& db = Db();
  Status inner = Status::Ok();
  Status status = db.Transaction([&](Database&) {
    inner = db.Execute("INSERT a").status();
    return Status::Ok();
  });
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(inner.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(log_, (Log{"connect", "BEGIN", "COMMIT"}));
}

}  // namespace
}  // namespace paasmaker::sql
