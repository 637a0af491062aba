// Logging: one process-wide logger (spdlog), configured once at start-up.
//
// Use PM_LOG_INFO("node {} registered", uuid). Never log secrets: tokens,
// API keys, passwords and service credentials stay out of every message.
// Thread safe.
//
// Two line formats (NodeConfig::log_format):
//   text  2026-12-03 20:16:46.123 info message            (the default)
//   json  {"time":"2026-12-03T20:16:46.123Z","level":"info","node":"web-1",
//          "component":"heart","message":"...","job_id":"..."}
// A JSON line always has time (RFC 3339, UTC, milliseconds), level, node,
// component and message; node_uuid once the node knows it (SetNodeUuid),
// and job_id / application_id / version_id / instance_id when the logging
// thread has them attached (Scope). The component is the source folder of
// the PM_LOG_* call (src/heart/... → "heart", src/router/stats/... →
// "router.stats"), so no call site names it.
#pragma once

#include <spdlog/spdlog.h>

#include <chrono>
#include <string>

#include "core/status.h"

namespace paasmaker::log {

struct Options {
  std::string level = "info";   // debug, info, warning, error
  std::string file;             // also written here when not empty; stderr always
  std::string format = "text";  // text or json
  std::string node;             // the node's name, in every JSON line
};

// Sets up the process-wide logger. Errors: an unknown level or format, a
// log file that cannot be opened.
Status Configure(const Options& options);
Status Configure(const std::string& level, const std::string& file = "");

// True if `level` is a level name Configure accepts.
bool IsValidLevel(const std::string& level);
// True if `format` is "text" or "json".
bool IsValidFormat(const std::string& format);

// The node's UUID, added to every JSON line from now on (it is known only
// after the node registered).
void SetNodeUuid(const std::string& uuid);

// Ids a log line is about. Empty ones are left out of the line.
struct Fields {
  std::string job_id;
  std::string application_id;
  std::string version_id;
  std::string instance_id;
};

// Attaches `fields` to every line this thread logs while the Scope lives
// (e.g. the job manager's worker while it runs a job); nested scopes add to
// and override the outer one, and the outer one is back when they end.
class Scope {
 public:
  explicit Scope(const Fields& fields);
  ~Scope();
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  Fields previous_;
};

// The fields attached to this thread now.
const Fields& CurrentFields();

// One log line as the JSON format writes it (pure; for the formatter and tests).
struct Record {
  std::chrono::system_clock::time_point time;
  std::string level;  // debug, info, warning, error
  std::string node;
  std::string node_uuid;  // "" while unknown
  std::string component;
  std::string message;
  Fields fields;
};
// The JSON object, one line, no trailing newline.
std::string FormatJsonLine(const Record& record);
// 2026-12-03T20:16:46.123Z
std::string Rfc3339Millis(std::chrono::system_clock::time_point time);
// The component of a source file: the folder below the last "src/", with its
// sub-folder when it has one ("…/src/router/stats/x.cc" → "router.stats");
// "paasmaker" when the path has no src/ folder (or is empty).
std::string ComponentOf(const char* source_file);

}  // namespace paasmaker::log

// Through SPDLOG_LOGGER_CALL so each line carries its source file: the JSON
// format derives the component from it.
#define PM_LOG_AT_(level, ...) SPDLOG_LOGGER_CALL(::spdlog::default_logger_raw(), level, __VA_ARGS__)
#define PM_LOG_DEBUG(...) PM_LOG_AT_(::spdlog::level::debug, __VA_ARGS__)
#define PM_LOG_INFO(...) PM_LOG_AT_(::spdlog::level::info, __VA_ARGS__)
#define PM_LOG_WARN(...) PM_LOG_AT_(::spdlog::level::warn, __VA_ARGS__)
#define PM_LOG_ERROR(...) PM_LOG_AT_(::spdlog::level::err, __VA_ARGS__)
