// Endpoint groups called directly with their narrow contexts over a real
// store (both SQL backends), without a pacemaker, an HTTP server or Redis:
// the nodes and workspaces groups, their answers and their error codes.
// And the route table: each handler is handed its own group's context by
// the composition root.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/api_response.h"
#include "core/ids.h"
#include "jobs/job_registry.h"
#include "model/node.h"
#include "pacemaker/api_routes.h"
#include "pacemaker/endpoints/nodes.h"
#include "pacemaker/endpoints/workspaces.h"
#include "pacemaker/store/schema.h"
#include "temp_dir.h"
#include "test_databases.h"

namespace paasmaker::pacemaker::endpoints {
namespace {

using nlohmann::json;
namespace support = paasmaker::testing;

http::Request Request(std::vector<std::string> params, const json& body = nullptr) {
  http::Request req;
  req.params = std::move(params);
  if (!body.is_null()) req.body = body.dump();
  return req;
}

Principal Super() {
  Principal who;
  who.kind = Principal::Kind::kSuper;
  return who;
}

Principal Node() {
  Principal who;
  who.kind = Principal::Kind::kNode;
  return who;
}

// A user holding `permission` on `workspace_id` ("" = globally).
Principal UserWith(const std::string& permission, const std::string& workspace_id = "") {
  Principal who;
  who.kind = Principal::Kind::kUser;
  who.user.id = "alice";
  who.user.login = "alice";
  if (workspace_id.empty()) who.grants.global.insert(permission);
  else who.grants.by_workspace[workspace_id].insert(permission);
  return who;
}

// The status code of a Reply, as the route table would write it.
int HttpStatusOf(Result<api::Reply> reply) {
  http::Response res;
  api::Respond(res, std::move(reply));
  return res.status;
}

json DataOf(const api::Reply& reply) { return json::parse(reply.response.body)["data"]; }

class EndpointsTest : public ::testing::TestWithParam<support::Backend> {
 protected:
  void SetUp() override {
    auto db = support::OpenPacemakerDatabase(GetParam(), dir_.path());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    nodes_ = std::make_unique<NodeStore>(*db_);
    apps_ = std::make_unique<ApplicationStore>(*db_);
    workspaces_ = std::make_unique<WorkspaceStore>(*db_);
    handout_.heart.jobs = redis::Endpoint{.host = "10.0.0.1", .port = 6390, .password = "secret", .user = "heart"};
  }

  NodesContext Nodes() { return NodesContext{*nodes_, *apps_, handout_}; }
  WorkspacesContext Workspaces() { return WorkspacesContext{*workspaces_}; }

  static json HeartBody(const std::string& name) {
    return {{"name", name}, {"route", "10.0.0.7"}, {"api_port", 42600}, {"roles", {"heart"}}};
  }

  support::TempDir dir_{"pm-endpoints"};
  std::unique_ptr<sql::Database> db_;
  std::unique_ptr<NodeStore> nodes_;
  std::unique_ptr<ApplicationStore> apps_;
  std::unique_ptr<WorkspaceStore> workspaces_;
  model::RedisHandout handout_;
};

INSTANTIATE_TEST_SUITE_P(Backends, EndpointsTest, support::BothBackends(), support::BackendParamName);

TEST_P(EndpointsTest, ANewNodeIsCreatedWithItsRedisAccessAndAKnownOneAnswers200) {
  NodesContext ctx = Nodes();
  auto created = RegisterNode(ctx, Request({}, HeartBody("heart-1")), Node());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->response.status, 201);
  json data = DataOf(*created);
  std::string uuid = data["node"]["uuid"];
  EXPECT_FALSE(uuid.empty());
  EXPECT_EQ(data["node"]["state"], model::kNodeActive);
  EXPECT_EQ(data["redis"], handout_.For({"heart"}).ToJson()) << "a heart is told the heart's access";

