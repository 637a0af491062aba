// JobTreeView: the compact view of a followed job tree, one line per job in
// the order the jobs first appeared. On a terminal the lines are redrawn in
// place as states change (ANSI cursor-up and erase-line), so the block always
// shows each job's current state; elsewhere (a pipe, a file, a CI log) each
// change is one appended line, which reads well in a log.
//
// A block taller than the terminal cannot be redrawn (the cursor stops at
// its top), so past `rows - 1` lines the view appends instead, as off a
// terminal. Lines are cut to the width so none wraps and breaks the count.
//
// Not thread safe; one follower per view.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace paasmaker::cli {

// The terminal the view draws on; columns 0: not a terminal.
struct TerminalSize {
  int columns = 0;
  int rows = 0;
};

// stdout's size when it is a terminal, else {0, 0}.
TerminalSize StdoutTerminalSize();

class JobTreeView {
 public:
  JobTreeView(std::ostream& out, TerminalSize terminal) : out_(out), terminal_(terminal) {}

  // Sets the line of `job_id` (new jobs go below the others) and shows it.
  void Update(const std::string& job_id, const std::string& line);

  // Each redraw ends with the cursor below the block, so whatever is printed
  // next (the tree's outcome) follows it.

 private:
  void Redraw();
  std::string Fit(const std::string& line) const;

  std::ostream& out_;
  TerminalSize terminal_;
  std::vector<std::string> order_;
  std::vector<std::string> lines_;
  size_t drawn_ = 0;  // lines of the block on screen, the cursor below them
  bool appending_ = false;
};

}  // namespace paasmaker::cli
