// Every node registers with the right roles; the API authenticates as SPEC §9
// says; the CLI lists nodes and manages workspaces against a real cluster.
#include <gtest/gtest.h>

#include "core/files.h"
#include "core/ids.h"
#include "harness.h"

namespace paasmaker::testing {
namespace {

using nlohmann::json;

class RegistrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new Cluster();
    cluster_->AddStandardNodes(2, 1);
    ASSERT_TRUE(cluster_->StartAll());
    ASSERT_TRUE(cluster_->WaitForRegistration())
        << cluster_->pacemaker().Output();
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }
  static Cluster* cluster_;
};
Cluster* RegistrationTest::cluster_ = nullptr;

TEST_F(RegistrationTest, EveryNodeRegistersWithItsRoles) {
  auto nodes = cluster_->ListedNodes();
  ASSERT_EQ(nodes.size(), 4u);
  EXPECT_EQ(nodes["pacemaker"]["roles"], json::array({"pacemaker"}));
  EXPECT_EQ(nodes["heart-1"]["roles"], json::array({"heart"}));
  EXPECT_EQ(nodes["heart-2"]["roles"], json::array({"heart"}));
  EXPECT_EQ(nodes["router-1"]["roles"], json::array({"router"}));
  for (auto& [name, node] : nodes) {
    EXPECT_EQ(node["state"], "ACTIVE") << name;
    EXPECT_EQ(node["uuid"], cluster_->node(name).Uuid()) << name;
    EXPECT_EQ(node["api_port"], cluster_->node(name).ports().http) << name;
    EXPECT_TRUE(node["tags"].contains("os")) << name;
    EXPECT_TRUE(node["tags"].contains("cpus")) << name;
    EXPECT_TRUE(node["stats"].contains("load")) << name;
    EXPECT_TRUE(node["stats"].contains("memory")) << name;
    EXPECT_TRUE(node["stats"].contains("disk")) << name;
    EXPECT_TRUE(node["score"].is_number()) << name;
  }
  EXPECT_TRUE(nodes["heart-1"]["runtimes"].contains("paasmaker.runtime.shell"));
}

TEST_F(RegistrationTest, ReportsKeepArriving) {
  std::string uuid = cluster_->node("heart-1").Uuid();
  double first = cluster_->GetData("/api/v1/nodes/" + uuid)["node"]["last_heard"].get<double>();
  EXPECT_TRUE(WaitFor(
      [&] {
        auto node = cluster_->GetData("/api/v1/nodes/" + uuid);
        return node.contains("node") && node["node"]["last_heard"].get<double>() > first;
      },
      std::chrono::seconds(10)));
}

TEST_F(RegistrationTest, AuthenticationAndAuthorisation) {
  http::Client client(cluster_->pacemaker().url());
  auto none = client.Get("/api/v1/nodes");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->status, 401);
  EXPECT_FALSE(json::parse(none->body)["errors"].empty());

  auto wrong = cluster_->Get("/api/v1/nodes", "not-a-key");
  ASSERT_TRUE(wrong.ok());
  EXPECT_EQ(wrong->status, 401);

  auto node_on_user_endpoint = cluster_->Get("/api/v1/nodes", cluster_->node_token());
  ASSERT_TRUE(node_on_user_endpoint.ok());
  EXPECT_EQ(node_on_user_endpoint->status, 403);

  auto user_on_node_endpoint = cluster_->Post("/api/v1/nodes/register", json::object());
  ASSERT_TRUE(user_on_node_endpoint.ok());
  EXPECT_EQ(user_on_node_endpoint->status, 403);

  // The admin's own key works (Cluster::Get's default); the super token on
  // every route, allowed and not, is in route_guards_test.
  auto admin = cluster_->Get("/api/v1/nodes", "");
  ASSERT_TRUE(admin.ok());
  EXPECT_EQ(admin->status, 200);

  auto info = cluster_->Get("/api/v1/information", cluster_->node_token());
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->status, 200);
  EXPECT_EQ(json::parse(info->body)["data"]["roles"], json::array({"pacemaker"}));
}

TEST_F(RegistrationTest, AWrongNodeTokenIsRefusedAndLoggedWithoutTheToken) {
  const std::string wrong = "wrong-node-token-" + ids::RandomToken(8);
  json body = {{"name", "intruder"}, {"route", "127.0.0.1"}, {"api_port", 1}, {"roles", {"heart"}}};
  auto registration = cluster_->Post("/api/v1/nodes/register", body, wrong);
  ASSERT_TRUE(registration.ok()) << registration.status().ToString();
  EXPECT_EQ(registration->status, 401) << registration->body;
  EXPECT_NE(registration->body.find("node token"), std::string::npos) << registration->body;
  auto report = cluster_->Post("/api/v1/nodes/" + cluster_->node("heart-1").Uuid() + "/report", body, wrong);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->status, 401) << report->body;
  EXPECT_EQ(cluster_->ListedNodes().count("intruder"), 0u);

  // The pacemaker logs where the attempt came from, never what it sent.
  ClusterNode& pacemaker = cluster_->pacemaker();
  EXPECT_TRUE(WaitFor(
      [&] {
        return pacemaker.Output().find("POST /api/v1/nodes/register from 127.0.0.1: wrong or missing node token") !=
               std::string::npos;
      },
      std::chrono::seconds(10)))
      << pacemaker.Output();
  EXPECT_EQ(pacemaker.Output().find(wrong), std::string::npos);
  auto log_file = files::ReadFile(pacemaker.data_dir() + "/paasmaker.log");
  ASSERT_TRUE(log_file.ok()) << log_file.status().ToString();
  EXPECT_NE(log_file->find("wrong or missing node token"), std::string::npos);
  EXPECT_EQ(log_file->find(wrong), std::string::npos);
}

