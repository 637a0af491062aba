#include "cli/sse_parser.h"

#include <algorithm>
#include <iostream>
#include <optional>
#include <thread>

namespace paasmaker::cli {

std::vector<std::string> SseParser::Feed(const std::string& chunk) {
  std::vector<std::string> data;
  for (auto& event : FeedEvents(chunk)) data.push_back(std::move(event.data));
  return data;
}

std::vector<SseEvent> SseParser::FeedEvents(const std::string& chunk) {
  std::vector<SseEvent> events;
  pending_line_ += chunk;
  size_t start = 0;
  for (size_t newline; (newline = pending_line_.find('\n', start)) != std::string::npos; start = newline + 1) {
    std::string line = pending_line_.substr(start, newline - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      if (has_data_) events.push_back({last_id_, data_});
      data_.clear();
      has_data_ = false;
      continue;
    }
    size_t colon = line.find(':');
    if (colon == 0) continue;  // a comment
    std::string field = line.substr(0, colon);
    std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
    // The spec strips exactly one space after the colon.
    if (!value.empty() && value.front() == ' ') value.erase(0, 1);
    if (field == "id") {
      if (value.find('\0') == std::string::npos) last_id_ = value;
    } else if (field == "data") {
      if (has_data_) data_ += '\n';
      data_ += value;
      has_data_ = true;
    }
  }
  pending_line_.erase(0, start);
  return events;
}

namespace {

// What retrying cannot change.
bool IsFinal(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kUnauthenticated:
    case StatusCode::kPermissionDenied:
    case StatusCode::kNotFound:
    case StatusCode::kAlreadyExists:
      return true;
    default:
      return false;
  }
}

}  // namespace

Status FollowEvents(ApiClient& api, const std::string& path, const std::function<bool(const SseEvent&)>& on_event,
                    const FollowOptions& options) {
  std::ostream& notices = options.notices != nullptr ? *options.notices : std::cerr;
  std::string last_id;
  bool established = false;  // some stream has answered
  std::optional<std::chrono::steady_clock::time_point> outage_since;
  std::chrono::milliseconds delay = options.first_delay;
  while (true) {
    SseParser parser;  // a fresh one per connection: a cut-off event is dropped, and sent again
    bool done = false;
    bool got_data = false;
    std::map<std::string, std::string> headers;
    if (!last_id.empty()) headers["Last-Event-ID"] = last_id;
    Status streamed = api.Stream(
        path,
        [&](const std::string& chunk) {
          got_data = true;
          for (const SseEvent& event : parser.FeedEvents(chunk)) {
            bool more = on_event(event);
            if (!event.id.empty()) last_id = event.id;
            if (!more) {
              done = true;
              return false;
            }
          }
          return true;
        },
        headers);
    if (done) return Status::Ok();
    if (got_data) {
      established = true;
      outage_since.reset();
      delay = options.first_delay;
    }
    if (!streamed.ok() && (IsFinal(streamed) || !established)) return streamed;
    auto now = std::chrono::steady_clock::now();
    if (!outage_since) {
      outage_since = now;
      notices << "reconnecting… (the stream from " << api.remote() << " "
              << (streamed.ok() ? std::string("ended") : "broke: " + streamed.message()) << ")\n"
              << std::flush;
    } else {
      delay = std::min(delay * 2, options.longest_delay);
    }
    if (now - *outage_since + delay > options.give_up_after) {
      if (!streamed.ok()) return streamed;
      return Unavailable("the stream from " + api.remote() + " kept ending; gave up reconnecting after " +
                         std::to_string(options.give_up_after.count() / 1000) + " s");
    }
    std::this_thread::sleep_for(delay);
  }
}

}  // namespace paasmaker::cli