  // A node that kept its UUID registers again: the same record, 200.
  json again_body = HeartBody("heart-1-renamed");
  again_body["uuid"] = uuid;
  auto again = RegisterNode(ctx, Request({}, again_body), Node());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->response.status, 200);

  auto listed = ListNodes(ctx, Request({}), UserWith("NODE_LIST"));
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ((*listed)["nodes"].size(), 1u);
  EXPECT_EQ((*listed)["nodes"][0]["name"], "heart-1-renamed");

  auto shown = ShowNode(ctx, Request({uuid}), UserWith("NODE_DETAIL_VIEW"));
  ASSERT_TRUE(shown.ok()) << shown.status().ToString();
  EXPECT_EQ((*shown)["node"]["route"], "10.0.0.7");
}

TEST_P(EndpointsTest, BadNodeReportsNameTheFieldAndUnknownNodesAreNotFound) {
  NodesContext ctx = Nodes();
  json body = HeartBody("heart-1");
  body["roles"] = {"heart", "toaster"};
  auto refused = RegisterNode(ctx, Request({}, body), Node());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("toaster"), std::string::npos) << refused.status().ToString();
  EXPECT_EQ(HttpStatusOf(refused), 400);

  json no_port = HeartBody("heart-1");
  no_port.erase("api_port");
  auto missing = RegisterNode(ctx, Request({}, no_port), Node());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("api_port"), std::string::npos) << missing.status().ToString();

  const std::string unknown = ids::NewUuid();
  auto report = ReportNode(ctx, Request({unknown}, HeartBody("heart-1")), Node());
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kNotFound);
  auto shown = ShowNode(ctx, Request({unknown}), Super());
  ASSERT_FALSE(shown.ok());
  EXPECT_EQ(shown.status().code(), StatusCode::kNotFound);

  auto access = NodeRedisAccess(ctx, Request({}, json{{"roles", "heart"}}), Node());
  ASSERT_FALSE(access.ok());
  EXPECT_EQ(access.status().code(), StatusCode::kInvalidArgument);
}

TEST_P(EndpointsTest, AReportReactivatesAStoppedNode) {
  NodesContext ctx = Nodes();
  auto created = RegisterNode(ctx, Request({}, HeartBody("heart-1")), Node());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  std::string uuid = DataOf(*created)["node"]["uuid"];

  auto stopped = ShutdownNode(ctx, Request({uuid}), Node());
  ASSERT_TRUE(stopped.ok()) << stopped.status().ToString();
  EXPECT_EQ((*stopped)["state"], model::kNodeStopped);
  auto found = nodes_->Find(uuid);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->state, model::kNodeStopped);

  auto reported = ReportNode(ctx, Request({uuid}, HeartBody("heart-1")), Node());
  ASSERT_TRUE(reported.ok()) << reported.status().ToString();
  EXPECT_EQ((*reported)["node"]["state"], model::kNodeActive);
}

TEST_P(EndpointsTest, CreateWorkspaceDerivesAStubAndRefusesDuplicates) {
  WorkspacesContext ctx = Workspaces();
  auto created = CreateWorkspace(ctx, Request({}, json{{"name", "Team Blue!"}}), Super());
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->response.status, 201);
  EXPECT_EQ(DataOf(*created)["workspace"]["stub"], "team-blue");

  auto twice = CreateWorkspace(ctx, Request({}, json{{"name", "Team Blue!"}}), Super());
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(HttpStatusOf(twice), 409);

  auto nameless = CreateWorkspace(ctx, Request({}, json{{"stub", "x"}}), Super());
  ASSERT_FALSE(nameless.ok());
  EXPECT_EQ(nameless.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(HttpStatusOf(nameless), 400);
}

