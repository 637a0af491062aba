#include "cli/output.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace paasmaker::cli {

using nlohmann::json;

void Table::Print(std::ostream& out) const {
  std::vector<size_t> widths(headers_.size(), 0);
  auto measure = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i >= widths.size()) widths.push_back(0);
      widths[i] = std::max(widths[i], cells[i].size());
    }
  };
  measure(headers_);
  for (const auto& row : rows_) measure(row);

  auto print_row = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t i = 0; i < cells.size(); ++i) {
      line += cells[i];
      if (i + 1 < cells.size()) line += std::string(widths[i] - cells[i].size() + 2, ' ');
    }
    out << line << "\n";
  };
  print_row(headers_);
  for (const auto& row : rows_) print_row(row);
}

void DetailList::Print(std::ostream& out) const {
  size_t width = 0;
  for (const auto& [label, value] : items_) width = std::max(width, label.size());
  for (const auto& [label, value] : items_) {
    out << label << ":" << std::string(width - label.size() + 1, ' ') << value << "\n";
  }
}

void PrintJson(std::ostream& out, const json& value) {
  out << value.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

namespace {

std::string Scalar(const json& value, const std::string& fallback) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return fallback;
  if (value.is_number_float()) {
    // Whole numbers print without a fraction: a port sent as 42500.0 is 42500.
    double d = value.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15) {
      return std::to_string(static_cast<long long>(d));
    }
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), "%.6g", d);
    return buffer;
  }
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

std::string Text(const json& object, const std::string& key, const std::string& fallback) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  if (it == object.end()) return fallback;
  return Scalar(*it, fallback);
}

double Number(const json& object, const std::string& key, double fallback) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return fallback;
  return it->get<double>();
}

const json& Child(const json& object, const std::string& key) {
  static const json kEmpty = json::array();
  if (!object.is_object()) return kEmpty;
  auto it = object.find(key);
  if (it == object.end() || !(it->is_array() || it->is_object())) return kEmpty;
  return *it;
}

std::string JoinList(const json& value, const std::string& separator) {
  std::string joined;
  auto append = [&](const std::string& item) {
    if (!joined.empty()) joined += separator;
    joined += item;
  };
  if (value.is_array()) {
    for (const auto& item : value) append(Scalar(item, ""));
  } else if (value.is_object()) {
    for (const auto& [k, v] : value.items()) append(k + "=" + Scalar(v, ""));
  } else if (!value.is_null()) {
    append(Scalar(value, ""));
  }
  return joined;
}

std::string FormatAgo(double unix_seconds, double now_unix_seconds) {
  if (unix_seconds <= 0) return "never";
  double delta = now_unix_seconds - unix_seconds;
  // Clocks of two machines differ a little; a time slightly ahead is "now".
  if (delta < 1) return "just now";
  auto whole = static_cast<long long>(delta);
  if (whole < 60) return std::to_string(whole) + "s ago";
  if (whole < 3600) return std::to_string(whole / 60) + "m ago";
  if (whole < 86400) return std::to_string(whole / 3600) + "h ago";
  return std::to_string(whole / 86400) + "d ago";
}

std::string FormatTime(double unix_seconds) {
  if (unix_seconds <= 0) return "-";
  auto t = static_cast<std::time_t>(unix_seconds);
  std::tm local{};
  localtime_r(&t, &local);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%d %H:%M:%S", &local);
  return buffer;
}

double NowUnixSeconds() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

}  // namespace paasmaker::cli
