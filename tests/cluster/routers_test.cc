// Several routers (SPEC §3, §4): each router node has its own nginx and its
// own replica of the routing table; both serve a deployed application, and
// the router table dump shows how far each replica has got.
#include <gtest/gtest.h>

#include <sys/socket.h>
#include <unistd.h>

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "app_helpers.h"
#include "core/files.h"
#include "core/http.h"
#include "core/net.h"
#include "core/process.h"
#include "harness.h"
#include "temp_dir.h"

namespace paasmaker::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

using RoutersTest = ClusterTest;

TEST_F(RoutersTest, TwoRoutersServeTheAppAndReportTheirReplicaSerial) {
  StartCluster(1, 2);
  Cluster& cluster = cluster_;
  DeployResult v1 = DeployServed(ExamplesDir() + "/python-hello", "hello.example.com", "Hello from Paasmaker");
  ASSERT_EQ(v1.command.exit_code, 0);
  EXPECT_TRUE(WaitForRoutedBody(router(2), "hello.example.com", "Hello from Paasmaker"));
  // Each router reports the serial its replica reached; both catch up with the master.
  json table;
  EXPECT_TRUE(WaitFor(
      [&] {
        table = cluster.GetData("/api/v1/router/table");
        if (!table.contains("routers") || table["routers"].size() != 2) return false;
        for (const auto& router : table["routers"]) {
          if (router.value("lag", json()) != json(0)) return false;
        }
        return true;
      },
      seconds(15)))
      << table.dump(1);
  EXPECT_GT(table.value("serial", 0), 0);
}

// The routers' stats readers count every request exactly once: N requests
// through two routers show up as exactly N more in the version's totals
// (and the unrouted ones under vt null), and the count then stays put.
TEST_F(RoutersTest, TrafficThroughTwoRoutersIsCountedExactlyOnce) {
  StartCluster(1, 2);
  Cluster& cluster = cluster_;
  DeployResult v1 = DeployServed(ExamplesDir() + "/python-hello", "hello.example.com", "Hello from Paasmaker");
  ASSERT_EQ(v1.command.exit_code, 0);
  ASSERT_TRUE(WaitForRoutedBody(router(2), "hello.example.com", "Hello from Paasmaker"));
  auto totals = [&](const std::string& kind, const std::string& id) { return Totals(kind, id); };
  // Counts settle once both readers caught up with what the waits above sent.
  auto settled = [&](const std::string& kind, const std::string& id) {
    Settled(kind, id);
    return totals(kind, id);
  };
  json before = settled("version", v1.version_id());
  json unrouted_before = settled("vt", "null");

  const int per_router[] = {30, 20};
  int index = 0;
  for (const char* name : {"router-1", "router-2"}) {
    for (int i = 0; i < per_router[index]; ++i) {
      ASSERT_EQ(RouterGet(cluster.node(name), "hello.example.com").status, 200);
    }
    ++index;
  }
  for (int i = 0; i < 5; ++i) EXPECT_EQ(RouterGet(cluster.node("router-1"), "nobody.example.com").status, 404);

  int64_t expected = before.value("requests", int64_t{0}) + 50;
  EXPECT_TRUE(WaitFor([&] { return totals("version", v1.version_id()).value("requests", int64_t{0}) >= expected; },
                      seconds(20)));
  json after = settled("version", v1.version_id());
  EXPECT_EQ(after.value("requests", int64_t{0}), expected) << after.dump();
  EXPECT_EQ(after.value("2xx", int64_t{0}), before.value("2xx", int64_t{0}) + 50) << after.dump();
  EXPECT_GT(after.value("bytes", int64_t{0}), before.value("bytes", int64_t{0}));
  json unrouted = settled("vt", "null");
  EXPECT_EQ(unrouted.value("requests", int64_t{0}), unrouted_before.value("requests", int64_t{0}) + 5) << unrouted.dump();
  EXPECT_EQ(unrouted.value("4xx", int64_t{0}), unrouted_before.value("4xx", int64_t{0}) + 5);

  auto cli = RunClient(cluster, {"router", "stats", "version", v1.version_id(), "--history", "10m"});
  EXPECT_EQ(cli.exit_code, 0) << cli.output;
  EXPECT_NE(cli.output.find("requests " + std::to_string(expected)), std::string::npos) << cli.output;
}

