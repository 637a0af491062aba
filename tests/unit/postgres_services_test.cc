// paasmaker.service.postgres against the shared test PostgreSQL: create,
// idempotent update, export/import (a failing import leaves the data),
// rotation and remove, all checked on the real server.
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>

#include "core/sql/database.h"
#include "pacemaker/services/service_plugin.h"
#include "temp_dir.h"
#include "test_databases.h"
#include "test_postgres.h"

namespace paasmaker::pacemaker::services {
namespace {

using nlohmann::json;
namespace support = paasmaker::testing;

class PostgresServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    support::TestPostgres& server = support::SharedPostgres();
    ASSERT_TRUE(server.started()) << "PostgreSQL service tests need a PostgreSQL server: " << server.error();
    context_.data_dir = dir_.path();
    context_.postgres_admin_dsn = server.dsn();
    plugin_ = FindServicePlugin("paasmaker.service.postgres");
    ASSERT_NE(plugin_, nullptr);
    service_.id = "Svc" + std::to_string(::getpid()) + "x" + std::to_string(counter_++);
    service_.name = "db";
    service_.plugin = plugin_->name();
  }
  void TearDown() override {
    if (plugin_ != nullptr) (void)plugin_->Remove(service_, context_);
  }

  // Connects as the service's login (the test server trusts loopback, so
  // this checks the role and its CONNECT right, not the password).
  std::unique_ptr<sql::Database> AsService(const json& credentials) {
    auto opened = sql::Open("postgresql://" + credentials["user"].get<std::string>() + "@" +
                            credentials["host"].get<std::string>() + ":" + std::to_string(credentials["port"].get<int>()) +
                            "/" + credentials["database"].get<std::string>());
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? std::move(opened).value() : nullptr;
  }
  int64_t AdminCount(const std::string& sql) {
    auto admin = sql::Open(context_.postgres_admin_dsn);
    EXPECT_TRUE(admin.ok());
    auto rows = (*admin)->Query(sql);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() && !rows->empty() ? (*rows)[0].GetInt("n") : -1;
  }

  static inline int counter_ = 0;
  support::TempDir dir_;
  ServiceContext context_;
  const ServicePlugin* plugin_ = nullptr;
  Service service_;
};

TEST_F(PostgresServiceTest, CreateUpdateExportImportRotateRemove) {
  auto created = plugin_->CreateOrUpdate(service_, context_);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  json credentials = *created;
  std::string database = credentials["database"];
  EXPECT_EQ(database.rfind("pm_", 0), 0u);
  EXPECT_EQ(credentials["url"], "postgresql://" + credentials["user"].get<std::string>() + ":" +
                                    credentials["password"].get<std::string>() + "@" +
                                    credentials["host"].get<std::string>() + ":" +
                                    std::to_string(credentials["port"].get<int>()) + "/" + database);
  {
    auto db = AsService(credentials);
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->Execute("CREATE TABLE notes (text TEXT)").ok());
    ASSERT_TRUE(db->Execute("INSERT INTO notes VALUES ('one')").ok());
  }
  EXPECT_EQ(AdminCount("SELECT count(*) AS n FROM pg_database WHERE datname = '" + database + "'"), 1);

  // Update keeps the login and password.
  service_.credentials = credentials;
  auto updated = plugin_->CreateOrUpdate(service_, context_);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(*updated, credentials);

  // Export, then import after a change: the change is gone.
  std::string dump = dir_.path() + "/dump.sql";
  ASSERT_EQ(plugin_->DumpFormat(), "sql");
  Status exported = plugin_->Export(service_, context_, dump);
  ASSERT_TRUE(exported.ok()) << exported.ToString();
  {
    auto db = AsService(credentials);
    ASSERT_TRUE(db->Execute("INSERT INTO notes VALUES ('two')").ok());
  }
  Status imported = plugin_->Import(service_, context_, dump);
  ASSERT_TRUE(imported.ok()) << imported.ToString();
  {
    auto db = AsService(credentials);
    auto rows = db->Query("SELECT count(*) AS n FROM notes");
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ((*rows)[0].GetInt("n"), 1);
    EXPECT_TRUE(db->Execute("INSERT INTO notes VALUES ('after import')").ok());  // the login owns the new data too
  }

  // A bad dump fails and leaves the data.
  std::string bad = dir_.path() + "/bad.sql";
  std::ofstream(bad) << "CREATE TABLE half (x int);\nTHIS IS NOT SQL;\n";
  EXPECT_FALSE(plugin_->Import(service_, context_, bad).ok());
  {
    auto db = AsService(credentials);
    auto rows = db->Query("SELECT count(*) AS n FROM notes");
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    EXPECT_EQ((*rows)[0].GetInt("n"), 2);
  }

  // Rotation: a second login works beside the first, then the first is gone.
  auto rotated = plugin_->BeginRotation(service_, context_);
  ASSERT_TRUE(rotated.ok()) << rotated.status().ToString();
  EXPECT_NE((*rotated)["user"], credentials["user"]);
  {
    auto db = AsService(*rotated);
    ASSERT_NE(db, nullptr);
    EXPECT_TRUE(db->Execute("INSERT INTO notes VALUES ('rotated')").ok());
  }
  json old = credentials;
  old.erase("password");
  old.erase("url");
  service_.credentials = *rotated;
  Status finished = plugin_->FinishRotation(service_, context_, old);
  ASSERT_TRUE(finished.ok()) << finished.ToString();
  EXPECT_EQ(AdminCount("SELECT count(*) AS n FROM pg_roles WHERE rolname = '" + credentials["user"].get<std::string>() +
                       "'"),
            0);

  // Remove drops the database and every role of the service.
  ASSERT_TRUE(plugin_->Remove(service_, context_).ok());
  EXPECT_EQ(AdminCount("SELECT count(*) AS n FROM pg_database WHERE datname = '" + database + "'"), 0);
  EXPECT_EQ(AdminCount("SELECT count(*) AS n FROM pg_roles WHERE rolname LIKE '" + database + "%'"), 0);
  EXPECT_TRUE(plugin_->Remove(service_, context_).ok());  // missing is fine
}

TEST_F(PostgresServiceTest, AServerThatIsDownIsNamed) {
  context_.postgres_admin_dsn = "postgresql://postgres@127.0.0.1:1/postgres?connect_timeout=2";
  auto created = plugin_->CreateOrUpdate(service_, context_);
  ASSERT_FALSE(created.ok());
  EXPECT_NE(created.status().ToString().find("pacemaker.postgres_admin_dsn"), std::string::npos)
      << created.status().ToString();
  context_.postgres_admin_dsn.clear();
  auto unconfigured = plugin_->CreateOrUpdate(service_, context_);
  ASSERT_FALSE(unconfigured.ok());
  EXPECT_NE(unconfigured.status().ToString().find("needs pacemaker.postgres_admin_dsn"), std::string::npos)
      << unconfigured.status().ToString();
  plugin_ = nullptr;
}

}  // namespace
}  // namespace paasmaker::pacemaker::services
