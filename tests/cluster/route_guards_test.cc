// Every route of the API route table (pacemaker::ApiRoutes(), so a new route
// cannot be missed) answers a real pacemaker as its declared access says:
// without credentials 401 (only the login call needs none); a known user's
// key on a node route 403; the node token on a user route 403; a user
// without roles 403 on every route that declares a permission; the super
// token 401 while allow_supertoken is off and, on a pacemaker where it is
// on, accepted wherever a user could be. Path parameters are filled with
// well-formed ids that name nothing, so an accepted call answers 400/404/409,
// never 401/403.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <set>

#include "app_helpers.h"
#include "harness.h"
#include "model/permissions.h"
#include "pacemaker/api_routes.h"

namespace paasmaker::testing {
namespace {

using nlohmann::json;
using pacemaker::Access;

constexpr const char* kSuperToken = "route-guards-super-token-0123456789";

// The route's pattern with each group replaced by a value it matches.
std::string ConcretePath(const std::string& pattern) {
  static const std::vector<std::pair<std::string, std::string>> kGroups = {
      {"([0-9a-f-]+)", "00000000-0000-4000-8000-000000000000"},
      {"([0-9a-zA-Z-]+)", "00000000-0000-4000-8000-000000000000"},
      {"([0-9a-zA-Z_-]+)", "web"},
      {"([0-9a-z-]+)", "00000000-0000-4000-8000-000000000000"},
      {"([a-z]+)", "application"},
      {"([0-9]+)", "0"},
  };
  std::string path = pattern;
  for (const auto& [group, value] : kGroups) {
    for (size_t at = path.find(group); at != std::string::npos; at = path.find(group)) {
      path.replace(at, group.size(), value);
    }
  }
  EXPECT_EQ(path.find('('), std::string::npos) << "a group the test cannot fill: " << pattern;
  EXPECT_TRUE(std::regex_match(path, std::regex(pattern))) << path << " does not match " << pattern;
  return path;
}

struct Answer {
  int status = 0;
  std::string body;
};

Answer Call(ClusterNode& pacemaker, const pacemaker::ApiRoute& route, const std::string& secret) {
  http::Client client(pacemaker.url());
  std::map<std::string, std::string> headers;
  if (!secret.empty()) headers["Authorization"] = "Bearer " + secret;
  std::string path = ConcretePath(route.pattern);
  Result<http::ClientResponse> response = Status::Ok();
  if (route.method == "GET") response = client.Get(path, headers);
  else if (route.method == "POST") response = client.Post(path, "{}", headers);
  else if (route.method == "PUT") response = client.Put(path, "", headers);
  else if (route.method == "DELETE") response = client.Delete(path, headers);
  EXPECT_TRUE(response.ok()) << route.method << " " << path;
  if (!response.ok()) return {};
  return {response->status, response->body};
}

std::string Describe(const pacemaker::ApiRoute& route, const Answer& answer) {
  return route.method + " " + route.pattern + " -> " + std::to_string(answer.status) + " " + answer.body;
}

bool Accepted(const Answer& answer) { return answer.status != 401 && answer.status != 403 && answer.status != 0; }

class RouteGuardsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Two clusters of one pacemaker: one refuses the super token, one takes it.
    cluster_ = new Cluster();
    cluster_->AddNode("pacemaker", {"pacemaker"}).extra_pacemaker_yaml =
        std::string(", super_token: ") + kSuperToken + ", allow_supertoken: false";
    ASSERT_TRUE(cluster_->StartAll());
    super_cluster_ = new Cluster();
    super_cluster_->AddNode("pacemaker", {"pacemaker"}).extra_pacemaker_yaml =
        std::string(", super_token: ") + kSuperToken + ", allow_supertoken: true";
    ASSERT_TRUE(super_cluster_->StartAll());
    auto created = cluster_->Post("/api/v1/users", {{"login", "nobody"}, {"password", "nobody-password"}});
    ASSERT_TRUE(created.ok() && created->status == 201) << (created.ok() ? created->body : "");
    no_roles_key_ = json::parse(created->body)["data"]["user"].value("api_key", "");
    ASSERT_FALSE(no_roles_key_.empty());
  }
  static void TearDownTestSuite() {
    delete cluster_;
    delete super_cluster_;
    cluster_ = super_cluster_ = nullptr;
  }
  static Cluster* cluster_;
  static Cluster* super_cluster_;
  static std::string no_roles_key_;
};
Cluster* RouteGuardsTest::cluster_ = nullptr;
Cluster* RouteGuardsTest::super_cluster_ = nullptr;
std::string RouteGuardsTest::no_roles_key_;

