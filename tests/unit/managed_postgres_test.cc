// paasmaker.service.managedpostgres and the cluster ServiceDaemons runs for
// it: initdb on first use, scram logins with the service's password, the
// same port and data after a pacemaker restart, restarted when it dies,
// stopped with the pacemaker.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <memory>
#include <string>

#include "core/files.h"
#include "core/process.h"
#include "core/sql/database.h"
#include "pacemaker/services/service_daemons.h"
#include "pacemaker/services/service_plugin.h"
#include "temp_dir.h"

namespace paasmaker::pacemaker::services {
namespace {

using nlohmann::json;
namespace support = paasmaker::testing;

class ManagedPostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto port = support::FreeTestPortRange(4);
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    first_port_ = *port;
    Restart();
    context_.data_dir = dir_.path();
    plugin_ = FindServicePlugin("paasmaker.service.managedpostgres");
    ASSERT_NE(plugin_, nullptr);
    service_.id = "Svc" + std::to_string(::getpid());
    service_.name = "db";
    service_.plugin = plugin_->name();
  }
  // A new pacemaker life on the same data dir.
  void Restart() {
    daemons_.reset();
    daemons_ = std::make_unique<ServiceDaemons>(dir_.path(), first_port_, first_port_ + 3, "127.0.0.1");
    context_.daemons = daemons_.get();
  }
  pid_t ServerPid() {
    auto text = files::ReadFile(dir_.path() + "/postgres/postgres.pid");
    return text.ok() ? static_cast<pid_t>(std::atol(text->c_str())) : 0;
  }
  // The password is checked: the cluster trusts nobody.
  static Result<int64_t> CountNotes(const json& credentials) {
    PM_ASSIGN_OR_RETURN(auto db, sql::Open(credentials["url"].get<std::string>()));
    PM_ASSIGN_OR_RETURN(auto rows, db->Query("SELECT count(*) AS n FROM notes"));
    return rows[0].GetInt("n");
  }

  support::TempDir dir_;
  int first_port_ = 0;
  std::unique_ptr<ServiceDaemons> daemons_;
  ServiceContext context_;
  const ServicePlugin* plugin_ = nullptr;
  Service service_;
};

TEST_F(ManagedPostgresTest, ADatabaseInTheNodesClusterThatOutlivesRestartsAndIsDropped) {
  auto created = plugin_->CreateOrUpdate(service_, context_);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  json credentials = *created;
  EXPECT_EQ(credentials["host"], "127.0.0.1");
  int port = credentials["port"].get<int>();
  EXPECT_GE(port, first_port_);
  EXPECT_LE(port, first_port_ + 3);
  auto password = files::ReadFile(dir_.path() + "/postgres/admin-password");
  ASSERT_TRUE(password.ok());
  struct stat st {};
  ASSERT_EQ(::stat((dir_.path() + "/postgres/admin-password").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  {
    auto db = sql::Open(credentials["url"].get<std::string>());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE((*db)->Execute("CREATE TABLE notes (text TEXT)").ok());
    ASSERT_TRUE((*db)->Execute("INSERT INTO notes VALUES ('one')").ok());
  }
  json wrong = credentials;
  wrong["url"] = "postgresql://" + credentials["user"].get<std::string>() + ":nope@127.0.0.1:" +
                 std::to_string(port) + "/" + credentials["database"].get<std::string>();
  EXPECT_FALSE(CountNotes(wrong).ok());

  // Killed: the daemon brings it back on the same port.
  pid_t first = ServerPid();
  ASSERT_GT(first, 0);
  ::kill(first, SIGKILL);
  EXPECT_TRUE(support::WaitFor([&] { return ServerPid() != first && ServerPid() != 0 && CountNotes(credentials).ok(); },
                               std::chrono::seconds(60)));

  // A new pacemaker life: same port, same data, the stored login kept.
  Restart();
  service_.credentials = credentials;
  auto updated = plugin_->CreateOrUpdate(service_, context_);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(*updated, credentials);
  auto count = CountNotes(credentials);
  ASSERT_TRUE(count.ok()) << count.status().ToString();
  EXPECT_EQ(*count, 1);
  // The cluster's port is never handed to a redis.
  for (int i = 0; i < 3; ++i) {
    auto other = daemons_->ReservePort();
    ASSERT_TRUE(other.ok());
    EXPECT_NE(*other, port);
  }

  ASSERT_TRUE(plugin_->Remove(service_, context_).ok());
  EXPECT_FALSE(CountNotes(credentials).ok());
  auto dsn = daemons_->StartPostgres();
  ASSERT_TRUE(dsn.ok());
  auto admin = sql::Open(*dsn);
  ASSERT_TRUE(admin.ok()) << admin.status().ToString();
  auto rows = (*admin)->Query("SELECT count(*) AS n FROM pg_database WHERE datname = '" +
                              credentials["database"].get<std::string>() + "'");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].GetInt("n"), 0);
  admin->reset();

  // Stopped with the pacemaker, nothing left running.
  pid_t last = ServerPid();
  daemons_.reset();
  EXPECT_FALSE(process::PidAlive(last));
}

TEST_F(ManagedPostgresTest, ANodeWithoutManagedServicesSaysSo) {
  context_.daemons = nullptr;
  auto created = plugin_->CreateOrUpdate(service_, context_);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(created.status().message().find("paasmaker.service.managedpostgres cannot run on this node"),
            std::string::npos)
      << created.status().ToString();
}

}  // namespace
}  // namespace paasmaker::pacemaker::services
