// The event-driven HTTP server engine (core/async_http_server.h, behind
// http::Server): slow clients, many open streams, limits, deadlines, Stop()
// and TLS. Only 127.0.0.1 and ports from the test support.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "core/async_http_server.h"
#include "core/process.h"
#include "core/http.h"
#include "temp_dir.h"
#include "test_certificates.h"

namespace paasmaker {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

int ThreadCount() {
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) {
    (void)entry;
    ++n;
  }
  return n;
}

int Port() {
  auto port = testing::FreeTestPort();
  EXPECT_TRUE(port.ok()) << port.status().ToString();
  return port.ok() ? *port : 0;
}

// A plain blocking TCP connection to 127.0.0.1:port; -1 on failure.
int Connect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool Send(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// Reads what is there within `timeout`; *closed says whether the peer closed (EOF or reset).
std::string ReadFor(int fd, milliseconds timeout, bool* closed, const std::string& until = "") {
  std::string out;
  *closed = false;
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (!until.empty() && out.find(until) != std::string::npos) break;
    pollfd p{fd, POLLIN, 0};
    int left = static_cast<int>(std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count());
    if (::poll(&p, 1, std::max(1, left)) <= 0) continue;
    char buffer[4096];
    ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) {
      *closed = true;
      break;
    }
    out.append(buffer, static_cast<size_t>(n));
  }
  return out;
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t index = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

// An event every 200 ms while the client is there.
void EventsRoute(http::AsyncServer& server) {
  server.Route("GET", "/events", [](const http::Request&, http::Response& res) {
    res.content_type = "text/event-stream";
    res.stream = [](http::StreamWriter& w) {
      while (w.client_connected()) {
        if (!w.Write("data: tick\n\n")) return;
        std::this_thread::sleep_for(milliseconds(200));
      }
    };
  });
}

// The same as a stepped stream: no thread of its own.
void SteppedEventsRoute(http::AsyncServer& server) {
  server.Route("GET", "/steps", [](const http::Request&, http::Response& res) {
    res.content_type = "text/event-stream";
    res.steps = [](http::StreamWriter& w) {
      if (!w.Write("data: tick\n\n")) return http::StreamStep::Done();
      return http::StreamStep::Again(milliseconds(200));
    };
  });
}

void PingRoute(http::AsyncServer& server) {
  server.Route("GET", "/ping", [](const http::Request&, http::Response& res) {
    res.content_type = "text/plain";
    res.body = "pong";
  });
}

// Times `count` sequential GET /ping calls (ms); every one must answer 200.
std::vector<double> TimePings(int port, int count) {
  http::Client client("http://127.0.0.1:" + std::to_string(port), std::chrono::seconds(5));
  std::vector<double> times;
  for (int i = 0; i < count; ++i) {
    auto start = Clock::now();
    auto got = client.Get("/ping");
    times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    EXPECT_TRUE(got.ok() && got->status == 200) << "call " << i << ": "
                                                << (got.ok() ? std::to_string(got->status) : got.status().ToString());
  }
  return times;
}

