// The cluster's Redis users and stores (node/redis_users.h,
// node/managed_redis.h) against a real redis-server: a managed store answers
// NOAUTH without credentials, each role user can do what its row in the
// table says and no more; and the access a pacemaker hands out parses back.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "core/files.h"
#include "model/redis_access.h"
#include "node/managed_redis.h"
#include "node/redis_users.h"
#include "temp_dir.h"

namespace paasmaker::node {
namespace {

using paasmaker::testing::TempDir;

class ManagedStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto users = RedisUsers::LoadOrCreate(dir_.path());
    ASSERT_TRUE(users.ok()) << users.status().ToString();
    users_ = *users;
  }

  // A managed store `name` on a free loopback port, with the users' ACL.
  std::unique_ptr<RedisStore> StartStore(const std::string& name) {
    auto port = paasmaker::testing::FreeTestPort();
    EXPECT_TRUE(port.ok());
    RedisStoreOptions options{.name = name, .config = config::RedisStoreConfig::OnPort(*port), .data_dir = dir_.path()};
    options.bind = {"127.0.0.1"};
    options.acl = AclLines(name, users_);
    options.client = {"127.0.0.1", *port, users_.pacemaker, "pacemaker"};
    auto store = std::make_unique<RedisStore>(options);
    Status started = store->Start();
    EXPECT_TRUE(started.ok()) << started.ToString();
    return store;
  }

  static redis::Endpoint As(const RedisStore& store, const std::string& user, const std::string& password) {
    redis::Endpoint e = store.endpoint();
    e.user = user;
    e.password = password;
    return e;
  }

  TempDir dir_{"redis-acl"};
  RedisUsers users_;
};

TEST_F(ManagedStoreTest, CredentialsFileIsPrivateAndStable) {
  std::string path = RedisUsers::FileIn(dir_.path());
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto again = RedisUsers::LoadOrCreate(dir_.path());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->pacemaker, users_.pacemaker);
  EXPECT_EQ(again->router, users_.router);
  EXPECT_EQ(again->heart, users_.heart);
  EXPECT_NE(users_.router, users_.heart);
}

TEST_F(ManagedStoreTest, MalformedCredentialsFileIsAnErrorNotReplaced) {
  std::string path = RedisUsers::FileIn(dir_.path());
  ASSERT_TRUE(files::WriteFileAtomically(path, "{\"users\": {\"pacemaker\": 3}}", 0600).ok());
  auto users = RedisUsers::LoadOrCreate(dir_.path());
  ASSERT_FALSE(users.ok());
  EXPECT_NE(users.status().message().find("users.pacemaker"), std::string::npos) << users.status().message();
  EXPECT_EQ(*files::ReadFile(path), "{\"users\": {\"pacemaker\": 3}}");
}

TEST_F(ManagedStoreTest, TableRefusesStrangersAndRouterWrites) {
  auto table = StartStore("table");
  redis::Client stranger({"127.0.0.1", table->endpoint().port, ""});
  auto refused = stranger.Command({"GET", "serial"});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("NOAUTH"), std::string::npos) << refused.status().message();

  redis::Client pacemaker(table->endpoint());
  ASSERT_TRUE(pacemaker.Command({"SET", "serial", "7"}).ok());
  redis::Client router(As(*table, "router", users_.router));
  auto read = router.Command({"GET", "serial"});
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->str, "7");
  auto write = router.Command({"SET", "serial", "8"});
  ASSERT_FALSE(write.ok());
  EXPECT_NE(write.status().message().find("NOPERM"), std::string::npos) << write.status().message();
  redis::Client heart(As(*table, "heart", users_.heart));
  EXPECT_FALSE(heart.Command({"GET", "serial"}).ok());  // no heart user on the table
}

