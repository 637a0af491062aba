#include <gtest/gtest.h>

#include <atomic>

#include "core/redis_client.h"
#include "test_redis.h"

namespace paasmaker {
namespace {

using testing::TestRedisServer;
using testing::WaitFor;

TEST(RedisClientTest, CommandsPipelineAndTransaction) {
  TestRedisServer server;
  ASSERT_TRUE(server.started());
  redis::Client client(server.endpoint());
  ASSERT_TRUE(client.Command({"SET", "k", std::string("bin\0ary", 7)}).ok());
  auto got = client.Command({"GET", "k"});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->str, std::string("bin\0ary", 7));
  EXPECT_TRUE(client.Command({"GET", "missing"})->is_nil());

  auto replies = client.Pipeline({{"INCR", "n"}, {"INCR", "n"}, {"SADD", "s", "a", "b"}}, /*transaction=*/true);
  ASSERT_TRUE(replies.ok()) << replies.status().ToString();
  ASSERT_EQ(replies->size(), 3u);
  EXPECT_EQ((*replies)[1].integer, 2);
  EXPECT_EQ((*replies)[2].integer, 2);

  auto error = client.Command({"INCR", "s"});
  ASSERT_FALSE(error.ok());
  EXPECT_NE(error.status().message().find("WRONGTYPE"), std::string::npos);
}

TEST(RedisClientTest, SentPipelineRunsBeforeItsRepliesAreRead) {
  TestRedisServer server;
  ASSERT_TRUE(server.started());
  redis::Client client(server.endpoint());
  auto pending = client.Send({{"INCR", "n"}, {"INCR", "n"}}, /*transaction=*/true);
  ASSERT_TRUE(pending.ok()) << pending.status().ToString();
  // Written already: another connection sees the effect before Receive.
  redis::Client other(server.endpoint());
  ASSERT_TRUE(WaitFor([&] { return other.Command({"GET", "n"})->str == "2"; }, std::chrono::seconds(5)));
  auto replies = pending->Receive();
  ASSERT_TRUE(replies.ok()) << replies.status().ToString();
  ASSERT_EQ(replies->size(), 2u);
  EXPECT_EQ((*replies)[1].integer, 2);
  EXPECT_FALSE(pending->Receive().ok());  // once only
}

TEST(RedisClientTest, PipelineDroppedUnansweredLeavesNoStaleReplies) {
  TestRedisServer server;
  ASSERT_TRUE(server.started());
  redis::Client client(server.endpoint());
  { auto dropped = client.Send({{"SET", "a", "1"}, {"SET", "b", "2"}}); ASSERT_TRUE(dropped.ok()); }
  // The next command gets its own reply, not the dropped pipeline's "OK".
  auto got = client.Command({"GET", "b"});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->str, "2");
}

TEST(RedisClientTest, ReconnectsAfterRestart) {
  TestRedisServer server;
  ASSERT_TRUE(server.started());
  redis::Client client(server.endpoint(), std::chrono::milliseconds(500));
  ASSERT_TRUE(client.Ping().ok());
  server.Kill();
  auto down = client.Ping();
  EXPECT_FALSE(down.ok());
  EXPECT_EQ(down.code(), StatusCode::kUnavailable);
  ASSERT_TRUE(server.Restart());
  EXPECT_TRUE(client.Ping().ok());
}

TEST(RedisClientTest, SubscriberReceivesAndResubscribes) {
  TestRedisServer server;
  ASSERT_TRUE(server.started());
  std::atomic<int> messages{0};
  std::atomic<int> connects{0};
  redis::Subscriber sub(
      server.endpoint(), {"job.status"}, [&](const std::string& channel, const std::string& message) {
        if (channel == "job.status" && message == "hello") messages++;
      },
      [&] { connects++; }, std::chrono::milliseconds(50));
  ASSERT_TRUE(WaitFor([&] { return connects.load() == 1; }, std::chrono::seconds(5)));
  redis::Client client(server.endpoint());
  ASSERT_TRUE(client.Command({"PUBLISH", "job.status", "hello"}).ok());
  ASSERT_TRUE(WaitFor([&] { return messages.load() == 1; }, std::chrono::seconds(5)));

  ASSERT_TRUE(server.Restart());
  ASSERT_TRUE(WaitFor([&] { return connects.load() == 2; }, std::chrono::seconds(10)));
  ASSERT_TRUE(client.Command({"PUBLISH", "job.status", "hello"}).ok());
  EXPECT_TRUE(WaitFor([&] { return messages.load() == 2; }, std::chrono::seconds(5)));
}

}  // namespace
}  // namespace paasmaker
