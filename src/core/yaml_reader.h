// Strict YAML reading for configuration files.
//
// A YamlSection walks one mapping: each typed getter reads one key (leaving
// the output untouched when the key is absent, so outputs carry defaults),
// and Finish() reports every key nobody asked for. Problems are collected, not
// thrown, each naming the file, line and full key path:
//   node.yml:7: redis.table.port: expected an integer, got "abc"
//   node.yml:3: unknown key "http_prot"
// Thread safety: a reader and its sections belong to one thread.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"

namespace paasmaker::yaml {

class YamlSection;

// Collected problems of one document.
class Problems {
 public:
  void Add(const std::string& where, const std::string& message) { list_.push_back(where + ": " + message); }
  bool empty() const { return list_.empty(); }
  const std::vector<std::string>& list() const { return list_; }
  // One InvalidArgument listing every problem, or OK.
  Status ToStatus(const std::string& what) const;

 private:
  std::vector<std::string> list_;
};

class YamlDocument {
 public:
  // Parses `text`; `source` names it in messages (a file path). A syntax
  // error is returned with its line.
  static Result<std::shared_ptr<YamlDocument>> Parse(const std::string& text, const std::string& source);
  static Result<std::shared_ptr<YamlDocument>> LoadFile(const std::string& path);

  // The top-level mapping (an empty document reads as an empty mapping).
  YamlSection Root();
  Problems& problems() { return problems_; }
  const std::string& source() const { return source_; }

 private:
  YAML::Node root_;
  std::string source_;
  Problems problems_;
};

class YamlSection {
 public:
  YamlSection(YAML::Node node, std::string path, YamlDocument* doc);

  bool Has(const std::string& key) const;
  void String(const std::string& key, std::string* out);
  void Int(const std::string& key, int* out, int min = INT32_MIN, int max = INT32_MAX);
  void Double(const std::string& key, double* out, double min = -1e300, double max = 1e300);
  void Bool(const std::string& key, bool* out);
  void StringList(const std::string& key, std::vector<std::string>* out);
  void StringMap(const std::string& key, std::map<std::string, std::string>* out);
  // A raw node for callers that parse a key themselves (marks it as known).
  YAML::Node Raw(const std::string& key);
  // A nested mapping; absent → an empty section. Not a mapping → a problem.
  YamlSection Section(const std::string& key);
  // Each element of a list of mappings.
  std::vector<YamlSection> SectionList(const std::string& key);

  // Reports keys of this mapping no getter asked for.
  void Finish();

  // "file:line" of this section, or of `key` within it.
  std::string Where(const std::string& key = "") const;
  std::string KeyPath(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  void AddProblem(const std::string& key, const std::string& message);

 private:
  YAML::Node Lookup(const std::string& key);
  YAML::Node node_;
  std::string path_;
  YamlDocument* doc_;
  std::set<std::string> known_;
};

}  // namespace paasmaker::yaml
