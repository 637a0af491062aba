// GET /metrics on every role (issue 15 acceptance): each node's exposition
// passes `promtool check metrics`, a scrape needs the node token or the
// metrics token (which opens nothing else), the router's request counter
// moves by exactly the requests sent through it, and the pacemaker's and
// hearts' instance gauges follow a scale from 1 to 2.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <thread>

#include "app_helpers.h"
#include "harness.h"
#include "promtool.h"

namespace paasmaker::testing {
namespace {

using nlohmann::json;
using std::chrono::seconds;

constexpr const char* kHost = "hello.example.com";  // examples/python-hello's hostname
constexpr const char* kMetricsToken = "scrape-only-token-0123456789";

class MetricsTest : public ClusterTest {
 protected:
  void SetUp() override {
    cluster_.AddStandardNodes(2, 1);
    cluster_.pacemaker().extra_yaml += std::string("metrics: {token: ") + kMetricsToken + "}\n";
    ASSERT_TRUE(cluster_.StartAll());
    ASSERT_TRUE(cluster_.WaitForRegistration());
  }

  Result<http::ClientResponse> Scrape(ClusterNode& node, const std::string& secret) {
    http::Client client(node.url(), seconds(5));
    std::map<std::string, std::string> headers;
    if (!secret.empty()) headers["Authorization"] = "Bearer " + secret;
    return client.Get("/metrics", headers);
  }
  std::string Metrics(ClusterNode& node) {
    auto response = Scrape(node, cluster_.node_token());
    EXPECT_TRUE(response.ok() && response->status == 200) << node.name() << ": " << response.status().ToString();
    return response.ok() ? response->body : "";
  }
  // Until `value(exposition of node)` equals `want`; the last value seen.
  double WaitForValue(ClusterNode& node, const std::function<double(const std::string&)>& value, double want,
                      std::chrono::milliseconds timeout = seconds(20)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    double seen = value(Metrics(node));
    while (seen != want && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      seen = value(Metrics(node));
    }
    return seen;
  }
  double HeartsRunning() {
    double sum = 0;
    for (const char* name : {"heart-1", "heart-2"}) {
      sum += MetricSum(Metrics(cluster_.node(name)), "paasmaker_heart_instances", {{"state", "RUNNING"}});
    }
    return sum;
  }
};

TEST_F(MetricsTest, EveryRolePassesPromtoolAndNeedsAToken) {
  // Some traffic first, so the histograms and labelled families have samples.
  ASSERT_TRUE(cluster_.Get("/api/v1/nodes").ok());
  const std::map<std::string, std::vector<std::string>> families = {
      {"pacemaker",
       {"paasmaker_nodes", "paasmaker_instances", "paasmaker_job_trees_unfinished", "paasmaker_api_requests_total",
        "paasmaker_api_request_duration_seconds"}},
      {"heart-1", {"paasmaker_heart_instance_restarts_total", "paasmaker_heart_package_fetch_seconds", "paasmaker_heart_instances"}},
      {"router-1",
       {"paasmaker_router_requests_total", "paasmaker_router_upstream_seconds", "paasmaker_router_stats_lag_bytes",
        "paasmaker_router_stats_lines_total"}},
  };
  for (const auto& [name, wanted] : families) {
    ClusterNode& node = cluster_.node(name);
    auto response = Scrape(node, cluster_.node_token());
    ASSERT_TRUE(response.ok() && response->status == 200) << name;
    EXPECT_NE(response->headers["Content-Type"].find("text/plain; version=0.0.4"), std::string::npos) << name;
    Status check = PromtoolCheck(response->body);
    EXPECT_TRUE(check.ok()) << name << ": " << check.ToString() << "\n" << response->body;
    for (const auto& family : wanted) {
      EXPECT_NE(response->body.find("# TYPE " + family + " "), std::string::npos) << name << " lacks " << family
                                                                              << "\n" << response->body;
    }
    // No token, a wrong one, a user's API key: refused.
    for (const std::string& secret : {std::string(), std::string("not-the-token-0123456789"), cluster_.admin_key()}) {
      auto refused = Scrape(node, secret);
      ASSERT_TRUE(refused.ok()) << name;
      EXPECT_EQ(refused->status, 401) << name << " with '" << secret << "'";
      EXPECT_EQ(refused->body.find("paasmaker_"), std::string::npos) << name;
    }
  }
  // The pacemaker's metrics token scrapes, and opens nothing else.
  auto scraped = Scrape(cluster_.pacemaker(), kMetricsToken);
  ASSERT_TRUE(scraped.ok());
  EXPECT_EQ(scraped->status, 200);
  auto api = cluster_.Get("/api/v1/nodes", kMetricsToken);
  ASSERT_TRUE(api.ok());
  EXPECT_EQ(api->status, 401);
  // The nodes gauge counts the four ACTIVE nodes.
  EXPECT_EQ(MetricSum(Metrics(cluster_.pacemaker()), "paasmaker_nodes", {{"state", "ACTIVE"}}), 4);
  // And the API counter counted the calls above by route and status.
  EXPECT_GE(MetricSum(Metrics(cluster_.pacemaker()), "paasmaker_api_requests_total",
                   {{"route", "/api/v1/nodes"}, {"method", "GET"}, {"status", "200"}}),
            1);
  EXPECT_GE(MetricSum(Metrics(cluster_.pacemaker()), "paasmaker_api_requests_total",
                   {{"route", "/api/v1/nodes"}, {"method", "GET"}, {"status", "401"}}),
            1);
}

TEST_F(MetricsTest, RouterCountersFollowTrafficAndInstanceGaugesFollowAScale) {
  DeployResult v1 = DeployServed(ExamplesDir() + "/python-hello", kHost, "Hello from Paasmaker");
  ASSERT_EQ(v1.command.exit_code, 0) << v1.command.output;
  json version = cluster_.GetData("/api/v1/versions/" + v1.version_id());
  std::string type_id = version["instance_types"][0]["instance_type_id"];

  auto requests = [&](const std::string& text) {
    return MetricSum(text, "paasmaker_router_requests_total", {{"version_type", type_id}, {"status_class", "2xx"}});
  };
  // The requests DeployServed sent, once the reader has counted them all:
  // steady over nginx's 1 s log flush and a reader tick.
  double before = -1;
  for (auto deadline = std::chrono::steady_clock::now() + seconds(20); std::chrono::steady_clock::now() < deadline;) {
    double now = requests(Metrics(router()));
    if (now == before && now > 0) break;
    before = now;
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  }
  ASSERT_GT(before, 0) << Metrics(router());
  for (int i = 0; i < 25; ++i) ASSERT_EQ(RouterGet(router(), kHost).status, 200);
  EXPECT_EQ(WaitForValue(router(), requests, before + 25), before + 25) << Metrics(router());
  std::string router_text = Metrics(router());
  EXPECT_GE(MetricSum(router_text, "paasmaker_router_upstream_seconds_count"), before + 25);
  EXPECT_GE(MetricSum(router_text, "paasmaker_router_stats_lines_total", {{"outcome", "counted"}}), before + 25);

  auto running = [](const std::string& text) { return MetricSum(text, "paasmaker_instances", {{"state", "RUNNING"}}); };
  EXPECT_EQ(WaitForValue(cluster_.pacemaker(), running, 1), 1);
  EXPECT_EQ(HeartsRunning(), 1);
  auto response = cluster_.Post("/api/v1/instance-types/" + type_id + "/quantity", {{"quantity", 2}});
  ASSERT_TRUE(response.ok() && response->status == 202);
  ASSERT_TRUE(WaitForInstances(cluster_, v1.version_id(), 2, "RUNNING"));
  EXPECT_EQ(WaitForValue(cluster_.pacemaker(), running, 2), 2) << Metrics(cluster_.pacemaker());
  auto deadline = std::chrono::steady_clock::now() + seconds(20);
  while (HeartsRunning() != 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(HeartsRunning(), 2);
  // Each heart fetched the package once per instance it started, or at least once.
  double fetches = 0;
  for (const char* name : {"heart-1", "heart-2"}) {
    fetches += MetricSum(Metrics(cluster_.node(name)), "paasmaker_heart_package_fetch_seconds_count");
  }
  EXPECT_GE(fetches, 1);
  // A finished tree of each kind was counted with its duration.
  std::string pacemaker_text = Metrics(cluster_.pacemaker());
  EXPECT_GE(MetricSum(pacemaker_text, "paasmaker_job_trees_finished_total", {{"state", "SUCCESS"}}), 1)
      << pacemaker_text;
  EXPECT_GE(MetricSum(pacemaker_text, "paasmaker_job_tree_duration_seconds_count"), 1);
}

}  // namespace
}  // namespace paasmaker::testing
