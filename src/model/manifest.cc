#include "model/manifest.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <memory>
#include <type_traits>

#include "core/yaml_reader.h"
#include "model/cron_spec.h"

namespace paasmaker::model {

const ManifestInstance* Manifest::FindInstance(const std::string& name) const {
  for (const auto& i : instances) {
    if (i.name == name) return &i;
  }
  return nullptr;
}

const ManifestService* Manifest::FindService(const std::string& name) const {
  for (const auto& s : services) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

PluginCatalog::PluginCatalog()
    // Language runtimes list no versions: theirs are the interpreters on
    // the hearts, matched at placement (model/runtime_versions.h).
    : runtimes{{kShellRuntime, {"1"}}, {kStaticRuntime, {"1"}}, {kPythonRuntime, {}}, {kNodeRuntime, {}},
               {kPhpRuntime, {}},   {kRubyRuntime, {}}},
      prepare{"paasmaker.prepare.shell"},
      startup{"paasmaker.startup.shell"},
      placement{kDefaultPlacementPlugin},
      services{"paasmaker.service.parameters", "paasmaker.service.filesystem", "paasmaker.service.managedredis",
               "paasmaker.service.postgres", "paasmaker.service.managedpostgres"} {}

PluginCatalog PluginCatalog::Empty() {
  PluginCatalog c;
  c.runtimes.clear();
  c.prepare.clear();
  c.startup.clear();
  c.placement.clear();
  c.services.clear();
  return c;
}

namespace {

using yaml::YamlDocument;
using yaml::YamlSection;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

template <typename Names>
std::string KnownList(const Names& names) {
  std::string out;
  for (const auto& n : names) {
    if constexpr (std::is_same_v<typename Names::value_type, std::string>) {
      out += (out.empty() ? "" : ", ") + n;
    } else {
      out += (out.empty() ? "" : ", ") + n.first;
    }
  }
  return out.empty() ? "none" : out;
}

// ^[-A-Za-z0-9.]+$, as the original.
bool ValidApplicationName(const std::string& s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
  });
}

// A DNS label (RFC 1123) in lower case: instance type and service names
// become parts of hostnames (`<type>.<app>.<stub>.<cluster>`).
bool ValidLabel(const std::string& s) {
  if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

// Why `host` (already lower-cased) is not a valid hostname, or "" when it is.
std::string HostnameProblem(const std::string& host) {
  std::string rest = host;
  if (rest.rfind("*.", 0) == 0) rest = rest.substr(2);
  if (rest.empty()) return "a wildcard needs a domain after \"*.\"";
  if (rest.size() > 253) return "longer than 253 characters";
  size_t start = 0;
  while (true) {
    const size_t dot = rest.find('.', start);
    const std::string label = rest.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (label.empty()) return "empty label (two dots in a row, or a leading or trailing dot)";
    if (label.find('*') != std::string::npos) return "a wildcard is only allowed as a leading \"*.\"";
    if (!ValidLabel(label)) {
      return "label " + Quoted(label) + " must be 1-63 letters, digits or '-', not starting or ending with '-'";
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return "";
}

// A plain YAML scalar's value under YAML 1.1 typing, as the original's
// PyYAML read it, so plugin parameters see numbers and booleans.
nlohmann::json ScalarToJson(const YAML::Node& node) {
  if (node.IsNull()) return nullptr;
  const std::string& s = node.Scalar();
  if (node.Tag() != "?") return s;  // quoted, block literal or explicitly tagged: text
  static const std::set<std::string> kTrue = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
  static const std::set<std::string> kFalse = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"};
  static const std::set<std::string> kNull = {"", "~", "null", "Null", "NULL"};
  if (kNull.count(s)) return nullptr;
  if (kTrue.count(s)) return true;
  if (kFalse.count(s)) return false;
  const char* begin = s.c_str();
  char* end = nullptr;
  const bool looks_numeric = std::isdigit(static_cast<unsigned char>(s.back())) || s.back() == '.';
  if (looks_numeric && s.find_first_not_of("+-0123456789") == std::string::npos) {
    errno = 0;
    const long long v = std::strtoll(begin, &end, 10);
    if (*end == '\0' && errno == 0) return v;
  }
  if (looks_numeric && s.find_first_not_of("+-0123456789.eE") == std::string::npos) {
    const double v = std::strtod(begin, &end);
    if (*end == '\0') return v;
  }
  return s;
}

std::string Line(const YAML::Node& node) { return std::to_string(std::max(node.Mark().line, 0) + 1); }

class ManifestReader {
 public:
  ManifestReader(YamlDocument* doc, const PluginCatalog& known) : doc_(doc), known_(known) {}

  Manifest Read() {
    Manifest m;
    YamlSection root = doc_->Root();
    ReadFormat(root);
    if (RequireKey(root, "application", "a mapping with at least a name")) {
      ReadApplication(root.Section("application"), &m.application);
    } else {
      root.Section("application");
    }
    ReadInstances(root, &m);
    ReadServices(root, &m);
    root.Finish();
    return m;
  }

 private:
  void Problem(const YAML::Node& at, const std::string& path, const std::string& message) {
    doc_->problems().Add(doc_->source() + ":" + Line(at), path + ": " + message);
  }

  bool RequireKey(YamlSection& s, const std::string& key, const std::string& what = "") {
    if (s.Has(key)) return true;
    s.AddProblem(key, what.empty() ? "is required" : "is required (" + what + ")");
    return false;
  }

  void ReadFormat(YamlSection& root) {
    if (!RequireKey(root, "manifest", "manifest: {format: 1}")) {
      root.Section("manifest");
      return;
    }
    YamlSection s = root.Section("manifest");
    int format = INT_MIN;  // untouched when absent or not an integer (already reported)
    if (RequireKey(s, "format", "1")) s.Int("format", &format);
    if (format != INT_MIN && format != 1) {
      s.AddProblem("format", "unsupported format " + std::to_string(format) + "; this version reads format 1");
    }
    s.Finish();
  }

  // Converts any YAML value to JSON; mapping keys must be scalars.
  nlohmann::json ToJson(const YAML::Node& node, const std::string& path) {
    if (node.IsMap()) {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& item : node) {
        if (!item.first.IsScalar()) {
          Problem(item.first, path, "mapping keys must be plain strings");
          continue;
        }
        const std::string key = item.first.Scalar();
        out[key] = ToJson(item.second, path + "." + key);
      }
      return out;
    }
    if (node.IsSequence()) {
      nlohmann::json out = nlohmann::json::array();
      for (size_t i = 0; i < node.size(); ++i) out.push_back(ToJson(node[i], path + "[" + std::to_string(i) + "]"));
      return out;
    }
    if (node.IsScalar() || node.IsNull()) return ScalarToJson(node);
    return nullptr;
  }

  // A free-form mapping (plugin parameters, tags); absent or null reads as {}.
  nlohmann::json Mapping(YamlSection& s, const std::string& key) {
    YAML::Node node = s.Raw(key);
    if (!node) return nlohmann::json::object();
    if (!node.IsMap()) {
      s.AddProblem(key, "expected a mapping of names to values");
      return nlohmann::json::object();
    }
    return ToJson(node, s.KeyPath(key));
  }

  // Reads `plugin` and checks it is in `known`.
  void CheckPlugin(YamlSection& s, const std::string& plugin, const std::set<std::string>& known,
                   const std::string& kind) {
    if (plugin.empty()) {
      RequireKey(s, "plugin");
    } else if (known.count(plugin) == 0) {
      s.AddProblem("plugin", "no such " + kind + " " + Quoted(plugin) + " (known: " + KnownList(known) + ")");
    }
  }

  ManifestPlugin ReadPlugin(YamlSection s, const std::set<std::string>& known, const std::string& kind,
                            bool allow_label, const std::string& default_plugin = "") {
    ManifestPlugin p;
    p.plugin = default_plugin;
    s.String("plugin", &p.plugin);
    if (allow_label) s.String("name", &p.label);
    p.parameters = Mapping(s, "parameters");
    CheckPlugin(s, p.plugin, known, kind);
    s.Finish();
    return p;
  }

  std::vector<ManifestPlugin> ReadPluginList(YamlSection& s, const std::string& key,
                                             const std::set<std::string>& known, const std::string& kind) {
    std::vector<ManifestPlugin> out;
    for (auto& item : s.SectionList(key)) out.push_back(ReadPlugin(item, known, kind, /*allow_label=*/true));
    return out;
  }

  // A runtime: for an instance the plugin is required and its parameters must
  // say what to run; for prepare it is optional.
  ManifestRuntime ReadRuntime(YamlSection s, bool for_instance) {
    ManifestRuntime r;
    s.String("plugin", &r.plugin);
    s.String("version", &r.version);
    if (!for_instance) s.String("name", &r.label);
    r.parameters = Mapping(s, "parameters");
    if (r.plugin.empty()) {
      if (for_instance) RequireKey(s, "plugin");
      s.Finish();
      return r;
    }
    auto runtime = known_.runtimes.find(r.plugin);
    if (runtime == known_.runtimes.end()) {
      s.AddProblem("plugin", "no such runtime " + Quoted(r.plugin) + " (known: " + KnownList(known_.runtimes) + ")");
    } else if (runtime->second.empty()) {
      // Any version or prefix, or none (any version): matched against what
      // the hearts report, at placement.
    } else if (r.version.empty()) {
      RequireKey(s, "version", "versions of " + r.plugin + ": " + KnownList(runtime->second));
    } else if (std::find(runtime->second.begin(), runtime->second.end(), r.version) == runtime->second.end()) {
      s.AddProblem("version", "runtime " + r.plugin + " has no version " + Quoted(r.version) +
                                  " (it offers: " + KnownList(runtime->second) + ")");
    }
    if (for_instance && r.plugin == kShellRuntime) RequireTextParameter(s, r, "launch_command");
    if (for_instance && r.plugin == kStaticRuntime) RequireTextParameter(s, r, "document_root");
    s.Finish();
    return r;
  }

  // A parameter the runtime cannot start without, checked here so a bad
  // manifest fails at deploy time rather than on the first heart.
  void RequireTextParameter(YamlSection& s, const ManifestRuntime& r, const std::string& name) {
    auto it = r.parameters.find(name);
    std::string problem;
    if (it == r.parameters.end() || it->is_null()) {
      problem = "is required by " + r.plugin;
    } else if (!it->is_string() || it->get<std::string>().empty()) {
      problem = "must be a non-empty string";
    }
    if (problem.empty()) return;
    const std::string where = s.Has("parameters") ? s.Where("parameters") : s.Where("plugin");
    doc_->problems().Add(where, s.KeyPath("parameters." + name) + ": " + problem);
  }

  void ReadApplication(YamlSection s, ManifestApplication* app) {
    s.String("name", &app->name);
    if (RequireKey(s, "name") && !ValidApplicationName(app->name)) {
      s.AddProblem("name", Quoted(app->name) + " may only contain letters, digits, '-' and '.'");
    }
    app->tags = Mapping(s, "tags");
    YamlSection prepare = s.Section("prepare");
    if (prepare.Has("runtime")) {
      app->prepare.runtime = ReadRuntime(prepare.Section("runtime"), /*for_instance=*/false);
    } else {
      prepare.Raw("runtime");  // `runtime: null` means none, as in the original
    }
    app->prepare.commands = ReadPluginList(prepare, "commands", known_.prepare, "prepare plugin");
    prepare.Finish();
    s.Finish();
  }

  void ReadInstances(YamlSection& root, Manifest* m) {
    YAML::Node raw = root.Raw("instances");
    std::vector<YamlSection> list = root.SectionList("instances");
    if (!raw) {
      RequireKey(root, "instances", "a list of at least one instance type");
    } else if (raw.IsSequence() && raw.size() == 0) {
      root.AddProblem("instances", "must list at least one instance type");
    }
    std::map<std::string, std::string> names;      // name -> path of its first use
    std::map<std::string, std::string> hostnames;  // hostname -> path of its first use
    for (YamlSection& s : list) {
      ManifestInstance instance = ReadInstance(s, &hostnames);
      if (!instance.name.empty()) {
        auto [first, inserted] = names.emplace(instance.name, s.KeyPath("name"));
        if (!inserted) {
          s.AddProblem("name", "duplicate instance type name " + Quoted(instance.name) + " (also " + first->second + ")");
        }
      }
      m->instances.push_back(std::move(instance));
    }
  }

  ManifestInstance ReadInstance(YamlSection& s, std::map<std::string, std::string>* used_hostnames) {
    ManifestInstance in;
    s.String("name", &in.name);
    if (RequireKey(s, "name") && !ValidLabel(in.name)) {
      s.AddProblem("name", Quoted(in.name) +
                               " must be 1-63 lower-case letters, digits or '-', not starting or ending with '-' "
                               "(it becomes part of hostnames)");
    }
    const int unset = INT_MIN;
    int quantity = unset;
    s.Int("quantity", &quantity);
    if (quantity != unset && quantity < 0) {
      s.AddProblem("quantity", "must be 0 or more, got " + std::to_string(quantity));
    } else if (quantity != unset) {
      in.quantity = quantity;
    }
    if (RequireKey(s, "runtime", "{plugin, version, parameters}")) {
      in.runtime = ReadRuntime(s.Section("runtime"), /*for_instance=*/true);
    } else {
      s.Section("runtime");
    }
    in.startup = ReadPluginList(s, "startup", known_.startup, "startup plugin");
    if (s.Has("placement")) {
      in.placement = ReadPlugin(s.Section("placement"), known_.placement, "placement plugin", /*allow_label=*/false,
                                kDefaultPlacementPlugin);
    } else {
      s.Raw("placement");
      if (known_.placement.count(in.placement.plugin) == 0) {
        s.AddProblem("placement", "the default placement plugin " + in.placement.plugin + " is not available");
      }
    }
    s.Bool("exclusive", &in.exclusive);
    s.Bool("standalone", &in.standalone);
    ReadHostnames(s, &in, used_hostnames);
    ReadCrons(s, &in);
    s.Finish();
    return in;
  }

  void ReadHostnames(YamlSection& s, ManifestInstance* in, std::map<std::string, std::string>* used) {
    YAML::Node list = s.Raw("hostnames");
    if (!list) return;
    if (!list.IsSequence()) return s.AddProblem("hostnames", "expected a list of hostnames");
    if (in->standalone && list.size() > 0) {
      s.AddProblem("hostnames", "a standalone instance has no port, so it cannot be routed; "
                                "remove its hostnames or standalone");
    }
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string path = s.KeyPath("hostnames") + "[" + std::to_string(i) + "]";
      if (!list[i].IsScalar()) {
        Problem(list[i], path, "expected a hostname");
        continue;
      }
      const std::string host = Lower(list[i].Scalar());
      const std::string why = HostnameProblem(host);
      if (!why.empty()) {
        Problem(list[i], path, "not a valid hostname " + Quoted(list[i].Scalar()) + ": " + why);
        continue;
      }
      auto [first, inserted] = used->emplace(host, path);
      if (!inserted) {
        Problem(list[i], path, "hostname " + Quoted(host) + " is already used by " + first->second);
        continue;
      }
      in->hostnames.push_back(host);
    }
  }

  void ReadCrons(YamlSection& s, ManifestInstance* in) {
    std::vector<YamlSection> crons = s.SectionList("crons");
    if (in->standalone && !crons.empty()) {
      s.AddProblem("crons", "a standalone instance has no port, so a web cron cannot reach it");
    }
    for (YamlSection& c : crons) {
      ManifestCron cron;
      c.String("runspec", &cron.runspec);
      c.String("uri", &cron.uri);
      c.String("username", &cron.username);
      c.String("password", &cron.password);
      c.String("concurrency", &cron.concurrency);
      c.String("timezone", &cron.timezone);
      if (cron.concurrency != "forbid" && cron.concurrency != "allow") {
        c.AddProblem("concurrency", Quoted(cron.concurrency) + " is neither \"forbid\" (the default: a run waits for "
                                    "none, and is skipped while the previous one runs) nor \"allow\"");
      }
      if (RequireKey(c, "runspec", "a cron spec like \"*/5 * * * *\" (or 6 fields, seconds first)")) {
        auto spec = CronSpec::Parse(cron.runspec, cron.timezone);
        if (!spec.ok()) {
          bool zone = spec.status().message().rfind("unknown time zone", 0) == 0;
          c.AddProblem(zone ? "timezone" : "runspec", spec.status().message());
        }
      }
      if (RequireKey(c, "uri", "the path to request, like /tasks/cleanup") && cron.uri[0] != '/') {
        c.AddProblem("uri", Quoted(cron.uri) + " must be a path starting with '/'");
      }
      if (cron.username.empty() && !cron.password.empty()) {
        c.AddProblem("password", "a password needs a username");
      }
      c.Finish();
      in->crons.push_back(std::move(cron));
    }
  }

  void ReadServices(YamlSection& root, Manifest* m) {
    std::map<std::string, std::string> names;
    for (YamlSection& s : root.SectionList("services")) {
      ManifestService service;
      s.String("name", &service.name);
      s.String("plugin", &service.plugin);
      service.parameters = Mapping(s, "parameters");
      if (RequireKey(s, "name") && !ValidLabel(service.name)) {
        s.AddProblem("name", Quoted(service.name) +
                                 " must be 1-63 lower-case letters, digits or '-', not starting or ending with '-'");
      }
      CheckPlugin(s, service.plugin, known_.services, "service plugin");
      if (!service.name.empty()) {
        auto [first, inserted] = names.emplace(service.name, s.KeyPath("name"));
        if (!inserted) {
          s.AddProblem("name", "duplicate service name " + Quoted(service.name) + " (also " + first->second + ")");
        }
      }
      s.Finish();
      m->services.push_back(std::move(service));
    }
  }

  YamlDocument* doc_;
  const PluginCatalog& known_;
};

// "source:12: message" → 12, to order problems by line.
int LineOf(const std::string& problem, const std::string& source) {
  if (problem.compare(0, source.size() + 1, source + ":") != 0) return 0;
  return std::atoi(problem.c_str() + source.size() + 1);
}

}  // namespace

Result<Manifest> ParseManifest(const std::string& text, const std::string& source, const PluginCatalog& known) {
  auto doc = yaml::YamlDocument::Parse(text, source);
  if (!doc.ok()) return doc.status();
  Manifest manifest = ManifestReader(doc->get(), known).Read();
  std::vector<std::string> problems = (*doc)->problems().list();
  if (problems.empty()) return manifest;
  // Sections report unknown keys when they finish, after their other
  // problems; ordering by line reads like the file.
  std::stable_sort(problems.begin(), problems.end(), [&](const std::string& a, const std::string& b) {
    return LineOf(a, source) < LineOf(b, source);
  });
  std::string message = "invalid manifest (" + std::to_string(problems.size()) +
                        (problems.size() == 1 ? " problem):" : " problems):");
  for (const auto& p : problems) message += "\n  " + p;
  return InvalidArgument(message);
}

}  // namespace paasmaker::model