TEST_F(RegistrationTest, UserWithoutPermissionIsForbidden) {
  auto created = cluster_->Post("/api/v1/users", {{"login", "viewer"}, {"password", "long enough password"}});
  ASSERT_TRUE(created.ok());
  ASSERT_EQ(created->status, 201) << created->body;
  std::string key = json::parse(created->body)["data"]["user"]["api_key"];
  auto nodes = cluster_->Get("/api/v1/nodes", key);
  ASSERT_TRUE(nodes.ok());
  EXPECT_EQ(nodes->status, 403);
  EXPECT_NE(nodes->body.find("NODE_LIST"), std::string::npos);

  auto role = cluster_->Post("/api/v1/roles", {{"name", "Node viewers"}, {"permissions", {"NODE_LIST"}}});
  ASSERT_TRUE(role.ok());
  ASSERT_EQ(role->status, 201) << role->body;
  auto allocation = cluster_->Post(
      "/api/v1/roles/allocations",
      {{"user_id", json::parse(created->body)["data"]["user"]["id"]}, {"role_id", json::parse(role->body)["data"]["role"]["id"]}});
  ASSERT_TRUE(allocation.ok());
  ASSERT_EQ(allocation->status, 201) << allocation->body;
  auto allowed = cluster_->Get("/api/v1/nodes", key);
  ASSERT_TRUE(allowed.ok());
  EXPECT_EQ(allowed->status, 200);
}

TEST_F(RegistrationTest, BadInputNamesTheField) {
  auto missing = cluster_->Post("/api/v1/workspaces", {{"stub", "x"}});
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, 400);
  EXPECT_NE(missing->body.find("name: required"), std::string::npos);
  auto bad_stub = cluster_->Post("/api/v1/workspaces", {{"name", "Bad"}, {"stub", "Not A Stub"}});
  ASSERT_TRUE(bad_stub.ok());
  EXPECT_EQ(bad_stub->status, 400);
  EXPECT_NE(bad_stub->body.find("stub"), std::string::npos);
  auto bad_report = cluster_->Post("/api/v1/nodes/register", {{"name", "x"}}, cluster_->node_token());
  ASSERT_TRUE(bad_report.ok());
  EXPECT_EQ(bad_report->status, 400);
  EXPECT_NE(bad_report->body.find("route: required"), std::string::npos);
}

TEST_F(RegistrationTest, CliListsNodesAndManagesWorkspaces) {
  std::map<std::string, std::string> env = {{"PAASMAKER_REMOTE", cluster_->pacemaker().url()},
                                            {"PAASMAKER_KEY", cluster_->admin_key()}};
  auto list = RunPaasmaker({"node", "list", "--json"}, env);
  ASSERT_EQ(list.exit_code, 0) << list.output;
  json data = json::parse(list.output);
  ASSERT_EQ(data["nodes"].size(), 4u);

  auto table = RunPaasmaker({"node", "list"}, env);
  ASSERT_EQ(table.exit_code, 0) << table.output;
  EXPECT_NE(table.output.find("heart-2"), std::string::npos);
  EXPECT_NE(table.output.find("ACTIVE"), std::string::npos);

  auto created = RunPaasmaker({"workspace", "create", "Team Blue", "--stub", "blue"}, env);
  ASSERT_EQ(created.exit_code, 0) << created.output;
  auto workspaces = RunPaasmaker({"workspace", "list", "--json"}, env);
  ASSERT_EQ(workspaces.exit_code, 0) << workspaces.output;
  EXPECT_NE(workspaces.output.find("\"blue\""), std::string::npos);
  EXPECT_NE(workspaces.output.find("\"default\""), std::string::npos);

  auto duplicate = RunPaasmaker({"workspace", "create", "Team Blue", "--stub", "blue"}, env);
  EXPECT_NE(duplicate.exit_code, 0);
  EXPECT_NE(duplicate.output.find("already exists"), std::string::npos) << duplicate.output;

  auto bad_key = RunPaasmaker({"node", "list"}, {{"PAASMAKER_REMOTE", cluster_->pacemaker().url()},
                                                 {"PAASMAKER_KEY", "wrong"}});
  EXPECT_NE(bad_key.exit_code, 0);
  EXPECT_NE(bad_key.output.find("error:"), std::string::npos);
}

}  // namespace
}  // namespace paasmaker::testing