TEST_F(RouteGuardsTest, TheTableHasRoutesOfEveryAccessKind) {
  std::set<Access> kinds;
  for (const auto& route : pacemaker::ApiRoutes()) {
    kinds.insert(route.access);
    if (route.access == Access::kPermission) {
      EXPECT_TRUE(model::IsPermission(route.permission)) << route.pattern << ": " << route.permission;
    } else {
      EXPECT_TRUE(route.permission.empty()) << route.pattern << " declares a permission it does not check";
    }
  }
  EXPECT_EQ(kinds.size(), 5u);
}

TEST_F(RouteGuardsTest, WithoutCredentialsEveryRouteButLoginIs401) {
  for (const auto& route : pacemaker::ApiRoutes()) {
    Answer answer = Call(cluster_->pacemaker(), route, "");
    if (route.access == Access::kLogin) {
      EXPECT_TRUE(Accepted(answer)) << Describe(route, answer);
    } else {
      EXPECT_EQ(answer.status, 401) << Describe(route, answer);
    }
  }
}

TEST_F(RouteGuardsTest, TheNodeTokenOpensNodeRoutesOnly) {
  for (const auto& route : pacemaker::ApiRoutes()) {
    Answer answer = Call(cluster_->pacemaker(), route, cluster_->node_token());
    switch (route.access) {
      case Access::kNode:
      case Access::kAny:
      case Access::kLogin:
        EXPECT_TRUE(Accepted(answer)) << Describe(route, answer);
        break;
      case Access::kUser:
      case Access::kPermission:
        EXPECT_EQ(answer.status, 403) << Describe(route, answer);
        break;
    }
  }
}

TEST_F(RouteGuardsTest, AUserWithoutRolesIsRefusedEveryPermissionAndNodeRoute) {
  // Resetting one's own key ends the key the walk uses: that route goes last.
  std::vector<pacemaker::ApiRoute> routes = pacemaker::ApiRoutes();
  std::stable_partition(routes.begin(), routes.end(),
                        [](const auto& route) { return route.pattern != "/api/v1/me/reset-key"; });
  for (const auto& route : routes) {
    Answer answer = Call(cluster_->pacemaker(), route, no_roles_key_);
    if (route.access == Access::kPermission) {
      EXPECT_EQ(answer.status, 403) << Describe(route, answer);
      EXPECT_NE(answer.body.find(route.permission), std::string::npos) << "the refusal names it: " << answer.body;
    } else if (route.access == Access::kNode) {
      EXPECT_EQ(answer.status, 403) << Describe(route, answer);
    } else if (answer.status == 200 || answer.status == 201 || answer.status == 202) {
      // A user route that accepted someone without any grant may only be
      // about themselves (me, logout, their password, key) or list what
      // they can see (nothing).
      EXPECT_TRUE(route.pattern.find("/me") != std::string::npos || route.pattern == "/api/v1/logout" ||
                  route.pattern == "/api/v1/information" || route.pattern == "/api/v1/workspaces")
          << Describe(route, answer);
    }
  }
}

TEST_F(RouteGuardsTest, TheSuperTokenIsRefusedWhileNotAllowedAndAcceptedWhenAllowed) {
  for (const auto& route : pacemaker::ApiRoutes()) {
    if (route.access == Access::kLogin) continue;
    Answer off = Call(cluster_->pacemaker(), route, kSuperToken);
    EXPECT_EQ(off.status, 401) << "allow_supertoken off: " << Describe(route, off);
    Answer on = Call(super_cluster_->pacemaker(), route, kSuperToken);
    if (route.access == Access::kNode) {
      EXPECT_EQ(on.status, 403) << "node routes take the node token only: " << Describe(route, on);
    } else {
      EXPECT_TRUE(Accepted(on)) << "allow_supertoken on: " << Describe(route, on);
    }
  }
}

}  // namespace
}  // namespace paasmaker::testing

