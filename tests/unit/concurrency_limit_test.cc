#include "core/concurrency_limit.h"

#include <gtest/gtest.h>

#include "core/api_response.h"

namespace paasmaker {
namespace {

ConcurrencyLimit Streams(int per_user, int total) {
  return ConcurrencyLimit("open streams", per_user, "pacemaker.max_streams_per_user", total, "pacemaker.max_streams");
}

TEST(ConcurrencyLimitTest, AKeyOverItsLimitIsRefusedNamingTheSetting) {
  auto limit = Streams(2, 10);
  auto a = limit.Acquire("alice");
  auto b = limit.Acquire("alice");
  ASSERT_TRUE(a.ok() && b.ok());
  auto c = limit.Acquire("alice");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(api::HttpStatusFor(c.status()), 429);
  EXPECT_NE(c.status().message().find("the limit is 2 per user, pacemaker.max_streams_per_user"), std::string::npos)
      << c.status().message();
  // Others are not held back by alice.
  EXPECT_TRUE(limit.Acquire("bob").ok());
  EXPECT_EQ(limit.held("alice"), 2);
}

TEST(ConcurrencyLimitTest, TheTotalIsSharedByEveryKey) {
  auto limit = Streams(5, 3);
  std::vector<ConcurrencyLimit::Ticket> held;
  for (const char* user : {"a", "b", "c"}) held.push_back(*limit.Acquire(user));
  auto refused = limit.Acquire("d");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("pacemaker.max_streams"), std::string::npos);
  EXPECT_EQ(limit.held(), 3);
}

TEST(ConcurrencyLimitTest, ATicketGivesItsPlaceBackWhenItsLastCopyGoes) {
  auto limit = Streams(1, 1);
  auto ticket = limit.Acquire("alice");
  ASSERT_TRUE(ticket.ok());
  ConcurrencyLimit::Ticket copy = *ticket;  // e.g. captured by a stream
  ticket = Internal("dropped");
  EXPECT_FALSE(limit.Acquire("alice").ok());
  copy.reset();
  EXPECT_EQ(limit.held("alice"), 0);
  EXPECT_TRUE(limit.Acquire("alice").ok());
}

TEST(ConcurrencyLimitTest, TicketsMayOutliveTheLimit) {
  ConcurrencyLimit::Ticket kept;
  {
    auto limit = Streams(1, 1);
    kept = *limit.Acquire("alice");
  }
  kept.reset();  // no use of the destroyed limit
  SUCCEED();
}

}  // namespace
}  // namespace paasmaker
