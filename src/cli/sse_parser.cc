#include "cli/sse_parser.h"

namespace paasmaker::cli {

std::vector<std::string> SseParser::Feed(const std::string& chunk) {
  std::vector<std::string> events;
  pending_line_ += chunk;
  size_t start = 0;
  for (size_t newline; (newline = pending_line_.find('\n', start)) != std::string::npos; start = newline + 1) {
    std::string line = pending_line_.substr(start, newline - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      if (has_data_) events.push_back(data_);
      data_.clear();
      has_data_ = false;
      continue;
    }
    if (line.rfind("data:", 0) != 0) continue;
    std::string value = line.substr(5);
    // The spec strips exactly one space after the colon.
    if (!value.empty() && value.front() == ' ') value.erase(0, 1);
    if (has_data_) data_ += '\n';
    data_ += value;
    has_data_ = true;
  }
  pending_line_.erase(0, start);
  return events;
}

}  // namespace paasmaker::cli
