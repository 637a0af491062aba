#include "metrics/metrics.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <cmath>
#include <limits>
#include <thread>

#include "metrics/metrics_route.h"
#include "promtool.h"

namespace paasmaker::metrics {
namespace {

TEST(MetricsTextTest, ValuesAreWrittenAsPrometheusReadsThem) {
  EXPECT_EQ(text::FormatValue(3), "3");
  EXPECT_EQ(text::FormatValue(0), "0");
  EXPECT_EQ(text::FormatValue(-2), "-2");
  EXPECT_EQ(text::FormatValue(0.25), "0.25");
  EXPECT_EQ(text::FormatValue(0.1), "0.1");  // shortest round trip, not 0.10000000000000001
  EXPECT_EQ(text::FormatValue(1.5e-7), "1.5e-07");
  EXPECT_EQ(text::FormatValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(text::FormatValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(text::FormatValue(std::nan("")), "NaN");
}

TEST(MetricsTextTest, LabelValuesEscapeBackslashQuoteAndNewline) {
  EXPECT_EQ(text::EscapeLabelValue("plain /api/v1/nodes/*"), "plain /api/v1/nodes/*");
  EXPECT_EQ(text::EscapeLabelValue("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  // UTF-8 passes through untouched.
  EXPECT_EQ(text::EscapeLabelValue("caf\xc3\xa9"), "caf\xc3\xa9");
}

TEST(MetricsTextTest, HelpEscapesBackslashAndNewlineButNotQuotes) {
  EXPECT_EQ(text::EscapeHelp("say \"hi\"\\now\nthen"), "say \"hi\"\\\\now\\nthen");
}

TEST(MetricsTextTest, LabelSetsAreSortedByNameWithLeLast) {
  EXPECT_EQ(text::LabelSet({}), "");
  EXPECT_EQ(text::LabelSet({{"state", "RUNNING"}, {"app", "x"}}), "{app=\"x\",state=\"RUNNING\"}");
  EXPECT_EQ(text::LabelSet({{"route", "/a"}}, "le", "0.5"), "{route=\"/a\",le=\"0.5\"}");
  EXPECT_EQ(text::LabelSet({}, "le", "+Inf"), "{le=\"+Inf\"}");
}

TEST(MetricsTextTest, NamesFollowThePrometheusRules) {
  EXPECT_TRUE(text::IsMetricName("paasmaker_api_requests_total"));
  EXPECT_TRUE(text::IsMetricName("job:rate5m"));
  EXPECT_FALSE(text::IsMetricName("1x"));
  EXPECT_FALSE(text::IsMetricName("a-b"));
  EXPECT_FALSE(text::IsMetricName(""));
  EXPECT_TRUE(text::IsLabelName("version_type"));
  EXPECT_FALSE(text::IsLabelName("__name__"));
  EXPECT_FALSE(text::IsLabelName("a:b"));
}

TEST(MetricsTest, ACounterRendersHelpTypeAndOneLinePerLabelSet) {
  Registry registry;
  Counter& requests = registry.AddCounter("paasmaker_test_requests_total", "Requests \"served\", by route.");
  requests.Increment({{"route", "/b"}});
  requests.Add({{"route", "/a"}}, 2);
  requests.Add({{"route", "/a"}}, -5);  // ignored: counters only go up
  EXPECT_EQ(requests.Value({{"route", "/a"}}), 2);
  EXPECT_EQ(requests.Value({{"route", "never"}}), 0);
  EXPECT_EQ(registry.Render(),
            "# HELP paasmaker_test_requests_total Requests \"served\", by route.\n"
            "# TYPE paasmaker_test_requests_total counter\n"
            "paasmaker_test_requests_total{route=\"/a\"} 2\n"
            "paasmaker_test_requests_total{route=\"/b\"} 1\n");
}

TEST(MetricsTest, AFamilyWithoutSeriesStillSaysWhatItIs) {
  Registry registry;
  registry.AddCounter("paasmaker_test_restarts_total", "Restarts.");
  EXPECT_EQ(registry.Render(),
            "# HELP paasmaker_test_restarts_total Restarts.\n"
            "# TYPE paasmaker_test_restarts_total counter\n");
}

TEST(MetricsTest, AskingForANameAgainReturnsTheSameFamily) {
  Registry registry;
  Counter& a = registry.AddCounter("paasmaker_test_total", "x");
  Counter& b = registry.AddCounter("paasmaker_test_total", "x");
  EXPECT_EQ(&a, &b);
  Histogram& h1 = registry.AddHistogram("paasmaker_test_seconds", "x", LatencyBuckets());
  Histogram& h2 = registry.AddHistogram("paasmaker_test_seconds", "x", LatencyBuckets());
  EXPECT_EQ(&h1, &h2);
}

TEST(MetricsDeathTest, ANameOfAnotherKindOrAnInvalidNameIsABug) {
  EXPECT_DEATH(
      {
        Registry registry;
        registry.AddCounter("paasmaker_test", "x");
        registry.AddGauge("paasmaker_test", "x");
      },
      "");
  EXPECT_DEATH(
      {
        Registry registry;
        registry.AddGauge("bad-name", "x");
      },
      "");
  EXPECT_DEATH(
      {
        Registry registry;
        registry.AddHistogram("paasmaker_test_seconds", "x", {1}).Observe({{"le", "1"}}, 1);
      },
      "");
}

TEST(MetricsTest, GaugesGoBothWays) {
  Registry registry;
  Gauge& open = registry.AddGauge("paasmaker_test_open", "Open things.");
  open.Set({}, 5);
  open.Add({}, -2);
  EXPECT_EQ(open.Value(), 3);
  EXPECT_EQ(registry.Render(),
            "# HELP paasmaker_test_open Open things.\n"
            "# TYPE paasmaker_test_open gauge\n"
            "paasmaker_test_open 3\n");
}

TEST(MetricsTest, HistogramBucketsAreCumulativeInclusiveAndEndWithInf) {
  Registry registry;
  Histogram& latency = registry.AddHistogram("paasmaker_test_duration_seconds", "Latency.", {0.1, 1, 10});
  // A value on a bound falls into that bound's bucket (le: less or equal).
  for (double v : {0.05, 0.1, 0.5, 1.0, 20.0}) latency.Observe({{"route", "/x"}}, v);
  EXPECT_EQ(latency.Count({{"route", "/x"}}), 5u);
  EXPECT_DOUBLE_EQ(latency.Sum({{"route", "/x"}}), 21.65);
  EXPECT_EQ(registry.Render(),
            "# HELP paasmaker_test_duration_seconds Latency.\n"
            "# TYPE paasmaker_test_duration_seconds histogram\n"
            "paasmaker_test_duration_seconds_bucket{route=\"/x\",le=\"0.1\"} 2\n"
            "paasmaker_test_duration_seconds_bucket{route=\"/x\",le=\"1\"} 4\n"
            "paasmaker_test_duration_seconds_bucket{route=\"/x\",le=\"10\"} 4\n"
            "paasmaker_test_duration_seconds_bucket{route=\"/x\",le=\"+Inf\"} 5\n"
            "paasmaker_test_duration_seconds_sum{route=\"/x\"} 21.65\n"
            "paasmaker_test_duration_seconds_count{route=\"/x\"} 5\n");
}

TEST(MetricsTest, BulkObservationsAddToTheSameBuckets) {
  Registry registry;
  Histogram& h = registry.AddHistogram("paasmaker_test_seconds", "x", {0.1, 1});
  EXPECT_EQ(h.BucketOf(0.05), 0u);
  EXPECT_EQ(h.BucketOf(0.1), 0u);
  EXPECT_EQ(h.BucketOf(0.2), 1u);
  EXPECT_EQ(h.BucketOf(7), 2u);
  h.Observe({}, 0.5);
  h.ObserveCounts({}, {3, 0, 1}, 5.25);
  h.ObserveCounts({}, {1, 1}, 9);  // wrong size: ignored
  EXPECT_EQ(h.Count(), 5u);
  std::string out = registry.Render();
  EXPECT_NE(out.find("paasmaker_test_seconds_bucket{le=\"0.1\"} 3\n"), std::string::npos) << out;
  EXPECT_NE(out.find("paasmaker_test_seconds_bucket{le=\"1\"} 4\n"), std::string::npos) << out;
  EXPECT_NE(out.find("paasmaker_test_seconds_bucket{le=\"+Inf\"} 5\n"), std::string::npos) << out;
  EXPECT_NE(out.find("paasmaker_test_seconds_sum 5.75\n"), std::string::npos) << out;
}

TEST(MetricsTest, CollectorsWriteGaugesAtScrapeTimeInNameOrder) {
  Registry registry;
  registry.AddCounter("paasmaker_b_total", "b");
  int scrapes = 0;
  Collection collection = registry.AddCollector([&](Snapshot& s) {
    ++scrapes;
    s.Gauge("paasmaker_c", "c", {{"state", "RUNNING"}}, 2);
    s.Gauge("paasmaker_c", "c", {{"state", "ERROR"}}, 0);
    s.Counter("paasmaker_a_total", "a", {}, 7);
  });
  EXPECT_EQ(registry.Render(),
            "# HELP paasmaker_a_total a\n# TYPE paasmaker_a_total counter\npaasmaker_a_total 7\n"
            "# HELP paasmaker_b_total b\n# TYPE paasmaker_b_total counter\n"
            "# HELP paasmaker_c c\n# TYPE paasmaker_c gauge\n"
            "paasmaker_c{state=\"ERROR\"} 0\npaasmaker_c{state=\"RUNNING\"} 2\n");
  EXPECT_EQ(scrapes, 1);
  collection.Reset();
  EXPECT_EQ(registry.Render(), "# HELP paasmaker_b_total b\n# TYPE paasmaker_b_total counter\n");
  EXPECT_EQ(scrapes, 1);
}

TEST(MetricsTest, ACollectorCannotShadowARegisteredFamily) {
  Registry registry;
  registry.AddGauge("paasmaker_x", "registered").Set({}, 1);
  Collection collection = registry.AddCollector([](Snapshot& s) { s.Gauge("paasmaker_x", "collected", {}, 2); });
  EXPECT_EQ(registry.Render(), "# HELP paasmaker_x registered\n# TYPE paasmaker_x gauge\npaasmaker_x 1\n");
}

TEST(MetricsTest, ACollectionMovesAndUnregistersOnce) {
  Registry registry;
  std::atomic<int> calls{0};
  Collection outer;
  {
    Collection inner = registry.AddCollector([&](Snapshot&) { ++calls; });
    outer = std::move(inner);
  }  // the moved-from handle unregisters nothing
  registry.Render();
  EXPECT_EQ(calls, 1);
  outer = Collection();
  registry.Render();
  EXPECT_EQ(calls, 1);
}

TEST(MetricsTest, UpdatesFromManyThreadsAreAllCounted) {
  Registry registry;
  Counter& counter = registry.AddCounter("paasmaker_test_total", "x");
  Histogram& histogram = registry.AddHistogram("paasmaker_test_seconds", "x", LatencyBuckets());
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) {
        counter.Increment({{"thread", std::to_string(t % 2)}});
        histogram.Observe({}, 0.001 * (i % 100));
      }
    });
  }
  std::thread scraper([&] {
    for (int i = 0; i < 50; ++i) registry.Render();
  });
  for (auto& t : threads) t.join();
  scraper.join();
  EXPECT_EQ(counter.Value({{"thread", "0"}}) + counter.Value({{"thread", "1"}}), 80000);
  EXPECT_EQ(histogram.Count(), 80000u);
}

TEST(MetricsTest, PromtoolAcceptsTheExposition) {
  Registry registry;
  registry.AddCounter("paasmaker_test_requests_total", "Requests, with \"quotes\", a back\\slash and a\nnewline.")
      .Increment({{"route", "/api/v1/nodes/*"}, {"path", "we\"ird\\va\nlue"}});
  registry.AddCounter("paasmaker_test_restarts_total", "No series yet.");
  registry.AddGauge("paasmaker_test_open", "Open.").Set({}, -1.5);
  Histogram& h = registry.AddHistogram("paasmaker_test_duration_seconds", "Latency.", LatencyBuckets());
  h.Observe({{"route", "/a"}}, 0.003);
  h.Observe({{"route", "/a"}}, 42);
  h.Observe({{"route", "/b"}}, 0.5);
  Collection collection = registry.AddCollector([](Snapshot& s) {
    s.Gauge("paasmaker_test_instances", "Instances by state.", {{"state", "RUNNING"}}, 2);
    s.Counter("paasmaker_test_lines_read_total", "Lines.", {}, 12345678901);
  });
  std::string exposition = registry.Render();
  Status checked = testing::PromtoolCheck(exposition);
  EXPECT_TRUE(checked.ok()) << checked.ToString() << "\n" << exposition;
}

TEST(MetricsRouteTest, TheNodeTokenOrTheMetricsTokenMayScrape) {
  MetricsAccess access{"node-secret", "scrape-secret"};
  auto with = [](const std::string& authorization) {
    http::Request request;
    if (!authorization.empty()) request.headers["authorization"] = authorization;
    return request;
  };
  EXPECT_TRUE(MayScrape(with("Bearer node-secret"), access));
  EXPECT_TRUE(MayScrape(with("Bearer scrape-secret"), access));
  EXPECT_FALSE(MayScrape(with("Bearer wrong"), access));
  EXPECT_FALSE(MayScrape(with("node-secret"), access));
  EXPECT_FALSE(MayScrape(with("Bearer "), access));
  EXPECT_FALSE(MayScrape(with(""), access));
  // No metrics token configured: an empty secret never matches it.
  MetricsAccess node_only{"node-secret", ""};
  EXPECT_FALSE(MayScrape(with("Bearer "), node_only));
  EXPECT_TRUE(MayScrape(with("Bearer node-secret"), node_only));
}

std::string HeaderOf(const http::ClientResponse& response, const std::string& lower_name) {
  for (const auto& [name, value] : response.headers) {
    std::string lower;
    for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == lower_name) return value;
  }
  return "";
}

TEST(MetricsRouteTest, ServesTheTextFormatAndRefusesWithoutAToken) {
  Registry registry;
  registry.AddCounter("paasmaker_test_total", "x").Increment();
  http::Server server(2);
  InstallMetricsRoute(server, registry, MetricsAccess{"node-secret", ""});
  ASSERT_TRUE(server.Start("127.0.0.1", 0).ok());
  http::Client client("http://127.0.0.1:" + std::to_string(server.port()), std::chrono::seconds(5));
  auto refused = client.Get("/metrics");
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  EXPECT_EQ(refused->status, 401);
  EXPECT_EQ(HeaderOf(*refused, "www-authenticate"), "Bearer");
  EXPECT_NE(refused->body.find("Authorization: Bearer"), std::string::npos) << refused->body;
  auto served = client.Get("/metrics", {{"Authorization", "Bearer node-secret"}});
  ASSERT_TRUE(served.ok()) << served.status().ToString();
  EXPECT_EQ(served->status, 200);
  EXPECT_EQ(HeaderOf(*served, "content-type"), kContentType);
  EXPECT_EQ(served->body, registry.Render());
  server.Stop();
}

}  // namespace
}  // namespace paasmaker::metrics
