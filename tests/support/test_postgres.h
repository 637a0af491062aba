// TestPostgres: a throwaway PostgreSQL server for tests. initdb into a temp
// dir, start on a free loopback port, create a database; stopped and removed
// afterwards. As root (CI), the server runs as the `postgres` system user,
// since PostgreSQL refuses to run as root.
#pragma once

#include <memory>
#include <string>

namespace paasmaker::testing {

class TestPostgres {
 public:
  TestPostgres();   // starts; started()==false with a reason in error() if it cannot
  ~TestPostgres();  // stops the server, removes its directory

  bool started() const { return started_; }
  const std::string& error() const { return error_; }
  // libpq URI for the test database, e.g. postgresql://postgres@127.0.0.1:PORT/paasmaker_test
  const std::string& dsn() const { return dsn_; }

 private:
  bool started_ = false;
  std::string error_;
  std::string dsn_;
  std::string dir_;
  int port_ = 0;
};

}  // namespace paasmaker::testing
