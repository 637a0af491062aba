// Accounts through the CLI against a real pacemaker (issue 18): roles are
// edited in place and deleted only once unallocated; a disabled
// user's key is refused at once and works again when enabled; a reset key
// works and the old one does not (an admin's reset and one's own); one's own
// password change needs the old password; a deleted user is gone with their
// key; nobody disables or deletes themselves.
#include <gtest/gtest.h>

#include "app_helpers.h"
#include "core/files.h"
#include "harness.h"

namespace paasmaker::testing {
namespace {

using nlohmann::json;

class AccountsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new Cluster();
    cluster_->AddNode("pacemaker", {"pacemaker"});
    ASSERT_TRUE(cluster_->StartNode(cluster_->pacemaker()));
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }

  static CommandResult As(const std::string& key, std::vector<std::string> args,
                          std::map<std::string, std::string> env = {}) {
    env["PAASMAKER_REMOTE"] = cluster_->pacemaker().url();
    env["PAASMAKER_KEY"] = key;
    return RunPaasmaker(args, env);
  }
  static CommandResult Admin(std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    return As(cluster_->admin_key(), std::move(args), std::move(env));
  }
  // The HTTP status of an authenticated call with `key`.
  static int StatusWith(const std::string& key) {
    auto answer = cluster_->Get("/api/v1/workspaces", key);
    return answer.ok() ? answer->status : 0;
  }
  // A new user's API key.
  static std::string CreateUser(const std::string& login) {
    auto created = Admin({"user", "create", login, "--email", login + "@example.com", "--json"},
                         {{"PAASMAKER_PASSWORD", "first-password"}});
    EXPECT_EQ(created.exit_code, 0) << created.output;
    json data = json::parse(created.output, nullptr, false);
    return data.is_object() ? data["user"].value("api_key", "") : "";
  }
  static std::string KeyFrom(const CommandResult& r) {
    json data = json::parse(r.output, nullptr, false);
    return data.is_object() ? data.value("api_key", "") : "";
  }

  static Cluster* cluster_;
};
Cluster* AccountsTest::cluster_ = nullptr;

TEST_F(AccountsTest, ADisabledUsersKeyIsRefusedAtOnceAndWorksAgainWhenEnabled) {
  const std::string key = CreateUser("dora");
  ASSERT_EQ(StatusWith(key), 200);
  auto disabled = Admin({"user", "disable", "dora"});
  ASSERT_EQ(disabled.exit_code, 0) << disabled.output;
  EXPECT_NE(disabled.output.find("no (its key and sessions are refused)"), std::string::npos) << disabled.output;
  EXPECT_EQ(StatusWith(key), 401);  // the very next request
  EXPECT_EQ(As(key, {"workspace", "list"}).exit_code, 3);
  ASSERT_EQ(Admin({"user", "enable", "dora"}).exit_code, 0);
  EXPECT_EQ(StatusWith(key), 200);
}

TEST_F(AccountsTest, AResetKeyWorksAndTheOldOneDoesNot) {
  const std::string first = CreateUser("rita");
  auto reset = Admin({"user", "reset-key", "rita", "--json"});
  ASSERT_EQ(reset.exit_code, 0) << reset.output;
  const std::string second = KeyFrom(reset);
  ASSERT_FALSE(second.empty()) << reset.output;
  EXPECT_EQ(StatusWith(first), 401);
  EXPECT_EQ(StatusWith(second), 200);

  // Her own reset: no USER, her key.
  auto own = As(second, {"user", "reset-key", "--json"});
  ASSERT_EQ(own.exit_code, 0) << own.output;
  const std::string third = KeyFrom(own);
  EXPECT_EQ(StatusWith(second), 401);
  EXPECT_EQ(StatusWith(third), 200);
}

