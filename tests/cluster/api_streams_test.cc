// The control plane stays up under open streams and slow clients (issue 14):
// with 1,000 server-sent-event streams open against the pacemaker (job
// trees with their logs, and router stats), ordinary API calls answer and a
// heart's reports keep it ACTIVE; 200 clients that send half a request head
// and then a byte a second are closed by the server while other calls
// succeed. The streams come from several loopback source addresses, as from
// several client machines (one address may hold 256 connections).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ctime>
#include <memory>
#include <set>
#include <thread>

#include "app_helpers.h"
#include "harness.h"
#include "jobs/job_store.h"

namespace paasmaker::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

// A raw client connection from `source` (a 127.0.0.0/8 address).
class RawConnection {
 public:
  RawConnection(const std::string& source, int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return;
    sockaddr_in from{};
    from.sin_family = AF_INET;
    ::inet_pton(AF_INET, source.c_str(), &from.sin_addr);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof(from)) != 0 ||
        ::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof(to)) != 0) {
      ::close(fd_);
      fd_ = -1;
      return;
    }
    ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool ok() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  bool Send(const std::string& data) {
    return ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
  }
  // Reads what has arrived; false once the server closed the connection.
  bool Drain() {
    char buffer[16384];
    while (true) {
      ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
      if (n > 0) {
        received_.append(buffer, static_cast<size_t>(n));
        if (received_.size() > 65536) received_.erase(0, received_.size() - 65536);
        total_ += static_cast<size_t>(n);
        continue;
      }
      if (n == 0) return false;
      return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    }
  }
  const std::string& received() const { return received_; }
  size_t total() const { return total_; }

 private:
  int fd_ = -1;
  std::string received_;  // the last 64 KiB
  size_t total_ = 0;
};

class ApiStreamsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    process::RaiseDescriptorLimit();  // this test holds 1,000 connections
    cluster_ = new Cluster();
    cluster_->AddStandardNodes(1, 0);
    // One user opens every stream here: exactly the 1,000 of the test.
    cluster_->pacemaker().extra_pacemaker_yaml = ", max_streams_per_user: 1000, max_streams: 1500";
    cluster_->EnableTestJobs();
    ASSERT_TRUE(cluster_->StartAll());
    ASSERT_TRUE(cluster_->WaitForRegistration());
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }

  http::Client Api() { return http::Client(cluster_->pacemaker().url(), seconds(10)); }
  std::map<std::string, std::string> Auth() { return {{"Authorization", "Bearer " + cluster_->admin_key()}}; }

  // A tree that prints a line every 0.5 s for a minute, on the pacemaker
  // (its log is read locally there).
  std::string StartPrintingTree() {
    redis::Client redis(cluster_->StoreEndpoint("jobs"));
    jobs::JobStore store(&redis);
    jobs::TreeSpec tree;
    std::string pacemaker = cluster_->pacemaker().Uuid();
    std::string root = tree.Add({.type = "paasmaker.job.test.shell",
                                 .parameters = {{"command", "for i in $(seq 1 120); do echo tick-$i; sleep 0.5; done"}},
                                 .node = pacemaker,
                                 .title = "ticker",
                                 .tags = {"test"}});
    EXPECT_TRUE(store.AddTree(tree.jobs()).ok());
    EXPECT_TRUE(store.StartTree(root).ok());
    return root;
  }

  // The heart as the pacemaker lists it: "ACTIVE" and the like.
  std::string HeartState() {
    auto nodes = cluster_->ListedNodes();
    return nodes.count("heart-1") ? nodes["heart-1"].value("state", "") : "not listed";
  }

  static Cluster* cluster_;
};
Cluster* ApiStreamsTest::cluster_ = nullptr;

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(p * static_cast<double>(values.size())))];
}

