// UserStore on both SQL backends (SQLite in a temp dir, the shared
// throwaway PostgreSQL), over the real schema migrations.
#include "pacemaker/store/user_store.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/ids.h"
#include "pacemaker/store/schema.h"
#include "pacemaker/store/workspace_store.h"
#include "temp_dir.h"
#include "test_databases.h"

namespace paasmaker::pacemaker {
namespace {

using nlohmann::json;
namespace support = paasmaker::testing;

class UserStoreTest : public ::testing::TestWithParam<support::Backend> {
 protected:
  void SetUp() override {
    auto db = support::OpenPacemakerDatabase(GetParam(), dir_.path());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    users_ = std::make_unique<UserStore>(*db_);
    workspaces_ = std::make_unique<WorkspaceStore>(*db_);
  }

  // A user and its API key.
  std::pair<User, std::string> NewUser(const std::string& login) {
    auto created = users_->CreateUser(login, "", login + "@example.com", "correct horse");
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? *created : std::pair<User, std::string>{};
  }

  std::string NewWorkspace(const std::string& stub) {
    auto ws = workspaces_->Create("Workspace " + stub, stub, json::object());
    EXPECT_TRUE(ws.ok()) << ws.status().ToString();
    return ws.ok() ? ws->id : "";
  }

  Role NewRole(const std::string& name, const std::vector<std::string>& permissions) {
    auto role = users_->CreateRole(name, permissions);
    EXPECT_TRUE(role.ok()) << role.status().ToString();
    return role.ok() ? *role : Role{};
  }

  void Disable(const std::string& user_id) {
    ASSERT_TRUE(db_->Execute("UPDATE users SET enabled = 0 WHERE id = ?", {user_id}).ok());
  }

  support::TempDir dir_{"pm-userstore"};
  std::unique_ptr<sql::Database> db_;
  std::unique_ptr<UserStore> users_;
  std::unique_ptr<WorkspaceStore> workspaces_;
};

INSTANTIATE_TEST_SUITE_P(Backends, UserStoreTest, support::BothBackends(), support::BackendParamName);

TEST_P(UserStoreTest, ANewUserIsFoundByItsApiKeyOnly) {
  auto [alice, key] = NewUser("alice");
  EXPECT_EQ(alice.name, "alice") << "the name defaults to the login";
  EXPECT_TRUE(alice.enabled);
  EXPECT_GE(key.size(), 24u);

  auto found = users_->FindUserByApiKey(key);
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, alice.id);
  EXPECT_EQ((*found)->email, "alice@example.com");

  auto wrong = users_->FindUserByApiKey(key + "x");
  ASSERT_TRUE(wrong.ok());
  EXPECT_FALSE(wrong->has_value());
  auto empty = users_->FindUserByApiKey("");
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->has_value());
}

TEST_P(UserStoreTest, NeitherTheKeyNorThePasswordIsStored) {
  auto [alice, key] = NewUser("alice");
  auto rows = db_->Query("SELECT * FROM users WHERE id = ?", {alice.id});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  for (const auto& [column, value] : rows->front().columns()) {
    std::string text = rows->front().GetString(column);
    EXPECT_EQ(text.find(key), std::string::npos) << column;
    EXPECT_EQ(text.find("correct horse"), std::string::npos) << column;
  }
  EXPECT_EQ(rows->front().GetString("api_key_hash"), ids::Sha256Hex(key));
}

TEST_P(UserStoreTest, LoginsAreUniqueAndPasswordsLongEnough) {
  NewUser("alice");
  auto again = users_->CreateUser("alice", "Alice Two", "", "another password");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists) << again.status().ToString();
  EXPECT_NE(again.status().message().find("login"), std::string::npos);

  auto short_password = users_->CreateUser("bob", "", "", "1234567");
  ASSERT_FALSE(short_password.ok());
  EXPECT_EQ(short_password.status().code(), StatusCode::kInvalidArgument);

  auto count = users_->CountUsers();
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 1);
}

TEST_P(UserStoreTest, UsersAreListedByLogin) {
  NewUser("carol");
  NewUser("alice");
  NewUser("bob");
  auto listed = users_->ListUsers();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[0].login, "alice");
  EXPECT_EQ((*listed)[1].login, "bob");
  EXPECT_EQ((*listed)[2].login, "carol");
  auto count = users_->CountUsers();
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 3);
}

TEST_P(UserStoreTest, PasswordsAreChecked) {
  auto [alice, key] = NewUser("alice");
  auto right = users_->CheckPassword("alice", "correct horse");
  ASSERT_TRUE(right.ok());
  ASSERT_TRUE(right->has_value());
  EXPECT_EQ((*right)->id, alice.id);

  for (const auto& [login, password] : std::vector<std::pair<std::string, std::string>>{
           {"alice", "correct horsE"}, {"alice", ""}, {"mallory", "correct horse"}}) {
    auto refused = users_->CheckPassword(login, password);
    ASSERT_TRUE(refused.ok());
    EXPECT_FALSE(refused->has_value()) << login << " / " << password;
  }
}

TEST_P(UserStoreTest, ADisabledUserHasNoWayIn) {
  auto [alice, key] = NewUser("alice");
  auto session = users_->CreateSession(alice.id, 3600);
  ASSERT_TRUE(session.ok());
  Disable(alice.id);
  auto by_key = users_->FindUserByApiKey(key);
  ASSERT_TRUE(by_key.ok());
  EXPECT_FALSE(by_key->has_value());
  auto by_password = users_->CheckPassword("alice", "correct horse");
  ASSERT_TRUE(by_password.ok());
  EXPECT_FALSE(by_password->has_value());
  auto by_session = users_->FindUserBySession(*session);
  ASSERT_TRUE(by_session.ok());
  EXPECT_FALSE(by_session->has_value());
}