// Redis replays the append-only file as its `default` user: transactions
// (the job store's and the routing table's writes) must survive a restart.
TEST_F(ManagedStoreTest, TransactionsSurviveARestart) {
  auto port = paasmaker::testing::FreeTestPort();
  ASSERT_TRUE(port.ok());
  RedisStoreOptions options{.name = "jobs", .config = config::RedisStoreConfig::OnPort(*port), .data_dir = dir_.path()};
  options.bind = {"127.0.0.1"};
  options.acl = AclLines("jobs", users_);
  options.client = {"127.0.0.1", *port, users_.pacemaker, "pacemaker"};
  {
    RedisStore store(options);
    ASSERT_TRUE(store.Start().ok());
    redis::Client client(store.endpoint());
    ASSERT_TRUE(client.Command({"MULTI"}).ok());
    ASSERT_TRUE(client.Command({"SET", "in-a-transaction", "kept"}).ok());
    ASSERT_TRUE(client.Command({"EXEC"}).ok());
    ASSERT_TRUE(client.Command({"EVAL", "return redis.call('SET', KEYS[1], 'kept')", "1", "in-a-script"}).ok());
    store.Stop();
  }
  RedisStore again(options);
  ASSERT_TRUE(again.Start().ok());
  redis::Client client(again.endpoint());
  for (const char* key : {"in-a-transaction", "in-a-script"}) {
    auto value = client.Command({"GET", key});
    ASSERT_TRUE(value.ok()) << value.status().ToString();
    EXPECT_EQ(value->str, "kept") << key;
  }
}

TEST_F(ManagedStoreTest, JobsLetsHeartsWorkButNotAdminister) {
  auto jobs = StartStore("jobs");
  redis::Client heart(As(*jobs, "heart", users_.heart));
  ASSERT_TRUE(heart.Command({"HSET", "job:1", "state", "WAITING"}).ok());
  ASSERT_TRUE(heart.Command({"PUBLISH", "job.status", "x"}).ok());
  auto flush = heart.Command({"FLUSHALL"});
  ASSERT_FALSE(flush.ok());
  EXPECT_NE(flush.status().message().find("NOPERM"), std::string::npos) << flush.status().message();
  EXPECT_FALSE(heart.Command({"CONFIG", "SET", "dir", "/tmp"}).ok());
}

TEST_F(ManagedStoreTest, StatsHasNoHeartUser) {
  auto stats = StartStore("stats");
  redis::Client router(As(*stats, "router", users_.router));
  EXPECT_TRUE(router.Command({"HINCRBY", "stats:x", "requests", "1"}).ok());
  redis::Client heart(As(*stats, "heart", users_.heart));
  EXPECT_FALSE(heart.Command({"PING"}).ok());
}

TEST(RedisAccessTest, RoundTripsAndNamesTheBadField) {
  model::RedisAccess access;
  access.jobs = redis::Endpoint{"198.18.1.10", 42513, "secret", "heart"};
  auto back = model::RedisAccess::FromJson(access.ToJson());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_TRUE(back->jobs.has_value());
  EXPECT_FALSE(back->table.has_value());
  EXPECT_EQ(back->jobs->host, "198.18.1.10");
  EXPECT_EQ(back->jobs->port, 42513);
  EXPECT_EQ(back->jobs->user, "heart");
  EXPECT_EQ(back->jobs->password, "secret");

  auto bad = model::RedisAccess::FromJson({{"stats", {{"host", "h"}, {"port", 0}, {"user", ""}, {"password", ""}}}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("redis.stats.port"), std::string::npos) << bad.status().message();
}

TEST(RedisAccessTest, HandoutFollowsTheRoles) {
  model::RedisHandout handout;
  handout.router.table = redis::Endpoint{"a", 1, "r", "router"};
  handout.heart.jobs = redis::Endpoint{"a", 3, "h", "heart"};
  EXPECT_TRUE(handout.For({"router"}).table.has_value());
  EXPECT_TRUE(handout.For({"heart", "router"}).table.has_value());
  EXPECT_FALSE(handout.For({"heart"}).table.has_value());
  EXPECT_EQ(handout.For({"heart"}).jobs->user, "heart");
  EXPECT_FALSE(handout.For({"pacemaker"}).jobs.has_value());
}

}  // namespace
}  // namespace paasmaker::node