TEST_F(AccountsTest, OnesOwnPasswordChangeNeedsTheOldOne) {
  const std::string key = CreateUser("olga");
  auto wrong = As(key, {"user", "password"},
                  {{"PAASMAKER_OLD_PASSWORD", "not-it-at-all"}, {"PAASMAKER_PASSWORD", "second-password"}});
  EXPECT_EQ(wrong.exit_code, 3) << wrong.output;
  EXPECT_NE(wrong.output.find("old_password: not your current password"), std::string::npos) << wrong.output;
  auto changed = As(key, {"user", "password"},
                    {{"PAASMAKER_OLD_PASSWORD", "first-password"}, {"PAASMAKER_PASSWORD", "second-password"}});
  ASSERT_EQ(changed.exit_code, 0) << changed.output;
  auto login = [](const std::string& password) {
    auto answer = cluster_->Post("/api/v1/login", {{"username", "olga"}, {"password", password}}, "-");
    return answer.ok() ? answer->status : 0;
  };
  EXPECT_EQ(login("second-password"), 200);
  EXPECT_EQ(login("first-password"), 401);
  // Too short is refused, naming the rule.
  auto short_one = Admin({"user", "edit", "olga", "--password"}, {{"PAASMAKER_PASSWORD", "short"}});
  EXPECT_EQ(short_one.exit_code, 2) << short_one.output;
  EXPECT_NE(short_one.output.find("password: must be at least 8 characters"), std::string::npos) << short_one.output;
}

TEST_F(AccountsTest, ASessionFromLoginEndsAtLogoutAndChangesStateOnlyWithItsCsrfToken) {
  CreateUser("lena");
  http::Client client(cluster_->pacemaker().url());
  auto login = client.Post("/api/v1/login", json{{"username", "lena"}, {"password", "first-password"}}.dump());
  ASSERT_TRUE(login.ok() && login->status == 200) << (login.ok() ? login->body : login.status().ToString());
  std::string set_cookie = login->headers["Set-Cookie"];
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos) << set_cookie;
  EXPECT_EQ(set_cookie.find("Secure"), std::string::npos) << "plain http: " << set_cookie;
  std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  json answer = json::parse(login->body);
  std::string csrf = answer["data"].value("csrf_token", "");
  ASSERT_FALSE(csrf.empty()) << login->body;
  EXPECT_EQ(answer["data"]["user"].value("login", ""), "lena");

  auto me = client.Get("/api/v1/me", {{"Cookie", cookie}});
  ASSERT_TRUE(me.ok() && me->status == 200) << (me.ok() ? me->body : me.status().ToString());
  json who = json::parse(me->body)["data"];
  EXPECT_EQ(who["user"].value("login", ""), "lena");
  EXPECT_EQ(who.value("csrf_token", ""), csrf);
  EXPECT_TRUE(who["permissions"]["global"].is_array()) << me->body;

  // Logout needs the token too (it changes state), then the session is gone.
  auto forged = client.Post("/api/v1/logout", "{}", {{"Cookie", cookie}});
  ASSERT_TRUE(forged.ok());
  EXPECT_EQ(forged->status, 403) << forged->body;
  auto logout = client.Post("/api/v1/logout", "{}", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  ASSERT_TRUE(logout.ok() && logout->status == 200) << (logout.ok() ? logout->body : logout.status().ToString());
  EXPECT_NE(logout->headers["Set-Cookie"].find("Max-Age=0"), std::string::npos) << logout->headers["Set-Cookie"];
  auto after = client.Get("/api/v1/me", {{"Cookie", cookie}});
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->status, 401) << after->body;

  // Through a router's https port the cookie is Secure.
  auto via_https = client.Post("/api/v1/login", json{{"username", "lena"}, {"password", "first-password"}}.dump(),
                               {{"X-Forwarded-Proto", "https"}});
  ASSERT_TRUE(via_https.ok() && via_https->status == 200);
  EXPECT_NE(via_https->headers["Set-Cookie"].find("; Secure"), std::string::npos) << via_https->headers["Set-Cookie"];
}

