// StatsLine and StatsLineParser: one line of nginx's stats log (SPEC §4).
//
// The log is written by our own `log_format paasmaker_stats escape=json`
// (nginx_config.cc) with a fixed field order, so the parser matches the
// format literally instead of being a general JSON parser: this keeps a line
// at a few hundred nanoseconds and allocation free. Anything that does not
// match exactly (a torn line after a crash, an edited file, another format)
// is rejected, and the reader counts it as malformed.
//
//   {"time":<$msec>,"host":"<s>","status":<int>,"bytes":<int>,
//    "request_time":<s.mmm>,"upstream_response_time":"<list>",
//    "served_by":"<version type> <node> <instance>"}
//
// served_by "-" marks the router's own health checks: well formed, but not
// traffic (`health_check`).
//
// Thread safety: stateless functions; StatsLine views point into the caller's
// buffer and live as long as it does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace paasmaker::router::stats {

struct StatsLine {
  int64_t time_ms = 0;            // $msec: milliseconds since the epoch
  std::string_view host;          // still JSON-escaped (see `escaped`)
  int status = 0;                 // 100..599
  int64_t bytes = 0;              // $body_bytes_sent
  int64_t request_time_ms = 0;    // $request_time: nginx's whole handling time
  // $upstream_response_time summed over every try (a retried request lists
  // several); -1 when no upstream answered (no route, health pages), also
  // when nginx lists the failed cached-route try of a page.
  int64_t upstream_time_ms = -1;
  // From served_by: "null" when no route matched, "" (all three) when nginx
  // answered before the router's Lua ran.
  std::string_view version_type;
  std::string_view node;
  std::string_view instance;
  // served_by was "-": a router health check, which counts nowhere.
  bool health_check = false;
  // True when a string field holds a backslash escape; use Unescape() then.
  // Ids written by the pacemaker never do, so the common path never copies.
  bool escaped = false;
};

class StatsLineParser {
 public:
  // Parses `line` (without its '\n'). False when the line is malformed;
  // `out` is then unspecified.
  static bool Parse(std::string_view line, StatsLine* out);

  // Decodes the escapes escape=json writes (\" \\ \/ \b \f \n \r \t \uXXXX)
  // of a string field Parse accepted, appending to `out` (UTF-8).
  static void Unescape(std::string_view raw, std::string* out);
};

}  // namespace paasmaker::router::stats
