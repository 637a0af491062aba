// Stats end to end: real nginx writes its stats log, the router's stats
// worker counts it into a real redis-server; the totals equal exactly the
// requests sent.
#include "router_fixture.h"

namespace paasmaker::testing {
namespace {

class StatsEndToEndTest : public RouterFixture {
 protected:
  int64_t Field(const std::string& key, const std::string& field) {
    auto reply = table_->Command({"HGET", key, field});
    if (!reply.ok() || reply->is_nil()) return 0;
    return std::stoll(reply->str);
  }
};

TEST_F(StatsEndToEndTest, TotalsEqualWhatWasSent) {
  Backend& app = MakeBackend("app");
  AddRoute("www.example.com", app, "vt-e2e", "node-e2e", "inst-e2e");
  // The test's one Redis serves as table and stats store alike.
  ASSERT_TRUE(router_->StartStats("router-e2e", redis_->endpoint()).ok());
  ASSERT_TRUE(router_->StartStats("router-e2e", redis_->endpoint()).ok());  // idempotent
  int64_t bytes = 0;
  const int kRouted = 25, kUnrouted = 7;
  for (int i = 0; i < kRouted; ++i) {
    auto response = Get("www.example.com");
    ASSERT_EQ(response.status, 200);
    bytes += static_cast<int64_t>(response.body.size());
  }
  for (int i = 0; i < kUnrouted; ++i) ASSERT_EQ(Get("nowhere.example.com").status, 404);
  // nginx flushes its log buffer every second; the worker ticks every 0.5 s.
  EXPECT_TRUE(WaitFor([&] { return Field("stat_vt:vt-e2e", "requests") == kRouted; }, std::chrono::seconds(10),
                      std::chrono::milliseconds(50)));
  EXPECT_TRUE(WaitFor([&] { return Field("stat_vt:null", "requests") == kUnrouted; }, std::chrono::seconds(10),
                      std::chrono::milliseconds(50)));
  EXPECT_EQ(Field("stat_vt:vt-e2e", "200"), kRouted);
  EXPECT_EQ(Field("stat_vt:vt-e2e", "2xx"), kRouted);
  EXPECT_EQ(Field("stat_vt:vt-e2e", "bytes"), bytes);
  EXPECT_EQ(Field("stat_vt:vt-e2e", "timecount"), kRouted);
  EXPECT_EQ(Field("stat_node:node-e2e", "requests"), kRouted);
  EXPECT_EQ(Field("stat_vt:null", "404"), kUnrouted);
  EXPECT_EQ(Field("stat_vt:null", "timecount"), 0);
  EXPECT_EQ(Field("stat_router:router-e2e", "malformed"), 0);
  // Health checks of the router itself are not traffic: nothing else counted.
  EXPECT_EQ(Field("stat_router:router-e2e", "lines"), kRouted + kUnrouted);
}

}  // namespace
}  // namespace paasmaker::testing
