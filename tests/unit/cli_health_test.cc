// `paasmaker health history` output (src/cli/health_history.h).
#include <gtest/gtest.h>

#include <sstream>

#include "cli/health_history.h"
#include "cli/output.h"

namespace paasmaker::cli {
namespace {

using nlohmann::json;

TEST(CliHealthHistoryTest, OneRowPerRunActionsOnFollowingLines) {
  json data = {{"scanned", 2},
               {"runs",
                {{{"job_id", "root-2"}, {"group", "default"}, {"state", "SUCCESS"}, {"started", 1000.0},
                  {"finished", 1000.4},
                  {"actions",
                   {{{"type", "paasmaker.health.downnodes"}, {"summary", "node heart-2 silent for 10.4 s: marked DOWN"}},
                    {{"type", "paasmaker.health.adjustinstances"}, {"summary", "Health: start 1 of 2 missing"}}}}},
                 {{"job_id", "root-1"}, {"group", "routes"}, {"state", "RUNNING"}, {"started", 998.0},
                  {"finished", nullptr}, {"actions", json::array()}}}}};
  std::ostringstream out;
  PrintHealthHistory(out, data, false);
  std::string first = FormatTime(1000), second = FormatTime(998);
  std::string pad(first.size(), ' ');
  std::string expected =
      "STARTED" + std::string(first.size() - 7, ' ') + "  GROUP    STATE    TOOK  JOB ID  ACTIONS\n" +
      first + "  default  SUCCESS  0.4s  root-2  node heart-2 silent for 10.4 s: marked DOWN\n" +
      pad + "                                  Health: start 1 of 2 missing\n" +
      second + "  routes   RUNNING  -     root-1  -\n";
  EXPECT_EQ(out.str(), expected);
}

TEST(CliHealthHistoryTest, SaysWhenNothingMatched) {
  std::ostringstream all, actions;
  PrintHealthHistory(all, {{"runs", json::array()}, {"scanned", 0}}, false);
  PrintHealthHistory(actions, {{"runs", json::array()}, {"scanned", 120}}, true);
  EXPECT_EQ(all.str(), "No health runs among the last 0 run(s).\n");
  EXPECT_EQ(actions.str(), "No health runs with corrective actions among the last 120 run(s).\n");
}

}  // namespace
}  // namespace paasmaker::cli
