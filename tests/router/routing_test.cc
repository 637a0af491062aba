// The routing request path against real nginx, Lua and redis-server
// (SPEC §4): host matching, wildcards, errors, load spreading, forwarded
// headers, route changes and Redis outages.
#include <atomic>
#include "temp_dir.h"
#include <thread>

#include "core/net.h"
#include "router_fixture.h"

namespace paasmaker::testing {
namespace {

using std::chrono::milliseconds;

class RoutingTest : public RouterFixture {
 protected:
  // SMEMBERS calls the table Redis served since the last CONFIG RESETSTAT.
  int64_t LookupsInRedis() {
    auto info = table_->Command({"INFO", "commandstats"});
    if (!info.ok()) return -1;
    auto at = info->str.find("cmdstat_smembers:calls=");
    return at == std::string::npos ? 0 : std::atoll(info->str.c_str() + at + 23);
  }
  int Workers() { return static_cast<int>(NginxProcessesOf(Prefix()).size()) - 1; }
};

TEST_F(RoutingTest, RoutedHostReturnsTheBackendsAnswer) {
  Backend& app = MakeBackend("app");
  AddRoute("www.example.com", app);
  auto body = GetJson("www.example.com");
  EXPECT_EQ(body["name"], "app");
  EXPECT_EQ(body["host"], "www.example.com");
}

TEST_F(RoutingTest, HostWithPortAndUpperCaseIsNormalised) {
  Backend& app = MakeBackend("app");
  AddRoute("www.example.com", app);
  auto body = GetJson("WWW.Example.COM:8080");
  EXPECT_EQ(body["name"], "app");
  // The app sees the normalised host ($host): no port, lower case.
  EXPECT_EQ(body["host"], "www.example.com");
}

TEST_F(RoutingTest, WildcardsMatchEveryLevelAndExactNamesWin) {
  Backend& wild = MakeBackend("wild");
  Backend& exact = MakeBackend("exact");
  Backend& deeper = MakeBackend("deeper");
  AddRoute("*.example.com", wild);
  EXPECT_EQ(GetJson("a.example.com")["name"], "wild");
  EXPECT_EQ(GetJson("x.y.example.com")["name"], "wild");
  EXPECT_EQ(Get("example.com").status, 404) << "*.example.com does not cover example.com itself";

  // x.y.example.com is cached now: the new routes show once the serial
  // timer flushed the cache.
  AddRoute("exact.example.com", exact);
  EXPECT_TRUE(ServedBy("exact.example.com", "exact"));
  AddRoute("*.y.example.com", deeper);
  EXPECT_TRUE(ServedBy("x.y.example.com", "deeper")) << "the most specific wildcard wins";
  EXPECT_EQ(GetJson("b.example.com")["name"], "wild");
}

TEST_F(RoutingTest, StarIsTheCatchAll) {
  Backend& fallback = MakeBackend("fallback");
  Backend& app = MakeBackend("app");
  AddRoute("app.example.com", app);
  EXPECT_EQ(Get("other.org").status, 404);
  AddRoute("*", fallback);
  EXPECT_TRUE(ServedBy("other.org", "fallback")) << "the cached 404 is flushed";
  EXPECT_EQ(GetJson("localhost")["name"], "fallback");
  EXPECT_EQ(GetJson("app.example.com")["name"], "app");
}

TEST_F(RoutingTest, NoHostHeaderIs400) {
  // HTTP/1.0 may omit Host: our Lua answers. (nginx itself refuses an
  // HTTP/1.1 request without Host with 400 before any Lua runs.)
  auto response = SendRaw(config_.router.port_direct, "GET / HTTP/1.0\r\n\r\n");
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(response.body.find("Host"), std::string::npos) << response.body;
  EXPECT_EQ(SendRaw(config_.router.port_direct, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n").status, 400);
  EXPECT_EQ(SendRaw(config_.router.port_direct, "GET / HTTP/1.0\r\nHost: :80\r\n\r\n").status, 400);
}

TEST_F(RoutingTest, UnknownHostIs404Page) {
  auto response = Get("nobody-home.example.com");
  EXPECT_EQ(response.status, 404);
  EXPECT_NE(response.body.find("nobody-home.example.com"), std::string::npos) << response.body;
  // The host is escaped into the page, never echoed raw.
  auto raw = SendRaw(config_.router.port_direct, "GET / HTTP/1.0\r\nHost: <b>x\r\n\r\n");
  EXPECT_EQ(raw.status, 404);
  EXPECT_EQ(raw.body.find("<b>"), std::string::npos) << raw.body;
}

TEST_F(RoutingTest, TwoInstancesBothGetTraffic) {
  Backend& one = MakeBackend("one");
  Backend& two = MakeBackend("two");
  AddRoute("app.example.com", one, "vt1", "node1", "i1");
  AddRoute("app.example.com", two, "vt1", "node2", "i2");
  std::map<std::string, int> seen;
  for (int i = 0; i < 40; ++i) seen[GetJson("app.example.com")["name"].get<std::string>()]++;
  EXPECT_GT(seen["one"], 5);
  EXPECT_GT(seen["two"], 5);
}

TEST_F(RoutingTest, CacheHitsDoNotTouchRedis) {
  Backend& app = MakeBackend("app");
  AddRoute("app.example.com", app);
  ASSERT_TRUE(ServedBy("app.example.com", "app"));
  ASSERT_TRUE(table_->Command({"CONFIG", "RESETSTAT"}).ok());
  for (int i = 0; i < 40; ++i) ASSERT_EQ(Get("app.example.com").status, 200);
  for (int i = 0; i < 20; ++i) ASSERT_EQ(Get("nothing.example.com").status, 404);
  // At most one miss per worker and host (4 keys each: host, *.example.com,
  // *.com, *), twice if a worker's first serial read flushed its cache.
  EXPECT_LE(LookupsInRedis(), 2 * 4 * 2 * Workers());
}

TEST_F(RoutingTest, ConcurrentMissesShareOneLookupPerWorker) {
  Backend& app = MakeBackend("app");
  AddRoute("burst.example.com", app);
  ASSERT_TRUE(table_->Command({"CONFIG", "RESETSTAT"}).ok());
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int i = 0; i < 32; ++i) {
    clients.emplace_back([&] {
      if (Get("burst.example.com").status == 200) ok++;
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 32);
  EXPECT_LE(LookupsInRedis(), 4 * 2 * Workers()) << "without the single-flight guard: up to 32 * 4";
}

TEST_F(RoutingTest, DeadInstanceIsSkippedWithoutErrors) {
  Backend& alive = MakeBackend("alive");
  auto closed = paasmaker::testing::FreeTestPort();  // nothing listens there: connection refused
  ASSERT_TRUE(closed.ok());
  AddRoute("app.example.com", alive, "vt1", "node1", "i1");
  AddMember("app.example.com", "127.0.0.1:" + std::to_string(*closed) + "#vt1#node2#i2");
  for (int i = 0; i < 30; ++i) {
    auto response = Get("app.example.com");
    ASSERT_EQ(response.status, 200) << "request " << i << ": " << response.body;
  }
}

// A request with a body takes @pm_lookup before nginx reads any of it, so
// the app gets the body whole whether the route is cached in this worker or
// not (an internal redirect after the upstream started would lose it), both
// with Content-Length and chunked.
TEST_F(RoutingTest, RequestBodiesArriveWholeCachedOrNot) {
  Backend& app = MakeBackend("app");
  AddRoute("body.example.com", app);
  std::string payload(300 * 1000, 'x');
  for (size_t i = 0; i < payload.size(); i += 997) payload[i] = static_cast<char>('a' + i % 26);
  const int port = config_.router.port_direct;
  for (int round = 0; round < 3; ++round) {  // the first is a miss in whichever worker takes it
    RawResponse sized = SendRaw(port, "POST /upload HTTP/1.1\r\nHost: body.example.com\r\nConnection: close\r\n"
                                      "Content-Length: " + std::to_string(payload.size()) + "\r\n\r\n" + payload);
    ASSERT_EQ(sized.status, 200) << sized.headers << sized.body.substr(0, 300);
    auto echoed = nlohmann::json::parse(sized.body, nullptr, false);
    ASSERT_FALSE(echoed.is_discarded()) << sized.body.substr(0, 300);
    EXPECT_EQ(echoed["body"], payload) << "round " << round;

    std::string chunked = "POST /upload HTTP/1.1\r\nHost: body.example.com\r\nConnection: close\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n";
    for (size_t at = 0; at < payload.size(); at += 65536) {
      std::string piece = payload.substr(at, 65536);
      char size[32];
      std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
      chunked += size + piece + "\r\n";
    }
    chunked += "0\r\n\r\n";
    RawResponse streamed = SendRaw(port, chunked);
    ASSERT_EQ(streamed.status, 200) << streamed.headers << streamed.body.substr(0, 300);
    echoed = nlohmann::json::parse(streamed.body, nullptr, false);
    ASSERT_FALSE(echoed.is_discarded()) << streamed.body.substr(0, 300);
    EXPECT_EQ(echoed["body"], payload) << "chunked, round " << round;
  }
}

// Two of three instances refuse: a request may need two retries, and the
// second must not go back to the first dead one (the tried set a retry keeps).
TEST_F(RoutingTest, TwoDeadInstancesOfThreeAreBothSkipped) {
  Backend& alive = MakeBackend("alive");
  AddRoute("app.example.com", alive, "vt1", "node1", "i1");
  for (const char* id : {"i2", "i3"}) {
    auto closed = paasmaker::testing::FreeTestPort();
    ASSERT_TRUE(closed.ok());
    AddMember("app.example.com", "127.0.0.1:" + std::to_string(*closed) + "#vt1#node2#" + id);
  }
  for (int i = 0; i < 30; ++i) {
    auto response = Get("app.example.com");
    ASSERT_EQ(response.status, 200) << "request " << i << ": " << response.body;
  }
}

TEST_F(RoutingTest, RemovedRouteStopsBeingServedQuickly) {
  Backend& app = MakeBackend("app");
  AddRoute("app.example.com", app);
  EXPECT_EQ(GetJson("app.example.com")["name"], "app");  // now cached in a worker
  auto start = std::chrono::steady_clock::now();
  RemoveRoute("app.example.com", app);
  // Every worker must drop it: poll with fresh connections, which land on any worker.
  bool gone = WaitFor(
      [&] {
        for (int i = 0; i < 4; ++i) {
          if (Get("app.example.com").status != 404) return false;
        }
        return true;
      },
      std::chrono::seconds(3), milliseconds(5));
  auto elapsed = std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - start);
  ASSERT_TRUE(gone);
  EXPECT_LT(elapsed.count(), 500) << "serial timer runs every 50 ms";
  RecordProperty("route_removal_ms", static_cast<int>(elapsed.count()));
}

TEST_F(RoutingTest, TableRedisDownIs503ForUncachedHosts) {
  Backend& app = MakeBackend("app");
  AddRoute("cached.example.com", app);
  EXPECT_EQ(GetJson("cached.example.com")["name"], "app");
  redis_->Kill();
  EXPECT_TRUE(Answers("uncached.example.com", 503));
  auto page = Get("uncached.example.com");
  EXPECT_EQ(page.status, 503);
  EXPECT_NE(page.body.find("routing table"), std::string::npos) << page.body;

  // Redis is back with an empty table (no persistence): the caches are
  // flushed on reconnect, so the stale route disappears too.
  ASSERT_TRUE(redis_->Restart());
  EXPECT_TRUE(Answers("cached.example.com", 404));
}

TEST_F(RoutingTest, ForwardedHeadersPerListener) {
  Backend& app = MakeBackend("app");
  AddRoute("app.example.com", app);
  auto direct = GetJson("app.example.com", config_.router.port_direct);
  EXPECT_EQ(direct["x_forwarded_proto"], "http");
  EXPECT_EQ(direct["x_forwarded_port"], std::to_string(config_.router.port_direct));
  EXPECT_EQ(direct["x_forwarded_for"], "127.0.0.1");
  EXPECT_EQ(direct["connection"], "") << "keep-alive to the backend: no Connection header";

  auto as80 = GetJson("app.example.com", config_.router.port_80);
  EXPECT_EQ(as80["x_forwarded_proto"], "http");
  EXPECT_EQ(as80["x_forwarded_port"], "80");

  auto as443 = GetJson("app.example.com", config_.router.port_443);
  EXPECT_EQ(as443["x_forwarded_proto"], "https");
  EXPECT_EQ(as443["x_forwarded_port"], "443");
}

TEST_F(RoutingTest, WebsocketUpgradeHeadersPassThrough) {
  Backend& app = MakeBackend("app");
  AddRoute("app.example.com", app);
  auto response = Get("app.example.com", 0, {{"Upgrade", "websocket"}, {"Connection", "Upgrade"}});
  ASSERT_EQ(response.status, 200) << response.body;
  auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["upgrade"], "websocket");
  EXPECT_EQ(body["connection"], "upgrade");
}

}  // namespace
}  // namespace paasmaker::testing
