// The PostgreSQL service plugins on a real cluster (SPEC §8.4, issue 17),
// with examples/python-postgres (psycopg2, DATABASE_URL): a row written in
// one request is read in another through the router; the service's
// database exists on its server; deleting the application drops it.
//   managedpostgres: the cluster the pacemaker runs itself, checked with the
//                    admin password from its data dir; stopped with the node,
//                    no process left behind; after a kill -9 of the
//                    pacemaker its next life replaces the cluster left
//                    running and the rows are still there
//   postgres:        a server the test starts (TestPostgres), given to the
//                    pacemaker as pacemaker.postgres_admin_dsn
#include <gtest/gtest.h>

#include <string>

#include "app_helpers.h"
#include "core/files.h"
#include "core/process.h"
#include "core/sql/database.h"
#include "harness.h"
#include "temp_dir.h"
#include "test_postgres.h"

namespace paasmaker::testing {
namespace {

using nlohmann::json;

constexpr const char* kHost = "python-postgres.example.com";

class PostgresServicesTest : public ClusterTest {
 protected:
  // The databases of services (pm_<id>) on the server `admin_dsn` names; -1
  // when it cannot be asked.
  static int64_t ServiceDatabases(const std::string& admin_dsn) {
    auto admin = sql::Open(admin_dsn);
    EXPECT_TRUE(admin.ok()) << admin.status().ToString();
    if (!admin.ok()) return -1;
    auto rows = (*admin)->Query("SELECT count(*) AS n FROM pg_database WHERE datname LIKE 'pm\\_%'");
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() && !rows->empty() ? (*rows)[0].GetInt("n") : -1;
  }

  // Deploys `dir`, writes a row in one request and reads it in another.
  DeployResult DeployAndRoundTrip(const std::string& dir) {
    DeployResult result = DeployServed(dir, kHost, "python-postgres: POST /rows");
    std::string token = "row-" + std::to_string(::getpid());
    auto stored = RouterGet(router(), kHost, "/write?value=" + token);
    EXPECT_EQ(stored.status, 200) << stored.error << stored.body << RouterErrors(router());
    EXPECT_NE(stored.body.find("stored " + token), std::string::npos) << stored.body;
    auto read = RouterGet(router(), kHost, "/rows");
    EXPECT_EQ(read.status, 200) << read.error << read.body;
    EXPECT_NE(read.body.find(token + "\n"), std::string::npos) << read.body;
    return result;
  }

  // Stops the version and deletes the application (and so its services).
  void DeleteApplication(const DeployResult& deployed) {
    for (const char* action : {"stop", "deregister"}) {
      auto done = RunClient(cluster_, {"version", action, deployed.version_id(), "--wait"});
      ASSERT_EQ(done.exit_code, 0) << action << ": " << done.output;
    }
    auto deleted = RunClient(cluster_, {"app", "delete", deployed.application_id(), "--wait"});
    ASSERT_EQ(deleted.exit_code, 0) << deleted.output;
  }

  TempDir work_{"pm-postgres-services"};
};

TEST_F(PostgresServicesTest, ManagedPostgresRowsSurviveRequestsAndDeletingTheAppDropsTheDatabase) {
  StartCluster(1, 1);
  DeployResult deployed = DeployAndRoundTrip(ExamplesDir() + "/python-postgres");
  ASSERT_FALSE(deployed.application_id().empty()) << deployed.command.output;

  // The pacemaker's cluster, as its data dir describes it.
  std::string dir = cluster_.pacemaker().data_dir() + "/services/postgres";
  auto password = files::ReadFile(dir + "/admin-password");
  auto port = files::ReadFile(dir + "/port");
  ASSERT_TRUE(password.ok() && port.ok()) << dir;
  std::string admin_dsn = "postgresql://paasmaker_admin:" + password->substr(0, password->find('\n')) +
                          "@127.0.0.1:" + port->substr(0, port->find('\n')) + "/postgres";
  EXPECT_EQ(ServiceDatabases(admin_dsn), 1);

  DeleteApplication(deployed);
  EXPECT_EQ(ServiceDatabases(admin_dsn), 0);

  // The cluster stops with the pacemaker.
  cluster_.StopAll();
  EXPECT_TRUE(cluster_.StrayProcesses().empty());
}

// kill -9 of the pacemaker leaves its postgres running; the next life
// replaces that copy (found by its pid file) on the same port, and the app's
// stored credentials and rows still work.
TEST_F(PostgresServicesTest, ARestartedPacemakerReplacesItsEarlierClusterAndKeepsTheData) {
  StartCluster(1, 1);
  DeployResult deployed = DeployAndRoundTrip(ExamplesDir() + "/python-postgres");
  ASSERT_FALSE(deployed.application_id().empty()) << deployed.command.output;
  std::string pid_file = cluster_.pacemaker().data_dir() + "/services/postgres/postgres.pid";
  auto server_pid = [&] {
    auto text = files::ReadFile(pid_file);
    return text.ok() ? static_cast<pid_t>(std::atol(text->c_str())) : 0;
  };
  pid_t before = server_pid();
  ASSERT_GT(before, 0);
  cluster_.pacemaker().Kill();
  ASSERT_TRUE(process::PidAlive(before));  // left running by the dead pacemaker
  ASSERT_TRUE(cluster_.StartNode(cluster_.pacemaker()));
  EXPECT_TRUE(WaitFor([&] { return !process::PidAlive(before) && server_pid() != before && server_pid() != 0; },
                      std::chrono::seconds(60)));
  // The rows written before, read with the credentials stored before.
  RoutedResponse rows;
  EXPECT_TRUE(WaitFor(
      [&] {
        rows = RouterGet(router(), kHost, "/rows");
        return rows.status == 200 && rows.body.find("row-" + std::to_string(::getpid()) + "\n") != std::string::npos;
      },
      std::chrono::seconds(60)))
      << rows.status << " " << rows.error << rows.body;
  cluster_.StopAll();
  EXPECT_TRUE(cluster_.StrayProcesses().empty());
}

TEST_F(PostgresServicesTest, ExternalPostgresOnTheServerTheConfigNames) {
  TestPostgres server;
  ASSERT_TRUE(server.started()) << server.error();
  cluster_.AddStandardNodes(1, 1);
  cluster_.pacemaker().extra_pacemaker_yaml = ", postgres_admin_dsn: \"" + server.dsn() + "\"";
  ASSERT_TRUE(cluster_.StartAll());
  ASSERT_TRUE(cluster_.WaitForRegistration());

  std::string dir = CopyExample("python-postgres", work_.path());
  std::string text = files::ReadFile(dir + "/manifest.yml").value();
  const std::string managed = "paasmaker.service.managedpostgres";
  text.replace(text.find(managed), managed.size(), "paasmaker.service.postgres");
  ASSERT_TRUE(files::WriteFileAtomically(dir + "/manifest.yml", text).ok());

  DeployResult deployed = DeployAndRoundTrip(dir);
  ASSERT_FALSE(deployed.application_id().empty()) << deployed.command.output;
  EXPECT_EQ(ServiceDatabases(server.dsn()), 1);
  // Nothing managed: the pacemaker ran no cluster of its own.
  EXPECT_FALSE(files::Exists(cluster_.pacemaker().data_dir() + "/services/postgres/cluster"));

  DeleteApplication(deployed);
  EXPECT_EQ(ServiceDatabases(server.dsn()), 0);
}

}  // namespace
}  // namespace paasmaker::testing
