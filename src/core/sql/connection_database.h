// Private to core/sql: what the SQLite and PostgreSQL backends share.
//
// Each backend supplies a Connection (its raw, single-threaded handle);
// ConnectionDatabase turns it into the thread-safe Database of database.h:
// a mutex around every call, BEGIN/COMMIT/ROLLBACK around Transaction()
// bodies, and the scope those bodies receive, which poisons the transaction
// after its first failed statement. The rules live here once so both
// backends keep behaving alike (code tested on SQLite runs on PostgreSQL).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/sql/database.h"

namespace paasmaker::sql {

// A backend's raw connection. Not thread safe: ConnectionDatabase holds its
// mutex around every call.
class Connection {
 public:
  virtual ~Connection() = default;

  // Called before every statement or transaction from outside a
  // transaction; a backend whose server may drop it reconnects here, where
  // retrying cannot run anything twice.
  virtual Status EnsureConnected() { return Status::Ok(); }

  virtual Result<Rows> Query(const std::string& statement, const Params& params) = 0;
  virtual Result<int64_t> Execute(const std::string& statement, const Params& params) = 0;

  virtual Status Begin() = 0;
  // Non-ok when nothing was stored, even if the server accepted the COMMIT.
  virtual Status Commit() = 0;
  // Rolls back a transaction that is still open (the server may have ended
  // it already, and a second ROLLBACK would fail).
  virtual void RollbackIfOpen() = 0;
};

class ConnectionDatabase final : public Database {
 public:
  ConnectionDatabase(Dialect dialect, std::unique_ptr<Connection> connection)
      : dialect_(dialect), connection_(std::move(connection)) {}

  Dialect dialect() const override { return dialect_; }
  Result<Rows> Query(const std::string& statement, const Params& params) override;
  Result<int64_t> Execute(const std::string& statement, const Params& params) override;
  Status Transaction(const std::function<Status(Database&)>& body) override;

 private:
  // Calling the outer object from inside a Transaction() body on the same
  // thread would deadlock on mutex_; fail loudly instead.
  Status CheckNotReentered() const;

  const Dialect dialect_;
  std::mutex mutex_;
  std::atomic<std::thread::id> transaction_thread_{};
  std::unique_ptr<Connection> connection_;
};

}  // namespace paasmaker::sql
