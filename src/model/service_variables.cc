#include "model/service_variables.h"

#include <cctype>

namespace paasmaker::model {

namespace {

std::string VariableName(const std::string& service_name) {
  std::string out = "PM_SERVICE_";
  for (char c : service_name) {
    out += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                                                        : '_';
  }
  return out + "_URL";
}

bool IsSqlDatabase(const nlohmann::json& entry) {
  if (!entry.contains("provider") || !entry["provider"].is_string()) return false;
  const std::string provider = entry["provider"].get<std::string>();
  return provider.find("postgres") != std::string::npos || provider.find("mysql") != std::string::npos;
}

}  // namespace

std::map<std::string, std::string> ServiceVariables(const nlohmann::json& services) {
  std::map<std::string, std::string> env;
  if (!services.is_object()) return env;
  // nlohmann::json objects iterate in key order: "first" is by name.
  for (const auto& [name, entry] : services.items()) {
    if (!entry.is_object() || !entry.contains("url") || !entry["url"].is_string()) continue;
    const std::string url = entry["url"].get<std::string>();
    env[VariableName(name)] = url;
    if (env.count("DATABASE_URL") == 0 && IsSqlDatabase(entry)) env["DATABASE_URL"] = url;
  }
  return env;
}

}  // namespace paasmaker::model
