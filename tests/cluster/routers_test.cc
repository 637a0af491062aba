// Several routers (SPEC §3, §4): each router node has its own nginx and its
// own replica of the routing table; both serve a deployed application, and
// the router table dump shows how far each replica has got.
#include <gtest/gtest.h>

#include "app_helpers.h"
#include "harness.h"
#include "temp_dir.h"

namespace paasmaker::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

TEST(RoutersTest, TwoRoutersServeTheAppAndReportTheirReplicaSerial) {
  Cluster cluster;
  cluster.AddStandardNodes(1, 2);
  ASSERT_TRUE(cluster.StartAll());
  ASSERT_TRUE(cluster.WaitForRegistration());
  DeployResult v1 = Deploy(cluster, ExamplesDir() + "/python-hello", {"--start", "--current"});
  ASSERT_EQ(v1.command.exit_code, 0) << v1.command.output;
  for (const char* name : {"router-1", "router-2"}) {
    EXPECT_TRUE(WaitForRoutedBody(cluster.node(name), "hello.example.com", "Hello from Paasmaker")) << name;
  }
  // Each router reports the serial its replica reached; both catch up with the master.
  json table;
  EXPECT_TRUE(WaitFor(
      [&] {
        table = cluster.GetData("/api/v1/router/table");
        if (!table.contains("routers") || table["routers"].size() != 2) return false;
        for (const auto& router : table["routers"]) {
          if (router.value("lag", json()) != json(0)) return false;
        }
        return true;
      },
      seconds(15)))
      << table.dump(1);
  EXPECT_GT(table.value("serial", 0), 0);
}

}  // namespace
}  // namespace paasmaker::testing
