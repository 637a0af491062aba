// Logging: one process-wide logger (spdlog), configured once at start-up.
//
// Use PM_LOG_INFO("node {} registered", uuid). Never log secrets: tokens,
// API keys, passwords and service credentials stay out of every message.
// Thread safe.
#pragma once

#include <spdlog/spdlog.h>

#include <string>

#include "core/status.h"

namespace paasmaker::log {

// Sets the level ("debug", "info", "warning", "error") and, when `file` is not
// empty, also writes to that file. Output always goes to stderr.
Status Configure(const std::string& level, const std::string& file = "");

// True if `level` is a level name Configure accepts.
bool IsValidLevel(const std::string& level);

}  // namespace paasmaker::log

#define PM_LOG_DEBUG(...) ::spdlog::debug(__VA_ARGS__)
#define PM_LOG_INFO(...) ::spdlog::info(__VA_ARGS__)
#define PM_LOG_WARN(...) ::spdlog::warn(__VA_ARGS__)
#define PM_LOG_ERROR(...) ::spdlog::error(__VA_ARGS__)
