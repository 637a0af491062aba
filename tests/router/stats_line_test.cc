// StatsLineParser and StatsAggregator: pure, no I/O.
#include <gtest/gtest.h>

#include "router/stats/stats_aggregator.h"
#include "router/stats/stats_line.h"

namespace paasmaker::router::stats {
namespace {

const char* kLine =
    R"({"time":1700000000.123,"host":"www.example.com","status":200,"bytes":512,)"
    R"("request_time":0.015,"upstream_response_time":"0.012","served_by":"vt1 node1 inst1"})";

std::string Line(const std::string& time, const std::string& status, const std::string& bytes,
                 const std::string& upstream, const std::string& vt = "vt1", const std::string& node = "node1",
                 const std::string& host = "h.com") {
  return R"({"time":)" + time + R"(,"host":")" + host + R"(","status":)" + status + R"(,"bytes":)" + bytes +
         R"(,"request_time":0.002,"upstream_response_time":")" + upstream + R"(","served_by":")" + vt + " " +
         node + R"( i"})";
}

TEST(StatsLineParserTest, ParsesEveryField) {
  StatsLine line;
  ASSERT_TRUE(StatsLineParser::Parse(kLine, &line));
  EXPECT_EQ(line.time_ms, 1700000000123);
  EXPECT_EQ(line.host, "www.example.com");
  EXPECT_EQ(line.status, 200);
  EXPECT_EQ(line.bytes, 512);
  EXPECT_EQ(line.request_time_ms, 15);
  EXPECT_EQ(line.upstream_time_ms, 12);
  EXPECT_EQ(line.version_type, "vt1");
  EXPECT_EQ(line.node, "node1");
  EXPECT_EQ(line.instance, "inst1");
  EXPECT_FALSE(line.escaped);
}

TEST(StatsLineParserTest, UpstreamTimeForms) {
  StatsLine line;
  ASSERT_TRUE(StatsLineParser::Parse(Line("1.000", "200", "1", ""), &line));
  EXPECT_EQ(line.upstream_time_ms, -1);  // no upstream: no timecount
  ASSERT_TRUE(StatsLineParser::Parse(Line("1.000", "200", "1", "0.004, 0.002"), &line));
  EXPECT_EQ(line.upstream_time_ms, 6);  // retried on another instance: both tries
  ASSERT_TRUE(StatsLineParser::Parse(Line("1.000", "200", "1", "-, 1.5"), &line));
  EXPECT_EQ(line.upstream_time_ms, 1500);
  ASSERT_TRUE(StatsLineParser::Parse(Line("1.000", "200", "1", "0.010 : 0.020"), &line));
  EXPECT_EQ(line.upstream_time_ms, 30);
  ASSERT_TRUE(StatsLineParser::Parse(Line("1.000", "502", "1", "-"), &line));
  EXPECT_EQ(line.upstream_time_ms, -1);
  EXPECT_FALSE(StatsLineParser::Parse(Line("1.000", "200", "1", "abc"), &line));
  EXPECT_FALSE(StatsLineParser::Parse(Line("1.000", "200", "1", "0.1,0.2"), &line));
}

TEST(StatsLineParserTest, NoRouteIsVersionTypeNull) {
  StatsLine line;
  std::string text;  // line's string_views point into it: it must outlive them
  ASSERT_TRUE(StatsLineParser::Parse(text = Line("5.5", "404", "100", "", "null", "null"), &line));
  EXPECT_EQ(line.version_type, "null");
  EXPECT_EQ(line.time_ms, 5500);
  StatsAggregator aggregator;
  aggregator.Add(line);
  ASSERT_NE(aggregator.VersionType("null"), nullptr);
  EXPECT_EQ(aggregator.VersionType("null")->Status(404), 1);
  EXPECT_EQ(aggregator.Node("null"), nullptr);  // no node served it
  // A page after the failed cached-route try: nginx lists that try, but no
  // app answered, so there is no upstream time.
  ASSERT_TRUE(StatsLineParser::Parse(text = Line("5.5", "404", "100", "0.000", "null", "null"), &line));
  EXPECT_EQ(line.upstream_time_ms, -1);
  // A routed request that went through @pm_lookup: the app's time only.
  ASSERT_TRUE(StatsLineParser::Parse(text = Line("5.5", "200", "100", "0.000 : 0.014"), &line));
  EXPECT_EQ(line.upstream_time_ms, 14);
}

