#include "core/log.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

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
}  // namespace

bool IsValidLevel(const std::string& level) {
  spdlog::level::level_enum unused;
  return ParseLevel(level, &unused);
}

Status Configure(const std::string& level, const std::string& file) {
  spdlog::level::level_enum parsed;
  if (!ParseLevel(level, &parsed)) return InvalidArgument("unknown log level '" + level + "'");
  std::vector<spdlog::sink_ptr> sinks;
  sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  if (!file.empty()) {
    try {
      sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(file));
    } catch (const spdlog::spdlog_ex& e) {
      return IoError(std::string("opening log file: ") + e.what());
    }
  }
  auto logger = std::make_shared<spdlog::logger>("paasmaker", sinks.begin(), sinks.end());
  logger->set_level(parsed);
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
  return Status::Ok();
}

}  // namespace paasmaker::log