TEST_P(UserStoreTest, RolesNameKnownPermissionsOnly) {
  Role admin = NewRole("Administrator", {"USER_LIST", "USER_EDIT"});
  EXPECT_EQ(admin.permissions, (std::vector<std::string>{"USER_LIST", "USER_EDIT"}));
  NewRole("Developer", {"APPLICATION_DEPLOY"});

  auto unknown = users_->CreateRole("Wizard", {"USER_LIST", "CAST_SPELLS"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("CAST_SPELLS"), std::string::npos);
  auto duplicate = users_->CreateRole("Developer", {});
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.status().code(), StatusCode::kAlreadyExists);

  auto roles = users_->ListRoles();
  ASSERT_TRUE(roles.ok());
  ASSERT_EQ(roles->size(), 2u);
  EXPECT_EQ((*roles)[0].name, "Administrator");  // by name
  EXPECT_EQ((*roles)[0].permissions, admin.permissions);
  EXPECT_EQ((*roles)[1].name, "Developer");
}

TEST_P(UserStoreTest, GrantsAreGlobalOrPerWorkspace) {
  auto [alice, key] = NewUser("alice");
  std::string blue = NewWorkspace("blue");
  std::string red = NewWorkspace("red");
  Role viewer = NewRole("Viewer", {"WORKSPACE_VIEW"});
  Role deployer = NewRole("Deployer", {"APPLICATION_DEPLOY", "APPLICATION_DELETE"});
  ASSERT_TRUE(users_->Allocate(alice.id, viewer.id, "").ok());
  ASSERT_TRUE(users_->Allocate(alice.id, deployer.id, blue).ok());

  auto grants = users_->GrantsOf(alice.id);
  ASSERT_TRUE(grants.ok());
  EXPECT_EQ(grants->global, (std::set<std::string>{"WORKSPACE_VIEW"}));
  ASSERT_EQ(grants->by_workspace.count(blue), 1u);
  EXPECT_EQ(grants->by_workspace.at(blue), (std::set<std::string>{"APPLICATION_DEPLOY", "APPLICATION_DELETE"}));
  EXPECT_EQ(grants->by_workspace.count(red), 0u);

  EXPECT_TRUE(grants->Allows("WORKSPACE_VIEW"));
  EXPECT_TRUE(grants->Allows("WORKSPACE_VIEW", red)) << "global grants hold in every workspace";
  EXPECT_TRUE(grants->Allows("APPLICATION_DEPLOY", blue));
  EXPECT_FALSE(grants->Allows("APPLICATION_DEPLOY", red));
  EXPECT_FALSE(grants->Allows("APPLICATION_DEPLOY")) << "a workspace grant is not a global one";
  EXPECT_FALSE(grants->Allows("USER_EDIT", blue));

  auto bob = NewUser("bob");
  auto none = users_->GrantsOf(bob.first.id);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->global.empty());
  EXPECT_TRUE(none->by_workspace.empty());
}

TEST_P(UserStoreTest, AllocationsNeedAnExistingUserRoleAndWorkspace) {
  auto [alice, key] = NewUser("alice");
  Role viewer = NewRole("Viewer", {"WORKSPACE_VIEW"});
  std::string blue = NewWorkspace("blue");
  Status no_user = users_->Allocate("nobody", viewer.id, "");
  EXPECT_EQ(no_user.code(), StatusCode::kNotFound);
  EXPECT_NE(no_user.message().find("user_id"), std::string::npos);
  Status no_role = users_->Allocate(alice.id, "no-role", blue);
  EXPECT_EQ(no_role.code(), StatusCode::kNotFound);
  EXPECT_NE(no_role.message().find("role_id"), std::string::npos);
  Status no_workspace = users_->Allocate(alice.id, viewer.id, "no-workspace");
  EXPECT_EQ(no_workspace.code(), StatusCode::kNotFound);
  EXPECT_NE(no_workspace.message().find("workspace_id"), std::string::npos);
  auto grants = users_->GrantsOf(alice.id);
  ASSERT_TRUE(grants.ok());
  EXPECT_TRUE(grants->global.empty());
  EXPECT_TRUE(grants->by_workspace.empty());
}

TEST_P(UserStoreTest, SessionsFindTheirUserUntilTheyExpire) {
  auto [alice, key] = NewUser("alice");
  auto session = users_->CreateSession(alice.id, 3600);
  ASSERT_TRUE(session.ok());
  EXPECT_NE(*session, key);
  auto found = users_->FindUserBySession(*session);
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, alice.id);

  auto stored = db_->Query("SELECT token_hash FROM sessions");
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ(stored->front().GetString("token_hash"), ids::Sha256Hex(*session)) << "only the hash is kept";

  auto expired = users_->CreateSession(alice.id, -1);
  ASSERT_TRUE(expired.ok());
  auto late = users_->FindUserBySession(*expired);
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(late->has_value());
  auto forged = users_->FindUserBySession(key);
  ASSERT_TRUE(forged.ok());
  EXPECT_FALSE(forged->has_value()) << "an API key is not a session token";
}

}  // namespace
}  // namespace paasmaker::pacemaker