TEST(StatsLineParserTest, ServedByHoldsThreeIdsOrNothing) {
  auto with = [](const std::string& served_by) {
    return R"({"time":1,"host":"h","status":200,"bytes":1,"request_time":0,"upstream_response_time":"",)"
           R"("served_by":")" + served_by + R"("})";
  };
  StatsLine line;
  std::string text;  // line's string_views point into it: it must outlive them
  ASSERT_TRUE(StatsLineParser::Parse(text = with("null null null"), &line));
  EXPECT_EQ(line.version_type, "null");
  EXPECT_EQ(line.node, "null");
  EXPECT_EQ(line.instance, "null");
  // nginx answered before the router's Lua ran (e.g. no Host on HTTP/1.1).
  ASSERT_TRUE(StatsLineParser::Parse(text = with(""), &line));
  EXPECT_EQ(line.version_type, "");
  EXPECT_EQ(line.node, "");
  EXPECT_EQ(line.instance, "");
  EXPECT_FALSE(line.health_check);
  // The router's own health check: well formed, not traffic.
  ASSERT_TRUE(StatsLineParser::Parse(text = with("-"), &line));
  EXPECT_TRUE(line.health_check);
  EXPECT_EQ(line.version_type, "");
  ASSERT_TRUE(StatsLineParser::Parse(text = with("vt node inst"), &line));
  EXPECT_FALSE(line.health_check);
  for (const char* bad : {"vt", "vt node", "vt node inst extra", "vt  inst", " node inst", "vt node ", "--"}) {
    EXPECT_FALSE(StatsLineParser::Parse(text = with(bad), &line)) << "served_by \"" << bad << "\"";
  }
}

TEST(StatsLineParserTest, Escapes) {
  StatsLine line;
  std::string text;  // line's string_views point into it: it must outlive them
  // A hostile Host header, as nginx's escape=json writes it.
  std::string host = R"(a\"b\\c\/d\n\u001F\u00e9)";
  ASSERT_TRUE(StatsLineParser::Parse(text = Line("1", "200", "0", "", "vt1", "node1", host), &line));
  EXPECT_TRUE(line.escaped);
  EXPECT_EQ(line.host, host);
  std::string decoded;
  StatsLineParser::Unescape(line.host, &decoded);
  EXPECT_EQ(decoded, "a\"b\\c/d\n\x1F\xC3\xA9");
  // A quote inside the host does not end the field early.
  EXPECT_EQ(line.version_type, "vt1");
  // Escaped ids are unescaped before they become keys.
  ASSERT_TRUE(StatsLineParser::Parse(text = Line("1", "200", "0", "", R"(v\"t)", "n"), &line));
  StatsAggregator aggregator;
  aggregator.Add(line);
  EXPECT_NE(aggregator.VersionType("v\"t"), nullptr);
}

