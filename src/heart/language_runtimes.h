// The language runtimes on the heart (SPEC §5.4): paasmaker.runtime.python,
// .node, .php and .ruby run an interpreter from the heart's Debian packages
// on the package the pacemaker prepared (its dependencies installed there:
// pacemaker/prepare/dependencies.h).
//
// Parameters (all optional): launch_command ("%(port)d" → the port, as for
// the shell runtime; replaces the default below), start_timeout [20 s],
// standalone_wait [5 s], and per runtime:
//   python  script [app.py], wsgi_module ("module" or "module:callable")
//   php     document_root [.] (inside the instance dir)
//
// Default launch commands, with the port and address the heart gives
// (PM_PORT and PM_LISTEN_ADDRESS in the environment too):
//   python  wsgi_module given: gunicorn when the package installed it
//           (python3 -m gunicorn --bind ADDR:PORT module), else the
//           standard library's threaded wsgiref server; else python3 app.py
//           (the app reads PM_PORT).
//   node    package.json scripts.start: npm start; else its "main":
//           node MAIN; else node server.js.
//   php     php -S ADDR:PORT -t DOCROOT (PHP's built-in server, with
//           PHP_CLI_SERVER_WORKERS workers), behind the router.
//   ruby    config.ru: rackup -p PORT -o ADDR; else ruby app.rb; through
//           `bundle exec` when there is a Gemfile.
//
// Environment added to the instance's (InstanceEnvironment):
//   python  PYTHONPATH = <dir>/.paasmaker/python-packages (what prepare
//           installed), its bin/ first in PATH, PYTHONUNBUFFERED=1 (output
//           reaches the instance log at once)
//   node    <dir>/node_modules/.bin first in PATH; npm's update check off
//   php     PHP_CLI_SERVER_WORKERS=4
//
// Pure functions except ReadAppFiles; thread safe.
#pragma once

#include <map>
#include <string>

#include "core/result.h"
#include "model/instance_spec.h"

namespace paasmaker::heart {

// What the default launch command depends on in the instance dir.
struct AppFiles {
  bool npm_start = false;    // package.json has scripts.start
  std::string package_main;  // package.json "main" ("" when none)
  bool config_ru = false;
  bool gemfile = false;
};

// Reads package.json (a malformed one counts as none), config.ru and
// Gemfile in `instance_dir`.
AppFiles ReadAppFiles(const std::string& instance_dir);

// The language runtime's parameters (spec.runtime.plugin is one of
// model::kLanguageRuntimes): InvalidArgument naming the parameter.
Status CheckLanguageRuntime(const model::InstanceSpec& spec);

// The shell command line that starts the instance when the manifest gives
// no launch_command (see the header comment); `port` is 0 when standalone.
std::string DefaultLaunchCommand(const model::InstanceSpec& spec, const AppFiles& files, int port,
                                 const std::string& listen_address);

// Adds the runtime's variables (see the header comment) to `env`, whose
// PATH is already set.
void AddLanguageEnvironment(const std::string& plugin, const std::string& instance_dir,
                            std::map<std::string, std::string>& env);

// `value` quoted for /bin/sh ('...' with embedded quotes escaped).
std::string ShellQuote(const std::string& value);

}  // namespace paasmaker::heart
