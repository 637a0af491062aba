// Authenticator over a real UserStore on SQLite: which secret makes which
// principal, and which access each principal gets (the store itself runs on
// both backends in user_store_test.cc).
#include "pacemaker/auth.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/ids.h"
#include "pacemaker/store/schema.h"
#include "pacemaker/store/workspace_store.h"
#include "temp_dir.h"

namespace paasmaker::pacemaker {
namespace {

using nlohmann::json;

constexpr const char* kNodeToken = "node-token-0123456789abcdef";
constexpr const char* kSuperToken = "super-token-0123456789abcdef";

http::Request WithHeader(const std::string& name, const std::string& value) {
  http::Request request;
  request.method = "GET";
  request.path = "/api/v1/test";
  request.remote_address = "192.0.2.7";
  request.headers[name] = value;
  return request;
}

http::Request Bearer(const std::string& secret) { return WithHeader("authorization", "Bearer " + secret); }

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ids::Initialize().ok());
    auto db = sql::Open("sqlite://" + dir_.path() + "/paasmaker.db");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    ASSERT_TRUE(sql::Migrate(*db_, SchemaMigrations()).ok());
    users_ = std::make_unique<UserStore>(*db_);
    WorkspaceStore workspaces(*db_);
    auto blue = workspaces.Create("Blue", "blue", json::object());
    auto red = workspaces.Create("Red", "red", json::object());
    ASSERT_TRUE(blue.ok() && red.ok());
    blue_ = blue->id;
    red_ = red->id;

    // alice: NODE_LIST everywhere, APPLICATION_DEPLOY in blue only. bob: nothing.
    auto alice = users_->CreateUser("alice", "", "", "alice's password");
    auto bob = users_->CreateUser("bob", "", "", "bob's password");
    ASSERT_TRUE(alice.ok() && bob.ok());
    alice_ = alice->first;
    alice_key_ = alice->second;
    bob_key_ = bob->second;
    auto lister = users_->CreateRole("Lister", {"NODE_LIST"});
    auto deployer = users_->CreateRole("Deployer", {"APPLICATION_DEPLOY"});
    ASSERT_TRUE(lister.ok() && deployer.ok());
    ASSERT_TRUE(users_->Allocate(alice_.id, lister->id, "").ok());
    ASSERT_TRUE(users_->Allocate(alice_.id, deployer->id, blue_).ok());
  }

  Authenticator Auth(bool allow_super = false) { return Authenticator(*users_, kNodeToken, kSuperToken, allow_super); }

  paasmaker::testing::TempDir dir_{"pm-auth"};
  std::unique_ptr<sql::Database> db_;
  std::unique_ptr<UserStore> users_;
  std::string blue_, red_;
  User alice_;
  std::string alice_key_, bob_key_;
};

TEST_F(AuthTest, AnApiKeyMakesItsUserWithTheirGrants) {
  for (const http::Request& request : {Bearer(alice_key_), WithHeader("x-paasmaker-key", alice_key_)}) {
    auto who = Auth().Authenticate(request);
    ASSERT_TRUE(who.ok()) << who.status().ToString();
    EXPECT_EQ(who->kind, Principal::Kind::kUser);
    EXPECT_EQ(who->user.id, alice_.id);
    EXPECT_TRUE(who->Allows("NODE_LIST"));
    EXPECT_FALSE(who->Allows("USER_EDIT"));
  }
}

TEST_F(AuthTest, NoOrUnknownCredentialsAreUnauthenticated) {
  auto none = Auth().Authenticate(http::Request{});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), StatusCode::kUnauthenticated);

  auto wrong = Auth().Authenticate(Bearer(alice_key_ + "0"));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(wrong.status().message().find("unknown API key"), std::string::npos);
  EXPECT_EQ(wrong.status().message().find(alice_key_), std::string::npos) << "the secret is never echoed";

  auto not_bearer = Auth().Authenticate(WithHeader("authorization", "Basic " + alice_key_));
  ASSERT_FALSE(not_bearer.ok());
  EXPECT_EQ(not_bearer.status().code(), StatusCode::kUnauthenticated);
}

TEST_F(AuthTest, TheBearerHeaderWinsOverTheKeyHeader) {
  http::Request request = Bearer("not-a-key");
  request.headers["x-paasmaker-key"] = alice_key_;
  auto who = Auth().Authenticate(request);
  ASSERT_FALSE(who.ok());
  EXPECT_EQ(who.status().code(), StatusCode::kUnauthenticated);
}