TEST_F(ApiStreamsTest, AThousandOpenStreamsLeaveTheApiAndNodeReportsResponsive) {
  constexpr int kJobStreams = 300;
  constexpr int kStatsStreams = 700;
  constexpr int kPerSource = 200;
  std::string root = StartPrintingTree();
  const int port = cluster_->pacemaker().ports().http;
  const std::string auth = "Authorization: Bearer " + cluster_->admin_key() + "\r\n";

  std::vector<std::unique_ptr<RawConnection>> streams;
  for (int i = 0; i < kJobStreams + kStatsStreams; ++i) {
    std::string source = "127.0.0." + std::to_string(10 + i / kPerSource);
    auto c = std::make_unique<RawConnection>(source, port);
    ASSERT_TRUE(c->ok()) << "stream " << i << " from " << source << ": " << std::strerror(errno);
    std::string path = i < kJobStreams ? "/api/v1/jobs/" + root + "/stream"
                                       : "/api/v1/router/stats/vt/pacemaker/stream?interval=1";
    ASSERT_TRUE(c->Send("GET " + path + " HTTP/1.1\r\nHost: pacemaker\r\n" + auth + "\r\n"));
    streams.push_back(std::move(c));
  }

  // Every stream answers 200 and delivers events.
  auto all_receiving = [&] {
    int receiving = 0;
    for (auto& c : streams) {
      c->Drain();
      if (c->received().rfind("HTTP/1.1 200", 0) == 0 && c->received().find("\ndata: ") != std::string::npos) {
        ++receiving;
      }
    }
    return receiving;
  };
  int receiving = 0;
  EXPECT_TRUE(WaitFor([&] { return (receiving = all_receiving()) == kJobStreams + kStatsStreams; }, seconds(60)))
      << receiving << " of " << streams.size() << " streams receive events; first answer: "
      << streams.front()->received().substr(0, 300);

  // With all of them open: plain calls answer, and keep answering, and the
  // heart's reports keep it ACTIVE (its reports every 0.5 s would stop
  // within node_down_timeout if node traffic stalled).
  std::vector<double> latencies;
  std::set<std::string> heart_states;
  auto until = std::chrono::steady_clock::now() + seconds(12);
  while (std::chrono::steady_clock::now() < until) {
    auto started = std::chrono::steady_clock::now();
    auto nodes = Api().Get("/api/v1/nodes", Auth());
    latencies.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count());
    ASSERT_TRUE(nodes.ok()) << nodes.status().ToString();
    ASSERT_EQ(nodes->status, 200) << nodes->body;
    heart_states.insert(HeartState());
    for (auto& c : streams) c->Drain();
    std::this_thread::sleep_for(milliseconds(100));
  }
  EXPECT_EQ(heart_states, std::set<std::string>{"ACTIVE"});
  std::printf("[ 1,000 streams open ] GET /api/v1/nodes p50 %.1f ms, p99 %.1f ms (%zu calls)\n",
              Percentile(latencies, 0.5), Percentile(latencies, 0.99), latencies.size());

  // Streams go on: each has received more since.
  std::vector<size_t> before;
  for (auto& c : streams) before.push_back(c->total());
  int moving = 0;
  EXPECT_TRUE(WaitFor([&] {
    moving = 0;
    for (size_t i = 0; i < streams.size(); ++i) {
      streams[i]->Drain();
      if (streams[i]->total() > before[i]) ++moving;
    }
    return moving == static_cast<int>(streams.size());
  }, seconds(20))) << moving << " of " << streams.size() << " streams still receive events";

  // The user holds its limit: one stream more is a 429 naming it, at once,
  // and a closed stream gives its place back.
  auto one_more = [&] {
    auto c = std::make_unique<RawConnection>("127.0.0.20", port);
    EXPECT_TRUE(c->ok());
    EXPECT_TRUE(c->Send("GET /api/v1/jobs/" + root + "/stream HTTP/1.1\r\nHost: p\r\n" + auth + "\r\n"));
    EXPECT_TRUE(WaitFor([&] {
      for (auto& s : streams) s->Drain();
      c->Drain();
      return c->received().find("\r\n\r\n") != std::string::npos;
    }, seconds(10))) << c->received();
    return c;
  };
  auto refused = one_more();
  EXPECT_EQ(refused->received().rfind("HTTP/1.1 429", 0), 0u) << refused->received();
  EXPECT_NE(refused->received().find("pacemaker.max_streams_per_user"), std::string::npos) << refused->received();
  streams.pop_back();
  std::unique_ptr<RawConnection> admitted;
  EXPECT_TRUE(WaitFor([&] {
    admitted = one_more();
    return admitted->received().rfind("HTTP/1.1 200", 0) == 0;
  }, seconds(10))) << admitted->received();
  streams.clear();
}

TEST_F(ApiStreamsTest, HalfSentHeadsAreClosedByTheServerWhileOtherCallsSucceed) {
  constexpr int kSlow = 200;
  const int port = cluster_->pacemaker().ports().http;
  std::vector<std::unique_ptr<RawConnection>> slow;
  for (int i = 0; i < kSlow; ++i) {
    auto c = std::make_unique<RawConnection>("127.0.0.20", port);
    ASSERT_TRUE(c->ok()) << "slow client " << i << ": " << std::strerror(errno);
    ASSERT_TRUE(c->Send("GET /api/v1/nodes HTTP/1.1\r\nHost: pacem"));
    slow.push_back(std::move(c));
  }
  auto started = std::chrono::steady_clock::now();
  std::vector<bool> closed(kSlow, false);
  int closed_count = 0;
  int calls = 0;
  // One byte a second on each, and plain calls meanwhile, until the server
  // has closed them all (its head deadline is 10 s).
  while (closed_count < kSlow && std::chrono::steady_clock::now() - started < seconds(30)) {
    for (int i = 0; i < kSlow; ++i) {
      if (closed[i]) continue;
      if (!slow[i]->Drain() || !slow[i]->Send("a")) {
        closed[i] = true;
        ++closed_count;
      }
    }
    auto nodes = Api().Get("/api/v1/nodes", Auth());
    ASSERT_TRUE(nodes.ok()) << nodes.status().ToString();
    ASSERT_EQ(nodes->status, 200) << nodes->body;
    ++calls;
    std::this_thread::sleep_for(milliseconds(1000));
  }
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(closed_count, kSlow) << "after " << took << " s";
  std::printf("[ slow clients ] %d of %d closed by the server after %.1f s; %d calls answered meanwhile\n",
              closed_count, kSlow, took, calls);
}

}  // namespace
}  // namespace paasmaker::testing