TEST_P(EndpointsTest, WorkspacesAreListedAndShownToWhoMayViewThem) {
  WorkspacesContext ctx = Workspaces();
  auto blue = workspaces_->Create("Blue", "blue", json::object());
  auto red = workspaces_->Create("Red", "red", json::object());
  ASSERT_TRUE(blue.ok() && red.ok());

  auto viewer = UserWith("WORKSPACE_VIEW", blue->id);
  auto listed = ListWorkspaces(ctx, Request({}), viewer);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ((*listed)["workspaces"].size(), 1u);
  EXPECT_EQ((*listed)["workspaces"][0]["id"], blue->id);
  auto all = ListWorkspaces(ctx, Request({}), UserWith("WORKSPACE_LIST"));
  ASSERT_TRUE(all.ok());
  EXPECT_EQ((*all)["workspaces"].size(), 2u);

  auto shown = ShowWorkspace(ctx, Request({blue->id}), viewer);
  ASSERT_TRUE(shown.ok()) << shown.status().ToString();
  EXPECT_EQ((*shown)["workspace"]["name"], "Blue");
  auto refused = ShowWorkspace(ctx, Request({red->id}), viewer);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(api::HttpStatusFor(refused.status()), 403);
  auto unknown = ShowWorkspace(ctx, Request({ids::NewUuid()}), Super());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
}

TEST_P(EndpointsTest, ADeletedWorkspaceIsGoneAndDeletingItAgainIsNotFound) {
  WorkspacesContext ctx = Workspaces();
  auto blue = workspaces_->Create("Blue", "blue", json::object());
  ASSERT_TRUE(blue.ok());
  auto deleted = DeleteWorkspace(ctx, Request({blue->id}), Super());
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_EQ((*deleted)["deleted"], blue->id);

  auto shown = ShowWorkspace(ctx, Request({blue->id}), Super());
  ASSERT_FALSE(shown.ok());
  EXPECT_EQ(shown.status().code(), StatusCode::kNotFound);
  auto again = DeleteWorkspace(ctx, Request({blue->id}), Super());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kNotFound);
}

// The composition root over SQLite (its Redis clients are never used here).
TEST(ApiRoutesTest, TheTableHandsEachHandlerItsGroupsContext) {
  ASSERT_TRUE(ids::Initialize().ok());
  support::TempDir dir{"pm-routes"};
  config::NodeConfig config;
  config.data_dir = dir.path();
  config.my_name = "the-pacemaker";
  auto db = sql::Open("sqlite://" + dir.path() + "/pacemaker.db");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_TRUE(sql::Migrate(**db, SchemaMigrations()).ok());
  jobs::JobRegistry registry;
  PacemakerContext root(config, std::move(*db), "node-token", registry, nullptr);
  root.node_uuid.Set("the-uuid");
  auto blue = root.workspaces.Create("Blue", "blue", json::object());
  ASSERT_TRUE(blue.ok());

  auto call = [&](const std::string& method, const std::string& pattern, std::vector<std::string> params) {
    for (const auto& route : ApiRoutes()) {
      if (route.method != method || route.pattern != pattern) continue;
      http::Response res;
      route.handler(root, Request(std::move(params)), res, Super());
      return res;
    }
    ADD_FAILURE() << "no route " << method << " " << pattern;
    return http::Response{};
  };

  http::Response information = call("GET", "/api/v1/information", {});
  ASSERT_EQ(information.status, 200) << information.body;
  json data = json::parse(information.body)["data"];
  EXPECT_EQ(data["name"], "the-pacemaker");
  EXPECT_EQ(data["uuid"], "the-uuid");
  EXPECT_EQ(data["authenticated_as"], "super");

  http::Response listed = call("GET", "/api/v1/workspaces", {});
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(json::parse(listed.body)["data"]["workspaces"][0]["id"], blue->id);

  // prepare/uploads.h: a handler of another folder's group, and an error.
  http::Response upload = call("GET", "/api/v1/uploads/([0-9a-f-]+)", {ids::NewUuid()});
  EXPECT_EQ(upload.status, 404) << upload.body;
}

}  // namespace
}  // namespace paasmaker::pacemaker::endpoints
