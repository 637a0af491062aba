#include "cli/job_tree_view.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>

namespace paasmaker::cli {

TerminalSize StdoutTerminalSize() {
  if (::isatty(STDOUT_FILENO) != 1) return {};
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) != 0 || size.ws_col == 0) return {80, 24};
  return {size.ws_col, size.ws_row};
}

void JobTreeView::Update(const std::string& job_id, const std::string& line) {
  auto it = std::find(order_.begin(), order_.end(), job_id);
  size_t index = static_cast<size_t>(it - order_.begin());
  if (it == order_.end()) {
    order_.push_back(job_id);
    lines_.push_back(line);
  } else if (lines_[index] == line) {
    return;
  } else {
    lines_[index] = line;
  }
  if (terminal_.columns > 0 && !appending_ && lines_.size() + 1 > static_cast<size_t>(std::max(terminal_.rows, 2))) {
    appending_ = true;  // taller than the screen: from here on, as off a terminal
  }
  if (terminal_.columns == 0 || appending_) {
    out_ << line << "\n";
  } else {
    Redraw();
  }
  out_.flush();
}

void JobTreeView::Redraw() {
  // Back to the block's first line, then every line erased and rewritten.
  if (drawn_ > 0) out_ << "\r\x1b[" << drawn_ << "A";
  for (const auto& line : lines_) out_ << "\x1b[2K" << Fit(line) << "\n";
  drawn_ = lines_.size();
}

// At most columns - 1 characters (UTF-8 code points; the titles' dashes are
// multi-byte), so the terminal never wraps a line.
std::string JobTreeView::Fit(const std::string& line) const {
  const size_t limit = static_cast<size_t>(std::max(terminal_.columns - 1, 1));
  size_t characters = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    bool starts_character = (static_cast<unsigned char>(line[i]) & 0xC0) != 0x80;
    if (starts_character && ++characters > limit) return line.substr(0, i);
  }
  return line;
}

}  // namespace paasmaker::cli