// One server-sent event of the stats stream as sent on the wire.
struct StatsEvent {
  int64_t id = 0;
  json data;
};

// Reads GET /api/v1/router/stats/<kind>/<id>/stream on its own thread and
// keeps every event, until destroyed.
class StatsStreamReader {
 public:
  StatsStreamReader(Cluster& cluster, const std::string& path) {
    thread_ = std::thread([this, url = cluster.pacemaker().url(), key = cluster.admin_key(), path] {
      http::Client client(url, seconds(10));
      auto ended = client.Stream(path, {{"Authorization", "Bearer " + key}}, [this](const std::string& chunk) {
        std::lock_guard<std::mutex> lock(mutex_);
        pending_ += chunk;
        for (size_t end; (end = pending_.find("\n\n")) != std::string::npos; pending_.erase(0, end + 2)) {
          StatsEvent event;
          std::string block = pending_.substr(0, end);
          for (size_t start = 0; start < block.size();) {
            size_t newline = std::min(block.find('\n', start), block.size());
            std::string line = block.substr(start, newline - start);
            if (line.rfind("id: ", 0) == 0) event.id = std::stoll(line.substr(4));
            if (line.rfind("data: ", 0) == 0) event.data = json::parse(line.substr(6), nullptr, false);
            start = newline + 1;
          }
          events_.push_back(std::move(event));
        }
        return !stop_;
      });
      // Only the test's own stop ends the stream; anything else shows as missing events.
      if (!ended.ok()) ADD_FAILURE() << "stats stream: " << ended.status().ToString();
      ended_ = true;
    });
  }
  ~StatsStreamReader() {
    stop_ = true;  // seen at the next event (one interval)
    thread_.join();
  }
  std::vector<StatsEvent> events() {
    std::lock_guard<std::mutex> lock(mutex_);
    return events_;
  }
  // The server ended the response (not the test's stop).
  bool ended() const { return ended_; }
  int64_t LatestRequests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return events_.empty() ? -1 : events_.back().data["totals"].value("requests", int64_t{-1});
  }

 private:
  std::mutex mutex_;
  std::string pending_;
  std::vector<StatsEvent> events_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> ended_{false};
  std::thread thread_;
};

