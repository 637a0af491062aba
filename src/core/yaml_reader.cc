#include "core/yaml_reader.h"

#include <fstream>
#include <sstream>

#include "core/files.h"

namespace paasmaker::yaml {

Status Problems::ToStatus(const std::string& what) const {
  if (list_.empty()) return Status::Ok();
  std::string message = what + ":";
  for (const auto& p : list_) message += "\n  " + p;
  return InvalidArgument(message);
}

Result<std::shared_ptr<YamlDocument>> YamlDocument::Parse(const std::string& text, const std::string& source) {
  auto doc = std::shared_ptr<YamlDocument>(new YamlDocument());
  doc->source_ = source;
  try {
    doc->root_ = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(source + ":" + std::to_string(e.mark.line + 1) + ": YAML syntax error: " + e.msg);
  }
  if (doc->root_.IsNull()) doc->root_ = YAML::Node(YAML::NodeType::Map);
  if (!doc->root_.IsMap()) {
    return InvalidArgument(source + ":" + std::to_string(doc->root_.Mark().line + 1) +
                           ": the document must be a mapping of keys to values");
  }
  return doc;
}

Result<std::shared_ptr<YamlDocument>> YamlDocument::LoadFile(const std::string& path) {
  PM_ASSIGN_OR_RETURN(std::string text, files::ReadFile(path));
  return Parse(text, path);
}

YamlSection YamlDocument::Root() { return YamlSection(root_, "", this); }

YamlSection::YamlSection(YAML::Node node, std::string path, YamlDocument* doc)
    : node_(std::move(node)), path_(std::move(path)), doc_(doc) {}

std::string YamlSection::Where(const std::string& key) const {
  int line = node_.Mark().line;
  if (!key.empty() && node_.IsMap()) {
    for (const auto& item : node_) {
      if (item.first.Scalar() == key) {
        line = item.first.Mark().line;
        break;
      }
    }
  }
  return doc_->source() + ":" + std::to_string(line < 0 ? 1 : line + 1);
}

void YamlSection::AddProblem(const std::string& key, const std::string& message) {
  doc_->problems().Add(Where(key), KeyPath(key) + ": " + message);
}

bool YamlSection::Has(const std::string& key) const {
  if (!node_.IsMap()) return false;
  const YAML::Node& map = node_;  // const: operator[] must not insert the key
  YAML::Node value = map[key];
  return value.IsDefined() && !value.IsNull();
}

// Absent keys and explicit nulls read as an invalid node (operator! is true),
// so getters keep their defaults.
YAML::Node YamlSection::Lookup(const std::string& key) {
  known_.insert(key);
  if (!Has(key)) return YAML::Node(YAML::NodeType::Undefined);
  const YAML::Node& map = node_;
  return map[key];
}

namespace {
std::string Quote(const YAML::Node& n) {
  if (n.IsScalar()) return "\"" + n.Scalar() + "\"";
  if (n.IsMap()) return "a mapping";
  if (n.IsSequence()) return "a list";
  return "nothing";
}
}  // namespace

void YamlSection::String(const std::string& key, std::string* out) {
  YAML::Node v = Lookup(key);
  if (!v) return;
  if (!v.IsScalar()) return AddProblem(key, "expected a string, got " + Quote(v));
  *out = v.Scalar();
}

void YamlSection::Int(const std::string& key, int* out, int min, int max) {
  YAML::Node v = Lookup(key);
  if (!v) return;
  int value;
  if (!v.IsScalar() || !YAML::convert<int>::decode(v, value)) {
    return AddProblem(key, "expected an integer, got " + Quote(v));
  }
  if (value < min || value > max) {
    return AddProblem(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) +
                               ", got " + std::to_string(value));
  }
  *out = value;
}

void YamlSection::Double(const std::string& key, double* out, double min, double max) {
  YAML::Node v = Lookup(key);
  if (!v) return;
  double value;
  if (!v.IsScalar() || !YAML::convert<double>::decode(v, value)) {
    return AddProblem(key, "expected a number, got " + Quote(v));
  }
  if (value < min || value > max) {
    std::ostringstream m;
    m << "must be between " << min << " and " << max << ", got " << value;
    return AddProblem(key, m.str());
  }
  *out = value;
}

void YamlSection::Bool(const std::string& key, bool* out) {
  YAML::Node v = Lookup(key);
  if (!v) return;
  bool value;
  if (!v.IsScalar() || !YAML::convert<bool>::decode(v, value)) {
    return AddProblem(key, "expected true or false, got " + Quote(v));
  }
  *out = value;
}

void YamlSection::StringList(const std::string& key, std::vector<std::string>* out) {
  YAML::Node v = Lookup(key);
  if (!v) return;
  if (!v.IsSequence()) return AddProblem(key, "expected a list, got " + Quote(v));
  std::vector<std::string> values;
  for (const auto& item : v) {
    if (!item.IsScalar()) return AddProblem(key, "expected a list of strings");
    values.push_back(item.Scalar());
  }
  *out = std::move(values);
}

void YamlSection::StringMap(const std::string& key, std::map<std::string, std::string>* out) {
  YAML::Node v = Lookup(key);
  if (!v) return;
  if (!v.IsMap()) return AddProblem(key, "expected a mapping, got " + Quote(v));
  std::map<std::string, std::string> values;
  for (const auto& item : v) {
    if (!item.second.IsScalar()) {
      return AddProblem(key + "." + item.first.Scalar(), "expected a string, got " + Quote(item.second));
    }
    values[item.first.Scalar()] = item.second.Scalar();
  }
  *out = std::move(values);
}

YAML::Node YamlSection::Raw(const std::string& key) { return Lookup(key); }

YamlSection YamlSection::Section(const std::string& key) {
  YAML::Node v = Lookup(key);
  if (!v) return YamlSection(YAML::Node(YAML::NodeType::Map), KeyPath(key), doc_);
  if (!v.IsMap()) {
    AddProblem(key, "expected a mapping, got " + Quote(v));
    return YamlSection(YAML::Node(YAML::NodeType::Map), KeyPath(key), doc_);
  }
  return YamlSection(v, KeyPath(key), doc_);
}

std::vector<YamlSection> YamlSection::SectionList(const std::string& key) {
  std::vector<YamlSection> out;
  YAML::Node v = Lookup(key);
  if (!v) return out;
  if (!v.IsSequence()) {
    AddProblem(key, "expected a list, got " + Quote(v));
    return out;
  }
  for (size_t i = 0; i < v.size(); ++i) {
    std::string path = KeyPath(key) + "[" + std::to_string(i) + "]";
    if (!v[i].IsMap()) {
      doc_->problems().Add(doc_->source() + ":" + std::to_string(v[i].Mark().line + 1),
                           path + ": expected a mapping, got " + Quote(v[i]));
      continue;
    }
    out.emplace_back(v[i], path, doc_);
  }
  return out;
}

void YamlSection::Finish() {
  if (!node_.IsMap()) return;
  for (const auto& item : node_) {
    const std::string key = item.first.Scalar();
    if (known_.count(key) == 0) {
      doc_->problems().Add(doc_->source() + ":" + std::to_string(item.first.Mark().line + 1),
                           "unknown key \"" + KeyPath(key) + "\"");
    }
  }
}

}  // namespace paasmaker::yaml