TEST(StatsLineParserTest, RejectsMalformedLines) {
  StatsLine line;
  std::string good = kLine;
  for (size_t cut : {size_t{0}, size_t{1}, size_t{10}, good.size() / 2, good.size() - 1}) {
    EXPECT_FALSE(StatsLineParser::Parse(good.substr(0, cut), &line)) << "torn at " << cut;
  }
  EXPECT_FALSE(StatsLineParser::Parse(good + " ", &line));
  EXPECT_FALSE(StatsLineParser::Parse(good + "}", &line));
  EXPECT_FALSE(StatsLineParser::Parse("not json at all", &line));
  EXPECT_FALSE(StatsLineParser::Parse(Line("1", "", "0", ""), &line));       // empty variable
  EXPECT_FALSE(StatsLineParser::Parse(Line("1", "200", "-5", ""), &line));   // negative
  EXPECT_FALSE(StatsLineParser::Parse(Line("1", "99", "0", ""), &line));     // not a status
  EXPECT_FALSE(StatsLineParser::Parse(Line("1", "600", "0", ""), &line));
  EXPECT_FALSE(StatsLineParser::Parse(Line("1.", "200", "0", ""), &line));
  EXPECT_FALSE(StatsLineParser::Parse(Line("1", "200", "99999999999999999999", ""), &line));
  EXPECT_FALSE(StatsLineParser::Parse(Line("1", "200", "0", "", "vt\x01"), &line));  // raw control byte
  EXPECT_FALSE(StatsLineParser::Parse(Line("1", "200", "0", "", R"(vt\x)"), &line));  // bad escape
  EXPECT_FALSE(StatsLineParser::Parse(Line("1", "200", "0", "", R"(vt\u12)"), &line));
  // The format before served_by, and reordered fields, are not our format.
  EXPECT_FALSE(StatsLineParser::Parse(
      R"({"time":1,"host":"h","status":200,"bytes":1,"request_time":0,"upstream_response_time":"","version_type":"v","node":"n","instance":"i"})",
      &line));
  EXPECT_FALSE(StatsLineParser::Parse(
      R"({"host":"h","time":1,"status":200,"bytes":1,"request_time":0,"upstream_response_time":"","served_by":"v n i"})",
      &line));
}

TEST(StatsAggregatorTest, SumsTotalsAndPerSecondHistory) {
  StatsAggregator aggregator;
  StatsLine line;
  const std::vector<std::string> lines = {
      Line("7200.100", "200", "10", "0.005"), Line("7200.900", "201", "20", "0.001"),
      Line("7201.000", "404", "5", ""),      Line("7201.500", "503", "1", "-"),
      Line("7202.000", "200", "7", "0.002", "vt2", "node2"),
  };
  for (const auto& text : lines) {
    ASSERT_TRUE(StatsLineParser::Parse(text, &line)) << text;
    aggregator.Add(line);
  }
  EXPECT_EQ(aggregator.lines(), 5);
  const StatsTotals* vt1 = aggregator.VersionType("vt1");
  ASSERT_NE(vt1, nullptr);
  EXPECT_EQ(vt1->requests, 4);
  EXPECT_EQ(vt1->bytes, 36);
  EXPECT_EQ(vt1->time, 6);
  EXPECT_EQ(vt1->timecount, 2);
  EXPECT_EQ(vt1->nginxtime, 8);
  EXPECT_EQ(vt1->classes[1], 2);
  EXPECT_EQ(vt1->classes[3], 1);
  EXPECT_EQ(vt1->classes[4], 1);
  EXPECT_EQ(vt1->Status(201), 1);
  EXPECT_EQ(aggregator.Node("node2")->requests, 1);

  StatsAggregator::Commands commands;
  aggregator.AppendCommands(&commands);
  auto has = [&](const std::vector<std::string>& cmd) {
    return std::find(commands.begin(), commands.end(), cmd) != commands.end();
  };
  EXPECT_TRUE(has({"HINCRBY", "stat_vt:vt1", "requests", "4"}));
  EXPECT_TRUE(has({"HINCRBY", "stat_vt:vt1", "2xx", "2"}));
  EXPECT_TRUE(has({"HINCRBY", "stat_vt:vt1", "503", "1"}));
  EXPECT_TRUE(has({"HINCRBY", "stat_node:node1", "bytes", "36"}));
  EXPECT_TRUE(has({"HINCRBY", "history_vt:vt1:7200:requests", "7200", "2"}));
  EXPECT_TRUE(has({"HINCRBY", "history_vt:vt1:7200:bytes", "7201", "6"}));
  EXPECT_TRUE(has({"HINCRBY", "history_node:node2:7200:time", "7202", "2"}));
  // Zero sums are not written.
  EXPECT_FALSE(has({"HINCRBY", "stat_vt:vt2", "4xx", "0"}));
  aggregator.Clear();
  EXPECT_EQ(aggregator.lines(), 0);
  EXPECT_EQ(aggregator.VersionType("vt1"), nullptr);
}

}  // namespace
}  // namespace paasmaker::router::stats
