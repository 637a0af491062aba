// Output helpers shared by the client commands: aligned text tables, pretty
// JSON, and lenient reads of fields from server JSON.
//
// The field readers never throw: a server that sends a number where a string
// was expected, or leaves a field out, gets a best-effort rendering rather
// than a crash of the CLI.
#pragma once

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace paasmaker::cli {

// Rows of cells printed under a header with columns padded to line up.
class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

  void AddRow(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
  bool empty() const { return rows_.empty(); }

  // Two spaces between columns; the last column is not padded.
  void Print(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// `label: value` lines with the labels padded to one width (for `show`).
class DetailList {
 public:
  void Add(std::string label, std::string value) { items_.emplace_back(std::move(label), std::move(value)); }
  void Print(std::ostream& out) const;

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

// Two-space indented JSON and a newline; invalid UTF-8 is replaced, not fatal.
void PrintJson(std::ostream& out, const nlohmann::json& value);

// `object[key]` as display text: strings as is, numbers and booleans
// printed, null or missing as `fallback`.
std::string Text(const nlohmann::json& object, const std::string& key, const std::string& fallback = "");

// `object[key]` as a number, or `fallback` when missing or not a number.
double Number(const nlohmann::json& object, const std::string& key, double fallback = 0);

// `object[key]` as an array or an object; an empty array when it is neither.
const nlohmann::json& Child(const nlohmann::json& object, const std::string& key);

// An array of strings as "a,b,c"; an object as "k=v,k2=v2".
std::string JoinList(const nlohmann::json& value, const std::string& separator = ",");

// How long ago a unix time was, relative to `now`: "12s ago", "5m ago",
// "3h ago", "2d ago"; "never" for 0 or missing.
std::string FormatAgo(double unix_seconds, double now_unix_seconds);

// A unix time as local "YYYY-MM-DD HH:MM:SS"; "-" for 0.
std::string FormatTime(double unix_seconds);

// The current unix time in seconds.
double NowUnixSeconds();

}  // namespace paasmaker::cli