// Permissions of their own (SPEC §9): making a version current is routing,
// and the routing table's dump is system administration.
TEST_F(AccountsTest, MakeCurrentNeedsRoutingAndTheRouterDumpNeedsAdministration) {
  DeployResult site = Deploy(*cluster_, ExamplesDir() + "/static-site");
  ASSERT_EQ(site.command.exit_code, 0) << site.command.output;
  const std::string version = site.version_id();
  auto role_with = [&](const std::string& name, const std::string& permissions) {
    auto created = Admin({"role", "create", name, "--permission", permissions, "--json"});
    EXPECT_EQ(created.exit_code, 0) << created.output;
    return json::parse(created.output, nullptr, false)["role"].value("id", "");
  };
  auto user_with = [&](const std::string& login, const std::string& role_id) {
    std::string key = CreateUser(login);
    EXPECT_FALSE(key.empty()) << login;  // an empty key would be the admin's (Cluster::Post)
    auto shown = Admin({"user", "show", login, "--json"});
    std::string user_id = json::parse(shown.output, nullptr, false)["user"].value("id", "");
    EXPECT_EQ(Admin({"role", "allocate", "--user", user_id, "--role", role_id}).exit_code, 0);
    return key;
  };
  auto post_status = [&](const std::string& key, const std::string& action) {
    auto answer = cluster_->Post("/api/v1/versions/" + version + "/" + action, json::object(), key);
    return answer.ok() ? std::make_pair(answer->status, answer->body) : std::make_pair(0, std::string());
  };
  const std::string deployer = user_with("dirk", role_with("Deployers", "WORKSPACE_VIEW,APPLICATION_DEPLOY"));
  auto refused = post_status(deployer, "current");
  EXPECT_EQ(refused.first, 403) << refused.second;
  EXPECT_NE(refused.second.find("APPLICATION_ROUTING"), std::string::npos) << refused.second;
  EXPECT_NE(post_status(deployer, "stop").first, 403) << "deploying actions stay with APPLICATION_DEPLOY";

  const std::string router = user_with("rudi", role_with("Routers", "WORKSPACE_VIEW,APPLICATION_ROUTING"));
  EXPECT_NE(post_status(router, "current").first, 403);
  EXPECT_EQ(post_status(router, "start").first, 403);

  const std::string overseer = user_with("otto", role_with("Overseers", "SYSTEM_OVERVIEW"));
  auto dump = cluster_->Get("/api/v1/router/table", overseer);
  ASSERT_TRUE(dump.ok());
  EXPECT_EQ(dump->status, 403) << dump->body;
  EXPECT_NE(dump->body.find("SYSTEM_ADMINISTRATION"), std::string::npos) << dump->body;
  auto admin_dump = cluster_->Get("/api/v1/router/table");
  ASSERT_TRUE(admin_dump.ok());
  EXPECT_EQ(admin_dump->status, 200) << admin_dump->body;
}

// APPLICATION_CREATE guards an application's first deploy; a new version of
// an existing one needs APPLICATION_DEPLOY only.
TEST_F(AccountsTest, AFirstDeployNeedsApplicationCreate) {
  DeployResult first = Deploy(*cluster_, ExamplesDir() + "/env-report");  // the admin creates it
  ASSERT_EQ(first.command.exit_code, 0) << first.command.output;
  const std::string key = CreateUser("carl");
  ASSERT_FALSE(key.empty());
  auto role = Admin({"role", "create", "Deployers only", "--permission",
                     "WORKSPACE_LIST,WORKSPACE_VIEW,FILE_UPLOAD,APPLICATION_DEPLOY", "--json"});
  ASSERT_EQ(role.exit_code, 0) << role.output;
  auto shown = Admin({"user", "show", "carl", "--json"});
  ASSERT_EQ(Admin({"role", "allocate", "--user", json::parse(shown.output, nullptr, false)["user"].value("id", ""),
                   "--role", json::parse(role.output, nullptr, false)["role"].value("id", "")})
                .exit_code,
            0);
  auto deploy_as_carl = [&](const std::string& example) {
    return As(key, {"deploy", ExamplesDir() + "/" + example, "--json"});
  };
  auto new_version = deploy_as_carl("env-report");
  EXPECT_EQ(new_version.exit_code, 0) << new_version.output;
  auto new_app = deploy_as_carl("crashy");
  EXPECT_NE(new_app.exit_code, 0) << new_app.output;
  EXPECT_NE(new_app.output.find("permission APPLICATION_CREATE is required to create the application 'crashy'"),
            std::string::npos)
      << new_app.output;
  json apps = cluster_->GetData("/api/v1/workspaces/" +
                                cluster_->GetData("/api/v1/workspaces")["workspaces"][0].value("id", "") +
                                "/applications");
  for (const auto& app : apps["applications"]) EXPECT_NE(app.value("name", ""), "crashy") << "nothing was created";
}