TEST(HttpServerTest, SlowClientsAreClosedAtTheHeadDeadlineWhileOthersAreServed) {
  process::RaiseDescriptorLimit();
  http::ServerLimits limits;
  limits.head_deadline = std::chrono::seconds(2);
  http::AsyncServer server(4, {}, limits);
  PingRoute(server);
  ASSERT_TRUE(server.Start("127.0.0.1", Port()).ok());

  constexpr int kSlow = 200;
  std::vector<int> fds;
  auto opened = Clock::now();
  for (int i = 0; i < kSlow; ++i) {
    int fd = Connect(server.port());
    ASSERT_GE(fd, 0) << "connection " << i;
    ASSERT_TRUE(Send(fd, "GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "));
    fds.push_back(fd);
  }
  // One byte a second on every slow connection, until the server closed it.
  std::vector<Clock::time_point> closed_at(kSlow);
  std::vector<bool> closed(kSlow, false);
  std::atomic<bool> done{false};
  std::thread trickle([&] {
    for (int second = 0; second < 8 && !done.load(); ++second) {
      if (std::count(closed.begin(), closed.end(), true) == kSlow) return;
      for (int i = 0; i < kSlow; ++i) {
        if (closed[i]) continue;
        pollfd p{fds[i], POLLIN, 0};
        char c;
        bool gone = (::poll(&p, 1, 0) > 0 && ::recv(fds[i], &c, 1, MSG_DONTWAIT) <= 0) ||
                    ::send(fds[i], "a", 1, MSG_NOSIGNAL) != 1;
        if (gone) {
          closed[i] = true;
          closed_at[i] = Clock::now();
        }
      }
      std::this_thread::sleep_for(milliseconds(1000));
    }
  });
  // Meanwhile ordinary calls on other connections answer quickly.
  auto times = TimePings(server.port(), 50);
  std::printf("[ plain calls with %d slow clients ] p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", kSlow,
              Percentile(times, 0.5), Percentile(times, 0.99), Percentile(times, 1.0));
  EXPECT_LT(Percentile(times, 1.0), 1000.0);
  trickle.join();
  done = true;
  int closed_count = 0;
  double latest = 0;
  for (int i = 0; i < kSlow; ++i) {
    if (!closed[i]) continue;
    ++closed_count;
    latest = std::max(latest, std::chrono::duration<double>(closed_at[i] - opened).count());
  }
  std::printf("[ slow clients ] %d of %d closed by the server, the last after %.1f s (head deadline 2 s)\n",
              closed_count, kSlow, latest);
  EXPECT_EQ(closed_count, kSlow);
  EXPECT_LT(latest, 5.0);
  for (int fd : fds) ::close(fd);
}

