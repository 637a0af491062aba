// The compact --follow view: appended lines off a terminal, the block
// redrawn in place on one, cut to the width, appending once taller than it.
#include "cli/job_tree_view.h"

#include <gtest/gtest.h>

#include <sstream>

namespace paasmaker::cli {
namespace {

TEST(JobTreeViewTest, OffATerminalEachChangeIsOneAppendedLine) {
  std::ostringstream out;
  JobTreeView view(out, {});
  view.Update("a", "[a] WAITING  Deploy");
  view.Update("b", "[b] RUNNING  Prepare");
  view.Update("b", "[b] RUNNING  Prepare");  // unchanged: nothing
  view.Update("a", "[a] SUCCESS  Deploy");
  EXPECT_EQ(out.str(), "[a] WAITING  Deploy\n[b] RUNNING  Prepare\n[a] SUCCESS  Deploy\n");
}

TEST(JobTreeViewTest, OnATerminalTheBlockIsRedrawnInPlace) {
  std::ostringstream out;
  JobTreeView view(out, {80, 24});
  view.Update("a", "[a] WAITING");
  view.Update("b", "[b] RUNNING");
  view.Update("a", "[a] SUCCESS");
  EXPECT_EQ(out.str(),
            "\x1b[2K[a] WAITING\n"                                   // first draw
            "\r\x1b[1A\x1b[2K[a] WAITING\n\x1b[2K[b] RUNNING\n"      // a new job: one line more
            "\r\x1b[2A\x1b[2K[a] SUCCESS\n\x1b[2K[b] RUNNING\n");    // a's state, in its place
}

TEST(JobTreeViewTest, LinesAreCutToTheWidthByCharacterNotByte) {
  std::ostringstream out;
  JobTreeView view(out, {8, 24});
  view.Update("a", "ab—cdefghij");  // the dash is three bytes, one character
  EXPECT_EQ(out.str(), "\x1b[2Kab—cdef\n");
}

TEST(JobTreeViewTest, ABlockTallerThanTheTerminalAppendsFromThenOn) {
  std::ostringstream out;
  JobTreeView view(out, {80, 3});
  view.Update("a", "A1");
  view.Update("b", "B1");
  view.Update("c", "C1");  // 3 lines + the cursor's: no longer fits
  view.Update("a", "A2");
  EXPECT_EQ(out.str(), "\x1b[2KA1\n\r\x1b[1A\x1b[2KA1\n\x1b[2KB1\nC1\nA2\n");
}

}  // namespace
}  // namespace paasmaker::cli
