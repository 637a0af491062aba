#include "core/sql/connection_database.h"

#include <exception>

namespace paasmaker::sql {

namespace {

Status RunTransactionBody(const std::function<Status(Database&)>& body, Database& scope) {
  // No exception may leave the wrapper, and one that did would leave the
  // transaction open on a connection other threads are waiting for.
  try {
    return body(scope);
  } catch (const std::exception& e) {
    return Internal(std::string("transaction body threw: ") + e.what());
  } catch (...) {
    return Internal("transaction body threw a non-standard exception");
  }
}

// The Database& a Transaction() body receives: the locked connection,
// without locking again. After a failed statement PostgreSQL ignores the
// rest of the transaction; the scope says so itself, with the first error,
// and makes SQLite do the same, so the transaction rolls back even if the
// body ignores the error.
class TransactionScope final : public Database {
 public:
  TransactionScope(Dialect dialect, Connection& connection) : dialect_(dialect), connection_(connection) {}

  Dialect dialect() const override { return dialect_; }

  Result<Rows> Query(const std::string& statement, const Params& params) override {
    PM_RETURN_IF_ERROR(CheckNotPoisoned());
    return Remember(connection_.Query(statement, params));
  }

  Result<int64_t> Execute(const std::string& statement, const Params& params) override {
    PM_RETURN_IF_ERROR(CheckNotPoisoned());
    return Remember(connection_.Execute(statement, params));
  }

  // Nested: part of the enclosing transaction. Its failure fails the whole
  // transaction, since its writes cannot be undone on their own.
  Status Transaction(const std::function<Status(Database&)>& body) override {
    PM_RETURN_IF_ERROR(CheckNotPoisoned());
    Status status = RunTransactionBody(body, *this);
    if (!status.ok() && failure_.ok()) failure_ = status;
    return status;
  }

  const Status& failure() const { return failure_; }

 private:
  Status CheckNotPoisoned() const {
    if (failure_.ok()) return Status::Ok();
    return Aborted("transaction already failed, commands ignored until it ends: " + failure_.message());
  }

  template <typename T>
  Result<T> Remember(Result<T> result) {
    if (!result.ok() && failure_.ok()) failure_ = result.status();
    return result;
  }

  const Dialect dialect_;
  Connection& connection_;
  Status failure_;
};

}  // namespace

Result<Rows> ConnectionDatabase::Query(const std::string& statement, const Params& params) {
  PM_RETURN_IF_ERROR(CheckNotReentered());
  std::lock_guard<std::mutex> lock(mutex_);
  PM_RETURN_IF_ERROR(connection_->EnsureConnected());
  return connection_->Query(statement, params);
}

Result<int64_t> ConnectionDatabase::Execute(const std::string& statement, const Params& params) {
  PM_RETURN_IF_ERROR(CheckNotReentered());
  std::lock_guard<std::mutex> lock(mutex_);
  PM_RETURN_IF_ERROR(connection_->EnsureConnected());
  return connection_->Execute(statement, params);
}

Status ConnectionDatabase::Transaction(const std::function<Status(Database&)>& body) {
  PM_RETURN_IF_ERROR(CheckNotReentered());
  std::lock_guard<std::mutex> lock(mutex_);
  PM_RETURN_IF_ERROR(connection_->EnsureConnected());
  Status begun = connection_->Begin();
  if (!begun.ok()) return begun.WithContext("starting a transaction");

  TransactionScope scope(dialect_, *connection_);
  transaction_thread_.store(std::this_thread::get_id());
  Status status = RunTransactionBody(body, scope);
  transaction_thread_.store(std::thread::id());

  if (status.ok() && !scope.failure().ok()) {
    status = Aborted("transaction rolled back because a statement in it failed: " + scope.failure().message());
  }
  if (status.ok()) {
    Status committed = connection_->Commit();
    if (committed.ok()) return Status::Ok();
    status = committed.WithContext("committing");
  }
  connection_->RollbackIfOpen();
  return status;
}

Status ConnectionDatabase::CheckNotReentered() const {
  if (transaction_thread_.load() != std::this_thread::get_id()) return Status::Ok();
  return FailedPrecondition(
      "database used directly from inside its own Transaction(); use the Database& passed to the body");
}

}  // namespace paasmaker::sql