TEST(HttpServerTest, AThousandOpenStreamsDoNotSlowPlainCalls) {
  process::RaiseDescriptorLimit();
  http::ServerLimits limits;
  limits.max_connections_per_address = 5000;
  http::AsyncServer server(8, {}, limits);
  PingRoute(server);
  SteppedEventsRoute(server);
  ASSERT_TRUE(server.Start("127.0.0.1", Port()).ok());
  auto idle = TimePings(server.port(), 100);
  const int threads_before = ThreadCount();

  constexpr int kStreams = 1000;
  std::vector<int> fds;
  for (int i = 0; i < kStreams; ++i) {
    int fd = Connect(server.port());
    ASSERT_GE(fd, 0) << "stream " << i << ": " << std::strerror(errno);
    ASSERT_TRUE(Send(fd, "GET /steps HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    fds.push_back(fd);
  }
  // One reader drains every stream and counts what each received.
  std::vector<size_t> received(kStreams, 0);
  std::atomic<bool> stop_reading{false};
  std::thread reader([&] {
    std::vector<pollfd> polls;
    for (int fd : fds) polls.push_back({fd, POLLIN, 0});
    char buffer[8192];
    while (!stop_reading.load()) {
      if (::poll(polls.data(), polls.size(), 100) <= 0) continue;
      for (size_t i = 0; i < polls.size(); ++i) {
        if ((polls[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
        ssize_t n = ::recv(polls[i].fd, buffer, sizeof(buffer), MSG_DONTWAIT);
        if (n > 0) received[i] += static_cast<size_t>(n);
        if (n == 0) polls[i].fd = -polls[i].fd - 1;  // closed: stop polling it
      }
    }
  });
  EXPECT_TRUE(testing::WaitFor([&] { return server.open_streams() == kStreams; }, std::chrono::seconds(60)))
      << server.open_streams() << " streams open";
  std::this_thread::sleep_for(milliseconds(500));
  auto busy = TimePings(server.port(), 100);
  EXPECT_EQ(server.open_streams(), kStreams);
  // Open streams cost no threads (the reader is the one more).
  const int threads_open = ThreadCount();
  EXPECT_LE(threads_open, threads_before + 1);
  stop_reading = true;
  reader.join();
  int receiving = 0;
  for (size_t bytes : received) receiving += bytes > 0 ? 1 : 0;
  std::printf("[ GET with 0 streams ] p50 %.2f ms, p99 %.2f ms\n", Percentile(idle, 0.5), Percentile(idle, 0.99));
  std::printf("[ GET with %d streams ] p50 %.2f ms, p99 %.2f ms (%d streams received events)\n", kStreams,
              Percentile(busy, 0.5), Percentile(busy, 0.99), receiving);
  std::printf("[ threads ] %d with no stream open, %d with %d open\n", threads_before, threads_open, kStreams);
  EXPECT_EQ(receiving, kStreams);
  for (int fd : fds) ::close(fd);
  EXPECT_TRUE(testing::WaitFor([&] { return server.open_streams() == 0; }, std::chrono::seconds(20)))
      << server.open_streams() << " streams still open after their clients left";
}

TEST(HttpServerTest, StreamsBeyondTheCapGet429AndAClosedClientFreesItsPlace) {
  http::ServerLimits limits;
  limits.max_streams = 3;
  http::AsyncServer server(4, {}, limits);
  EventsRoute(server);
  ASSERT_TRUE(server.Start("127.0.0.1", Port()).ok());
  std::vector<int> fds;
  for (int i = 0; i < 3; ++i) {
    fds.push_back(Connect(server.port()));
    ASSERT_TRUE(Send(fds.back(), "GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  }
  ASSERT_TRUE(testing::WaitFor([&] { return server.open_streams() == 3; }, std::chrono::seconds(10)));
  http::Client client("http://127.0.0.1:" + std::to_string(server.port()), std::chrono::seconds(5));
  auto refused = client.Get("/events");
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  EXPECT_EQ(refused->status, 429);
  auto body = nlohmann::json::parse(refused->body);
  EXPECT_NE(body["error"].get<std::string>().find("too many open streams"), std::string::npos) << refused->body;
  EXPECT_NE(body["error"].get<std::string>().find("3"), std::string::npos) << refused->body;

  // The peer closing is seen at once (client_connected() turns false): the place frees.
  auto closed_at = Clock::now();
  ::close(fds[0]);
  ASSERT_TRUE(testing::WaitFor([&] { return server.open_streams() == 2; }, std::chrono::seconds(5)));
  double seconds = std::chrono::duration<double>(Clock::now() - closed_at).count();
  std::printf("[ stream cap ] a closed client's stream ended after %.0f ms\n", seconds * 1000);
  EXPECT_LT(seconds, 1.5);
  int again = Connect(server.port());
  ASSERT_TRUE(Send(again, "GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  bool closed = false;
  std::string got = ReadFor(again, std::chrono::seconds(5), &closed, "data: tick");
  EXPECT_EQ(got.rfind("HTTP/1.1 200", 0), 0u) << got;
  EXPECT_NE(got.find("data: tick"), std::string::npos) << got;
  ::close(again);
  for (size_t i = 1; i < fds.size(); ++i) ::close(fds[i]);
}

TEST(HttpServerTest, TooLargeHeadsAndBodiesGet431And413NamingTheLimit) {
  http::ServerLimits limits;
  limits.max_head_bytes = 4096;
  limits.max_body_bytes = 1024 * 1024;
  http::AsyncServer server(4, {}, limits);
  server.Route("POST", "/size", [](const http::Request& req, http::Response& res) {
    res.body = nlohmann::json{{"size", req.body.size()}}.dump();
  });
  ASSERT_TRUE(server.Start("127.0.0.1", Port()).ok());
  http::Client client("http://127.0.0.1:" + std::to_string(server.port()), std::chrono::seconds(10));

  auto big_head = client.Post("/size", "{}", {{"X-Big", std::string(8000, 'h')}});
  ASSERT_TRUE(big_head.ok()) << big_head.status().ToString();
  EXPECT_EQ(big_head->status, 431);
  EXPECT_NE(nlohmann::json::parse(big_head->body)["error"].get<std::string>().find("4096 bytes"), std::string::npos)
      << big_head->body;

  auto big_body = client.Post("/size", std::string(2 * 1024 * 1024, 'b'), {}, "application/octet-stream");
  ASSERT_TRUE(big_body.ok()) << big_body.status().ToString();
  EXPECT_EQ(big_body->status, 413);
  EXPECT_NE(nlohmann::json::parse(big_body->body)["error"].get<std::string>().find("1048576 bytes (1 MiB)"),
            std::string::npos)
      << big_body->body;

  // Exactly the limit is fine: an upload chunk of the CLI (1 MiB) fits.
  auto fits = client.Post("/size", std::string(1024 * 1024, 'b'), {}, "application/octet-stream");
  ASSERT_TRUE(fits.ok()) << fits.status().ToString();
  EXPECT_EQ(fits->status, 200);
  EXPECT_EQ(nlohmann::json::parse(fits->body)["size"], 1024 * 1024);

  // A chunked body over the limit, sent by hand.
  int fd = Connect(server.port());
  std::string chunk(600 * 1024, 'c');
  char size_line[32];
  std::snprintf(size_line, sizeof(size_line), "%zx\r\n", chunk.size());
  Send(fd, "POST /size HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n");
  Send(fd, size_line + chunk + "\r\n" + size_line + chunk + "\r\n0\r\n\r\n");
  bool closed = false;
  std::string answer = ReadFor(fd, std::chrono::seconds(5), &closed, "}");
  EXPECT_EQ(answer.rfind("HTTP/1.1 413", 0), 0u) << answer.substr(0, 200);
  ::close(fd);
}

TEST(HttpServerTest, DefaultBodyLimitTakesUploadChunks) {
  http::AsyncServer server(2, {});
  server.Route("PUT", "/chunk", [](const http::Request& req, http::Response& res) {
    res.body = std::to_string(req.body.size());
  });
  ASSERT_TRUE(server.Start("127.0.0.1", Port()).ok());
  http::Client client("http://127.0.0.1:" + std::to_string(server.port()), std::chrono::seconds(10));
  auto got = client.Put("/chunk", std::string(8 * 1024 * 1024, 'x'), {}, "application/octet-stream");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(got->body, std::to_string(8 * 1024 * 1024));
}

TEST(HttpServerTest, IdleKeepAliveConnectionsAreClosed) {
  http::ServerLimits limits;
  limits.idle_timeout = milliseconds(1000);
  http::AsyncServer server(2, {}, limits);
  PingRoute(server);
  ASSERT_TRUE(server.Start("127.0.0.1", Port()).ok());
  int fd = Connect(server.port());
  bool closed = false;
  for (int i = 0; i < 2; ++i) {  // kept alive between calls
    ASSERT_TRUE(Send(fd, "GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    std::string got = ReadFor(fd, std::chrono::seconds(5), &closed, "pong");
    ASSERT_NE(got.find("pong"), std::string::npos) << got;
    ASSERT_FALSE(closed);
  }
  auto idle_from = Clock::now();
  ReadFor(fd, std::chrono::seconds(5), &closed);
  double seconds = std::chrono::duration<double>(Clock::now() - idle_from).count();
  EXPECT_TRUE(closed);
  EXPECT_GT(seconds, 0.8);
  EXPECT_LT(seconds, 3.0);
  ::close(fd);
}

TEST(HttpServerTest, StopWithOpenStreamsIsPromptAndLeavesNoThread) {
  int before = ThreadCount();
  std::atomic<int> ended{0};
  {
    http::AsyncServer server(4, {});
    server.Route("GET", "/events", [&ended](const http::Request&, http::Response& res) {
      res.stream = [&ended](http::StreamWriter& w) {
        // Ignores client_connected(): only Write returning false ends it.
        while (w.Write("data: tick\n\n")) std::this_thread::sleep_for(milliseconds(100));
        ended.fetch_add(1);
      };
    });
    PingRoute(server);
    ASSERT_TRUE(server.Start("127.0.0.1", Port()).ok());
    std::vector<int> fds;
    for (int i = 0; i < 20; ++i) {
      fds.push_back(Connect(server.port()));
      ASSERT_TRUE(Send(fds.back(), "GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    }
    ASSERT_TRUE(testing::WaitFor([&] { return server.open_streams() == 20; }, std::chrono::seconds(10)));
    EXPECT_GT(ThreadCount(), before);
    auto start = Clock::now();
    server.Stop();
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("[ Stop ] with 20 open streams: %.0f ms\n", seconds * 1000);
    EXPECT_LT(seconds, 2.0);
    EXPECT_EQ(ended.load(), 20);
    EXPECT_EQ(server.open_streams(), 0);
    for (int fd : fds) {
      bool closed = false;
      ReadFor(fd, std::chrono::seconds(2), &closed);
      EXPECT_TRUE(closed);
      ::close(fd);
    }
    EXPECT_TRUE(testing::WaitFor([&] { return ThreadCount() == before; }, std::chrono::seconds(2)))
        << ThreadCount() << " threads, " << before << " before";
  }
}

// A stopping server lets clients see a clean end: every stream (blocking or
// stepped) ends with its last chunk, and a call whose handler runs gets its
// whole answer.
TEST(HttpServerTest, StopEndsStreamsWithTheirLastChunkAndAnswersRunningCalls) {
  http::AsyncServer server(4, {});
  EventsRoute(server);
  SteppedEventsRoute(server);
  std::atomic<bool> slow_started{false};
  server.Route("GET", "/slow", [&slow_started](const http::Request&, http::Response& res) {
    slow_started = true;
    std::this_thread::sleep_for(milliseconds(300));
    res.content_type = "text/plain";
    res.body = "finished";
  });
  ASSERT_TRUE(server.Start("127.0.0.1", Port()).ok());
  std::vector<int> streams;
  for (const char* path : {"/events", "/steps", "/events", "/steps"}) {
    streams.push_back(Connect(server.port()));
    ASSERT_TRUE(Send(streams.back(), std::string("GET ") + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  }
  ASSERT_TRUE(testing::WaitFor([&] { return server.open_streams() == 4; }, std::chrono::seconds(10)));
  int slow = Connect(server.port());
  ASSERT_TRUE(Send(slow, "GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  ASSERT_TRUE(testing::WaitFor([&] { return slow_started.load(); }, std::chrono::seconds(5)));
  std::thread stopper([&] { server.Stop(); });
  bool closed = false;
  std::string answer = ReadFor(slow, std::chrono::seconds(5), &closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;
  EXPECT_NE(answer.find("finished"), std::string::npos) << answer;
  ::close(slow);
  for (int fd : streams) {
    closed = false;
    std::string got = ReadFor(fd, std::chrono::seconds(5), &closed);
    EXPECT_TRUE(closed);
    EXPECT_NE(got.find("data: tick"), std::string::npos) << got;
    EXPECT_GE(got.size(), 5u);
    EXPECT_EQ(got.substr(got.size() - 5), "0\r\n\r\n") << "no last chunk: " << got;
    ::close(fd);
  }
  stopper.join();
}

TEST(HttpServerTest, NodeRoutesHaveTheirOwnWorkers) {
  http::AsyncServer server(2, {});
  std::mutex mutex;
  std::condition_variable cv;
  bool release = false;
  server.Route("GET", "/slow", [&](const http::Request&, http::Response& res) {
    std::unique_lock<std::mutex> lock(mutex);
    cv.wait_for(lock, std::chrono::seconds(20), [&] { return release; });
    res.body = "{}";
  });
  server.Route("GET", "/node", [](const http::Request&, http::Response& res) { res.body = "{}"; },
               http::RouteClass::kNode);
  server.Route("GET", "/boom", [](const http::Request&, http::Response&) { throw std::runtime_error("boom"); });
  ASSERT_TRUE(server.Start("127.0.0.1", Port()).ok());
  std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  std::vector<std::thread> blockers;
  for (int i = 0; i < 4; ++i) blockers.emplace_back([&] { http::Client(url, std::chrono::seconds(30)).Get("/slow"); });
  std::this_thread::sleep_for(milliseconds(300));  // both user workers are held
  auto start = Clock::now();
  auto node = http::Client(url, std::chrono::seconds(5)).Get("/node");
  ASSERT_TRUE(node.ok()) << node.status().ToString();
  EXPECT_EQ(node->status, 200);
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 1.0);
  {
    std::lock_guard<std::mutex> lock(mutex);
    release = true;
  }
  cv.notify_all();
  for (auto& t : blockers) t.join();
  auto boom = http::Client(url).Get("/boom");
  ASSERT_TRUE(boom.ok());
  EXPECT_EQ(boom->status, 500);
  EXPECT_EQ(nlohmann::json::parse(boom->body)["errors"][0], "internal error");
  auto head = http::Client(url).Get("/node");  // still serving after the exception
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->status, 200);
}

TEST(HttpServerTest, PerAddressConnectionLimit) {
  http::ServerLimits limits;
  limits.max_connections_per_address = 5;
  http::AsyncServer server(2, {}, limits);
  PingRoute(server);
  ASSERT_TRUE(server.Start("127.0.0.1", Port()).ok());
  std::vector<int> fds;
  for (int i = 0; i < 5; ++i) fds.push_back(Connect(server.port()));
  ASSERT_TRUE(testing::WaitFor([&] { return server.open_connections() == 5; }, std::chrono::seconds(5)));
  int extra = Connect(server.port());
  bool closed = false;
  ReadFor(extra, std::chrono::seconds(2), &closed);
  EXPECT_TRUE(closed) << "the sixth connection should be closed at once";
  ::close(extra);
  ::close(fds[0]);
  fds.erase(fds.begin());
  // A held connection that sends nothing is closed at the head deadline, so
  // wait for the count rather than assume; the freed place is usable.
  ASSERT_TRUE(testing::WaitFor([&] { return server.open_connections() == 4; }, std::chrono::seconds(5)));
  auto got = http::Client("http://127.0.0.1:" + std::to_string(server.port())).Get("/ping");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->status, 200);
  for (int fd : fds) ::close(fd);
}

class HttpServerTlsTest : public ::testing::Test {
 protected:
  testing::TempDir dir_{"pm-tls"};
};

TEST_F(HttpServerTlsTest, HttpsWorksAndPlainHttpGetsNoAnswer) {
  auto certs = testing::MakeTestCertificates(dir_.path());
  ASSERT_TRUE(certs.ok()) << certs.status().ToString();
  http::AsyncServer server(2, http::ServerTls{certs->certificate, certs->key});
  PingRoute(server);
  server.Route("GET", "/events", [](const http::Request&, http::Response& res) {
    res.stream = [](http::StreamWriter& w) {
      for (int i = 0; i < 3; ++i) w.Write("data: " + std::to_string(i) + "\n\n");
    };
  });
  ASSERT_TRUE(server.Start("127.0.0.1", Port()).ok());
  ASSERT_TRUE(server.tls());
  std::string host = "127.0.0.1:" + std::to_string(server.port());
  http::Client https("https://" + host, std::chrono::seconds(5), http::ClientTls{certs->ca});
  auto got = https.Get("/ping");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(got->body, "pong");
  std::string all;
  auto streamed = https.Stream("/events", {}, [&](const std::string& chunk) {
    all += chunk;
    return true;
  });
  ASSERT_TRUE(streamed.ok()) << streamed.status().ToString();
  EXPECT_EQ(all, "data: 0\n\ndata: 1\n\ndata: 2\n\n");

  auto plain = http::Client("http://" + host, std::chrono::seconds(2)).Get("/ping");
  EXPECT_FALSE(plain.ok()) << "HTTP " << (plain.ok() ? plain->status : 0);
  int fd = Connect(server.port());
  ASSERT_TRUE(Send(fd, "GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  bool closed = false;
  std::string raw = ReadFor(fd, std::chrono::seconds(3), &closed);
  EXPECT_EQ(raw.find("HTTP/"), std::string::npos) << raw;
  ::close(fd);
}

}  // namespace
}  // namespace paasmaker
