#include "core/log.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>
#include <mutex>
#include <vector>

namespace paasmaker::log {

namespace {

bool ParseLevel(const std::string& name, spdlog::level::level_enum* level) {
  if (name == "debug") *level = spdlog::level::debug;
  else if (name == "info") *level = spdlog::level::info;
  else if (name == "warning" || name == "warn") *level = spdlog::level::warn;
  else if (name == "error") *level = spdlog::level::err;
  else return false;
  return true;
}

// Our level names (the config's), not spdlog's ("warning", not "warn").
const char* LevelName(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug: return "debug";
    case spdlog::level::info: return "info";
    case spdlog::level::warn: return "warning";
    default: return "error";
  }
}

thread_local Fields current_fields;

// The node as every JSON line names it. The uuid arrives later, from the
// registration thread, while other threads log.
struct NodeNames {
  std::mutex mutex;
  std::string name;
  std::string uuid;
};
NodeNames& Node() {
  static NodeNames names;
  return names;
}

class JsonFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    Record record;
    record.time = msg.time;
    record.level = LevelName(msg.level);
    {
      std::lock_guard<std::mutex> lock(Node().mutex);
      record.node = Node().name;
      record.node_uuid = Node().uuid;
    }
    record.component = ComponentOf(msg.source.filename);
    record.message.assign(msg.payload.data(), msg.payload.size());
    record.fields = current_fields;  // sinks format on the logging thread (a synchronous logger)
    std::string line = FormatJsonLine(record);
    line.push_back('\n');
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

}  // namespace

bool IsValidLevel(const std::string& level) {
  spdlog::level::level_enum unused;
  return ParseLevel(level, &unused);
}

bool IsValidFormat(const std::string& format) { return format == "text" || format == "json"; }

Status Configure(const std::string& level, const std::string& file) {
  Options options;
  options.level = level;
  options.file = file;
  return Configure(options);
}

Status Configure(const Options& options) {
  spdlog::level::level_enum parsed;
  if (!ParseLevel(options.level, &parsed)) return InvalidArgument("unknown log level '" + options.level + "'");
  if (!IsValidFormat(options.format)) {
    return InvalidArgument("unknown log format '" + options.format + "' (text or json)");
  }
  std::vector<spdlog::sink_ptr> sinks;
  sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  if (!options.file.empty()) {
    try {
      sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(options.file));
    } catch (const spdlog::spdlog_ex& e) {
      return IoError(std::string("opening log file: ") + e.what());
    }
  }
  {
    std::lock_guard<std::mutex> lock(Node().mutex);
    Node().name = options.node;
  }
  auto logger = std::make_shared<spdlog::logger>("paasmaker", sinks.begin(), sinks.end());
  logger->set_level(parsed);
  if (options.format == "json") {
    logger->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
  }
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
  return Status::Ok();
}

void SetNodeUuid(const std::string& uuid) {
  std::lock_guard<std::mutex> lock(Node().mutex);
  Node().uuid = uuid;
}

Scope::Scope(const Fields& fields) : previous_(current_fields) {
  if (!fields.job_id.empty()) current_fields.job_id = fields.job_id;
  if (!fields.application_id.empty()) current_fields.application_id = fields.application_id;
  if (!fields.version_id.empty()) current_fields.version_id = fields.version_id;
  if (!fields.instance_id.empty()) current_fields.instance_id = fields.instance_id;
}

Scope::~Scope() { current_fields = previous_; }

const Fields& CurrentFields() { return current_fields; }

std::string Rfc3339Millis(std::chrono::system_clock::time_point time) {
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  int rest = static_cast<int>(millis % 1000);
  if (rest < 0) {  // before 1970: floor, not truncate
    rest += 1000;
    --seconds;
  }
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char text[40];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &utc);
  char out[48];
  std::snprintf(out, sizeof(out), "%s.%03dZ", text, rest);
  return out;
}

std::string FormatJsonLine(const Record& record) {
  nlohmann::ordered_json line;
  line["time"] = Rfc3339Millis(record.time);
  line["level"] = record.level;
  line["node"] = record.node;
  if (!record.node_uuid.empty()) line["node_uuid"] = record.node_uuid;
  line["component"] = record.component;
  line["message"] = record.message;
  const Fields& f = record.fields;
  if (!f.job_id.empty()) line["job_id"] = f.job_id;
  if (!f.application_id.empty()) line["application_id"] = f.application_id;
  if (!f.version_id.empty()) line["version_id"] = f.version_id;
  if (!f.instance_id.empty()) line["instance_id"] = f.instance_id;
  // A message is not always valid UTF-8 (a process's output, a path):
  // replace bad bytes rather than throw from inside the logger.
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string ComponentOf(const char* source_file) {
  if (source_file == nullptr) return "paasmaker";
  std::string path = source_file;
  size_t at = path.rfind("/src/");
  size_t start;
  if (at != std::string::npos) {
    start = at + 5;
  } else if (path.rfind("src/", 0) == 0) {
    start = 4;
  } else {
    return "paasmaker";
  }
  std::string rest = path.substr(start);
  size_t first = rest.find('/');
  if (first == std::string::npos) return "paasmaker";  // a file directly in src/
  std::string component = rest.substr(0, first);
  size_t second = rest.find('/', first + 1);
  if (second != std::string::npos) component += "." + rest.substr(first + 1, second - first - 1);
  return component;
}

}  // namespace paasmaker::log
