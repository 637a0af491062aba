#include "config/health_groups.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>

namespace paasmaker::config {

namespace {

bool IsKnownCheck(const std::string& name) {
  return std::any_of(kHealthCheckPlugins.begin(), kHealthCheckPlugins.end(),
                     [&](const char* known) { return name == known; });
}

std::string KnownChecks() {
  std::string list;
  for (const char* name : kHealthCheckPlugins) list += (list.empty() ? "" : ", ") + std::string(name);
  return list;
}

// A plain scalar as YAML 1.2's core schema types it.
nlohmann::json PlainScalar(const std::string& text) {
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return nullptr;
  char* end = nullptr;
  long long integer = std::strtoll(text.c_str(), &end, 10);
  if (end != text.c_str() && *end == '\0') return integer;
  double number = std::strtod(text.c_str(), &end);
  if (end != text.c_str() && *end == '\0') return number;
  return text;
}

void ReadCheck(yaml::YamlSection& s, HealthCheckConfig* check) {
  s.String("plugin", &check->plugin);
  if (check->plugin.empty()) {
    s.AddProblem("plugin", "is required (one of " + KnownChecks() + ")");
  } else if (!IsKnownCheck(check->plugin)) {
    s.AddProblem("plugin", "unknown health check \"" + check->plugin + "\"; known: " + KnownChecks());
  }
  if (!s.Has("order")) s.AddProblem("order", "is required (an integer; lower orders run first)");
  s.Int("order", &check->order, 0, 1000000);
  YAML::Node parameters = s.Raw("parameters");
  if (parameters && !parameters.IsNull()) {
    if (!parameters.IsMap()) {
      s.AddProblem("parameters", "expected a mapping");
    } else {
      check->parameters = YamlToJson(parameters);
    }
  }
  s.Finish();
}

}  // namespace

nlohmann::json YamlToJson(const YAML::Node& node) {
  if (!node || node.IsNull()) return nullptr;
  if (node.IsScalar()) {
    // "!" is yaml-cpp's tag for a quoted scalar: the author meant a string.
    if (node.Tag() == "!") return node.Scalar();
    return PlainScalar(node.Scalar());
  }
  if (node.IsSequence()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& item : node) list.push_back(YamlToJson(item));
    return list;
  }
  nlohmann::json object = nlohmann::json::object();
  for (const auto& item : node) object[item.first.Scalar()] = YamlToJson(item.second);
  return object;
}

void ReadHealthGroups(yaml::YamlSection& section, const std::string& key, std::vector<HealthGroupConfig>* out) {
  std::set<std::string> names;
  for (auto& g : section.SectionList(key)) {
    HealthGroupConfig group;
    g.String("name", &group.name);
    if (group.name.empty()) {
      g.AddProblem("name", "is required");
    } else if (!names.insert(group.name).second) {
      g.AddProblem("name", "duplicate group name \"" + group.name + "\"");
    }
    g.String("title", &group.title);
    // NaN until read, so a value that is not a number gets one problem, not two.
    double period = std::nan("");
    if (!g.Has("period")) g.AddProblem("period", "is required (seconds between runs)");
    g.Double("period", &period);
    if (!std::isnan(period) && period <= 0) g.AddProblem("period", "must be above 0 seconds");
    group.period_seconds = std::isnan(period) ? 0 : period;
    for (auto& c : g.SectionList("plugins")) {
      HealthCheckConfig check;
      ReadCheck(c, &check);
      group.checks.push_back(std::move(check));
    }
    if (!g.Has("plugins")) g.AddProblem("plugins", "is required (a list of {plugin, order, parameters})");
    g.Finish();
    out->push_back(std::move(group));
  }
}

}  // namespace paasmaker::config