// The live stats stream (issue 5): opened before N requests go through the
// router, its totals reach exactly before + N and stay there, the deltas of
// its events add up to the same N, ids count up from 1, and the CLI's
// --follow prints the same totals; a pacemaker shutting down ends streams.
TEST_F(RoutersTest, StatsStreamTotalsReachExactlyTheRequestsSent) {
  StartCluster(1, 1);
  DeployResult v1 = DeployServed(ExamplesDir() + "/python-hello", "hello.example.com", "Hello from Paasmaker");
  ASSERT_EQ(v1.command.exit_code, 0);
  const int64_t before = Settled("version", v1.version_id());
  const std::string path = "/api/v1/router/stats/version/" + v1.version_id() + "/stream?interval=0.2";
  StatsStreamReader stream(cluster_, path);

  process::LaunchOptions follow;
  follow.argv = {PaasmakerBinary(), "router", "stats", "version", v1.version_id(), "--follow", "--json",
                 "--interval", "0.2"};
  follow.env = {{"PAASMAKER_REMOTE", cluster_.pacemaker().url()}, {"PAASMAKER_KEY", cluster_.admin_key()}};
  follow.output_file = cluster_.dir() / "follow.out";
  follow.die_with_parent = true;
  auto follower = process::Launch(follow);
  ASSERT_TRUE(follower.ok()) << follower.status().ToString();
  process::LaunchOptions follow_text = follow;  // the human-readable lines
  follow_text.argv.erase(std::find(follow_text.argv.begin(), follow_text.argv.end(), "--json"));
  follow_text.output_file = cluster_.dir() / "follow-text.out";
  auto text_follower = process::Launch(follow_text);
  ASSERT_TRUE(text_follower.ok()) << text_follower.status().ToString();
  auto follow_lines = [&] {
    std::vector<json> lines;
    std::string text = files::ReadFile(follow.output_file).value_or("");
    for (size_t start = 0, end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
      json line = json::parse(text.substr(start, end - start), nullptr, false);
      if (line.is_object()) lines.push_back(line);
    }
    return lines;
  };
  ASSERT_TRUE(WaitFor([&] { return stream.LatestRequests() == before && !follow_lines().empty(); }, seconds(15)))
      << stream.LatestRequests() << " vs " << before << "\n" << files::ReadFile(follow.output_file).value_or("");

  constexpr int kRequests = 40;
  for (int i = 0; i < kRequests; ++i) ASSERT_EQ(RouterGet(router(), "hello.example.com").status, 200);
  const int64_t expected = before + kRequests;
  EXPECT_TRUE(WaitFor([&] { return stream.LatestRequests() >= expected; }, seconds(20))) << stream.LatestRequests();
  EXPECT_EQ(Settled("version", v1.version_id()), expected);
  EXPECT_TRUE(WaitFor(
      [&] {
        auto lines = follow_lines();
        return !lines.empty() && lines.back()["totals"].value("requests", int64_t{0}) == expected;
      },
      seconds(10)))
      << files::ReadFile(follow.output_file).value_or("");
  EXPECT_TRUE(WaitFor(
      [&] {
        std::string text = files::ReadFile(follow_text.output_file).value_or("");
        return text.find("requests " + std::to_string(expected) + " (") != std::string::npos;
      },
      seconds(10)))
      << files::ReadFile(follow_text.output_file).value_or("");
  for (auto& process : {*follower, *text_follower}) {
    process->Signal(SIGINT);  // what Ctrl-C sends
    EXPECT_TRUE(process->Wait(seconds(10)).has_value());
  }

  auto events = stream.events();
  ASSERT_GE(events.size(), 2u);
  int64_t delta_sum = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].id, static_cast<int64_t>(i) + 1);
    const json& totals = events[i].data["totals"];
    EXPECT_LE(totals.value("requests", int64_t{0}), expected) << events[i].data.dump();
    if (i > 0) delta_sum += events[i].data["delta"].value("requests", int64_t{0});
  }
  EXPECT_EQ(events.front().data["totals"].value("requests", int64_t{0}), before);
  EXPECT_EQ(events.back().data["totals"].value("requests", int64_t{0}), expected);
  EXPECT_EQ(delta_sum, kRequests);

  // Refused before any stream starts: a bad interval, an unknown version, a user without access.
  const std::string stream_path = "/api/v1/router/stats/version/" + v1.version_id() + "/stream";
  auto bad_interval = cluster_.Get(stream_path + "?interval=soon");
  ASSERT_TRUE(bad_interval.ok());
  EXPECT_EQ(bad_interval->status, 400) << bad_interval->body;
  auto unknown = cluster_.Get("/api/v1/router/stats/version/00000000-0000-4000-8000-000000000000/stream");
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->status, 404) << unknown->body;
  auto created = cluster_.Post("/api/v1/users", {{"login", "outsider"}, {"password", "long enough password"}});
  ASSERT_TRUE(created.ok());
  std::string outsider_key = json::parse(created->body)["data"]["user"]["api_key"];
  auto forbidden = cluster_.Get(stream_path, outsider_key);
  ASSERT_TRUE(forbidden.ok());
  EXPECT_EQ(forbidden->status, 403) << forbidden->body;

  // A stream waiting out a long interval does not hold up the pacemaker's
  // SIGTERM shutdown: it ends, and the node exits.
  StatsStreamReader slow(cluster_, "/api/v1/router/stats/version/" + v1.version_id() + "/stream?interval=60");
  ASSERT_TRUE(WaitFor([&] { return !slow.events().empty(); }, seconds(10)));
  EXPECT_TRUE(cluster_.pacemaker().Stop());
  EXPECT_TRUE(WaitFor([&] { return slow.ended(); }, seconds(5)));
}

