// The text exposition format 0.0.4, the parts every family shares:
// https://prometheus.io/docs/instrumenting/exposition_formats/
#include <charconv>
#include <cmath>

#include "metrics/metrics.h"

namespace paasmaker::metrics::text {

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Shortest form that parses back to the same double; integers come out
  // without a fraction ("3", not "3.000000"), as Prometheus' own clients write.
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (error != std::errc()) return "NaN";  // cannot happen: 64 bytes hold any double
  return std::string(buffer, end);
}

namespace {

std::string Escape(const std::string& value, bool quotes) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

bool IsNameChar(char c, bool first, bool colon) {
  bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
  return letter || (!first && c >= '0' && c <= '9');
}

bool IsName(const std::string& name, bool colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    if (!IsNameChar(name[i], i == 0, colon)) return false;
  }
  return true;
}

}  // namespace

std::string EscapeLabelValue(const std::string& value) { return Escape(value, true); }

std::string EscapeHelp(const std::string& help) { return Escape(help, false); }

std::string LabelSet(const Labels& labels, const std::string& extra_name, const std::string& extra_value) {
  if (labels.empty() && extra_name.empty()) return "";
  std::string out = "{";
  bool first = true;
  auto add = [&](const std::string& name, const std::string& value) {
    if (!first) out += ',';
    first = false;
    out += name;
    out += "=\"";
    out += EscapeLabelValue(value);
    out += '"';
  };
  for (const auto& [name, value] : labels) add(name, value);
  if (!extra_name.empty()) add(extra_name, extra_value);
  out += '}';
  return out;
}

void AppendHeader(std::string* out, const std::string& name, const std::string& help, const char* type) {
  *out += "# HELP " + name + " " + EscapeHelp(help) + "\n";
  *out += "# TYPE " + name + " " + type + "\n";
}

bool IsMetricName(const std::string& name) { return IsName(name, true); }

bool IsLabelName(const std::string& name) { return IsName(name, false) && name.rfind("__", 0) != 0; }

}  // namespace paasmaker::metrics::text