namespace paasmaker::testing {
namespace {

// Ids are not secrets: a user who may view workspace A and holds the id of
// a job, log, instance, version, application, upload or traffic figure of
// workspace B gets 403 or 404, never its data; the same calls on A's own
// ids answer 200.
TEST(CrossWorkspaceIdsTest, IdsFromAnotherWorkspaceGiveNoData) {
  Cluster cluster;
  cluster.AddStandardNodes(1, 0);
  ASSERT_TRUE(cluster.StartAll());
  ASSERT_TRUE(cluster.WaitForRegistration());
  auto admin = [&](std::vector<std::string> args) { return RunClient(cluster, std::move(args)); };
  ASSERT_EQ(admin({"workspace", "create", "Team Blue", "--stub", "blue"}).exit_code, 0);
  DeployResult own = Deploy(cluster, ExamplesDir() + "/env-report");  // in Default: A
  ASSERT_EQ(own.command.exit_code, 0) << own.command.output;
  DeployResult other = Deploy(cluster, ExamplesDir() + "/static-site", {"--workspace", "blue", "--start"});
  ASSERT_EQ(other.command.exit_code, 0) << other.command.output;
  ASSERT_TRUE(WaitForInstances(cluster, other.version_id(), 1, "RUNNING"));
  const std::string instance = VersionInstances(cluster, other.version_id())[0].value("instance_id", "");
  const std::string job = other.json["jobs"].value("start", "");
  const std::string own_job = own.json["jobs"].value("prepare", "");
  ASSERT_FALSE(instance.empty() || job.empty() || own_job.empty()) << other.json.dump() << own.json.dump();
  std::string upload;  // the admin's upload of the blue deploy, from its prepare job
  for (const auto& j : FlattenJobs(JobTree(cluster, other.json["jobs"].value("prepare", ""))["job"])) {
    if (j.contains("parameters") && j["parameters"].contains("scm")) {
      upload = j["parameters"]["scm"]["parameters"].value("upload_id", "");
    }
  }
  ASSERT_FALSE(upload.empty());

  // Wanda may view Default (and upload files) only.
  std::map<std::string, std::string> workspace_of;  // stub -> id
  json listed = cluster.GetData("/api/v1/workspaces");  // kept: a range over a temporary's member dangles
  for (const auto& w : listed["workspaces"]) workspace_of[w.value("stub", "")] = w.value("id", "");
  const std::string default_id = workspace_of["default"];
  ASSERT_FALSE(default_id.empty() || workspace_of["blue"].empty()) << listed.dump();
  auto user = cluster.Post("/api/v1/users", {{"login", "wanda"}, {"password", "wanda-password"}});
  ASSERT_TRUE(user.ok() && user->status == 201);
  json created = json::parse(user->body)["data"]["user"];
  auto role = cluster.Post("/api/v1/roles", {{"name", "Default viewers"}, {"permissions", {"WORKSPACE_VIEW"}}});
  ASSERT_TRUE(role.ok() && role->status == 201) << (role.ok() ? role->body : "");
  auto allocated = cluster.Post("/api/v1/roles/allocations",
                                {{"user_id", created.value("id", "")},
                                 {"role_id", json::parse(role->body)["data"]["role"].value("id", "")},
                                 {"workspace_id", default_id}});
  ASSERT_TRUE(allocated.ok() && allocated->status < 300) << (allocated.ok() ? allocated->body : "");
  const std::string key = created.value("api_key", "");

  const std::vector<std::string> foreign = {
      "/api/v1/jobs/" + job,
      "/api/v1/jobs/" + job + "/log",
      "/api/v1/jobs/" + job + "/stream",
      "/api/v1/jobs?tag=workspace:" + workspace_of["blue"],
      "/api/v1/jobs?tag=application:" + other.application_id(),
      "/api/v1/instances/" + instance,
      "/api/v1/instances/" + instance + "/log",
      "/api/v1/versions/" + other.version_id(),
      "/api/v1/versions/" + other.version_id() + "/instances",
      "/api/v1/applications/" + other.application_id(),
      "/api/v1/applications/" + other.application_id() + "/versions",
      "/api/v1/applications/" + other.application_id() + "/crons",
      "/api/v1/applications/" + other.application_id() + "/services",
      "/api/v1/applications/" + other.application_id() + "/services/web?credentials=true",
      "/api/v1/applications/" + other.application_id() + "/services/web/export",
      "/api/v1/uploads/" + upload,
      "/api/v1/router/stats/application/" + other.application_id(),
      "/api/v1/router/stats/version/" + other.version_id(),
  };
  for (const auto& path : foreign) {
    auto answer = cluster.Get(path, key);
    ASSERT_TRUE(answer.ok()) << path;
    EXPECT_TRUE(answer->status == 403 || answer->status == 404) << path << " -> " << answer->status << " "
                                                                 << answer->body.substr(0, 300);
  }
  for (const auto& path : {"/api/v1/jobs/" + own_job, "/api/v1/versions/" + own.version_id(),
                           "/api/v1/applications/" + own.application_id()}) {
    auto answer = cluster.Get(path, key);
    ASSERT_TRUE(answer.ok()) << path;
    EXPECT_EQ(answer->status, 200) << path << ": " << answer->body.substr(0, 300);
  }
}

}  // namespace
}  // namespace paasmaker::testing
