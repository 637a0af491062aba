#include "test_databases.h"

#include "core/ids.h"
#include "pacemaker/store/schema.h"

namespace paasmaker::testing {

namespace {

std::unique_ptr<TestPostgres>& PostgresSlot() {
  static std::unique_ptr<TestPostgres> server;
  return server;
}

class PostgresEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { PostgresSlot().reset(); }
};
[[maybe_unused]] ::testing::Environment* const kPostgresEnvironment =
    ::testing::AddGlobalTestEnvironment(new PostgresEnvironment);

}  // namespace

std::string BackendName(Backend backend) { return backend == Backend::kSqlite ? "Sqlite" : "Postgres"; }

void PrintTo(Backend backend, std::ostream* out) { *out << BackendName(backend); }

std::string BackendParamName(const ::testing::TestParamInfo<Backend>& info) { return BackendName(info.param); }

TestPostgres& SharedPostgres() {
  if (!PostgresSlot()) PostgresSlot() = std::make_unique<TestPostgres>();
  return *PostgresSlot();
}

Result<std::unique_ptr<sql::Database>> OpenEmptyDatabase(Backend backend, const std::string& dir) {
  if (backend == Backend::kSqlite) return sql::Open("sqlite://" + dir + "/paasmaker.db");
  TestPostgres& server = SharedPostgres();
  if (!server.started()) return Unavailable("PostgreSQL tests need a PostgreSQL server: " + server.error());
  PM_ASSIGN_OR_RETURN(std::unique_ptr<sql::Database> db, sql::Open(server.dsn()));
  PM_RETURN_IF_ERROR(db->Execute("DROP SCHEMA public CASCADE").status());
  PM_RETURN_IF_ERROR(db->Execute("CREATE SCHEMA public").status());
  return db;
}

Result<std::unique_ptr<sql::Database>> OpenPacemakerDatabase(Backend backend, const std::string& dir) {
  PM_RETURN_IF_ERROR(ids::Initialize());
  PM_ASSIGN_OR_RETURN(std::unique_ptr<sql::Database> db, OpenEmptyDatabase(backend, dir));
  PM_RETURN_IF_ERROR(sql::Migrate(*db, pacemaker::SchemaMigrations()).WithContext("pacemaker schema"));
  return db;
}

}  // namespace paasmaker::testing
