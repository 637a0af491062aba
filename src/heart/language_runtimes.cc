#include "heart/language_runtimes.h"

#include <cctype>

#include <nlohmann/json.hpp>

#include "core/files.h"
#include "model/package_layout.h"
#include "model/runtime_names.h"

namespace paasmaker::heart {

namespace {

using nlohmann::json;

// PHP's built-in server answers one request at a time per worker.
constexpr const char* kPhpServerWorkers = "4";

// A WSGI application served by the standard library alone (threaded, one
// thread per request): for apps whose requirements name no server.
// argv: module[:callable] address port.
constexpr const char* kWsgirefServer =
    "import importlib, sys\n"
    "from socketserver import ThreadingMixIn\n"
    "from wsgiref.simple_server import WSGIServer, make_server\n"
    "module, _, name = sys.argv[1].partition(':')\n"
    "app = getattr(importlib.import_module(module), name or 'application')\n"
    "class Server(ThreadingMixIn, WSGIServer):\n"
    "    daemon_threads = True\n"
    "make_server(sys.argv[2], int(sys.argv[3]), app, server_class=Server).serve_forever()\n";

bool IsWsgiModule(const std::string& value) {
  if (value.empty() || value.front() == '.' || value.front() == ':') return false;
  int colons = 0;
  for (char c : value) {
    if (c == ':') {
      ++colons;
    } else if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.') {
      return false;
    }
  }
  return colons <= 1 && value.back() != ':';
}

Status OptionalString(const json& params, const char* key) {
  if (params.contains(key) && (!params[key].is_string() || params[key].get<std::string>().empty())) {
    return InvalidArgument(std::string("instance.runtime.parameters.") + key + ": must be a non-empty string");
  }
  return Status::Ok();
}

Status StaysInside(const json& params, const char* key) {
  std::string path = params.value(key, std::string());
  if (path.find("..") != std::string::npos || (!path.empty() && path[0] == '/')) {
    return InvalidArgument(std::string("instance.runtime.parameters.") + key +
                           ": must stay inside the instance directory");
  }
  return Status::Ok();
}

std::string Address(const std::string& listen_address, int port) { return listen_address + ":" + std::to_string(port); }

std::string PythonCommand(const json& params, int port, const std::string& listen_address) {
  std::string module = params.value("wsgi_module", std::string());
  if (module.empty()) return "exec python3 " + ShellQuote(params.value("script", std::string("app.py")));
  std::string bind = ShellQuote(Address(listen_address, port));
  return "if python3 -c 'import gunicorn' 2>/dev/null; then exec python3 -m gunicorn --bind " + bind + " " +
         ShellQuote(module) + "; else exec python3 -c " + ShellQuote(kWsgirefServer) + " " + ShellQuote(module) +
         " " + ShellQuote(listen_address) + " " + std::to_string(port) + "; fi";
}

std::string NodeCommand(const AppFiles& files) {
  if (files.npm_start) return "exec npm start";
  return "exec node " + ShellQuote(files.package_main.empty() ? "server.js" : files.package_main);
}

std::string PhpCommand(const json& params, int port, const std::string& listen_address) {
  std::string root = params.value("document_root", std::string("."));
  return "exec php -S " + ShellQuote(Address(listen_address, port)) + " -t " + ShellQuote(root.empty() ? "." : root);
}

std::string RubyCommand(const AppFiles& files, int port, const std::string& listen_address) {
  std::string bundle = files.gemfile ? "bundle exec " : "";
  if (files.config_ru && port > 0) {
    return "exec " + bundle + "rackup -p " + std::to_string(port) + " -o " + ShellQuote(listen_address);
  }
  return "exec " + bundle + "ruby app.rb";
}

}  // namespace

AppFiles ReadAppFiles(const std::string& dir) {
  AppFiles files;
  files.config_ru = files::Exists(dir + "/config.ru");
  files.gemfile = files::Exists(dir + "/Gemfile");
  auto text = files::ReadFile(dir + "/package.json");
  if (text.ok()) {
    json package = json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (package.is_object()) {
      const json scripts = package.value("scripts", json::object());
      files.npm_start = scripts.is_object() && scripts.contains("start") && scripts["start"].is_string();
      if (package.contains("main") && package["main"].is_string()) files.package_main = package["main"];
    }
  }
  return files;
}

Status CheckLanguageRuntime(const model::InstanceSpec& spec) {
  const std::string& plugin = spec.runtime.plugin;
  const json& params = spec.runtime.parameters;
  PM_RETURN_IF_ERROR(OptionalString(params, "launch_command"));
  if (plugin == model::kPythonRuntime) {
    PM_RETURN_IF_ERROR(OptionalString(params, "script"));
    PM_RETURN_IF_ERROR(StaysInside(params, "script"));
    PM_RETURN_IF_ERROR(OptionalString(params, "wsgi_module"));
    if (params.contains("wsgi_module")) {
      if (!IsWsgiModule(params["wsgi_module"].get<std::string>())) {
        return InvalidArgument("instance.runtime.parameters.wsgi_module: expected module or module:callable");
      }
      if (spec.standalone) return InvalidArgument("instance.runtime.parameters.wsgi_module: a standalone instance has no port to serve it on");
    }
  } else if (plugin == model::kPhpRuntime) {
    if (spec.standalone && !params.contains("launch_command")) {
      return InvalidArgument(std::string(model::kPhpRuntime) + " serves HTTP: standalone needs a launch_command");
    }
    PM_RETURN_IF_ERROR(OptionalString(params, "document_root"));
    PM_RETURN_IF_ERROR(StaysInside(params, "document_root"));
  }
  return Status::Ok();
}

std::string DefaultLaunchCommand(const model::InstanceSpec& spec, const AppFiles& files, int port,
                                 const std::string& listen_address) {
  const std::string& plugin = spec.runtime.plugin;
  const json params = spec.runtime.parameters.is_object() ? spec.runtime.parameters : json::object();
  if (plugin == model::kPythonRuntime) return PythonCommand(params, port, listen_address);
  if (plugin == model::kNodeRuntime) return NodeCommand(files);
  if (plugin == model::kPhpRuntime) return PhpCommand(params, port, listen_address);
  return RubyCommand(files, port, listen_address);
}

void AddLanguageEnvironment(const std::string& plugin, const std::string& instance_dir,
                            std::map<std::string, std::string>& env) {
  auto prepend_path = [&](const std::string& dir) { env["PATH"] = dir + ":" + env["PATH"]; };
  if (plugin == model::kPythonRuntime) {
    std::string packages = instance_dir + "/" + model::kPythonPackagesDir;
    env["PYTHONPATH"] = packages;
    env["PYTHONUNBUFFERED"] = "1";
    prepend_path(packages + "/bin");
  } else if (plugin == model::kNodeRuntime) {
    prepend_path(instance_dir + "/node_modules/.bin");
    // npm would ask the registry for a newer npm at every start.
    env["NPM_CONFIG_UPDATE_NOTIFIER"] = "false";
  } else if (plugin == model::kPhpRuntime) {
    env["PHP_CLI_SERVER_WORKERS"] = kPhpServerWorkers;
  }
}

std::string ShellQuote(const std::string& value) {
  std::string quoted = "'";
  for (char c : value) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

}  // namespace paasmaker::heart