TEST_F(AuthTest, PermissionRoutesNeedTheGlobalPermission) {
  auto listed = Auth().Authorize(Bearer(alice_key_), Access::kPermission, "NODE_LIST");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_EQ(listed->user.id, alice_.id);

  // APPLICATION_DEPLOY is alice's only in workspace blue: not enough for a global route.
  auto deploy = Auth().Authorize(Bearer(alice_key_), Access::kPermission, "APPLICATION_DEPLOY");
  ASSERT_FALSE(deploy.ok());
  EXPECT_EQ(deploy.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(deploy.status().message().find("APPLICATION_DEPLOY"), std::string::npos);

  auto bob = Auth().Authorize(Bearer(bob_key_), Access::kPermission, "NODE_LIST");
  ASSERT_FALSE(bob.ok());
  EXPECT_EQ(bob.status().code(), StatusCode::kPermissionDenied);

  auto wrong_key = Auth().Authorize(Bearer("nope"), Access::kPermission, "NODE_LIST");
  ASSERT_FALSE(wrong_key.ok());
  EXPECT_EQ(wrong_key.status().code(), StatusCode::kUnauthenticated) << "unknown is 401, not 403";
}

TEST_F(AuthTest, WorkspacePermissionsHoldOnlyInTheirWorkspace) {
  auto who = Auth().Authorize(Bearer(alice_key_), Access::kUser, "");
  ASSERT_TRUE(who.ok()) << who.status().ToString();
  EXPECT_TRUE(who->Allows("APPLICATION_DEPLOY", blue_));
  EXPECT_FALSE(who->Allows("APPLICATION_DEPLOY", red_));
  EXPECT_FALSE(who->Allows("APPLICATION_DEPLOY"));
  EXPECT_TRUE(who->Allows("NODE_LIST", red_)) << "a global grant holds in every workspace";

  auto bob = Auth().Authorize(Bearer(bob_key_), Access::kUser, "");
  ASSERT_TRUE(bob.ok()) << "kUser admits any user; the handler checks the workspace";
  EXPECT_FALSE(bob->Allows("APPLICATION_DEPLOY", blue_));
}

TEST_F(AuthTest, TheNodeTokenIsForNodeEndpointsOnly) {
  auto node = Auth().Authorize(Bearer(kNodeToken), Access::kNode, "");
  ASSERT_TRUE(node.ok()) << node.status().ToString();
  EXPECT_EQ(node->kind, Principal::Kind::kNode);
  EXPECT_FALSE(node->Allows("NODE_LIST")) << "a node holds no user permission";

  for (Access access : {Access::kUser, Access::kPermission}) {
    auto refused = Auth().Authorize(Bearer(kNodeToken), access, "NODE_LIST");
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().code(), StatusCode::kPermissionDenied);
  }
  auto info = Auth().Authorize(Bearer(kNodeToken), Access::kAny, "");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->kind, Principal::Kind::kNode);
}

TEST_F(AuthTest, NodeEndpointsRefuseUsersAndWrongTokens) {
  auto user = Auth().Authorize(Bearer(alice_key_), Access::kNode, "");
  ASSERT_FALSE(user.ok());
  EXPECT_EQ(user.status().code(), StatusCode::kPermissionDenied);

  for (const http::Request& request : {Bearer("another-clusters-token"), http::Request{}}) {
    auto refused = Auth().Authorize(request, Access::kNode, "");
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().code(), StatusCode::kUnauthenticated);
    EXPECT_NE(refused.status().message().find("wrong or missing node token"), std::string::npos);
  }
}

TEST_F(AuthTest, TheSuperTokenCountsOnlyWhenAllowed) {
  auto allowed = Auth(/*allow_super=*/true).Authorize(Bearer(kSuperToken), Access::kPermission, "USER_EDIT");
  ASSERT_TRUE(allowed.ok()) << allowed.status().ToString();
  EXPECT_EQ(allowed->kind, Principal::Kind::kSuper);
  EXPECT_TRUE(allowed->Allows("SYSTEM_ADMINISTRATION", red_));

  auto refused = Auth(/*allow_super=*/false).Authorize(Bearer(kSuperToken), Access::kAny, "");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kUnauthenticated);

  auto not_a_node = Auth(/*allow_super=*/true).Authorize(Bearer(kSuperToken), Access::kNode, "");
  ASSERT_FALSE(not_a_node.ok());
  EXPECT_EQ(not_a_node.status().code(), StatusCode::kPermissionDenied);
}

