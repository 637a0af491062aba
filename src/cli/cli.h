// The `paasmaker` command-line client: every subcommand that talks to a
// pacemaker over its HTTP API (node, workspace, user, role, job ...).
//
// The one program builds a CLI11 app, adds these client commands plus its own
// (`server`, added by src/exe through the hook), parses, and runs the chosen
// command. Output goes to CliIo so tests can capture it; every failure ends
// as `error: <message>` on the error stream and an exit code from ExitCodeFor.
//
// Thread safety: RunCli is a blocking call on the caller's thread; it shares no
// state between calls, so tests may run several at once.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/job_tree_view.h"
#include "core/status.h"

namespace paasmaker::cli {

// Reads an environment variable; nullopt when unset.
using EnvReader = std::function<std::optional<std::string>(const std::string& name)>;

// Reads the real process environment.
std::optional<std::string> ProcessEnv(const std::string& name);

// Where a run of the CLI writes, and where it reads PAASMAKER_* settings from.
// Tests pass string streams and a fixed environment so the developer's own
// PAASMAKER_KEY cannot leak into them.
struct CliIo {
  std::ostream& out;
  std::ostream& err;
  EnvReader env = ProcessEnv;
  TerminalSize out_terminal{};  // `out` is a terminal this size; {0, 0}: it is not (tests, pipes)
};

// The ONE mapping of status codes to process exit codes:
//   0 ok, 1 anything else, 2 usage / invalid argument,
//   3 unauthenticated / permission denied, 4 not found,
//   5 unavailable (cannot reach the pacemaker).
int ExitCodeFor(const Status& status);

// Holds the global options and the command picked while CLI11 parses; see
// command_context.h. Opaque to callers of this header.
class CommandContext;

// Registers the global options (--remote, --key, --json) and every client
// subcommand on `app`. Parsing only records which command was chosen; call
// RunChosenCommand after app.parse() returns. The context must outlive the
// parse (the app's callbacks refer to it).
std::shared_ptr<CommandContext> RegisterClientCommands(CLI::App& app, CliIo io);

// Runs the command recorded during parsing, prints any error, and returns its
// exit code. Returns 0 when no client command was chosen (e.g. the `server`
// command ran instead).
int RunChosenCommand(CommandContext& context);

// Builds the app, parses `args` (without the program name) and runs the
// command; returns the process exit code. `add_extra_commands` may add more
// subcommands (the exe adds `server`); their callbacks run during parsing and
// may end with `throw CLI::RuntimeError(exit_code)` to set the exit code.
int RunCli(const std::vector<std::string>& args, CliIo io,
           const std::function<void(CLI::App&)>& add_extra_commands = {});

}  // namespace paasmaker::cli
