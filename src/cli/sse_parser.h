// SseParser: splits a server-sent-events byte stream into events.
// FollowEvents: reads a stream through the API client and, when it breaks or
// ends early, reconnects with Last-Event-ID so no event is lost or repeated.
//
// Chunks arrive cut anywhere (mid-line, mid-event), so the parser keeps the
// unfinished tail. An event is its `data:` lines joined by "\n", ended by a
// blank line; its id is the last `id:` field seen so far (the SSE "last
// event ID", which carries over to events without one). Comment lines
// (":keep-alive") and other fields (event:, retry:) are ignored. Lines may
// end in "\n" or "\r\n".
//
// Not thread safe: feed it from the one thread reading the stream.
#pragma once

#include <chrono>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "cli/api_client.h"
#include "core/status.h"

namespace paasmaker::cli {

struct SseEvent {
  std::string id;    // the last event id at this event ("" if none yet)
  std::string data;
};

class SseParser {
 public:
  // Returns the data of every event completed by `chunk`, in order.
  std::vector<std::string> Feed(const std::string& chunk);
  // The same events with their ids.
  std::vector<SseEvent> FeedEvents(const std::string& chunk);

 private:
  std::string pending_line_;
  std::string data_;
  std::string last_id_;
  bool has_data_ = false;
};

struct FollowOptions {
  // Waits between attempts: first, doubling up to longest; an outage that
  // lasts longer than give_up_after is an error.
  std::chrono::milliseconds first_delay{200};
  std::chrono::milliseconds longest_delay{2000};
  std::chrono::milliseconds give_up_after{60000};
  // Where "reconnecting…" is said, once per outage (null: std::cerr).
  std::ostream* notices = nullptr;
};

// GET `path` as a server-sent-events stream, handing each event to
// `on_event` until it returns false (done: Ok). When the stream ends or
// breaks before that (the connection lost, the pacemaker restarting: it
// refuses connections or answers 503 meanwhile), it is opened again with
// `Last-Event-ID: <id of the last event handed over>`, after 0.2 s, 0.4 s, …
// 2 s, for up to a minute. Answers that retrying cannot change (400, 401,
// 403, 404, 409, a certificate that does not verify) end it at once, and so
// does any failure before the first stream was established (a wrong
// --remote is not an outage). Returns Ok when done, else why it gave up (a
// stream that kept ending cleanly: Unavailable).
Status FollowEvents(ApiClient& api, const std::string& path, const std::function<bool(const SseEvent&)>& on_event,
                    const FollowOptions& options = {});

}  // namespace paasmaker::cli