TEST_F(AuthTest, TheSessionCookieMakesItsUserUntilItExpires) {
  auto session = users_->CreateSession(alice_.id, 3600);
  ASSERT_TRUE(session.ok());
  std::string cookie = std::string("theme=dark; ") + Authenticator::kSessionCookie + "=" + *session + "; lang=en";
  auto who = Auth().Authenticate(WithHeader("cookie", cookie));
  ASSERT_TRUE(who.ok()) << who.status().ToString();
  EXPECT_EQ(who->user.id, alice_.id);
  EXPECT_TRUE(who->Allows("APPLICATION_DEPLOY", blue_));

  auto expired = users_->CreateSession(alice_.id, -1);
  ASSERT_TRUE(expired.ok());
  auto late = Auth().Authenticate(WithHeader("cookie", std::string(Authenticator::kSessionCookie) + "=" + *expired));
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.status().code(), StatusCode::kUnauthenticated);
  EXPECT_NE(late.status().message().find("expired"), std::string::npos);

  auto other_cookie = Auth().Authenticate(WithHeader("cookie", "xpaasmaker_session=" + *session));
  ASSERT_FALSE(other_cookie.ok());
  EXPECT_EQ(other_cookie.status().code(), StatusCode::kUnauthenticated);
}

TEST_F(AuthTest, StateChangesWithTheSessionCookieNeedItsCsrfToken) {
  auto session = users_->CreateSession(alice_.id, 3600);
  ASSERT_TRUE(session.ok());
  auto request = [&](const std::string& method, const std::string& csrf) {
    http::Request r = WithHeader("cookie", std::string(Authenticator::kSessionCookie) + "=" + *session);
    r.method = method;
    if (!csrf.empty()) r.headers["x-csrf-token"] = csrf;
    return r;
  };
  const std::string token = Authenticator::CsrfTokenFor(*session);
  EXPECT_NE(token, *session);  // derived, one-way: the page never holds the session itself
  EXPECT_TRUE(Auth().Authorize(request("GET", ""), Access::kUser, "").ok());  // reads need none

  for (const char* method : {"POST", "PUT", "DELETE"}) {
    auto missing = Auth().Authorize(request(method, ""), Access::kUser, "");
    ASSERT_FALSE(missing.ok()) << method;
    EXPECT_EQ(missing.status().code(), StatusCode::kPermissionDenied);
    EXPECT_NE(missing.status().message().find("CSRF"), std::string::npos) << missing.status().ToString();
    auto wrong = Auth().Authorize(request(method, Authenticator::CsrfTokenFor("another session")), Access::kUser, "");
    EXPECT_EQ(wrong.status().code(), StatusCode::kPermissionDenied) << method;
    auto right = Auth().Authorize(request(method, token), Access::kUser, "");
    EXPECT_TRUE(right.ok()) << method << ": " << right.status().ToString();
    EXPECT_EQ(right->session, *session);
  }

  // An API key is no ambient credential: no token needed, and no session.
  http::Request keyed = Bearer(alice_key_);
  keyed.method = "POST";
  auto by_key = Auth().Authorize(keyed, Access::kUser, "");
  ASSERT_TRUE(by_key.ok()) << by_key.status().ToString();
  EXPECT_TRUE(by_key->session.empty());
}

TEST_F(AuthTest, ADeletedSessionStopsWorkingAtOnce) {
  auto session = users_->CreateSession(alice_.id, 3600);
  ASSERT_TRUE(session.ok());
  http::Request r = WithHeader("cookie", std::string(Authenticator::kSessionCookie) + "=" + *session);
  ASSERT_TRUE(Auth().Authenticate(r).ok());
  ASSERT_TRUE(users_->DeleteSession(*session).ok());
  auto after = Auth().Authenticate(r);
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.status().code(), StatusCode::kUnauthenticated);
}

TEST_F(AuthTest, TheLoginCallNeedsNoCredentials) {
  auto who = Auth().Authorize(http::Request{}, Access::kLogin, "");
  EXPECT_TRUE(who.ok()) << who.status().ToString();
}

TEST_F(AuthTest, AnEmptyNodeTokenMatchesNothing) {
  Authenticator no_nodes(*users_, "", kSuperToken, false);
  auto refused = no_nodes.Authorize(WithHeader("x-paasmaker-key", "anything"), Access::kNode, "");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace paasmaker::pacemaker