// Each router port tells the app how the client came in (SPEC §4): the
// direct port as itself, the "port 80" port as 80, the TLS port as https/443.
TEST_F(RoutersTest, ForwardedHeadersTellTheAppHowTheClientCameIn) {
  StartCluster(1, 1);
  DeployResult v1 = DeployServed(ExamplesDir() + "/python-hello", "hello.example.com", "Hello from Paasmaker");
  ASSERT_EQ(v1.command.exit_code, 0);
  ClusterNode& router = this->router();
  auto headers_via = [&](int port) {
    http::Client client("http://127.0.0.1:" + std::to_string(port), seconds(5));
    auto response = client.Get("/headers", {{"Host", "hello.example.com"}, {"X-Forwarded-For", "203.0.113.7"}});
    EXPECT_TRUE(response.ok() && response->status == 200);
    return response.ok() ? json::parse(response->body, nullptr, false) : json();
  };
  json direct = headers_via(router.ports().router_direct);
  EXPECT_EQ(direct.value("x-forwarded-port", ""), std::to_string(router.ports().router_direct)) << direct.dump();
  EXPECT_EQ(direct.value("x-forwarded-proto", ""), "http");
  EXPECT_EQ(direct.value("x-forwarded-for", ""), "203.0.113.7, 127.0.0.1");  // the client's chain, then the router's peer
  json port_80 = headers_via(router.ports().router_80);
  EXPECT_EQ(port_80.value("x-forwarded-port", ""), "80") << port_80.dump();
  EXPECT_EQ(port_80.value("x-forwarded-proto", ""), "http");
  json tls = headers_via(router.ports().router_443);
  EXPECT_EQ(tls.value("x-forwarded-port", ""), "443") << tls.dump();
  EXPECT_EQ(tls.value("x-forwarded-proto", ""), "https");
  EXPECT_EQ(tls.value("host", ""), "hello.example.com");
}

// A minimal websocket client: handshake through the router, one masked text
// frame out, its echo back. Returns what went wrong, or "" on success.
std::string WebsocketEcho(int port, const std::string& host, const std::string& message) {
  auto connected = net::Connect("127.0.0.1", port, std::chrono::seconds(5));
  if (!connected.ok()) return "connect failed";
  int fd = *connected;
  std::string error;
  auto fail = [&](std::string why) {
    ::close(fd);
    return why;
  };
  std::string handshake = "GET /echo HTTP/1.1\r\nHost: " + host +
                          "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
  if (::send(fd, handshake.data(), handshake.size(), 0) != static_cast<ssize_t>(handshake.size())) return fail("send");
  std::string response;
  char c;
  while (response.find("\r\n\r\n") == std::string::npos) {
    if (::recv(fd, &c, 1, 0) != 1) return fail("no handshake answer: " + response);
    response += c;
  }
  if (response.rfind("HTTP/1.1 101", 0) != 0) return fail("not upgraded: " + response);
  if (response.find("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=") == std::string::npos) return fail("bad accept: " + response);
  std::string frame = {static_cast<char>(0x81), static_cast<char>(0x80 | message.size())};
  const char mask[4] = {0x12, 0x34, 0x56, 0x78};
  frame.append(mask, 4);
  for (size_t i = 0; i < message.size(); ++i) frame += static_cast<char>(message[i] ^ mask[i % 4]);
  if (::send(fd, frame.data(), frame.size(), 0) != static_cast<ssize_t>(frame.size())) return fail("send frame");
  unsigned char header[2];
  if (::recv(fd, header, 2, MSG_WAITALL) != 2) return fail("no echo frame");
  std::string echo(header[1] & 0x7F, '\0');
  if (!echo.empty() && ::recv(fd, echo.data(), echo.size(), MSG_WAITALL) != static_cast<ssize_t>(echo.size())) {
    return fail("short echo frame");
  }
  if (header[0] != 0x81 || echo != message) return fail("echo was '" + echo + "'");
  ::close(fd);
  return "";
}

TEST_F(RoutersTest, WebsocketEchoThroughTheRouter) {
  StartCluster(1, 1);
  DeployResult v1 = DeployServed(ExamplesDir() + "/websocket-echo", "echo.example.com", "websocket echo");
  ASSERT_EQ(v1.command.exit_code, 0);
  ClusterNode& router = this->router();
  EXPECT_EQ(WebsocketEcho(router.ports().router_direct, "echo.example.com", "hello through the router"), "");
  // Plain requests on the same route still use the keep-alive upstream path.
  EXPECT_EQ(RouterGet(router, "echo.example.com").status, 200);
}

}  // namespace
}  // namespace paasmaker::testing