TEST_F(AccountsTest, ADeletedUserIsGoneWithTheirKeyAndNobodyRemovesThemselves) {
  const std::string key = CreateUser("dave");
  auto edited = Admin({"user", "edit", "dave", "--name", "Dave Kim"});
  ASSERT_EQ(edited.exit_code, 0) << edited.output;
  EXPECT_NE(edited.output.find("Dave Kim"), std::string::npos) << edited.output;
  ASSERT_EQ(Admin({"user", "delete", "dave"}).exit_code, 0);
  EXPECT_EQ(StatusWith(key), 401);
  auto gone = Admin({"user", "show", "dave"});
  EXPECT_EQ(gone.exit_code, 4) << gone.output;

  auto self_delete = Admin({"user", "delete", "admin"});
  EXPECT_NE(self_delete.exit_code, 0) << self_delete.output;
  EXPECT_NE(self_delete.output.find("you cannot delete yourself"), std::string::npos) << self_delete.output;
  auto self_disable = Admin({"user", "disable", "admin"});
  EXPECT_NE(self_disable.output.find("you cannot disable yourself"), std::string::npos) << self_disable.output;
  EXPECT_EQ(StatusWith(cluster_->admin_key()), 200);
}

TEST_F(AccountsTest, ARoleIsEditedInPlaceAndDeletedOnlyOnceUnallocated) {
  const std::string key = CreateUser("rosa");
  auto users_status = [&] {
    auto answer = cluster_->Get("/api/v1/users", key);
    return answer.ok() ? answer->status : 0;
  };
  auto created = Admin({"role", "create", "Viewers", "--permission", "NODE_LIST", "--json"});
  ASSERT_EQ(created.exit_code, 0) << created.output;
  const std::string role_id = json::parse(created.output, nullptr, false)["role"].value("id", "");
  auto rosa = Admin({"user", "show", "rosa", "--json"});
  const std::string user_id = json::parse(rosa.output, nullptr, false)["user"].value("id", "");
  ASSERT_EQ(Admin({"role", "allocate", "--user", user_id, "--role", role_id}).exit_code, 0);
  EXPECT_EQ(users_status(), 403);

  auto edited = Admin({"role", "edit", "Viewers", "--permission", "NODE_LIST,USER_LIST"});
  ASSERT_EQ(edited.exit_code, 0) << edited.output;
  EXPECT_NE(edited.output.find("NODE_LIST,USER_LIST"), std::string::npos) << edited.output;
  EXPECT_EQ(users_status(), 200);  // at her next request

  auto refused = Admin({"role", "delete", "Viewers"});
  EXPECT_NE(refused.exit_code, 0) << refused.output;
  EXPECT_NE(refused.output.find("the role is allocated 1 time(s); unallocate it first"), std::string::npos)
      << refused.output;

  auto listed = Admin({"role", "allocations", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  std::string allocation_id;
  const json allocations = json::parse(listed.output, nullptr, false);
  ASSERT_TRUE(allocations.is_object()) << listed.output;
  for (const auto& a : allocations["allocations"]) {
    if (a.value("login", "") == "rosa") allocation_id = a.value("id", "");
  }
  ASSERT_FALSE(allocation_id.empty()) << listed.output;
  ASSERT_EQ(Admin({"role", "unallocate", allocation_id}).exit_code, 0);
  EXPECT_EQ(users_status(), 403);
  ASSERT_EQ(Admin({"role", "delete", "Viewers"}).exit_code, 0);
  EXPECT_EQ(Admin({"role", "show", "Viewers"}).exit_code, 4);
  auto unknown = Admin({"role", "edit", "Administrator", "--permission", "NO_SUCH_THING"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_NE(unknown.output.find("no such permission 'NO_SUCH_THING'"), std::string::npos) << unknown.output;
}

TEST_F(AccountsTest, AWorkspaceIsEditedAndDeletedOnlyOnceEmpty) {
  ASSERT_EQ(Admin({"workspace", "create", "Team Red", "--stub", "red"}).exit_code, 0);
  auto edited = Admin({"workspace", "edit", "red", "--name", "Team Crimson", "--tag", "tier=web", "--json"});
  ASSERT_EQ(edited.exit_code, 0) << edited.output;
  json workspace = json::parse(edited.output, nullptr, false)["workspace"];
  EXPECT_EQ(workspace["name"], "Team Crimson");
  EXPECT_EQ(workspace["stub"], "red");  // hostnames keep theirs
  EXPECT_EQ(workspace["tags"], json({{"tier", "web"}}));
  const std::string id = workspace.value("id", "");

  // An application in it (prepared only: this cluster has no heart) keeps it.
  auto deployed = Admin({"deploy", ExamplesDir() + "/python-hello", "--workspace", "red"});
  ASSERT_EQ(deployed.exit_code, 0) << deployed.output;
  auto refused = Admin({"workspace", "delete", id});
  EXPECT_NE(refused.exit_code, 0) << refused.output;
  EXPECT_NE(refused.output.find("the workspace holds 1 application(s); delete them first"), std::string::npos)
      << refused.output;
  ASSERT_EQ(Admin({"app", "delete", "hello", "--workspace", "red", "--wait"}).exit_code, 0);
  auto deleted = Admin({"workspace", "delete", id});
  EXPECT_EQ(deleted.exit_code, 0) << deleted.output;
}

// Last: it replaces the admin key the other tests use.
TEST_F(AccountsTest, LostAdminCredentialsAreRecoveredOnThePacemakerHost) {
  const std::string old_key = cluster_->admin_key();
  ASSERT_EQ(Admin({"user", "disable", "dora"}).exit_code, 0);  // whatever else was there stays as it was
  auto reset = RunPaasmaker({"admin", "reset", "-c", cluster_->pacemaker().config_path()});
  ASSERT_EQ(reset.exit_code, 0) << reset.output;
  EXPECT_NE(reset.output.find("Reset user 'admin': a new password and API key are in " +
                              cluster_->pacemaker().data_dir() + "/admin_credentials.json"),
            std::string::npos)
      << reset.output;
  const std::string new_key = cluster_->admin_key();
  ASSERT_NE(new_key, old_key);
  EXPECT_EQ(StatusWith(old_key), 401);
  EXPECT_EQ(StatusWith(new_key), 200);
  auto users = Admin({"user", "show", "dora"});
  EXPECT_NE(users.output.find("no (its key and sessions are refused)"), std::string::npos) << users.output;

  auto credentials = files::ReadFile(cluster_->pacemaker().data_dir() + "/admin_credentials.json");
  ASSERT_TRUE(credentials.ok());
  json saved = json::parse(*credentials, nullptr, false);
  auto login = cluster_->Post("/api/v1/login", {{"username", "admin"}, {"password", saved.value("password", "")}}, "-");
  ASSERT_TRUE(login.ok());
  EXPECT_EQ(login->status, 200) << login->body;

  // Not a pacemaker's config: refused, saying so.
  const std::string heart_config = cluster_->dir().path() + "/heart-only.yml";
  ASSERT_TRUE(files::WriteFileAtomically(heart_config, "pacemaker: {enabled: false}\n").ok());
  auto heartless = RunPaasmaker({"admin", "reset", "-c", heart_config});
  EXPECT_EQ(heartless.exit_code, 2) << heartless.output;
  EXPECT_NE(heartless.output.find("is not a pacemaker's config (pacemaker.enabled: false)"), std::string::npos)
      << heartless.output;
}

}  // namespace
}  // namespace paasmaker::testing
