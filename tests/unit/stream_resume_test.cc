// Stream positions (issue 14): the job stream's cursor and the stats
// stream's event id encode and decode exactly, malformed ones are refused
// naming them, and the CLI's SSE parser keeps the ids it is sent.
#include <gtest/gtest.h>

#include "cli/sse_parser.h"
#include "pacemaker/endpoints/jobs.h"
#include "pacemaker/endpoints/router_stats.h"

namespace paasmaker {
namespace {

using nlohmann::json;
using pacemaker::endpoints::DecodeJobStreamCursor;
using pacemaker::endpoints::EncodeJobStreamCursor;
using pacemaker::endpoints::FormatStatsStreamId;
using pacemaker::endpoints::JobStreamCursor;
using pacemaker::endpoints::JobStreamPosition;
using pacemaker::endpoints::ParseStatsStreamId;
using pacemaker::endpoints::StatsStreamId;

std::vector<jobs::Job> Jobs(std::vector<std::string> ids) {
  std::vector<jobs::Job> jobs;
  for (auto& id : ids) jobs.push_back(jobs::Job{.id = id});
  return jobs;
}

TEST(JobStreamCursorTest, RoundTripsEveryStateAndOffset) {
  auto tree = Jobs({"11111111-aaaa-4bbb-8ccc-000000000001", "22222222-aaaa-4bbb-8ccc-000000000002",
                    "33333333-aaaa-4bbb-8ccc-000000000003"});
  JobStreamCursor cursor{{tree[0].id, {jobs::JobState::kWaiting, 0}},
                         {tree[1].id, {jobs::JobState::kSuccess, 123456789012ull}},
                         {tree[2].id, {jobs::JobState::kAborted, 7}}};
  std::string text = EncodeJobStreamCursor(cursor, tree);
  EXPECT_EQ(text.rfind("j1.", 0), 0u) << text;
  // Safe in an SSE id line, a header and a query string as is.
  EXPECT_EQ(text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.", 0),
            std::string::npos)
      << text;
  auto decoded = DecodeJobStreamCursor(text, tree);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, cursor);
  // Short keys: the 8-character prefixes, not the whole ids.
  EXPECT_LT(text.size(), 3u + (3 * 24) * 4 / 3 + 4) << text;
  EXPECT_TRUE(DecodeJobStreamCursor(EncodeJobStreamCursor({}, tree), tree).value().empty());
}

TEST(JobStreamCursorTest, JobsSharingAPrefixKeepTheirWholeIds) {
  auto tree = Jobs({"abcdef12-0000-4000-8000-000000000001", "abcdef12-0000-4000-8000-000000000002"});
  JobStreamCursor cursor{{tree[0].id, {jobs::JobState::kRunning, 10}}, {tree[1].id, {jobs::JobState::kNew, 0}}};
  auto decoded = DecodeJobStreamCursor(EncodeJobStreamCursor(cursor, tree), tree);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, cursor);
}

TEST(JobStreamCursorTest, AJobGraftedLaterWithTheSamePrefixIsNewToTheCursor) {
  auto before = Jobs({"abcdef12-0000-4000-8000-000000000001", "99999999-0000-4000-8000-000000000009"});
  JobStreamCursor cursor{{before[0].id, {jobs::JobState::kRunning, 42}}};
  std::string text = EncodeJobStreamCursor(cursor, before);
  // The tree grew (a graft) by a job whose id starts the same way.
  auto after = before;
  after.push_back(jobs::Job{.id = "abcdef12-0000-4000-8000-00000000000f"});
  auto decoded = DecodeJobStreamCursor(text, after);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, cursor);  // the older job keeps its position; the new one has none
}

TEST(JobStreamCursorTest, MalformedCursorsAreRefusedNamingThem) {
  auto tree = Jobs({"11111111-aaaa-4bbb-8ccc-000000000001"});
  for (const std::string bad : {"42", "j1.", "j1.!!!", "j2.e30", "j1.W10",  // "[]"
                                "j1.eyIxMTExMTExMSI6WzksMF19",                // {"11111111":[9,0]}: no state 9
                                "j1.eyIxMTExMTExMSI6IngifQ"}) {               // {"11111111":"x"}
    auto decoded = DecodeJobStreamCursor(bad, tree);
    ASSERT_FALSE(decoded.ok()) << bad;
    EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(decoded.status().message().find("'" + bad + "'"), std::string::npos) << decoded.status().message();
  }
  // An empty object decodes (nothing sent yet); so does padding a client added.
  EXPECT_TRUE(DecodeJobStreamCursor("j1.e30", tree).ok());
  EXPECT_TRUE(DecodeJobStreamCursor("j1.e30=", tree).ok());
  // A key that names no job of the tree is dropped.
  auto unknown = DecodeJobStreamCursor("j1.eyIyMjIyMjIyMiI6WzMsNV19", tree);  // {"22222222":[3,5]}
  ASSERT_TRUE(unknown.ok()) << unknown.status().ToString();
  EXPECT_TRUE(unknown->empty());
}

TEST(StatsStreamIdTest, FormatsAndParsesWithAndWithoutTotals) {
  StatsStreamId id{.n = 3,
                   .step_ms = 1764782401000,
                   .base_ms = 1764782400000,
                   .base = {{"requests", 1520}, {"bytes", 40960}, {"1xx", 0}, {"2xx", 1500}, {"3xx", 0}, {"4xx", 20},
                            {"5xx", 0}}};
  std::string text = FormatStatsStreamId(id);
  EXPECT_EQ(text, "3:1764782401000:1764782400000:1520,40960,0,1500,0,20,0");
  auto parsed = ParseStatsStreamId(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, id);
  // The event number leads, so a client counting events reads it first.
  EXPECT_EQ(std::stoll(text), 3);

  StatsStreamId bare{.n = 1, .step_ms = 1764782400200};
  EXPECT_EQ(FormatStatsStreamId(bare), "1:1764782400200");
  auto parsed_bare = ParseStatsStreamId("1:1764782400200");
  ASSERT_TRUE(parsed_bare.ok());
  EXPECT_EQ(*parsed_bare, bare);
}

TEST(StatsStreamIdTest, MalformedIdsAreRefusedNamingThem) {
  for (const std::string bad : {"", "7", "x:1", "1:-5", "1:2:3", "1:2:3:1,2,3", "1:2:3:1,2,3,4,5,6,x",
                                "1:2:3:1,2,3,4,5,6,7,8", "1:2:3:4:5"}) {
    auto parsed = ParseStatsStreamId(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(parsed.status().message().find("'" + bad + "'"), std::string::npos) << parsed.status().message();
  }
}

TEST(SseParserIdsTest, AnEventCarriesTheLastIdSeen) {
  cli::SseParser parser;
  auto events = parser.FeedEvents("id: a\ndata: one\n\n: comment\ndata: two\n\nid:b\r\ndata: th");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].id, "a");
  EXPECT_EQ(events[0].data, "one");
  EXPECT_EQ(events[1].id, "a");  // no id of its own: the last one carries over
  events = parser.FeedEvents("ree\n\nid\ndata: four\n\n");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].id, "b");
  EXPECT_EQ(events[0].data, "three");
  EXPECT_EQ(events[1].id, "");  // a bare `id` resets it
  // Feed still gives the data alone.
  EXPECT_EQ(parser.Feed("id: c\ndata: x\ndata: y\n\n"), std::vector<std::string>{"x\ny"});
}

}  // namespace
}  // namespace paasmaker
