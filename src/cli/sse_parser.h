// SseParser: splits a server-sent-events byte stream into events.
//
// Chunks arrive cut anywhere (mid-line, mid-event), so the parser keeps the
// unfinished tail. An event is its `data:` lines joined by "\n", ended by a
// blank line; comment lines (":keep-alive") and other fields (event:, id:,
// retry:) are ignored, as the job stream only uses data. Lines may end in
// "\n" or "\r\n".
//
// Not thread safe: feed it from the one thread reading the stream.
#pragma once

#include <string>
#include <vector>

namespace paasmaker::cli {

class SseParser {
 public:
  // Returns the data of every event completed by `chunk`, in order.
  std::vector<std::string> Feed(const std::string& chunk);

 private:
  std::string pending_line_;
  std::string data_;
  bool has_data_ = false;
};

}  // namespace paasmaker::cli
